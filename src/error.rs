//! One error type for handlers: logs the cause, shows the user a clear page without internals.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::templates::{ErrorPage, Layout};
use crate::web::audit::Refusal;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    /// No attempt of this learner's has this id: it does not exist or is someone else's (the
    /// two are not told apart).
    #[error("attempt not found")]
    PrivateAttempt,
    /// A form without this browser's token: most likely a forged cross-site request.
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    /// A malformed request, with a message for the user.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// Only signed-in users may see this; they are sent to sign in, then back to this path.
    #[error("sign in required")]
    SignIn(String),
    /// The signed-in user's role does not allow this.
    #[error("not allowed for this role")]
    NotAllowed,
    /// The interview has ended: nothing more can change in it.
    #[error("gone")]
    Gone,
    /// Not in this order: the request waits on something else first (a gauntlet's round that
    /// is not open yet), with a message for the user.
    #[error("conflict: {0}")]
    Conflict(String),
    /// Too many requests of this kind from this client; try again after the duration.
    #[error("rate limited")]
    TooMany(std::time::Duration),
    /// Too many password checks are queued; try again shortly.
    #[error("busy")]
    Busy,
    /// Too many answers are waiting to be graded; try again shortly.
    #[error("busy grading")]
    GradingBusy,
    /// The request is larger than the server accepts.
    #[error("payload too large: {0}")]
    TooLarge(String),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error(transparent)]
    Template(#[from] askama::Error),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let retry_after = match &self {
            AppError::SignIn(next) => return sign_in_redirect(next),
            AppError::TooMany(wait) => Some(wait.as_secs().max(1)),
            AppError::Busy | AppError::GradingBusy => Some(2),
            _ => None,
        };
        let waiting;
        let (status, title, message) = match &self {
            AppError::SignIn(_) => unreachable!("answered above"),
            AppError::Gone => (
                StatusCode::GONE,
                "This interview has ended",
                "The interview is over, so nothing more can be added to it.",
            ),
            AppError::NotAllowed => (
                StatusCode::FORBIDDEN,
                "Not available to your account",
                "Your account's role does not allow this page. Ask an admin if you need it.",
            ),
            AppError::TooMany(wait) => {
                let seconds = usize::try_from(wait.as_secs().max(1)).unwrap_or(usize::MAX);
                waiting = format!(
                    "Too many tries in a short time. Wait {}, then try again.",
                    crate::content::plural(seconds, "second", "seconds")
                );
                (StatusCode::TOO_MANY_REQUESTS, "Slow down", waiting.as_str())
            }
            AppError::Busy => (
                StatusCode::SERVICE_UNAVAILABLE,
                "Busy",
                "Many people are signing in right now. Try again in a few seconds.",
            ),
            AppError::GradingBusy => (
                StatusCode::SERVICE_UNAVAILABLE,
                "Busy",
                "Many answers are being scored right now. Try again in a few seconds.",
            ),
            AppError::NotFound => (
                StatusCode::NOT_FOUND,
                "Page not found",
                "There is no page at this address.",
            ),
            AppError::PrivateAttempt => (
                StatusCode::NOT_FOUND,
                "No attempt of yours here",
                "Attempts are private: each one is shown only to the learner who wrote it. If this one is yours, open it in the browser you answered in, or sign in with the account you answered with.",
            ),
            AppError::Forbidden(message) => {
                (StatusCode::FORBIDDEN, "This form has expired", *message)
            }
            AppError::BadRequest(message) => {
                (StatusCode::BAD_REQUEST, "Bad request", message.as_str())
            }
            AppError::Conflict(message) => (StatusCode::CONFLICT, "Not yet", message.as_str()),
            AppError::TooLarge(message) => {
                (StatusCode::PAYLOAD_TOO_LARGE, "Too large", message.as_str())
            }
            AppError::Template(_) | AppError::Internal(_) | AppError::Store(_) => {
                tracing::error!(error = %self, "request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Something went wrong",
                    "The server could not show this page. The problem has been logged; please try again.",
                )
            }
        };
        let page = ErrorPage {
            layout: Layout::default(),
            status: status.as_u16(),
            title,
            message,
            path: None,
        };
        let mut response = (status, crate::templates::page(&page)).into_response();
        // A signed-in visitor gets their own header on it (`web::error_nav`).
        response
            .extensions_mut()
            .insert(crate::web::error_nav::ErrorPageMarker);
        if let Some(refusal) = self.refusal() {
            response.extensions_mut().insert(refusal);
        }
        if let Some(seconds) = retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

impl AppError {
    /// What the security log says of this error, if it refuses something.
    fn refusal(&self) -> Option<Refusal> {
        let (what, why) = match self {
            AppError::Forbidden(why) => ("form from another site or without its token", Some(*why)),
            AppError::NotAllowed => ("role does not allow this", None),
            AppError::TooMany(_) => ("rate limited", None),
            AppError::PrivateAttempt => ("attempt not the learner's", None),
            _ => return None,
        };
        Some(Refusal {
            why,
            ..Refusal::new(what)
        })
    }
}

/// 303 to the sign-in page, which returns to `next` (a path on this site) afterwards.
fn sign_in_redirect(next: &str) -> Response {
    let next: String = form_urlencoded::byte_serialize(next.as_bytes()).collect();
    crate::web::redirect::see_other(&format!("/sign-in?next={next}"))
}

impl From<crate::accounts::Busy> for AppError {
    fn from(_: crate::accounts::Busy) -> Self {
        AppError::Busy
    }
}

/// The answer to a request whose handler panicked: the generic error page; the panic message
/// goes to the log only.
pub fn panicked(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let message = panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    AppError::Internal(anyhow::anyhow!("handler panicked: {message}")).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn body_of(error: AppError) -> String {
        let body = error.into_response().into_body();
        let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap();
        String::from_utf8(bytes.to_vec()).unwrap()
    }

    #[tokio::test]
    async fn a_rate_limit_says_how_long_to_wait_in_plain_words() {
        let one = body_of(AppError::TooMany(std::time::Duration::from_millis(300))).await;
        assert!(one.contains("Wait 1 second, then try again."), "{one}");
        let many = body_of(AppError::TooMany(std::time::Duration::from_secs(30))).await;
        assert!(many.contains("Wait 30 seconds, then try again."), "{many}");
    }
}
