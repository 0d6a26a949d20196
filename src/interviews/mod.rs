//! Live mock incidents, without I/O: what can happen in an interview, what the candidate may
//! see of it, and the scorecard built from what happened. A gauntlet's rounds are in `rounds`.

pub mod console;
mod export;
pub mod rounds;

pub use export::spreadsheet_safe;

use serde::{Deserialize, Serialize};

use self::rounds::{Outline, RoundCard};

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
        /// What was revealed, in words: the evidence item's text, or `Step 3: Check HPA`.
        /// Empty in events stored before reveals were labelled.
        #[serde(default, skip_serializing_if = "String::is_empty")]
        label: String,
        /// Sanitized HTML (evidence, from content) or escaped text (a hint).
        html: String,
    },
    /// The interviewer judged a rubric item.
    Ticked {
        item: String,
        verdict: Verdict,
    },
    /// The interviewer asked one of the scenario's follow-up questions (`index` from 0).
    Asked {
        index: usize,
        question: String,
    },
    /// A private note of the interviewer, on a round of a gauntlet or on the whole interview.
    Noted {
        text: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        round: Option<usize>,
    },
    /// The interviewer opened a round of a gauntlet (from 1): the candidate sees its question,
    /// and nothing else of the round.
    Opened {
        round: usize,
        question: String,
    },
    /// The candidate ran a command on the console of a scenario's interview, as the matcher
    /// read it. The candidate sees the command and whether it was not run, nothing else of it
    /// (see [`console::for_candidate`]).
    Typed {
        command: String,
        /// The investigation step it matched (from 0), if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        step: Option<usize>,
        /// That step's title, for the interviewer.
        #[serde(default, skip_serializing_if = "String::is_empty")]
        title: String,
        /// What that step shows, for the interviewer to reveal.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        output: Vec<String>,
        /// Why it would do harm in production: it was not run.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        harm: Option<String>,
    },
    /// The interviewer answered a command of the candidate's (`typed`: the sequence number of
    /// its event), or showed a step's output on its own: `step` is the step whose output was
    /// shown, none for the plain "nothing relevant" answer; `lines` are what the candidate sees.
    Answered {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        typed: Option<i64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        step: Option<usize>,
        /// The step's title, for the interviewer.
        #[serde(default, skip_serializing_if = "String::is_empty")]
        title: String,
        lines: Vec<String>,
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

/// The longest evidence text the timeline quotes, in characters.
const QUOTED: usize = 80;

impl Happening {
    /// The kind, as stored beside the data.
    pub fn kind(&self) -> &'static str {
        match self {
            Happening::Started { .. } => "started",
            Happening::Revealed { .. } => "revealed",
            Happening::Ticked { .. } => "ticked",
            Happening::Asked { .. } => "asked",
            Happening::Noted { .. } => "noted",
            Happening::Opened { .. } => "opened",
            Happening::Typed { .. } => "typed",
            Happening::Answered { .. } => "answered",
            Happening::Ended => "ended",
        }
    }

    /// Whether the candidate may see (something of) it: reveals, opened rounds' questions,
    /// their own commands and the answers to them, and the end only.
    pub fn for_candidate(&self) -> bool {
        Self::kind_for_candidate(self.kind())
    }

    /// Whether the candidate may see (something of) happenings of this stored kind; of a
    /// command and its answer only what [`console::for_candidate`] keeps.
    pub fn kind_for_candidate(kind: &str) -> bool {
        matches!(kind, "revealed" | "opened" | "typed" | "answered" | "ended")
    }

    /// One line for the timeline, naming rubric items by their text in `rubric`.
    pub fn describe(&self, rubric: &Rubric) -> String {
        match self {
            Happening::Started { candidate } => format!("Interview with {candidate} started"),
            Happening::Revealed {
                what, index, label, ..
            } => match (what, label.is_empty()) {
                (Reveal::Evidence, false) => format!("Revealed evidence: {}", shorten(label)),
                (Reveal::Hint, false) => format!("Revealed {}", lower_first(label)),
                (Reveal::Evidence, true) => format!("Revealed evidence item {}", index + 1),
                (Reveal::Hint, true) => format!("Revealed the findings of step {}", index + 1),
            },
            Happening::Ticked { item, verdict } => {
                let text = rubric
                    .items
                    .iter()
                    .find(|i| i.id == *item)
                    .map_or(item.as_str(), |i| i.text.as_str());
                format!("Marked {}: {text}", verdict.as_str())
            }
            Happening::Asked { index, question } => {
                format!("Asked follow-up {}: {question}", index + 1)
            }
            Happening::Noted { text, round: None } => format!("Note: {text}"),
            Happening::Noted {
                text,
                round: Some(round),
            } => format!("Note on round {round}: {text}"),
            Happening::Opened { round, question } => format!("Opened round {round}: {question}"),
            Happening::Typed { .. } | Happening::Answered { .. } => console::describe(self),
            Happening::Ended => "Interview ended".to_owned(),
        }
    }
}

/// The text cut at a word boundary to at most [`QUOTED`] characters, with `…` when cut.
fn shorten(text: &str) -> String {
    let text = text.trim();
    if text.chars().count() <= QUOTED {
        return text.to_owned();
    }
    let cut: String = text.chars().take(QUOTED).collect();
    let end = cut.rfind(' ').unwrap_or(cut.len());
    format!("{}…", cut[..end].trim_end())
}

/// `Step 3` -> `step 3`, to follow a verb.
fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_lowercase().chain(chars).collect()
    })
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
    #[serde(serialize_with = "crate::utc::serialize_option")]
    pub ticked_at: Option<i64>,
    pub grader: Verdict,
}

/// One of the scenario's follow-up questions on the scorecard, and when it was first asked.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FollowUp {
    pub number: usize,
    pub question: String,
    /// Unix milliseconds.
    #[serde(serialize_with = "crate::utc::serialize_option")]
    pub asked_at: Option<i64>,
    /// `mm:ss` into the interview, when asked.
    pub elapsed: Option<String>,
}

/// A line of the timeline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimelineEntry {
    pub seq: i64,
    #[serde(serialize_with = "crate::utc::serialize")]
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
    /// `scenario` or `gauntlet`.
    pub kind: &'static str,
    /// The scenario's slug, or the gauntlet's.
    pub scenario: String,
    pub rubric_version: String,
    #[serde(serialize_with = "crate::utc::serialize")]
    pub started_at: i64,
    #[serde(serialize_with = "crate::utc::serialize_option")]
    pub ended_at: Option<i64>,
    /// Weighted share of the items the interviewer marked covered (partial counts half).
    pub score: f64,
    /// The same from the grader's verdicts on the candidate's notes, for comparison.
    pub grader_score: f64,
    pub covered: usize,
    pub total: usize,
    pub items: Vec<ScoredItem>,
    /// A gauntlet's rounds, each with its items, ticks, notes and score; none for a scenario.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rounds: Vec<RoundCard>,
    /// A gauntlet's notes on no round in particular (a scenario's are in the timeline only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<rounds::RoundNote>,
    pub follow_ups: Vec<FollowUp>,
    /// Traps the grader found in the candidate's notes.
    pub traps: Vec<String>,
    /// The candidate's commands on the console and the path score, for a scenario with an
    /// investigation path.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub investigation: Option<console::Investigation>,
    pub timeline: Vec<TimelineEntry>,
    pub candidate_notes: String,
}

/// Who, what and when, for [`Scorecard::build`].
#[derive(Debug, Clone, Copy)]
pub struct Header<'a> {
    pub candidate: &'a str,
    pub interviewer: &'a str,
    pub scenario: &'a str,
    /// The scenario's follow-up questions, as text.
    pub follow_ups: &'a [String],
    /// A gauntlet's rounds; `None` for a scenario.
    pub rounds: Option<&'a [Outline]>,
    /// The scenario's investigation path (empty for a gauntlet or a scenario without one).
    pub steps: &'a [crate::content::investigation::Step],
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
                text: e.happening.describe(rubric),
            })
            .collect();
        let follow_ups = header
            .follow_ups
            .iter()
            .enumerate()
            .map(|(i, question)| {
                let asked_at = first_asked(events, i);
                FollowUp {
                    number: i + 1,
                    question: question.clone(),
                    asked_at,
                    elapsed: asked_at.map(|at| elapsed(at - header.started_at)),
                }
            })
            .collect();
        let rounds = header
            .rounds
            .unwrap_or_default()
            .iter()
            .map(|outline| RoundCard::build(outline, &items, events, header.started_at))
            .collect();
        Self {
            candidate: header.candidate.to_owned(),
            interviewer: header.interviewer.to_owned(),
            kind: match header.rounds {
                Some(_) => "gauntlet",
                None => "scenario",
            },
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
            rounds,
            notes: match header.rounds {
                Some(_) => rounds::notes_on(events, None, header.started_at),
                None => Vec::new(),
            },
            follow_ups,
            traps: graded.traps.iter().map(|t| t.claim.clone()).collect(),
            investigation: (!header.steps.is_empty())
                .then(|| console::Investigation::build(header.steps, events, header.started_at)),
            timeline,
            candidate_notes: notes.to_owned(),
        }
    }
}

/// The interviewer's last verdict on an item, and when.
fn last_tick(events: &[Logged], id: &str) -> Option<(Verdict, i64)> {
    events.iter().rev().find_map(|e| match &e.happening {
        Happening::Ticked { item, verdict } if item == id => Some((*verdict, e.at)),
        _ => None,
    })
}

/// When the follow-up question at `index` was first asked.
pub fn first_asked(events: &[Logged], index: usize) -> Option<i64> {
    events.iter().find_map(|e| match &e.happening {
        Happening::Asked { index: i, .. } if *i == index => Some(e.at),
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
            "/tests/fixtures/content/scenarios/gitops-drift-causing-outage.md"
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
            follow_ups: &[],
            rounds: None,
            steps: &[],
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
        assert_eq!(
            card.timeline[2].text,
            format!("Marked covered: {}", rubric.items[0].text)
        );
        assert_eq!(card.candidate_notes, notes);
    }

    #[test]
    fn csv_cells_a_spreadsheet_would_run_as_formulas_get_a_quote_in_front() {
        for risky in ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"] {
            assert_eq!(spreadsheet_safe(risky), format!("'{risky}"));
        }
        for plain in ["", "a=1", "1-2", "'=1", " =1", "kubectl get hpa"] {
            assert_eq!(spreadsheet_safe(plain), plain);
        }
    }

    #[test]
    fn the_csv_has_a_row_per_item_then_per_follow_up_with_times_in_utc() {
        let rubric = rubric();
        let events = [
            logged(
                1,
                5,
                Happening::Ticked {
                    item: rubric.items[0].id.clone(),
                    verdict: Verdict::Covered,
                },
            ),
            logged(
                2,
                90_000,
                Happening::Asked {
                    index: 1,
                    question: "Why, \"exactly\"?".into(),
                },
            ),
        ];
        let graded = rubric.grade("");
        let questions = ["What first?".to_owned(), "Why, \"exactly\"?".to_owned()];
        let header = Header {
            candidate: "Sam",
            interviewer: "ivy",
            scenario: "s",
            follow_ups: &questions,
            rounds: None,
            steps: &[],
            started_at: 0,
            ended_at: None,
        };
        let card = Scorecard::build(header, &rubric, &events, "", &graded);
        let csv = card.to_csv().unwrap();
        let mut reader = csv::Reader::from_reader(csv.as_bytes());
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), rubric.items.len() + 2);
        assert_eq!(
            (&rows[0][0], &rows[0][1]),
            ("rubric item", rubric.items[0].id.as_str())
        );
        assert_eq!(&rows[0][2], rubric.items[0].text);
        assert_eq!(
            (&rows[0][4], &rows[0][5], &rows[0][6]),
            ("covered", "1970-01-01 00:00 UTC", "missed")
        );
        assert_eq!((&rows[1][4], &rows[1][5]), ("", ""));
        let asked = &rows[rubric.items.len() + 1];
        assert_eq!(
            asked.iter().collect::<Vec<_>>(),
            [
                "follow-up",
                "follow-up-2",
                "Why, \"exactly\"?",
                "",
                "asked",
                "1970-01-01 00:01 UTC",
                ""
            ]
        );
        assert_eq!(&rows[rubric.items.len()][4], "");
        assert!(csv.contains(r#""Why, ""exactly""?""#), "{csv}");
    }

    #[test]
    fn follow_ups_on_the_scorecard_carry_when_they_were_first_asked() {
        let rubric = rubric();
        let asked = |index| Happening::Asked {
            index,
            question: "Q".into(),
        };
        let events = [
            logged(1, 61_000, asked(0)),
            logged(2, 95_000, asked(0)),
            logged(3, 99_000, asked(7)),
        ];
        let questions = ["First?".to_owned(), "Second?".to_owned()];
        let header = Header {
            candidate: "Sam",
            interviewer: "ivy",
            scenario: "s",
            follow_ups: &questions,
            rounds: None,
            steps: &[],
            started_at: 1_000,
            ended_at: None,
        };
        let card = Scorecard::build(header, &rubric, &events, "", &rubric.grade(""));
        let seen: Vec<(usize, &str, Option<i64>, Option<&str>)> = card
            .follow_ups
            .iter()
            .map(|f| {
                (
                    f.number,
                    f.question.as_str(),
                    f.asked_at,
                    f.elapsed.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            seen,
            [
                (1, "First?", Some(61_000), Some("01:00")),
                (2, "Second?", None, None)
            ]
        );
        assert_eq!(card.timeline[0].text, "Asked follow-up 1: Q");
    }

    #[test]
    fn the_timeline_says_what_was_revealed_and_names_items_by_their_text() {
        let rubric = rubric();
        let long = "ArgoCD UI shows the app as OutOfSync with a diff on spec.replicas, \
                    and the HPA keeps scaling it back up to eight";
        let revealed = |what, label: &str| Happening::Revealed {
            what,
            index: 2,
            label: label.into(),
            html: "<p>x</p>".into(),
        };
        let tick = Happening::Ticked {
            item: rubric.items[1].id.clone(),
            verdict: Verdict::Partial,
        };
        let gone = Happening::Ticked {
            item: "an-item-since-removed".into(),
            verdict: Verdict::Missed,
        };
        let lines: Vec<String> = [
            revealed(Reveal::Evidence, "HPA is trying to scale to 8 replicas"),
            revealed(Reveal::Evidence, long),
            revealed(Reveal::Hint, "Step 3: Check HPA"),
            revealed(Reveal::Evidence, ""),
            revealed(Reveal::Hint, ""),
            tick,
            gone,
        ]
        .iter()
        .map(|h| h.describe(&rubric))
        .collect();
        assert_eq!(
            lines,
            [
                "Revealed evidence: HPA is trying to scale to 8 replicas".to_owned(),
                "Revealed evidence: ArgoCD UI shows the app as OutOfSync with a diff on spec.replicas, and the HPA…".to_owned(),
                "Revealed step 3: Check HPA".to_owned(),
                "Revealed evidence item 3".to_owned(),
                "Revealed the findings of step 3".to_owned(),
                format!("Marked partial: {}", rubric.items[1].text),
                "Marked missed: an-item-since-removed".to_owned(),
            ]
        );
        assert!(lines.iter().all(|l| !l.contains('`')), "{lines:?}");
    }

    #[test]
    fn the_json_scorecard_shows_every_time_in_utc() {
        let rubric = rubric();
        let events = [logged(
            1,
            120_000,
            Happening::Ticked {
                item: rubric.items[0].id.clone(),
                verdict: Verdict::Covered,
            },
        )];
        let header = Header {
            candidate: "Sam",
            interviewer: "ivy",
            scenario: "s",
            follow_ups: &["Q?".to_owned()],
            rounds: None,
            steps: &[],
            started_at: 60_000,
            ended_at: None,
        };
        let card = Scorecard::build(header, &rubric, &events, "", &rubric.grade(""));
        let json = serde_json::to_value(&card).unwrap();
        assert_eq!(json["started_at"], "1970-01-01 00:01 UTC");
        assert_eq!(json["ended_at"], serde_json::Value::Null);
        assert_eq!(json["items"][0]["ticked_at"], "1970-01-01 00:02 UTC");
        assert_eq!(json["timeline"][0]["at"], "1970-01-01 00:02 UTC");
        assert_eq!(json["timeline"][0]["elapsed"], "01:00");
        assert_eq!(json["follow_ups"][0]["asked_at"], serde_json::Value::Null);
    }

    #[test]
    fn only_reveals_opened_rounds_and_the_end_reach_the_candidate() {
        let reveal = Happening::Revealed {
            what: Reveal::Evidence,
            index: 0,
            label: "x".into(),
            html: "x".into(),
        };
        let opened = Happening::Opened {
            round: 2,
            question: "Why?".into(),
        };
        assert!(reveal.for_candidate() && opened.for_candidate());
        assert!(Happening::Ended.for_candidate());
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
                round: None,
            },
            Happening::Noted {
                text: "strong on round 2".into(),
                round: Some(2),
            },
            Happening::Asked {
                index: 0,
                question: "Why?".into(),
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
        let asked = Happening::Asked {
            index: 1,
            question: "Why?".into(),
        };
        let json = serde_json::to_string(&asked).unwrap();
        assert_eq!(json, r#"{"kind":"asked","index":1,"question":"Why?"}"#);
        assert_eq!(serde_json::from_str::<Happening>(&json).unwrap(), asked);
    }

    #[test]
    fn an_opened_round_is_stored_as_its_number_and_question_alone() {
        let opened = Happening::Opened {
            round: 3,
            question: "Why \"now\"?".into(),
        };
        let json = serde_json::to_string(&opened).unwrap();
        assert_eq!(
            json,
            r#"{"kind":"opened","round":3,"question":"Why \"now\"?"}"#
        );
        assert_eq!(serde_json::from_str::<Happening>(&json).unwrap(), opened);
        // A note stored before notes had rounds reads as a note on the whole interview.
        let old: Happening = serde_json::from_str(r#"{"kind":"noted","text":"ok"}"#).unwrap();
        assert_eq!(
            old,
            Happening::Noted {
                text: "ok".into(),
                round: None
            }
        );
        let on_round = Happening::Noted {
            text: "ok".into(),
            round: Some(1),
        };
        let json = serde_json::to_string(&on_round).unwrap();
        assert_eq!(json, r#"{"kind":"noted","text":"ok","round":1}"#);
        let rubric = rubric();
        assert_eq!(on_round.describe(&rubric), "Note on round 1: ok");
        assert_eq!(opened.describe(&rubric), "Opened round 3: Why \"now\"?");
    }

    #[test]
    fn a_reveal_stored_before_labels_still_reads() {
        let old = r#"{"kind":"revealed","what":"hint","index":2,"html":"<ul></ul>"}"#;
        let read: Happening = serde_json::from_str(old).unwrap();
        assert_eq!(
            read,
            Happening::Revealed {
                what: Reveal::Hint,
                index: 2,
                label: String::new(),
                html: "<ul></ul>".into(),
            }
        );
        assert_eq!(serde_json::to_string(&read).unwrap(), old);
    }
}
