//! Statistics: for authors, how a scenario's checklist items fare across stored attempts, from
//! the machine's verdicts and the learners' corrections; for learners, their progress by topic.
//! Pure: the store's running figures in, page figures out.

use std::collections::BTreeMap;

use crate::content::meta::Reader;
use crate::content::{Page, Site};
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

/// The topics a scenario counts under: its own, or "Other" without any.
fn topics_of(page: &Page) -> Vec<String> {
    match page.meta.topics.is_empty() {
        true => vec!["Other".to_owned()],
        false => page.meta.topics.clone(),
    }
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
        for name in topics_of(page) {
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

/// A best score at or above this counts as a scenario done well when placing a learner's level.
const WELL_DONE: f64 = 0.7;

/// The scenario to practise next, and why.
#[derive(Debug, Clone)]
pub struct Suggestion<'a> {
    pub page: &'a Page,
    /// The learner's level as placed from their best scores, like `L2`.
    pub level: String,
    /// The topic it practises: the learner's weakest with a scenario left at their level.
    pub topic: String,
    /// Whether that topic is the weakest of all, not only of those with a scenario left there.
    pub weakest: bool,
    /// Of that topic's scenarios, how many the learner has answered, and its mean best score.
    pub answered: usize,
    pub scenarios: usize,
    pub best_percent: u32,
}

/// The learner's level from their best scores (by slug): the highest level with a scenario
/// done well (70% or more), one level up once two of that level's scenarios are done well and
/// a higher level exists; the lowest level they have tried when nothing is done well yet; the
/// lowest level of all for a learner with no attempt. Levels order by their code (`L1` < `L2`).
pub fn learner_level(site: &Site, best: &BTreeMap<String, f64>, reader: Reader) -> Option<String> {
    let mut levels: Vec<String> = site
        .scenarios()
        .filter(|p| reader.sees(&p.meta))
        .filter_map(|p| p.meta.level.as_ref().map(|l| l.code.clone()))
        .collect();
    levels.sort();
    levels.dedup();
    let level_of = |slug: &str| {
        site.scenario(slug)
            .and_then(|p| p.meta.level.as_ref())
            .map(|l| l.code.clone())
    };
    let mut done_well: BTreeMap<String, usize> = BTreeMap::new();
    let mut tried: Vec<String> = Vec::new();
    for (slug, score) in best {
        let Some(level) = level_of(slug) else {
            continue;
        };
        if *score >= WELL_DONE {
            *done_well.entry(level.clone()).or_default() += 1;
        }
        tried.push(level);
    }
    match done_well.iter().next_back() {
        Some((level, n)) => {
            let next = levels.iter().find(|l| *l > level);
            Some(match (n, next) {
                (2.., Some(next)) => next.clone(),
                _ => level.clone(),
            })
        }
        None => tried.into_iter().min().or_else(|| levels.first().cloned()),
    }
}

/// The scenario to suggest next to a learner with attempts: one they have not answered, at
/// their level (or the nearest level with one left, lower first), on their weakest topic among
/// those with a scenario left there (fewest answered, then lowest mean best score, then the
/// broadest), the first by title. `None` when every visible scenario is answered.
pub fn suggest<'a>(
    site: &'a Site,
    best: &BTreeMap<String, f64>,
    reader: Reader,
    progress: &[TopicProgress],
) -> Option<Suggestion<'a>> {
    let level = learner_level(site, best, reader)?;
    let open: Vec<&Page> = site
        .scenarios()
        .filter(|p| reader.sees(&p.meta) && !best.contains_key(&p.slug))
        .collect();
    let code = |p: &Page| p.meta.level.as_ref().map(|l| l.code.clone());
    // The learner's level first, then lower levels (nearest first), then higher ones.
    let mut codes: Vec<Option<String>> = open.iter().map(|p| code(p)).collect();
    codes.sort();
    codes.dedup();
    let at = codes
        .iter()
        .filter(|c| c.as_deref() == Some(level.as_str()));
    let lower = codes
        .iter()
        .rev()
        .filter(|c| c.as_ref().is_some_and(|c| *c < level));
    let higher = codes
        .iter()
        .filter(|c| c.as_ref().is_some_and(|c| *c > level));
    let unlevelled = codes.iter().filter(|c| c.is_none());
    let codes: Vec<Option<String>> = at
        .chain(lower)
        .chain(higher)
        .chain(unlevelled)
        .cloned()
        .collect();
    let chosen = codes.into_iter().next()?;
    let candidates: Vec<&Page> = open.into_iter().filter(|p| code(p) == chosen).collect();
    // Fewest answered, then the lowest mean best score; among equals the broader topic (more
    // scenarios) first, then by name.
    let rank = |t: &&TopicProgress| {
        (
            t.tried,
            t.best_percent,
            std::cmp::Reverse(t.scenarios),
            t.topic.clone(),
        )
    };
    let weakest = progress
        .iter()
        .filter(|t| candidates.iter().any(|p| topics_of(p).contains(&t.topic)))
        .min_by_key(rank)?;
    let weakest_of_all = progress
        .iter()
        .filter(|t| t.tried < t.scenarios)
        .min_by_key(rank)
        .is_some_and(|t| t.topic == weakest.topic);
    let page = candidates
        .into_iter()
        .filter(|p| topics_of(p).contains(&weakest.topic))
        .min_by_key(|p| p.short_title().to_lowercase())?;
    Some(Suggestion {
        page,
        level: chosen.unwrap_or(level),
        topic: weakest.topic.clone(),
        weakest: weakest_of_all,
        answered: weakest.tried,
        scenarios: weakest.scenarios,
        best_percent: weakest.best_percent,
    })
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

    /// Scenarios as (slug, level, topics).
    fn library(pages: &[(&str, &str, &str)]) -> Site {
        let files: Vec<SourceFile> = pages
            .iter()
            .map(|(slug, level, topics)| SourceFile {
                path: format!("scenarios/{slug}.md"),
                bytes: format!(
                    "---\nlevel: \"{level}\"\ntopics: [{topics}]\n---\n# Scenario: {slug}\n\n## The Prompt\n\nGo.\n"
                )
                .into_bytes(),
            })
            .collect();
        Site::build(&files)
    }

    fn suggest_for<'a>(site: &'a Site, best: &BTreeMap<String, f64>) -> Option<Suggestion<'a>> {
        let progress = progress_by_topic(site, best, Reader::Learner);
        suggest(site, best, Reader::Learner, &progress)
    }

    fn scores(pairs: &[(&str, f64)]) -> BTreeMap<String, f64> {
        pairs.iter().map(|(s, v)| (s.to_string(), *v)).collect()
    }

    #[test]
    fn the_level_rises_after_two_scenarios_done_well_and_starts_where_the_learner_tried() {
        let site = library(&[
            ("a1", "L1", "Linux"),
            ("b1", "L1", "DNS"),
            ("c1", "L1", "Linux"),
            ("a2", "L2", "Linux"),
            ("a3", "L3", "Linux"),
        ]);
        let level = |best: &[(&str, f64)]| learner_level(&site, &scores(best), Reader::Learner);
        assert_eq!(level(&[]).as_deref(), Some("L1"));
        assert_eq!(
            level(&[("a2", 0.2)]).as_deref(),
            Some("L2"),
            "tried L2 only"
        );
        assert_eq!(
            level(&[("a1", 0.9)]).as_deref(),
            Some("L1"),
            "one done well"
        );
        assert_eq!(level(&[("a1", 0.9), ("b1", 0.7)]).as_deref(), Some("L2"));
        assert_eq!(level(&[("a1", 0.9), ("b1", 0.69)]).as_deref(), Some("L1"));
        assert_eq!(level(&[("a1", 0.9), ("a3", 0.8)]).as_deref(), Some("L3"));
    }

    #[test]
    fn the_suggestion_is_unanswered_at_the_learners_level_on_their_weakest_topic() {
        let site = library(&[
            ("linux-a", "L1", "Linux"),
            ("linux-b", "L1", "Linux"),
            ("dns-a", "L1", "DNS"),
            ("dns-b", "L1", "DNS"),
            ("db-a", "L2", "Databases"),
            ("db-b", "L1", "Databases"),
        ]);
        // Linux answered well once, DNS poorly once: Databases is untried, so weakest.
        let best = scores(&[("linux-a", 0.9), ("dns-a", 0.3)]);
        let s = suggest_for(&site, &best).unwrap();
        assert_eq!(
            (s.page.slug.as_str(), s.level.as_str(), s.topic.as_str()),
            ("db-b", "L1", "Databases")
        );
        assert_eq!((s.answered, s.scenarios), (0, 2));
        // With Databases answered too, the weakest left at L1 is DNS (30%).
        let best = scores(&[("linux-a", 0.9), ("dns-a", 0.3), ("db-b", 0.6)]);
        let s = suggest_for(&site, &best).unwrap();
        assert_eq!(
            (s.page.slug.as_str(), s.topic.as_str(), s.best_percent),
            ("dns-b", "DNS", 30)
        );
        // Two done well: placed at L2, where only db-a is left.
        let best = scores(&[("linux-a", 0.9), ("linux-b", 0.8), ("dns-a", 0.3)]);
        let s = suggest_for(&site, &best).unwrap();
        assert_eq!((s.page.slug.as_str(), s.level.as_str()), ("db-a", "L2"));
        // Everything answered: nothing to suggest.
        let all = scores(&[
            ("linux-a", 1.0),
            ("linux-b", 1.0),
            ("dns-a", 1.0),
            ("dns-b", 1.0),
            ("db-a", 1.0),
            ("db-b", 1.0),
        ]);
        assert!(suggest_for(&site, &all).is_none());
    }

    #[test]
    fn with_nothing_left_at_the_level_the_nearest_lower_level_comes_first() {
        let site = library(&[
            ("l1", "L1", "Linux"),
            ("l2-done", "L2", "Linux"),
            ("l2-done-too", "L2", "DNS"),
            ("l3-done", "L3", "DNS"),
            ("l3-left", "L3", "DNS"),
            ("l4", "L4", "Linux"),
        ]);
        // Done well twice at L2 and once at L3: placed at L3... with l3-left open there.
        let best = scores(&[("l2-done", 0.9), ("l2-done-too", 0.9), ("l3-done", 0.9)]);
        assert_eq!(suggest_for(&site, &best).unwrap().page.slug, "l3-left");
        let best = scores(&[
            ("l2-done", 0.9),
            ("l2-done-too", 0.9),
            ("l3-done", 0.9),
            ("l3-left", 0.2),
        ]);
        // Placed at L3 with nothing left there: L1 (lower) before L4 (higher).
        assert_eq!(suggest_for(&site, &best).unwrap().page.slug, "l1");
    }
}
