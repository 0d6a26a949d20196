//! Statistics for authors: how a scenario's checklist items fare across stored attempts, from the
//! machine's verdicts and the learners' corrections. Pure: attempts in, figures out.

use crate::grading::{Grade, Rubric, Verdict};

/// One checklist item across attempts.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemStats {
    pub id: String,
    pub text: String,
    /// Attempts graded on this item.
    pub graded: usize,
    /// Share of those the machine judged covered.
    pub hit_rate: f64,
    /// Share of those where the learner overrode the machine: a high rate means the item needs
    /// better evidence phrases.
    pub override_rate: f64,
}

/// A scenario's figures.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioStats {
    pub attempts: usize,
    pub mean_score: f64,
    /// Attempts per score decile: 0-9%, 10-19%, ..., 90-100%.
    pub histogram: [usize; 10],
    pub items: Vec<ItemStats>,
}

/// Figures for the current rubric's items over `attempts` (id and stored grade) and their
/// `overrides` (attempt id, item id).
pub fn compute(
    rubric: &Rubric,
    attempts: &[(i64, Grade)],
    overrides: &[(i64, String)],
) -> ScenarioStats {
    let mut histogram = [0; 10];
    for (_, grade) in attempts {
        histogram[((grade.score * 10.0) as usize).min(9)] += 1;
    }
    let items = rubric
        .items
        .iter()
        .map(|item| {
            let graded: Vec<(i64, Verdict)> = attempts
                .iter()
                .filter_map(|(id, g)| {
                    g.items
                        .iter()
                        .find(|i| i.id == item.id)
                        .map(|i| (*id, i.verdict))
                })
                .collect();
            let n = graded.len();
            let covered = graded
                .iter()
                .filter(|(_, v)| *v == Verdict::Covered)
                .count();
            let overridden = graded
                .iter()
                .filter(|(id, _)| overrides.iter().any(|(a, i)| a == id && *i == item.id))
                .count();
            let share = |k: usize| if n == 0 { 0.0 } else { k as f64 / n as f64 };
            ItemStats {
                id: item.id.clone(),
                text: item.text.clone(),
                graded: n,
                hit_rate: share(covered),
                override_rate: share(overridden),
            }
        })
        .collect();
    let mean_score = if attempts.is_empty() {
        0.0
    } else {
        attempts.iter().map(|(_, g)| g.score).sum::<f64>() / attempts.len() as f64
    };
    ScenarioStats {
        attempts: attempts.len(),
        mean_score,
        histogram,
        items,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::{Site, SourceFile};

    #[test]
    fn hit_and_override_rates_per_item_and_a_score_histogram() {
        let md = "# Scenario: S\n\n## The Prompt\n\nGo.\n\n## What a Strong Answer Includes\n\n- Rolls the kubelet back to the previous version\n- Adds a canary node to the upgrade process\n";
        let site = Site::build(&[SourceFile {
            path: "s.md".into(),
            bytes: md.as_bytes().to_vec(),
        }]);
        let rubric = Rubric::of("s", site.scenario("s").unwrap().scenario.as_ref().unwrap());
        let attempts = vec![
            (1, rubric.grade("Roll the kubelet back to the previous version.")),
            (2, rubric.grade("Roll the kubelet back to the previous version, and add a canary node to the upgrade process.")),
            (3, rubric.grade("No idea.")),
        ];
        let overrides = vec![(3, "adds-a-canary-node-to-the".to_owned())];
        let stats = compute(&rubric, &attempts, &overrides);
        assert_eq!(stats.attempts, 3);
        assert_eq!(stats.histogram.iter().sum::<usize>(), 3);
        assert_eq!(
            stats.histogram[9] + stats.histogram[0],
            2,
            "{:?}",
            stats.histogram
        );
        assert!((stats.items[0].hit_rate - 2.0 / 3.0).abs() < 1e-9);
        assert!((stats.items[1].override_rate - 1.0 / 3.0).abs() < 1e-9);
        assert_eq!(stats.items[0].override_rate, 0.0);
    }
}
