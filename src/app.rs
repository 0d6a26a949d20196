//! Application state, the one route table, the tower-http layers, and serving with graceful
//! shutdown.

use std::future::Future;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use anyhow::Context;
use arc_swap::ArcSwap;
use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRef};
use axum::http::{HeaderName, HeaderValue, Request, StatusCode};
use axum::routing::{get, post};
use axum_extra::extract::cookie::Key;
use tokio::net::TcpListener;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::accounts::Hasher;
use crate::config::ServeArgs;
use crate::content::Site;
use crate::server::ConnectionLimits;
use crate::store::Store;
use crate::web::assets::Assets;
use crate::web::audit::AuditLayer;
use crate::web::grader::Grader;
use crate::web::headers::SecurityHeadersLayer;
use crate::web::identity::SessionPolicy;
use crate::web::limits::{Limits, Rates};
use crate::web::live::{Hub, StreamCaps};
use crate::web::published::Published;
use crate::web::{
    account, attempts, auth, candidate, gauntlets, health, hints, interviews, investigate, keys,
    pages, scorecards, search,
};
use crate::workers::PoolSize;

/// Shared state handed to every handler.
#[derive(Clone)]
pub struct AppState {
    /// Swapped whole when content reloads in watch mode; requests hold the version they started
    /// with.
    content: Arc<ArcSwap<Published>>,
    pub store: Store,
    /// The keys derived from the server's secret (cookies, candidate links).
    keys: Arc<crate::secrets::Keys>,
    /// Anonymous learner cookies already verified with `key`.
    pub cookies: Arc<crate::web::cookies::Verified>,
    /// Watch mode: pages show their file's problems to authors.
    pub watching: bool,
    /// Watch mode on a loopback address (one author's own machine): every visitor is shown the
    /// problems, no sign-in needed.
    pub problems_for_all: bool,
    pub sessions: SessionPolicy,
    /// Anyone may create a learner account.
    pub signup_open: bool,
    /// Requests come through a reverse proxy: the client address is the last one in
    /// `X-Forwarded-For`.
    pub behind_proxy: bool,
    /// Requests (other than live streams) taking longer are answered 408.
    pub request_timeout: Duration,
    pub hasher: Hasher,
    /// Grades answers off the async runtime.
    pub grader: Grader,
    pub limits: Arc<Limits>,
    /// Live interview streams.
    pub live: Arc<Hub>,
    /// Timeouts and caps on connections, applied by [`serve_on`].
    pub connections: ConnectionLimits,
    /// What `/metrics` shows.
    pub metrics: Arc<crate::metrics::Metrics>,
}

/// How the server treats accounts, sessions and abusive clients.
#[derive(Debug, Clone)]
pub struct Settings {
    pub sessions: SessionPolicy,
    pub signup_open: bool,
    pub behind_proxy: bool,
    pub rates: Rates,
    pub request_timeout: Duration,
    /// Where the secret that keys derive from is kept.
    pub secret: crate::secrets::Source,
    pub connections: ConnectionLimits,
    pub streams: StreamCaps,
    /// The grading pool's threads and queue.
    pub grading: PoolSize,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            sessions: SessionPolicy::default(),
            signup_open: true,
            behind_proxy: false,
            rates: Rates::default(),
            request_timeout: Duration::from_secs(30),
            secret: crate::secrets::Source::default(),
            connections: ConnectionLimits::default(),
            streams: StreamCaps::default(),
            grading: PoolSize::half_the_cores(crate::web::grader::QUEUE),
        }
    }
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("content", &self.content)
            .field("store", &self.store)
            .finish_non_exhaustive()
    }
}

impl AppState {
    /// State over loaded content and an open store, with the keys derived from the secret
    /// `settings` names (a key file beside the database by default, made when missing).
    pub async fn new(site: Site, store: Store, settings: Settings) -> anyhow::Result<Self> {
        let keys = crate::secrets::load(&store, &settings.secret)
            .await
            .context("cannot load the server's secret")?;
        let grader = Grader::start(settings.grading);
        let metrics = crate::metrics::Metrics::new(grader.metrics(), store.write_seconds());
        let state = Self {
            metrics: Arc::new(metrics),
            content: Arc::new(ArcSwap::from_pointee(Published::new(site))),
            store,
            cookies: Arc::new(crate::web::cookies::Verified::new(keys.cookie_keys())),
            keys: Arc::new(keys),
            watching: false,
            problems_for_all: false,
            sessions: settings.sessions,
            signup_open: settings.signup_open,
            behind_proxy: settings.behind_proxy,
            request_timeout: settings.request_timeout,
            hasher: Hasher::for_this_machine(),
            grader,
            limits: Arc::new(Limits::new(settings.rates)),
            live: Arc::new(Hub::new(settings.streams)),
            connections: settings.connections,
        };
        if state.store.is_postgres() {
            // Other instances on the database: their interview events reach the live streams
            // connected here.
            tokio::spawn(crate::web::interviews::follow_changes(
                state.clone(),
                state.store.changes(),
            ));
        }
        Ok(state)
    }

    /// The key that signs the anonymous learner cookie.
    pub fn key(&self) -> &Key {
        self.keys.cookie()
    }

    /// The keys derived from the server's secret.
    pub fn keys(&self) -> &crate::secrets::Keys {
        &self.keys
    }

    /// The content currently served.
    pub fn content(&self) -> Arc<Published> {
        self.content.load_full()
    }

    /// Serves `published` from now on; requests in flight finish with what they had.
    pub fn replace_content(&self, published: Published) {
        self.content.store(Arc::new(published));
    }
}

impl FromRef<AppState> for Key {
    fn from_ref(state: &AppState) -> Self {
        state.keys.cookie().clone()
    }
}

/// Largest request body accepted; answers have their own, smaller limit in characters.
const BODY_LIMIT: usize = 256 * 1024;

const REQUEST_ID: HeaderName = crate::web::audit::REQUEST_ID;

/// The cross-cutting layers, applied once around the whole router. (`Router::layer` would wrap
/// every route instead, and each request would clone the whole stack; this way is 10-15% faster
/// on a page request, see BENCHMARKS.md.) A macro because the stack's type is unnameable.
macro_rules! with_layers {
    ($routes:expr, $behind_proxy:expr) => {
        tower::ServiceBuilder::new()
            // Outermost: drops a client's request id, logs refusals with the server's.
            .layer(AuditLayer { behind_proxy: $behind_proxy })
            .layer(SetRequestIdLayer::new(REQUEST_ID, SequentialId::default()))
            .layer(TraceLayer::new_for_http().make_span_with(|request: &Request<_>| {
                let id = request.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
                let path = loggable(request.uri().path());
                tracing::debug_span!("request", id, method = %request.method(), %path)
            }))
            .layer(PropagateRequestIdLayer::new(REQUEST_ID))
            .layer(SecurityHeadersLayer)
            .layer(CatchPanicLayer::custom(crate::error::panicked))
            .layer(CompressionLayer::new())
            .service($routes)
    };
}

/// The whole application: routes, static files and layers, as a `Router` for tests to drive.
pub fn router(state: AppState, static_dir: &Path) -> Router {
    let assets = Assets::load(static_dir);
    Router::new().fallback_service(with_layers!(routes(state, assets), state.behind_proxy))
}

/// The route table.
fn routes(state: AppState, assets: Assets) -> Router {
    Router::new()
        .route("/", get(pages::catalogue))
        .route("/wiki", get(pages::wiki_index))
        .route("/search", get(search::page))
        .route("/search.json", get(search::json))
        .route("/healthz", get(health::live))
        .route("/readyz", get(health::ready))
        .route("/metrics", get(crate::metrics::page))
        .route("/attempts", get(attempts::history).post(attempts::submit))
        .route("/attempts/{id}", get(attempts::show))
        .route("/attempts/{id}/overrides", post(attempts::set_override))
        .route("/reveals", post(attempts::reveal))
        .route("/investigations", post(investigate::run))
        .route("/hints", post(hints::take))
        .route("/gauntlet-runs/{slug}/answers", post(gauntlets::answer))
        .route("/gauntlet-runs/{slug}/restart", post(gauntlets::restart))
        .route("/stats", get(pages::statistics_index))
        .route("/stats/{slug}", get(pages::statistics))
        .route("/sign-in", get(auth::sign_in_page).post(auth::sign_in))
        .route("/sign-up", get(auth::sign_up_page).post(auth::sign_up))
        .route("/sign-out", post(auth::sign_out))
        .route("/account", get(account::account))
        .route("/account/password", post(account::change_password))
        .route("/account/sessions/end", post(account::end_session))
        .route("/admin/users", get(auth::users))
        .route("/admin/users/{name}/role", post(auth::set_role))
        .route("/interviews", get(scorecards::list).post(interviews::start))
        .route("/interviews/{id}", get(interviews::console))
        .route("/interviews/{id}/reveals", post(interviews::reveal))
        .route("/interviews/{id}/outputs", post(interviews::show_output))
        .route("/interviews/{id}/ticks", post(interviews::tick))
        .route("/interviews/{id}/follow-ups", post(interviews::ask))
        .route("/interviews/{id}/rounds", post(interviews::open_round))
        .route("/interviews/{id}/notes", post(interviews::note))
        .route("/interviews/{id}/end", post(interviews::end))
        .route("/interviews/{id}/scorecard", get(scorecards::page))
        .route("/interviews/{id}/scorecard.json", get(scorecards::json))
        .route("/interviews/{id}/scorecard.csv", get(scorecards::csv))
        .route("/interviews/keys/{slug}", get(keys::page))
        .route("/i/{token}", get(candidate::page))
        .route("/i/{token}/notes", post(candidate::save_notes))
        .route("/i/{token}/commands", post(candidate::command))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            state.request_timeout,
        ))
        // Live streams last as long as the interview: no request timeout.
        .route("/interviews/{id}/events", get(interviews::console_events))
        .route("/i/{token}/events", get(candidate::events))
        .nest("/static", assets.router())
        .fallback(get(pages::page))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::web::error_nav::personalise,
        ))
        .layer(crate::metrics::TrackLayer(Arc::clone(&state.metrics)))
        .with_state(state)
}

/// A request path fit for the log: a candidate link's token (a credential) is masked, and the
/// query string is left out.
pub(crate) fn loggable(path: &str) -> std::borrow::Cow<'_, str> {
    match path.strip_prefix("/i/") {
        Some(rest) => {
            let tail = rest.find('/').map_or("", |at| &rest[at..]);
            format!("/i/<token>{tail}").into()
        }
        None => path.into(),
    }
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

/// Serves until Ctrl-C or SIGTERM, then finishes requests in flight.
pub async fn serve(args: ServeArgs, site: Site) -> anyhow::Result<()> {
    let open_files = raise_open_file_limit();
    let assets = Assets::load(&args.static_dir);
    crate::templates::set_asset_version(assets.version.clone());
    crate::templates::set_signup_open(args.settings().signup_open);
    // PostgreSQL has no file to keep the key file beside: say so before making a database.
    if crate::store::backend(&args.database.database)? == crate::store::Backend::Postgres {
        args.settings()
            .secret
            .key_file(None)
            .context("cannot load the server's secret")?;
    }
    let store = Store::open(&args.database.database)
        .await
        .with_context(|| {
            format!(
                "cannot open the database `{}`",
                crate::store::redacted(&args.database.database)
            )
        })?;
    let addresses = resolve(&args.bind).await?;
    let mut state = AppState::new(site, store.clone(), args.settings()).await?;
    state.watching = args.watch;
    state.problems_for_all = args.watch && addresses.iter().all(|a| a.ip().is_loopback());
    state.connections.max = fit_to_open_files(state.connections.max, open_files);
    tokio::spawn(forget_idle_clients(Arc::clone(&state.limits)));
    // Dropping the watcher stops it, so it lives as long as the server.
    let _watcher = match args.watch {
        true => Some(crate::watch::spawn(
            args.content.content.clone(),
            state.clone(),
        )?),
        false => None,
    };
    let listener = tokio::net::TcpListener::bind(&addresses[..])
        .await
        .with_context(|| format!("cannot listen on {}", args.bind))?;
    tracing::info!("firedrill listening on http://{}", listener.local_addr()?);
    serve_on(listener, state, assets, shutdown_signal()).await;
    tracing::debug!("connections closed");
    store.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// Serves the application on `listener` until `shutdown` completes, then ends the live streams
/// and waits for requests in flight. `serve` and the tests that need real sockets start here.
pub async fn serve_on(
    listener: TcpListener,
    state: AppState,
    assets: Assets,
    shutdown: impl Future<Output = ()>,
) {
    let hub = Arc::clone(&state.live);
    let mut limits = state.connections;
    if state.behind_proxy {
        // Every connection comes from the proxy: a per-address cap would cap the whole site.
        // The proxy limits its clients; the overall cap still holds.
        limits.max_per_client = 0;
    }
    let behind_proxy = state.behind_proxy;
    let app = with_layers!(routes(state, assets), behind_proxy);
    let app = tower::ServiceExt::map_response(app, |r: axum::http::Response<_>| {
        r.map(axum::body::Body::new)
    });
    let shutdown = async move {
        shutdown.await;
        // Live streams never finish by themselves: end them, or shutdown would wait.
        hub.close();
    };
    crate::server::run(listener, app, limits, shutdown).await;
}

/// The addresses `bind` (`HOST:PORT` or `IP:PORT`) names, IPv4 first, so that `localhost` means
/// 127.0.0.1 as people expect.
async fn resolve(bind: &str) -> anyhow::Result<Vec<std::net::SocketAddr>> {
    let mut addresses: Vec<_> = tokio::net::lookup_host(bind)
        .await
        .with_context(|| format!("cannot resolve the address to listen on `{bind}`"))?
        .collect();
    addresses.sort_by_key(std::net::SocketAddr::is_ipv6);
    anyhow::ensure!(!addresses.is_empty(), "`{bind}` resolves to no address");
    Ok(addresses)
}

/// Raises the soft limit on open files to the hard one: every live interview stream holds a
/// socket, and the usual soft limit (1,024) would cap a server at fewer than that. Returns the
/// limit now in force (`None`: unlimited).
fn raise_open_file_limit() -> Option<u64> {
    use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
    let limit = getrlimit(Resource::Nofile);
    if limit.current < limit.maximum || limit.maximum.is_none() {
        let raised = Rlimit {
            current: limit.maximum,
            maximum: limit.maximum,
        };
        match setrlimit(Resource::Nofile, raised) {
            Ok(()) => return limit.maximum,
            Err(err) => tracing::warn!(%err, "could not raise the open file limit"),
        }
    }
    limit.current
}

/// Files kept for the database, the content watcher, logs and the like, beside connections.
const FILES_BESIDE_CONNECTIONS: u64 = 64;

/// The connection cap, lowered (with a warning) to leave room for other files under the
/// open-file limit: past it, accepting fails and no one gets in, not even to `/healthz`.
fn fit_to_open_files(max: usize, open_files: Option<u64>) -> usize {
    let Some(files) = open_files else {
        return max;
    };
    let room = files - FILES_BESIDE_CONNECTIONS.min(files / 2);
    let room = usize::try_from(room).unwrap_or(usize::MAX).max(1);
    if max == 0 || max > room {
        tracing::warn!(
            "at most {room} connections at once: the open-file limit is {files} (raise it with `ulimit -n` to allow more)"
        );
        return room;
    }
    max
}

/// Every minute, lets the rate limiters forget clients that have been quiet.
async fn forget_idle_clients(limits: Arc<Limits>) {
    let mut every = tokio::time::interval(Duration::from_secs(60));
    loop {
        every.tick().await;
        limits.forget_idle();
    }
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

#[cfg(test)]
mod tests {
    use super::{fit_to_open_files, loggable};

    #[test]
    fn the_connection_cap_leaves_room_for_other_files_under_the_open_file_limit() {
        assert_eq!(fit_to_open_files(1024, Some(256)), 192);
        assert_eq!(fit_to_open_files(1024, Some(100)), 50);
        assert_eq!(fit_to_open_files(0, Some(4096)), 4032);
        assert_eq!(fit_to_open_files(1024, Some(65536)), 1024);
        assert_eq!(fit_to_open_files(1024, None), 1024);
    }

    #[test]
    fn candidate_tokens_are_masked_in_logged_paths() {
        assert_eq!(loggable("/i/0123abcd/events"), "/i/<token>/events");
        assert_eq!(loggable("/i/0123abcd"), "/i/<token>");
        assert_eq!(loggable("/interviews/42"), "/interviews/42");
    }
}
