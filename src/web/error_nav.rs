//! Error pages in the signed-in header: an error is answered by `AppError` without knowing who
//! asked, so its page has the signed-out header ("Sign in", "Sign up"). For a signed-in visitor
//! this layer puts their own header back (their name, their sections, sign out) on error pages.

use axum::body::Body;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;

use crate::app::AppState;
use crate::web::identity::Visitor;

/// Marks a response as an error page whose header may be personalised.
#[derive(Debug, Clone, Copy)]
pub struct ErrorPageMarker;

/// Error pages are small; a larger body is left as it is.
const MAX_PAGE: usize = 1 << 20;

/// Lets the request through; on an error page for a request with cookies, puts the visitor's
/// own header in place of the signed-out one. Requests without a cookie pay nothing.
pub async fn personalise(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let cookies = request.headers().get(header::COOKIE).cloned();
    let forwarded = request.headers().get("x-forwarded-proto").cloned();
    let response = next.run(request).await;
    let Some(cookies) = cookies else {
        return response;
    };
    if response.extensions().get::<ErrorPageMarker>().is_none() {
        return response;
    }
    // Who asked, read again from their cookies (only on an error page).
    let mut probe = Request::builder().header(header::COOKIE, cookies);
    if let Some(forwarded) = forwarded {
        probe = probe.header("x-forwarded-proto", forwarded);
    }
    let Ok(probe) = probe.body(()) else {
        return response;
    };
    let (mut parts, ()) = probe.into_parts();
    let Ok(visitor) = Visitor::from_request_parts(&mut parts, &state).await else {
        return response;
    };
    let Some(nav) = crate::templates::account_nav(visitor.0.as_ref()) else {
        return response;
    };
    let (head, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_PAGE).await else {
        return Response::from_parts(head, Body::empty());
    };
    let personal = crate::templates::personal(Some(nav), [bytes]);
    let (_, body) = personal.into_parts();
    let mut head = head;
    head.headers.remove(header::CONTENT_LENGTH);
    // It names the account now: no cache may keep it.
    head.headers.insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    Response::from_parts(head, body)
}
