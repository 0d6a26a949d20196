//! Gauntlet practice: a learner answers a gauntlet round by round. Each round's question
//! appears only once the round before it is answered; after each answer the round's score,
//! what a strong answer says, the weak answers and the traps. Nothing of a round the learner
//! has not reached is in any response.

use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::SignedCookieJar;
use serde::Deserialize;

use crate::app::AppState;
use crate::content::Page;
use crate::content::gauntlet::Round;
use crate::error::AppError;
use crate::grading::{Grade, Rubric};
use crate::store::{GauntletRun, NewRoundAnswer, RoundOutcome};
use crate::templates::gauntlets::{GauntletPage, RoundState, RoundView};
use crate::templates::{self, ItemView, Layout};
use crate::web::attempts::{MAX_ANSWER_CHARS, checked_answer, rejection};
use crate::web::identity::{Learner, Visitor};
use crate::web::limits::Client;
use crate::web::view;

/// What the page shows besides the stored run: an answer to put back and why it was refused.
#[derive(Debug, Default)]
pub struct Refused<'a> {
    pub answer: &'a str,
    pub error: Option<&'a str>,
}

/// The gauntlet page as `learner` has reached it.
pub async fn page_response(
    state: &AppState,
    page: &Page,
    learner: &Learner,
    refused: Refused<'_>,
) -> Result<Response, AppError> {
    let Some(gauntlet) = page.gauntlet.as_ref() else {
        return Err(AppError::NotFound);
    };
    let run = match learner.fresh {
        true => None,
        false => state.store.gauntlet_run(&learner.id, &page.slug).await?,
    };
    let answers = run
        .as_ref()
        .map_or(&[][..], |r: &GauntletRun| &r.answers[..]);
    let reached = answers.len();
    let finished = reached >= gauntlet.rounds.len();
    let mut rounds = Vec::with_capacity(gauntlet.rounds.len());
    for (i, round) in gauntlet.rounds.iter().enumerate() {
        let position = i + 1;
        let view = match answers.iter().find(|a| a.round == position as i64) {
            Some(answer) => answered(position, round, answer)?,
            None if i == reached => RoundView::current(position, round),
            None => RoundView::later(position, round),
        };
        rounds.push(view);
    }
    let (weighted, items): (f64, i64) = answers.iter().fold((0.0, 0), |(s, n), a| {
        (s + a.score * a.total as f64, n + a.total)
    });
    let overall = if items > 0 {
        weighted / items as f64
    } else {
        0.0
    };
    let header = &gauntlet.header;
    let view = GauntletPage {
        layout: Layout::in_section("scenarios"),
        title: page.short_title(),
        slug: &page.slug,
        csrf: &learner.csrf,
        category: header.category.as_deref(),
        difficulty: header.difficulty.as_deref(),
        duration: header.duration.as_deref(),
        domains: header.domains.join(", "),
        rounds,
        answered: reached,
        finished,
        percent: view::percent(overall),
        tested_html: gauntlet.tested_html.as_deref().filter(|_| finished),
        answer: refused.answer,
        error: refused.error,
        max_chars: MAX_ANSWER_CHARS,
        start_form: crate::web::interviews::start_form(
            learner.account.as_ref(),
            &learner.csrf,
            &page.slug,
            crate::store::InterviewKind::Gauntlet,
        ),
    };
    // A learner's own answers: no cache may keep them.
    Ok(view::no_store(templates::page_for(Some(learner), &view)))
}

/// A round the learner has answered: their answer with its evidence, the verdicts, and the
/// round's model answer, weak answers and traps.
fn answered(
    position: usize,
    round: &Round,
    answer: &crate::store::RoundAnswer,
) -> Result<RoundView, AppError> {
    let grade: Grade = serde_json::from_str(&answer.verdicts).map_err(anyhow::Error::from)?;
    let items = grade
        .items
        .iter()
        .map(|item| ItemView {
            id: item.id.clone(),
            text: item.text.clone(),
            machine: item.verdict,
            human: None,
            reason: item.reason.clone(),
            evidence: item.evidence.iter().map(|e| e.text.clone()).collect(),
        })
        .collect();
    let mut view = RoundView::current(position, round);
    view.state = RoundState::Answered;
    view.testing = round.testing.clone();
    view.answer_html =
        view::highlight(&answer.answer, grade.items.iter().flat_map(|i| &i.evidence));
    view.percent = view::percent(answer.score);
    view.covered = answer.covered;
    view.total = answer.total;
    view.items = items;
    view.strong_html = round.strong_answer.as_ref().map(|p| p.html.clone());
    view.weak_html = round.weak_answers.iter().map(|w| w.html.clone()).collect();
    view.trap_alert_html = round.trap_alert.as_ref().map(|p| p.html.clone());
    view.senior_signal_html = round.senior_signal.as_ref().map(|p| p.html.clone());
    view.trap_variant_html = round.trap_variant.as_ref().map(|p| p.html.clone());
    Ok(view)
}

/// The answer form as posted.
#[derive(Debug, Deserialize)]
pub struct RoundForm {
    csrf: String,
    round: usize,
    answer: String,
}

/// POST /gauntlet-runs/{slug}/answers: grades and stores the answer to the round the learner is
/// at, then shows the page at that round (303). An answer to another round (answered already,
/// or not reached) is refused with 409 and the page as it stands.
pub async fn answer(
    State(state): State<AppState>,
    visitor: Visitor,
    Client(client): Client,
    jar: SignedCookieJar,
    headers: HeaderMap,
    Path(slug): Path<String>,
    form: Result<Form<RoundForm>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form.map_err(rejection)?;
    visitor.check_post(&headers, &form.csrf)?;
    state.limits.submit(client)?;
    let content = state.content();
    let (page, rubrics) = content
        .gauntlet_for(&slug, visitor.reader())
        .ok_or(AppError::NotFound)?;
    let rubric: &Rubric = form
        .round
        .checked_sub(1)
        .and_then(|i| rubrics.get(i))
        .ok_or(AppError::NotFound)?;
    let (learner, jar) = visitor.for_post(jar, &headers, &form.csrf)?;
    let answer = match checked_answer(&form.answer) {
        Ok(answer) => answer,
        Err((status, message)) => {
            let refused = Refused {
                answer: &form.answer,
                error: Some(&message),
            };
            let page = page_response(&state, page, &learner, refused).await?;
            return Ok((status, jar, page).into_response());
        }
    };
    let grade = state
        .grader
        .grade_round(&content, &page.slug, form.round - 1, answer.clone())
        .await?
        .ok_or(AppError::NotFound)?;
    let outcome = state
        .store
        .answer_round(NewRoundAnswer {
            learner: learner.id.clone(),
            gauntlet: page.slug.clone(),
            round: form.round as i64,
            answer,
            rubric_version: rubric.version.clone(),
            verdicts_json: serde_json::to_string(&grade).map_err(anyhow::Error::from)?,
            score: grade.score,
            covered: grade.covered as i64,
            total: grade.total as i64,
            submitted_at: view::now_ms(),
        })
        .await?;
    match outcome {
        RoundOutcome::Stored => Ok((
            jar,
            Redirect::to(&format!("{}#round-{}", page.url, form.round)),
        )
            .into_response()),
        RoundOutcome::OutOfTurn { next } => {
            let message = format!(
                "That answer was for round {}, but this run is at round {next}: it was not stored.",
                form.round
            );
            let refused = Refused {
                answer: "",
                error: Some(&message),
            };
            let page = page_response(&state, page, &learner, refused).await?;
            Ok((StatusCode::CONFLICT, jar, page).into_response())
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct RestartForm {
    csrf: String,
}

/// POST /gauntlet-runs/{slug}/restart: a new run from the first round; earlier runs are kept.
pub async fn restart(
    State(state): State<AppState>,
    visitor: Visitor,
    jar: SignedCookieJar,
    headers: HeaderMap,
    Path(slug): Path<String>,
    form: Result<Form<RestartForm>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form.map_err(rejection)?;
    visitor.check_post(&headers, &form.csrf)?;
    let content = state.content();
    let (page, _) = content
        .gauntlet_for(&slug, visitor.reader())
        .ok_or(AppError::NotFound)?;
    let (learner, jar) = visitor.for_post(jar, &headers, &form.csrf)?;
    state
        .store
        .restart_gauntlet(&learner.id, &page.slug, view::now_ms())
        .await?;
    Ok((jar, Redirect::to(&format!("{}#round-1", page.url))).into_response())
}
