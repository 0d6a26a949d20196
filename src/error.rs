//! One error type for handlers: logs the cause, shows the user a clear page without internals.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::templates::{ErrorPage, Layout};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    /// A form without this browser's token: most likely a forged cross-site request.
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    /// A malformed request, with a message for the user.
    #[error("bad request: {0}")]
    BadRequest(String),
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
        let (status, title, message) = match &self {
            AppError::NotFound => (
                StatusCode::NOT_FOUND,
                "Page not found",
                "There is no page at this address.",
            ),
            AppError::Forbidden(message) => {
                (StatusCode::FORBIDDEN, "This form has expired", *message)
            }
            AppError::BadRequest(message) => {
                (StatusCode::BAD_REQUEST, "Bad request", message.as_str())
            }
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
        (status, crate::templates::page(&page)).into_response()
    }
}
