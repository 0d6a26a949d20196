//! The candidate's side of a live mock incident, reached only through the unguessable link
//! the interviewer sends: the prompt, the initial report and the constraints, the evidence the
//! interviewer has revealed (pushed live), a console where they run commands (the interviewer
//! answers each; the candidate sees their commands and what they are shown, never what a
//! command matched), and a notes box saved as they type. Of a gauntlet:
//! its title and the questions of the rounds opened so far (pushed live as each opens). Nothing
//! here reads a hidden section of the scenario or anything of a gauntlet's rounds but what the
//! stored events hold, and the link stops working when the interview ends.

use std::sync::Arc;

use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::app::AppState;
use crate::content::section::SectionRole;
use crate::error::AppError;
use crate::interviews::console::transcript;
use crate::interviews::{Happening, Logged};
use crate::store::{Interview, InterviewKind};
use crate::templates::live_console::{CandidateConsole, CandidateEntry};
use crate::templates::live_gauntlets::{CandidateGauntletPage, QuestionView};
use crate::templates::{self, interviews as views};
use crate::web::attempts::rejection;
use crate::web::identity::{is_hex, same_site, token_hash};
use crate::web::interviews::commands::{path_of, typed, typed_so_far};
use crate::web::interviews::{happenings, notes_frames, notes_grade_row};
use crate::web::investigate::{MAX_COMMAND_CHARS, MAX_COMMANDS};
use crate::web::limits::Client;
use crate::web::live::{self, Audience, Subscription};
use crate::web::view;

/// The longest notes a candidate may keep, in characters.
pub const MAX_NOTES: usize = 20_000;

/// The sections a candidate may read from the start.
const OPEN_SECTIONS: [SectionRole; 3] = [
    SectionRole::Prompt,
    SectionRole::InitialReport,
    SectionRole::Constraints,
];

/// The interview a candidate token opens, if any (a malformed token opens nothing).
async fn by_token(state: &AppState, token: &str) -> Result<Interview, AppError> {
    if !is_hex(token, 64) {
        return Err(AppError::NotFound);
    }
    state
        .store
        .interview_by_token(&token_hash(token))
        .await?
        .ok_or(AppError::NotFound)
}

/// Candidate pages are never cached, nor is their address sent onwards.
fn private(response: Response) -> Response {
    let no_referrer = [(header::REFERRER_POLICY, "no-referrer")];
    (no_referrer, view::no_store(response)).into_response()
}

/// GET /i/{token}: the candidate's view, or a polite page once the interview is over.
pub async fn page(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let interview = by_token(&state, &token).await?;
    if interview.ended_at.is_some() {
        let page = views::ClosedPage {
            layout: templates::Layout::default(),
            candidate: &interview.candidate,
        };
        return Ok(private(
            (StatusCode::GONE, templates::page(&page)).into_response(),
        ));
    }
    if interview.kind == InterviewKind::Gauntlet {
        return gauntlet_page(&state, &interview, &token).await;
    }
    let content = state.content();
    let (page, _, _) = content
        .scenario(&interview.scenario)
        .ok_or(AppError::NotFound)?;
    let sections = page
        .sections
        .iter()
        .filter(|s| OPEN_SECTIONS.contains(&s.role))
        .map(|s| views::OpenSection {
            heading: s.heading.clone(),
            html: s.html.clone(),
        })
        .collect();
    let events = happenings(&state, &interview).await?;
    let revealed = events
        .iter()
        .filter_map(|e| match &e.happening {
            Happening::Revealed { html, .. } => Some(html.clone()),
            _ => None,
        })
        .collect();
    let console = match path_of(page, &interview).is_empty() {
        true => None,
        false => Some(console_panel(&token, &events)?),
    };
    let view = views::CandidatePage {
        layout: templates::Layout::default(),
        title: page.short_title(),
        candidate: &interview.candidate,
        token: &token,
        sections,
        revealed,
        console,
        notes: &interview.candidate_notes,
        last_seq: interview.last_seq,
        max_notes: MAX_NOTES,
    };
    Ok(private(templates::page(&view)))
}

/// The candidate's view of a gauntlet's interview: its title and the opened rounds' questions,
/// as the stored events hold them.
async fn gauntlet_page(
    state: &AppState,
    interview: &Interview,
    token: &str,
) -> Result<Response, AppError> {
    let content = state.content();
    let (page, _) = content
        .gauntlet_live(&interview.scenario)
        .ok_or(AppError::NotFound)?;
    let events = state.store.events(interview.id, 0).await?;
    let mut questions: Vec<QuestionView> = Vec::new();
    for event in &events {
        // Each round once, should two consoles have opened it at the same moment.
        if let Ok(Happening::Opened { round, question }) = serde_json::from_str(&event.data)
            && !questions.iter().any(|q| q.round == round)
        {
            questions.push(QuestionView { round, question });
        }
    }
    let view = CandidateGauntletPage {
        layout: templates::Layout::default(),
        title: page.short_title(),
        candidate: &interview.candidate,
        token,
        questions,
        notes: &interview.candidate_notes,
        last_seq: interview.last_seq,
        max_notes: MAX_NOTES,
    };
    Ok(private(templates::page(&view)))
}

#[derive(Debug, Deserialize)]
pub struct AfterQuery {
    after: Option<i64>,
}

/// GET /i/{token}/events: reveals and the end, live.
pub async fn events(
    State(state): State<AppState>,
    Client(client): Client,
    headers: HeaderMap,
    Path(token): Path<String>,
    Query(query): Query<AfterQuery>,
) -> Result<Response, AppError> {
    let interview = by_token(&state, &token).await?;
    if interview.ended_at.is_some() {
        return Err(AppError::Gone);
    }
    let sub = Subscription {
        interview: interview.id,
        after: live::resume_from(&headers, query.after),
        client,
        audience: Audience::Candidate,
        opening: Vec::new(),
    };
    let stream = live::stream(state.store.clone(), Arc::clone(&state.live), sub).await?;
    Ok(private(stream))
}

#[derive(Debug, Deserialize)]
pub struct NotesForm {
    text: String,
}

/// POST /i/{token}/notes: saves the candidate's notes with the grader's verdicts on them (graded
/// here, once per save, on the grading pool) and shows both to the interviewer. Saves are
/// limited per interview. The token in the address is the credential; posts from other sites
/// are refused.
pub async fn save_notes(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(token): Path<String>,
    form: Result<Form<NotesForm>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form.map_err(rejection)?;
    if !same_site(&headers, state.sessions.https) {
        return Err(AppError::Forbidden(
            "This form was sent from another site, so it was refused.",
        ));
    }
    let interview = by_token(&state, &token).await?;
    if interview.ended_at.is_some() {
        return Err(AppError::Gone);
    }
    state.limits.notes(interview.id)?;
    let chars = form.text.chars().count();
    if chars > MAX_NOTES {
        return Err(AppError::TooLarge(format!(
            "Your notes are {chars} characters long; the limit is {MAX_NOTES}."
        )));
    }
    let text = form.text.replace("\r\n", "\n");
    let content = state.content();
    let (kind, slug) = (interview.kind, &interview.scenario);
    let graded = match content.interview_rubric(kind, slug) {
        Some(rubric) => {
            let grade = state
                .grader
                .grade_interview(&content, kind, slug, text.clone());
            grade.await?.map(|g| (g, rubric))
        }
        None => None,
    };
    let row = match &graded {
        Some((grade, rubric)) => Some(notes_grade_row(grade, rubric)?),
        None => None,
    };
    let at = view::now_ms();
    let store = &state.store;
    if !store
        .save_candidate_notes(interview.id, &text, at, row)
        .await?
    {
        return Err(AppError::Gone);
    }
    if let Some((grade, _)) = &graded {
        for frame in notes_frames(grade, &text, Some(at)) {
            state.live.publish(interview.id, frame);
        }
    }
    Ok(private(view::changed(
        &headers,
        &format!("/i/{token}#notes"),
    )))
}

/// The candidate's console, rendered: their commands, each with the output the interviewer
/// showed, or waiting for them, or not run; and output shown on its own.
fn console_panel(token: &str, events: &[Logged]) -> Result<String, AppError> {
    let entries = transcript(events)
        .into_iter()
        .map(|e| CandidateEntry {
            seq: e.seq,
            command: e.command,
            harm: e.harm,
            lines: e.answer.map(|a| a.lines),
        })
        .collect();
    let panel = CandidateConsole {
        token,
        entries,
        max_chars: MAX_COMMAND_CHARS,
    };
    Ok(askama::Template::render(&panel)?)
}

#[derive(Debug, Deserialize)]
pub struct CommandForm {
    command: String,
}

/// POST /i/{token}/commands: runs one command on the candidate's console. The matcher reads it
/// against the path and it is stored as the interview's (never as a learner's investigation),
/// then sent to the interviewer; the candidate sees it wait for their answer. The token in the
/// address is the credential; posts from other sites are refused.
pub async fn command(
    State(state): State<AppState>,
    Client(client): Client,
    headers: HeaderMap,
    Path(token): Path<String>,
    form: Result<Form<CommandForm>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form.map_err(rejection)?;
    if !same_site(&headers, state.sessions.https) {
        return Err(AppError::Forbidden(
            "This form was sent from another site, so it was refused.",
        ));
    }
    let interview = by_token(&state, &token).await?;
    if interview.ended_at.is_some() {
        return Err(AppError::Gone);
    }
    let content = state.content();
    let (page, _, _) = content
        .scenario(&interview.scenario)
        .ok_or(AppError::NotFound)?;
    let steps = path_of(page, &interview);
    if steps.is_empty() {
        return Err(AppError::NotFound);
    }
    state.limits.submit(client)?;
    let command = one_command(&form.command)?;
    if typed_so_far(&state, &interview).await? >= MAX_COMMANDS {
        return Err(AppError::BadRequest(format!(
            "This interview has {MAX_COMMANDS} commands, the most it keeps: tell your interviewer what you would run next."
        )));
    }
    let happening = typed(page, steps, command);
    crate::web::interviews::record(&state, &interview, &happening).await?;
    Ok(private(view::changed(
        &headers,
        &format!("/i/{token}#interview-console"),
    )))
}

/// The command on the first line, trimmed: refused when empty or longer than the console
/// takes.
fn one_command(typed: &str) -> Result<String, AppError> {
    let command = typed.lines().next().unwrap_or("").trim();
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
    Ok(command.to_owned())
}
