//! The candidate's console on the interviewer's console: the commands as they arrive, each
//! with the step of the path it matched and that step's output, and the answers: a step's
//! output shown (for a command, or on its own) or the plain "nothing relevant".

use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;

use super::{action, done, happenings, record};
use crate::app::AppState;
use crate::console::NOTHING;
use crate::content::Page;
use crate::content::investigation::Step;
use crate::error::AppError;
use crate::interviews::console::{Entry, commands_typed, shown_steps, transcript};
use crate::interviews::{Happening, Logged};
use crate::store::{Interview, InterviewKind, TypedCommand};
use crate::templates::live_console::{CommandView, InterviewCommands, StepOutputView};
use crate::web::attempts::rejection;
use crate::web::identity::Visitor;
use crate::web::investigate;

/// The investigation path of the interview's scenario: none for a gauntlet, or a scenario
/// without one.
pub(crate) fn path_of<'p>(page: &'p Page, interview: &Interview) -> &'p [Step] {
    match interview.kind {
        InterviewKind::Scenario => page.steps(),
        InterviewKind::Gauntlet => &[],
    }
}

/// What showing step `index` gives the candidate: what the learner's console shows for it.
pub(crate) fn output_of(page: &Page, index: usize) -> Vec<String> {
    let typed = TypedCommand {
        command: String::new(),
        step: i64::try_from(index).ok(),
        harm: None,
        at: 0,
    };
    investigate::output(page, &typed)
}

/// `Step 3: Check HPA`.
fn label(steps: &[Step], index: usize) -> String {
    match steps.get(index).map(|s| s.title.trim()) {
        None | Some("") => format!("Step {}", index + 1),
        Some(title) => format!("Step {}: {title}", index + 1),
    }
}

/// The candidate's console on the interviewer's console, rendered; `None` without a path.
pub(super) fn panel(
    page: &Page,
    interview: &Interview,
    events: &[Logged],
    csrf: &str,
) -> Result<Option<String>, AppError> {
    let steps = path_of(page, interview);
    if steps.is_empty() {
        return Ok(None);
    }
    let entries = transcript(events);
    let shown = shown_steps(&entries);
    let view = InterviewCommands {
        public_id: &interview.public_id,
        csrf,
        ended: interview.ended_at.is_some(),
        commands: entries.iter().map(|e| command_view(steps, e)).collect(),
        steps: (0..steps.len())
            .map(|i| StepOutputView {
                index: i,
                label: label(steps, i),
                output: output_of(page, i),
                shown: shown.contains(&i),
            })
            .collect(),
    };
    Ok(Some(askama::Template::render(&view)?))
}

fn command_view(steps: &[Step], e: &Entry) -> CommandView {
    let step = match e.command {
        Some(_) => e.step,
        None => e.answer.as_ref().and_then(|a| a.step),
    };
    CommandView {
        seq: e.seq,
        command: e.command.clone(),
        step,
        step_label: step.map_or_else(String::new, |s| label(steps, s)),
        output: e.output.clone(),
        harm: e.harm.clone(),
        answer: e
            .answer
            .as_ref()
            .filter(|_| e.command.is_some())
            .map(|a| match a.step {
                Some(s) => format!("Output of step {} shown", s + 1),
                None => "Answered: nothing relevant".to_owned(),
            }),
    }
}

#[derive(Debug, Deserialize)]
pub struct OutputForm {
    csrf: String,
    /// The command answered: the sequence number of its event; none to show a step's output
    /// on its own.
    #[serde(default)]
    typed: Option<i64>,
    /// The step whose output to show; none (with a command) for "nothing relevant".
    #[serde(default)]
    step: Option<usize>,
}

/// POST /interviews/{id}/outputs: shows the candidate a step's output, in answer to one of
/// their commands or on its own, or answers a command with "nothing relevant". Answering a
/// command again, or showing a step already shown, changes nothing.
pub async fn show_output(
    State(state): State<AppState>,
    visitor: Visitor,
    headers: HeaderMap,
    Path(id): Path<String>,
    form: Result<Form<OutputForm>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form.map_err(rejection)?;
    let interview = action(&state, &visitor, &headers, &id, &form.csrf).await?;
    if interview.ended_at.is_some() {
        return Err(AppError::Conflict(
            "This interview has ended, so nothing more can be shown to the candidate.".to_owned(),
        ));
    }
    let content = state.content();
    let (page, _, _) = content
        .scenario(&interview.scenario)
        .filter(|_| interview.kind == InterviewKind::Scenario)
        .ok_or(AppError::NotFound)?;
    let steps = path_of(page, &interview);
    if form.step.is_some_and(|s| s >= steps.len()) || steps.is_empty() {
        return Err(AppError::NotFound);
    }
    let entries = transcript(&happenings(&state, &interview).await?);
    let anchor = match form.typed {
        Some(seq) => format!("#command-{seq}"),
        None => format!("#path-step-{}", form.step.unwrap_or(0)),
    };
    if answerable(&entries, form.typed, form.step)? {
        let happening = answer(page, form.typed, form.step);
        record(&state, &interview, &happening).await?;
    }
    Ok(done(&headers, &id, &anchor))
}

/// Whether the command (by its event's number) or the step shown on its own still waits for
/// the interviewer; refused for a command that is not one or was not run, or for neither.
fn answerable(
    entries: &[Entry],
    typed: Option<i64>,
    step: Option<usize>,
) -> Result<bool, AppError> {
    match (typed, step) {
        (Some(seq), _) => {
            let entry = entries
                .iter()
                .find(|e| e.seq == seq && e.command.is_some())
                .ok_or(AppError::NotFound)?;
            if entry.harm.is_some() {
                return Err(AppError::Conflict(
                    "That command was not run: the candidate has been told it would do harm."
                        .to_owned(),
                ));
            }
            Ok(entry.answer.is_none())
        }
        (None, Some(step)) => Ok(!shown_steps(entries).contains(&step)),
        (None, None) => Err(AppError::BadRequest(
            "Choose a command to answer or a step whose output to show.".to_owned(),
        )),
    }
}

/// The answer: the step's output, or the plain "nothing relevant".
fn answer(page: &Page, typed: Option<i64>, step: Option<usize>) -> Happening {
    let steps = page.scenario.as_ref().map_or(&[][..], |s| &s.investigation);
    Happening::Answered {
        typed,
        step,
        title: step
            .and_then(|s| steps.get(s))
            .map(|s| s.title.clone())
            .unwrap_or_default(),
        lines: match step {
            Some(s) => output_of(page, s),
            None => vec![NOTHING.to_owned()],
        },
    }
}

/// A command the candidate typed, as the matcher reads it against the path.
pub(crate) fn typed(page: &Page, steps: &[Step], command: String) -> Happening {
    let reading = crate::console::read(steps, &command);
    let step = reading.step.filter(|s| *s < steps.len());
    Happening::Typed {
        command,
        step,
        title: step.map(|s| steps[s].title.clone()).unwrap_or_default(),
        output: step.map(|s| output_of(page, s)).unwrap_or_default(),
        harm: reading.harm.map(str::to_owned),
    }
}

/// How many commands the candidate has typed in the interview.
pub(crate) async fn typed_so_far(
    state: &AppState,
    interview: &Interview,
) -> Result<usize, AppError> {
    Ok(commands_typed(&transcript(
        &happenings(state, interview).await?,
    )))
}
