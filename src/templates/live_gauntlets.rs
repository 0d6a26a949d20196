//! View structs of a gauntlet run as a live interview: the interviewer's console, round by
//! round, and the candidate's page, which has the opened rounds' questions and nothing else.

use askama::Template;

use super::Layout;
use super::interviews::{NoteView, TickView};

/// A round on the console: everything the gauntlet says of it, its items to tick and the
/// interviewer's notes on it.
#[derive(Debug)]
pub struct LiveRoundView {
    /// From 1, in page order.
    pub number: usize,
    pub name: String,
    pub question: String,
    pub testing: Option<String>,
    /// Content HTML, sanitized at load.
    pub strong_html: Option<String>,
    pub weak_html: Vec<String>,
    pub trap_alert_html: Option<String>,
    pub senior_signal_html: Option<String>,
    pub trap_variant_html: Option<String>,
    pub items: Vec<TickView>,
    pub notes: Vec<NoteView>,
    /// `mm:ss` into the interview when the round was opened; `None` until then.
    pub opened: Option<String>,
    /// The round opened last.
    pub current: bool,
    /// Shown expanded: the current round, or the first before any is opened.
    pub expanded: bool,
}

#[derive(Debug, Template)]
#[template(path = "interview_gauntlet_console.html")]
pub struct GauntletConsolePage<'a> {
    pub layout: Layout,
    pub title: &'a str,
    pub public_id: &'a str,
    pub candidate: &'a str,
    /// `/i/<token>`: the candidate's link, without the host.
    pub candidate_path: String,
    pub csrf: &'a str,
    pub started_at: i64,
    pub ended: bool,
    pub last_seq: i64,
    pub rounds: Vec<LiveRoundView>,
    /// The round to open next, and its name; `None` once every round is open.
    pub next_round: Option<usize>,
    pub next_name: String,
    /// Notes on no round in particular.
    pub notes: Vec<NoteView>,
    pub candidate_notes: &'a str,
    pub traps: Vec<String>,
}

/// An opened round's question, as the candidate sees it.
#[derive(Debug)]
pub struct QuestionView {
    pub round: usize,
    pub question: String,
}

#[derive(Debug, Template)]
#[template(path = "candidate_gauntlet.html")]
pub struct CandidateGauntletPage<'a> {
    pub layout: Layout,
    pub title: &'a str,
    pub candidate: &'a str,
    pub token: &'a str,
    /// The questions of the rounds opened so far, in order.
    pub questions: Vec<QuestionView>,
    pub notes: &'a str,
    pub last_seq: i64,
    pub max_notes: usize,
}
