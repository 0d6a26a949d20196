//! Application state, the one route table, the tower-http layers, and serving with graceful
//! shutdown.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::Context;
use axum::Router;
use axum::http::{HeaderName, HeaderValue, Request, header};
use axum::routing::get;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::config::ServeArgs;
use crate::content::Site;
use crate::web::pages;

/// Shared state handed to every handler.
#[derive(Debug, Clone)]
pub struct AppState {
    site: Arc<Site>,
}

impl AppState {
    pub fn new(site: Site) -> Self {
        Self {
            site: Arc::new(site),
        }
    }

    /// The content currently served.
    pub fn site(&self) -> Arc<Site> {
        Arc::clone(&self.site)
    }
}

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The whole application: routes, static files and layers.
pub fn router(state: AppState, static_dir: &Path) -> Router {
    let static_files = Router::new()
        .fallback_service(ServeDir::new(static_dir))
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=31536000, immutable"),
        ));
    Router::new()
        .route("/", get(pages::catalogue))
        .route("/wiki", get(pages::wiki_index))
        .route("/healthz", get(|| async { "ok" }))
        .nest("/static", static_files)
        .fallback(get(pages::page))
        .with_state(state)
        .layer(CompressionLayer::new())
        .layer(security_headers())
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(TraceLayer::new_for_http().make_span_with(|request: &Request<_>| {
            let id = request.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
            tracing::debug_span!("request", id, method = %request.method(), uri = %request.uri())
        }))
        .layer(SetRequestIdLayer::new(REQUEST_ID, SequentialId::default()))
}

/// Headers that make every response safer to render; pages use no inline script or style.
fn security_headers() -> tower::layer::util::Stack<
    SetResponseHeaderLayer<HeaderValue>,
    tower::layer::util::Stack<
        SetResponseHeaderLayer<HeaderValue>,
        SetResponseHeaderLayer<HeaderValue>,
    >,
> {
    let csp = "default-src 'self'; img-src 'self' https: data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";
    tower::layer::util::Stack::new(
        SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(csp),
        ),
        tower::layer::util::Stack::new(
            SetResponseHeaderLayer::if_not_present(
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
            SetResponseHeaderLayer::if_not_present(
                header::REFERRER_POLICY,
                HeaderValue::from_static("same-origin"),
            ),
        ),
    )
}

/// Request ids `1`, `2`, ... for this process: cheap, and enough to follow a request in the logs.
#[derive(Debug, Clone, Default)]
struct SequentialId(Arc<AtomicU64>);

impl MakeRequestId for SequentialId {
    fn make_request_id<B>(&mut self, _: &Request<B>) -> Option<RequestId> {
        let id = self.0.fetch_add(1, Ordering::Relaxed) + 1;
        Some(RequestId::new(HeaderValue::from(id)))
    }
}

/// A short hash of the static files, appended to their URLs so browsers can cache them forever.
pub fn asset_version(static_dir: &Path) -> String {
    let mut hasher = DefaultHasher::new();
    let mut entries: Vec<_> = std::fs::read_dir(static_dir)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    entries.sort();
    for path in entries {
        path.hash(&mut hasher);
        std::fs::read(&path).unwrap_or_default().hash(&mut hasher);
    }
    format!("{:08x}", hasher.finish() as u32)
}

/// Serves until Ctrl-C or SIGTERM, then finishes requests in flight.
pub async fn serve(args: ServeArgs, site: Site) -> anyhow::Result<()> {
    crate::templates::set_asset_version(asset_version(&args.static_dir));
    let app = router(AppState::new(site), &args.static_dir);
    let listener = tokio::net::TcpListener::bind(args.bind)
        .await
        .with_context(|| format!("cannot listen on {}", args.bind))?;
    tracing::info!("firedrill listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("server failed")
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = terminate => {} }
    tracing::info!("shutting down");
}
