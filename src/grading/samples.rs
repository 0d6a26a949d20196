//! Rubric tests: sample answers an author writes next to a scenario (`<scenario>.tests.yaml`)
//! with the verdicts they expect. `check` grades each sample and reports every disagreement at
//! the line of the expectation, like a failing test.
//!
//! ```yaml
//! - answer: |
//!     ArgoCD and the HPA fight over replicas; add ignoreDifferences in Git.
//!   expect:
//!     quick-identification-of-the-hpa-vs: covered
//!     post-incident-audit-all-argocd-managed: missed
//! ```

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{Rubric, Verdict};
use crate::content::Diagnostic;

#[derive(Debug, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a sample: a map with `answer:`, `expect:` and optionally `known_disagreements:`"
)]
struct Sample {
    answer: String,
    /// Item id -> expected verdict; items not listed are not checked.
    expect: BTreeMap<String, String>,
    /// Item id -> why the grader is known to get this expectation wrong. Such a disagreement is
    /// a warning instead of an error; once the grader agrees, the entry is an error until it is
    /// removed, so the list stays true.
    #[serde(default)]
    known_disagreements: BTreeMap<String, String>,
}

/// Grades the samples in `yaml` (the file at `path`) and returns a diagnostic for every
/// expectation the grader does not meet, and for anything malformed.
pub fn check(path: &str, yaml: &str, rubric: &Rubric) -> Vec<Diagnostic> {
    let samples: Vec<Sample> = match serde_norway::from_str(yaml) {
        Ok(samples) => samples,
        Err(err) => {
            let line = err.location().map_or(1, |l| l.line());
            return vec![Diagnostic::error(
                path,
                line,
                format!(
                    "invalid rubric tests: {err}: write a list of `- answer: |` entries with an `expect:` map"
                ),
            )];
        }
    };
    let starts = sample_lines(yaml);
    let mut out = Vec::new();
    for (n, sample) in samples.iter().enumerate() {
        let start = starts.get(n).copied().unwrap_or(1);
        let grade = rubric.grade(&sample.answer);
        for (id, expected) in &sample.expect {
            let line = expectation_line(yaml, start, id);
            let Some(expected) = Verdict::parse(expected) else {
                out.push(Diagnostic::error(path, line, format!("expected verdict `{expected}` for `{id}` is not one of covered, partial, missed, review")));
                continue;
            };
            let known = sample.known_disagreements.get(id);
            match grade.items.iter().find(|i| &i.id == id) {
                None => out.push(Diagnostic::error(path, line, format!("sample {} expects a verdict for `{id}`, which is not a checklist item of `{}`: use one of {}", n + 1, rubric.scenario, ids(rubric)))),
                Some(item) if item.verdict != expected => match known {
                    Some(why) => out.push(Diagnostic::warning(path, line, format!("sample {}: known disagreement on `{id}`: expected `{}`, the grader says `{}` ({why})", n + 1, expected.as_str(), item.verdict.as_str()))),
                    None => out.push(Diagnostic::error(path, line, format!("sample {} expects `{}` for `{id}` but the grader says `{}` ({}): adjust the item's wording or annotations, or the expectation", n + 1, expected.as_str(), item.verdict.as_str(), item.reason))),
                },
                Some(_) if known.is_some() => out.push(Diagnostic::error(path, known_line(yaml, start, id), format!("sample {}: the grader now agrees on `{id}` (`{}`): remove it from `known_disagreements`", n + 1, expected.as_str()))),
                Some(_) => {}
            }
        }
        for id in sample.known_disagreements.keys() {
            if !sample.expect.contains_key(id) {
                out.push(Diagnostic::error(path, known_line(yaml, start, id), format!("sample {} lists `{id}` in `known_disagreements` but expects no verdict for it: add it to `expect:` or remove it", n + 1)));
            }
        }
    }
    out
}

/// The line of `id:` under the sample's `known_disagreements:`, or the sample's start.
fn known_line(yaml: &str, start: usize, id: &str) -> usize {
    let under = yaml
        .lines()
        .enumerate()
        .skip(start - 1)
        .find(|(_, l)| l.trim_start().starts_with("known_disagreements:"))
        .map_or(start, |(i, _)| i + 1);
    expectation_line(yaml, under, id)
}

fn ids(rubric: &Rubric) -> String {
    rubric
        .items
        .iter()
        .map(|i| format!("`{}`", i.id))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The 1-based line where each top-level `- ` entry starts.
fn sample_lines(yaml: &str) -> Vec<usize> {
    yaml.lines()
        .enumerate()
        .filter(|(_, l)| l.starts_with("- "))
        .map(|(i, _)| i + 1)
        .collect()
}

/// The line of `id:` at or after the sample starting at `start`.
fn expectation_line(yaml: &str, start: usize, id: &str) -> usize {
    yaml.lines()
        .enumerate()
        .skip(start - 1)
        .find(|(_, l)| {
            l.trim_start()
                .strip_prefix(id)
                .is_some_and(|rest| rest.trim_start().starts_with(':'))
        })
        .map_or(start, |(i, _)| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::{Site, SourceFile};

    fn rubric() -> Rubric {
        let md = "# Scenario: S\n\n## The Prompt\n\nGo.\n\n## What a Strong Answer Includes\n\n- Rolls the kubelet back to the previous version\n- Adds a canary node to the upgrade process\n";
        let site = Site::build(&[SourceFile {
            path: "s.md".into(),
            bytes: md.as_bytes().to_vec(),
        }]);
        let page = site.scenario("s").unwrap();
        Rubric::of("s", page.scenario.as_ref().unwrap())
    }

    #[test]
    fn a_wrong_expectation_is_reported_at_its_line() {
        let yaml = "- answer: |\n    Roll the kubelet back to 1.25 on the broken nodes.\n  expect:\n    rolls-the-kubelet-back-to-the: covered\n    adds-a-canary-node-to-the: covered\n";
        let out = check("s.tests.yaml", yaml, &rubric());
        assert_eq!(out.len(), 1, "{out:?}");
        assert_eq!(out[0].line, 5);
        assert!(out[0].message.starts_with("sample 1 expects `covered` for `adds-a-canary-node-to-the` but the grader says `missed`"), "{}", out[0].message);
    }

    #[test]
    fn a_known_disagreement_is_a_warning_until_the_grader_agrees() {
        let yaml = "- answer: |\n    Roll the kubelet back to 1.25 on the broken nodes.\n  expect:\n    rolls-the-kubelet-back-to-the: covered\n    adds-a-canary-node-to-the: covered\n  known_disagreements:\n    adds-a-canary-node-to-the: the grader misses it\n";
        let out = check("s.tests.yaml", yaml, &rubric());
        assert_eq!(out.len(), 1, "{out:?}");
        assert_eq!(out[0].severity, crate::content::Severity::Warning);
        assert_eq!(out[0].line, 5);
        assert!(out[0].message.contains("known disagreement on `adds-a-canary-node-to-the`: expected `covered`, the grader says `missed` (the grader misses it)"), "{}", out[0].message);

        // Listed, but the grader agrees: an error at the entry, so the list stays true.
        let agreed = yaml.replace(
            "adds-a-canary-node-to-the: covered",
            "adds-a-canary-node-to-the: missed",
        );
        let out = check("s.tests.yaml", &agreed, &rubric());
        assert_eq!(out.len(), 1, "{out:?}");
        assert_eq!(out[0].severity, crate::content::Severity::Error);
        assert_eq!(out[0].line, 7);
        assert!(
            out[0].message.contains("the grader now agrees"),
            "{}",
            out[0].message
        );

        // Listed without an expectation.
        let stray = "- answer: hi\n  expect:\n    rolls-the-kubelet-back-to-the: missed\n  known_disagreements:\n    adds-a-canary-node-to-the: why\n";
        let out = check("s.tests.yaml", stray, &rubric());
        assert_eq!(out.len(), 1, "{out:?}");
        assert_eq!(
            (out[0].severity, out[0].line),
            (crate::content::Severity::Error, 5)
        );
    }

    #[test]
    fn unknown_items_and_verdicts_and_bad_yaml_are_errors() {
        let yaml = "- answer: hi\n  expect:\n    no-such-item: covered\n    rolls-the-kubelet-back-to-the: great\n";
        let out = check("s.tests.yaml", yaml, &rubric());
        let lines: Vec<_> = out
            .iter()
            .map(|d| (d.line, d.message.split(':').next().unwrap().to_owned()))
            .collect();
        assert_eq!(lines[0].0, 3);
        assert!(
            out[0].message.contains("not a checklist item"),
            "{}",
            out[0].message
        );
        assert_eq!(lines[1].0, 4);
        assert!(out[1].message.contains("`great`"));
        assert_eq!(
            check("s.tests.yaml", "- answer: [", &rubric())[0].severity,
            crate::content::Severity::Error
        );
    }
}
