//! Measuring the grader against labelled answers: per-item precision, recall and F1 of
//! "covered", and Cohen's kappa over covered / partial / missed, overall and per slice.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde::Deserialize;

use super::{Rubric, Settings, Verdict};

/// A file of labelled answers for one scenario (`eval/<slug>.yaml`).
#[derive(Debug, Deserialize)]
#[serde(expecting = "a map with `scenario:` (a slug) and `answers:` (a list)")]
pub struct EvalSet {
    pub scenario: String,
    pub answers: Vec<LabelledAnswer>,
}

#[derive(Debug, Deserialize)]
#[serde(expecting = "an answer: a map with `id:`, `answer:` and `labels:`")]
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
    /// The grader said "needs review" (counted as missed in `machine`).
    pub review: bool,
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
                review: item.verdict == Verdict::Review,
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

/// Precision, recall and F1 of "covered", and kappa, over some pairs. Where a measure has
/// nothing to measure (see [`Scores::measurable`]) it holds a conventional 1.0 or 0.0.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Scores {
    pub n: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub kappa: f64,
    /// Pairs the grader marked covered (precision's denominator).
    pub machine_covered: usize,
    /// Pairs labelled covered (recall's denominator).
    pub label_covered: usize,
    /// How many of covered / partial / missed the labels use: kappa needs two.
    pub label_verdicts: usize,
}

/// Which of precision, recall and kappa mean something for some pairs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Measurable {
    pub precision: bool,
    pub recall: bool,
    pub kappa: bool,
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
        let mut verdicts: Vec<Verdict> = pairs.iter().map(|p| p.label).collect();
        verdicts.sort_by_key(|v| v.as_str());
        verdicts.dedup();
        Self {
            n: pairs.len(),
            precision,
            recall,
            f1,
            kappa: kappa(&pairs),
            machine_covered: (tp + fp) as usize,
            label_covered: (tp + fn_) as usize,
            label_verdicts: verdicts.len(),
        }
    }

    /// Precision needs something the grader marked covered, recall something labelled covered,
    /// and kappa labels of two verdicts or more: when every label is the same (a slice of strong
    /// answers, all covered), there is no agreement beyond chance to measure.
    pub fn measurable(&self) -> Measurable {
        Measurable {
            precision: self.machine_covered > 0,
            recall: self.label_covered > 0,
            kappa: self.label_verdicts > 1,
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

/// What the report's columns mean, printed after it.
const LEGEND: &str = "\
label \\ machine: human labels (rows) against the grader's verdicts (columns); the grader's
  `review` counts as missed.
pairs: rubric items graded, one per answer and item.
precision: of the items the grader marked covered, the share labelled covered.
recall: of the items labelled covered, the share the grader marked covered.
F1: the harmonic mean of precision and recall.
kappa: Cohen's kappa over covered / partial / missed: 1 is full agreement, 0 what chance gives.
n/a: nothing to measure in that row: precision where the grader marked nothing covered, recall
  where nothing is labelled covered, kappa where every label is the same verdict (too few or
  too alike answers for agreement beyond chance to show).
";

/// The scores' column headings, above the rows.
fn header(out: &mut String) {
    let _ = writeln!(
        out,
        "{:<58} {:>5} {:>9} {:>7} {:>6} {:>7}",
        "", "pairs", "precision", "recall", "F1", "kappa"
    );
}

/// One row of the report: a name, then the scores, `n/a` where there is nothing to measure.
fn row(out: &mut String, name: &str, s: Scores) {
    let shown = |value: f64, measurable: bool| match measurable {
        true => format!("{value:.3}"),
        false => "n/a".to_owned(),
    };
    let m = s.measurable();
    let f1 = shown(s.f1, m.precision && m.recall);
    let _ = writeln!(
        out,
        "{name:<58} {:>5} {:>9} {:>7} {:>6} {:>7}",
        s.n,
        shown(s.precision, m.precision),
        shown(s.recall, m.recall),
        f1,
        shown(s.kappa, m.kappa)
    );
}

/// The report: the confusion matrix, then scores overall, per slice, per scenario and per item,
/// then the legend.
pub fn report(pairs: &[Pair]) -> String {
    let mut out = String::new();
    out.push_str(&confusion(pairs));
    let review = pairs.iter().filter(|p| p.review).count();
    let _ = writeln!(
        out,
        "needs review: {review} of {} verdicts ({:.1}%)\n",
        pairs.len(),
        100.0 * review as f64 / pairs.len().max(1) as f64
    );
    header(&mut out);
    row(&mut out, "overall", Scores::of(pairs));
    let mut slices: Vec<&str> = pairs
        .iter()
        .flat_map(|p| p.slices.iter().map(String::as_str))
        .collect();
    slices.sort_unstable();
    slices.dedup();
    for slice in slices {
        let of_slice = pairs.iter().filter(|p| p.slices.iter().any(|s| s == slice));
        row(&mut out, &format!("slice {slice}"), Scores::of(of_slice));
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
            let of_scenario = pairs.iter().filter(|p| p.scenario == s);
            row(&mut out, &format!("scenario {s}"), Scores::of(of_scenario));
        }
        let of_item = pairs.iter().filter(|p| p.scenario == s && p.item == item);
        row(&mut out, &format!("  {item}"), Scores::of(of_item));
    }
    out.push('\n');
    out.push_str(LEGEND);
    out
}

/// The overall figures of the same answers graded before the scenarios' rubric tests taught
/// the grader: what the lessons change.
pub fn untaught_report(pairs: &[Pair]) -> String {
    let s = Scores::of(pairs);
    format!(
        "before learning from the rubric tests: precision {:.3}, recall {:.3}, kappa {:.3} over {} pairs\n",
        s.precision, s.recall, s.kappa, s.n
    )
}

/// Leave-one-scenario-out selection of the grader's [`Settings`]: for each scenario, the
/// setting of [`Settings::grid`] that best meets the targets on the other scenarios (see
/// [`objective`]) grades it; the
/// pooled held-out verdicts measure how well chosen settings carry to an unseen scenario.
#[derive(Debug)]
pub struct Selection {
    /// Per held-out scenario, the setting chosen on the others.
    pub folds: Vec<(String, Settings)>,
    /// Every scenario graded with the setting chosen without it.
    pub held_out: Vec<Pair>,
    /// The setting with the best kappa on all the scenarios: the one to ship.
    pub best: Settings,
}

/// Runs [`Selection`] over labelled sets and their rubrics (at least two scenarios).
pub fn leave_one_scenario_out(sets: &[(&EvalSet, &Rubric)]) -> Result<Selection, String> {
    let grid = Settings::grid();
    // graded[g][s]: scenario s graded with setting g.
    let mut graded: Vec<Vec<Vec<Pair>>> = Vec::with_capacity(grid.len());
    for &settings in &grid {
        let mut per_scenario = Vec::with_capacity(sets.len());
        for (set, rubric) in sets {
            let mut rubric = (*rubric).clone();
            rubric.settings = settings;
            per_scenario.push(pairs(set, &rubric)?);
        }
        graded.push(per_scenario);
    }
    // Ties go to the setting nearest the shipped default, then to the first in the grid.
    let default = Settings::default();
    let distance = |s: &Settings| {
        (s.covered_at - default.covered_at).abs() + (s.partial_at - default.partial_at).abs()
    };
    let choose = |skip: Option<usize>| {
        let mut best: Option<(f64, f32, usize)> = None;
        for (g, per_scenario) in graded.iter().enumerate() {
            let pooled: Vec<&Pair> = per_scenario
                .iter()
                .enumerate()
                .filter(|(s, _)| Some(*s) != skip)
                .flat_map(|(_, p)| p)
                .collect();
            let k = objective(&pooled);
            let d = distance(&grid[g]);
            if best.is_none_or(|(bk, bd, _)| k > bk + 1e-9 || ((k - bk).abs() <= 1e-9 && d < bd)) {
                best = Some((k, d, g));
            }
        }
        best.map_or(0, |(_, _, g)| g)
    };
    let mut folds = Vec::new();
    let mut held_out = Vec::new();
    for (s, (set, _)) in sets.iter().enumerate() {
        let g = choose(Some(s));
        folds.push((set.scenario.clone(), grid[g]));
        held_out.extend(graded[g][s].iter().cloned());
    }
    Ok(Selection {
        folds,
        held_out,
        best: grid[choose(None)],
    })
}

/// What selection maximises: the worst ratio of a measure to its target (kappa 0.80, precision
/// 0.95 on the stuffing and negation slices, recall 0.75 on the paraphrase slice), so that no
/// target is bought with another; kappa alone breaks ties.
fn objective(pairs: &[&Pair]) -> f64 {
    let slice = |name: &str| {
        Scores::of(
            pairs
                .iter()
                .copied()
                .filter(|p| p.slices.iter().any(|s| s == name)),
        )
    };
    let k = kappa(pairs);
    let worst = [
        k / 0.80,
        slice("stuffing").precision / 0.95,
        slice("negation").precision / 0.95,
        slice("paraphrase").recall / 0.75,
    ]
    .into_iter()
    .fold(f64::INFINITY, f64::min);
    worst + k * 1e-3
}

/// The selection as text: the setting chosen per fold, the held-out kappa, and the setting
/// all the scenarios choose beside the one shipped.
pub fn selection_report(selection: &Selection) -> String {
    let mut out = String::from(
        "\nLeave-one-scenario-out: settings chosen on the other scenarios, kappa on the one left out\n",
    );
    for (scenario, s) in &selection.folds {
        let of: Vec<&Pair> = selection
            .held_out
            .iter()
            .filter(|p| &p.scenario == scenario)
            .collect();
        let _ = writeln!(
            out,
            "  {scenario:<58} covered at {:.2}, partial at {:.2}   kappa {:.3}",
            s.covered_at,
            s.partial_at,
            kappa(&of)
        );
    }
    let _ = writeln!(
        out,
        "  leave-one-scenario-out kappa {:.3} over {} pairs",
        kappa(&selection.held_out.iter().collect::<Vec<_>>()),
        selection.held_out.len()
    );
    let shipped = Settings::default();
    let _ = writeln!(
        out,
        "  chosen on all of them: covered at {:.2}, partial at {:.2}; shipped: covered at {:.2}, partial at {:.2}{}",
        selection.best.covered_at,
        selection.best.partial_at,
        shipped.covered_at,
        shipped.partial_at,
        if selection.best == shipped {
            ""
        } else {
            " (differs: update Settings::default)"
        }
    );
    out
}

/// Two raters' labels of a scenario's answers as pairs: rater `a` as the label, rater `b` as
/// the "machine", so [`Scores`] gives their kappa. Both must label the same answers and items.
pub fn agreement(
    scenario: &str,
    a: &BTreeMap<String, BTreeMap<String, String>>,
    b: &BTreeMap<String, BTreeMap<String, String>>,
) -> Result<Vec<Pair>, String> {
    let parse = |rater: &str, answer: &str, item: &str, v: &str| {
        Verdict::parse(v)
            .filter(|v| *v != Verdict::Review)
            .ok_or_else(|| format!("{scenario}: rater {rater} labels `{item}` of `{answer}` as `{v}`: use covered, partial or missed"))
    };
    let mut out = Vec::new();
    for (answer, items) in a {
        let Some(theirs) = b.get(answer) else {
            return Err(format!(
                "{scenario}: rater b has no labels for answer `{answer}`"
            ));
        };
        for (item, label) in items {
            let other = theirs.get(item).ok_or_else(|| {
                format!("{scenario}: rater b has no label for `{item}` of `{answer}`")
            })?;
            out.push(Pair {
                scenario: scenario.to_owned(),
                answer: answer.clone(),
                item: item.clone(),
                slices: Vec::new(),
                label: parse("a", answer, item, label)?,
                machine: parse("b", answer, item, other)?,
                review: false,
            });
        }
    }
    if let Some(extra) = b.keys().find(|k| !a.contains_key(*k)) {
        return Err(format!(
            "{scenario}: rater a has no labels for answer `{extra}`"
        ));
    }
    Ok(out)
}

/// The raters' agreement: kappa overall and per scenario, rater a in rows.
pub fn raters_report(pairs: &[Pair]) -> String {
    let mut out = String::from(
        "\nRaters: two independent labellings of the same answers (a in rows, b in columns)\n",
    );
    out.push_str(&confusion(pairs));
    header(&mut out);
    row(&mut out, "raters overall", Scores::of(pairs));
    let mut scenarios: Vec<&str> = pairs.iter().map(|p| p.scenario.as_str()).collect();
    scenarios.dedup();
    for s in scenarios {
        row(
            &mut out,
            &format!("raters {s}"),
            Scores::of(pairs.iter().filter(|p| p.scenario == s)),
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
            review: false,
        }
    }

    #[test]
    fn the_raters_agreement_pairs_every_label_and_refuses_a_missing_one() {
        let labels = |v: &[(&str, &str, &str)]| {
            let mut m: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
            for (answer, item, label) in v {
                m.entry(answer.to_string())
                    .or_default()
                    .insert(item.to_string(), label.to_string());
            }
            m
        };
        let a = labels(&[
            ("x-1", "i", "covered"),
            ("x-1", "j", "missed"),
            ("x-2", "i", "partial"),
            ("x-2", "j", "missed"),
        ]);
        let b = labels(&[
            ("x-1", "i", "covered"),
            ("x-1", "j", "missed"),
            ("x-2", "i", "missed"),
            ("x-2", "j", "missed"),
        ]);
        let pairs = agreement("s", &a, &b).unwrap();
        assert_eq!(pairs.len(), 4);
        assert_eq!(pairs.iter().filter(|p| p.label == p.machine).count(), 3);
        assert!(raters_report(&pairs).contains("raters overall"));
        let short = labels(&[("x-1", "i", "covered"), ("x-1", "j", "missed")]);
        assert!(
            agreement("s", &a, &short)
                .unwrap_err()
                .contains("no labels for answer `x-2`")
        );
        assert!(
            agreement("s", &short, &a)
                .unwrap_err()
                .contains("rater a has no labels")
        );
        let bad = labels(&[
            ("x-1", "i", "yes"),
            ("x-1", "j", "missed"),
            ("x-2", "i", "partial"),
            ("x-2", "j", "missed"),
        ]);
        assert!(agreement("s", &bad, &b).unwrap_err().contains("`yes`"));
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

    #[test]
    fn a_row_without_variety_shows_n_a_and_the_legend_says_why() {
        use Verdict::{Covered, Missed};
        // Every label is covered: kappa cannot measure anything, precision and recall can.
        let strong = [pair(Covered, Covered), pair(Covered, Missed)];
        let s = Scores::of(&strong);
        assert_eq!(
            s.measurable(),
            Measurable {
                precision: true,
                recall: true,
                kappa: false
            }
        );
        let report = report(&strong);
        assert!(report.contains("0.667     n/a\n"), "{report}");
        assert!(
            report.contains("kappa where every label is the same verdict"),
            "{report}"
        );
        assert!(report.contains("\npairs: rubric items graded"), "{report}");
        // Nothing covered on either side: only kappa is measurable.
        let weak = Scores::of(&[pair(Missed, Missed), pair(Verdict::Partial, Missed)]);
        assert_eq!(
            weak.measurable(),
            Measurable {
                precision: false,
                recall: false,
                kappa: true
            }
        );
    }
}
