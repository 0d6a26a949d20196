//! Measuring the grader against labelled answers: per-item precision, recall and F1 of
//! "covered", and Cohen's kappa over covered / partial / missed, overall and per slice.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde::Deserialize;

use super::{Rubric, Verdict};

/// A file of labelled answers for one scenario (`eval/<slug>.yaml`).
#[derive(Debug, Deserialize)]
pub struct EvalSet {
    pub scenario: String,
    pub answers: Vec<LabelledAnswer>,
}

#[derive(Debug, Deserialize)]
pub struct LabelledAnswer {
    pub id: String,
    #[serde(default)]
    pub slices: Vec<String>,
    pub answer: String,
    /// Item id -> `covered`, `partial` or `missed`.
    pub labels: BTreeMap<String, String>,
    #[serde(default)]
    pub traps: Vec<String>,
}

/// Human label and machine verdict, on the three-way scale. The machine's "review" counts as
/// missed: it gives no credit.
#[derive(Debug, Clone)]
pub struct Pair {
    pub scenario: String,
    pub answer: String,
    pub item: String,
    pub slices: Vec<String>,
    pub label: Verdict,
    pub machine: Verdict,
}

/// Grades every answer of a set with `rubric`; errors name the answer and the label at fault.
pub fn pairs(set: &EvalSet, rubric: &Rubric) -> Result<Vec<Pair>, String> {
    let mut out = Vec::new();
    for answer in &set.answers {
        let grade = rubric.grade(&answer.answer);
        for item in &grade.items {
            let label = answer.labels.get(&item.id).ok_or_else(|| {
                format!(
                    "{}: answer `{}` has no label for item `{}`",
                    set.scenario, answer.id, item.id
                )
            })?;
            let label = Verdict::parse(label)
                .filter(|v| *v != Verdict::Review)
                .ok_or_else(|| {
                    format!(
                        "{}: answer `{}` labels `{}` as `{label}`: use covered, partial or missed",
                        set.scenario, answer.id, item.id
                    )
                })?;
            let machine = if item.verdict == Verdict::Review {
                Verdict::Missed
            } else {
                item.verdict
            };
            out.push(Pair {
                scenario: set.scenario.clone(),
                answer: answer.id.clone(),
                item: item.id.clone(),
                slices: answer.slices.clone(),
                label,
                machine,
            });
        }
        if let Some(unknown) = answer
            .labels
            .keys()
            .find(|k| !grade.items.iter().any(|i| &i.id == *k))
        {
            return Err(format!(
                "{}: answer `{}` labels unknown item `{unknown}`",
                set.scenario, answer.id
            ));
        }
    }
    Ok(out)
}

/// Precision, recall and F1 of "covered", and kappa, over some pairs.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Scores {
    pub n: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub kappa: f64,
}

impl Scores {
    pub fn of<'p>(pairs: impl IntoIterator<Item = &'p Pair>) -> Self {
        let pairs: Vec<&Pair> = pairs.into_iter().collect();
        let covered = |v: Verdict| v == Verdict::Covered;
        let tp = pairs
            .iter()
            .filter(|p| covered(p.machine) && covered(p.label))
            .count() as f64;
        let fp = pairs
            .iter()
            .filter(|p| covered(p.machine) && !covered(p.label))
            .count() as f64;
        let fn_ = pairs
            .iter()
            .filter(|p| !covered(p.machine) && covered(p.label))
            .count() as f64;
        let precision = if tp + fp > 0.0 { tp / (tp + fp) } else { 1.0 };
        let recall = if tp + fn_ > 0.0 { tp / (tp + fn_) } else { 1.0 };
        let f1 = if precision + recall > 0.0 {
            2.0 * precision * recall / (precision + recall)
        } else {
            0.0
        };
        Self {
            n: pairs.len(),
            precision,
            recall,
            f1,
            kappa: kappa(&pairs),
        }
    }
}

/// Cohen's kappa over covered / partial / missed.
fn kappa(pairs: &[&Pair]) -> f64 {
    let classes = [Verdict::Covered, Verdict::Partial, Verdict::Missed];
    let n = pairs.len() as f64;
    if n == 0.0 {
        return 1.0;
    }
    let observed = pairs.iter().filter(|p| p.label == p.machine).count() as f64 / n;
    let expected: f64 = classes
        .iter()
        .map(|c| {
            let a = pairs.iter().filter(|p| p.label == *c).count() as f64 / n;
            let b = pairs.iter().filter(|p| p.machine == *c).count() as f64 / n;
            a * b
        })
        .sum();
    if (1.0 - expected).abs() < f64::EPSILON {
        1.0
    } else {
        (observed - expected) / (1.0 - expected)
    }
}

/// Human labels (rows) against machine verdicts (columns), the machine's "review" as missed.
pub fn confusion(pairs: &[Pair]) -> String {
    let classes = [Verdict::Covered, Verdict::Partial, Verdict::Missed];
    let mut out = String::from("label \\ machine   covered  partial   missed\n");
    for label in classes {
        let _ = write!(out, "{:<17}", label.as_str());
        for machine in classes {
            let n = pairs
                .iter()
                .filter(|p| p.label == label && p.machine == machine)
                .count();
            let _ = write!(out, " {n:>8}");
        }
        out.push('\n');
    }
    out.push('\n');
    out
}

/// The report: the confusion matrix, then scores overall, per slice, per scenario and per item.
pub fn report(pairs: &[Pair]) -> String {
    let mut out = String::new();
    out.push_str(&confusion(pairs));
    let line = |out: &mut String, name: &str, s: Scores| {
        let _ = writeln!(
            out,
            "{name:<58} {:>5} {:>9.3} {:>7.3} {:>6.3} {:>7.3}",
            s.n, s.precision, s.recall, s.f1, s.kappa
        );
    };
    let _ = writeln!(
        out,
        "{:<58} {:>5} {:>9} {:>7} {:>6} {:>7}",
        "", "pairs", "precision", "recall", "F1", "kappa"
    );
    line(&mut out, "overall", Scores::of(pairs));
    let mut slices: Vec<&str> = pairs
        .iter()
        .flat_map(|p| p.slices.iter().map(String::as_str))
        .collect();
    slices.sort_unstable();
    slices.dedup();
    for slice in slices {
        line(
            &mut out,
            &format!("slice {slice}"),
            Scores::of(pairs.iter().filter(|p| p.slices.iter().any(|s| s == slice))),
        );
    }
    let mut items: Vec<(&str, &str)> = Vec::new();
    for p in pairs {
        if !items.contains(&(p.scenario.as_str(), p.item.as_str())) {
            items.push((p.scenario.as_str(), p.item.as_str()));
        }
    }
    let mut scenario = "";
    for (s, item) in items {
        if s != scenario {
            scenario = s;
            line(
                &mut out,
                &format!("scenario {s}"),
                Scores::of(pairs.iter().filter(|p| p.scenario == s)),
            );
        }
        line(
            &mut out,
            &format!("  {item}"),
            Scores::of(pairs.iter().filter(|p| p.scenario == s && p.item == item)),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(label: Verdict, machine: Verdict) -> Pair {
        Pair {
            scenario: "s".into(),
            answer: "a".into(),
            item: "i".into(),
            slices: vec![],
            label,
            machine,
        }
    }

    #[test]
    fn kappa_is_one_for_agreement_and_zero_for_chance() {
        use Verdict::{Covered, Missed};
        let agree = [
            pair(Covered, Covered),
            pair(Missed, Missed),
            pair(Covered, Covered),
            pair(Missed, Missed),
        ];
        assert!((Scores::of(&agree).kappa - 1.0).abs() < 1e-9);
        let chance = [
            pair(Covered, Covered),
            pair(Covered, Missed),
            pair(Missed, Covered),
            pair(Missed, Missed),
        ];
        let s = Scores::of(&chance);
        assert!(s.kappa.abs() < 1e-9, "{}", s.kappa);
        assert!((s.precision - 0.5).abs() < 1e-9 && (s.recall - 0.5).abs() < 1e-9);
        assert!(
            confusion(&chance).contains("covered                  1        0        1"),
            "{}",
            confusion(&chance)
        );
    }
}
