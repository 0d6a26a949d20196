//! Security logging, in one outermost layer: every refusal (a failed sign-in, a rate limit, a
//! refused form, a role refused, a private attempt) and every 404 on a protected route is
//! logged with the client's address and the request id, which the server always makes itself
//! (an `X-Request-Id` sent by the client is dropped). Handlers and [`crate::error::AppError`]
//! mark a refusal with a [`Refusal`] response extension; this layer writes the line. No secret,
//! password, cookie or token is ever logged: the path of a candidate link is masked.

use std::future::Future;
use std::net::IpAddr;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, Request, Response, StatusCode, Uri};
use tower::{Layer, Service};

use crate::web::limits;

/// The header that carries the request id.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Routes where a 404 may be someone probing for what is not theirs.
const PROTECTED: &[&str] = &[
    "/account",
    "/admin",
    "/attempts/",
    "/i/",
    "/interviews",
    "/stats",
];

/// A response that refuses something, for the security log.
#[derive(Debug, Clone)]
pub struct Refusal {
    /// What was refused, in a few words: `sign-in failed`, `rate limited`, ...
    pub what: &'static str,
    /// Why, when there is more to say (a fixed text, never input).
    pub why: Option<&'static str>,
    /// The account concerned, when it exists.
    pub account: Option<String>,
}

impl Refusal {
    pub fn new(what: &'static str) -> Self {
        Self {
            what,
            why: None,
            account: None,
        }
    }
}

/// The request id the server gave this request (`-` when none).
pub fn request_id(headers: &HeaderMap) -> &str {
    headers
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-")
}

/// Logs refusals; drops client-sent request ids. `behind_proxy` as in [`limits::Client`].
#[derive(Debug, Clone, Copy)]
pub struct AuditLayer {
    pub behind_proxy: bool,
}

impl<S> Layer<S> for AuditLayer {
    type Service = Audit<S>;

    fn layer(&self, inner: S) -> Self::Service {
        Audit {
            inner,
            behind_proxy: self.behind_proxy,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Audit<S> {
    inner: S,
    behind_proxy: bool,
}

/// What the log line needs from the request.
#[derive(Debug)]
struct Asked {
    client: IpAddr,
    method: Method,
    uri: Uri,
}

impl<S, ReqBody, ResBody> Service<Request<ReqBody>> for Audit<S>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<ReqBody>) -> Self::Future {
        // The id is the server's to make (`SetRequestIdLayer` keeps one that is there).
        request.headers_mut().remove(REQUEST_ID);
        let client =
            limits::client_address(request.headers(), request.extensions(), self.behind_proxy);
        let asked = Asked {
            client,
            method: request.method().clone(),
            uri: request.uri().clone(),
        };
        ResponseFuture {
            inner: self.inner.call(request),
            asked: Some(asked),
        }
    }
}

pin_project_lite::pin_project! {
    #[derive(Debug)]
    pub struct ResponseFuture<F> {
        #[pin]
        inner: F,
        asked: Option<Asked>,
    }
}

impl<F, B, E> Future for ResponseFuture<F>
where
    F: Future<Output = Result<Response<B>, E>>,
{
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let response = ready!(this.inner.poll(cx))?;
        if let Some(asked) = this.asked.take() {
            log(&asked, &response);
        }
        Poll::Ready(Ok(response))
    }
}

/// Writes the security log line for this response, if it is one to log.
fn log<B>(asked: &Asked, response: &Response<B>) {
    let status = response.status();
    let refusal = response.extensions().get::<Refusal>();
    let protected_404 = status == StatusCode::NOT_FOUND
        && PROTECTED.iter().any(|p| asked.uri.path().starts_with(p));
    if refusal.is_none() && !protected_404 {
        return;
    }
    let request_id = response
        .headers()
        .get(REQUEST_ID)
        .and_then(|v: &HeaderValue| v.to_str().ok())
        .unwrap_or("-");
    let path = crate::app::loggable(asked.uri.path());
    let (client, method, status) = (asked.client, &asked.method, status.as_u16());
    match refusal {
        Some(r) => tracing::warn!(
            %client, %request_id, %method, %path, status,
            account = %r.account.as_deref().unwrap_or("-"),
            why = %r.why.unwrap_or("-"),
            "refused: {}", r.what
        ),
        None => tracing::info!(
            %client, %request_id, %method, %path, status,
            "refused: not found on a protected route"
        ),
    }
}
