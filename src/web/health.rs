//! Probes for load balancers and orchestrators: `/healthz` says the process is up, `/readyz`
//! that it can serve (the database answers and content is loaded).

use std::time::Duration;

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::app::AppState;

/// How long the database has to answer before the instance counts as not ready.
const DATABASE_WAIT: Duration = Duration::from_secs(2);

/// GET /healthz: the process is up and serving requests.
pub async fn live() -> Response {
    plain(StatusCode::OK, "ok".to_owned())
}

/// GET /readyz: 200 when the database answers and content is loaded, 503 saying what is wrong
/// otherwise.
pub async fn ready(State(state): State<AppState>) -> Response {
    let pages = state.content().site.pages().len();
    let database = match tokio::time::timeout(DATABASE_WAIT, state.store.ping()).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(err)) => Err(format!("the database does not answer: {err}")),
        Err(_) => Err(format!(
            "the database did not answer within {} s",
            DATABASE_WAIT.as_secs()
        )),
    };
    match database {
        Ok(()) => plain(
            StatusCode::OK,
            format!("ready: the database answers; {pages} content pages loaded\n"),
        ),
        Err(why) => {
            tracing::warn!(%why, "not ready");
            plain(
                StatusCode::SERVICE_UNAVAILABLE,
                format!("not ready: {why}\n"),
            )
        }
    }
}

fn plain(status: StatusCode, body: String) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}
