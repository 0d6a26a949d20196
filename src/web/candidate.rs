//! The candidate's side of a live mock incident, reached only through the unguessable link
//! the interviewer sends: the prompt, the initial report and the constraints, the evidence the
//! interviewer has revealed (pushed live), and a notes box saved as they type. Of a gauntlet:
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
use crate::interviews::Happening;
use crate::store::{Interview, InterviewKind};
use crate::templates::live_gauntlets::{CandidateGauntletPage, QuestionView};
use crate::templates::{self, interviews as views};
use crate::web::attempts::rejection;
use crate::web::identity::{is_hex, same_site, token_hash};
use crate::web::interviews::{notes_frames, notes_grade_row};
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
    let events = state.store.events(interview.id, 0).await?;
    let revealed = events
        .iter()
        .filter_map(|e| match serde_json::from_str(&e.data) {
            Ok(Happening::Revealed { html, .. }) => Some(html),
            _ => None,
        })
        .collect();
    let view = views::CandidatePage {
        layout: templates::Layout::default(),
        title: page.short_title(),
        candidate: &interview.candidate,
        token: &token,
        sections,
        revealed,
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
