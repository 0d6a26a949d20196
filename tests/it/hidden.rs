//! Hidden scenarios (interview-only) never named or linked on a page a learner can see, still
//! linked for those who may see them; and their problems kept off the learner's 404 in watch
//! mode.

use axum::http::{StatusCode, header};
use firedrill::accounts::Role;

use crate::helpers::{TestApp, TestResponse};

const OPEN: &str = "# Scenario: Open Drill

## The Prompt

The deploy failed. Compare with [the rehearsal](panel-drill.md).

## Root Cause

The same as in [the rehearsal](panel-drill.md#root-cause).

## What a Strong Answer Includes

- Check the thing that broke first

## Wiki Navigation

### Related Content

- [Panel Drill Secret](panel-drill.md) (Scenario, L2) — GitOps
- [GitOps](../topics/gitops.md) (Topic Pack, L1) — GitOps
";

const PANEL: &str = "---
hidden: true
---
# Scenario: Panel Drill Secret

## The Prompt

Run the panel. Then try [the vault](vault.md) or [the open drill](open.md).

## Observable Evidence

- Pods restart; see [the vault](vault.md)

## What a Strong Answer Includes

- Check the thing that broke first

## Wiki Navigation

### Related Content

- [GitOps](../topics/gitops.md) (Topic Pack, L1) — GitOps
";

const VAULT: &str = "---
hidden: true
---
# Interview: Vault Secret Interview

## The Prompt

Open the vault.

## What a Strong Answer Includes

- Rotate the key
";

const GITOPS: &str = "# GitOps

Read [this first](../scenarios/panel-drill.md) before the drills.

## Wiki Navigation

### Related Content

- [Panel Drill Secret](../scenarios/panel-drill.md) (Scenario, L2) — GitOps
- Vault Secret Interview (Scenario, L2) — GitOps
- [Open Drill](../scenarios/open.md) (Scenario, L1) — GitOps

### Pages that link here

- Vault Secret Interview
- [Open Drill](../scenarios/open.md)
";

async fn app() -> TestApp {
    TestApp::with_files(&[
        ("scenarios/open.md", OPEN),
        ("scenarios/panel-drill.md", PANEL),
        ("scenarios/vault.md", VAULT),
        ("topics/gitops.md", GITOPS),
    ])
    .await
}

/// What would name or link a hidden scenario.
const SECRETS: [&str; 4] = [
    "Panel Drill Secret",
    "Vault Secret",
    "/scenarios/panel-drill",
    "/scenarios/vault",
];

#[track_caller]
fn assert_no_secret(what: &str, page: &TestResponse, secrets: &[&str]) {
    for secret in secrets {
        assert!(
            !page.body.contains(secret),
            "{what} names {secret:?}:\n{}",
            page.body
        );
    }
}

/// Submits an answer to `slug`; returns the attempt's address.
async fn answer(browser: &TestApp, slug: &str) -> String {
    let csrf = TestApp::csrf_in(&browser.get(&format!("/scenarios/{slug}")).await);
    let posted = browser
        .post_form(
            "/attempts",
            &[
                ("csrf", &csrf),
                ("scenario", slug),
                ("answer", "check the thing that broke first"),
            ],
        )
        .await;
    assert_eq!(posted.status, StatusCode::SEE_OTHER, "{}", posted.body);
    posted.header(header::LOCATION).to_owned()
}

#[tokio::test]
async fn no_page_a_learner_can_see_names_or_links_a_hidden_scenario() {
    let app = app().await;
    let signed_in = app.another_browser();
    signed_in.signed_in_as("lee", Role::Learner).await;
    for (who, browser) in [("anonymous", &app), ("learner", &signed_in)] {
        let attempt = answer(browser, "open").await;
        for uri in [
            "/",
            "/?q=panel",
            "/?q=secret",
            "/?q=vault",
            "/wiki",
            "/topics/gitops",
            "/scenarios/open",
            "/attempts",
            attempt.as_str(),
        ] {
            let page = browser.get(uri).await;
            assert_eq!(page.status, StatusCode::OK, "{who} {uri}");
            assert_no_secret(&format!("{who} {uri}"), &page, &SECRETS);
        }
        // The words of a link to a hidden scenario stay, as plain text.
        let open = browser.get("/scenarios/open").await;
        open.assert_contains(&[
            "Compare with the rehearsal.",
            "The same as in the rehearsal.",
        ]);
        let topic = browser.get("/topics/gitops").await;
        topic.assert_contains(&["Read this first before the drills.", "/scenarios/open"]);
        for uri in ["/scenarios/panel-drill", "/scenarios/vault", "/nope"] {
            let page = browser.get(uri).await;
            assert_eq!(page.status, StatusCode::NOT_FOUND, "{who} {uri}");
            assert_no_secret(&format!("{who} {uri}"), &page, &SECRETS[..2]);
        }
    }
}

#[tokio::test]
async fn interviewers_authors_and_admins_still_see_the_links_to_hidden_scenarios() {
    let app = app().await;
    for (name, role) in [
        ("ivy", Role::Interviewer),
        ("ada", Role::Author),
        ("root", Role::Admin),
    ] {
        let browser = app.another_browser();
        browser.signed_in_as(name, role).await;
        let topic = browser.get("/topics/gitops").await;
        let inline = r#"<a href="/scenarios/panel-drill">this first</a>"#;
        let related = r#"<a href="/scenarios/panel-drill">Panel Drill Secret</a>"#;
        topic.assert_contains(&[inline, related, "Vault Secret Interview"]);
        let backlinks = &topic.body[topic.body.find("Pages that link here").unwrap()..];
        assert!(
            backlinks.contains("Vault Secret Interview")
                && backlinks.contains(r#"<a href="/scenarios/panel-drill">Scenario: Panel"#),
            "{name}: {backlinks}"
        );
        let open = browser.get("/scenarios/open").await;
        open.assert_contains(&[r#"<a href="/scenarios/panel-drill">the rehearsal</a>"#]);
        browser
            .get("/")
            .await
            .assert_contains(&["Panel Drill Secret", "Vault Secret Interview"]);
        let wiki = browser.get("/wiki").await;
        assert_eq!(wiki.status, StatusCode::OK);
        assert_eq!(
            browser.get("/scenarios/panel-drill").await.status,
            StatusCode::OK,
            "{name}"
        );
    }
}

#[tokio::test]
async fn a_candidate_on_a_hidden_scenario_is_not_shown_links_to_other_hidden_ones() {
    let app = app().await;
    app.signed_in_as("ivy", Role::Interviewer).await;
    let csrf = TestApp::csrf_in(&app.get("/scenarios/panel-drill").await);
    let started = app
        .post_form(
            "/interviews",
            &[
                ("csrf", &csrf),
                ("scenario", "panel-drill"),
                ("candidate", "Sam"),
            ],
        )
        .await;
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.body);
    let console_path = started.header(header::LOCATION).to_owned();
    let console = app.get(&console_path).await;
    let marker = r#"id="candidate-link" readonly value=""#;
    let at = console.body.find(marker).unwrap() + marker.len();
    let link = &console.body[at..at + console.body[at..].find('"').unwrap()];
    let csrf = TestApp::csrf_in(&console);
    let revealed = app
        .post_form(
            &format!("{console_path}/reveals"),
            &[("csrf", &csrf), ("what", "evidence"), ("index", "0")],
        )
        .await;
    assert!(revealed.status.is_redirection(), "{}", revealed.body);

    let candidate = app.another_browser().get(link).await;
    assert_eq!(candidate.status, StatusCode::OK);
    candidate.assert_contains(&[
        "Run the panel. Then try the vault or",
        r#"<a href="/scenarios/open">the open drill</a>"#,
        "Pods restart; see the vault",
    ]);
    assert_no_secret(
        "candidate page",
        &candidate,
        &["/scenarios/vault", "Vault Secret"],
    );
}

#[tokio::test]
async fn in_watch_mode_a_hidden_files_problems_are_kept_from_learners() {
    let with_problem = PANEL.replace("Run the panel.", "Run the [panel](gone.md).");
    let broken = "---\nhidden: true\n---\n# Scenario: Broken Secret\n\nNo prompt yet.\n";
    let app = TestApp::watching_files(&[
        ("scenarios/panel-drill.md", with_problem.as_str()),
        ("scenarios/broken.md", broken),
        (
            "scenarios/draft.md",
            "# Scenario: Draft\n\nNo prompt yet.\n",
        ),
    ])
    .await;
    let interviewer = app.another_browser();
    interviewer.signed_in_as("ivy", Role::Interviewer).await;
    let learner = app.another_browser();
    learner.signed_in_as("lee", Role::Learner).await;
    for (who, browser) in [("anonymous", &app), ("learner", &learner)] {
        for uri in ["/scenarios/panel-drill", "/scenarios/broken"] {
            let page = browser.get(uri).await;
            assert_eq!(page.status, StatusCode::NOT_FOUND, "{who} {uri}");
            assert_no_secret(
                &format!("{who} {uri}"),
                &page,
                &["author-problems", "gone.md", "without a prompt"],
            );
        }
        // A file that is not hidden shows its problems to everyone here.
        browser
            .get("/scenarios/draft")
            .await
            .assert_contains(&["author-problems", "without a prompt"]);
    }
    interviewer
        .get("/scenarios/panel-drill")
        .await
        .assert_contains(&["author-problems", "gone.md"]);
    interviewer
        .get("/scenarios/broken")
        .await
        .assert_contains(&["author-problems", "without a prompt"]);
}

#[tokio::test]
async fn an_attempt_on_a_scenario_hidden_since_shows_a_learner_neither_its_title_nor_its_page() {
    let app = app().await;
    let attempt = answer(&app, "open").await;
    app.get(&attempt)
        .await
        .assert_contains(&["Open Drill", "The deploy failed."]);
    let now_hidden = format!("---\nhidden: true\n---\n{OPEN}");
    let files: Vec<firedrill::content::SourceFile> = [
        ("scenarios/open.md", now_hidden.as_str()),
        ("topics/gitops.md", GITOPS),
    ]
    .iter()
    .map(|(path, text)| firedrill::content::SourceFile {
        path: (*path).to_owned(),
        bytes: text.as_bytes().to_vec(),
    })
    .collect();
    let site = firedrill::content::Site::build(&files);
    app.state
        .replace_content(firedrill::web::published::Published::new(site));
    for uri in [attempt.as_str(), "/attempts"] {
        let page = app.get(uri).await;
        assert_eq!(page.status, StatusCode::OK, "{uri}");
        assert_no_secret(
            uri,
            &page,
            &["Open Drill", "The deploy failed.", "/scenarios/open"],
        );
    }
}
