//! What operators rely on: `/healthz`, `/readyz` that fails when the database goes away, and
//! `/metrics` whose names and values move as requests are made.

use axum::http::{StatusCode, header};

use crate::helpers::TestApp;

/// The value of the sample `name{labels}` (the whole text before the value), if present.
fn sample(metrics: &str, series: &str) -> Option<f64> {
    metrics.lines().find_map(|line| {
        let (name, value) = line.rsplit_once(' ')?;
        (name == series).then(|| value.parse().unwrap())
    })
}

async fn scrape(app: &TestApp) -> String {
    let res = app.get("/metrics").await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(
        res.header(header::CONTENT_TYPE)
            .starts_with("application/openmetrics-text"),
        "{}",
        res.header(header::CONTENT_TYPE)
    );
    assert!(res.body.ends_with("# EOF\n"), "a complete exposition");
    res.body
}

#[tokio::test]
async fn healthz_says_up_and_readyz_fails_when_the_database_goes_away() {
    let app = TestApp::fixtures().await;
    let live = app.get("/healthz").await;
    assert_eq!((live.status, live.body.as_str()), (StatusCode::OK, "ok"));
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status, StatusCode::OK, "{}", ready.body);
    assert!(
        ready.body.starts_with("ready: the database answers;"),
        "{}",
        ready.body
    );
    assert_eq!(ready.header(header::CACHE_CONTROL), "no-store");

    app.store.close().await;
    let gone = app.get("/readyz").await;
    assert_eq!(gone.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        gone.body
            .starts_with("not ready: the database does not answer"),
        "{}",
        gone.body
    );
    // The process itself is still up.
    assert_eq!(app.get("/healthz").await.status, StatusCode::OK);
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_status_and_time_them() {
    let app = TestApp::fixtures().await;
    let home = r#"firedrill_http_requests_total{method="GET",route="/",status="200"}"#;
    let attempt =
        r#"firedrill_http_requests_total{method="GET",route="/attempts/{id}",status="404"}"#;
    let before = scrape(&app).await;
    let n = sample(&before, home).unwrap_or(0.0);
    app.get("/").await;
    app.get("/").await;
    // A concrete id is counted under its route, never as a series of its own.
    app.get("/attempts/0123456789abcdef0123456789abcdef").await;
    app.get("/attempts/fedcba9876543210fedcba9876543210").await;
    let after = scrape(&app).await;
    assert_eq!(sample(&after, home), Some(n + 2.0), "{after}");
    assert_eq!(sample(&after, attempt), Some(2.0), "{after}");
    assert!(!after.contains("0123456789abcdef"));
    let timed = r#"firedrill_http_request_duration_seconds_count{route="/"}"#;
    assert_eq!(sample(&after, timed), Some(n + 2.0));
    // Content pages share one label; a made-up method is "other".
    app.get("/wiki").await;
    app.get("/topics/no-such-page").await;
    let pages = scrape(&app).await;
    assert!(
        pages.contains(
            r#"firedrill_http_requests_total{method="GET",route="(page)",status="404"} 1"#
        ),
        "{pages}"
    );
    for name in [
        "# TYPE firedrill_http_requests counter",
        "# TYPE firedrill_http_request_duration_seconds histogram",
        "# TYPE firedrill_answers_graded counter",
        "# TYPE firedrill_grading_duration_seconds histogram",
        "# TYPE firedrill_live_streams gauge",
        "# TYPE firedrill_db_readers_in_use gauge",
        "# TYPE firedrill_db_readers_idle gauge",
        "# TYPE firedrill_db_write_queue gauge",
        "# TYPE firedrill_db_write_duration_seconds histogram",
        "# TYPE firedrill_content_problems gauge",
    ] {
        assert!(pages.contains(name), "{name} in\n{pages}");
    }
    assert!(pages.contains(r#"firedrill_live_streams{side="candidate"} 0"#));
    assert!(pages.contains(r#"firedrill_content_problems{severity="error"} 0"#));
}

#[tokio::test]
async fn metrics_count_answers_graded_their_time_and_the_writes() {
    let app = TestApp::fixtures().await;
    let before = scrape(&app).await;
    let graded = sample(&before, "firedrill_answers_graded_total").unwrap();
    let timed = sample(&before, "firedrill_grading_duration_seconds_count").unwrap();
    let writes = sample(&before, "firedrill_db_write_duration_seconds_count").unwrap();
    let seed = "/scenarios/gitops-drift-causing-outage";
    let csrf = TestApp::csrf_in(&app.get(seed).await);
    let submitted = app
        .post_form(
            "/attempts",
            &[
                ("csrf", &csrf),
                ("scenario", "gitops-drift-causing-outage"),
                ("answer", "ArgoCD self-heal fights the HPA over replicas."),
            ],
        )
        .await;
    assert_eq!(submitted.status, StatusCode::SEE_OTHER);
    let after = scrape(&app).await;
    assert_eq!(
        sample(&after, "firedrill_answers_graded_total"),
        Some(graded + 1.0)
    );
    assert_eq!(
        sample(&after, "firedrill_grading_duration_seconds_count"),
        Some(timed + 1.0)
    );
    assert!(sample(&after, "firedrill_grading_duration_seconds_sum").unwrap() > 0.0);
    assert!(sample(&after, "firedrill_db_write_duration_seconds_count").unwrap() > writes);
    assert_eq!(sample(&after, "firedrill_db_write_queue"), Some(0.0));
    assert!(
        after.contains(
            r#"firedrill_http_requests_total{method="POST",route="/attempts",status="303"} 1"#
        ),
        "{after}"
    );
}

#[tokio::test]
async fn metrics_count_content_reloads_and_their_problems() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("scenarios")).unwrap();
    let a = "# Scenario: A\n\n## The Prompt\n\n> \"Why?\"\n";
    std::fs::write(dir.path().join("scenarios/a.md"), a).unwrap();
    let app = TestApp::from_folder_with(dir.path(), Default::default()).await;
    let errors = r#"firedrill_content_problems{severity="error"}"#;
    let before = scrape(&app).await;
    assert_eq!(sample(&before, errors), Some(0.0));
    let failed = r#"firedrill_content_reloads_total{outcome="failed"}"#;
    assert_eq!(sample(&before, failed), Some(0.0), "{before}");
    let _watcher = firedrill::watch::spawn(dir.path().to_owned(), app.state.clone()).unwrap();
    // A file whose front matter has a key nobody knows: an error, at its line.
    let b = "---\nbogus: 1\n---\n# Scenario: B\n\n## The Prompt\n\n> \"How?\"\n";
    std::fs::write(dir.path().join("scenarios/b.md"), b).unwrap();
    let reloaded = r#"firedrill_content_reloads_total{outcome="ok"}"#;
    let mut text = String::new();
    for _ in 0..100 {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        text = scrape(&app).await;
        if sample(&text, reloaded).unwrap_or(0.0) >= 1.0 {
            break;
        }
    }
    assert!(sample(&text, reloaded).unwrap_or(0.0) >= 1.0, "{text}");
    assert_eq!(sample(&text, errors), Some(1.0), "{text}");
}

#[tokio::test]
async fn metrics_count_live_streams_open_by_side() {
    let app = TestApp::fixtures().await;
    app.signed_in_as("ivy", firedrill::accounts::Role::Interviewer)
        .await;
    let seed = "/scenarios/gitops-drift-causing-outage";
    let csrf = TestApp::csrf_in(&app.get(seed).await);
    let started = app
        .post_form(
            "/interviews",
            &[
                ("csrf", &csrf),
                ("scenario", "gitops-drift-causing-outage"),
                ("candidate", "Cam"),
            ],
        )
        .await;
    let console = started.header(header::LOCATION).to_owned();
    let page = app.get(&console).await;
    let marker = r#"id="candidate-link" readonly value=""#;
    let at = page.body.find(marker).unwrap() + marker.len();
    let link = page.body[at..at + page.body[at..].find('"').unwrap()].to_owned();
    let candidate = r#"firedrill_live_streams{side="candidate"}"#;
    let interviewer = r#"firedrill_live_streams{side="console"}"#;
    assert_eq!(sample(&scrape(&app).await, candidate), Some(0.0));

    let theirs = app.another_browser().open(&format!("{link}/events")).await;
    assert_eq!(theirs.status(), StatusCode::OK);
    let ours = app.open(&format!("{console}/events")).await;
    assert_eq!(ours.status(), StatusCode::OK);
    let open = scrape(&app).await;
    assert_eq!(sample(&open, candidate), Some(1.0), "{open}");
    assert_eq!(sample(&open, interviewer), Some(1.0), "{open}");
    drop(theirs);
    drop(ours);
    let closed = scrape(&app).await;
    assert_eq!(sample(&closed, candidate), Some(0.0), "{closed}");
    assert_eq!(sample(&closed, interviewer), Some(0.0), "{closed}");
}
