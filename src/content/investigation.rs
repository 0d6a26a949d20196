//! Investigation steps, from the corpus's shapes: a fenced code block where `# 1. Title`
//! comment lines start steps and `# Shows: ...` lines describe expected output, a plain
//! numbered list, or a walkthrough's `### 1. Title` subsections (see [`super::walkthrough`]).

use pulldown_cmark::{Event, Tag, TagEnd};
use serde::Serialize;

use super::markdown::Spanned;
use super::section::list_items;

/// One step of the expected investigation path.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Step {
    pub number: u32,
    pub title: String,
    /// A label such as `IMMEDIATE FIX` or `PERMANENT FIX`, taken off the front of the title.
    pub label: Option<String>,
    /// Commands (and comments other than the step and `Shows:` lines), ready for a code block.
    pub code: String,
    /// What the commands are expected to show.
    pub shows: Vec<String>,
    /// For list-shaped paths: the item's rendered body, if it has more than the title.
    pub html: String,
    pub line: usize,
}

impl Step {
    /// What kind of fix the label names, for styling: `immediate`, `permanent` or `other`.
    pub fn label_kind(&self) -> &'static str {
        let label = self.label.as_deref().unwrap_or("").to_ascii_uppercase();
        if label.contains("IMMEDIATE") {
            "immediate"
        } else if label.contains("PERMANENT") {
            "permanent"
        } else {
            "other"
        }
    }

    /// The commands of the step: the lines of its code that are not comments or blank.
    pub fn commands(&self) -> impl Iterator<Item = &str> {
        self.code
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty() && !line.starts_with('#'))
    }
}

/// Finds steps in a section's events. `render` turns events into HTML, `line_of` maps offsets.
pub fn steps(
    events: &[Spanned<'_>],
    render: &dyn Fn(&[Spanned<'_>]) -> String,
    line_of: &dyn Fn(usize) -> usize,
) -> Vec<Step> {
    let mut steps = super::walkthrough::steps(events, line_of);
    if !steps.is_empty() {
        return steps;
    }
    let mut i = 0;
    while i < events.len() {
        match &events[i].0 {
            Event::Start(Tag::CodeBlock(_)) => {
                let end = close_of(events, i, |e| matches!(e, Event::End(TagEnd::CodeBlock)));
                let text: String = events[i + 1..end]
                    .iter()
                    .filter_map(|(e, _)| match e {
                        Event::Text(t) => Some(t.as_ref()),
                        _ => None,
                    })
                    .collect();
                steps.extend(from_code(&text, line_of(events[i].1.start) + 1));
                i = end;
            }
            Event::Start(Tag::List(Some(_))) => {
                let end = close_of(events, i, |e| matches!(e, Event::End(TagEnd::List(true))));
                let next = steps.len() as u32 + 1;
                steps.extend(from_list(&events[i..=end], next, render, line_of));
                i = end;
            }
            _ => {}
        }
        i += 1;
    }
    steps
}

fn close_of(events: &[Spanned<'_>], open: usize, is_close: impl Fn(&Event<'_>) -> bool) -> usize {
    // Lists nest, so count depth for them; code blocks cannot nest.
    let mut depth = 0i32;
    for (j, (event, _)) in events.iter().enumerate().skip(open) {
        match event {
            Event::Start(Tag::List(_)) => depth += 1,
            Event::End(TagEnd::List(_)) => depth -= 1,
            _ => {}
        }
        if is_close(event) && depth <= 0 {
            return j;
        }
    }
    events.len() - 1
}

/// Parses a fenced block whose first line is at `first_line`.
pub fn from_code(text: &str, first_line: usize) -> Vec<Step> {
    let mut steps: Vec<Step> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let comment = line.trim_start().strip_prefix('#').map(str::trim);
        if let Some((number, title)) = comment.and_then(step_heading) {
            let (label, title) = split_label(title);
            steps.push(Step {
                number,
                title,
                label,
                line: first_line + n,
                ..Step::default()
            });
            continue;
        }
        let Some(step) = steps.last_mut() else {
            continue;
        };
        match comment.and_then(|c| c.strip_prefix("Shows:")) {
            Some(shows) => step.shows.push(shows.trim().to_owned()),
            None => {
                step.code.push_str(line);
                step.code.push('\n');
            }
        }
    }
    for step in &mut steps {
        step.code = step.code.trim_matches('\n').to_owned();
    }
    steps
}

/// `1. Check the status` -> (1, "Check the status").
pub(super) fn step_heading(comment: &str) -> Option<(u32, &str)> {
    let digits = comment.bytes().take_while(u8::is_ascii_digit).count();
    let number = comment[..digits].parse().ok()?;
    let rest = comment[digits..].strip_prefix(['.', ')'])?;
    let title = rest.trim();
    (!title.is_empty() && rest.starts_with(char::is_whitespace)).then_some((number, title))
}

/// `IMMEDIATE FIX: Tell ArgoCD...` -> (Some("IMMEDIATE FIX"), "Tell ArgoCD...").
pub(super) fn split_label(title: &str) -> (Option<String>, String) {
    if let Some((head, rest)) = title.split_once(':') {
        let head = head.trim().trim_matches('*').trim();
        let is_label = head.len() >= 3
            && head.chars().any(|c| c.is_ascii_uppercase())
            && head
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || " /&-".contains(c));
        if is_label && !rest.trim().is_empty() {
            return (
                Some(head.to_owned()),
                rest.trim().trim_start_matches('*').trim().to_owned(),
            );
        }
    }
    (None, title.to_owned())
}

fn from_list(
    events: &[Spanned<'_>],
    first: u32,
    render: &dyn Fn(&[Spanned<'_>]) -> String,
    line_of: &dyn Fn(usize) -> usize,
) -> Vec<Step> {
    list_items(events)
        .into_iter()
        .enumerate()
        .map(|(n, (item, offset))| {
            let text = super::markdown::plain_text(item);
            let first_line = text.lines().next().unwrap_or("").trim();
            let (label, title) = split_label(first_line);
            Step {
                number: first + n as u32,
                title,
                label,
                html: render(item),
                line: line_of(offset),
                ..Step::default()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED_PATH: &str = "# 1. Check ArgoCD app status\nargocd app get grokdevops\n\n# 2. View the diff\nargocd app diff grokdevops\n# Shows: spec.replicas: 3 (Git) vs 8 (live, set by HPA)\n# 4. IMMEDIATE FIX: Tell ArgoCD to ignore replicas\nargocd app set grokdevops --ignore-difference '{}'\n# 5. PERMANENT FIX: Update the Application in Git\n# Add to the Application spec:\n#   spec:\n";

    #[test]
    fn code_steps_carry_numbers_labels_commands_and_shows() {
        let steps = from_code(SEED_PATH, 10);
        assert_eq!(steps.len(), 4);
        assert_eq!(
            (steps[0].number, steps[0].title.as_str(), steps[0].line),
            (1, "Check ArgoCD app status", 10)
        );
        assert_eq!(steps[0].code, "argocd app get grokdevops");
        assert_eq!(
            steps[1].shows,
            ["spec.replicas: 3 (Git) vs 8 (live, set by HPA)"]
        );
        assert_eq!(steps[2].label.as_deref(), Some("IMMEDIATE FIX"));
        assert_eq!(steps[2].title, "Tell ArgoCD to ignore replicas");
        assert_eq!(steps[3].label.as_deref(), Some("PERMANENT FIX"));
        assert_eq!(steps[3].code, "# Add to the Application spec:\n#   spec:");
    }

    #[test]
    fn ordinary_comments_and_urls_are_not_steps() {
        assert!(step_heading("Shows: 3").is_none());
        assert!(step_heading("10.0.0.1 is the gateway").is_none());
        assert_eq!(step_heading("12) Roll back"), Some((12, "Roll back")));
        assert_eq!(
            split_label("Check: the thing"),
            (None, "Check: the thing".to_owned())
        );
    }
}
