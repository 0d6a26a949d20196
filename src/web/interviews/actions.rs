//! The console's actions on any interview: tick a rubric item, note something, end it.

use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{MAX_NOTE, action, done, record, rounds};
use crate::app::AppState;
use crate::error::AppError;
use crate::interviews::Happening;
use crate::store::InterviewKind;
use crate::web::attempts::rejection;
use crate::web::identity::Visitor;
use crate::web::view;

#[derive(Debug, Deserialize)]
pub struct TickForm {
    csrf: String,
    item: String,
    verdict: String,
}

/// POST /interviews/{id}/ticks: the interviewer's verdict on a rubric item, timestamped.
pub async fn tick(
    State(state): State<AppState>,
    visitor: Visitor,
    headers: HeaderMap,
    Path(id): Path<String>,
    form: Result<Form<TickForm>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form.map_err(rejection)?;
    let interview = action(&state, &visitor, &headers, &id, &form.csrf).await?;
    let verdict = view::human_verdict(&form.verdict)?;
    let content = state.content();
    let rubric = content
        .interview_rubric(interview.kind, &interview.scenario)
        .ok_or(AppError::NotFound)?;
    if !rubric.items.iter().any(|i| i.id == form.item) {
        return Err(AppError::NotFound);
    }
    if interview.kind == InterviewKind::Gauntlet {
        rounds::check_item_open(&state, &content, &interview, &form.item).await?;
    }
    let happening = Happening::Ticked {
        item: form.item.clone(),
        verdict,
    };
    record(&state, &interview, &happening).await?;
    Ok(done(&headers, &id, &format!("#tick-{}", form.item)))
}

#[derive(Debug, Deserialize)]
pub struct NoteForm {
    csrf: String,
    text: String,
    /// The gauntlet's round the note is on (an open one); none: the whole interview.
    #[serde(default)]
    round: Option<usize>,
}

/// POST /interviews/{id}/notes: a private, timestamped note, on a gauntlet's round or on the
/// whole interview.
pub async fn note(
    State(state): State<AppState>,
    visitor: Visitor,
    headers: HeaderMap,
    Path(id): Path<String>,
    form: Result<Form<NoteForm>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form.map_err(rejection)?;
    let interview = action(&state, &visitor, &headers, &id, &form.csrf).await?;
    let text = form.text.trim();
    if text.is_empty() || text.chars().count() > MAX_NOTE {
        return Err(AppError::BadRequest(format!(
            "A note has 1 to {MAX_NOTE} characters."
        )));
    }
    if let Some(round) = form.round {
        rounds::check_round_open(&state, &interview, round).await?;
    }
    let happening = Happening::Noted {
        text: text.replace("\r\n", "\n"),
        round: form.round,
    };
    record(&state, &interview, &happening).await?;
    let anchor = form
        .round
        .map_or_else(|| "#notes".to_owned(), |r| format!("#live-round-{r}"));
    Ok(done(&headers, &id, &anchor))
}

#[derive(Debug, Deserialize)]
pub struct TokenForm {
    csrf: String,
}

/// POST /interviews/{id}/end: ends the interview; the candidate link stops working.
pub async fn end(
    State(state): State<AppState>,
    visitor: Visitor,
    headers: HeaderMap,
    Path(id): Path<String>,
    form: Result<Form<TokenForm>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form.map_err(rejection)?;
    let interview = action(&state, &visitor, &headers, &id, &form.csrf).await?;
    record(&state, &interview, &Happening::Ended).await?;
    Ok(Redirect::to(&format!("/interviews/{id}/scorecard")).into_response())
}
