//! Statistics: for authors, how a scenario's checklist items fare across stored attempts, from
//! the machine's verdicts and the learners' corrections; for learners, their progress by topic.
//! Pure: the store's running figures in, page figures out.

use std::collections::BTreeMap;

use crate::content::Site;
use crate::content::meta::Reader;
use crate::grading::{Rubric, Verdict};
use crate::store::{Figures, VerdictCounts};

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

/// Progress by topic from each scenario's best score (by slug), over the scenarios `reader`
/// may see. Topics in name order; a scenario without a topic counts under "Other".
pub fn progress_by_topic(
    site: &Site,
    best: &BTreeMap<String, f64>,
    reader: Reader,
) -> Vec<TopicProgress> {
    let mut topics: BTreeMap<String, (usize, Vec<f64>)> = BTreeMap::new();
    for page in site.scenarios().filter(|p| reader.sees(&p.meta)) {
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
    /// The learners' overrides by the verdict they chose, as "3 to covered, 1 to missed";
    /// empty without overrides.
    pub corrections: String,
}

/// A scenario's figures.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioStats {
    pub attempts: usize,
    pub mean_score: f64,
    /// Attempts per decile of the shown score: 0-9%, 10-19%, ..., 90-100%.
    pub histogram: [usize; 10],
    pub items: Vec<ItemStats>,
}

fn count(n: i64) -> usize {
    usize::try_from(n).unwrap_or(0)
}

/// Figures for the current rubric's items from the scenario's running figures (kept by the
/// store with every write); items of older rubric versions are left out.
pub fn compute(rubric: &Rubric, figures: &Figures) -> ScenarioStats {
    let items = rubric
        .items
        .iter()
        .map(|item| {
            let found = figures.items.iter().find(|f| f.item_id == item.id);
            let machine = found.map(|f| f.machine).unwrap_or_default();
            let overridden = found.map(|f| f.overridden).unwrap_or_default();
            let n = count(machine.total());
            // A partial verdict counts half here too: the one scoring rule.
            let covered = [
                (machine.covered, Verdict::Covered),
                (machine.partial, Verdict::Partial),
                (machine.missed, Verdict::Missed),
                (machine.review, Verdict::Review),
            ]
            .iter()
            .map(|(k, v)| count(*k) as f64 * v.credit())
            .sum::<f64>();
            let share = |k: f64| if n == 0 { 0.0 } else { k / n as f64 };
            ItemStats {
                id: item.id.clone(),
                text: item.text.clone(),
                graded: n,
                hit_rate: share(covered),
                override_rate: share(count(overridden.total()) as f64),
                corrections: corrections(&overridden),
            }
        })
        .collect();
    let attempts = count(figures.attempts);
    ScenarioStats {
        attempts,
        mean_score: match attempts {
            0 => 0.0,
            n => (figures.score_sum / n as f64).clamp(0.0, 1.0),
        },
        histogram: figures.histogram.map(count),
        items,
    }
}

/// "3 to covered, 1 to missed": the overrides by chosen verdict, none left out but zeros.
fn corrections(overridden: &VerdictCounts) -> String {
    [
        (overridden.covered, Verdict::Covered),
        (overridden.partial, Verdict::Partial),
        (overridden.missed, Verdict::Missed),
        (overridden.review, Verdict::Review),
    ]
    .iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, v)| format!("{n} to {}", v.as_str()))
    .collect::<Vec<_>>()
    .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::{Site, SourceFile};
    use crate::store::ItemFigures;

    fn rubric() -> Rubric {
        let md = "# Scenario: S\n\n## The Prompt\n\nGo.\n\n## What a Strong Answer Includes\n\n- Rolls the kubelet back to the previous version\n- Adds a canary node to the upgrade process\n";
        let site = Site::build(&[SourceFile {
            path: "s.md".into(),
            bytes: md.as_bytes().to_vec(),
        }]);
        Rubric::of("s", site.scenario("s").unwrap().scenario.as_ref().unwrap())
    }

    fn counts(covered: i64, partial: i64, missed: i64, review: i64) -> VerdictCounts {
        VerdictCounts {
            covered,
            partial,
            missed,
            review,
        }
    }

    #[test]
    fn rates_per_current_item_from_the_running_figures() {
        let rubric = rubric();
        let mut histogram = [0; 10];
        histogram[9] = 1;
        histogram[5] = 1;
        histogram[0] = 2;
        let figures = Figures {
            attempts: 4,
            score_sum: 1.5,
            histogram,
            items: vec![
                ItemFigures {
                    item_id: rubric.items[0].id.clone(),
                    machine: counts(2, 1, 1, 0),
                    overridden: counts(1, 0, 0, 0),
                },
                ItemFigures {
                    item_id: rubric.items[1].id.clone(),
                    machine: counts(1, 0, 2, 1),
                    overridden: counts(1, 0, 1, 0),
                },
                // An item of an older rubric version: not shown.
                ItemFigures {
                    item_id: "gone".into(),
                    machine: counts(9, 0, 0, 0),
                    overridden: counts(0, 0, 0, 0),
                },
            ],
        };
        let stats = compute(&rubric, &figures);
        assert_eq!(stats.attempts, 4);
        assert!((stats.mean_score - 0.375).abs() < 1e-9);
        assert_eq!(stats.histogram, [2, 0, 0, 0, 0, 1, 0, 0, 0, 1]);
        assert_eq!(stats.items.len(), 2);
        // Two covered and one partial (half) of four graded.
        assert!((stats.items[0].hit_rate - 2.5 / 4.0).abs() < 1e-9);
        assert!((stats.items[0].override_rate - 0.25).abs() < 1e-9);
        assert_eq!(stats.items[0].corrections, "1 to covered");
        assert_eq!(stats.items[1].graded, 4);
        assert!((stats.items[1].override_rate - 0.5).abs() < 1e-9);
        assert_eq!(stats.items[1].corrections, "1 to covered, 1 to missed");
    }

    #[test]
    fn an_item_no_attempt_was_graded_on_shows_zero_not_nan() {
        let stats = compute(&rubric(), &Figures::default());
        assert_eq!(stats.attempts, 0);
        assert_eq!(stats.mean_score, 0.0);
        assert!(
            stats
                .items
                .iter()
                .all(|i| i.graded == 0 && i.hit_rate == 0.0)
        );
        assert!(stats.items.iter().all(|i| i.corrections.is_empty()));
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
        let progress = progress_by_topic(&site, &best, Reader::Learner);
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
