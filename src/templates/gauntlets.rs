//! View structs of a gauntlet practised round by round.

use askama::Template;

use super::{ItemView, Layout};
use crate::content::gauntlet::Round;

/// Where the learner is with a round.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoundState {
    /// Answered: the answer, its verdicts and the round's model answer are shown.
    Answered,
    /// The round the learner is at: its question and the answer form.
    Current,
    /// Not reached: only its number and name.
    Later,
}

/// One round as the learner has reached it. Fields past the state's are empty.
#[derive(Debug)]
pub struct RoundView {
    pub position: usize,
    pub name: String,
    pub state: RoundState,
    /// The interviewer's question: absent for a round not reached.
    pub question: Option<String>,
    pub testing: Option<String>,
    pub answer_html: String,
    pub percent: u32,
    pub covered: i64,
    pub total: i64,
    pub items: Vec<ItemView>,
    pub strong_html: Option<String>,
    pub weak_html: Vec<String>,
    pub trap_alert_html: Option<String>,
    pub senior_signal_html: Option<String>,
    pub trap_variant_html: Option<String>,
}

impl RoundView {
    /// The round the learner is at: its name and question.
    pub fn current(position: usize, round: &Round) -> Self {
        Self {
            position,
            name: round.name.clone(),
            state: RoundState::Current,
            question: round.question.clone(),
            testing: None,
            answer_html: String::new(),
            percent: 0,
            covered: 0,
            total: 0,
            items: Vec::new(),
            strong_html: None,
            weak_html: Vec::new(),
            trap_alert_html: None,
            senior_signal_html: None,
            trap_variant_html: None,
        }
    }

    /// A round not reached: its name only.
    pub fn later(position: usize, round: &Round) -> Self {
        let mut view = Self::current(position, round);
        view.state = RoundState::Later;
        view.question = None;
        view
    }

    pub fn is_answered(&self) -> bool {
        self.state == RoundState::Answered
    }

    pub fn is_current(&self) -> bool {
        self.state == RoundState::Current
    }
}

/// A gauntlet page for one learner.
#[derive(Debug, Template)]
#[template(path = "gauntlet.html")]
pub struct GauntletPage<'a> {
    pub layout: Layout,
    pub title: &'a str,
    pub slug: &'a str,
    pub csrf: &'a str,
    pub category: Option<&'a str>,
    pub difficulty: Option<&'a str>,
    pub duration: Option<&'a str>,
    pub domains: String,
    pub rounds: Vec<RoundView>,
    /// Rounds answered in this run.
    pub answered: usize,
    pub finished: bool,
    /// The run's score so far: each round's score weighted by its items.
    pub percent: u32,
    /// "What this sequence tested", once every round is answered.
    pub tested_html: Option<&'a str>,
    /// An answer to put back in the form, and why it was refused.
    pub answer: &'a str,
    pub error: Option<&'a str>,
    pub max_chars: usize,
    /// The form that starts a live interview of the gauntlet (interviewers only), rendered.
    pub start_form: Option<String>,
}
