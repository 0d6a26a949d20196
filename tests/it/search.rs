//! The site search through the router, on content written here: typos, ranking, escaped
//! snippets, filters, the JSON, what is never found (answers, drafts and hidden pages for those
//! who may not see them), bad input, and the index following a content reload.

use axum::http::{StatusCode, header};
use firedrill::accounts::Role;
use firedrill::app::Settings;
use firedrill::web::published::Published;
use serde_json::Value;

use crate::helpers::TestApp;

/// A scenario whose answers hold words found nowhere else: each must never be found.
const SCENARIO: &str = r#"Portal | Level: L2: Operations | Topics: TLS | Domain: Networking

# Scenario: Certificate Expired on the Ingress

## The Prompt

> "Browsers warn about shop.example and the API is unreachable. What do you do?"

## Observable Evidence

- `openssl s_client -connect shop.example:443` shows a notAfter date in the past
- The renewal job last ran five weeks ago

## Expected Investigation Path

```bash
# 1. Look at the snarfblatter
kubectl get snarfblatter -n shop
# Shows: glimmerquux pending for weeks
```

## Root Cause

The vexillology controller was scaled to zero.

## What a Strong Answer Includes

- Mentions the quokkafence <!-- also: plonkery -->

## Common Traps

- **Blaming the zanzibarite** — it was fine

## Follow-ups

1. What would the wimbleprobe show?
"#;

/// Words only in the scenario's answers (investigation path, its Shows line, root cause,
/// checklist and its annotation, traps, follow-ups).
const SCENARIO_SECRETS: [&str; 8] = [
    "snarfblatter",
    "glimmerquux",
    "vexillology",
    "quokkafence",
    "plonkery",
    "zanzibarite",
    "wimbleprobe",
    "snarfblat",
];

const WALKTHROUGH: &str = r#"Portal | Level: L1 | Topics: Kubernetes

# Scenario: Export Job Killed Every Night

## Situation

The nightly export job dies at 02:00 and the certificate report is never sent.

## What You Know

- The pod restarts with exit code 137

## Investigation Steps

### 1. Read the pod's last state

**Command(s):**

```bash
kubectl describe pod export -n batch   # the frobnicator
```

**What to look for:** the plumbustion reason.

## Root Cause

The memory limit was set by the grimblewick template.

## Fix

**Immediate:** raise the limit with the flumphtastic patch.

**Preventive:** - alert on the wozzlecount

## Common Mistakes

- **Blaming the node** — the snorkelbane was fine

## Interview Angle

**Q:** How would you prevent it?

**Good answer shape:** mention the quibblequark.
"#;

const WALKTHROUGH_SECRETS: [&str; 8] = [
    "frobnicator",
    "plumbustion",
    "grimblewick",
    "flumphtastic",
    "wozzlecount",
    "snorkelbane",
    "quibblequark",
    "prevent",
];

const GAUNTLET: &str = r#"# Interview Gauntlet: Certificate Rotation Under Pressure

**Category:** Security
**Difficulty:** L2-L3
**Domains:** TLS, Kubernetes

## Round 1: The Opening

**Interviewer:** "A certificate expires in an hour. What do you check first?"

> *What the interviewer is testing:* the gronkulation of priorities

### Strong Answer:

> "I would check the blivetstrong issuer first."

### Common Weak Answers:

- "Restart everything" — the splonkweak answer

### Trap Alert:

> The fizzlewump trap.

## Round 2: The Probe

**Interviewer:** "The issuer is down: what is the yorpquestion now?"

### Strong Answer:

> "Use the backup issuer."
"#;

const GAUNTLET_SECRETS: [&str; 5] = [
    "gronkulation",
    "blivetstrong",
    "splonkweak",
    "fizzlewump",
    "yorpquestion",
];

/// A runbook: a body match on "certificate", commands, and markup written as code.
const RUNBOOK: &str = r#"Portal | Level: L1 | Topics: Kubernetes

# Runbook: Pods Stuck Pending

When pods stay Pending the scheduler could not place them. A certificate is rarely the cause.
Someone once pasted `<script>alert(1)</script>` into a pod annotation.

## Triage

```bash
kubectl describe pod NAME -n NS
kubectl get events --sort-by=.lastTimestamp
```
"#;

fn draft(title: &str) -> String {
    format!(
        "---\ndraft: true\n---\n# Scenario: {title} Draftonly Certificate\n\n## The Prompt\n\nWhat now?\n\n## What a Strong Answer Includes\n\n- Something\n"
    )
}

fn hidden(title: &str) -> String {
    format!(
        "---\nhidden: true\n---\n# Scenario: {title} Hiddenonly Certificate\n\n## The Prompt\n\nWhat now?\n\n## What a Strong Answer Includes\n\n- Something\n"
    )
}

async fn app() -> TestApp {
    TestApp::with_files(&[
        ("scenarios/tls.md", SCENARIO),
        ("scenarios/export.md", WALKTHROUGH),
        ("gauntlets/rotation.md", GAUNTLET),
        ("runbooks/pending.md", RUNBOOK),
        ("scenarios/draft.md", &draft("Unwritten")),
        ("scenarios/hidden.md", &hidden("Interview")),
    ])
    .await
}

async fn json(app: &TestApp, query: &str) -> Value {
    let response = app.get(&format!("/search.json?{query}")).await;
    assert_eq!(
        response.status,
        StatusCode::OK,
        "{query}: {}",
        response.body
    );
    serde_json::from_str(&response.body).unwrap()
}

fn urls(results: &Value) -> Vec<&str> {
    results["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["url"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn a_typo_finds_the_page_with_the_word_marked() {
    let app = app().await;
    let page = app.get("/search?q=certficate+ingres").await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains(&[
        r#"<a class="result-title" href="/scenarios/tls">"#,
        "<mark>Certificate</mark> Expired on the <mark>Ingress</mark>",
        "1 result for",
    ]);
    let found = json(&app, "q=expried").await;
    assert_eq!(urls(&found), ["/scenarios/tls"]);
}

#[tokio::test]
async fn a_title_match_ranks_above_a_body_match() {
    let app = app().await;
    let found = json(&app, "q=certificate").await;
    let urls = urls(&found);
    let title = urls.iter().position(|u| *u == "/scenarios/tls").unwrap();
    let body = urls.iter().position(|u| *u == "/runbooks/pending").unwrap();
    assert!(title < body, "{urls:?}");
    let scores: Vec<f64> = found["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["score"].as_f64().unwrap())
        .collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
}

#[tokio::test]
async fn snippets_are_escaped_and_only_the_marks_are_markup() {
    let app = app().await;
    let page = app.get("/search?q=script").await;
    page.assert_contains(&["&lt;<mark>script</mark>&gt;alert(1)&lt;/<mark>script</mark>&gt;"]);
    assert!(!page.body.contains("<script>alert"), "{}", page.body);
    let found = json(&app, "q=script").await;
    let snippet = found["results"][0]["snippet"].as_str().unwrap();
    assert!(snippet.contains("&lt;<mark>script</mark>&gt;"), "{snippet}");
    let commands = json(&app, "q=lasttimestamp").await;
    let snippet = commands["results"][0]["snippet"].as_str().unwrap();
    assert!(snippet.contains("<mark>lastTimestamp</mark>"), "{snippet}");
}

#[tokio::test]
async fn filters_by_kind_level_and_topic_are_query_parameters_shown_as_controls() {
    let app = app().await;
    let count = |v: Value| v["total"].as_u64().unwrap();
    assert_eq!(count(json(&app, "q=certificate").await), 4);
    let wiki = json(&app, "q=certificate&kind=wiki").await;
    assert_eq!(urls(&wiki), ["/runbooks/pending"]);
    let gauntlet = json(&app, "q=certificate&kind=gauntlet").await;
    assert_eq!(urls(&gauntlet), ["/gauntlets/rotation"]);
    let walkthrough = json(&app, "q=certificate&kind=walkthrough&level=L1").await;
    assert_eq!(urls(&walkthrough), ["/scenarios/export"]);
    assert_eq!(count(json(&app, "q=certificate&level=L1").await), 2);
    assert_eq!(count(json(&app, "q=certificate&topic=tls").await), 2);
    assert_eq!(
        count(json(&app, "q=certificate&kind=scenario&topic=TLS").await),
        1
    );
    let page = app.get("/search?q=certificate&kind=wiki&level=L1").await;
    page.assert_contains(&[
        r#"<option value="wiki" selected>"#,
        r#"<option value="L1" selected>"#,
        r#"<option value="Kubernetes">"#,
        r#"<a href="/search?q=certificate">Clear filters</a>"#,
    ]);
    let none = app.get("/search?q=certificate&kind=wiki&level=L2").await;
    none.assert_contains(&["No results", "Check the spelling", "clear the filters"]);
}

#[tokio::test]
async fn the_json_gives_each_result_its_kind_slug_url_title_level_topics_score_and_snippet() {
    let app = app().await;
    let found = json(&app, "q=certificate+expired+ingress").await;
    assert_eq!(found["query"], "certificate expired ingress");
    assert_eq!(found["total"], 1);
    let hit = &found["results"][0];
    let mut keys: Vec<&str> = hit
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "kind", "level", "score", "slug", "snippet", "title", "topics", "url"
        ]
    );
    assert_eq!(hit["kind"], "scenario");
    assert_eq!(hit["slug"], "tls");
    assert_eq!(hit["title"], "Certificate Expired on the Ingress");
    assert_eq!(hit["level"], "L2");
    assert_eq!(hit["topics"], serde_json::json!(["TLS"]));
    assert!(hit["score"].as_f64().unwrap() > 0.0);
}

#[tokio::test]
async fn words_only_in_answers_are_never_found_nor_shown() {
    let app = app().await;
    app.signed_in_as("ada", Role::Admin).await;
    let secrets = SCENARIO_SECRETS
        .iter()
        .chain(&WALKTHROUGH_SECRETS)
        .chain(&GAUNTLET_SECRETS);
    for secret in secrets {
        let found = json(&app, &format!("q={secret}")).await;
        assert_eq!(found["total"], 0, "{secret} found: {found}");
    }
    // Nor in any snippet of what is found.
    for query in [
        "q=certificate",
        "q=kubectl",
        "q=shop",
        "q=export",
        "q=issuer",
    ] {
        let body = app.get(&format!("/search.json?{query}")).await.body;
        for secret in SCENARIO_SECRETS.iter().chain(&GAUNTLET_SECRETS) {
            assert!(!body.contains(secret), "{query} shows {secret}: {body}");
        }
    }
}

#[tokio::test]
async fn drafts_are_found_by_authors_and_hidden_scenarios_by_interviewers_too() {
    let app = app().await;
    let interviewer = app.another_browser();
    interviewer.signed_in_as("ivy", Role::Interviewer).await;
    let author = app.another_browser();
    author.signed_in_as("abe", Role::Author).await;
    let learner = app.another_browser();
    learner.signed_in_as("lea", Role::Learner).await;
    let found = |v: &Value| -> Vec<String> { urls(v).into_iter().map(str::to_owned).collect() };
    for (who, browser) in [("visitor", &app), ("learner", &learner)] {
        let seen = found(&json(browser, "q=draftonly").await);
        assert!(seen.is_empty(), "{who}: {seen:?}");
        let seen = found(&json(browser, "q=hiddenonly").await);
        assert!(seen.is_empty(), "{who}: {seen:?}");
        let page = browser.get("/search?q=certificate").await;
        assert!(!page.body.contains("/scenarios/draft"), "{who}");
        assert!(!page.body.contains("/scenarios/hidden"), "{who}");
        assert!(!page.body.contains("Hiddenonly"), "{who}");
    }
    assert_eq!(
        found(&json(&interviewer, "q=hiddenonly").await),
        ["/scenarios/hidden"]
    );
    assert!(found(&json(&interviewer, "q=draftonly").await).is_empty());
    assert_eq!(
        found(&json(&author, "q=draftonly").await),
        ["/scenarios/draft"]
    );
    let page = author.get("/search?q=draftonly").await;
    page.assert_contains(&["badge-draft"]);
    let signed_in = author.get("/search.json?q=draftonly").await;
    assert_eq!(signed_in.header(header::CACHE_CONTROL), "no-store");
}

#[tokio::test]
async fn an_empty_search_shows_a_hint_and_syntax_characters_are_plain_separators() {
    let app = app().await;
    for uri in [
        "/search",
        "/search?q=",
        "/search?q=+++",
        "/search?q=%22%3A%28%2A-",
    ] {
        let page = app.get(uri).await;
        assert_eq!(page.status, StatusCode::OK, "{uri}");
        page.assert_contains(&["Type a word or two above"]);
    }
    for q in [
        "\"certificate",
        "certificate:",
        "(certificate)",
        "certif*",
        "-certificate",
        "a:b(c\"*-",
        "AND OR NOT",
        "\\",
        "[]{}^~!",
    ] {
        let encoded: String = form_urlencoded::byte_serialize(q.as_bytes()).collect();
        for route in ["/search", "/search.json"] {
            let response = app.get(&format!("{route}?q={encoded}")).await;
            assert_eq!(
                response.status,
                StatusCode::OK,
                "{route} {q}: {}",
                response.body
            );
        }
    }
    let found = json(&app, "q=%22certificate+ingress%22").await;
    assert_eq!(urls(&found), ["/scenarios/tls"]);
}

#[tokio::test]
async fn an_over_long_search_is_refused_with_a_clear_message() {
    let app = app().await;
    let long = "certificate ".repeat(20);
    let encoded: String = form_urlencoded::byte_serialize(long.as_bytes()).collect();
    let page = app.get(&format!("/search?q={encoded}")).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains(&["at most 200 are allowed", r#"aria-invalid="true""#]);
    let json = app.get(&format!("/search.json?q={encoded}")).await;
    assert_eq!(json.status, StatusCode::UNPROCESSABLE_ENTITY);
    let error: Value = serde_json::from_str(&json.body).unwrap();
    assert_eq!(
        error["error"],
        "the search is 240 characters long: at most 200 are allowed"
    );
    let unknown = app.get("/search.json?q=x&kind=video").await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn every_page_has_the_search_box_in_its_header() {
    let app = app().await;
    for uri in [
        "/",
        "/wiki",
        "/scenarios/tls",
        "/runbooks/pending",
        "/gauntlets/rotation",
        "/nowhere",
        "/search",
    ] {
        let page = app.get(uri).await;
        page.assert_contains(&[
            r#"<form class="site-search" method="get" action="/search" role="search""#,
        ]);
    }
}

#[tokio::test]
async fn the_index_follows_a_content_reload() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("runbooks")).unwrap();
    std::fs::write(dir.path().join("runbooks/pending.md"), RUNBOOK).unwrap();
    let app = TestApp::from_folder_with(dir.path(), Settings::default()).await;
    assert_eq!(json(&app, "q=certificate").await["total"], 1);
    assert_eq!(json(&app, "q=quagmire").await["total"], 0);
    let added = "# Runbook: Quagmire Certificates\n\nWhat to do when the certificate store is a quagmire.\n";
    std::fs::write(dir.path().join("runbooks/quagmire.md"), added).unwrap();
    std::fs::remove_file(dir.path().join("runbooks/pending.md")).unwrap();
    let site = firedrill::content::load(dir.path()).unwrap();
    app.state.replace_content(Published::new(site));
    assert_eq!(urls(&json(&app, "q=quagmir").await), ["/runbooks/quagmire"]);
    assert_eq!(
        urls(&json(&app, "q=certificate").await),
        ["/runbooks/quagmire"]
    );
    assert_eq!(json(&app, "q=scheduler").await["total"], 0);
}
