//! Live mock incidents, without I/O: what can happen in an interview, what the candidate may
//! see of it, and the scorecard built from what happened.

use serde::{Deserialize, Serialize};

use crate::grading::{Grade, Rubric, Verdict};

/// Something that happened in an interview, as stored (JSON) and streamed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Happening {
    Started {
        candidate: String,
    },
    /// The interviewer showed the candidate an evidence item or a hint.
    Revealed {
        what: Reveal,
        index: usize,
        /// Sanitized HTML (evidence, from content) or escaped text (a hint).
        html: String,
    },
    /// The interviewer judged a rubric item.
    Ticked {
        item: String,
        verdict: Verdict,
    },
    /// A private note of the interviewer.
    Noted {
        text: String,
    },
    Ended,
}

/// What can be revealed to the candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reveal {
    /// An item of the scenario's observable evidence.
    Evidence,
    /// What an investigation step shows (its `Shows:` lines).
    Hint,
}

impl Happening {
    /// The kind, as stored beside the data.
    pub fn kind(&self) -> &'static str {
        match self {
            Happening::Started { .. } => "started",
            Happening::Revealed { .. } => "revealed",
            Happening::Ticked { .. } => "ticked",
            Happening::Noted { .. } => "noted",
            Happening::Ended => "ended",
        }
    }

    /// Whether the candidate may see it: reveals and the end only.
    pub fn for_candidate(&self) -> bool {
        matches!(self, Happening::Revealed { .. } | Happening::Ended)
    }

    /// One line for the timeline.
    pub fn describe(&self) -> String {
        match self {
            Happening::Started { candidate } => format!("Interview with {candidate} started"),
            Happening::Revealed { what, index, .. } => match what {
                Reveal::Evidence => format!("Revealed evidence {}", index + 1),
                Reveal::Hint => format!("Revealed the findings of step {}", index + 1),
            },
            Happening::Ticked { item, verdict } => format!("Marked `{item}` {}", verdict.as_str()),
            Happening::Noted { text } => format!("Note: {text}"),
            Happening::Ended => "Interview ended".to_owned(),
        }
    }
}

/// A happening with its place in the interview.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Logged {
    pub seq: i64,
    /// Unix milliseconds.
    pub at: i64,
    #[serde(flatten)]
    pub happening: Happening,
}

/// One rubric item on the scorecard: the interviewer's last tick beside the grader's verdict
/// on the candidate's notes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScoredItem {
    pub id: String,
    pub text: String,
    pub weight: f32,
    pub interviewer: Option<Verdict>,
    /// Unix milliseconds of the last tick.
    pub ticked_at: Option<i64>,
    pub grader: Verdict,
}

/// A line of the timeline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimelineEntry {
    pub seq: i64,
    pub at: i64,
    /// `mm:ss` since the start.
    pub elapsed: String,
    pub kind: &'static str,
    pub text: String,
}

/// The interview's outcome.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scorecard {
    pub candidate: String,
    pub interviewer: String,
    pub scenario: String,
    pub rubric_version: String,
    pub started_at: i64,
    pub ended_at: Option<i64>,
    /// Weighted share of the items the interviewer marked covered (partial counts half).
    pub score: f64,
    /// The same from the grader's verdicts on the candidate's notes, for comparison.
    pub grader_score: f64,
    pub covered: usize,
    pub total: usize,
    pub items: Vec<ScoredItem>,
    /// Traps the grader found in the candidate's notes.
    pub traps: Vec<String>,
    pub timeline: Vec<TimelineEntry>,
    pub candidate_notes: String,
}

/// Who, what and when, for [`Scorecard::build`].
#[derive(Debug, Clone, Copy)]
pub struct Header<'a> {
    pub candidate: &'a str,
    pub interviewer: &'a str,
    pub scenario: &'a str,
    pub started_at: i64,
    pub ended_at: Option<i64>,
}

impl Scorecard {
    /// The scorecard of an interview: `events` in order, `notes` the candidate's final notes and
    /// `graded` the grader's verdicts on them.
    pub fn build(
        header: Header<'_>,
        rubric: &Rubric,
        events: &[Logged],
        notes: &str,
        graded: &Grade,
    ) -> Self {
        let items: Vec<ScoredItem> = rubric
            .items
            .iter()
            .map(|item| {
                let last = last_tick(events, &item.id);
                ScoredItem {
                    id: item.id.clone(),
                    text: item.text.clone(),
                    weight: item.weight,
                    interviewer: last.map(|(v, _)| v),
                    ticked_at: last.map(|(_, at)| at),
                    grader: graded
                        .items
                        .iter()
                        .find(|g| g.id == item.id)
                        .map_or(Verdict::Missed, |g| g.verdict),
                }
            })
            .collect();
        let score = weighted(&items, |i| i.interviewer.unwrap_or(Verdict::Missed));
        let grader_score = weighted(&items, |i| i.grader);
        let timeline = events
            .iter()
            .map(|e| TimelineEntry {
                seq: e.seq,
                at: e.at,
                elapsed: elapsed(e.at - header.started_at),
                kind: e.happening.kind(),
                text: e.happening.describe(),
            })
            .collect();
        Self {
            candidate: header.candidate.to_owned(),
            interviewer: header.interviewer.to_owned(),
            scenario: header.scenario.to_owned(),
            rubric_version: rubric.version.clone(),
            started_at: header.started_at,
            ended_at: header.ended_at,
            score,
            grader_score,
            covered: items
                .iter()
                .filter(|i| i.interviewer == Some(Verdict::Covered))
                .count(),
            total: items.len(),
            items,
            traps: graded.traps.iter().map(|t| t.claim.clone()).collect(),
            timeline,
            candidate_notes: notes.to_owned(),
        }
    }

    /// One row per rubric item, for a spreadsheet.
    pub fn to_csv(&self) -> Result<String, csv::Error> {
        let mut out = csv::Writer::from_writer(Vec::new());
        out.write_record([
            "item",
            "text",
            "weight",
            "interviewer",
            "ticked_at_ms",
            "grader",
        ])?;
        for item in &self.items {
            out.write_record([
                item.id.as_str(),
                item.text.as_str(),
                &item.weight.to_string(),
                item.interviewer.map_or("", Verdict::as_str),
                &item.ticked_at.map_or_else(String::new, |at| at.to_string()),
                item.grader.as_str(),
            ])?;
        }
        let bytes = out.into_inner().map_err(|e| e.into_error())?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }
}

/// The interviewer's last verdict on an item, and when.
fn last_tick(events: &[Logged], id: &str) -> Option<(Verdict, i64)> {
    events.iter().rev().find_map(|e| match &e.happening {
        Happening::Ticked { item, verdict } if item == id => Some((*verdict, e.at)),
        _ => None,
    })
}

/// The score of the items by `verdict` (the one rule: [`crate::grading::score`]).
fn weighted(items: &[ScoredItem], verdict: impl Fn(&ScoredItem) -> Verdict) -> f64 {
    crate::grading::score(items.iter().map(|i| (verdict(i), i.weight)))
}

/// `mm:ss` (or `h:mm:ss`) for a duration in milliseconds.
pub fn elapsed(ms: i64) -> String {
    let s = ms.max(0) / 1000;
    match s / 3600 {
        0 => format!("{:02}:{:02}", s / 60, s % 60),
        h => format!("{h}:{:02}:{:02}", s / 60 % 60, s % 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::Site;

    fn rubric() -> Rubric {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/content/scenarios/gitops-drift-causing-outage.md"
        ))
        .unwrap();
        let site = Site::build(&[crate::content::SourceFile {
            path: "scenarios/gitops-drift-causing-outage.md".into(),
            bytes: text.into_bytes(),
        }]);
        let page = site.scenario("gitops-drift-causing-outage").unwrap();
        Rubric::of(&page.slug, page.scenario.as_ref().unwrap())
    }

    fn logged(seq: i64, at: i64, happening: Happening) -> Logged {
        Logged { seq, at, happening }
    }

    #[test]
    fn the_scorecard_takes_each_items_last_tick_and_weighs_partial_as_half() {
        let rubric = rubric();
        let first = rubric.items[0].id.clone();
        let second = rubric.items[1].id.clone();
        let events = [
            logged(
                1,
                1_000,
                Happening::Started {
                    candidate: "Sam".into(),
                },
            ),
            logged(
                2,
                61_000,
                Happening::Ticked {
                    item: first.clone(),
                    verdict: Verdict::Missed,
                },
            ),
            logged(
                3,
                62_000,
                Happening::Ticked {
                    item: first.clone(),
                    verdict: Verdict::Covered,
                },
            ),
            logged(
                4,
                125_000,
                Happening::Ticked {
                    item: second.clone(),
                    verdict: Verdict::Partial,
                },
            ),
            logged(5, 3_700_000, Happening::Ended),
        ];
        let notes = "HPA and ArgoCD self-heal fight over replicas.";
        let graded = rubric.grade(notes);
        let header = Header {
            candidate: "Sam",
            interviewer: "ivy",
            scenario: "gitops-drift-causing-outage",
            started_at: 1_000,
            ended_at: Some(3_700_000),
        };
        let card = Scorecard::build(header, &rubric, &events, notes, &graded);
        assert_eq!(card.items[0].interviewer, Some(Verdict::Covered));
        assert_eq!(card.items[0].ticked_at, Some(62_000));
        assert_eq!(card.items[1].interviewer, Some(Verdict::Partial));
        assert_eq!(card.items[2].interviewer, None);
        assert_eq!(card.covered, 1);
        let weights: Vec<f64> = rubric.items.iter().map(|i| f64::from(i.weight)).collect();
        let expected = (weights[0] + weights[1] / 2.0) / weights.iter().sum::<f64>();
        assert!(
            (card.score - expected).abs() < 1e-9,
            "{} vs {expected}",
            card.score
        );
        let elapsed: Vec<&str> = card.timeline.iter().map(|t| t.elapsed.as_str()).collect();
        assert_eq!(elapsed, ["00:00", "01:00", "01:01", "02:04", "1:01:39"]);
        assert_eq!(card.timeline[2].text, format!("Marked `{first}` covered"));
        assert_eq!(card.candidate_notes, notes);
    }

    #[test]
    fn the_csv_has_a_row_per_item_with_quotes_where_needed() {
        let rubric = rubric();
        let events = [logged(
            1,
            5,
            Happening::Ticked {
                item: rubric.items[0].id.clone(),
                verdict: Verdict::Covered,
            },
        )];
        let graded = rubric.grade("");
        let header = Header {
            candidate: "Sam",
            interviewer: "ivy",
            scenario: "s",
            started_at: 0,
            ended_at: None,
        };
        let card = Scorecard::build(header, &rubric, &events, "", &graded);
        let csv = card.to_csv().unwrap();
        let mut reader = csv::Reader::from_reader(csv.as_bytes());
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), rubric.items.len());
        assert_eq!(&rows[0][0], rubric.items[0].id);
        assert_eq!(&rows[0][1], rubric.items[0].text);
        assert_eq!(
            (&rows[0][3], &rows[0][4], &rows[0][5]),
            ("covered", "5", "missed")
        );
        assert_eq!((&rows[1][3], &rows[1][4]), ("", ""));
    }

    #[test]
    fn only_reveals_and_the_end_reach_the_candidate() {
        let reveal = Happening::Revealed {
            what: Reveal::Evidence,
            index: 0,
            html: "x".into(),
        };
        assert!(reveal.for_candidate() && Happening::Ended.for_candidate());
        for private in [
            Happening::Started {
                candidate: "Sam".into(),
            },
            Happening::Ticked {
                item: "a".into(),
                verdict: Verdict::Covered,
            },
            Happening::Noted {
                text: "weak on rollback".into(),
            },
        ] {
            assert!(!private.for_candidate(), "{private:?}");
        }
    }

    #[test]
    fn happenings_round_trip_through_json() {
        let tick = Happening::Ticked {
            item: "a".into(),
            verdict: Verdict::Partial,
        };
        let json = serde_json::to_string(&tick).unwrap();
        assert_eq!(json, r#"{"kind":"ticked","item":"a","verdict":"partial"}"#);
        assert_eq!(serde_json::from_str::<Happening>(&json).unwrap(), tick);
        assert_eq!(
            serde_json::to_string(&Happening::Ended).unwrap(),
            r#"{"kind":"ended"}"#
        );
    }
}
