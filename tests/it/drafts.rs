//! Drafts (front matter `draft: true`): as absent as a missing page for visitors, learners and
//! interviewers, everywhere; shown with a badge to authors and admins. And what `new scenario`
//! and `check` say about them.

use axum::http::{StatusCode, header};
use firedrill::accounts::Role;
use firedrill::content::stub::placeholder;

use crate::cli::{content, firedrill};
use crate::helpers::{TestApp, TestResponse};

const DRAFT: &str = "---
draft: true
title: 'Scenario: Unfinished <b>Drill</b> Draftcase'
---
Portal | Level: L2: Operations | Topics: GitOps | Domain: Delivery

# Scenario: Unfinished Drill

## The Prompt

The unfinished drill. Compare with [the open one](open.md) or [the panel](panel.md).

## What a Strong Answer Includes

- Check the thing that broke first
";

const DRAFT_PAGE: &str = "---
draft: true
---
# Notes Draftcase

Half-written notes. See [GitOps](gitops.md).
";

const PANEL: &str = "---
hidden: true
---
# Scenario: Panel Drill Hiddencase

## The Prompt

Run the panel.

## What a Strong Answer Includes

- Check the thing that broke first
";

const OPEN: &str = "Portal | Level: L2: Operations | Topics: GitOps | Domain: Delivery

# Scenario: Open Drill

## The Prompt

The deploy failed. Not [the unfinished one](unfinished.md), nor [the panel](panel.md).

## What a Strong Answer Includes

- Check the thing that broke first

## Wiki Navigation

### Related Content

- [Unfinished Drill Draftcase](unfinished.md) (Scenario, L2) — GitOps
- Notes Draftcase (Topic Pack, L1) — GitOps
- [GitOps](../topics/gitops.md) (Topic Pack, L1) — GitOps

### Pages that link here

- Notes Draftcase
";

const GITOPS: &str = "# GitOps

Start with [the draft drill](../scenarios/unfinished.md) and [the notes](notes.md).

## Wiki Navigation

### Related Content

- [Notes Draftcase](notes.md) (Topic Pack, L1) — GitOps
- [Open Drill](../scenarios/open.md) (Scenario, L2) — GitOps
";

async fn app() -> TestApp {
    TestApp::with_files(&[
        ("scenarios/unfinished.md", DRAFT),
        ("scenarios/panel.md", PANEL),
        ("scenarios/open.md", OPEN),
        ("topics/gitops.md", GITOPS),
        ("topics/notes.md", DRAFT_PAGE),
    ])
    .await
}

/// What would name or link a draft.
const DRAFTS: [&str; 4] = [
    "Draftcase",
    "/scenarios/unfinished",
    "/topics/notes",
    "badge-draft",
];

#[track_caller]
fn assert_absent(what: &str, page: &TestResponse, needles: &[&str]) {
    for needle in needles {
        assert!(
            !page.body.contains(needle),
            "{what} shows {needle:?}:\n{}",
            page.body
        );
    }
}

/// The browsers of a visitor, a learner and an interviewer: none of them may see drafts.
async fn without_drafts(app: &TestApp) -> Vec<(&'static str, TestApp)> {
    let learner = app.another_browser();
    learner.signed_in_as("lee", Role::Learner).await;
    let interviewer = app.another_browser();
    interviewer.signed_in_as("ivy", Role::Interviewer).await;
    vec![
        ("visitor", app.another_browser()),
        ("learner", learner),
        ("interviewer", interviewer),
    ]
}

#[tokio::test]
async fn no_page_a_visitor_learner_or_interviewer_gets_names_or_links_a_draft() {
    let app = app().await;
    for (who, browser) in without_drafts(&app).await {
        for uri in [
            "/",
            "/?q=unfinished",
            "/?q=draftcase",
            "/?topic=GitOps",
            "/wiki",
            "/topics/gitops",
            "/scenarios/open",
        ] {
            let page = browser.get(uri).await;
            assert_eq!(page.status, StatusCode::OK, "{who} {uri}");
            assert_absent(&format!("{who} {uri}"), &page, &DRAFTS);
        }
        // The words of a link to a draft stay, as plain text; other links stay links.
        browser.get("/scenarios/open").await.assert_contains(&[
            "Not the unfinished one, nor",
            r#"<a href="/topics/gitops">GitOps</a>"#,
        ]);
        browser
            .get("/topics/gitops")
            .await
            .assert_contains(&["Start with the draft drill and the notes."]);
    }
}

#[tokio::test]
async fn a_drafts_address_answers_exactly_like_a_missing_page() {
    let app = app().await;
    for (who, browser) in without_drafts(&app).await {
        // The 404 suggests a search for the address's last part: keep it the same.
        for (draft, missing) in [
            ("/scenarios/unfinished", "/elsewhere/unfinished"),
            ("/topics/notes", "/elsewhere/notes"),
            ("/scenarios/unfinished.md", "/elsewhere/unfinished.md"),
        ] {
            let (draft_page, missing_page) = (browser.get(draft).await, browser.get(missing).await);
            assert_eq!(draft_page.status, StatusCode::NOT_FOUND, "{who} {draft}");
            assert_eq!(
                draft_page.body.replace(draft, missing),
                missing_page.body,
                "{who} {draft}"
            );
            assert_eq!(
                draft_page.header(header::CACHE_CONTROL),
                missing_page.header(header::CACHE_CONTROL),
                "{who} {draft}"
            );
        }
    }
}

#[tokio::test]
async fn a_draft_cannot_be_answered_revealed_or_started_as_an_interview_without_seeing_drafts() {
    let app = app().await;
    for (who, browser) in without_drafts(&app).await {
        let csrf = TestApp::csrf_in(&browser.get("/scenarios/open").await);
        for (uri, fields) in [
            (
                "/attempts",
                vec![
                    ("csrf", csrf.as_str()),
                    ("scenario", "unfinished"),
                    ("answer", "check the thing that broke first"),
                ],
            ),
            (
                "/reveals",
                vec![("csrf", csrf.as_str()), ("scenario", "unfinished")],
            ),
        ] {
            let refused = browser.post_form(uri, &fields).await;
            assert_eq!(refused.status, StatusCode::NOT_FOUND, "{who} {uri}");
            assert_absent(&format!("{who} {uri}"), &refused, &DRAFTS);
        }
        if who == "interviewer" {
            let key = browser.get("/interviews/keys/unfinished").await;
            assert_eq!(key.status, StatusCode::NOT_FOUND);
            let started = browser
                .post_form(
                    "/interviews",
                    &[
                        ("csrf", &csrf),
                        ("scenario", "unfinished"),
                        ("candidate", "Sam"),
                    ],
                )
                .await;
            assert_eq!(started.status, StatusCode::NOT_FOUND, "{}", started.body);
            // The hidden scenario is still theirs to run.
            let key = browser.get("/interviews/keys/panel").await;
            assert_eq!(key.status, StatusCode::OK);
        }
    }
    let attempts = app.store.attempts_per_scenario().await.unwrap();
    assert!(attempts.is_empty(), "{attempts:?}");
}

#[tokio::test]
async fn an_interviewer_sees_hidden_scenarios_but_not_drafts() {
    let app = app().await;
    let interviewer = app.another_browser();
    interviewer.signed_in_as("ivy", Role::Interviewer).await;
    let catalogue = interviewer.get("/").await;
    catalogue.assert_contains(&["Panel Drill Hiddencase", "Open Drill"]);
    assert_absent("catalogue", &catalogue, &DRAFTS);
    interviewer
        .get("/scenarios/open")
        .await
        .assert_contains(&[r#"<a href="/scenarios/panel">the panel</a>"#]);
}

#[tokio::test]
async fn authors_and_admins_see_drafts_everywhere_with_a_badge_and_every_link() {
    let app = app().await;
    for (name, role) in [("ada", Role::Author), ("root", Role::Admin)] {
        let browser = app.another_browser();
        browser.signed_in_as(name, role).await;
        let catalogue = browser.get("/").await;
        let card = catalogue
            .body
            .split(r#"<li class="card">"#)
            .find(|card| card.contains("/scenarios/unfinished"))
            .unwrap_or_else(|| panic!("{name}: no card for the draft:\n{}", catalogue.body));
        assert!(
            card.contains(r#"<li class="badge badge-draft">Draft</li>"#),
            "{card}"
        );
        assert!(
            card.contains("Unfinished &#60;b&#62;Drill&#60;/b&#62; Draftcase"),
            "{card}"
        );
        assert!(!catalogue.body.contains("<b>Drill</b>"), "escaped");
        let search = browser.get("/?q=draftcase").await;
        search.assert_contains(&["/scenarios/unfinished", "1 of 3 scenarios match"]);

        let wiki = browser.get("/wiki").await;
        let card = wiki
            .body
            .split(r#"<li class="card">"#)
            .find(|card| card.contains("/topics/notes"))
            .unwrap_or_else(|| panic!("{name}: no card for the draft page:\n{}", wiki.body));
        assert!(card.contains("badge-draft"), "{card}");

        for uri in ["/scenarios/unfinished", "/topics/notes"] {
            let page = browser.get(uri).await;
            assert_eq!(page.status, StatusCode::OK, "{name} {uri}");
            page.assert_contains(&[
                r#"<li class="badge badge-draft" title="Only authors and admins"#,
            ]);
        }
        let open = browser.get("/scenarios/open").await;
        open.assert_contains(&[
            r#"<a href="/scenarios/unfinished">the unfinished one</a>"#,
            r#"<a href="/scenarios/unfinished">Unfinished Drill Draftcase</a>"#,
            "Notes Draftcase",
        ]);
        let backlinks = &open.body[open.body.find("Pages that link here").unwrap()..];
        assert!(
            backlinks
                .contains(r#"<a href="/scenarios/unfinished">Scenario: Unfinished &#60;b&#62;"#),
            "{name}: {backlinks}"
        );
        let stats = browser.get("/stats").await;
        let row = stats
            .body
            .split("<tr>")
            .find(|row| row.contains("/stats/unfinished"))
            .unwrap_or_else(|| panic!("{name}: no row for the draft:\n{}", stats.body));
        assert!(row.contains("badge-draft"), "{row}");
        browser.get("/topics/gitops").await.assert_contains(&[
            r#"<a href="/scenarios/unfinished">the draft drill</a>"#,
            r#"<a href="/topics/notes">Notes Draftcase</a>"#,
        ]);
    }
}

#[tokio::test]
async fn an_author_can_try_a_draft_and_an_admin_can_start_an_interview_of_one() {
    let app = app().await;
    let author = app.another_browser();
    author.signed_in_as("ada", Role::Author).await;
    let csrf = TestApp::csrf_in(&author.get("/scenarios/unfinished").await);
    let posted = author
        .post_form(
            "/attempts",
            &[
                ("csrf", &csrf),
                ("scenario", "unfinished"),
                ("answer", "check the thing that broke first"),
            ],
        )
        .await;
    assert_eq!(posted.status, StatusCode::SEE_OTHER, "{}", posted.body);
    let attempt = author.get(posted.header(header::LOCATION)).await;
    attempt.assert_contains(&["The unfinished drill."]);

    let admin = app.another_browser();
    admin.signed_in_as("root", Role::Admin).await;
    let csrf = TestApp::csrf_in(&admin.get("/scenarios/unfinished").await);
    let started = admin
        .post_form(
            "/interviews",
            &[
                ("csrf", &csrf),
                ("scenario", "unfinished"),
                ("candidate", "Sam"),
            ],
        )
        .await;
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.body);
    // The candidate gets the draft as a learner would: no link to the hidden scenario.
    let console = admin.get(started.header(header::LOCATION)).await;
    console.assert_contains(&[r#"<a href="/scenarios/panel">the panel</a>"#]);
    let marker = r#"id="candidate-link" readonly value=""#;
    let at = console.body.find(marker).unwrap() + marker.len();
    let link = &console.body[at..at + console.body[at..].find('"').unwrap()];
    let candidate = app.another_browser().get(link).await;
    assert_eq!(candidate.status, StatusCode::OK, "{}", candidate.body);
    candidate.assert_contains(&[
        "The unfinished drill.",
        r#"<a href="/scenarios/open">the open one</a> or the panel."#,
    ]);
    assert_absent("candidate", &candidate, &["/scenarios/panel"]);
}

#[tokio::test]
async fn an_attempt_on_a_scenario_made_a_draft_since_shows_a_learner_neither_its_title_nor_its_page()
 {
    let app = TestApp::with_files(&[("scenarios/open.md", OPEN)]).await;
    let csrf = TestApp::csrf_in(&app.get("/scenarios/open").await);
    let posted = app
        .post_form(
            "/attempts",
            &[
                ("csrf", &csrf),
                ("scenario", "open"),
                ("answer", "check the thing that broke first"),
            ],
        )
        .await;
    let attempt = posted.header(header::LOCATION).to_owned();
    app.get(&attempt)
        .await
        .assert_contains(&["Open Drill", "The deploy failed."]);
    let now_draft = format!("---\ndraft: true\n---\n{OPEN}");
    let site = firedrill::content::Site::of_texts(&[("scenarios/open.md", &now_draft)]);
    app.state
        .replace_content(firedrill::web::published::Published::new(site));
    for uri in [attempt.as_str(), "/attempts"] {
        let page = app.get(uri).await;
        assert_eq!(page.status, StatusCode::OK, "{uri}");
        assert_absent(
            uri,
            &page,
            &["Open Drill", "The deploy failed.", "/scenarios/open"],
        );
    }
}

#[tokio::test]
async fn in_watch_mode_a_drafts_problems_are_shown_to_authors_only() {
    let broken = "---\ndraft: true\n---\n# Scenario: Broken Draftcase\n\nNo prompt yet.\n";
    let app = TestApp::watching_files(&[("scenarios/broken.md", broken)]).await;
    for (who, browser) in without_drafts(&app).await {
        let page = browser.get("/scenarios/broken").await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{who}");
        assert_absent(who, &page, &["author-problems", "without a prompt"]);
    }
    let author = app.another_browser();
    author.signed_in_as("ada", Role::Author).await;
    author
        .get("/scenarios/broken")
        .await
        .assert_contains(&["author-problems", "without a prompt"]);
}

#[test]
fn new_scenario_writes_a_draft_and_says_how_to_publish_it() {
    let dir = content(&[]);
    let folder = dir.path().to_str().unwrap();
    let (code, out) = firedrill(&["new", "scenario", "Disk Full", "--content", folder]);
    assert_eq!(code, 0, "{out}");
    let path = dir.path().join("scenarios/disk-full.md");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("---\ndraft: true "), "{text}");
    assert!(
        out.contains("publish: delete the line `draft: true` from its front matter"),
        "{out}"
    );
    assert!(
        out.contains(&format!("firedrill check --content {folder} ")),
        "{out}"
    );
    let site = firedrill::content::load(dir.path()).unwrap();
    let page = site.scenario("disk-full").unwrap();
    assert!(page.meta.draft);
    assert_eq!(
        page.meta.level.as_ref().unwrap().code,
        "L2",
        "the breadcrumb is kept"
    );
}

/// The line (1-based) of `needle` in `text`.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|line| line.contains(needle))
        .unwrap_or_else(|| panic!("{needle:?} not in the file"))
        + 1
}

#[test]
fn check_reports_each_stub_line_left_at_its_line_and_not_those_replaced_or_in_comments() {
    let dir = content(&[]);
    let folder = dir.path().to_str().unwrap();
    let (code, _) = firedrill(&["new", "scenario", "Disk Full", "--content", folder]);
    assert_eq!(code, 0);
    let path = dir.path().join("scenarios/disk-full.md");
    let stub = std::fs::read_to_string(&path).unwrap();
    let (code, out) = firedrill(&["check", "--content", folder]);
    assert_eq!(code, 0, "{out}");
    for line in placeholder::all() {
        let expected = format!(
            "scenarios/disk-full.md:{}: warning: stub text `{line}` is still here: replace it with this scenario's own, or delete the line\n",
            line_of(&stub, line)
        );
        assert!(out.contains(&expected), "missing {expected:?} in:\n{out}");
    }
    let warnings = placeholder::all().count() + 1;
    assert!(
        out.ends_with(&format!("checked 1 file: 0 errors, {warnings} warnings\n")),
        "{out}"
    );

    // Publish (the front matter is three lines), replace the prompt, comment out the root
    // cause: those warnings go.
    let published = stub.lines().skip(3).collect::<Vec<_>>().join("\n");
    let edited = published
        .replace(placeholder::PROMPT, "> \"The orders database is full.\"")
        .replace(
            placeholder::ROOT_CAUSE,
            &format!("A stale slot.\n<!-- {} -->", placeholder::ROOT_CAUSE),
        );
    std::fs::write(&path, &edited).unwrap();
    let (code, out) = firedrill(&["check", "--content", folder]);
    assert_eq!(code, 0, "{out}");
    assert!(!out.contains("draft"), "{out}");
    assert!(!out.contains("Describe the situation"), "{out}");
    assert!(!out.contains("Explain the cause"), "{out}");
    let left = format!(
        "scenarios/disk-full.md:{}: warning: stub text `{}`",
        line_of(&edited, placeholder::REPORT),
        placeholder::REPORT
    );
    assert!(out.contains(&left), "{out}");
    assert!(
        out.ends_with(&format!("0 errors, {} warnings\n", warnings - 3)),
        "{out}"
    );
}

const PUBLISHED: &str = "# Fine\n\nAll good.\n";

#[test]
fn a_draft_is_a_warning_at_its_flag_and_strict_check_fails_on_any_warning() {
    let dir = content(&[
        ("ok.md", PUBLISHED),
        (
            "notes.md",
            "---\ntitle: Notes\ndraft: true\n---\n# N\n\nSoon.\n",
        ),
    ]);
    let folder = dir.path().to_str().unwrap();
    let (code, out) = firedrill(&["check", "--content", folder]);
    assert_eq!(code, 0, "{out}");
    insta::assert_snapshot!(out, @r"
    notes.md:3: warning: `draft: true`: hidden from learners until the flag is removed
    checked 2 files: 0 errors, 1 warning
    ");
    let (code, out) = firedrill(&["check", "--strict", "--content", folder]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.ends_with(
            "checked 2 files: 0 errors, 1 warning (--strict: warnings count as errors)\n"
        ),
        "{out}"
    );
    let strict_json = std::process::Command::new(env!("CARGO_BIN_EXE_firedrill"))
        .args(["check", "--format", "json", "--content", folder])
        .env("FIREDRILL_STRICT", "true")
        .output()
        .unwrap();
    assert_eq!(strict_json.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&strict_json.stdout).unwrap();
    assert_eq!(report["strict"], true);
    assert_eq!(report["summary"]["warnings"], 1);

    let clean = content(&[("ok.md", PUBLISHED)]);
    let (code, out) = firedrill(&[
        "check",
        "--strict",
        "--content",
        clean.path().to_str().unwrap(),
    ]);
    assert_eq!(
        (code, out.as_str()),
        (0, "checked 1 file: 0 errors, 0 warnings\n")
    );
}
