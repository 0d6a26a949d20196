//! The console on a scenario page.

use askama::Template;

/// One command of the transcript and what the console answered.
#[derive(Debug)]
pub struct Entry {
    pub command: String,
    /// Why it was not run: it would do harm in production.
    pub harm: Option<String>,
    pub output: Vec<String>,
}

#[derive(Debug, Template)]
#[template(path = "console.html")]
pub struct ConsolePanel<'a> {
    pub csrf: &'a str,
    pub slug: &'a str,
    pub entries: Vec<Entry>,
    pub max_chars: usize,
    /// The hints taken so far: what each said and the points it cost.
    pub hints: Vec<crate::web::hints::Said>,
    /// What the next hint would give, if any is left.
    pub hint_offer: Option<String>,
    /// Points the next hint costs.
    pub hint_cost: u32,
    /// Points the hints taken so far will take off the next answer.
    pub hint_penalty: u32,
}

/// An attempt's investigation beside the expected path.
#[derive(Debug)]
pub struct PathView {
    /// Each step of the path: its title and the number of the first command that reached it.
    pub steps: Vec<(String, Option<usize>)>,
    /// Steps reached, in percent of the path.
    pub percent: u32,
    pub reached: usize,
    pub diagnosed_first: Option<bool>,
    pub unhelpful: usize,
    pub harmful: Vec<(String, String)>,
    /// The commands in the order typed, each with the step it reached (numbered from 1).
    pub commands: Vec<(String, Option<usize>)>,
}
