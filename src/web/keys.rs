//! The interviewer's answer key: any scenario with everything it hides from learners and
//! candidates, opened without starting an interview. Reading it records nothing: no reveal, no
//! attempt, nothing in the interviewer's own history. To anyone who may not run interviews it
//! does not exist.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;

use crate::app::AppState;
use crate::error::AppError;
use crate::templates::{self, interviews as views};
use crate::web::identity::Visitor;
use crate::web::view;

/// GET /interviews/keys/{slug}: the scenario with its answers, its checklist as the grader and
/// the console use it, and the form that starts an interview. A 404 for anyone who is not an
/// interviewer (signed out, learner, author), as for a scenario that does not exist, so the
/// address says nothing about hidden scenarios.
pub async fn page(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    visitor
        .account()
        .filter(|a| a.role.is_interviewer())
        .ok_or(AppError::NotFound)?;
    let learner = visitor.0.as_ref().ok_or(AppError::NotFound)?;
    let content = state.content();
    let (page, article, rubric) = content
        .scenario_for(&slug, visitor.reader())
        .ok_or(AppError::NotFound)?;
    let form = views::StartForm {
        csrf: &learner.csrf,
        slug: &page.slug,
        key_link: false,
        gauntlet: false,
    }
    .render()?;
    let view = views::AnswerKeyPage {
        layout: templates::Layout::in_section("interviews"),
        title: page.short_title(),
        url: &page.url,
        article: article
            .with_answers_around(&form)
            .ok_or(AppError::NotFound)?,
        items: rubric
            .items
            .iter()
            .map(|item| views::KeyItem {
                text: item.text.clone(),
                weight: item.weight,
            })
            .collect(),
    };
    Ok(view::no_store(templates::page_in(
        Some(learner),
        view.layout.section,
        &view,
    )))
}
