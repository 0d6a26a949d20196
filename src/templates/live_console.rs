//! The investigation console in a live interview: the candidate's commands on the
//! interviewer's console, with controls to answer them, and the candidate's own transcript.

use askama::Template;

/// A command of the candidate's (or a step's output shown on its own) on the interviewer's
/// console.
#[derive(Debug)]
pub struct CommandView {
    /// The sequence number of its event: the form's `typed`, and the element's id.
    pub seq: i64,
    /// `None`: a step's output shown on its own.
    pub command: Option<String>,
    /// The matched step (from 0), for the form.
    pub step: Option<usize>,
    /// `Step 2: View the diff`, when it matched one.
    pub step_label: String,
    /// What the matched step shows.
    pub output: Vec<String>,
    pub harm: Option<String>,
    /// What the candidate was answered, once answered: `Output of step 2 shown`.
    pub answer: Option<String>,
}

/// A step of the path on the interviewer's console, with its output to show.
#[derive(Debug)]
pub struct StepOutputView {
    pub index: usize,
    pub label: String,
    pub output: Vec<String>,
    /// The candidate has been shown it.
    pub shown: bool,
}

/// The candidate's console on the interviewer's console.
#[derive(Debug, Template)]
#[template(path = "interview_commands.html")]
pub struct InterviewCommands<'a> {
    pub public_id: &'a str,
    pub csrf: &'a str,
    pub ended: bool,
    pub commands: Vec<CommandView>,
    pub steps: Vec<StepOutputView>,
}

/// An entry of the candidate's transcript: only what is theirs to see.
#[derive(Debug)]
pub struct CandidateEntry {
    pub seq: i64,
    /// `None`: output the interviewer showed on its own.
    pub command: Option<String>,
    /// Why it was not run.
    pub harm: Option<String>,
    /// What the interviewer showed; `None` while it waits for them.
    pub lines: Option<Vec<String>>,
}

/// The console on the candidate's page.
#[derive(Debug, Template)]
#[template(path = "candidate_console.html")]
pub struct CandidateConsole<'a> {
    pub token: &'a str,
    pub entries: Vec<CandidateEntry>,
    pub max_chars: usize,
}
