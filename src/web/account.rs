//! The signed-in user's own page: who they are, changing their password, and the sessions
//! they have (when each started and was last used), any of which they can end.

use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::accounts::{self, Password};
use crate::app::AppState;
use crate::error::AppError;
use crate::templates::{self, AccountPage, Layout, SessionRow};
use crate::web::attempts::rejection;
use crate::web::audit::Refusal;
use crate::web::auth::{slow_down, with_refusal};
use crate::web::identity::{self, Visitor};
use crate::web::limits::Client;
use crate::web::{redirect, view};

#[derive(Debug, Deserialize)]
pub struct AccountQuery {
    changed: Option<String>,
    ended: Option<String>,
}

/// GET /account: who you are, the form to change your password, and your sessions.
pub async fn account(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(query): Query<AccountQuery>,
) -> Result<Response, AppError> {
    let message = match (query.changed, query.ended) {
        (Some(_), _) => Some("Your password is changed; your other sessions have ended."),
        (None, Some(_)) => Some("That session has ended: its browser is signed out."),
        (None, None) => None,
    };
    account_page(&state, &visitor, message, None).await
}

async fn account_page(
    state: &AppState,
    visitor: &Visitor,
    message: Option<&str>,
    error: Option<&str>,
) -> Result<Response, AppError> {
    let account = visitor.require(|_| true, "/account")?;
    let learner = visitor.0.as_ref().ok_or(AppError::NotFound)?;
    let now = view::now_ms();
    let sessions = state
        .store
        .sessions_of(account.user_id)
        .await?
        .into_iter()
        .filter(|s| !state.sessions.ended(s.created_at, s.last_seen_at, now))
        .map(|s| SessionRow {
            handle: identity::session_handle(&s.token_hash),
            created: view::date_time(s.created_at),
            last_seen: view::date_time(s.last_seen_at),
            current: s.token_hash == account.session_hash(),
        })
        .collect();
    let page = AccountPage {
        layout: Layout::default(),
        csrf: &learner.csrf,
        name: &account.name,
        role: account.role,
        message,
        error,
        sessions,
    };
    let status = match error {
        Some(_) => StatusCode::UNPROCESSABLE_ENTITY,
        None => StatusCode::OK,
    };
    Ok(view::no_store(
        (status, templates::page_for(Some(learner), &page)).into_response(),
    ))
}

#[derive(Debug, Deserialize)]
pub struct EndSessionForm {
    csrf: String,
    session: String,
}

/// POST /account/sessions/end: ends one of the user's sessions; ending this browser's own
/// signs it out.
pub async fn end_session(
    State(state): State<AppState>,
    visitor: Visitor,
    headers: HeaderMap,
    form: Result<Form<EndSessionForm>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form.map_err(rejection)?;
    let account = visitor.require(|_| true, "/account")?;
    visitor.check_post(&headers, &form.csrf)?;
    let sessions = state.store.sessions_of(account.user_id).await?;
    let session = sessions
        .iter()
        .find(|s| identity::session_handle(&s.token_hash) == form.session)
        .ok_or(AppError::NotFound)?;
    if session.token_hash == account.session_hash() {
        let cookies = identity::sign_out(&state, &visitor).await?;
        return Ok((cookies, redirect::see_other("/")).into_response());
    }
    state.store.end_session(&session.token_hash).await?;
    tracing::info!(user = %account.name, "a session ended from the account page");
    Ok(redirect::see_other("/account?ended=1"))
}

#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    csrf: String,
    current: Password,
    password: Password,
    confirm: Password,
}

/// POST /account/password: checks the current password, stores the new one, ends every other
/// session of the user.
pub async fn change_password(
    State(state): State<AppState>,
    visitor: Visitor,
    Client(client): Client,
    headers: HeaderMap,
    form: Result<Form<PasswordForm>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form.map_err(rejection)?;
    let account = visitor.require(|_| true, "/account")?;
    visitor.check_post(&headers, &form.csrf)?;
    slow_down(
        state.limits.sign_in(client, &account.name)?,
        client,
        &headers,
    )
    .await;
    let user = state
        .store
        .user(&account.name)
        .await?
        .ok_or(AppError::NotFound)?;
    let matches = state
        .hasher
        .verify(form.current, Some(user.password_hash))
        .await?;
    let problem = if !matches {
        Err("Your current password is not right.".to_owned())
    } else {
        accounts::check_new_password(&form.password.0, &form.confirm.0, &account.name)
    };
    if let Err(problem) = problem {
        let page = account_page(&state, &visitor, None, Some(&problem)).await?;
        return Ok(match matches {
            true => page,
            false => {
                let mut refusal = Refusal::new("password change: the current password is wrong");
                refusal.account = Some(account.name.clone());
                with_refusal(page, refusal)
            }
        });
    }
    let hash = state.hasher.hash(form.password).await?;
    state
        .store
        .set_password(&account.name, hash, Some(account.session_hash()))
        .await?;
    tracing::info!(user = %account.name, "password changed");
    Ok(redirect::see_other("/account?changed=1").into_response())
}
