//! The console of a gauntlet's interview: every round with its question, what the interviewer
//! is testing, the strong answer, weak answers and traps, its items to tick and notes on it;
//! and opening the next round, which shows the candidate its question.

use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;

use super::console::{items_of, notes_of};
use super::{action, candidate_token, done, happenings, notes_grade, record};
use crate::app::AppState;
use crate::content::Page;
use crate::content::gauntlet::Round;
use crate::error::AppError;
use crate::grading::Grade;
use crate::grading::Rubric;
use crate::interviews::rounds::{Outline, opened, opened_at, outlines};
use crate::interviews::{Happening, Logged, elapsed};
use crate::store::{Interview, InterviewKind};
use crate::templates;
use crate::templates::live_gauntlets::{GauntletConsolePage, LiveRoundView};
use crate::web::attempts::rejection;
use crate::web::identity::Visitor;
use crate::web::published::Published;
use crate::web::view;

/// The interview's gauntlet and its live rubric, whoever may see the gauntlet now.
fn gauntlet_of<'c>(
    content: &'c Published,
    interview: &Interview,
) -> Result<(&'c Page, &'c Rubric), AppError> {
    if interview.kind != InterviewKind::Gauntlet {
        return Err(AppError::NotFound);
    }
    content
        .gauntlet_live(&interview.scenario)
        .filter(|(page, _)| page.gauntlet.is_some())
        .ok_or(AppError::NotFound)
}

/// The console of a gauntlet's interview.
pub(super) async fn page(
    state: &AppState,
    visitor: &Visitor,
    interview: &Interview,
) -> Result<Response, AppError> {
    let content = state.content();
    let (page, rubric) = gauntlet_of(&content, interview)?;
    let gauntlet = page.gauntlet.as_ref().ok_or(AppError::NotFound)?;
    let events = happenings(state, interview).await?;
    let graded = notes_grade(state, &content, interview, rubric).await?;
    let learner = visitor.0.as_ref().ok_or(AppError::NotFound)?;
    let token = candidate_token(state, &interview.public_id);
    let open = opened(&events);
    let live = Live {
        events: &events,
        graded: &graded,
        rubric,
        open,
        start: interview.started_at,
    };
    let rounds = gauntlet
        .rounds
        .iter()
        .zip(outlines(gauntlet))
        .map(|(round, outline)| live.round(round, &outline))
        .collect();
    let next = gauntlet
        .rounds
        .get(open)
        .map(|r| (open + 1, r.name.clone()));
    let view = GauntletConsolePage {
        layout: templates::Layout::in_section("interviews"),
        title: page.short_title(),
        public_id: &interview.public_id,
        candidate: &interview.candidate,
        candidate_path: format!("/i/{token}"),
        csrf: &learner.csrf,
        started_at: interview.started_at,
        ended: interview.ended_at.is_some(),
        last_seq: interview.last_seq,
        rounds,
        next_round: next.as_ref().map(|(n, _)| *n),
        next_name: next.map(|(_, name)| name).unwrap_or_default(),
        notes: notes_of(&events, None, interview.started_at),
        candidate_notes: &interview.candidate_notes,
        traps: graded.traps.iter().map(|t| t.claim.clone()).collect(),
    };
    Ok(view::no_store(templates::page_in(
        Some(learner),
        view.layout.section,
        &view,
    )))
}

/// What the console's rounds are made from.
struct Live<'a> {
    events: &'a [Logged],
    graded: &'a Grade,
    rubric: &'a Rubric,
    /// Rounds open.
    open: usize,
    start: i64,
}

impl Live<'_> {
    fn round(&self, round: &Round, outline: &Outline) -> LiveRoundView {
        let number = outline.number;
        let items = items_of(self.rubric, self.events, self.graded)
            .into_iter()
            .filter(|item| outline.items.contains(&item.id))
            .collect();
        let html =
            |p: &Option<crate::content::walkthrough::Prose>| p.as_ref().map(|p| p.html.clone());
        LiveRoundView {
            number,
            name: round.name.clone(),
            question: outline.question.clone(),
            testing: round.testing.clone(),
            strong_html: html(&round.strong_answer),
            weak_html: round.weak_answers.iter().map(|w| w.html.clone()).collect(),
            trap_alert_html: html(&round.trap_alert),
            senior_signal_html: html(&round.senior_signal),
            trap_variant_html: html(&round.trap_variant),
            items,
            notes: notes_of(self.events, Some(number), self.start),
            opened: opened_at(self.events, number).map(|at| elapsed(at - self.start)),
            current: number == self.open,
            expanded: number == self.open || (self.open == 0 && number == 1),
        }
    }
}

/// Refuses (409) what needs round `round` open while it is not; 404 for a round the
/// interview's gauntlet does not have, or an interview of a scenario.
pub(super) async fn check_round_open(
    state: &AppState,
    interview: &Interview,
    round: usize,
) -> Result<(), AppError> {
    let content = state.content();
    let (page, _) = gauntlet_of(&content, interview)?;
    let rounds = page.gauntlet.as_ref().map_or(0, |g| g.rounds.len());
    if round == 0 || round > rounds {
        return Err(AppError::NotFound);
    }
    if round > opened(&happenings(state, interview).await?) {
        return Err(AppError::Conflict(format!(
            "Round {round} is not open yet: open it first."
        )));
    }
    Ok(())
}

/// Refuses (409) a tick on an item of a round not open yet.
pub(super) async fn check_item_open(
    state: &AppState,
    content: &Published,
    interview: &Interview,
    item: &str,
) -> Result<(), AppError> {
    let (page, _) = gauntlet_of(content, interview)?;
    let gauntlet = page.gauntlet.as_ref().ok_or(AppError::NotFound)?;
    let round = outlines(gauntlet)
        .iter()
        .find(|o| o.items.iter().any(|id| id == item))
        .map(|o| o.number)
        .ok_or(AppError::NotFound)?;
    check_round_open(state, interview, round).await
}

#[derive(Debug, Deserialize)]
pub struct RoundForm {
    csrf: String,
    round: usize,
}

/// POST /interviews/{id}/rounds: opens the gauntlet's next round, timestamped; the candidate
/// sees its question. Rounds open in order (a later one: 409) and once (opening an open one
/// again changes nothing).
pub async fn open_round(
    State(state): State<AppState>,
    visitor: Visitor,
    headers: HeaderMap,
    Path(id): Path<String>,
    form: Result<Form<RoundForm>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form.map_err(rejection)?;
    let interview = action(&state, &visitor, &headers, &id, &form.csrf).await?;
    let content = state.content();
    let (page, _) = gauntlet_of(&content, &interview)?;
    let gauntlet = page.gauntlet.as_ref().ok_or(AppError::NotFound)?;
    let outline = outlines(gauntlet)
        .into_iter()
        .find(|o| o.number == form.round)
        .ok_or(AppError::NotFound)?;
    let open = opened(&happenings(&state, &interview).await?);
    if form.round > open + 1 {
        return Err(AppError::Conflict(format!(
            "Rounds open in order: open round {} first.",
            open + 1
        )));
    }
    if form.round == open + 1 {
        let happening = Happening::Opened {
            round: form.round,
            question: outline.question,
        };
        record(&state, &interview, &happening).await?;
    }
    Ok(done(&headers, &id, &format!("#live-round-{}", form.round)))
}
