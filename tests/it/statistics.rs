//! The authors' statistics and the admin's users page as pages of their own header sections:
//! breadcrumbs, the current section, the item chart's labels, no raw Markdown.

use axum::http::StatusCode;
use firedrill::accounts::Role;

use crate::helpers::TestApp;

const SLUG: &str = "gitops-drift-causing-outage";

/// An author signed in, with one attempt at the seed scenario stored.
async fn author_with_an_attempt() -> TestApp {
    let app = TestApp::fixtures().await;
    app.signed_in_as("ana", Role::Author).await;
    let csrf = TestApp::csrf_in(&app.get(&format!("/scenarios/{SLUG}")).await);
    let res = app
        .post_form(
            "/attempts",
            &[
                ("csrf", &csrf),
                ("scenario", SLUG),
                (
                    "answer",
                    "ArgoCD self-heal fights the HPA over spec.replicas.",
                ),
                ("started", "1"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    app
}

/// The header's main links, in order, with whether each is marked current.
fn header_links(body: &str) -> Vec<(String, bool)> {
    let header = &body[..body.find("</header>").expect("a site header")];
    header
        .split("<a href=\"")
        .skip(1)
        .map(|link| {
            let (href, rest) = link.split_once('"').unwrap();
            let current = rest.starts_with(r#" aria-current="page""#);
            (href.to_owned(), current)
        })
        .collect()
}

#[track_caller]
fn assert_current(body: &str, href: &str) {
    let current: Vec<String> = header_links(body)
        .into_iter()
        .filter(|(_, current)| *current)
        .map(|(href, _)| href)
        .collect();
    assert_eq!(current, [href], "the links marked current");
}

#[tokio::test]
async fn statistics_read_from_general_to_particular_under_their_own_header_link() {
    let app = author_with_an_attempt().await;
    let page = app.get(&format!("/stats/{SLUG}")).await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains(&[
        r#"<nav class="crumbs" aria-label="Breadcrumb"><a href="/stats">Statistics</a> › GitOps Drift Causing Outage</nav>"#,
        r#"<a href="/scenarios/gitops-drift-causing-outage">Open the scenario</a>"#,
    ]);
    assert_current(&page.body, "/stats");
    let index = app.get("/stats").await;
    assert_current(&index.body, "/stats");
    let catalogue = app.get("/").await;
    assert_current(&catalogue.body, "/");
}

#[tokio::test]
async fn the_item_chart_is_labelled_with_item_text_and_the_help_has_no_raw_markdown() {
    let app = author_with_an_attempt().await;
    let page = app.get(&format!("/stats/{SLUG}")).await;
    for item in [
        "Quick identification of the HPA vs ArgoCD conflict",
        "Post-incident: audit all ArgoCD-managed deployments that also have HPAs",
    ] {
        page.assert_contains(&[&format!(r#"<p class="item-chart-text">{item}</p>"#)]);
    }
    page.assert_contains(&[
        r#"<rect class="bar" width="100" height="8"/></svg> <span>100% covered</span>"#,
        "<code>also:</code> annotations",
        r#"<table class="attempts stats-items">"#,
    ]);
    assert!(
        !page.body.contains(">1.</text>"),
        "no bare numbers as labels"
    );
    assert!(!page.body.contains('`'), "no raw Markdown");
}

#[tokio::test]
async fn interview_pages_mark_the_interviews_link() {
    let app = TestApp::fixtures().await;
    app.signed_in_as("ivy", Role::Interviewer).await;
    assert_current(&app.get("/interviews").await.body, "/interviews");
    let scenario = app.get(&format!("/scenarios/{SLUG}")).await;
    assert_current(&scenario.body, "/");
}

#[tokio::test]
async fn the_users_page_uses_the_sites_table_and_its_header_link_and_messages_have_no_markdown() {
    let app = TestApp::fixtures().await;
    app.signed_in_as("root", Role::Admin).await;
    app.add_user("ana", Role::Learner).await;
    let page = app.get("/admin/users").await;
    page.assert_contains(&[
        r#"<table class="attempts users">"#,
        r#"<th scope="row">ana</th>"#,
        r#"<button type="submit" class="secondary">Change</button>"#,
    ]);
    assert_current(&page.body, "/admin/users");
    let csrf = TestApp::csrf_in(&page);
    let last = app
        .post_form(
            "/admin/users/root/role",
            &[("csrf", &csrf), ("role", "learner")],
        )
        .await;
    assert_eq!(last.status, StatusCode::CONFLICT);
    last.assert_contains(&[
        r#"<p class="form-error" role="alert">root is the only admin; make someone else admin first.</p>"#,
    ]);
    let bad = app
        .post_form(
            "/admin/users/ana/role",
            &[("csrf", &csrf), ("role", "`owner`")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    bad.assert_contains(&["is not a role: use learner, interviewer, author or admin."]);
    for body in [&last.body, &page.body] {
        assert!(!body.contains('`'), "no raw Markdown: {body}");
    }
    assert_eq!(
        bad.body.matches('`').count(),
        2,
        "only the value sent, quoted"
    );
}
