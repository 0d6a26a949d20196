//! Investigation walkthroughs, read into the one [`Scenario`] model: `### N. Title` steps with
//! `**Command(s):**` blocks and `**What to look for:**`, a `Fix` with `**Immediate:**` and
//! `**Preventive:**`, an `Interview Angle` of `**Q:**` and `**Good answer shape:**`. The
//! situation, what you know and the common mistakes are ordinary section roles.

use pulldown_cmark::{Event, Tag, TagEnd};
use serde::Serialize;

use super::document::Document;
use super::investigation::{Step, split_label, step_heading};
use super::markdown::{Spanned, escape_into};
use super::parts::{Part, labelled};
use super::scenario::{Builder, Item, Scenario};
use super::section::subsections;

/// Some prose of a page, as text and as sanitized HTML, with the line it starts at.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Prose {
    pub text: String,
    pub html: String,
    pub line: usize,
}

/// A walkthrough's `Fix` section.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Fix {
    /// `**Immediate:**`: what restores service (often options, as comments in a code block).
    pub immediate: Option<Prose>,
    /// The immediate fix's options, in short: the comments of its code blocks (`# Option A:
    /// raise the limit`), or else its first sentence.
    pub options: Vec<String>,
    /// `**Preventive:**`: one item per bullet.
    pub preventive: Vec<Item>,
}

/// The model answer to a follow-up: a walkthrough's `**Good answer shape:**` after its `**Q:**`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FollowUpAnswer {
    /// The index of the follow-up in [`Scenario::follow_ups`].
    pub follow_up: usize,
    pub answer: Prose,
}

/// Whether a scenario page is a walkthrough: it has a section only walkthroughs have.
pub fn is_walkthrough(doc: &Document<'_>) -> bool {
    doc.sections()
        .any(|s| super::section::is_walkthrough_heading(s.heading))
}

/// The steps of an `Investigation Steps` section written as `### 1. Title` subsections; empty
/// when it has none.
pub fn steps(events: &[Spanned<'_>], line_of: &dyn Fn(usize) -> usize) -> Vec<Step> {
    let (_, subs) = subsections(events);
    subs.into_iter()
        .filter_map(|(heading, offset, events)| {
            let heading = heading.trim().trim_end_matches(':');
            let (number, title) = step_heading(heading)?;
            let (label, title) = split_label(title);
            let (before, parts) = labelled(events);
            let looked_for = |p: &Part<'_>| p.is(&["what to look for", "look for", "shows"]);
            let mut code: Vec<String> = std::iter::once(&before[..])
                .chain(
                    parts
                        .iter()
                        .filter(|p| !looked_for(p))
                        .map(|p| &p.events[..]),
                )
                .flat_map(code_blocks)
                .collect();
            if code.is_empty() {
                // `**Command:** `kubectl top pod`` on one line: its code spans are the commands.
                let inline = parts.iter().filter(|p| p.is(&COMMAND_LABELS));
                code = inline.flat_map(|p| code_spans(&p.events)).collect();
            }
            let shows = parts
                .iter()
                .filter(|p| looked_for(p))
                .map(|p| one_line(&p.text()))
                .filter(|s| !s.is_empty())
                .collect();
            Some(Step {
                number,
                title,
                label,
                code: code.join("\n\n"),
                shows,
                html: String::new(),
                line: line_of(offset),
            })
        })
        .collect()
}

/// Labels of a step's commands.
const COMMAND_LABELS: [&str; 4] = ["command", "commands", "command(s)", "run"];

/// The text of each code span (`` `df -h` ``) outside code blocks.
fn code_spans(events: &[Spanned<'_>]) -> Vec<String> {
    events
        .iter()
        .filter_map(|(event, _)| match event {
            Event::Code(code) => Some(code.trim().to_owned()),
            _ => None,
        })
        .filter(|code| !code.is_empty())
        .collect()
}

/// The text of each fenced or indented code block in `events`, trailing newline dropped.
fn code_blocks(events: &[Spanned<'_>]) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for (event, _) in events {
        match (event, &mut current) {
            (Event::Start(Tag::CodeBlock(_)), _) => current = Some(String::new()),
            (Event::Text(t), Some(text)) => text.push_str(t),
            (Event::End(TagEnd::CodeBlock), _) => {
                blocks.extend(current.take().map(|t| t.trim_end_matches('\n').to_owned()));
            }
            _ => {}
        }
    }
    blocks
}

/// The options of an immediate fix: its code's comments, else its prose's first sentence.
fn options(events: &[Spanned<'_>]) -> Vec<String> {
    let comments: Vec<String> = code_blocks(events)
        .iter()
        .flat_map(|code| code.lines())
        .filter_map(|line| line.trim().strip_prefix('#'))
        .map(|comment| {
            let comment = comment.trim();
            let option = comment
                .split_once(':')
                .filter(|(head, _)| {
                    let head = head.trim().to_ascii_lowercase();
                    head.starts_with("option") || head == "or"
                })
                .map_or(comment, |(_, rest)| rest.trim());
            option.to_owned()
        })
        .filter(|option| !option.is_empty())
        .collect();
    if !comments.is_empty() {
        return comments;
    }
    let prose: Vec<Spanned<'_>> = without_code(events);
    let text = one_line(&super::markdown::plain_text(&prose));
    super::derive::sentences(&text)
        .into_iter()
        .take(1)
        .collect()
}

/// The events outside code blocks.
pub(super) fn without_code<'a>(events: &[Spanned<'a>]) -> Vec<Spanned<'a>> {
    let mut inside = false;
    events
        .iter()
        .filter(|(event, _)| match event {
            Event::Start(Tag::CodeBlock(_)) => {
                inside = true;
                false
            }
            Event::End(TagEnd::CodeBlock) => {
                inside = false;
                false
            }
            _ => !inside,
        })
        .cloned()
        .collect()
}

/// Text with its line breaks as spaces.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The `Fix` section: its `**Immediate:**` and `**Preventive:**` parts.
pub fn fix(events: &[Spanned<'_>], builder: &Builder<'_>) -> Fix {
    let (_, parts) = labelled(events);
    let mut fix = Fix::default();
    for part in &parts {
        if part.is(&["immediate", "immediate fix", "mitigation"]) {
            fix.immediate = Some(prose(part, builder));
            fix.options = options(&part.events);
        } else if part.is(&["preventive", "prevention", "permanent", "permanent fix"]) {
            fix.preventive
                .extend(part.bullets().into_iter().map(|(text, offset)| {
                    let mut html = String::new();
                    escape_into(&mut html, &text);
                    Item {
                        html,
                        text,
                        line: (builder.line_of)(offset),
                    }
                }));
        }
    }
    fix
}

/// The `Interview Angle` section: each `**Q:**` becomes a follow-up, and the
/// `**Good answer shape:**` after it that follow-up's model answer.
pub fn add_angle(scenario: &mut Scenario, events: &[Spanned<'_>], builder: &Builder<'_>) {
    let (_, parts) = labelled(events);
    let mut asked = None;
    for part in &parts {
        if part.is(&["q", "question"]) {
            let answer = prose(part, builder);
            scenario.follow_ups.push(Item {
                html: answer.html,
                text: one_line(&answer.text),
                line: answer.line,
            });
            asked = Some(scenario.follow_ups.len() - 1);
        } else if part.is(&["good answer shape", "good answer", "a", "answer"])
            && let Some(follow_up) = asked.take()
        {
            scenario.follow_up_answers.push(FollowUpAnswer {
                follow_up,
                answer: prose(part, builder),
            });
        }
    }
}

/// A part as prose: its text, its HTML and the line of its label.
pub fn prose(part: &Part<'_>, builder: &Builder<'_>) -> Prose {
    Prose {
        text: part.text(),
        html: (builder.render)(&part.events),
        line: (builder.line_of)(part.offset),
    }
}
