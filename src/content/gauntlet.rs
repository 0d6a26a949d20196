//! Interview gauntlets: `# Interview Gauntlet: Title`, then `**Category:**`, `**Difficulty:**`,
//! `**Duration:**` and `**Domains:**` lines and `## Round N: Name` sections, each with an
//! `**Interviewer:**` question, an optional `> *What the interviewer is testing:*` note, a
//! `### Strong Answer:` and any of `### Common Weak Answers:`, `### Trap Alert:`,
//! `### The Senior Signal:` and `### Trap Question Variant:`. A page of its own kind: a script
//! of a multi-round interview, each round scored against items derived from its strong answer.

use pulldown_cmark::{Event, Tag, TagEnd};
use serde::Serialize;

use super::derive;
use super::document::RawSection;
use super::markdown::{Spanned, inline_text, plain_text};
use super::meta::{Level, Meta};
use super::parts::labelled;
use super::scenario::{Builder, Item, RubricItem};
use super::section::{list_items, round_number, subsections};
use super::walkthrough::{Prose, without_code};

/// The title prefix that makes a page a gauntlet.
pub const PREFIX: &str = "Interview Gauntlet:";

/// Whether a title starts with `Interview Gauntlet:` (any case).
pub fn has_prefix(title: &str) -> bool {
    title
        .get(..PREFIX.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(PREFIX))
}

/// Everything a gauntlet page says, typed.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Gauntlet {
    #[serde(flatten)]
    pub header: Header,
    pub rounds: Vec<Round>,
    /// `### What This Sequence Tested:` under the last round (a table), rendered.
    pub tested_html: Option<String>,
}

/// The lines under a gauntlet's title.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Header {
    pub category: Option<String>,
    /// As written: `L2-L3`.
    pub difficulty: Option<String>,
    pub duration: Option<String>,
    pub domains: Vec<String>,
}

/// One `## Round N: Name` section.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Round {
    pub number: u32,
    /// `The Opening`.
    pub name: String,
    /// The `**Interviewer:**` question, without its quotes.
    pub question: Option<String>,
    /// `> *What the interviewer is testing:* ...`, without its label.
    pub testing: Option<String>,
    pub strong_answer: Option<Prose>,
    /// `### Common Weak Answers:` bullets: a quoted weak answer and why it is weak.
    pub weak_answers: Vec<Item>,
    pub trap_alert: Option<Prose>,
    pub senior_signal: Option<Prose>,
    pub trap_variant: Option<Prose>,
    /// Derived from the strong answer's ideas; empty without one.
    pub rubric: Vec<RubricItem>,
    /// The line of the round's heading.
    pub line: usize,
}

/// The `**Category:** ...` lines of a gauntlet's introduction.
pub fn header(intro: &[Spanned<'_>]) -> Header {
    let (_, parts) = labelled(intro);
    let mut header = Header::default();
    for part in &parts {
        let value = Some(part.text().trim().to_owned()).filter(|v| !v.is_empty());
        match part.label.to_ascii_lowercase().as_str() {
            "category" => header.category = value,
            "difficulty" | "level" => header.difficulty = value,
            "duration" => header.duration = value,
            "domains" | "domain" => {
                header.domains = value
                    .iter()
                    .flat_map(|v| v.split(','))
                    .map(|d| d.trim().to_owned())
                    .filter(|d| !d.is_empty())
                    .collect();
            }
            _ => {}
        }
    }
    header
}

impl Header {
    /// The metadata the header gives: the level of the lower difficulty (`L2-L3` is `L2`),
    /// the domains as topics, the first as the domain.
    pub fn meta(&self) -> Meta {
        let level = self.difficulty.as_deref().and_then(|d| {
            let lower = d.split(['-', '–', '/']).next().unwrap_or(d);
            Level::parse(lower)
        });
        Meta {
            level,
            topics: self.domains.clone(),
            domain: self.domains.first().cloned(),
            ..Meta::default()
        }
    }
}

impl Gauntlet {
    /// Adds a `## Round N: Name` section; a `### What This Sequence Tested:` in it is the
    /// gauntlet's.
    pub fn add_round(&mut self, section: &RawSection<'_, '_>, builder: &Builder<'_>) {
        let (before, subs) = subsections(section.events);
        let mut round = Round {
            number: round_number(section.heading).unwrap_or(self.rounds.len() as u32 + 1),
            name: round_name(section.heading),
            line: section.line,
            testing: testing_note(before),
            ..Round::default()
        };
        let (_, parts) = labelled(before);
        round.question = parts
            .iter()
            .find(|p| p.is(&["interviewer", "question"]))
            .map(|p| question(&p.events))
            .filter(|q| !q.is_empty());
        for (title, offset, events) in subs {
            let prose = || Prose {
                text: plain_text(events),
                html: (builder.render)(events),
                line: (builder.line_of)(offset),
            };
            match title
                .trim()
                .trim_end_matches(':')
                .trim()
                .to_lowercase()
                .as_str()
            {
                "strong answer" => {
                    let answer = plain_text(&without_code(events));
                    round.rubric = derive::round(&answer, (builder.line_of)(offset));
                    round.strong_answer = Some(prose());
                }
                "common weak answers" | "weak answers" => {
                    round.weak_answers = list_items(events)
                        .into_iter()
                        .map(|(item, at)| Item {
                            html: (builder.render)(item),
                            text: inline_text(item),
                            line: (builder.line_of)(at),
                        })
                        .collect();
                }
                "trap alert" => round.trap_alert = Some(prose()),
                "the senior signal" | "senior signal" => round.senior_signal = Some(prose()),
                "trap question variant" => round.trap_variant = Some(prose()),
                "what this sequence tested" => self.tested_html = Some(prose().html),
                _ => {}
            }
        }
        self.rounds.push(round);
    }
}

/// `Round 1: The Opening:` -> `The Opening`.
fn round_name(heading: &str) -> String {
    let rest = heading.trim().get(6..).unwrap_or_default();
    let rest = rest.trim_start_matches(|c: char| c.is_ascii_digit());
    rest.trim_start_matches([':', '.', '-', '—', ' '])
        .trim()
        .trim_end_matches(':')
        .trim()
        .to_owned()
}

/// The first paragraph of the interviewer's part, on one line, without its quotes.
fn question(events: &[Spanned<'_>]) -> String {
    let end = events
        .iter()
        .position(|(e, _)| matches!(e, Event::End(TagEnd::Paragraph)))
        .unwrap_or(events.len());
    let text = inline_text(&events[..end]);
    text.trim()
        .trim_matches(['"', '\u{201c}', '\u{201d}'])
        .trim()
        .to_owned()
}

/// The text of a quote that starts `What the interviewer is testing:`, without that label.
fn testing_note(events: &[Spanned<'_>]) -> Option<String> {
    const LABEL: &str = "what the interviewer is testing";
    let mut depth = 0usize;
    let mut start = None;
    for (i, (event, _)) in events.iter().enumerate() {
        match event {
            Event::Start(Tag::BlockQuote(_)) => {
                depth += 1;
                start = start.or(Some(i + 1));
            }
            Event::End(TagEnd::BlockQuote(_)) => {
                depth = depth.saturating_sub(1);
                if depth == 0
                    && let Some(from) = start.take()
                {
                    let text = inline_text(&events[from..i]);
                    let text = text.trim();
                    let labelled = text
                        .get(..LABEL.len())
                        .is_some_and(|l| l.eq_ignore_ascii_case(LABEL));
                    if labelled {
                        let note = text[LABEL.len()..].trim_start_matches([':', ' ']).trim();
                        return Some(note.to_owned()).filter(|n| !n.is_empty());
                    }
                }
            }
            _ => {}
        }
    }
    None
}
