//! Checks on a parsed page that go beyond "can it be served": steps the grader and learners can
//! follow, checklist items that can be graded, annotations that mean something, navigation lines
//! that parse. Each problem says what to do.

use super::diagnostics::Diagnostic;
use super::navigation::RelatedLink;
use super::scenario::Scenario;
use super::section::SectionRole;
use super::site::Section;

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
        out.push(Diagnostic::warning(path, section.line, "the investigation path has no recognisable steps: start each step with a `# 1. Title` comment line inside a code block, or write the steps as a numbered list"));
    }
    let mut seen: Vec<(&str, usize)> = Vec::new();
    for item in &scenario.rubric {
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

/// Related-content lines that do not have the wiki's shape.
pub fn related(path: &str, related: &[RelatedLink]) -> Vec<Diagnostic> {
    related
        .iter()
        .filter(|r| r.unparsed)
        .map(|r| Diagnostic::warning(path, r.line, format!("related-content line `{}` does not parse: write it as `- [Title](path.md) (Kind, Level) — Topic`", r.title)))
        .collect()
}
