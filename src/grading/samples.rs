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
use crate::content::scenario::Scenario;
use crate::content::{Diagnostic, plural};

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

/// How much `check` says about what the samples taught the grader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lessons {
    /// One note per file: how many expectations hold before and after learning.
    Summary,
    /// Also each lesson, and how many expectations hold when each sample is graded by what the
    /// other samples taught (what the lessons carry over to answers they were not taken from).
    Each,
}

/// Grades the samples in `yaml` (the file at `path`) with the rubric of `scenario`, which has
/// learnt from them, and returns a diagnostic for every expectation the grader does not meet,
/// for anything malformed, and notes on what the samples taught.
pub fn check(
    path: &str,
    yaml: &str,
    slug: &str,
    scenario: &Scenario,
    lessons: Lessons,
) -> Vec<Diagnostic> {
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
    let rubric = Rubric::of(slug, scenario);
    let starts = sample_lines(yaml);
    let mut out = Vec::new();
    let mut expectations = 0;
    let mut agree = 0;
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
            let Some(item) = grade.items.iter().find(|i| &i.id == id) else {
                out.push(Diagnostic::error(path, line, format!("sample {} expects a verdict for `{id}`, which is not a checklist item of `{}`: use one of {}", n + 1, rubric.scenario, ids(&rubric))));
                continue;
            };
            expectations += 1;
            agree += usize::from(item.verdict == expected);
            match (item.verdict == expected, known) {
                (false, Some(why)) => out.push(Diagnostic::warning(path, line, format!("sample {}: known disagreement on `{id}`: expected `{}`, the grader says `{}` ({why})", n + 1, expected.as_str(), item.verdict.as_str()))),
                (false, None) => out.push(Diagnostic::error(path, line, format!("sample {} expects `{}` for `{id}` but the grader says `{}` even after learning from the samples ({}): adjust the item's wording or annotations, or the expectation", n + 1, expected.as_str(), item.verdict.as_str(), item.reason))),
                (true, Some(_)) => out.push(Diagnostic::error(path, known_line(yaml, start, id), format!("sample {}: the grader now agrees on `{id}` (`{}`): remove it from `known_disagreements`", n + 1, expected.as_str()))),
                (true, None) => {}
            }
        }
        for id in sample.known_disagreements.keys() {
            if !sample.expect.contains_key(id) {
                out.push(Diagnostic::error(path, known_line(yaml, start, id), format!("sample {} lists `{id}` in `known_disagreements` but expects no verdict for it: add it to `expect:` or remove it", n + 1)));
            }
        }
    }
    if expectations == 0 {
        return out;
    }
    // What learning did: the same samples graded by the rubric that learnt nothing.
    let untaught = Rubric::of(
        slug,
        &Scenario {
            samples: Vec::new(),
            ..scenario.clone()
        },
    );
    let before = count_agreeing(&untaught, &samples);
    let taught: usize = rubric.items.iter().map(|i| i.lessons.len()).sum();
    let mut summary = format!(
        "{expectations} expectations: {before} hold before the grader learns from these samples, {agree} after ({})",
        plural(taught, "lesson", "lessons")
    );
    if lessons == Lessons::Each {
        let carried: usize = (0..samples.len())
            .map(|left_out| {
                let others = Scenario {
                    samples: scenario
                        .samples
                        .iter()
                        .enumerate()
                        .filter(|&(n, _)| n != left_out)
                        .map(|(_, s)| s.clone())
                        .collect(),
                    ..scenario.clone()
                };
                let rubric = Rubric::of(slug, &others);
                count_agreeing(&rubric, &samples[left_out..=left_out])
            })
            .sum();
        summary.push_str(&format!(
            "; {carried} when each sample is graded by what the others taught"
        ));
        for item in &rubric.items {
            for lesson in &item.lessons {
                let start = starts.get(lesson.sample - 1).copied().unwrap_or(1);
                out.push(Diagnostic::note(
                    path,
                    expectation_line(yaml, start, &item.id),
                    format!(
                        "sample {} taught `{}`: {} “{}” {}",
                        lesson.sample,
                        item.id,
                        if lesson.raises {
                            "an answer saying"
                        } else {
                            "evidence like"
                        },
                        lesson.passage,
                        match (lesson.raises, lesson.verdict) {
                            (true, v) => format!("earns `{}`", v.as_str()),
                            (false, v) => format!("is held to `{}`", v.as_str()),
                        }
                    ),
                ));
            }
        }
    } else {
        summary.push_str("; `check --lessons` lists them");
    }
    out.push(Diagnostic::note(path, 1, summary));
    out
}

/// How many of the samples' expectations the rubric meets.
fn count_agreeing(rubric: &Rubric, samples: &[Sample]) -> usize {
    samples
        .iter()
        .map(|sample| {
            let grade = rubric.grade(&sample.answer);
            sample
                .expect
                .iter()
                .filter(|(id, expected)| {
                    grade
                        .items
                        .iter()
                        .any(|i| &i.id == *id && Verdict::parse(expected) == Some(i.verdict))
                })
                .count()
        })
        .sum()
}

/// The samples of a rubric-test file, for the grader to learn from; none when it cannot be
/// read (`check` reports why).
pub fn read(bytes: &[u8]) -> Vec<crate::content::scenario::Sample> {
    let Ok(yaml) = std::str::from_utf8(bytes) else {
        return Vec::new();
    };
    let yaml = yaml.strip_prefix('\u{feff}').unwrap_or(yaml);
    serde_norway::from_str::<Vec<Sample>>(yaml)
        .map(|samples| {
            samples
                .into_iter()
                .map(|s| crate::content::scenario::Sample {
                    answer: s.answer,
                    expect: s.expect.into_iter().collect(),
                })
                .collect()
        })
        .unwrap_or_default()
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

    const MD: &str = "# Scenario: S\n\n## The Prompt\n\nGo.\n\n## What a Strong Answer Includes\n\n- Rolls the kubelet back to the previous version\n- Adds a canary node to the upgrade process\n";

    /// `check` on `yaml` as the rubric tests of a small scenario, as the command runs it: the
    /// scenario has learnt from them. Without the notes unless `lessons` is `Each`.
    fn run_with(yaml: &str, lessons: Lessons) -> Vec<Diagnostic> {
        let mut site = Site::build(&[SourceFile {
            path: "s.md".into(),
            bytes: MD.as_bytes().to_vec(),
        }]);
        site.attach_samples(&[SourceFile {
            path: "s.tests.yaml".into(),
            bytes: yaml.as_bytes().to_vec(),
        }]);
        let page = site.scenario("s").unwrap();
        let out = check(
            "s.tests.yaml",
            yaml,
            "s",
            page.scenario.as_ref().unwrap(),
            lessons,
        );
        match lessons {
            Lessons::Each => out,
            Lessons::Summary => out
                .into_iter()
                .filter(|d| d.severity != crate::content::Severity::Note)
                .collect(),
        }
    }

    fn run(yaml: &str) -> Vec<Diagnostic> {
        run_with(yaml, Lessons::Summary)
    }

    #[test]
    fn a_wrong_expectation_is_reported_at_its_line() {
        let yaml = "- answer: |\n    Roll the kubelet back to 1.25. Then watch the dashboards. Tell the team. Write it up.\n  expect:\n    rolls-the-kubelet-back-to-the: covered\n    adds-a-canary-node-to-the: covered\n";
        let out = run(yaml);
        assert_eq!(out.len(), 1, "{out:?}");
        assert_eq!(out[0].line, 5);
        assert!(out[0].message.starts_with("sample 1 expects `covered` for `adds-a-canary-node-to-the` but the grader says `missed`"), "{}", out[0].message);
    }

    #[test]
    fn a_known_disagreement_is_a_warning_until_the_grader_agrees() {
        let yaml = "- answer: |\n    Roll the kubelet back to 1.25. Then watch the dashboards. Tell the team. Write it up.\n  expect:\n    rolls-the-kubelet-back-to-the: covered\n    adds-a-canary-node-to-the: covered\n  known_disagreements:\n    adds-a-canary-node-to-the: the grader misses it\n";
        let out = run(yaml);
        assert_eq!(out.len(), 1, "{out:?}");
        assert_eq!(out[0].severity, crate::content::Severity::Warning);
        assert_eq!(out[0].line, 5);
        assert!(out[0].message.contains("known disagreement on `adds-a-canary-node-to-the`: expected `covered`, the grader says `missed` (the grader misses it)"), "{}", out[0].message);

        // Listed, but the grader agrees: an error at the entry, so the list stays true.
        let agreed = yaml.replace(
            "adds-a-canary-node-to-the: covered",
            "adds-a-canary-node-to-the: missed",
        );
        let out = run(&agreed);
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
        let out = run(stray);
        assert_eq!(out.len(), 1, "{out:?}");
        assert_eq!(
            (out[0].severity, out[0].line),
            (crate::content::Severity::Error, 5)
        );
    }

    #[test]
    fn unknown_items_and_verdicts_and_bad_yaml_are_errors() {
        let yaml = "- answer: hi\n  expect:\n    no-such-item: covered\n    rolls-the-kubelet-back-to-the: great\n";
        let out = run(yaml);
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
            run("- answer: [")[0].severity,
            crate::content::Severity::Error
        );
    }

    #[test]
    fn check_says_what_the_samples_taught_and_what_holds_before_and_after() {
        // The author counts this everyday wording as the rollback; the grader alone does not.
        let yaml = "- answer: |\n    Reinstall last month's package of the node daemon on the sick hosts.\n  expect:\n    rolls-the-kubelet-back-to-the: covered\n    adds-a-canary-node-to-the: missed\n";
        let out = run_with(yaml, Lessons::Each);
        let notes: Vec<&str> = out.iter().map(|d| d.message.as_str()).collect();
        assert!(
            out.iter()
                .all(|d| d.severity == crate::content::Severity::Note),
            "{out:?}"
        );
        assert!(notes.contains(&"2 expectations: 1 hold before the grader learns from these samples, 2 after (1 lesson); 1 when each sample is graded by what the others taught"), "{notes:?}");
        let taught = out
            .iter()
            .find(|d| d.message.starts_with("sample 1 taught"))
            .unwrap();
        assert_eq!(taught.line, 4);
        assert_eq!(
            taught.message,
            "sample 1 taught `rolls-the-kubelet-back-to-the`: an answer saying “Reinstall last month's package of the node daemon on the sick hosts” earns `covered`"
        );
        // Without --lessons: only the summary, pointing at the flag.
        let out = run_with(yaml, Lessons::Summary);
        assert!(out.is_empty(), "{out:?}");
    }
}
