//! Section roles recognised from `##` headings, and helpers to pull list items out of a section.

use std::ops::Range;

use pulldown_cmark::{Event, Tag, TagEnd};
use serde::Serialize;

use super::markdown::Spanned;

/// What a `##` section is for, recognised case-insensitively from its heading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SectionRole {
    Prompt,
    InitialReport,
    Constraints,
    Evidence,
    InvestigationPath,
    RootCause,
    Checklist,
    StrongAnswer,
    KeyConcepts,
    Traps,
    RedFlags,
    FollowUps,
    Practice,
    NextSteps,
    WikiNavigation,
    /// A walkthrough's `Fix`: `**Immediate:**` and `**Preventive:**` parts.
    Fix,
    /// A walkthrough's `Interview Angle`: `**Q:**` and `**Good answer shape:**` parts.
    InterviewAngle,
    /// A gauntlet's `Round N: Name`.
    Round,
    Other,
}

impl SectionRole {
    pub fn from_heading(heading: &str) -> Self {
        let mut buf = [0u8; 40];
        if round_number(heading).is_some() {
            return Self::Round;
        }
        let Some(name) = normalise(heading, &mut buf) else {
            return Self::Other;
        };
        match name {
            "the prompt" | "prompt" | "situation" => Self::Prompt,
            "initial report" => Self::InitialReport,
            "constraints" => Self::Constraints,
            "observable evidence" | "evidence" | "what you know" => Self::Evidence,
            "expected investigation path"
            | "expected response path"
            | "investigation path"
            | "investigation steps" => Self::InvestigationPath,
            "root cause" | "root causes" | "root cause possibilities" | "common root causes" => {
                Self::RootCause
            }
            "what a strong answer includes" => Self::Checklist,
            "strong answer" | "model answer" => Self::StrongAnswer,
            "key concepts tested" | "key concepts" => Self::KeyConcepts,
            "common traps" | "traps" | "common mistakes" => Self::Traps,
            "red flags (weak answers)" | "red flags" => Self::RedFlags,
            "follow ups" | "follow up questions" => Self::FollowUps,
            "practice and links" => Self::Practice,
            "next steps" => Self::NextSteps,
            "wiki navigation" => Self::WikiNavigation,
            "fix" => Self::Fix,
            "interview angle" => Self::InterviewAngle,
            _ => Self::Other,
        }
    }

    /// Sections that give the answer away; hidden until the learner reveals or answers.
    pub fn is_spoiler(self) -> bool {
        matches!(
            self,
            Self::InvestigationPath
                | Self::RootCause
                | Self::Checklist
                | Self::StrongAnswer
                | Self::KeyConcepts
                | Self::Traps
                | Self::RedFlags
                | Self::FollowUps
                | Self::Fix
                | Self::InterviewAngle
        )
    }
}

/// Whether a `##` heading is one only an investigation walkthrough has (`Situation`,
/// `Investigation Steps`...): a scenario with one is read as a walkthrough.
pub fn is_walkthrough_heading(heading: &str) -> bool {
    let mut buf = [0u8; 40];
    matches!(
        normalise(heading, &mut buf),
        Some("situation" | "what you know" | "investigation steps" | "fix" | "interview angle")
    )
}

/// `Round 3: The Constraint` -> 3: the number of a gauntlet's round heading.
pub fn round_number(heading: &str) -> Option<u32> {
    let heading = heading.trim();
    let rest = heading
        .get(..6)
        .filter(|w| w.eq_ignore_ascii_case("round "))
        .map(|_| &heading[6..])?;
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let number = rest[..digits].parse().ok()?;
    let after = rest[digits..].trim_start();
    (after.is_empty() || after.starts_with([':', '.', '-', '\u{2014}'])).then_some(number)
}

/// A heading as the roles are matched: trimmed, a trailing `:`, `.` or `¶` dropped, `-` as a
/// space, lowercased into `buf`. Every known heading is short ASCII, so no allocation; `None`
/// for anything longer or not ASCII.
fn normalise<'b>(heading: &str, buf: &'b mut [u8; 40]) -> Option<&'b str> {
    let trimmed = heading.trim().trim_end_matches(['¶', ':', '.']).trim();
    if trimmed.len() > buf.len() || !trimmed.is_ascii() {
        return None;
    }
    for (slot, b) in buf.iter_mut().zip(trimmed.bytes()) {
        *slot = if b == b'-' {
            b' '
        } else {
            b.to_ascii_lowercase()
        };
    }
    std::str::from_utf8(&buf[..trimmed.len()]).ok()
}

/// The events inside each top-level list item of `events` (nested lists stay inside their item),
/// with the byte offset where the item starts.
pub fn list_items<'e, 'a>(events: &'e [Spanned<'a>]) -> Vec<(&'e [Spanned<'a>], usize)> {
    list_item_ranges(events)
        .into_iter()
        .map(|(range, offset)| (&events[range], offset))
        .collect()
}

/// Like [`list_items`], as index ranges into `events`.
pub fn list_item_ranges(events: &[Spanned<'_>]) -> Vec<(Range<usize>, usize)> {
    let mut items = Vec::new();
    let mut depth = 0usize;
    let mut start = None;
    for (i, (event, range)) in events.iter().enumerate() {
        match event {
            Event::Start(Tag::List(_)) => depth += 1,
            Event::End(TagEnd::List(_)) => depth = depth.saturating_sub(1),
            Event::Start(Tag::Item) if depth == 1 => start = Some((i + 1, range.start)),
            Event::End(TagEnd::Item) if depth == 1 => {
                if let Some((first, offset)) = start.take() {
                    items.push((first..i, offset));
                }
            }
            _ => {}
        }
    }
    items
}

/// A `###` part of a section: its heading text, the heading's byte offset, and its events.
pub type Subsection<'e, 'a> = (String, usize, &'e [Spanned<'a>]);

/// Splits a section's events at `###` headings: the part before the first one, then each
/// subsection.
pub fn subsections<'e, 'a>(
    events: &'e [Spanned<'a>],
) -> (&'e [Spanned<'a>], Vec<Subsection<'e, 'a>>) {
    let starts: Vec<usize> = events
        .iter()
        .enumerate()
        .filter(|(_, (e, _))| matches!(e, Event::Start(Tag::Heading { .. })))
        .map(|(i, _)| i)
        .collect();
    let Some(&first) = starts.first() else {
        return (events, Vec::new());
    };
    let mut subs = Vec::new();
    for (n, &start) in starts.iter().enumerate() {
        let end = starts.get(n + 1).copied().unwrap_or(events.len());
        let close = events[start..end]
            .iter()
            .position(|(e, _)| matches!(e, Event::End(TagEnd::Heading(_))))
            .map_or(start, |p| start + p);
        let title = super::markdown::plain_text(&events[start + 1..close]);
        subs.push((
            title,
            events[start].1.start,
            &events[(close + 1).min(end)..end],
        ));
    }
    (&events[..first], subs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_heading_variant_of_the_corpus_is_recognised() {
        use SectionRole::*;
        let cases = [
            ("The Prompt", Prompt),
            ("initial report", InitialReport),
            ("Observable Evidence", Evidence),
            ("Expected Investigation Path", InvestigationPath),
            ("Expected Response Path", InvestigationPath),
            ("Root Cause", RootCause),
            ("Root Cause Possibilities", RootCause),
            ("Common Root Causes", RootCause),
            ("What a Strong Answer Includes", Checklist),
            ("Strong Answer", StrongAnswer),
            ("Key Concepts Tested", KeyConcepts),
            ("Common Traps", Traps),
            ("Red Flags (Weak Answers)", RedFlags),
            ("Follow-ups", FollowUps),
            ("Practice and Links", Practice),
            ("Next Steps", NextSteps),
            ("WIKI NAVIGATION", WikiNavigation),
            ("Situation", Prompt),
            ("What You Know:", Evidence),
            ("Investigation Steps", InvestigationPath),
            ("Common Mistakes", Traps),
            ("Fix", Fix),
            ("Interview Angle", InterviewAngle),
            ("Round 1: The Opening", Round),
            (
                "round 12: A Very Long Round Name That Goes On and On:",
                Round,
            ),
            ("Rounding Errors", Other),
            ("Timeline", Other),
        ];
        for (heading, role) in cases {
            assert_eq!(SectionRole::from_heading(heading), role, "{heading}");
        }
    }

    #[test]
    fn list_items_are_top_level_only() {
        let events = super::super::markdown::parse("- a\n  - nested\n- b\n");
        let items = list_items(&events);
        assert_eq!(items.len(), 2);
        assert!(super::super::markdown::plain_text(items[0].0).contains("nested"));
    }
}
