//! The console on a scenario page: a learner types a command, the console answers with what the
//! matched step of the investigation path shows (or that nothing stands out, or that the command
//! would do harm), and the commands become part of the learner's next attempt. Works without
//! JavaScript: a form posts one command and the page shows the transcript.

use axum::extract::rejection::FormRejection;
use axum::extract::{Form, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::SignedCookieJar;
use bytes::Bytes;
use serde::Deserialize;

use crate::app::AppState;
use crate::console::score::{Typed, score};
use crate::console::{self, NOTHING};
use crate::content::Page;
use crate::content::investigation::Step;
use crate::content::meta::Reader;
use crate::error::AppError;
use crate::store::{NewCommand, TakenHint, TypedCommand};
use crate::templates::console::{ConsolePanel, Entry, PathView};
use crate::web::attempts::rejection;
use crate::web::hints;
use crate::web::identity::{Learner, Visitor};
use crate::web::limits::Client;
use crate::web::published::{Published, Stencil};
use crate::web::view;

/// The longest command the console takes, in characters.
pub const MAX_COMMAND_CHARS: usize = 500;

/// The most commands one investigation keeps; past it the console asks for an answer.
pub const MAX_COMMANDS: usize = 200;

#[derive(Debug, Deserialize)]
pub struct CommandForm {
    csrf: String,
    scenario: String,
    command: String,
}

/// POST /investigations: reads one command against the scenario's path, stores it, and shows
/// the page at its console (303).
pub async fn run(
    State(state): State<AppState>,
    visitor: Visitor,
    Client(client): Client,
    jar: SignedCookieJar,
    headers: HeaderMap,
    form: Result<Form<CommandForm>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form.map_err(rejection)?;
    visitor.check_post(&headers, &form.csrf)?;
    state.limits.submit(client)?;
    let content = state.content();
    let (page, steps) = with_path(&content, &form.scenario, visitor.reader())?;
    // One command a line: a pasted script's first line is what runs.
    let command = form.command.lines().next().unwrap_or("").trim().to_owned();
    if command.is_empty() {
        return Err(AppError::BadRequest(
            "Type a command to run: the box was empty.".to_owned(),
        ));
    }
    let chars = command.chars().count();
    if chars > MAX_COMMAND_CHARS {
        return Err(AppError::TooLarge(format!(
            "That command is {chars} characters long; the console takes up to {MAX_COMMAND_CHARS}."
        )));
    }
    let (learner, jar) = visitor.for_post(jar, &headers, &form.csrf)?;
    let so_far = match learner.fresh {
        true => 0,
        false => state
            .store
            .investigation(&learner.id, &page.slug)
            .await?
            .len(),
    };
    if so_far >= MAX_COMMANDS {
        return Err(AppError::BadRequest(format!(
            "This investigation has {MAX_COMMANDS} commands: submit your answer to start a new one."
        )));
    }
    let reading = console::read(steps, &command);
    state
        .store
        .type_command(NewCommand {
            learner: learner.id.clone(),
            scenario: page.slug.clone(),
            command,
            step: reading.step.map(|s| s as i64),
            harm: reading.harm.map(str::to_owned),
            at: view::now_ms(),
        })
        .await?;
    Ok((jar, Redirect::to(&format!("{}#console", page.url))).into_response())
}

/// The scenario `slug` as `reader` may see it, and its investigation path: 404 for a scenario
/// they may not see, or one without a path (no console, no hints).
pub fn with_path<'c>(
    content: &'c Published,
    slug: &str,
    reader: Reader,
) -> Result<(&'c Page, &'c [Step]), AppError> {
    let (page, _, _) = content
        .scenario_for(slug, reader)
        .ok_or(AppError::NotFound)?;
    match page.steps() {
        [] => Err(AppError::NotFound),
        steps => Ok((page, steps)),
    }
}

/// What the console says to a typed command.
pub fn output(page: &Page, typed: &TypedCommand) -> Vec<String> {
    let shows = typed
        .step
        .and_then(|s| page.scenario.as_ref()?.investigation.get(s as usize))
        .map(|step| step.shows.clone())
        .unwrap_or_default();
    match (typed.step, shows.is_empty()) {
        (Some(_), false) => shows,
        (Some(_), true) => {
            vec![
                "The command runs; what it shows is what this step of the investigation looks at."
                    .to_owned(),
            ]
        }
        (None, _) => vec![NOTHING.to_owned()],
    }
}

/// The console panel for the learner, rendered: `None` for a scenario without a path. A
/// learner with nothing under way (the usual case) gets the page's pre-rendered empty console,
/// `empty`, with their form token filled in.
pub async fn panel(
    state: &AppState,
    page: &Page,
    learner: &Learner,
    empty: Option<&Stencil>,
) -> Result<Option<Bytes>, AppError> {
    if page.steps().is_empty() {
        return Ok(None);
    }
    let (typed, taken) = match learner.fresh {
        true => (Vec::new(), Vec::new()),
        false => {
            state
                .store
                .investigation_and_hints(&learner.id, &page.slug)
                .await?
        }
    };
    if let Some(empty) = empty.filter(|_| typed.is_empty() && taken.is_empty()) {
        return Ok(Some(empty.fill(&learner.csrf, 0)));
    }
    Ok(Some(render(page, &learner.csrf, &typed, &taken)?.into()))
}

/// The console panel with these commands and hints, for a learner with this form token.
pub fn render(
    page: &Page,
    csrf: &str,
    typed: &[TypedCommand],
    taken: &[TakenHint],
) -> askama::Result<String> {
    let steps = page.steps();
    let entries = typed
        .iter()
        .map(|t| Entry {
            command: t.command.clone(),
            harm: t.harm.clone(),
            output: output(page, t),
        })
        .collect();
    let panel = ConsolePanel {
        csrf,
        slug: &page.slug,
        entries,
        max_chars: MAX_COMMAND_CHARS,
        hints: hints::said(steps, taken),
        hint_offer: hints::next(steps, typed, taken).map(hints::offer),
        hint_cost: u32::from(page.meta.hint_cost()),
        hint_penalty: hints::points(taken.iter().map(|h| h.cost).sum()),
    };
    askama::Template::render(&panel)
}

/// An attempt's commands scored against the path, for the attempt page.
pub fn path_view(steps: &[Step], typed: &[TypedCommand]) -> PathView {
    let read: Vec<Typed<'_>> = typed
        .iter()
        .map(|t| Typed {
            command: &t.command,
            step: t.step.map(|s| s as usize),
            harm: t.harm.as_deref(),
        })
        .collect();
    let scored = score(steps, &read);
    PathView {
        steps: steps
            .iter()
            .zip(&scored.reached)
            .map(|(s, r)| (s.title.clone(), *r))
            .collect(),
        percent: view::percent(scored.share),
        reached: scored.reached.iter().filter(|r| r.is_some()).count(),
        diagnosed_first: scored.diagnosed_first,
        unhelpful: scored.unhelpful,
        harmful: scored.harmful,
        commands: read
            .iter()
            .map(|t| (t.command.to_owned(), t.step.map(|s| s + 1)))
            .collect(),
    }
}
