//! Live gauntlet interviews, without I/O: the rubric a gauntlet is run against (every round's
//! items, each id prefixed with its round so that ids are unique across rounds), which rounds
//! the interviewer has opened, and each round on the scorecard with its items, ticks and notes.

use serde::Serialize;

use super::{Happening, Logged, ScoredItem, elapsed};
use crate::content::gauntlet::Gauntlet;
use crate::content::scenario::{RubricItem, Scenario};
use crate::grading::{Rubric, Verdict};

/// `round-2-check-retention`: the id of a round's item in a live gauntlet (rounds from 1).
pub fn item_id(round: usize, id: &str) -> String {
    format!("round-{round}-{id}")
}

/// The rubric of a gauntlet run live: every round's derived items, ids prefixed with their
/// round. The candidate's notes are graded against it, and the interviewer ticks its items.
pub fn live_rubric(slug: &str, gauntlet: &Gauntlet) -> Rubric {
    let rubric: Vec<RubricItem> = gauntlet
        .rounds
        .iter()
        .enumerate()
        .flat_map(|(i, round)| {
            round.rubric.iter().map(move |item| RubricItem {
                id: item_id(i + 1, &item.id),
                ..item.clone()
            })
        })
        .collect();
    let scenario = Scenario {
        rubric,
        ..Scenario::default()
    };
    Rubric::of(slug, &scenario)
}

/// A round as the scorecard needs it: its place (from 1), name, question and item ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outline {
    pub number: usize,
    pub name: String,
    pub question: String,
    pub items: Vec<String>,
}

/// The rounds of a gauntlet, in page order.
pub fn outlines(gauntlet: &Gauntlet) -> Vec<Outline> {
    gauntlet
        .rounds
        .iter()
        .enumerate()
        .map(|(i, round)| Outline {
            number: i + 1,
            name: round.name.clone(),
            question: round.question.clone().unwrap_or_default(),
            items: round
                .rubric
                .iter()
                .map(|item| item_id(i + 1, &item.id))
                .collect(),
        })
        .collect()
}

/// When round `number` was first opened, if it was.
pub fn opened_at(events: &[Logged], number: usize) -> Option<i64> {
    events.iter().find_map(|e| match &e.happening {
        Happening::Opened { round, .. } if *round == number => Some(e.at),
        _ => None,
    })
}

/// How many rounds are open: rounds open in order, so the highest opened.
pub fn opened(events: &[Logged]) -> usize {
    events
        .iter()
        .filter_map(|e| match &e.happening {
            Happening::Opened { round, .. } => Some(*round),
            _ => None,
        })
        .max()
        .unwrap_or(0)
}

/// The interviewer's notes on round `round`, or (`None`) on the whole interview.
pub fn notes_on(events: &[Logged], round: Option<usize>, start: i64) -> Vec<RoundNote> {
    events
        .iter()
        .filter_map(|e| match &e.happening {
            Happening::Noted { text, round: on } if *on == round => Some(RoundNote {
                at: e.at,
                elapsed: elapsed(e.at - start),
                text: text.clone(),
            }),
            _ => None,
        })
        .collect()
}

/// A private note of the interviewer's, on a round.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RoundNote {
    #[serde(serialize_with = "crate::utc::serialize")]
    pub at: i64,
    /// `mm:ss` into the interview.
    pub elapsed: String,
    pub text: String,
}

/// One round on the scorecard.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RoundCard {
    pub number: usize,
    pub name: String,
    pub question: String,
    #[serde(serialize_with = "crate::utc::serialize_option")]
    pub opened_at: Option<i64>,
    /// `mm:ss` into the interview when opened.
    pub elapsed: Option<String>,
    /// The weighted share of the round's items the interviewer marked covered (partial: half).
    pub score: f64,
    pub covered: usize,
    pub total: usize,
    pub items: Vec<ScoredItem>,
    pub notes: Vec<RoundNote>,
}

impl RoundCard {
    /// The round `outline` from the scorecard's `items` and the interview's `events`.
    pub fn build(outline: &Outline, items: &[ScoredItem], events: &[Logged], start: i64) -> Self {
        let items: Vec<ScoredItem> = outline
            .items
            .iter()
            .filter_map(|id| items.iter().find(|i| i.id == *id).cloned())
            .collect();
        let opened_at = opened_at(events, outline.number);
        let notes = notes_on(events, Some(outline.number), start);
        Self {
            number: outline.number,
            name: outline.name.clone(),
            question: outline.question.clone(),
            opened_at,
            elapsed: opened_at.map(|at| elapsed(at - start)),
            score: super::weighted(&items, |i| i.interviewer.unwrap_or(Verdict::Missed)),
            covered: items
                .iter()
                .filter(|i| i.interviewer == Some(Verdict::Covered))
                .count(),
            total: items.len(),
            items,
            notes,
        }
    }

    /// The score as a whole percentage.
    pub fn percent(&self) -> u32 {
        (self.score * 100.0).round() as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::Site;

    fn gauntlet() -> Gauntlet {
        let text =
            include_str!("../../tests/fixtures/formats/gauntlet-disk-full-on-a-kafka-broker.md");
        let site = Site::build(&[crate::content::SourceFile {
            path: "gauntlets/kafka-disk.md".into(),
            bytes: text.as_bytes().to_vec(),
        }]);
        site.gauntlets().next().unwrap().gauntlet.clone().unwrap()
    }

    #[test]
    fn a_live_gauntlets_items_are_every_rounds_with_ids_unique_across_rounds() {
        let gauntlet = gauntlet();
        let rubric = live_rubric("kafka-disk", &gauntlet);
        let outlines = outlines(&gauntlet);
        assert_eq!(outlines.len(), 5);
        let ids: Vec<&String> = outlines.iter().flat_map(|o| &o.items).collect();
        assert_eq!(ids.len(), rubric.items.len());
        assert!(rubric.items.iter().zip(&ids).all(|(i, id)| i.id == **id));
        let unique: std::collections::HashSet<&&String> = ids.iter().collect();
        assert_eq!(unique.len(), ids.len());
        assert!(
            outlines[1]
                .items
                .iter()
                .all(|id| id.starts_with("round-2-"))
        );
        assert!(
            outlines[0]
                .question
                .starts_with("One of our three Kafka brokers")
        );
    }

    #[test]
    fn a_round_card_scores_its_own_items_and_keeps_its_own_notes() {
        let gauntlet = gauntlet();
        let outlines = outlines(&gauntlet);
        let item = |id: &str, verdict| ScoredItem {
            id: id.to_owned(),
            text: id.to_owned(),
            weight: 1.0,
            interviewer: verdict,
            ticked_at: None,
            grader: Verdict::Missed,
        };
        let mut items: Vec<ScoredItem> = outlines
            .iter()
            .flat_map(|o| &o.items)
            .map(|id| item(id, None))
            .collect();
        let second = &outlines[1];
        items
            .iter_mut()
            .find(|i| i.id == second.items[0])
            .unwrap()
            .interviewer = Some(Verdict::Covered);
        let events = [
            Logged {
                seq: 2,
                at: 61_000,
                happening: Happening::Opened {
                    round: 2,
                    question: "Q".into(),
                },
            },
            Logged {
                seq: 3,
                at: 62_000,
                happening: Happening::Noted {
                    text: "on two".into(),
                    round: Some(2),
                },
            },
            Logged {
                seq: 4,
                at: 63_000,
                happening: Happening::Noted {
                    text: "general".into(),
                    round: None,
                },
            },
        ];
        let card = RoundCard::build(second, &items, &events, 1_000);
        assert_eq!(card.total, second.items.len());
        assert_eq!(card.covered, 1);
        let expected = 1.0 / second.items.len() as f64;
        assert!((card.score - expected).abs() < 1e-9);
        assert_eq!(card.elapsed.as_deref(), Some("01:00"));
        assert_eq!(card.notes.len(), 1);
        assert_eq!(card.notes[0].text, "on two");
        assert_eq!(opened(&events), 2);
        let first = RoundCard::build(&outlines[0], &items, &events, 1_000);
        assert_eq!(
            (first.opened_at, first.notes.len(), first.covered),
            (None, 0, 0)
        );
    }
}
