//! View structs of the interview pages: the console, the candidate's page, the scorecard and
//! the list of interviews.

use askama::Template;

use super::Layout;
use crate::grading::Verdict;
use crate::interviews::Scorecard;

/// The form on a scenario page that starts an interview (interviewers only).
#[derive(Debug, Template)]
#[template(path = "interview_start.html")]
pub struct StartForm<'a> {
    pub csrf: &'a str,
    pub slug: &'a str,
    /// Offer the answer key (not on the answer key itself, nor for a gauntlet).
    pub key_link: bool,
    /// Start a gauntlet's interview, not a scenario's.
    pub gauntlet: bool,
}

/// One interview in the list.
#[derive(Debug)]
pub struct InterviewRow {
    pub public_id: String,
    pub title: String,
    pub candidate: String,
    pub interviewer: String,
    pub started: String,
    pub live: bool,
    pub percent: u32,
}

#[derive(Debug, Template)]
#[template(path = "interviews.html")]
pub struct InterviewsPage {
    pub layout: Layout,
    /// One page of interviews.
    pub rows: Vec<InterviewRow>,
    pub pager: super::Pager,
    /// An admin's list: everyone's interviews, with the interviewer shown.
    pub all: bool,
}

/// Something the interviewer can reveal to the candidate.
#[derive(Debug)]
pub struct RevealView {
    /// `evidence` or `hint`.
    pub what: &'static str,
    pub index: usize,
    pub label: String,
    /// Sanitized at content load, or escaped.
    pub html: String,
    pub revealed: bool,
}

/// A rubric item on the console.
#[derive(Debug)]
pub struct TickView {
    pub id: String,
    pub text: String,
    pub tick: Option<Verdict>,
    /// The grader's verdict on the candidate's notes.
    pub suggested: Verdict,
}

impl TickView {
    pub fn ticked(&self, verdict: &str) -> bool {
        self.tick.is_some_and(|t| t.as_str() == verdict)
    }
}

/// A follow-up question on the console.
#[derive(Debug)]
pub struct FollowUpView {
    pub index: usize,
    /// Sanitized at content load.
    pub html: String,
    /// `mm:ss` into the interview when it was first asked.
    pub asked: Option<String>,
}

/// A private note on the console.
#[derive(Debug)]
pub struct NoteView {
    pub elapsed: String,
    pub text: String,
}

#[derive(Debug, Template)]
#[template(path = "interview_console.html")]
pub struct ConsolePage<'a> {
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
    pub reveals: Vec<RevealView>,
    pub items: Vec<TickView>,
    pub follow_ups: Vec<FollowUpView>,
    pub notes: Vec<NoteView>,
    pub candidate_notes: &'a str,
    pub traps: Vec<String>,
    /// The candidate's console (rendered), for a scenario with an investigation path.
    pub commands: Option<String>,
    /// The whole scenario, answers shown (pre-rendered).
    pub article: &'a str,
}

/// A section the candidate may read.
#[derive(Debug)]
pub struct OpenSection {
    pub heading: String,
    /// Sanitized at content load.
    pub html: String,
}

#[derive(Debug, Template)]
#[template(path = "candidate.html")]
pub struct CandidatePage<'a> {
    pub layout: Layout,
    pub title: &'a str,
    pub candidate: &'a str,
    pub token: &'a str,
    pub sections: Vec<OpenSection>,
    /// Revealed evidence and findings, in order; sanitized or escaped HTML.
    pub revealed: Vec<String>,
    /// The console (rendered), for a scenario with an investigation path.
    pub console: Option<String>,
    pub notes: &'a str,
    pub last_seq: i64,
    pub max_notes: usize,
}

/// What a candidate sees once the interview is over.
#[derive(Debug, Template)]
#[template(path = "candidate_closed.html")]
pub struct ClosedPage<'a> {
    pub layout: Layout,
    pub candidate: &'a str,
}

#[derive(Debug, Template)]
#[template(path = "scorecard.html")]
pub struct ScorecardPage<'a> {
    pub layout: Layout,
    pub title: &'a str,
    pub public_id: &'a str,
    pub started: String,
    pub duration: String,
    pub ended: bool,
    pub percent: u32,
    pub grader_percent: u32,
    pub card: &'a Scorecard,
}

/// The interviewer's view of a scenario: the whole answer key, no interview needed.
#[derive(Debug, Template)]
#[template(path = "answer_key.html")]
pub struct AnswerKeyPage<'a> {
    pub layout: Layout,
    pub title: &'a str,
    pub url: &'a str,
    /// The scenario with its answers shown and the start form where a learner's answer form
    /// would be; content sanitized at load, the form rendered by askama.
    pub article: String,
    pub items: Vec<KeyItem>,
}

/// A rubric item as the grader and the console's checklist use it.
#[derive(Debug)]
pub struct KeyItem {
    pub text: String,
    pub weight: f32,
}
