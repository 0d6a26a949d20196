//! `Cache-Control` on pages: every page with a user's name, form token or answers is kept out
//! of every cache; the first visit's catalogue and wiki stay cacheable.

use axum::http::{StatusCode, header};
use firedrill::accounts::Role;

use crate::helpers::TestApp;

const SLUG: &str = "gitops-drift-causing-outage";

/// Answers the seed scenario; returns the attempt's address.
async fn answer(browser: &TestApp) -> String {
    let csrf = TestApp::csrf_in(&browser.get(&format!("/scenarios/{SLUG}")).await);
    let posted = browser
        .post_form(
            "/attempts",
            &[
                ("csrf", &csrf),
                ("scenario", SLUG),
                ("answer", "kubectl get hpa"),
            ],
        )
        .await;
    assert_eq!(posted.status, StatusCode::SEE_OTHER, "{}", posted.body);
    posted.header(header::LOCATION).to_owned()
}

/// Starts an interview of the seed; returns the console's address and the candidate's link.
async fn interview(browser: &TestApp) -> (String, String) {
    let csrf = TestApp::csrf_in(&browser.get(&format!("/scenarios/{SLUG}")).await);
    let started = browser
        .post_form(
            "/interviews",
            &[("csrf", &csrf), ("scenario", SLUG), ("candidate", "Sam")],
        )
        .await;
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.body);
    let console = started.header(header::LOCATION).to_owned();
    let page = browser.get(&console).await;
    let marker = r#"id="candidate-link" readonly value=""#;
    let at = page.body.find(marker).unwrap() + marker.len();
    let link = page.body[at..at + page.body[at..].find('"').unwrap()].to_owned();
    (console, link)
}

#[track_caller]
fn assert_cache_control(browser_uri: &str, got: &str, expected: &str) {
    assert_eq!(got, expected, "Cache-Control of {browser_uri}");
}

#[tokio::test]
async fn every_page_a_signed_in_user_gets_is_marked_no_store() {
    let app = TestApp::fixtures().await;
    app.signed_in_as("root", Role::Admin).await;
    let attempt = answer(&app).await;
    let (console, link) = interview(&app).await;
    let learner = app.another_browser();
    learner.signed_in_as("lee", Role::Learner).await;
    let learner_attempt = answer(&learner).await;

    let scenario = format!("/scenarios/{SLUG}");
    let stats = format!("/stats/{SLUG}");
    let key = format!("/interviews/keys/{SLUG}");
    let scorecard = format!("{console}/scorecard");
    let json = format!("{console}/scorecard.json");
    let csv = format!("{console}/scorecard.csv");
    let everyone = [
        "/",
        "/?q=gitops",
        "/wiki",
        "/topics/gitops",
        "/no-such-page",
        "/sign-in",
        "/account",
        "/attempts",
        scenario.as_str(),
    ];
    let admin_only = [
        attempt.as_str(),
        "/stats",
        stats.as_str(),
        "/admin/users",
        "/interviews",
        console.as_str(),
        scorecard.as_str(),
        json.as_str(),
        csv.as_str(),
        key.as_str(),
    ];
    for uri in everyone.iter().chain(&admin_only) {
        let page = app.get(uri).await;
        assert!(
            page.status.is_success() || page.status == StatusCode::NOT_FOUND,
            "{uri}"
        );
        assert_cache_control(
            &format!("admin {uri}"),
            page.header(header::CACHE_CONTROL),
            "no-store",
        );
    }
    for uri in everyone.iter().chain([&learner_attempt.as_str()]) {
        let page = learner.get(uri).await;
        assert_cache_control(
            &format!("learner {uri}"),
            page.header(header::CACHE_CONTROL),
            "no-store",
        );
    }
    // The candidate has no account, but the page holds their notes.
    let candidate = app.another_browser();
    let page = candidate.get(&link).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_cache_control(
        "candidate page",
        page.header(header::CACHE_CONTROL),
        "no-store",
    );
    // The live streams carry notes too (read for their headers only: they never end).
    for (who, browser, uri) in [
        ("interviewer", &app, format!("{console}/events")),
        ("candidate", &candidate, format!("{link}/events")),
    ] {
        let stream = browser.open(&uri).await;
        assert_eq!(stream.status(), StatusCode::OK, "{uri}");
        let got = stream.headers().get(header::CACHE_CONTROL);
        let got = got.and_then(|v| v.to_str().ok()).unwrap_or("");
        assert_cache_control(&format!("{who} stream"), got, "no-store");
    }
}

#[tokio::test]
async fn a_visitor_without_an_account_gets_cacheable_pages_and_private_answers() {
    let app = TestApp::fixtures().await;
    let scenario = format!("/scenarios/{SLUG}");
    // The first visit: nothing personal, so the catalogue and wiki stay cacheable.
    for uri in ["/", "/wiki", "/topics/gitops", "/no-such-page"] {
        let page = app.get(uri).await;
        assert_cache_control(
            &format!("first visit {uri}"),
            page.header(header::CACHE_CONTROL),
            "",
        );
    }
    let first = app.get(&scenario).await;
    assert_cache_control(
        "first visit scenario",
        first.header(header::CACHE_CONTROL),
        "private, no-cache",
    );

    let attempt = answer(&app).await;
    assert!(app.cookie_value().is_some(), "the answer made a learner");
    for uri in [attempt.as_str(), "/attempts"] {
        let page = app.get(uri).await;
        assert_eq!(page.status, StatusCode::OK, "{uri}");
        assert_cache_control(
            &format!("anonymous {uri}"),
            page.header(header::CACHE_CONTROL),
            "no-store",
        );
    }
    let returning = app.get(&scenario).await;
    assert_cache_control(
        "returning scenario",
        returning.header(header::CACHE_CONTROL),
        "private, no-cache",
    );
    // The catalogue now shows the learner's best scores and suggestion: like their history,
    // no cache may keep it. The wiki holds nothing of theirs.
    let catalogue = app.get("/").await;
    assert!(catalogue.body.contains("Your practice"));
    assert_cache_control(
        "returning /",
        catalogue.header(header::CACHE_CONTROL),
        "no-store",
    );
    for uri in ["/wiki", "/topics/gitops"] {
        let page = app.get(uri).await;
        assert_cache_control(
            &format!("returning {uri}"),
            page.header(header::CACHE_CONTROL),
            "",
        );
    }
}
