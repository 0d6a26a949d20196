//! Web hardening through the router: headers on every route, limits on size, rate and time,
//! cross-site posts, no state change on GET, errors without internals, secrets out of logs.

use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{Request, StatusCode, header};
use firedrill::accounts::Role;
use firedrill::app::Settings;
use firedrill::web::limits::Rates;

use crate::helpers::{TestApp, TestResponse};

const SEED: &str = "/scenarios/gitops-drift-causing-outage";

fn form_request(uri: &str, body: impl Into<Body>) -> Request<Body> {
    Request::post(uri)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(body.into())
        .unwrap()
}

#[track_caller]
fn assert_hardened(what: &str, res: &TestResponse) {
    let csp = res.header(header::CONTENT_SECURITY_POLICY);
    for directive in [
        "default-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ] {
        assert!(
            csp.contains(directive),
            "{what}: CSP {csp:?} lacks {directive}"
        );
    }
    assert!(
        !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"),
        "{what}: {csp}"
    );
    assert_eq!(
        res.header(header::X_CONTENT_TYPE_OPTIONS),
        "nosniff",
        "{what}"
    );
    assert!(!res.header(header::REFERRER_POLICY).is_empty(), "{what}");
    let content_type = res.header(header::CONTENT_TYPE);
    if content_type.starts_with("text/") {
        assert!(
            content_type.contains("charset=utf-8"),
            "{what}: {content_type}"
        );
    }
    if content_type.starts_with("text/html") {
        // No inline script or style: the policy would block it.
        assert!(!res.body.contains("<script>"), "{what}: inline script");
        assert!(!res.body.contains(" style=\""), "{what}: inline style");
        assert!(!res.body.contains("<style"), "{what}: style element");
    }
}

#[tokio::test]
async fn every_route_answers_with_the_security_headers() {
    let app = TestApp::fixtures().await;
    let mut seen = Vec::new();
    let anonymous = [
        "/",
        "/?level=L2",
        "/wiki",
        "/healthz",
        "/static/style.css",
        "/static/app.js",
        "/static/no-such-file.css",
        "/attempts",
        "/attempts/0123456789abcdef0123456789abcdef",
        "/sign-in",
        "/sign-up",
        "/admin/users",
        "/stats/gitops-drift-causing-outage",
        SEED,
        "/topics/gitops",
        "/no/such/page",
    ];
    for uri in anonymous {
        seen.push((uri.to_owned(), app.get(uri).await));
    }
    app.signed_in_as("root", Role::Admin).await;
    let attempt = {
        let csrf = TestApp::csrf_in(&app.get(SEED).await);
        let res = app
            .post_form(
                "/attempts",
                &[
                    ("csrf", &csrf),
                    ("scenario", "gitops-drift-causing-outage"),
                    ("answer", "Suspend ArgoCD self-heal."),
                ],
            )
            .await;
        seen.push(("POST /attempts".to_owned(), res.clone()));
        res.header(header::LOCATION).to_owned()
    };
    for uri in [
        "/",
        SEED,
        "/topics/gitops",
        attempt.as_str(),
        "/attempts",
        "/admin/users",
        "/stats/gitops-drift-causing-outage",
        "/no/such/page",
    ] {
        seen.push((format!("signed in {uri}"), app.get(uri).await));
    }
    let forged = app.post_form("/attempts", &[("csrf", "forged")]).await;
    seen.push(("forged POST".to_owned(), forged));
    let wrong_method = app
        .request(Request::delete("/").body(Body::empty()).unwrap())
        .await;
    seen.push(("DELETE /".to_owned(), wrong_method));
    let huge = app
        .request(form_request("/sign-in", vec![b'a'; 300 * 1024]))
        .await;
    seen.push(("huge POST".to_owned(), huge));
    for (what, res) in &seen {
        assert_hardened(what, res);
    }
}

#[tokio::test]
async fn an_oversized_body_is_refused_with_413_on_every_form() {
    let app = TestApp::fixtures().await;
    for uri in [
        "/sign-in",
        "/sign-up",
        "/attempts",
        "/reveals",
        "/sign-out",
        "/gauntlet-runs/g/answers",
        "/gauntlet-runs/g/restart",
        "/investigations",
        "/hints",
    ] {
        let res = app.request(form_request(uri, vec![b'a'; 300 * 1024])).await;
        assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE, "{uri}");
        res.assert_contains(&["larger than the server accepts"]);
    }
}

#[tokio::test]
async fn too_many_sign_ins_are_answered_429_with_retry_after() {
    let settings = Settings {
        rates: Rates {
            sign_in: 2,
            ..Rates::default()
        },
        ..Settings::default()
    };
    let app = TestApp::fixtures_with(settings).await;
    let password = app.add_user("ana", Role::Learner).await;
    for _ in 0..2 {
        let res = app.sign_in("ana", "wrong password").await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    // Even the right password waits: the limit is on tries, not failures.
    let res = app.sign_in("ana", &password).await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = res.header(header::RETRY_AFTER).parse().expect("seconds");
    assert!((1..=60).contains(&retry), "Retry-After: {retry}");
    res.assert_contains(&["Too many tries in a short time. Wait"]);
    assert_eq!(app.cookie("firedrill_session"), None);
}

#[tokio::test]
async fn too_many_sign_ups_and_submissions_are_answered_429() {
    let settings = Settings {
        rates: Rates {
            sign_in: 10,
            sign_up: 1,
            submit: 2,
            ..Rates::default()
        },
        ..Settings::default()
    };
    let app = TestApp::fixtures_with(settings).await;
    let sign_up = |name: &'static str| {
        let browser = app.another_browser();
        async move {
            browser
                .post_form(
                    "/sign-up",
                    &[
                        ("csrf", "new"),
                        ("name", name),
                        ("password", "correct horse battery"),
                        ("confirm", "correct horse battery"),
                    ],
                )
                .await
        }
    };
    assert_eq!(sign_up("ana").await.status, StatusCode::SEE_OTHER);
    let second = sign_up("bo").await;
    assert_eq!(second.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(!second.header(header::RETRY_AFTER).is_empty());
    assert!(app.store.user("bo").await.unwrap().is_none());

    let mut statuses = Vec::new();
    for _ in 0..3 {
        let csrf = TestApp::csrf_in(&app.get(SEED).await);
        let res = app
            .post_form(
                "/attempts",
                &[
                    ("csrf", &csrf),
                    ("scenario", "gitops-drift-causing-outage"),
                    ("answer", "Suspend ArgoCD self-heal."),
                ],
            )
            .await;
        statuses.push(res.status);
    }
    assert_eq!(
        statuses,
        [
            StatusCode::SEE_OTHER,
            StatusCode::SEE_OTHER,
            StatusCode::TOO_MANY_REQUESTS
        ]
    );
    assert_eq!(app.store.count_attempts().await.unwrap(), 2);
}

/// A request body that never arrives: a client stalling after its headers.
struct Stalled;

impl http_body::Body for Stalled {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, Self::Error>>> {
        Poll::Pending
    }
}

#[tokio::test]
async fn a_request_that_takes_too_long_is_answered_408() {
    let settings = Settings {
        request_timeout: Duration::from_millis(200),
        ..Settings::default()
    };
    let app = TestApp::fixtures_with(settings).await;
    let res = app
        .request(form_request("/attempts", Body::new(Stalled)))
        .await;
    assert_eq!(res.status, StatusCode::REQUEST_TIMEOUT);
    assert_hardened("408", &res);
    assert_eq!(app.store.count_attempts().await.unwrap(), 0);
}

#[tokio::test]
async fn cross_site_posts_are_refused_on_every_form() {
    let app = TestApp::fixtures().await;
    let password = app.add_user("root", Role::Admin).await;
    let evil = |uri: &str, body: String, how: (&'static str, &'static str)| {
        Request::post(uri)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::HOST, "drill.example")
            .header(how.0, how.1)
            .body(Body::from(body))
            .unwrap()
    };
    let cross_origin = ("origin", "https://evil.example");
    let cross_site = ("sec-fetch-site", "cross-site");
    let sign_in = format!("csrf=new&name=root&password={}", password.replace(' ', "+"));
    for how in [cross_origin, cross_site] {
        let res = app.request(evil("/sign-in", sign_in.clone(), how)).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "sign-in {how:?}");
        res.assert_contains(&["sent from another site"]);
    }
    assert_eq!(app.cookie("firedrill_session"), None);
    app.sign_in("root", &password).await;
    let csrf = TestApp::csrf_in(&app.get("/").await);
    for how in [cross_origin, cross_site] {
        for (uri, body) in [
            ("/sign-out", format!("csrf={csrf}")),
            (
                "/admin/users/root/role",
                format!("csrf={csrf}&role=learner"),
            ),
            (
                "/attempts",
                format!("csrf={csrf}&scenario=gitops-drift-causing-outage&answer=x"),
            ),
            (
                "/reveals",
                format!("csrf={csrf}&scenario=gitops-drift-causing-outage"),
            ),
            (
                "/gauntlet-runs/g/answers",
                format!("csrf={csrf}&round=1&answer=x"),
            ),
            ("/gauntlet-runs/g/restart", format!("csrf={csrf}")),
            (
                "/investigations",
                format!("csrf={csrf}&scenario=gitops-drift-causing-outage&command=ls"),
            ),
            (
                "/hints",
                format!("csrf={csrf}&scenario=gitops-drift-causing-outage"),
            ),
        ] {
            let res = app.request(evil(uri, body, how)).await;
            assert_eq!(res.status, StatusCode::FORBIDDEN, "{uri} {how:?}");
        }
    }
    // Still signed in, nothing changed.
    assert_eq!(app.get("/admin/users").await.status, StatusCode::OK);
    assert_eq!(app.store.count_attempts().await.unwrap(), 0);
}

#[tokio::test]
async fn nothing_changes_on_get() {
    let app = TestApp::fixtures().await;
    app.signed_in_as("root", Role::Admin).await;
    for uri in [
        "/sign-out",
        "/reveals",
        "/admin/users/root/role?role=learner",
        "/attempts/0123456789abcdef0123456789abcdef/overrides",
        "/gauntlet-runs/g/answers",
        "/gauntlet-runs/g/restart",
        "/investigations",
        "/hints",
    ] {
        let res = app.get(uri).await;
        assert_eq!(res.status, StatusCode::METHOD_NOT_ALLOWED, "{uri}");
    }
    assert_eq!(app.get("/admin/users").await.status, StatusCode::OK);
    assert_eq!(app.store.user("root").await.unwrap().unwrap().role, "admin");
}

#[tokio::test]
async fn an_internal_error_shows_a_generic_page_without_internals() {
    let app = TestApp::fixtures().await;
    app.signed_in_as("root", Role::Author).await;
    let csrf = TestApp::csrf_in(&app.get(SEED).await);
    // The database goes away under the server.
    app.store.close().await;
    for res in [
        app.get("/attempts").await,
        app.get("/stats/gitops-drift-causing-outage").await,
        app.post_form(
            "/attempts",
            &[
                ("csrf", &csrf),
                ("scenario", "gitops-drift-causing-outage"),
                ("answer", "Suspend ArgoCD self-heal."),
            ],
        )
        .await,
    ] {
        assert_eq!(res.status, StatusCode::INTERNAL_SERVER_ERROR);
        res.assert_contains(&["Something went wrong", "The problem has been logged"]);
        let lower = res.body.to_lowercase();
        for internal in [
            "sqlx", "sqlite", "pool", "select ", "writer", "/tmp", ".rs:", "panicked",
        ] {
            assert!(
                !lower.contains(internal),
                "{internal:?} shown in:\n{}",
                res.body
            );
        }
        assert_hardened("500", &res);
    }
}

/// Everything written to the log while the closure's requests run.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "current_thread")]
async fn passwords_cookies_and_tokens_never_reach_the_logs() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let app = TestApp::fixtures().await;
    let password = "correct horse battery staple";
    let anonymous_csrf = {
        // An anonymous identity first, so its cookie exists to leak.
        let csrf = TestApp::csrf_in(&app.get(SEED).await);
        app.post_form(
            "/reveals",
            &[("csrf", &csrf), ("scenario", "gitops-drift-causing-outage")],
        )
        .await;
        TestApp::csrf_in(&app.get(SEED).await)
    };
    let anonymous_cookie = app.cookie("firedrill_learner").unwrap();
    let res = app
        .post_form(
            "/sign-up",
            &[
                ("csrf", &anonymous_csrf),
                ("name", "ana"),
                ("password", password),
                ("confirm", password),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let session = app.cookie("firedrill_session").unwrap();
    let csrf = TestApp::csrf_in(&app.get("/").await);
    app.post_form("/sign-out", &[("csrf", &csrf)]).await;
    app.sign_in("ana", "a wrong password here").await;
    let hash = app.store.user("ana").await.unwrap().unwrap().password_hash;
    // A candidate link, opened and posted to.
    let interviewer = app.another_browser();
    interviewer.signed_in_as("ivy", Role::Interviewer).await;
    let page = interviewer.get(SEED).await;
    let started = interviewer
        .post_form(
            "/interviews",
            &[
                ("csrf", &TestApp::csrf_in(&page)),
                ("scenario", "gitops-drift-causing-outage"),
                ("candidate", "Sam"),
            ],
        )
        .await;
    let console = interviewer.get(started.header(header::LOCATION)).await;
    let marker = "/i/";
    let at = console.body.find(marker).unwrap() + marker.len();
    let token = console.body[at..at + 64].to_owned();
    app.get(&format!("/i/{token}")).await;
    app.post_form(&format!("/i/{token}/notes"), &[("text", "kubectl get hpa")])
        .await;

    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        log.contains("account created"),
        "the log was captured:\n{log}"
    );
    for secret in [
        password,
        "a wrong password here",
        &session,
        &csrf,
        &anonymous_csrf,
        &anonymous_cookie,
        &hash,
        &token,
    ] {
        assert!(!log.contains(secret), "{secret:?} is in the log:\n{log}");
    }
}
