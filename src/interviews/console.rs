//! The console of a scenario's interview, without I/O: the candidate's commands with the
//! interviewer's answers, what the candidate may see of them (their commands and what the
//! interviewer showed, never the step a command matched), and the investigation on the
//! scorecard, scored as a learner's attempt is ([`crate::console::score`]).

use std::borrow::Cow;
use std::collections::BTreeSet;

use serde::Serialize;

use super::{Happening, Logged, elapsed};
use crate::console::score::{Typed, score};
use crate::content::investigation::Step;

/// One entry of the console's transcript: a command the candidate typed, or a step's output
/// the interviewer showed on its own.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The sequence number of the event that made it: the command's, or the shown output's.
    pub seq: i64,
    /// Unix milliseconds.
    pub at: i64,
    /// The command typed; `None` for output shown on its own.
    pub command: Option<String>,
    /// The step the command matched (from 0).
    pub step: Option<usize>,
    /// The matched step's title.
    pub title: String,
    /// What the matched step shows: the interviewer's to reveal.
    pub output: Vec<String>,
    /// Why the command would do harm in production: it was not run.
    pub harm: Option<String>,
    /// What the interviewer showed in answer; `None` while unanswered.
    pub answer: Option<Answer>,
}

/// What the interviewer showed the candidate.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    /// The step whose output was shown; `None`: the plain "nothing relevant" answer.
    pub step: Option<usize>,
    pub title: String,
    pub lines: Vec<String>,
}

impl Entry {
    /// Whether it still waits for the interviewer: a command that was run and not answered.
    pub fn waiting(&self) -> bool {
        self.command.is_some() && self.harm.is_none() && self.answer.is_none()
    }
}

/// The console's transcript, in order, from the interview's happenings.
pub fn transcript(events: &[Logged]) -> Vec<Entry> {
    let mut entries: Vec<Entry> = Vec::new();
    for e in events {
        match &e.happening {
            Happening::Typed {
                command,
                step,
                title,
                output,
                harm,
            } => entries.push(Entry {
                seq: e.seq,
                at: e.at,
                command: Some(command.clone()),
                step: *step,
                title: title.clone(),
                output: output.clone(),
                harm: harm.clone(),
                answer: None,
            }),
            Happening::Answered {
                typed,
                step,
                title,
                lines,
            } => {
                let answer = Answer {
                    step: *step,
                    title: title.clone(),
                    lines: lines.clone(),
                };
                match typed {
                    // The first answer to a command is the one the candidate got.
                    Some(seq) => {
                        if let Some(entry) = entries
                            .iter_mut()
                            .find(|x| x.seq == *seq && x.command.is_some())
                            .filter(|x| x.answer.is_none())
                        {
                            entry.answer = Some(answer);
                        }
                    }
                    None => entries.push(Entry {
                        seq: e.seq,
                        at: e.at,
                        command: None,
                        step: *step,
                        title: title.clone(),
                        output: lines.clone(),
                        harm: None,
                        answer: Some(answer),
                    }),
                }
            }
            _ => {}
        }
    }
    entries
}

/// The steps whose output the candidate has been shown, in answer to a command or on its own.
pub fn shown_steps(entries: &[Entry]) -> BTreeSet<usize> {
    entries
        .iter()
        .filter_map(|e| e.answer.as_ref()?.step)
        .collect()
}

/// How many commands the candidate has typed.
pub fn commands_typed(entries: &[Entry]) -> usize {
    entries.iter().filter(|e| e.command.is_some()).count()
}

/// What the candidate may see of a stored event (`kind`, `data` as stored): `None` for what
/// is the interviewer's alone; of a command only the command and why it was not run, of an
/// answer only which command it answers and the lines shown; anything else the candidate may
/// see, as it is.
pub fn for_candidate<'a>(kind: &str, data: &'a str) -> Option<Cow<'a, str>> {
    if !Happening::kind_for_candidate(kind) {
        return None;
    }
    let happening = match kind {
        "typed" | "answered" => serde_json::from_str::<Happening>(data).ok()?,
        _ => return Some(Cow::Borrowed(data)),
    };
    let own = match happening {
        Happening::Typed { command, harm, .. } => {
            serde_json::json!({ "kind": "typed", "command": command, "harm": harm })
        }
        Happening::Answered { typed, lines, .. } => {
            serde_json::json!({ "kind": "answered", "typed": typed, "lines": lines })
        }
        _ => return None,
    };
    Some(Cow::Owned(own.to_string()))
}

/// The timeline's line for a command or an answer.
pub(super) fn describe(happening: &Happening) -> String {
    let step = |n: usize, title: &str| match title.trim() {
        "" => format!("step {}", n + 1),
        title => format!("step {}: {title}", n + 1),
    };
    match happening {
        Happening::Typed {
            command,
            step: Some(s),
            title,
            ..
        } => format!("Candidate ran {command} ({})", step(*s, title)),
        Happening::Typed {
            command,
            harm: Some(harm),
            ..
        } => format!("Candidate ran {command} (harmful, not run: it {harm})"),
        Happening::Typed { command, .. } => {
            format!("Candidate ran {command} (nothing on the path)")
        }
        Happening::Answered {
            typed,
            step: Some(s),
            title,
            ..
        } => match typed {
            Some(_) => format!("Answered with the output of {}", step(*s, title)),
            None => format!("Showed the output of {}", step(*s, title)),
        },
        Happening::Answered { .. } => "Answered: nothing relevant".to_owned(),
        other => other.kind().to_owned(),
    }
}

/// The candidate's investigation on the scorecard: their commands, and the path score a
/// learner's attempt page shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Investigation {
    /// Steps of the path a command reached.
    pub reached: usize,
    /// Steps on the path.
    pub steps: usize,
    /// `reached` over `steps`, 0 to 1.
    pub share: f64,
    /// Whether a diagnosis step came before the first fix step reached; `null` when no fix
    /// step was reached or the path labels none.
    pub diagnosed_first: Option<bool>,
    /// Commands that reached no step and did no harm.
    pub unhelpful: usize,
    /// Commands that would have done harm.
    pub harmful: usize,
    pub path: Vec<PathStep>,
    pub commands: Vec<CommandCard>,
}

/// A step of the path on the scorecard.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PathStep {
    pub number: usize,
    pub title: String,
    /// The number of the first command that reached it.
    pub reached_by: Option<usize>,
}

/// A command of the candidate's on the scorecard.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CommandCard {
    /// From 1, in the order typed.
    pub number: usize,
    #[serde(serialize_with = "crate::utc::serialize")]
    pub at: i64,
    /// `mm:ss` into the interview.
    pub elapsed: String,
    pub command: String,
    /// The step it matched, numbered from 1.
    pub step: Option<usize>,
    pub step_title: Option<String>,
    pub harm: Option<String>,
    /// What the interviewer answered: `output of step N`, `nothing relevant`, or `null`.
    pub answer: Option<String>,
}

impl Investigation {
    /// The commands in `events` scored against `steps`.
    pub fn build(steps: &[Step], events: &[Logged], started_at: i64) -> Self {
        let entries = transcript(events);
        let typed: Vec<&Entry> = entries.iter().filter(|e| e.command.is_some()).collect();
        let read: Vec<Typed<'_>> = typed
            .iter()
            .map(|e| Typed {
                command: e.command.as_deref().unwrap_or(""),
                step: e.step,
                harm: e.harm.as_deref(),
            })
            .collect();
        let scored = score(steps, &read);
        let commands = typed
            .iter()
            .enumerate()
            .map(|(n, e)| CommandCard {
                number: n + 1,
                at: e.at,
                elapsed: elapsed(e.at - started_at),
                command: e.command.clone().unwrap_or_default(),
                step: e.step.map(|s| s + 1),
                step_title: e.step.map(|_| e.title.clone()),
                harm: e.harm.clone(),
                answer: e.answer.as_ref().map(|a| match a.step {
                    Some(s) => format!("output of step {}", s + 1),
                    None => "nothing relevant".to_owned(),
                }),
            })
            .collect();
        Self {
            reached: scored.reached.iter().filter(|r| r.is_some()).count(),
            steps: steps.len(),
            share: scored.share,
            diagnosed_first: scored.diagnosed_first,
            unhelpful: scored.unhelpful,
            harmful: scored.harmful.len(),
            path: steps
                .iter()
                .zip(&scored.reached)
                .enumerate()
                .map(|(i, (s, r))| PathStep {
                    number: i + 1,
                    title: s.title.clone(),
                    reached_by: *r,
                })
                .collect(),
            commands,
        }
    }

    /// Steps reached, in percent of the path.
    pub fn percent(&self) -> u32 {
        (self.share.clamp(0.0, 1.0) * 100.0).round() as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn logged(seq: i64, happening: Happening) -> Logged {
        Logged {
            seq,
            at: seq * 1_000,
            happening,
        }
    }

    fn typed(command: &str, step: Option<usize>, harm: Option<&str>) -> Happening {
        Happening::Typed {
            command: command.into(),
            step,
            title: step.map_or(String::new(), |s| format!("Secret title {s}")),
            output: step.map_or(Vec::new(), |s| vec![format!("secret output {s}")]),
            harm: harm.map(Into::into),
        }
    }

    fn answered(typed: Option<i64>, step: Option<usize>) -> Happening {
        Happening::Answered {
            typed,
            step,
            title: step.map_or(String::new(), |s| format!("Secret title {s}")),
            lines: vec![step.map_or("nothing".to_owned(), |s| format!("secret output {s}"))],
        }
    }

    #[test]
    fn the_transcript_pairs_each_command_with_its_first_answer() {
        let events = [
            logged(2, typed("argocd app diff x", Some(1), None)),
            logged(3, typed("ls", None, None)),
            logged(4, typed("rm -rf /", None, Some("deletes data"))),
            logged(5, answered(Some(2), Some(1))),
            logged(6, answered(Some(2), None)),
            logged(7, answered(None, Some(3))),
        ];
        let entries = transcript(&events);
        assert_eq!(entries.len(), 4);
        assert_eq!(entries[0].answer.as_ref().unwrap().step, Some(1));
        assert!(entries[1].waiting() && !entries[2].waiting());
        assert_eq!(entries[3].command, None);
        assert_eq!(entries[3].output, ["secret output 3"]);
        assert_eq!(shown_steps(&entries), BTreeSet::from([1, 3]));
        assert_eq!(commands_typed(&entries), 3);
    }

    #[test]
    fn the_candidate_gets_their_command_and_what_was_shown_never_the_step() {
        for (happening, want) in [
            (
                typed("argocd app diff x", Some(1), None),
                r#"{"command":"argocd app diff x","harm":null,"kind":"typed"}"#,
            ),
            (
                typed("rm -rf /", None, Some("deletes data")),
                r#"{"command":"rm -rf /","harm":"deletes data","kind":"typed"}"#,
            ),
            (
                answered(Some(2), Some(1)),
                r#"{"kind":"answered","lines":["secret output 1"],"typed":2}"#,
            ),
        ] {
            let data = serde_json::to_string(&happening).unwrap();
            let seen = for_candidate(happening.kind(), &data).unwrap();
            assert_eq!(seen, want);
            assert!(!seen.contains("Secret title") && !seen.contains("step"));
        }
        let note = r#"{"kind":"noted","text":"weak"}"#;
        assert_eq!(for_candidate("noted", note), None);
        let reveal = r#"{"kind":"revealed","what":"evidence","index":0,"html":"x"}"#;
        assert_eq!(for_candidate("revealed", reveal).as_deref(), Some(reveal));
        assert_eq!(for_candidate("typed", "not json"), None);
    }

    #[test]
    fn the_scorecard_scores_the_commands_as_an_attempt_page_does() {
        let steps: Vec<Step> = ["Look", "Look closer", "Fix"]
            .iter()
            .map(|t| Step {
                title: (*t).into(),
                label: (*t == "Fix").then(|| "IMMEDIATE FIX".into()),
                ..Step::default()
            })
            .collect();
        let events = [
            logged(2, typed("ls", None, None)),
            logged(3, typed("kubectl get hpa", Some(0), None)),
            logged(
                4,
                typed(
                    "kubectl delete pod x",
                    None,
                    Some("deletes a live resource"),
                ),
            ),
            logged(5, typed("argocd app set", Some(2), None)),
            logged(6, answered(Some(3), Some(0))),
            logged(7, answered(Some(2), None)),
        ];
        let card = Investigation::build(&steps, &events, 1_000);
        assert_eq!((card.reached, card.steps, card.percent()), (2, 3, 67));
        assert_eq!(card.diagnosed_first, Some(true));
        assert_eq!((card.unhelpful, card.harmful), (1, 1));
        assert_eq!(card.path[0].reached_by, Some(2));
        assert_eq!(card.path[1].reached_by, None);
        let c = &card.commands;
        assert_eq!(c[1].step, Some(1));
        assert_eq!(c[1].answer.as_deref(), Some("output of step 1"));
        assert_eq!(c[0].answer.as_deref(), Some("nothing relevant"));
        assert_eq!(c[2].harm.as_deref(), Some("deletes a live resource"));
        assert_eq!(c[3].elapsed, "00:04");
    }
}
