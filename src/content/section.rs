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
    Other,
}

impl SectionRole {
    pub fn from_heading(heading: &str) -> Self {
        let trimmed = heading.trim().trim_end_matches(['¶', ':', '.']).trim();
        // Every known heading is short ASCII: normalise into a small buffer, no allocation.
        let mut buf = [0u8; 40];
        if trimmed.len() > buf.len() || !trimmed.is_ascii() {
            return Self::Other;
        }
        for (slot, b) in buf.iter_mut().zip(trimmed.bytes()) {
            *slot = if b == b'-' {
                b' '
            } else {
                b.to_ascii_lowercase()
            };
        }
        match std::str::from_utf8(&buf[..trimmed.len()]).unwrap_or_default() {
            "the prompt" | "prompt" => Self::Prompt,
            "initial report" => Self::InitialReport,
            "constraints" => Self::Constraints,
            "observable evidence" | "evidence" => Self::Evidence,
            "expected investigation path" | "expected response path" | "investigation path" => {
                Self::InvestigationPath
            }
            "root cause" | "root causes" | "root cause possibilities" | "common root causes" => {
                Self::RootCause
            }
            "what a strong answer includes" => Self::Checklist,
            "strong answer" | "model answer" => Self::StrongAnswer,
            "key concepts tested" | "key concepts" => Self::KeyConcepts,
            "common traps" | "traps" => Self::Traps,
            "red flags (weak answers)" | "red flags" => Self::RedFlags,
            "follow ups" | "follow up questions" => Self::FollowUps,
            "practice and links" => Self::Practice,
            "next steps" => Self::NextSteps,
            "wiki navigation" => Self::WikiNavigation,
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
        )
    }
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
