//! Hints on the investigation console, each with a cost the learner sees before taking it: the
//! next step's title, then its command, one at a time. Each hint taken is recorded with the
//! investigation and its cost comes off the score of the attempt that claims it.

use axum::extract::rejection::FormRejection;
use axum::extract::{Form, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::SignedCookieJar;
use serde::Deserialize;

use crate::app::AppState;
use crate::content::investigation::Step;
use crate::error::AppError;
use crate::store::{HintLevel, NewHint, TakenHint, TypedCommand};
use crate::web::attempts::rejection;
use crate::web::identity::Visitor;
use crate::web::investigate;
use crate::web::limits::Client;
use crate::web::view;

/// The hint the learner would get next: the first step of the path neither reached by a
/// command nor given away by a command hint; its title first, then its command (a step with
/// no command has only its title to give).
pub fn next(
    steps: &[Step],
    typed: &[TypedCommand],
    taken: &[TakenHint],
) -> Option<(usize, HintLevel)> {
    let has = |step: usize, level: HintLevel| {
        taken
            .iter()
            .any(|h| h.step == step as i64 && h.level() == level)
    };
    steps.iter().enumerate().find_map(|(n, step)| {
        let reached = typed.iter().any(|t| t.step == Some(n as i64));
        if reached || has(n, HintLevel::Command) {
            return None;
        }
        if !has(n, HintLevel::Title) {
            return Some((n, HintLevel::Title));
        }
        step.commands().next().map(|_| (n, HintLevel::Command))
    })
}

/// What a hint said: words, and for a command hint the command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Said {
    pub text: String,
    pub command: Option<String>,
    /// Points it cost.
    pub points: u32,
}

/// What a hint says. `None` for a hint about a step the path no longer has.
pub fn text(steps: &[Step], hint: &TakenHint) -> Option<Said> {
    let step = steps.get(usize::try_from(hint.step).ok()?)?;
    let n = hint.step + 1;
    let (text, command) = match hint.level() {
        HintLevel::Title => match &step.label {
            Some(label) => (
                format!("Step {n} ({}): {}", label.to_lowercase(), step.title),
                None,
            ),
            None => (format!("Step {n}: {}", step.title), None),
        },
        HintLevel::Command => (
            format!("Step {n} runs"),
            Some(step.commands().next()?.to_owned()),
        ),
    };
    Some(Said {
        text,
        command,
        points: points(hint.cost),
    })
}

/// What the hints said, for a list: a hint about a step the path no longer has says so.
pub fn said(steps: &[Step], taken: &[TakenHint]) -> Vec<Said> {
    taken
        .iter()
        .map(|h| {
            text(steps, h).unwrap_or_else(|| Said {
                text: format!("A hint on step {}, no longer on the path", h.step + 1),
                command: None,
                points: points(h.cost),
            })
        })
        .collect()
}

/// What the next hint would give, for its button: "the title of step 2".
pub fn offer(next: (usize, HintLevel)) -> String {
    let (step, level) = next;
    match level {
        HintLevel::Title => format!("the title of step {}", step + 1),
        HintLevel::Command => format!("the command of step {}", step + 1),
    }
}

/// Points off the score, from a stored cost (a share).
pub fn points(cost: f64) -> u32 {
    view::percent(cost)
}

#[derive(Debug, Deserialize)]
pub struct HintForm {
    csrf: String,
    scenario: String,
}

/// POST /hints: gives the learner the next hint on the scenario's path, records it with its
/// cost, and shows the page at its console (303).
pub async fn take(
    State(state): State<AppState>,
    visitor: Visitor,
    Client(client): Client,
    jar: SignedCookieJar,
    headers: HeaderMap,
    form: Result<Form<HintForm>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form.map_err(rejection)?;
    visitor.check_post(&headers, &form.csrf)?;
    state.limits.submit(client)?;
    let content = state.content();
    let (page, steps) = investigate::with_path(&content, &form.scenario, visitor.reader())?;
    let (learner, jar) = visitor.for_post(jar, &headers, &form.csrf)?;
    let (typed, taken) = match learner.fresh {
        true => (Vec::new(), Vec::new()),
        false => {
            state
                .store
                .investigation_and_hints(&learner.id, &page.slug)
                .await?
        }
    };
    let Some((step, level)) = next(steps, &typed, &taken) else {
        return Err(AppError::Conflict(
            "No hints left: every step of the path is reached or its command shown.".to_owned(),
        ));
    };
    state
        .store
        .take_hint(NewHint {
            learner: learner.id.clone(),
            scenario: page.slug.clone(),
            step: step as i64,
            level,
            cost: f64::from(page.meta.hint_cost()) / 100.0,
            at: view::now_ms(),
        })
        .await?;
    Ok((jar, Redirect::to(&format!("{}#console", page.url))).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(title: &str, code: &str) -> Step {
        Step {
            title: title.into(),
            code: code.into(),
            ..Step::default()
        }
    }

    fn hint(step: i64, level: HintLevel) -> TakenHint {
        TakenHint {
            step,
            level: level.as_str().to_owned(),
            cost: 0.05,
            at: 0,
        }
    }

    fn typed(step: Option<i64>) -> TypedCommand {
        TypedCommand {
            command: "x".into(),
            step,
            harm: None,
            at: 0,
        }
    }

    fn said_all(steps: &[Step]) -> Vec<Said> {
        said(steps, &[hint(9, HintLevel::Title)])
    }

    #[test]
    fn hints_give_the_next_unreached_step_title_then_command() {
        use HintLevel::{Command, Title};
        let steps = [
            step("Look at the pods", "kubectl get pods"),
            step("Read the notes", ""),
            step("Check events", "# a comment\nkubectl get events"),
        ];
        assert_eq!(next(&steps, &[], &[]), Some((0, Title)));
        assert_eq!(next(&steps, &[], &[hint(0, Title)]), Some((0, Command)));
        // The first step reached by a command: its hints are no longer needed.
        assert_eq!(next(&steps, &[typed(Some(0))], &[]), Some((1, Title)));
        // A step without a command has only its title to give.
        let taken = [hint(0, Title), hint(0, Command), hint(1, Title)];
        assert_eq!(next(&steps, &[], &taken), Some((2, Title)));
        let all = [hint(1, Title), hint(2, Title), hint(2, Command)];
        assert_eq!(next(&steps, &[typed(Some(0))], &all), None);
        let said = text(&steps, &hint(2, Command)).unwrap();
        assert_eq!(said.text, "Step 3 runs");
        assert_eq!(said.command.as_deref(), Some("kubectl get events"));
        assert_eq!(said.points, 5);
        assert_eq!(
            text(&steps, &hint(0, Title)).map(|s| s.text).as_deref(),
            Some("Step 1: Look at the pods")
        );
        assert_eq!(text(&steps, &hint(7, Title)), None);
        assert!(said_all(&steps)[0].text.contains("no longer on the path"));
        assert_eq!(offer((1, Command)), "the command of step 2");
    }
}
