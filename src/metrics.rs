//! What operators watch, at `/metrics` in the Prometheus (OpenMetrics) text format: requests by
//! route and status with their latency, answers graded and grading time, live streams open, the
//! database's read pool and write queue, content reloads and the problems they found.
//!
//! Counters and histograms are updated where things happen; the gauges of pools and streams are
//! read when the metrics are scraped, so they are never stale.

use std::collections::HashSet;
use std::sync::{Arc, OnceLock, RwLock};
use std::time::Instant;

use axum::extract::{MatchedPath, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use crate::app::AppState;
use crate::content::diagnostics::Severity;

/// A request as counted: its method, route template (never the concrete path, so URLs with ids
/// do not make new series) and status.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    pub method: &'static str,
    pub route: &'static str,
    pub status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteLabels {
    pub route: &'static str,
}

/// One side of a live interview stream: `console` or `candidate`.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct SideLabels {
    pub side: &'static str,
}

/// How a content reload went: `ok` or `failed`.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct OutcomeLabels {
    pub outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct SeverityLabels {
    pub severity: &'static str,
}

/// What grading records: answers graded and how long each took.
#[derive(Debug, Clone)]
pub struct GradingMetrics {
    pub graded: Counter,
    pub seconds: Histogram,
}

impl Default for GradingMetrics {
    fn default() -> Self {
        Self {
            graded: Counter::default(),
            // 50 µs to about 1.6 s.
            seconds: Histogram::new(exponential_buckets(0.000_05, 2.0, 16)),
        }
    }
}

impl GradingMetrics {
    /// Runs `grade`, counting it and timing it.
    pub fn time<T>(&self, grade: impl FnOnce() -> T) -> T {
        let started = Instant::now();
        let graded = grade();
        self.seconds.observe(started.elapsed().as_secs_f64());
        self.graded.inc();
        graded
    }
}

fn latency() -> Histogram {
    // 0.5 ms to about 8 s.
    Histogram::new(exponential_buckets(0.000_5, 2.0, 15))
}

/// Every metric of the process, registered once.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram>,
    reloads: Family<OutcomeLabels, Counter>,
    problems: Family<SeverityLabels, Gauge>,
    streams: Family<SideLabels, Gauge>,
    readers_in_use: Gauge,
    readers_idle: Gauge,
    write_queue: Gauge,
    write_seconds: Histogram,
}

impl Metrics {
    /// The registry, with grading's metrics (kept by the grader) and the store's write timing.
    pub fn new(grading: &GradingMetrics, write_seconds: Histogram) -> Self {
        let mut metrics = Self {
            requests: Family::default(),
            latency: Family::new_with_constructor(latency),
            reloads: Family::default(),
            problems: Family::default(),
            streams: Family::default(),
            readers_in_use: Gauge::default(),
            readers_idle: Gauge::default(),
            write_queue: Gauge::default(),
            write_seconds,
            registry: Registry::with_prefix("firedrill"),
        };
        metrics.registry.register(
            "http_requests",
            "HTTP requests answered, by method, route and status",
            metrics.requests.clone(),
        );
        metrics.registry.register(
            "http_request_duration_seconds",
            "Time to answer an HTTP request (to the response head; streams not included)",
            metrics.latency.clone(),
        );
        metrics.registry.register(
            "answers_graded",
            "Answers, candidate notes and gauntlet rounds graded",
            grading.graded.clone(),
        );
        metrics.registry.register(
            "grading_duration_seconds",
            "Time to grade one answer against its rubric",
            grading.seconds.clone(),
        );
        metrics.registry.register(
            "live_streams",
            "Live interview streams open, by side",
            metrics.streams.clone(),
        );
        metrics.registry.register(
            "db_readers_in_use",
            "Read connections of the database pool in use",
            metrics.readers_in_use.clone(),
        );
        metrics.registry.register(
            "db_readers_idle",
            "Read connections of the database pool open and idle",
            metrics.readers_idle.clone(),
        );
        metrics.registry.register(
            "db_write_queue",
            "Writes waiting for the database writer",
            metrics.write_queue.clone(),
        );
        metrics.registry.register(
            "db_write_duration_seconds",
            "Time from queueing a write to its commit, waiting included",
            metrics.write_seconds.clone(),
        );
        metrics.registry.register(
            "content_reloads",
            "Content reloads in watch mode, by outcome",
            metrics.reloads.clone(),
        );
        metrics.registry.register(
            "content_problems",
            "Problems in the content served, by severity",
            metrics.problems.clone(),
        );
        // Both outcomes from the start, so a dashboard sees 0 rather than no series.
        for outcome in ["ok", "failed"] {
            drop(metrics.reloads.get_or_create(&OutcomeLabels { outcome }));
        }
        metrics
    }

    /// Counts a content reload.
    pub fn reloaded(&self, ok: bool) {
        let outcome = if ok { "ok" } else { "failed" };
        self.reloads.get_or_create(&OutcomeLabels { outcome }).inc();
    }

    /// The metrics as text, the gauges read now.
    fn render(&self, state: &AppState) -> String {
        let content = state.content();
        for severity in [Severity::Error, Severity::Warning] {
            let count = content
                .site
                .diagnostics
                .iter()
                .filter(|d| d.severity == severity)
                .count();
            let severity = match severity {
                Severity::Error => "error",
                Severity::Warning | Severity::Note => "warning",
            };
            self.problems
                .get_or_create(&SeverityLabels { severity })
                .set(count as i64);
        }
        let [candidate, console] = state.live.streams_by_side();
        for (side, open) in [("console", console), ("candidate", candidate)] {
            self.streams
                .get_or_create(&SideLabels { side })
                .set(open as i64);
        }
        let pool = state.store.pool_figures();
        self.readers_in_use.set(pool.readers_in_use as i64);
        self.readers_idle.set(pool.readers_idle as i64);
        self.write_queue.set(pool.write_queue as i64);
        let mut text = String::new();
        // Writing to a String does not fail.
        let _ = prometheus_client::encoding::text::encode(&mut text, &self.registry);
        text
    }
}

/// GET /metrics.
pub async fn page(State(state): State<AppState>) -> Response {
    let text = state.metrics.render(&state);
    (
        StatusCode::OK,
        [
            (
                header::CONTENT_TYPE,
                "application/openmetrics-text; version=1.0.0; charset=utf-8",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        text,
    )
        .into_response()
}

/// The route templates seen, each kept once for the life of the process (there are as many
/// as the route table has), so labelling a request allocates nothing.
fn intern(route: &str) -> &'static str {
    static ROUTES: OnceLock<RwLock<HashSet<&'static str>>> = OnceLock::new();
    let routes = ROUTES.get_or_init(Default::default);
    if let Some(known) = routes.read().unwrap_or_else(|e| e.into_inner()).get(route) {
        return known;
    }
    let mut routes = routes.write().unwrap_or_else(|e| e.into_inner());
    match routes.get(route) {
        Some(known) => known,
        None => {
            let leaked: &'static str = Box::leak(route.to_owned().into_boxed_str());
            routes.insert(leaked);
            leaked
        }
    }
}

fn method_label(method: &axum::http::Method) -> &'static str {
    // Any other method is one label, so made-up methods make no new series.
    match method.as_str() {
        "GET" => "GET",
        "HEAD" => "HEAD",
        "POST" => "POST",
        "PUT" => "PUT",
        "PATCH" => "PATCH",
        "DELETE" => "DELETE",
        "OPTIONS" => "OPTIONS",
        _ => "other",
    }
}

/// The layer that counts and times every request by its route template: on the route table,
/// where routing has named the template (`(page)` for the content fallback). A plain tower
/// layer rather than `from_fn`, so a request costs no boxed future and no allocation.
#[derive(Debug, Clone)]
pub struct TrackLayer(pub Arc<Metrics>);

impl<S> tower::Layer<S> for TrackLayer {
    type Service = Track<S>;

    fn layer(&self, inner: S) -> Track<S> {
        Track {
            inner,
            metrics: Arc::clone(&self.0),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Track<S> {
    inner: S,
    metrics: Arc<Metrics>,
}

impl<S, B> tower::Service<axum::http::Request<B>> for Track<S>
where
    S: tower::Service<axum::http::Request<B>, Response = Response>,
{
    type Response = Response;
    type Error = S::Error;
    type Future = Tracked<S::Future>;

    fn poll_ready(
        &mut self,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: axum::http::Request<B>) -> Self::Future {
        let method = method_label(request.method());
        let route = request
            .extensions()
            .get::<MatchedPath>()
            .map_or("(page)", |p| intern(p.as_str()));
        Tracked {
            inner: self.inner.call(request),
            metrics: Arc::clone(&self.metrics),
            method,
            route,
            started: Instant::now(),
        }
    }
}

pin_project_lite::pin_project! {
    /// A request's response on its way, recorded when it is ready.
    #[derive(Debug)]
    pub struct Tracked<F> {
        #[pin]
        inner: F,
        metrics: Arc<Metrics>,
        method: &'static str,
        route: &'static str,
        started: Instant,
    }
}

impl<F, E> std::future::Future for Tracked<F>
where
    F: std::future::Future<Output = Result<Response, E>>,
{
    type Output = Result<Response, E>;

    fn poll(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        let this = self.project();
        let outcome = std::task::ready!(this.inner.poll(cx));
        if let Ok(response) = &outcome {
            let route = *this.route;
            this.metrics
                .latency
                .get_or_create(&RouteLabels { route })
                .observe(this.started.elapsed().as_secs_f64());
            this.metrics
                .requests
                .get_or_create(&RequestLabels {
                    method: this.method,
                    route,
                    status: response.status().as_u16(),
                })
                .inc();
        }
        std::task::Poll::Ready(outcome)
    }
}
