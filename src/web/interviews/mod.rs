//! The interviewer's side of a live mock incident: start one from a scenario or a gauntlet and
//! run it from the console (tick, note, end here; a scenario's reveals and follow-ups in
//! `console.rs`, the candidate's commands in `commands.rs`, a gauntlet's rounds in
//! `rounds.rs`). The scorecard and the list are in
//! `scorecards.rs`.

mod actions;
pub(crate) mod commands;
mod console;
mod rounds;

pub use actions::{end, note, tick};
pub use commands::show_output;
pub use console::{ask, reveal};
pub use rounds::open_round;

use std::sync::Arc;

use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::accounts::Role;
use crate::app::AppState;
use crate::content::meta::Reader;
use crate::error::AppError;
use crate::grading::{Grade, Rubric};
use crate::interviews::{Happening, Logged};
use crate::store::{Interview, InterviewKind, NewEvent, NewInterview, NotesGrade};
use crate::templates::interviews as views;
use crate::web::attempts::rejection;
use crate::web::identity::{self, Account, Visitor};
use crate::web::limits::Client;
use crate::web::live::{self, Audience, Frame, Subscription};
use crate::web::published::Published;
use crate::web::view;

/// The longest candidate name and interviewer note, in characters.
const MAX_NAME: usize = 100;
const MAX_NOTE: usize = 2_000;

/// The candidate link's token (see [`crate::secrets::Keys::candidate_token`]).
pub fn candidate_token(state: &AppState, public_id: &str) -> String {
    state.keys().candidate_token(public_id)
}

/// The interview if the visitor may run it: its interviewer, or an admin. Anyone else gets
/// the same 404 as for an interview that does not exist.
pub(crate) async fn owned(
    state: &AppState,
    visitor: &Visitor,
    id: &str,
    here: &str,
) -> Result<Interview, AppError> {
    let account = visitor.require(Role::is_interviewer, here)?;
    let interview = state.store.interview(id).await?.ok_or(AppError::NotFound)?;
    if interview.interviewer_id != account.user_id && !account.role.is_admin() {
        return Err(AppError::NotFound);
    }
    Ok(interview)
}

#[derive(Debug, Deserialize)]
pub struct StartForm {
    csrf: String,
    /// A scenario's slug (or a gauntlet's, when no scenario has it).
    #[serde(default)]
    scenario: Option<String>,
    /// A gauntlet's slug.
    #[serde(default)]
    gauntlet: Option<String>,
    candidate: String,
}

/// What an interview is started on: a scenario or a gauntlet the interviewer may open.
struct Subject<'c> {
    kind: InterviewKind,
    slug: &'c str,
    rubric: &'c Rubric,
}

impl<'c> Subject<'c> {
    fn scenario(content: &'c Published, slug: &str, reader: Reader) -> Option<Self> {
        let (page, _, rubric) = content.scenario_for(slug, reader)?;
        Some(Self {
            kind: InterviewKind::Scenario,
            slug: &page.slug,
            rubric,
        })
    }

    fn gauntlet(content: &'c Published, slug: &str, reader: Reader) -> Option<Self> {
        let (page, rubric) = content.gauntlet_live_for(slug, reader)?;
        Some(Self {
            kind: InterviewKind::Gauntlet,
            slug: &page.slug,
            rubric,
        })
    }

    /// The form's `gauntlet`, else its `scenario`: a scenario's slug, or a gauntlet's when no
    /// scenario has it (scenarios and gauntlets have slugs of their own).
    fn of(content: &'c Published, form: &StartForm, reader: Reader) -> Option<Self> {
        let given = |field: &Option<String>| field.clone().filter(|s| !s.trim().is_empty());
        match (given(&form.gauntlet), given(&form.scenario)) {
            (Some(slug), _) => Self::gauntlet(content, &slug, reader),
            (None, Some(slug)) => Self::scenario(content, &slug, reader)
                .or_else(|| Self::gauntlet(content, &slug, reader)),
            (None, None) => None,
        }
    }
}

/// POST /interviews: starts an interview of a scenario or a gauntlet with a named candidate.
pub async fn start(
    State(state): State<AppState>,
    visitor: Visitor,
    headers: HeaderMap,
    form: Result<Form<StartForm>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form.map_err(rejection)?;
    let account = visitor.require(Role::is_interviewer, "/interviews")?;
    visitor.check_post(&headers, &form.csrf)?;
    let candidate = form.candidate.trim();
    if candidate.is_empty() || candidate.chars().count() > MAX_NAME {
        return Err(AppError::BadRequest(format!(
            "Name the candidate (1 to {MAX_NAME} characters) to start an interview."
        )));
    }
    let content = state.content();
    // Only what the interviewer may open: a draft only by an admin, who sees drafts.
    let subject = Subject::of(&content, &form, visitor.reader()).ok_or(AppError::NotFound)?;
    let rubric = subject.rubric;
    // The token depends on the public id, which the store chooses: it sets the hash.
    let new = NewInterview {
        candidate_token_hash: Vec::new(),
        interviewer_id: account.user_id,
        candidate: candidate.to_owned(),
        kind: subject.kind,
        scenario: subject.slug.to_owned(),
        rubric_version: rubric.version.clone(),
        rubric_json: serde_json::to_string(rubric).map_err(anyhow::Error::from)?,
        at: view::now_ms(),
    };
    let started = Happening::Started {
        candidate: candidate.to_owned(),
    };
    let started = serde_json::to_string(&started).map_err(anyhow::Error::from)?;
    let public_id = state
        .store
        .start_interview(new, started, |id| {
            identity::token_hash(&candidate_token(&state, id))
        })
        .await?;
    let (kind, slug) = (subject.kind.as_str(), subject.slug);
    tracing::info!(interviewer = %account.name, kind, slug, "interview started");
    Ok(Redirect::to(&format!("/interviews/{public_id}")).into_response())
}

/// The interview's events, decoded (an undecodable one is logged and left out).
pub(crate) async fn happenings(
    state: &AppState,
    interview: &Interview,
) -> Result<Vec<Logged>, AppError> {
    let events = state.store.events(interview.id, 0).await?;
    Ok(events
        .into_iter()
        .filter_map(|e| match serde_json::from_str(&e.data) {
            Ok(happening) => Some(Logged {
                seq: e.seq,
                at: e.at,
                happening,
            }),
            Err(err) => {
                tracing::error!(%err, seq = e.seq, "an interview event could not be read");
                None
            }
        })
        .collect())
}

/// GET /interviews/{id}: the console, with everything the scenario or gauntlet hides from the
/// candidate.
pub async fn console(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let interview = owned(&state, &visitor, &id, &format!("/interviews/{id}")).await?;
    match interview.kind {
        InterviewKind::Scenario => console::page(&state, &visitor, &interview).await,
        InterviewKind::Gauntlet => rounds::page(&state, &visitor, &interview).await,
    }
}

#[derive(Debug, Deserialize)]
pub struct AfterQuery {
    after: Option<i64>,
}

/// GET /interviews/{id}/events: the console's live stream (everything, and the candidate's
/// notes as they type).
pub async fn console_events(
    State(state): State<AppState>,
    visitor: Visitor,
    Client(client): Client,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(query): Query<AfterQuery>,
) -> Result<Response, AppError> {
    let interview = owned(&state, &visitor, &id, &format!("/interviews/{id}")).await?;
    let content = state.content();
    let opening = match content.interview_rubric(interview.kind, &interview.scenario) {
        Some(rubric) => {
            let graded = notes_grade(&state, &content, &interview, rubric).await?;
            let (notes, at) = (&interview.candidate_notes, interview.candidate_notes_at);
            notes_frames(&graded, notes, at)
        }
        None => Vec::new(),
    };
    let sub = Subscription {
        interview: interview.id,
        after: live::resume_from(&headers, query.after),
        client,
        audience: Audience::Interviewer,
        opening,
    };
    let stream = live::stream(state.store.clone(), Arc::clone(&state.live), sub).await?;
    // It carries the candidate's notes and the interviewer's own: like the console, never kept.
    Ok(view::no_store(stream.into_response()))
}

/// The grader's verdicts on the candidate's notes: as stored when they were saved, or graded
/// (on the grading pool) and stored once when none are stored or the rubric has changed since.
/// Never graded again for a page view otherwise.
pub(crate) async fn notes_grade(
    state: &AppState,
    content: &Arc<Published>,
    interview: &Interview,
    rubric: &Rubric,
) -> Result<Grade, AppError> {
    let stored = interview
        .candidate_notes_grade
        .as_deref()
        .filter(|_| interview.candidate_notes_grade_version.as_ref() == Some(&rubric.version))
        .and_then(|json| serde_json::from_str(json).ok());
    if let Some(grade) = stored {
        return Ok(grade);
    }
    let notes = interview.candidate_notes.clone();
    let (kind, slug) = (interview.kind, &interview.scenario);
    let grade = state
        .grader
        .grade_interview(content, kind, slug, notes)
        .await?
        .ok_or(AppError::NotFound)?;
    let row = notes_grade_row(&grade, rubric)?;
    let (id, notes) = (interview.id, &interview.candidate_notes);
    state.store.store_notes_grade(id, notes, row).await?;
    Ok(grade)
}

/// A grade of the candidate's notes as the store keeps it.
pub(crate) fn notes_grade_row(grade: &Grade, rubric: &Rubric) -> Result<NotesGrade, AppError> {
    Ok(NotesGrade {
        json: serde_json::to_string(grade).map_err(anyhow::Error::from)?,
        rubric_version: rubric.version.clone(),
    })
}

/// The candidate's notes and the grader's suggestions on them (`graded`), for the console.
pub fn notes_frames(graded: &Grade, notes: &str, at: Option<i64>) -> Vec<Frame> {
    let suggestions: serde_json::Map<String, serde_json::Value> = graded
        .items
        .iter()
        .map(|i| (i.id.clone(), i.verdict.as_str().into()))
        .collect();
    let traps: Vec<&str> = graded.traps.iter().map(|t| t.claim.as_str()).collect();
    let frame = |name, data: serde_json::Value| Frame {
        seq: None,
        name,
        data: Arc::from(data.to_string()),
        candidate: None,
        last: false,
    };
    vec![
        frame("notes", serde_json::json!({ "text": notes, "at": at })),
        frame(
            "suggestions",
            serde_json::json!({ "items": suggestions, "traps": traps }),
        ),
    ]
}

/// Passes what other instances sharing the PostgreSQL database stored to the live streams
/// connected here: each event (read back by its sequence number; a stream drops what it has
/// seen), the candidate's notes with the grader's suggestions, and after missed notifications
/// every event of each interview followed here. Runs until the store's change channel closes.
pub async fn follow_changes(
    state: AppState,
    mut changes: tokio::sync::broadcast::Receiver<crate::store::Change>,
) {
    use crate::store::Change;
    use tokio::sync::broadcast::error::RecvError;
    loop {
        let change = match changes.recv().await {
            Ok(change) => change,
            Err(RecvError::Lagged(_)) => Change::Resync,
            Err(RecvError::Closed) => return,
        };
        if let Err(err) = follow(&state, change).await {
            tracing::warn!(%err, "an interview change from another instance was not passed on");
        }
    }
}

async fn follow(state: &AppState, change: crate::store::Change) -> Result<(), AppError> {
    use crate::store::Change;
    let replay = |interview: i64, after: i64| async move {
        for event in state.store.events(interview, after).await? {
            state.live.publish(interview, live::stored(&event));
        }
        Ok::<_, AppError>(())
    };
    match change {
        Change::Event { interview, seq } if state.live.listening(interview) => {
            replay(interview, seq - 1).await?
        }
        Change::Notes { interview } if state.live.listening(interview) => {
            let Some(found) = state.store.interview_by_id(interview).await? else {
                return Ok(());
            };
            let content = state.content();
            let notes = found.candidate_notes.clone();
            let graded = state
                .grader
                .grade_interview(&content, found.kind, &found.scenario, notes)
                .await?;
            if let Some(grade) = graded {
                let frames = notes_frames(&grade, &found.candidate_notes, found.candidate_notes_at);
                for frame in frames {
                    state.live.publish(interview, frame);
                }
            }
        }
        Change::Resync => {
            for interview in state.live.interviews() {
                replay(interview, 0).await?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// Records a happening (unless the interview has ended) and sends it to the live clients.
pub(crate) async fn record(
    state: &AppState,
    interview: &Interview,
    happening: &Happening,
) -> Result<(), AppError> {
    let event = NewEvent {
        interview_id: interview.id,
        kind: happening.kind().to_owned(),
        data: serde_json::to_string(happening).map_err(anyhow::Error::from)?,
        at: view::now_ms(),
    };
    let stored = state
        .store
        .append_event(event)
        .await?
        .ok_or(AppError::Gone)?;
    state.live.publish(interview.id, live::stored(&stored));
    Ok(())
}

/// After an action: 204 for the console's script, else back to the console.
pub(crate) fn done(headers: &HeaderMap, id: &str, anchor: &str) -> Response {
    view::changed(headers, &format!("/interviews/{id}{anchor}"))
}

/// The checks every console action starts with: the right person, from this site.
pub(crate) async fn action(
    state: &AppState,
    visitor: &Visitor,
    headers: &HeaderMap,
    id: &str,
    csrf: &str,
) -> Result<Interview, AppError> {
    let interview = owned(state, visitor, id, &format!("/interviews/{id}")).await?;
    visitor.check_post(headers, csrf)?;
    Ok(interview)
}

/// The start form an interviewer sees on a scenario page (with a link to the answer key) or a
/// gauntlet's page.
pub fn start_form(
    account: Option<&Account>,
    csrf: &str,
    slug: &str,
    kind: InterviewKind,
) -> Option<String> {
    use askama::Template;
    account.filter(|a| a.role.is_interviewer())?;
    let gauntlet = kind == InterviewKind::Gauntlet;
    views::StartForm {
        csrf,
        slug,
        key_link: !gauntlet,
        gauntlet,
    }
    .render()
    .ok()
}
