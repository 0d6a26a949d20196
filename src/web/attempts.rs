//! The learner flow: submit an answer, see the attempt, correct a verdict, list attempts, and
//! reveal a scenario's answers without answering.

use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::SignedCookieJar;
use serde::Deserialize;

use crate::app::AppState;
use crate::content::meta::Reader;
use crate::error::AppError;
use crate::grading::{Grade, Verdict};
use crate::store::{AttemptSummary, NewAttempt, NewOverride, Position};
use crate::templates::{self, AttemptPage, AttemptRow, AttemptsPage, ItemView, Layout};
use crate::web::identity::Visitor;
use crate::web::limits::Client;
use crate::web::paging::{self, List, PageQuery};
use crate::web::published::Published;
use crate::web::{hints, pages, view};

/// The most characters an answer may have.
pub const MAX_ANSWER_CHARS: usize = 20_000;

/// The answer form as posted.
#[derive(Debug, Deserialize)]
pub struct AnswerForm {
    csrf: String,
    scenario: String,
    answer: String,
    #[serde(default)]
    started: Option<i64>,
}

/// An answer as it is stored (CRLF line ends as LF, so reported offsets match what is stored),
/// or why it is refused: the status and what to tell the learner.
pub(crate) fn checked_answer(answer: &str) -> Result<String, (StatusCode, String)> {
    if answer.trim().is_empty() {
        return Err((
            StatusCode::UNPROCESSABLE_ENTITY,
            "Write an answer before submitting: it is empty.".to_owned(),
        ));
    }
    let chars = answer.chars().count();
    if chars > MAX_ANSWER_CHARS {
        return Err((
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "Your answer is {chars} characters long; the limit is {MAX_ANSWER_CHARS}. Shorten it and submit again."
            ),
        ));
    }
    Ok(answer.replace("\r\n", "\n"))
}

/// POST /attempts: grades and stores the answer, then redirects to the attempt (303).
pub async fn submit(
    State(state): State<AppState>,
    visitor: Visitor,
    Client(client): Client,
    jar: SignedCookieJar,
    headers: HeaderMap,
    form: Result<Form<AnswerForm>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form.map_err(rejection)?;
    visitor.check_post(&headers, &form.csrf)?;
    state.limits.submit(client)?;
    let content = state.content();
    let (page, article, rubric) = content
        .scenario_for(&form.scenario, visitor.reader())
        .ok_or(AppError::NotFound)?;
    let (learner, jar) = visitor.for_post(jar, &headers, &form.csrf)?;
    let answer = match checked_answer(&form.answer) {
        Ok(answer) => answer,
        Err((status, message)) => {
            let view = pages::ScenarioView {
                learner: &learner,
                answer: &form.answer,
                error: Some(&message),
                started: form.started,
            };
            return Ok((
                status,
                jar,
                pages::scenario_response(&state, page, article, view).await?,
            )
                .into_response());
        }
    };
    let grade = state
        .grader
        .grade(&content, &page.slug, answer.clone())
        .await?
        .ok_or(AppError::NotFound)?;
    let now = view::now_ms();
    let stored = state
        .store
        .submit_attempt(NewAttempt {
            learner: learner.id.clone(),
            scenario: page.slug.clone(),
            rubric_version: rubric.version.clone(),
            rubric_json: serde_json::to_string(rubric).map_err(anyhow::Error::from)?,
            revealed_before: state.store.revealed(&learner.id, &page.slug).await?,
            verdicts_json: serde_json::to_string(&grade).map_err(anyhow::Error::from)?,
            score: grade.score,
            covered: grade.covered as i64,
            total: grade.total as i64,
            answer,
            started_at: form.started.filter(|s| *s > 0 && *s <= now),
            submitted_at: now,
        })
        .await?;
    Ok((
        jar,
        Redirect::to(&format!("/attempts/{}", stored.public_id)),
    )
        .into_response())
}

/// A form that could not be read: too large, or malformed.
pub(crate) fn rejection(rejection: FormRejection) -> AppError {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        AppError::TooLarge(format!(
            "The form is larger than the server accepts. Answers are limited to {MAX_ANSWER_CHARS} characters."
        ))
    } else {
        AppError::BadRequest(format!(
            "The form could not be read ({}). Reload the page and try again.",
            rejection.body_text()
        ))
    }
}

/// GET /attempts/{id}: the score, each item's verdict with evidence, and the scenario's answers.
pub async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let learner = visitor.0.as_ref().ok_or(AppError::PrivateAttempt)?;
    let attempt = state
        .store
        .attempt(&id, &learner.id)
        .await?
        .ok_or(AppError::PrivateAttempt)?;
    let grade: Grade = serde_json::from_str(&attempt.verdicts).map_err(anyhow::Error::from)?;
    let overrides = state.store.overrides(attempt.id).await?;
    let items: Vec<ItemView> = grade
        .items
        .iter()
        .map(|item| ItemView {
            id: item.id.clone(),
            text: item.text.clone(),
            machine: item.verdict,
            human: overrides
                .iter()
                .find(|o| o.item_id == item.id)
                .and_then(|o| Verdict::parse(&o.verdict)),
            reason: item.reason.clone(),
            evidence: item.evidence.iter().map(|e| e.text.clone()).collect(),
        })
        .collect();
    let content = state.content();
    // A scenario hidden or made a draft since the attempt is, to a learner, one no longer
    // published.
    let scenario = content.scenario_for(&attempt.scenario, visitor.reader());
    let title = scenario.map_or(attempt.scenario.as_str(), |(p, _, _)| p.short_title());
    let scenario_url = scenario.map_or_else(|| "/".to_owned(), |(p, _, _)| p.url.clone());
    let article = scenario
        .and_then(|(_, a, _)| a.with_answers())
        .unwrap_or_default();
    let typed = state.store.attempt_investigation(attempt.id).await?;
    let taken = state.store.attempt_hints(attempt.id).await?;
    let steps = scenario.map_or(&[][..], |(p, _, _)| p.steps());
    let investigated = !typed.is_empty() || !taken.is_empty();
    let investigation = (!steps.is_empty() && investigated)
        .then(|| crate::web::investigate::path_view(steps, &typed));
    let hints_taken = hints::said(steps, &taken);
    // The checklist's own score, overrides applied, before the hints' cost.
    let (checklist, _) = grade.settled(|id| {
        let o = overrides.iter().find(|o| o.item_id == id)?;
        Verdict::parse(&o.verdict)
    });
    let page = AttemptPage {
        investigation,
        layout: Layout::in_section("attempts"),
        title,
        scenario_url: &scenario_url,
        public_id: &attempt.public_id,
        csrf: &learner.csrf,
        submitted: view::date_time(attempt.submitted_at),
        // The stored figures, as every list shows them; they follow the learner's overrides.
        covered: usize::try_from(attempt.covered).unwrap_or(0),
        partial: items
            .iter()
            .filter(|i| i.verdict() == Verdict::Partial)
            .count(),
        total: items.len(),
        percent: view::percent(attempt.score),
        checklist_percent: view::percent(checklist),
        machine_percent: view::percent(attempt.machine_score),
        hint_points: hints::points(attempt.hint_penalty),
        hints_taken,
        answer_html: view::highlight(
            &attempt.answer,
            grade
                .items
                .iter()
                .flat_map(|i| &i.evidence)
                .chain(grade.traps.iter().flat_map(|t| &t.evidence)),
        ),
        revealed_before: attempt.revealed_before,
        items,
        traps: grade.traps,
        article: &article,
    };
    // The learner's own answer, signed in or not: no cache may keep it.
    Ok(view::no_store(templates::page_for(Some(learner), &page)))
}

#[derive(Debug, Deserialize)]
pub struct OverrideForm {
    csrf: String,
    item: String,
    verdict: String,
}

/// POST /attempts/{id}/overrides: the learner's own verdict on one item, kept beside the
/// machine's.
pub async fn set_override(
    State(state): State<AppState>,
    visitor: Visitor,
    headers: HeaderMap,
    Path(id): Path<String>,
    form: Result<Form<OverrideForm>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form.map_err(rejection)?;
    visitor.check_post(&headers, &form.csrf)?;
    // Only a learner with attempts can have this one.
    let learner = visitor.0.ok_or(AppError::PrivateAttempt)?;
    let verdict = view::human_verdict(&form.verdict)?;
    // Only the items the attempt was graded on can be assessed; anything else is not there.
    let attempt = state
        .store
        .attempt(&id, &learner.id)
        .await?
        .ok_or(AppError::PrivateAttempt)?;
    let grade: Grade = serde_json::from_str(&attempt.verdicts).map_err(anyhow::Error::from)?;
    if !grade.items.iter().any(|i| i.id == form.item) {
        return Err(AppError::NotFound);
    }
    let recorded = state
        .store
        .set_override(
            &id,
            &learner.id,
            NewOverride {
                item_id: form.item.clone(),
                verdict: verdict.as_str().to_owned(),
                by_whom: "self".to_owned(),
                at: view::now_ms(),
            },
            crate::grading::settle_stored,
        )
        .await?;
    if !recorded {
        return Err(AppError::NotFound);
    }
    let back = format!("/attempts/{id}#item-{}", form.item);
    Ok(crate::web::redirect::see_other(&back))
}

/// The learner's history.
const HISTORY: List = List {
    path: "/attempts",
    noun: "attempts",
};

/// GET /attempts: one page of the learner's history, and their progress by topic over all
/// their attempts.
pub async fn history(
    State(state): State<AppState>,
    visitor: Visitor,
    query: Result<Query<PageQuery>, QueryRejection>,
) -> Result<Response, AppError> {
    let before = HISTORY.position(query)?;
    let (rows, best) = match &visitor.0 {
        Some(learner) => tokio::try_join!(
            state.store.attempts_of(&learner.id, before, paging::FETCH),
            state.store.best_scores(&learner.id),
        )?,
        None => (Vec::new(), Vec::new()),
    };
    let (rows, pager) = HISTORY.page(before, rows, |a| Position {
        at: a.submitted_at,
        id: a.id,
    });
    let content = state.content();
    let reader = visitor.reader();
    let answered = !best.is_empty();
    let best = best.into_iter().collect();
    let page = AttemptsPage {
        layout: Layout::in_section("attempts"),
        rows: rows
            .into_iter()
            .map(|a| attempt_row(&content, reader, a))
            .collect(),
        pager,
        answered,
        progress: match answered {
            true => crate::stats::progress_by_topic(&content.site, &best, reader),
            false => Vec::new(),
        },
        signed_in: visitor.account().is_some(),
    };
    // The learner's own scores, signed in or not: no cache may keep them.
    Ok(view::no_store(templates::page_for(
        visitor.0.as_ref(),
        &page,
    )))
}

/// One line of the history; a scenario hidden or made a draft since is named by its slug to
/// those who may not see it.
fn attempt_row(content: &Published, reader: Reader, a: AttemptSummary) -> AttemptRow {
    AttemptRow {
        title: content.scenario_for(&a.scenario, reader).map_or_else(
            || a.scenario.clone(),
            |(p, _, _)| p.short_title().to_owned(),
        ),
        submitted: view::date_time(a.submitted_at),
        percent: (a.score * 100.0).round() as u32,
        public_id: a.public_id,
        covered: a.covered,
        total: a.total,
    }
}

#[derive(Debug, Deserialize)]
pub struct RevealForm {
    csrf: String,
    scenario: String,
}

/// POST /reveals: records that the learner revealed a scenario's answers, then shows them.
pub async fn reveal(
    State(state): State<AppState>,
    visitor: Visitor,
    jar: SignedCookieJar,
    headers: HeaderMap,
    form: Result<Form<RevealForm>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form.map_err(rejection)?;
    let content = state.content();
    let (page, _, _) = content
        .scenario_for(&form.scenario, visitor.reader())
        .ok_or(AppError::NotFound)?;
    let (learner, jar) = visitor.for_post(jar, &headers, &form.csrf)?;
    state
        .store
        .record_reveal(&learner.id, &page.slug, view::now_ms())
        .await?;
    Ok((jar, Redirect::to(&format!("{}#answer", page.url))).into_response())
}
