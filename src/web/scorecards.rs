//! After (or during) an interview: the scorecard, printable and exportable as JSON and CSV, and
//! the list of past interviews with their scores.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::accounts::Role;
use crate::app::AppState;
use crate::error::AppError;
use crate::interviews::rounds::outlines;
use crate::interviews::{Header, Scorecard};
use crate::store::{Interview, InterviewKind, Position};
use crate::templates::{self, interviews as views};
use crate::web::identity::Visitor;
use crate::web::interviews::{happenings, notes_grade, owned};
use crate::web::paging::{self, List, PageQuery};
use crate::web::published::Published;
use crate::web::view;

/// Interviews, newest first.
const INTERVIEWS: List = List {
    path: "/interviews",
    noun: "interviews",
};

/// GET /interviews: one page of the visitor's interviews (an admin's: everyone's), newest first.
pub async fn list(
    State(state): State<AppState>,
    visitor: Visitor,
    query: Result<Query<PageQuery>, QueryRejection>,
) -> Result<Response, AppError> {
    let account = visitor.require(Role::is_interviewer, "/interviews")?;
    let before = INTERVIEWS.position(query)?;
    let mine = (!account.role.is_admin()).then_some(account.user_id);
    let found = state.store.interviews(mine, before, paging::FETCH).await?;
    let (found, pager) = INTERVIEWS.page(before, found, |i| Position {
        at: i.started_at,
        id: i.id,
    });
    let content = state.content();
    let mut rows = Vec::new();
    for interview in found {
        let card = scorecard(&state, &interview).await?;
        rows.push(views::InterviewRow {
            title: title_of(&content, &interview),
            started: view::date_time(interview.started_at),
            live: interview.ended_at.is_none(),
            percent: percent(card.as_ref().map_or(0.0, |c| c.score)),
            interviewer: interview.interviewer,
            candidate: interview.candidate,
            public_id: interview.public_id,
        });
    }
    let page = views::InterviewsPage {
        layout: templates::Layout::in_section("interviews"),
        rows,
        pager,
        all: mine.is_none(),
    };
    Ok(view::no_store(templates::page_in(
        visitor.0.as_ref(),
        page.layout.section,
        &page,
    )))
}

/// The title of the interview's scenario or gauntlet, or its slug once it is not published.
fn title_of(content: &Published, interview: &Interview) -> String {
    let page = match interview.kind {
        InterviewKind::Scenario => content.scenario(&interview.scenario).map(|s| s.0),
        InterviewKind::Gauntlet => content.gauntlet_live(&interview.scenario).map(|g| g.0),
    };
    page.map_or_else(
        || interview.scenario.clone(),
        |p| p.short_title().to_owned(),
    )
}

fn percent(score: f64) -> u32 {
    (score * 100.0).round() as u32
}

/// The scorecard as it stands, or `None` when the scenario or gauntlet is no longer published.
async fn scorecard(state: &AppState, interview: &Interview) -> Result<Option<Scorecard>, AppError> {
    let content = state.content();
    let found = match interview.kind {
        InterviewKind::Scenario => content.scenario(&interview.scenario).map(|s| (s.0, s.2)),
        InterviewKind::Gauntlet => content.gauntlet_live(&interview.scenario),
    };
    let Some((page, rubric)) = found else {
        return Ok(None);
    };
    let events = happenings(state, interview).await?;
    let graded = notes_grade(state, &content, interview, rubric).await?;
    let follow_ups: Vec<String> = page
        .scenario
        .as_ref()
        .map(|s| s.follow_ups.iter().map(|f| f.text.clone()).collect())
        .unwrap_or_default();
    let rounds = page.gauntlet.as_ref().map(outlines);
    let steps = match (interview.kind, &page.scenario) {
        (InterviewKind::Scenario, Some(s)) => s.investigation.as_slice(),
        _ => &[],
    };
    let header = Header {
        candidate: &interview.candidate,
        interviewer: &interview.interviewer,
        scenario: &page.slug,
        follow_ups: &follow_ups,
        rounds: rounds.as_deref(),
        steps,
        started_at: interview.started_at,
        ended_at: interview.ended_at,
    };
    Ok(Some(Scorecard::build(
        header,
        rubric,
        &events,
        &interview.candidate_notes,
        &graded,
    )))
}

/// GET /interviews/{id}/scorecard: timeline, items, notes and score; printable.
pub async fn page(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let (interview, card) = scorecard_of(&state, &visitor, &id).await?;
    let content = state.content();
    let title = title_of(&content, &interview);
    let view = views::ScorecardPage {
        layout: templates::Layout::in_section("interviews"),
        title: &title,
        public_id: &interview.public_id,
        started: view::date_time(interview.started_at),
        duration: crate::interviews::elapsed(
            interview.ended_at.unwrap_or_else(view::now_ms) - interview.started_at,
        ),
        ended: interview.ended_at.is_some(),
        percent: percent(card.score),
        grader_percent: percent(card.grader_score),
        card: &card,
    };
    Ok(view::no_store(templates::page_in(
        visitor.0.as_ref(),
        view.layout.section,
        &view,
    )))
}

async fn scorecard_of(
    state: &AppState,
    visitor: &Visitor,
    id: &str,
) -> Result<(Interview, Scorecard), AppError> {
    let interview = owned(state, visitor, id, &format!("/interviews/{id}/scorecard")).await?;
    let card = scorecard(state, &interview)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((interview, card))
}

/// GET /interviews/{id}/scorecard.json
pub async fn json(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let (_, card) = scorecard_of(&state, &visitor, &id).await?;
    let json = serde_json::to_string_pretty(&card).map_err(anyhow::Error::from)?;
    let disposition = format!("attachment; filename=\"scorecard-{id}.json\"");
    Ok(view::no_store(
        (
            [
                (header::CONTENT_TYPE, "application/json".to_owned()),
                (header::CONTENT_DISPOSITION, disposition),
            ],
            json,
        )
            .into_response(),
    ))
}

/// GET /interviews/{id}/scorecard.csv: a row per rubric item (a gauntlet's: per round, its
/// items and notes).
pub async fn csv(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let (_, card) = scorecard_of(&state, &visitor, &id).await?;
    let csv = card.to_csv().map_err(anyhow::Error::from)?;
    let disposition = format!("attachment; filename=\"scorecard-{id}.csv\"");
    Ok(view::no_store(
        (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (header::CONTENT_DISPOSITION, disposition),
            ],
            csv,
        )
            .into_response(),
    ))
}
