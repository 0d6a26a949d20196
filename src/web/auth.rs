//! Sign up, sign in, sign out, and the admin's list of users. The signed-in user's own page is
//! in `account.rs`.

use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::accounts::{self, Password, Role};
use crate::app::AppState;
use crate::error::AppError;
use crate::store::{NewUser, RoleChange};
use crate::templates::{self, AdminUsersPage, Layout, SignInPage, SignUpPage, UserRow};
use crate::web::attempts::rejection;
use crate::web::audit::{self, Refusal};
use crate::web::identity::{self, Visitor};
use crate::web::limits::Client;
use crate::web::{redirect, view};

#[derive(Debug, Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// Where to go after signing in: `next` if it is a page of this site, else the catalogue
/// (see [`redirect::local`]).
fn local_path(next: Option<&str>) -> String {
    redirect::local_or_home(next)
}

/// The page a visitor came from, as a local path, when it was a page of this site other than
/// the account forms: where the header's "Sign in" link returns to without any script.
fn came_from(headers: &HeaderMap) -> Option<String> {
    let host = headers.get(header::HOST)?.to_str().ok()?;
    let referer = headers.get(header::REFERER)?.to_str().ok()?;
    let (_, rest) = referer.split_once("://")?;
    let path = rest.strip_prefix(host)?;
    let page = path.split(['?', '#']).next().unwrap_or("");
    let useful = path.starts_with('/') && !matches!(page, "/sign-in" | "/sign-up");
    useful.then(|| path.split('#').next().unwrap_or(path).to_owned())
}

/// Where a form page sends the visitor afterwards: the `next` asked for, else the page they
/// came from.
fn next_of(query: NextQuery, headers: &HeaderMap) -> Option<String> {
    query.next.or_else(|| came_from(headers))
}

/// GET /sign-in
pub async fn sign_in_page(
    State(state): State<AppState>,
    visitor: Visitor,
    headers: HeaderMap,
    Query(query): Query<NextQuery>,
) -> Response {
    let next = next_of(query, &headers);
    sign_in_form(&state, &visitor, next.as_deref(), "", None)
}

/// The sign-in page, with the name typed and what went wrong after a failed try (422).
fn sign_in_form(
    state: &AppState,
    visitor: &Visitor,
    next: Option<&str>,
    name: &str,
    error: Option<&str>,
) -> Response {
    let learner = visitor.clone().or_new();
    let page = SignInPage {
        layout: Layout::default(),
        csrf: &learner.csrf,
        next: &local_path(next),
        name,
        error,
        signup_open: state.signup_open,
        signed_in_as: visitor.account().map(|a| a.name.as_str()),
    };
    let status = match error {
        Some(_) => StatusCode::UNPROCESSABLE_ENTITY,
        None => StatusCode::OK,
    };
    view::no_store((status, templates::page_for(visitor.0.as_ref(), &page)).into_response())
}

#[derive(Debug, Deserialize)]
pub struct SignInForm {
    csrf: String,
    name: String,
    password: Password,
    #[serde(default)]
    next: Option<String>,
}

/// POST /sign-in: checks the password off the async runtime, then starts a new session.
pub async fn sign_in(
    State(state): State<AppState>,
    visitor: Visitor,
    Client(client): Client,
    headers: HeaderMap,
    form: Result<Form<SignInForm>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form.map_err(rejection)?;
    visitor.check_post(&headers, &form.csrf)?;
    let name = form.name.trim();
    slow_down(state.limits.sign_in(client, name)?, client, &headers).await;
    // No account's password is longer than sign-up allows: not worth hashing.
    let too_long = form.password.0.chars().count() > accounts::PASSWORD_CHARS.1;
    let user = match too_long {
        true => None,
        false => state.store.user(name).await?,
    };
    let hash = user.as_ref().map(|u| u.password_hash.clone());
    let matches = !too_long && state.hasher.verify(form.password, hash).await?;
    let user = match user {
        Some(user) if matches => user,
        known => {
            let mut refusal = Refusal::new("sign-in failed");
            refusal.account = known.map(|user| user.name);
            refusal.why = too_long.then_some("a password longer than any account's");
            let page = sign_in_failed(&state, &visitor, form.next.as_deref(), name);
            return Ok(with_refusal(page, refusal));
        }
    };
    tracing::info!(user = %user.name, "signed in");
    // Decided before the session starts: nothing after this point fails on the input.
    let next = local_path(form.next.as_deref());
    let cookies = identity::sign_in(&state, visitor, user.id).await?;
    Ok((cookies, redirect::see_other(&next)).into_response())
}

/// The sign-in form again after a wrong name or password (422), the same whichever was wrong.
fn sign_in_failed(state: &AppState, visitor: &Visitor, next: Option<&str>, name: &str) -> Response {
    let error = "That user name and password do not match an account.";
    sign_in_form(state, visitor, next, name, Some(error))
}

/// Waits `delay` (how much a sign-in try is slowed because its name is tried often), and says
/// so in the log.
pub(crate) async fn slow_down(
    delay: std::time::Duration,
    client: std::net::IpAddr,
    headers: &HeaderMap,
) {
    if delay.is_zero() {
        return;
    }
    let request_id = audit::request_id(headers);
    let delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX);
    tracing::warn!(%client, %request_id, delay_ms, "sign-in slowed: the account name is tried often");
    tokio::time::sleep(delay).await;
}

/// The response, marked for the security log as refusing something.
pub(crate) fn with_refusal(mut response: Response, refusal: Refusal) -> Response {
    response.extensions_mut().insert(refusal);
    response
}

/// GET /sign-up
pub async fn sign_up_page(
    State(state): State<AppState>,
    visitor: Visitor,
    headers: HeaderMap,
    Query(query): Query<NextQuery>,
) -> Response {
    let learner = visitor.clone().or_new();
    let next = next_of(query, &headers);
    let page = SignUpPage {
        layout: Layout::default(),
        csrf: &learner.csrf,
        next: &local_path(next.as_deref()),
        name: "",
        error: None,
        open: state.signup_open,
    };
    view::no_store(templates::page_for(visitor.0.as_ref(), &page))
}

#[derive(Debug, Deserialize)]
pub struct SignUpForm {
    csrf: String,
    name: String,
    password: Password,
    confirm: Password,
    #[serde(default)]
    next: Option<String>,
}

/// POST /sign-up: creates a learner account and signs it in.
pub async fn sign_up(
    State(state): State<AppState>,
    visitor: Visitor,
    Client(client): Client,
    headers: HeaderMap,
    form: Result<Form<SignUpForm>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form.map_err(rejection)?;
    visitor.check_post(&headers, &form.csrf)?;
    if !state.signup_open {
        return Err(AppError::NotAllowed);
    }
    state.limits.sign_up(client)?;
    let name = form.name.trim();
    let problem = accounts::check_name(name)
        .and_then(|()| accounts::check_new_password(&form.password.0, &form.confirm.0, name));
    let created = match problem {
        Err(problem) => Err(problem),
        Ok(()) => {
            let hash = state.hasher.hash(form.password).await?;
            let user = NewUser {
                name: name.to_owned(),
                password_hash: hash,
                role: Role::Learner.as_str().to_owned(),
                created_at: view::now_ms(),
            };
            state
                .store
                .create_user(user)
                .await?
                .ok_or_else(|| format!("The name “{name}” is taken; choose another."))
        }
    };
    let user_id = match created {
        Ok(id) => id,
        Err(problem) => {
            let learner = visitor.clone().or_new();
            let page = SignUpPage {
                layout: Layout::default(),
                csrf: &learner.csrf,
                next: &local_path(form.next.as_deref()),
                name,
                error: Some(&problem),
                open: true,
            };
            let page = templates::page_for(visitor.0.as_ref(), &page);
            return Ok(view::no_store(
                (StatusCode::UNPROCESSABLE_ENTITY, page).into_response(),
            ));
        }
    };
    tracing::info!(user = %name, "account created");
    // From the catalogue or nowhere in particular: show where their attempts went.
    let next = match local_path(form.next.as_deref()) {
        home if home == "/" => "/attempts".to_owned(),
        page => page,
    };
    let cookies = identity::sign_in(&state, visitor, user_id).await?;
    Ok((cookies, redirect::see_other(&next)).into_response())
}

#[derive(Debug, Deserialize)]
pub struct TokenForm {
    csrf: String,
}

/// POST /sign-out: ends the session server-side.
pub async fn sign_out(
    State(state): State<AppState>,
    visitor: Visitor,
    headers: HeaderMap,
    form: Result<Form<TokenForm>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form.map_err(rejection)?;
    visitor.check_post(&headers, &form.csrf)?;
    let cookies = identity::sign_out(&state, &visitor).await?;
    Ok((cookies, redirect::see_other("/")).into_response())
}

/// GET /admin/users: every account with a form to change its role (admins only).
pub async fn users(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(query): Query<UsersQuery>,
) -> Result<Response, AppError> {
    let after = query.after.unwrap_or_default();
    users_page(&state, &visitor, &after, None, StatusCode::OK).await
}

/// Users shown on one page of `/admin/users`.
const USERS_PER_PAGE: u32 = 100;

#[derive(Debug, Deserialize)]
pub struct UsersQuery {
    /// The last name of the previous page.
    after: Option<String>,
}

async fn users_page(
    state: &AppState,
    visitor: &Visitor,
    after: &str,
    message: Option<&str>,
    status: StatusCode,
) -> Result<Response, AppError> {
    visitor.require(Role::is_admin, "/admin/users")?;
    let learner = visitor.0.as_ref();
    // One more than a page says whether there is a next one.
    let mut found = state.store.users_after(after, USERS_PER_PAGE + 1).await?;
    let more = found.len() > USERS_PER_PAGE as usize;
    found.truncate(USERS_PER_PAGE as usize);
    let next = found.last().filter(|_| more).map(|u| u.name.clone());
    let users = found
        .into_iter()
        .map(|u| UserRow {
            name: u.name,
            role: u.role,
            created: view::date_time(u.created_at),
            last_sign_in: u
                .last_sign_in_at
                .map_or_else(|| "never".to_owned(), view::date_time),
        })
        .collect();
    let page = AdminUsersPage {
        layout: Layout::in_section("users"),
        csrf: learner.map_or("", |l| l.csrf.as_str()),
        users,
        roles: Role::ALL,
        message,
        paged: !after.is_empty(),
        next,
    };
    let html = templates::page_in(learner, page.layout.section, &page);
    Ok(view::no_store((status, html).into_response()))
}

#[derive(Debug, Deserialize)]
pub struct RoleForm {
    csrf: String,
    role: String,
}

/// POST /admin/users/{name}/role (admins only).
pub async fn set_role(
    State(state): State<AppState>,
    visitor: Visitor,
    headers: HeaderMap,
    Path(name): Path<String>,
    form: Result<Form<RoleForm>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form.map_err(rejection)?;
    let admin = visitor.require(Role::is_admin, "/admin/users")?;
    visitor.check_post(&headers, &form.csrf)?;
    let role = Role::parse(&form.role).ok_or_else(|| {
        AppError::BadRequest(format!(
            "“{}” is not a role: use learner, interviewer, author or admin.",
            form.role
        ))
    })?;
    match state.store.set_role(&name, role.as_str()).await? {
        RoleChange::Changed => {
            tracing::info!(by = %admin.name, user = %name, %role, "role changed");
            Ok(redirect::see_other("/admin/users").into_response())
        }
        RoleChange::NoSuchUser => Err(AppError::NotFound),
        RoleChange::LastAdmin => {
            let message = format!("{name} is the only admin; make someone else admin first.");
            users_page(&state, &visitor, "", Some(&message), StatusCode::CONFLICT).await
        }
    }
}
