//! The interviewer's side of a live mock incident: start one from a scenario and run it from
//! the console (reveal, tick, note, end). The scorecard and the list are in `scorecards.rs`.

use std::sync::Arc;

use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::accounts::Role;
use crate::app::AppState;
use crate::content::Page;
use crate::content::investigation::Step;
use crate::error::AppError;
use crate::grading::{Grade, Rubric, Verdict};
use crate::interviews::{Happening, Logged, Reveal, first_asked};
use crate::store::{Interview, NewEvent, NewInterview, NotesGrade};
use crate::templates::{self, interviews as views};
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
    scenario: String,
    candidate: String,
}

/// POST /interviews: starts an interview of a scenario with a named candidate.
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
    // Only a scenario the interviewer may open: a draft only by an admin, who sees drafts.
    let (page, _, rubric) = content
        .scenario_for(&form.scenario, visitor.reader())
        .ok_or(AppError::NotFound)?;
    // The token depends on the public id, which the store chooses: it sets the hash.
    let new = NewInterview {
        candidate_token_hash: Vec::new(),
        interviewer_id: account.user_id,
        candidate: candidate.to_owned(),
        scenario: page.slug.clone(),
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
    tracing::info!(interviewer = %account.name, scenario = %page.slug, "interview started");
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

/// GET /interviews/{id}: the console, with everything the scenario hides from the candidate.
pub async fn console(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let here = format!("/interviews/{id}");
    let interview = owned(&state, &visitor, &id, &here).await?;
    let content = state.content();
    // An interview goes on when its scenario is hidden or made a draft after it started.
    let (page, article, rubric) = content
        .scenario_as(&interview.scenario, visitor.reader())
        .ok_or(AppError::NotFound)?;
    let events = happenings(&state, &interview).await?;
    let graded = notes_grade(&state, &content, &interview, rubric).await?;
    let learner = visitor.0.as_ref().ok_or(AppError::NotFound)?;
    let token = candidate_token(&state, &interview.public_id);
    let article_html = article.with_answers().ok_or(AppError::NotFound)?;
    let view = views::ConsolePage {
        layout: templates::Layout::in_section("interviews"),
        title: page.short_title(),
        public_id: &interview.public_id,
        candidate: &interview.candidate,
        candidate_path: format!("/i/{token}"),
        csrf: &learner.csrf,
        started_at: interview.started_at,
        ended: interview.ended_at.is_some(),
        last_seq: interview.last_seq,
        reveals: reveals_of(page, &events),
        items: items_of(rubric, &events, &graded),
        follow_ups: follow_ups_of(page, &events, interview.started_at),
        notes: events
            .iter()
            .filter_map(|e| match &e.happening {
                Happening::Noted { text } => Some(views::NoteView {
                    elapsed: crate::interviews::elapsed(e.at - interview.started_at),
                    text: text.clone(),
                }),
                _ => None,
            })
            .collect(),
        candidate_notes: &interview.candidate_notes,
        traps: graded.traps.iter().map(|t| t.claim.clone()).collect(),
        article: &article_html,
    };
    Ok(view::no_store(templates::page_in(
        Some(learner),
        view.layout.section,
        &view,
    )))
}

/// What the interviewer can reveal: each evidence item, then each investigation step that
/// says what it shows, marked when revealed already.
fn reveals_of(page: &Page, events: &[Logged]) -> Vec<views::RevealView> {
    let Some(scenario) = &page.scenario else {
        return Vec::new();
    };
    let revealed = |what: Reveal, index: usize| {
        events.iter().any(|e| {
            matches!(&e.happening, Happening::Revealed { what: w, index: i, .. } if *w == what && *i == index)
        })
    };
    let evidence = scenario
        .evidence
        .iter()
        .enumerate()
        .map(|(i, item)| views::RevealView {
            what: "evidence",
            index: i,
            label: format!("Evidence {}", i + 1),
            html: item.html.clone(),
            revealed: revealed(Reveal::Evidence, i),
        });
    let hints = scenario
        .investigation
        .iter()
        .enumerate()
        .filter(|(_, step)| !step.shows.is_empty())
        .map(|(i, step)| views::RevealView {
            what: "hint",
            index: i,
            label: step_label(step),
            html: hint_html(None, &step.shows),
            revealed: revealed(Reveal::Hint, i),
        });
    evidence.chain(hints).collect()
}

/// `Step 3: Check HPA`.
fn step_label(step: &Step) -> String {
    match step.title.trim() {
        "" => format!("Step {}", step.number),
        title => format!("Step {}: {title}", step.number),
    }
}

/// A step's `Shows:` lines as escaped HTML, under its label when the candidate gets it.
fn hint_html(label: Option<&str>, shows: &[String]) -> String {
    let mut html = String::new();
    if let Some(label) = label {
        html.push_str(r#"<p class="revealed-step">"#);
        crate::content::markdown::escape_into(&mut html, label);
        html.push_str("</p>");
    }
    html.push_str("<ul>");
    for line in shows {
        html.push_str("<li><code>");
        crate::content::markdown::escape_into(&mut html, line);
        html.push_str("</code></li>");
    }
    html.push_str("</ul>");
    html
}

/// The scenario's follow-up questions, each marked with when it was first asked.
fn follow_ups_of(page: &Page, events: &[Logged], started_at: i64) -> Vec<views::FollowUpView> {
    let Some(scenario) = &page.scenario else {
        return Vec::new();
    };
    scenario
        .follow_ups
        .iter()
        .enumerate()
        .map(|(i, question)| views::FollowUpView {
            index: i,
            html: question.html.clone(),
            asked: first_asked(events, i).map(|at| crate::interviews::elapsed(at - started_at)),
        })
        .collect()
}

fn items_of(rubric: &Rubric, events: &[Logged], graded: &Grade) -> Vec<views::TickView> {
    rubric
        .items
        .iter()
        .map(|item| views::TickView {
            id: item.id.clone(),
            text: item.text.clone(),
            tick: events.iter().rev().find_map(|e| match &e.happening {
                Happening::Ticked { item: i, verdict } if *i == item.id => Some(*verdict),
                _ => None,
            }),
            suggested: graded
                .items
                .iter()
                .find(|g| g.id == item.id)
                .map_or(Verdict::Missed, |g| g.verdict),
        })
        .collect()
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
    let opening = match content.scenario(&interview.scenario) {
        Some((_, _, rubric)) => {
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
    let grade = state
        .grader
        .grade(content, &interview.scenario, notes)
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
        for_candidate: false,
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

/// Records a happening (unless the interview has ended) and sends it to the live clients.
async fn record(
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
fn done(headers: &HeaderMap, id: &str, anchor: &str) -> Response {
    view::changed(headers, &format!("/interviews/{id}{anchor}"))
}

/// The checks every console action starts with: the right person, from this site.
async fn action(
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

#[derive(Debug, Deserialize)]
pub struct RevealForm {
    csrf: String,
    what: String,
    index: usize,
}

/// POST /interviews/{id}/reveals: shows the candidate an evidence item or a step's findings.
pub async fn reveal(
    State(state): State<AppState>,
    visitor: Visitor,
    headers: HeaderMap,
    Path(id): Path<String>,
    form: Result<Form<RevealForm>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form.map_err(rejection)?;
    let interview = action(&state, &visitor, &headers, &id, &form.csrf).await?;
    let content = state.content();
    let (page, _, _) = content
        .scenario(&interview.scenario)
        .ok_or(AppError::NotFound)?;
    let scenario = page.scenario.as_ref().ok_or(AppError::NotFound)?;
    let (what, shown) = match form.what.as_str() {
        "evidence" => (
            Reveal::Evidence,
            scenario
                .evidence
                .get(form.index)
                .map(|e| (e.text.clone(), e.html.clone())),
        ),
        "hint" => (
            Reveal::Hint,
            scenario
                .investigation
                .get(form.index)
                .filter(|s| !s.shows.is_empty())
                .map(|s| {
                    let label = step_label(s);
                    let html = hint_html(Some(&label), &s.shows);
                    (label, html)
                }),
        ),
        _ => {
            return Err(AppError::BadRequest(
                "Only evidence or a step's findings can be revealed.".to_owned(),
            ));
        }
    };
    let (label, html) = shown.ok_or(AppError::NotFound)?;
    let happening = Happening::Revealed {
        what,
        index: form.index,
        label,
        html,
    };
    record(&state, &interview, &happening).await?;
    Ok(done(&headers, &id, "#reveals"))
}

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
    let (_, _, rubric) = content
        .scenario(&interview.scenario)
        .ok_or(AppError::NotFound)?;
    if !rubric.items.iter().any(|i| i.id == form.item) {
        return Err(AppError::NotFound);
    }
    let happening = Happening::Ticked {
        item: form.item.clone(),
        verdict,
    };
    record(&state, &interview, &happening).await?;
    Ok(done(&headers, &id, &format!("#tick-{}", form.item)))
}

#[derive(Debug, Deserialize)]
pub struct AskForm {
    csrf: String,
    index: usize,
}

/// POST /interviews/{id}/follow-ups: marks a follow-up question asked, timestamped (once: asking
/// it again changes nothing).
pub async fn ask(
    State(state): State<AppState>,
    visitor: Visitor,
    headers: HeaderMap,
    Path(id): Path<String>,
    form: Result<Form<AskForm>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form.map_err(rejection)?;
    let interview = action(&state, &visitor, &headers, &id, &form.csrf).await?;
    let content = state.content();
    let (page, _, _) = content
        .scenario(&interview.scenario)
        .ok_or(AppError::NotFound)?;
    let question = page
        .scenario
        .as_ref()
        .and_then(|s| s.follow_ups.get(form.index))
        .ok_or(AppError::NotFound)?;
    if first_asked(&happenings(&state, &interview).await?, form.index).is_none() {
        let happening = Happening::Asked {
            index: form.index,
            question: question.text.clone(),
        };
        record(&state, &interview, &happening).await?;
    }
    Ok(done(&headers, &id, &format!("#follow-up-{}", form.index)))
}

#[derive(Debug, Deserialize)]
pub struct NoteForm {
    csrf: String,
    text: String,
}

/// POST /interviews/{id}/notes: a private, timestamped note.
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
    let happening = Happening::Noted {
        text: text.replace("\r\n", "\n"),
    };
    record(&state, &interview, &happening).await?;
    Ok(done(&headers, &id, "#notes"))
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

/// The start form an interviewer sees on a scenario page, with a link to the answer key.
pub fn start_form(account: Option<&Account>, csrf: &str, slug: &str) -> Option<String> {
    use askama::Template;
    account.filter(|a| a.role.is_interviewer())?;
    views::StartForm {
        csrf,
        slug,
        key_link: true,
    }
    .render()
    .ok()
}
