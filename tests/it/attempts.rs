//! The learner flow through the router against a real SQLite file: submit, redirect, attempt
//! page with evidence, override, history, and the refusals (forgery, too large, empty).

use axum::http::{StatusCode, header};

use firedrill::accounts::Role;

use crate::helpers::TestApp;

const SEED: &str = "/scenarios/gitops-drift-causing-outage";
const SLUG: &str = "gitops-drift-causing-outage";
const ANSWER: &str = "ArgoCD and the HPA are fighting over spec.replicas: Argo keeps reverting the HPA's value.\n\
This is a common GitOps pitfall, not a bug. I'd add ignoreDifferences for /spec/replicas to the Application \
manifest in Git so the fix is durable.\n<script>alert(1)</script>";

/// Opens the seed page and submits `answer` with the page's token.
async fn submit(app: &TestApp, answer: &str) -> crate::helpers::TestResponse {
    let page = app.get(SEED).await;
    let csrf = TestApp::csrf_in(&page);
    app.post_form(
        "/attempts",
        &[
            ("csrf", &csrf),
            ("scenario", SLUG),
            ("answer", answer),
            ("started", "1"),
        ],
    )
    .await
}

#[tokio::test]
async fn submitting_stores_the_attempt_and_redirects_to_its_page_with_evidence() {
    let app = TestApp::bundled().await;
    let res = submit(&app, ANSWER).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let location = res.header(header::LOCATION).to_owned();
    assert!(
        location.starts_with("/attempts/") && location.len() == "/attempts/".len() + 32,
        "{location}"
    );
    assert_eq!(app.store.count_attempts().await.unwrap(), 1);

    let page = app.get(&location).await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains(&[
        "checklist items covered",
        r#"<span class="badge badge-verdict-covered">covered</span> <span class="verdict-text">Quick identification of the HPA vs ArgoCD conflict</span>"#,
        "<mark>fighting</mark>",
        "<mark>ignoreDifferences</mark>",
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        // The answers are shown after an attempt.
        "Check ArgoCD app status",
        "Your assessment:",
    ]);
    assert!(
        !page.body.contains("<script>alert(1)"),
        "the answer is escaped"
    );
    let stored = app
        .store
        .attempt(&location["/attempts/".len()..], &app.learner_id())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.scenario, SLUG);
    assert_eq!(stored.rubric_version.len(), 12);
    assert_eq!(stored.started_at, Some(1));
    assert!(!stored.revealed_before);
    // The scenario page now shows the answers too.
    app.get(SEED).await.assert_contains(&[
        "HPA scales up -&gt; ArgoCD reverts",
        "You have answered this scenario before",
    ]);
}

#[tokio::test]
async fn an_override_changes_the_shown_score_and_keeps_the_machine_verdict() {
    let app = TestApp::bundled().await;
    let location = submit(&app, ANSWER)
        .await
        .header(header::LOCATION)
        .to_owned();
    let before = app.get(&location).await;
    let csrf = TestApp::csrf_in(&before);
    let item = "post-incident-audit-all-argocd-managed";
    assert!(before.body.contains(&format!(r#"id="item-{item}""#)));
    let res = app
        .post_form(
            &format!("{location}/overrides"),
            &[("csrf", &csrf), ("item", item), ("verdict", "covered")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    for (item, verdict, status) in [
        ("no-such-item", "covered", StatusCode::NOT_FOUND),
        (item, "excellent", StatusCode::BAD_REQUEST),
    ] {
        let fields = [
            ("csrf", csrf.as_str()),
            ("item", item),
            ("verdict", verdict),
        ];
        assert_eq!(
            app.post_form(&format!("{location}/overrides"), &fields)
                .await
                .status,
            status,
            "{item} {verdict}"
        );
    }
    let after = app.get(&location).await;
    after.assert_contains(&[
        "You marked this covered; the grader said ",
        "your corrections below changed it",
    ]);
    let percent = |body: &str| {
        body.split(r#"<span class="score-percent">"#)
            .nth(1)
            .unwrap()
            .split('%')
            .next()
            .unwrap()
            .parse::<u32>()
            .unwrap()
    };
    assert!(percent(&after.body) > percent(&before.body));
    let stored = app
        .store
        .attempt(&location["/attempts/".len()..], &app.learner_id())
        .await
        .unwrap()
        .unwrap();
    let overrides = app.store.overrides(stored.id).await.unwrap();
    assert_eq!(
        (
            overrides[0].item_id.as_str(),
            overrides[0].verdict.as_str(),
            overrides[0].by_whom.as_str()
        ),
        (item, "covered", "self")
    );
    let machine: firedrill::grading::Grade = serde_json::from_str(&stored.verdicts).unwrap();
    let kept = machine.items.iter().find(|i| i.id == item).unwrap();
    assert_ne!(
        kept.verdict,
        firedrill::grading::Verdict::Covered,
        "the machine verdict is kept as it was"
    );
}

#[tokio::test]
async fn history_lists_the_learners_attempts_newest_first() {
    let app = TestApp::bundled().await;
    assert!(app.get("/attempts").await.body.contains("No attempts yet"));
    submit(&app, "HPA and ArgoCD fight; use ignoreDifferences").await;
    let second = submit(&app, ANSWER)
        .await
        .header(header::LOCATION)
        .to_owned();
    let res = app.get("/attempts").await;
    assert_eq!(
        res.body.matches("GitOps Drift Causing Outage</a>").count(),
        2
    );
    let first_link = res
        .body
        .find("/attempts/")
        .map(|at| &res.body[at..at + 42])
        .unwrap();
    assert_eq!(first_link, second);
    // Progress by topic: the seed is one of two GitOps scenarios; its best score counts.
    let best = app.store.attempts_of(&app.learner_id(), 10).await.unwrap();
    let best = best.iter().map(|a| a.score).fold(0.0, f64::max);
    let percent = (best * 100.0).round() as u32;
    res.assert_contains(&[
        "Progress by topic",
        &format!(
            "<tr><td>GitOps</td><td>1 of 2</td><td><meter min=\"0\" max=\"100\" value=\"{percent}\""
        ),
        r#"<tr><td>Kubernetes</td><td>0 of 1</td><td><a href="/?topic=Kubernetes">Try one</a>"#,
    ]);
}

#[tokio::test]
async fn another_learner_cannot_see_an_attempt() {
    let app = TestApp::bundled().await;
    let location = submit(&app, ANSWER)
        .await
        .header(header::LOCATION)
        .to_owned();
    app.forget_cookie();
    app.get(SEED).await;
    let res = app.get(&location).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert!(!res.body.contains("checklist items covered"));
    res.assert_contains(&[
        "Attempts are private: each one is shown only to the learner who wrote it.",
    ]);
    // A made-up id says the same: nobody learns which attempts exist.
    let made_up = app.get("/attempts/0123456789abcdef0123456789abcdef").await;
    assert_eq!(made_up.status, StatusCode::NOT_FOUND);
    made_up.assert_contains(&["Attempts are private"]);
    assert!(app.get("/attempts").await.body.contains("No attempts yet"));
}

#[tokio::test]
async fn a_form_without_the_learners_token_is_refused_and_nothing_is_stored() {
    let app = TestApp::bundled().await;
    submit(&app, ANSWER).await; // this browser now has an identity and its own token
    for csrf in ["", "new", "0123456789abcdef0123456789abcdef"] {
        let res = app
            .post_form(
                "/attempts",
                &[("csrf", csrf), ("scenario", SLUG), ("answer", ANSWER)],
            )
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "token {csrf:?}");
        res.assert_contains(&["did not come from this browser"]);
    }
    app.forget_cookie();
    let res = app
        .post_form("/reveals", &[("csrf", "x"), ("scenario", SLUG)])
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(app.store.count_attempts().await.unwrap(), 1);
}

#[tokio::test]
async fn a_post_from_another_site_is_refused_even_with_a_valid_token() {
    let app = TestApp::bundled().await;
    for (name, value) in [
        ("origin", "https://evil.example"),
        ("sec-fetch-site", "cross-site"),
    ] {
        let body = format!("csrf=new&scenario={SLUG}&answer=hello");
        let request = axum::http::Request::post("/attempts")
            .header(header::HOST, "localhost:8080")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(name, value)
            .body(axum::body::Body::from(body))
            .unwrap();
        let res = app.request(request).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{name}: {value}");
        res.assert_contains(&["sent from another site"]);
    }
    let same = axum::http::Request::post("/attempts")
        .header(header::HOST, "localhost:8080")
        .header(header::ORIGIN, "http://localhost:8080")
        .header("sec-fetch-site", "same-origin")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(axum::body::Body::from(format!(
            "csrf=new&scenario={SLUG}&answer=hello"
        )))
        .unwrap();
    assert_eq!(app.request(same).await.status, StatusCode::SEE_OTHER);
    assert_eq!(app.store.count_attempts().await.unwrap(), 1);
}

#[tokio::test]
async fn an_answer_over_the_limit_gets_413_with_a_clear_message() {
    let app = TestApp::bundled().await;
    let long = "a".repeat(20_001);
    let res = submit(&app, &long).await;
    assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE);
    res.assert_contains(&["Your answer is 20001 characters long; the limit is 20000"]);
    let huge = "b".repeat(300 * 1024);
    let res = submit(&app, &huge).await;
    assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE);
    res.assert_contains(&["Answers are limited to 20000 characters"]);
    assert_eq!(app.store.count_attempts().await.unwrap(), 0);
}

#[tokio::test]
async fn an_empty_answer_gets_the_form_back_with_a_message() {
    let app = TestApp::bundled().await;
    let res = submit(&app, "  \n ").await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    res.assert_contains(&[
        "Write an answer before submitting: it is empty.",
        r#"aria-invalid="true""#,
        "self-heal is fighting with an HPA",
    ]);
    assert_eq!(app.store.count_attempts().await.unwrap(), 0);
}

#[tokio::test]
async fn author_statistics_chart_attempts_hit_rates_and_overrides() {
    let app = TestApp::bundled().await;
    app.signed_in_as("ana", Role::Author).await;
    let empty = app.get("/stats/gitops-drift-causing-outage").await;
    assert_eq!(empty.status, StatusCode::OK);
    empty.assert_contains(&["0 attempts", "No attempts yet."]);
    let first = submit(&app, ANSWER)
        .await
        .header(header::LOCATION)
        .to_owned();
    submit(&app, "<script>alert('stats')</script> no idea").await;
    let page = app.get(&first).await;
    let csrf = TestApp::csrf_in(&page);
    let item = "post-incident-audit-all-argocd-managed";
    app.post_form(
        &format!("{first}/overrides"),
        &[("csrf", &csrf), ("item", item), ("verdict", "covered")],
    )
    .await;

    let res = app.get("/stats/gitops-drift-causing-outage").await;
    assert_eq!(res.status, StatusCode::OK);
    res.assert_contains(&[
        "2 attempts",
        r#"<svg class="chart" viewBox="0 0 420 170" role="img""#,
        "<td>Post-incident: audit all ArgoCD-managed deployments that also have HPAs</td><td>0%</td><td>50%</td><td>1 to covered</td><td>2</td>",
        "<td>Quick identification of the HPA vs ArgoCD conflict</td><td>50%</td><td>0%</td><td>none</td><td>2</td>",
    ]);
    res.assert_contains(&["&lt;script&gt;alert('stats')&lt;/script&gt; no idea"]);
    assert!(
        !res.body.contains("<script>alert('stats')"),
        "answers are escaped"
    );
    assert_eq!(
        app.get("/stats/no-such-scenario").await.status,
        StatusCode::NOT_FOUND
    );
    let index = app.get("/stats").await;
    index.assert_contains(&[
        r#"<a href="/stats/gitops-drift-causing-outage">"#,
        "</a></td><td>2</td><td>",
        r#"<a href="/stats" aria-current="page">Statistics</a>"#,
    ]);
}

/// A scenario with two checklist items of equal weight, for exact score arithmetic.
const TWO_ITEMS: &str = "# Scenario: Disk Full on the Database Host\n\n## The Prompt\n\n\
The database stopped accepting writes at 03:10.\n\n## What a Strong Answer Includes\n\n\
- Find what filled the disk with du before deleting anything\n\
- Rotate or cap the write-ahead log archive so it cannot fill the disk again\n";

/// Answers the two-item scenario as a fresh learner; returns the attempt's address.
async fn answer_two_items(app: &TestApp, answer: &str) -> String {
    let page = app.get("/scenarios/disk-full").await;
    let csrf = TestApp::csrf_in(&page);
    let res = app
        .post_form(
            "/attempts",
            &[
                ("csrf", &csrf),
                ("scenario", "disk-full"),
                ("answer", answer),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    res.header(header::LOCATION).to_owned()
}

#[tokio::test]
async fn a_markdown_answer_is_shown_rendered_with_its_evidence_still_marked() {
    let app = TestApp::bundled().await;
    let answer = "First I'd look at the diff:\n\n```sh\nargocd app diff grokdevops\n```\n\n\
                  ArgoCD and the HPA are **fighting** over `spec.replicas`.\n\n<b>bold?</b>";
    let location = submit(&app, answer)
        .await
        .header(header::LOCATION)
        .to_owned();
    let page = app.get(&location).await;
    let shown = page
        .body
        .split(r#"<div class="answer-text">"#)
        .nth(1)
        .and_then(|rest| rest.split("</section>").next())
        .expect("the answer is on the page");
    assert!(!shown.contains("```"), "no literal fences: {shown}");
    assert!(
        shown.contains(r#"<pre tabindex="0"><code class="language-sh">"#),
        "the fenced block is a code block: {shown}"
    );
    assert!(
        shown.contains("<strong><mark>fighting</mark></strong>"),
        "{shown}"
    );
    assert!(
        shown.contains("&lt;b&gt;bold?&lt;/b&gt;") && !shown.contains("<b>"),
        "{shown}"
    );
}

#[tokio::test]
async fn a_partial_item_counts_half_on_the_attempt_page_in_the_history_and_in_statistics() {
    let app = TestApp::with_files(&[("scenarios/disk-full.md", TWO_ITEMS)]).await;
    let location = answer_two_items(&app, "I would restart the service and watch it.").await;
    let page = app.get(&location).await;
    page.assert_contains(&[r#"<span class="score-percent">0%</span>"#]);
    let csrf = TestApp::csrf_in(&page);
    let item = "find-what-filled-the-disk-with";
    let marked = app
        .post_form(
            &format!("{location}/overrides"),
            &[("csrf", &csrf), ("item", item), ("verdict", "partial")],
        )
        .await;
    assert_eq!(marked.status, StatusCode::SEE_OTHER, "{}", marked.body);

    app.get(&location).await.assert_contains(&[
        r#"<span class="score-percent">25%</span>"#,
        "0 of 2 checklist items covered, 1 partly (counting half)",
        "The grader gave 0%; your corrections below changed it.",
    ]);
    app.get("/attempts")
        .await
        .assert_contains(&["<td>25% (0 of 2)</td>"]);
    let author = app.another_browser();
    author.signed_in_as("ann", Role::Author).await;
    author
        .get("/stats/disk-full")
        .await
        .assert_contains(&["1 attempt, mean score 25%"]);
    author
        .get("/stats")
        .await
        .assert_contains(&["<td>1</td><td>25%</td>"]);
}

#[tokio::test]
async fn a_self_assessment_shows_the_same_score_on_the_attempt_page_and_in_the_history() {
    let app = TestApp::with_files(&[("scenarios/disk-full.md", TWO_ITEMS)]).await;
    let location = answer_two_items(&app, "Nothing useful here.").await;
    let csrf = TestApp::csrf_in(&app.get(&location).await);
    for (item, verdict) in [
        ("find-what-filled-the-disk-with", "covered"),
        ("rotate-or-cap-the-write-ahead", "covered"),
        ("rotate-or-cap-the-write-ahead", "missed"),
    ] {
        let fields = [
            ("csrf", csrf.as_str()),
            ("item", item),
            ("verdict", verdict),
        ];
        let res = app
            .post_form(&format!("{location}/overrides"), &fields)
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{item}: {}", res.body);
    }
    app.get(&location).await.assert_contains(&[
        r#"<span class="score-percent">50%</span>"#,
        "1 of 2 checklist items covered",
    ]);
    app.get("/attempts")
        .await
        .assert_contains(&["<td>50% (1 of 2)</td>"]);
    let stored = app
        .store
        .attempt(&location["/attempts/".len()..], &app.learner_id())
        .await
        .unwrap()
        .unwrap();
    assert_eq!((stored.score, stored.machine_score), (0.5, 0.0));
}
