//! Statistics: for authors, how a scenario's checklist items fare across stored attempts, from
//! the machine's verdicts and the learners' corrections; for learners, their progress by topic.
//! Pure: attempts in, figures out.

use std::collections::BTreeMap;

use crate::content::Site;
use crate::grading::{Grade, Rubric, Verdict};

/// A learner's progress on one topic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicProgress {
    pub topic: String,
    /// Scenarios on the topic that the learner can see.
    pub scenarios: usize,
    /// How many of them the learner has answered.
    pub tried: usize,
    /// The mean of the learner's best score on each tried scenario, in percent.
    pub best_percent: u32,
}

/// Progress by topic from each scenario's best score (by slug); hidden scenarios count only
/// when `with_hidden`. Topics in name order; a scenario without a topic counts under "Other".
pub fn progress_by_topic(
    site: &Site,
    best: &BTreeMap<String, f64>,
    with_hidden: bool,
) -> Vec<TopicProgress> {
    let mut topics: BTreeMap<String, (usize, Vec<f64>)> = BTreeMap::new();
    for page in site.scenarios().filter(|p| with_hidden || !p.meta.hidden) {
        let names = match page.meta.topics.is_empty() {
            true => vec!["Other".to_owned()],
            false => page.meta.topics.clone(),
        };
        for name in names {
            let entry = topics.entry(name).or_default();
            entry.0 += 1;
            entry.1.extend(best.get(&page.slug));
        }
    }
    topics
        .into_iter()
        .map(|(topic, (scenarios, scores))| TopicProgress {
            topic,
            scenarios,
            tried: scores.len(),
            best_percent: match scores.len() {
                0 => 0,
                n => (scores.iter().sum::<f64>() / n as f64 * 100.0).round() as u32,
            },
        })
        .collect()
}

/// One checklist item across attempts.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemStats {
    pub id: String,
    pub text: String,
    /// Attempts graded on this item.
    pub graded: usize,
    /// Share of those the machine judged covered, a partial verdict counting half.
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
            // A partial verdict counts half here too: the one scoring rule.
            let covered: f64 = graded.iter().map(|(_, v)| v.credit()).sum();
            let overridden = graded
                .iter()
                .filter(|(id, _)| overrides.iter().any(|(a, i)| a == id && *i == item.id))
                .count();
            let share = |k: f64| if n == 0 { 0.0 } else { k / n as f64 };
            ItemStats {
                id: item.id.clone(),
                text: item.text.clone(),
                graded: n,
                hit_rate: share(covered),
                override_rate: share(overridden as f64),
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

    #[test]
    fn a_partial_verdict_counts_half_in_an_items_hit_rate() {
        let md = "# Scenario: S\n\n## The Prompt\n\nGo.\n\n## What a Strong Answer Includes\n\n- Rolls the kubelet back\n";
        let site = Site::build(&[SourceFile {
            path: "s.md".into(),
            bytes: md.as_bytes().to_vec(),
        }]);
        let rubric = Rubric::of("s", site.scenario("s").unwrap().scenario.as_ref().unwrap());
        let graded = |verdict| {
            let mut grade = rubric.grade("anything");
            grade.items[0].verdict = verdict;
            grade
        };
        let attempts = vec![(1, graded(Verdict::Partial)), (2, graded(Verdict::Covered))];
        let stats = compute(&rubric, &attempts, &[]);
        assert!((stats.items[0].hit_rate - 0.75).abs() < 1e-9);
    }

    #[test]
    fn progress_takes_each_scenarios_best_score_per_topic() {
        let page = |path: &str, topics: &str| crate::content::SourceFile {
            path: path.into(),
            bytes: format!(
                "---\ntopics: [{topics}]\n---\n# Scenario: {path}\n\n## The Prompt\n\nGo.\n"
            )
            .into_bytes(),
        };
        let site = Site::build(&[
            page("scenarios/a.md", "GitOps"),
            page("scenarios/b.md", "GitOps, Kubernetes"),
            page("scenarios/c.md", "Kubernetes"),
        ]);
        let best = BTreeMap::from([("a".to_owned(), 0.5), ("b".to_owned(), 1.0)]);
        let progress = progress_by_topic(&site, &best, false);
        let row = |t: &str| progress.iter().find(|p| p.topic == t).unwrap().clone();
        assert_eq!(
            row("GitOps"),
            TopicProgress {
                topic: "GitOps".into(),
                scenarios: 2,
                tried: 2,
                best_percent: 75
            }
        );
        assert_eq!(
            row("Kubernetes"),
            TopicProgress {
                topic: "Kubernetes".into(),
                scenarios: 2,
                tried: 1,
                best_percent: 100
            }
        );
    }
}
