//! The console of a scenario's interview: reveal evidence and steps' findings, tick the
//! checklist, mark follow-up questions asked.

use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;

use super::{action, candidate_token, done, happenings, notes_grade, record};
use crate::app::AppState;
use crate::content::Page;
use crate::content::investigation::Step;
use crate::error::AppError;
use crate::grading::{Grade, Rubric, Verdict};
use crate::interviews::{Happening, Logged, Reveal, first_asked};
use crate::store::{Interview, InterviewKind};
use crate::templates::{self, interviews as views};
use crate::web::attempts::rejection;
use crate::web::identity::Visitor;
use crate::web::view;

/// The console of a scenario's interview, with everything the scenario hides from the
/// candidate.
pub(super) async fn page(
    state: &AppState,
    visitor: &Visitor,
    interview: &Interview,
) -> Result<Response, AppError> {
    let content = state.content();
    // An interview goes on when its scenario is hidden or made a draft after it started.
    let (page, article, rubric) = content
        .scenario_as(&interview.scenario, visitor.reader())
        .ok_or(AppError::NotFound)?;
    let events = happenings(state, interview).await?;
    let graded = notes_grade(state, &content, interview, rubric).await?;
    let learner = visitor.0.as_ref().ok_or(AppError::NotFound)?;
    let token = candidate_token(state, &interview.public_id);
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
        notes: notes_of(&events, None, interview.started_at),
        candidate_notes: &interview.candidate_notes,
        traps: graded.traps.iter().map(|t| t.claim.clone()).collect(),
        commands: super::commands::panel(page, interview, &events, &learner.csrf)?,
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

pub(super) fn items_of(rubric: &Rubric, events: &[Logged], graded: &Grade) -> Vec<views::TickView> {
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

/// The interviewer's notes on round `round` (`None`: on the interview as a whole).
pub(super) fn notes_of(
    events: &[Logged],
    round: Option<usize>,
    start: i64,
) -> Vec<views::NoteView> {
    crate::interviews::rounds::notes_on(events, round, start)
        .into_iter()
        .map(|n| views::NoteView {
            elapsed: n.elapsed,
            text: n.text,
        })
        .collect()
}

/// The interview's scenario, for an action only a scenario's interview has.
fn scenario_of<'c>(
    content: &'c crate::web::published::Published,
    interview: &Interview,
) -> Result<&'c Page, AppError> {
    if interview.kind != InterviewKind::Scenario {
        return Err(AppError::NotFound);
    }
    let (page, _, _) = content
        .scenario(&interview.scenario)
        .ok_or(AppError::NotFound)?;
    Ok(page)
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
    let page = scenario_of(&content, &interview)?;
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
    let page = scenario_of(&content, &interview)?;
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
