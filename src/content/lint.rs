//! Checks on a parsed page that go beyond "can it be served": steps the grader and learners can
//! follow, checklist items that can be graded, annotations that mean something, navigation lines
//! that parse, comments that stay comments, stub text left in, drafts. Each problem says what
//! to do.

use pulldown_cmark::{Event, Tag, TagEnd};

use super::diagnostics::Diagnostic;
use super::document::Document;
use super::gauntlet::Gauntlet;
use super::markdown::{raw_html, without_comments};
use super::navigation::RelatedLink;
use super::scenario::{Scenario, ScenarioKind};
use super::section::SectionRole;
use super::site::Section;
use super::stub::placeholder;

/// Fewer words than this and an item cannot be graded fairly.
const MIN_ITEM_WORDS: usize = 3;

/// Every problem of a scenario's sections; `sections` are the page's rendered sections.
pub fn scenario(path: &str, scenario: &Scenario, sections: &[Section]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if scenario.investigation.is_empty()
        && let Some(section) = sections
            .iter()
            .find(|s| s.role == SectionRole::InvestigationPath)
    {
        let message = match scenario.kind {
            ScenarioKind::Walkthrough => {
                "the investigation steps have no recognisable steps: start each with a `### 1. Title` heading, then `**Commands:**` and a code block"
            }
            ScenarioKind::Interview => {
                "the investigation path has no recognisable steps: start each step with a `# 1. Title` comment line inside a code block, or write the steps as a numbered list"
            }
        };
        out.push(Diagnostic::warning(path, section.line, message));
    }
    let mut seen: Vec<(&str, usize)> = Vec::new();
    // Derived items are the page's own words: nothing for the author to reword as an item.
    for item in scenario.rubric.iter().filter(|i| !i.derived) {
        let words = item.text.split_whitespace().count();
        if words < MIN_ITEM_WORDS {
            out.push(Diagnostic::warning(path, item.line, format!("checklist item `{}` is too vague to grade ({words} word{}): say what a strong answer does, e.g. `Rolls the kubelet back to 1.25 on the affected nodes`", item.text, if words == 1 { "" } else { "s" })));
        }
        match seen.iter().find(|(id, _)| *id == item.id) {
            Some((_, first)) => out.push(Diagnostic::warning(path, item.line, format!("checklist item `{}` repeats the item on line {first}: merge them or make each say something different", item.text))),
            None => seen.push((&item.id, item.line)),
        }
    }
    for (line, message) in &scenario.problems {
        out.push(Diagnostic::error(path, *line, message.clone()));
    }
    out
}

/// A walkthrough's problems: steps without a command, no root cause.
pub fn walkthrough(path: &str, title_line: usize, scenario: &Scenario) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = scenario
        .investigation
        .iter()
        .filter(|step| step.commands().next().is_none())
        .map(|step| Diagnostic::warning(path, step.line, format!("step `{}` has no command: add `**Commands:**` and a code block with what the learner runs", step.title)))
        .collect();
    if scenario
        .root_cause
        .as_ref()
        .is_none_or(|b| b.text.trim().is_empty())
    {
        out.push(Diagnostic::warning(path, title_line, "walkthrough without a root cause: add a `## Root Cause` section; answers are scored on it"));
    }
    out
}

/// A gauntlet's problems: no rounds, a round without a question (errors: it cannot be run), a
/// round without a strong answer (it cannot be scored).
pub fn gauntlet(path: &str, title_line: usize, gauntlet: &Gauntlet) -> Vec<Diagnostic> {
    if gauntlet.rounds.is_empty() {
        return vec![Diagnostic::error(
            path,
            title_line,
            "gauntlet without rounds: add `## Round 1: The Opening` sections, each with an `**Interviewer:**` question and a `### Strong Answer:`",
        )];
    }
    let mut out = Vec::new();
    for round in &gauntlet.rounds {
        if round.question.is_none() {
            out.push(Diagnostic::error(path, round.line, format!("round {} has no question: add a line `**Interviewer:** \"...\"` under its heading", round.number)));
        }
        if round.strong_answer.is_none() {
            out.push(Diagnostic::warning(path, round.line, format!("round {} has no strong answer, so answers to it cannot be scored: add `### Strong Answer:` with a quoted model answer", round.number)));
        }
    }
    out
}

/// Related-content lines that do not have the wiki's shape.
pub fn related(path: &str, related: &[RelatedLink]) -> Vec<Diagnostic> {
    related
        .iter()
        .filter(|r| r.unparsed)
        .map(|r| Diagnostic::warning(path, r.line, format!("related-content line `{}` does not parse: write it as `- [Title](path.md) (Kind, Level) — Topic`", r.title)))
        .collect()
}

/// Comments that Markdown would not treat as comments: a `<!--` never closed, which would hide
/// everything after it, and one that Markdown shows as text (an inline comment across a blank
/// line, say). Both are errors, so such a page is never served.
pub fn comments(doc: &Document<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (html, range) in raw_html(doc.events()) {
        if let Some(at) = without_comments(&html).unclosed {
            let line = doc.line_of(range.start) + html[..at].matches('\n').count();
            out.push(Diagnostic::error(doc.path, line, "comment is never closed, so everything after `<!--` would be hidden: close it with `-->`"));
        }
    }
    for offset in comment_openers_in_text(doc) {
        out.push(Diagnostic::error(doc.path, doc.line_of(offset), "`<!--` does not start a comment here, so it would show as text: close the comment with `-->` before the next blank line, or start it on a line of its own (to show `<!--` itself, write it as code)"));
    }
    out
}

/// Where the page's text (outside code and HTML) holds a `<!--` as written, not escaped.
fn comment_openers_in_text(doc: &Document<'_>) -> Vec<usize> {
    let mut found = Vec::new();
    let mut inside = 0usize;
    for (event, range) in doc.events() {
        match event {
            Event::Start(Tag::CodeBlock(_) | Tag::HtmlBlock) => inside += 1,
            Event::End(TagEnd::CodeBlock | TagEnd::HtmlBlock) => inside = inside.saturating_sub(1),
            Event::Text(_) if inside == 0 => {
                let source = doc.body.get(range.clone()).unwrap_or_default();
                for (at, _) in source.match_indices('<') {
                    let offset = range.start + at;
                    let escapes = doc.body[..offset]
                        .bytes()
                        .rev()
                        .take_while(|&b| b == b'\\')
                        .count();
                    if doc.body[offset..].starts_with("<!--") && escapes % 2 == 0 {
                        found.push(offset);
                    }
                }
            }
            _ => {}
        }
    }
    found
}

/// Lines the author has not replaced since `firedrill new scenario` wrote them (outside
/// comments, where an author may keep them on purpose).
pub fn stub_text(doc: &Document<'_>) -> Vec<Diagnostic> {
    let mut left = Vec::new();
    let mut offset = 0;
    for line in doc.body.split_inclusive('\n') {
        let text = line.trim();
        if !text.is_empty() && placeholder::is(text) {
            left.push((offset + (line.len() - line.trim_start().len()), text));
        }
        offset += line.len();
    }
    if left.is_empty() {
        return Vec::new();
    }
    let html: Vec<_> = raw_html(doc.events()).map(|(_, range)| range).collect();
    left.into_iter()
        .filter(|(start, _)| !html.iter().any(|r| r.contains(start)))
        .map(|(start, text)| Diagnostic::warning(doc.path, doc.line_of(start), format!("stub text `{text}` is still here: replace it with this scenario's own, or delete the line")))
        .collect()
}

/// A reminder that a draft is not published, so that none ships unnoticed.
pub fn draft(doc: &Document<'_>) -> Option<Diagnostic> {
    let line = doc.draft_line?;
    Some(Diagnostic::warning(
        doc.path,
        line,
        "`draft: true`: hidden from learners until the flag is removed",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::document;

    fn lines(problems: Vec<Diagnostic>) -> Vec<usize> {
        problems.iter().map(|d| d.line).collect()
    }

    #[test]
    fn only_comments_markdown_would_not_hide_are_errors() {
        let source = "# T\n\nA `<!-- code -->`, \\<!-- escaped, &lt;!-- an entity.\n\n```\n<!-- in a block\n```\n\n> quoted <!-- closed -->\n> <!-- never\n> closed\n\nText <!-- across\n\na blank line -->\n";
        let doc = document::split("t.md", source).unwrap();
        assert_eq!(lines(comments(&doc)), [10, 13]);
    }

    #[test]
    fn stub_text_is_found_at_its_line_but_not_inside_a_comment() {
        let source = format!(
            "---\ndraft: true\n---\n# Scenario: T\n\n## The Prompt\n\n{}\n\n<!--\n{}\n-->\n\n   {}\n",
            placeholder::PROMPT,
            placeholder::ROOT_CAUSE,
            placeholder::ROOT_CAUSE
        );
        let doc = document::split("t.md", &source).unwrap();
        assert_eq!(lines(stub_text(&doc)), [8, 14]);
        assert_eq!(draft(&doc).map(|d| d.line), Some(2));
    }
}
