//! The learner flow through the router against a real SQLite file: submit, redirect, attempt
//! page with evidence, override, history, and the refusals (forgery, too large, empty).

use axum::http::{StatusCode, header};

use firedrill::accounts::Role;
use firedrill::store::Position;

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
    let app = TestApp::fixtures().await;
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
    let app = TestApp::fixtures().await;
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
    let app = TestApp::fixtures().await;
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
    let best = app
        .store
        .attempts_of(&app.learner_id(), Position::NEWEST, 10)
        .await
        .unwrap();
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
    let app = TestApp::fixtures().await;
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
    let app = TestApp::fixtures().await;
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
    let app = TestApp::fixtures().await;
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
    let app = TestApp::fixtures().await;
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
    let app = TestApp::fixtures().await;
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
    let app = TestApp::fixtures().await;
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
    let app = TestApp::fixtures().await;
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
        .assert_contains(&["<td>25% <span class=\"nowrap\">(0 of 2)</span></td>"]);
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
        .assert_contains(&["<td>50% <span class=\"nowrap\">(1 of 2)</span></td>"]);
    let stored = app
        .store
        .attempt(&location["/attempts/".len()..], &app.learner_id())
        .await
        .unwrap()
        .unwrap();
    assert_eq!((stored.score, stored.machine_score), (0.5, 0.0));
}

/// The paging tests' own scenarios: two on GitOps, one on Kubernetes.
const TOPICS: [(&str, &str); 3] = [
    (
        "scenarios/alpha.md",
        "---\ntopics: [GitOps]\n---\n# Scenario: Alpha\n\n## The Prompt\n\nFix the sync loop.\n",
    ),
    (
        "scenarios/beta.md",
        "---\ntopics: [GitOps]\n---\n# Scenario: Beta\n\n## The Prompt\n\nFind the drift.\n",
    ),
    (
        "scenarios/gamma.md",
        "---\ntopics: [Kubernetes]\n---\n# Scenario: Gamma\n\n## The Prompt\n\nDrain the node.\n",
    ),
];

/// An attempt stored for a paging test.
#[derive(Debug, Clone)]
struct Seeded {
    id: i64,
    public_id: String,
    scenario: &'static str,
    submitted_at: i64,
    score: f64,
}

/// An app over [`TOPICS`] with the learner `name` signed in; returns their learner key.
async fn learner_on_topics(app: &TestApp, name: &str) -> String {
    app.signed_in_as(name, Role::Learner).await;
    let user = app.store.user(name).await.unwrap().unwrap();
    firedrill::store::learner_key(user.id)
}

/// Stores an attempt straight in the store, as a submission would.
async fn store_attempt(
    app: &TestApp,
    learner: &str,
    scenario: &'static str,
    submitted_at: i64,
    score: f64,
) -> Seeded {
    let stored = app
        .store
        .submit_attempt(firedrill::store::NewAttempt {
            learner: learner.to_owned(),
            scenario: scenario.to_owned(),
            rubric_version: "v1".to_owned(),
            rubric_json: "{}".to_owned(),
            answer: "Pause the sync and diff the live state.".to_owned(),
            verdicts_json: r#"{"items":[],"traps":[],"score":0.0,"covered":0,"total":0}"#
                .to_owned(),
            score,
            covered: 1,
            total: 2,
            revealed_before: false,
            started_at: None,
            submitted_at,
        })
        .await
        .unwrap();
    Seeded {
        id: stored.id,
        public_id: stored.public_id,
        scenario,
        submitted_at,
        score,
    }
}

/// 120 attempts of the learner, four to a minute (ties in time), the oldest twenty on Gamma
/// and the rest on Alpha; returned newest first, as the history lists them.
async fn seed_history(app: &TestApp, learner: &str) -> Vec<Seeded> {
    let mut seeded = Vec::new();
    for i in 0..120 {
        let scenario = if i < 20 { "gamma" } else { "alpha" };
        let at = 1_765_000_000_000 + (i / 4) * 60_000;
        let score = ((i * 7) % 10) as f64 / 10.0;
        seeded.push(store_attempt(app, learner, scenario, at, score).await);
    }
    // Stored in order, so a later one has the larger id: newest first is the reverse.
    seeded.reverse();
    seeded
}

fn ids(seeded: &[Seeded]) -> Vec<String> {
    seeded.iter().map(|s| s.public_id.clone()).collect()
}

const ROW: &str = r#"<tr><td><a href="/attempts/"#;

#[tokio::test]
async fn the_history_pages_fifty_attempts_at_a_time_and_new_attempts_shift_no_later_page() {
    let app = TestApp::with_files(&TOPICS).await;
    let learner = learner_on_topics(&app, "ada").await;
    let seeded = seed_history(&app, &learner).await;
    assert_eq!(
        seeded[49].submitted_at, seeded[50].submitted_at,
        "a tie in time straddles the first page's end"
    );
    let first = app.get("/attempts").await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(first.linked_ids(ROW), ids(&seeded[..50]));
    assert!(
        !first.body.contains("Newest attempts"),
        "already the newest"
    );
    let older = first.older_page().expect("a link to older attempts");
    let last = &seeded[49];
    assert_eq!(
        older,
        format!("/attempts?before={}.{}", last.submitted_at, last.id)
    );

    // Answered meanwhile: one through the form, now; one stored with the very time of the
    // page's last row (a later id, so newer). Neither shifts the next page.
    let page = app.get("/scenarios/alpha").await;
    let csrf = TestApp::csrf_in(&page);
    let res = app
        .post_form(
            "/attempts",
            &[
                ("csrf", &csrf),
                ("scenario", "alpha"),
                ("answer", "Pause the sync."),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let tie = store_attempt(&app, &learner, "alpha", seeded[49].submitted_at, 0.5).await;

    let second = app.get(&older).await;
    assert_eq!(second.status, StatusCode::OK);
    assert_eq!(second.header(header::CACHE_CONTROL), "no-store");
    assert_eq!(second.linked_ids(ROW), ids(&seeded[50..100]));
    second.assert_contains(&[
        r#"<nav class="pager" aria-label="Pages">"#,
        r#"<a href="/attempts">Newest attempts</a>"#,
        r#"Older attempts <span aria-hidden="true">→</span></a>"#,
    ]);
    let third = app.get(&second.older_page().unwrap()).await;
    assert_eq!(third.linked_ids(ROW), ids(&seeded[100..]));
    assert_eq!(third.older_page(), None, "nothing older than the last page");
    third.assert_contains(&[r#"<a href="/attempts">Newest attempts</a>"#]);

    let newest = app.get("/attempts").await.linked_ids(ROW);
    assert_eq!(
        newest[0],
        res.header(header::LOCATION)["/attempts/".len()..]
    );
    assert!(newest.contains(&tie.public_id));
}

/// The "Progress by topic" section of a history page.
fn progress(body: &str) -> &str {
    let start = body
        .find("<h2 id=\"progress-heading\">")
        .expect("progress is shown");
    &body[start..start + body[start..].find("</section>").unwrap()]
}

#[tokio::test]
async fn progress_by_topic_counts_every_attempt_whichever_page_is_shown() {
    let app = TestApp::with_files(&TOPICS).await;
    let learner = learner_on_topics(&app, "ada").await;
    let seeded = seed_history(&app, &learner).await;
    let mut pages = vec![app.get("/attempts").await];
    while let Some(older) = pages.last().unwrap().older_page() {
        pages.push(app.get(&older).await);
    }
    assert_eq!(pages.len(), 3);
    for page in &pages[1..] {
        assert_eq!(progress(&page.body), progress(&pages[0].body));
    }
    // Gamma's attempts are the oldest twenty, all on the last page, yet count on the first.
    assert!(seeded[100..].iter().all(|s| s.scenario == "gamma"));
    assert!(!pages[0].body.contains("Gamma</a>"));
    let best = |scenario: &str| {
        let best = seeded
            .iter()
            .filter(|s| s.scenario == scenario)
            .map(|s| s.score)
            .fold(0.0, f64::max);
        (best * 100.0).round() as u32
    };
    pages[0].assert_contains(&[
        &format!(
            "<tr><td>GitOps</td><td>1 of 2</td><td><meter min=\"0\" max=\"100\" value=\"{}\"",
            best("alpha")
        ),
        &format!(
            "<tr><td>Kubernetes</td><td>1 of 1</td><td><meter min=\"0\" max=\"100\" value=\"{}\"",
            best("gamma")
        ),
    ]);
}

#[tokio::test]
async fn a_position_from_another_learners_history_shows_only_the_visitors_own_attempts() {
    let app = TestApp::with_files(&TOPICS).await;
    let ada = learner_on_topics(&app, "ada").await;
    let seeded = seed_history(&app, &ada).await;
    let older = app.get("/attempts").await.older_page().unwrap();
    let bob = app.another_browser();
    let bob_key = learner_on_topics(&bob, "bob").await;
    let newer = store_attempt(&bob, &bob_key, "beta", seeded[0].submitted_at, 0.9).await;
    let mut before = Vec::new();
    for s in [&seeded[60], &seeded[119]] {
        before.push(store_attempt(&bob, &bob_key, "beta", s.submitted_at, 0.4).await);
    }
    let page = bob.get(&older).await;
    assert_eq!(page.status, StatusCode::OK);
    let shown = page.linked_ids(ROW);
    assert_eq!(
        shown,
        [before[0].public_id.clone(), before[1].public_id.clone()]
    );
    assert!(!shown.contains(&newer.public_id), "newer than the position");
    // Bob's progress is his own: Beta only.
    page.assert_contains(&[
        "<tr><td>GitOps</td><td>1 of 2</td><td><meter min=\"0\" max=\"100\" value=\"90\"",
        "<tr><td>Kubernetes</td><td>0 of 1</td>",
    ]);
}

#[tokio::test]
async fn a_malformed_position_gets_a_400_page_that_says_where_to_start_again() {
    let app = TestApp::with_files(&TOPICS).await;
    let learner = learner_on_topics(&app, "ada").await;
    store_attempt(&app, &learner, "alpha", 1_765_000_000_000, 0.5).await;
    let huge = "9".repeat(30);
    for before in [
        "abc",
        "1.",
        ".1",
        "1",
        "",
        "1.2.3",
        "-1.2",
        "1.-2",
        "%2B1.2",
        "9223372036854775808.1",
        &format!("{huge}.1"),
        &format!("1.{huge}"),
    ] {
        let res = app.get(&format!("/attempts?before={before}")).await;
        assert_eq!(
            res.status,
            StatusCode::BAD_REQUEST,
            "{before:?}: {}",
            res.body
        );
        res.assert_contains(&[
            "is not a place in the list of attempts",
            "Start from the newest attempts at /attempts.",
        ]);
    }
    let hostile = app
        .get("/attempts?before=%3Cscript%3Ealert(1)%3C%2Fscript%3E")
        .await;
    assert_eq!(hostile.status, StatusCode::BAD_REQUEST);
    hostile.assert_contains(&["“&#60;script&#62;alert(1)&#60;/script&#62;”"]);
    assert!(!hostile.body.contains("<script>alert"));
    let twice = app.get("/attempts?before=1.2&before=3.4").await;
    assert_eq!(twice.status, StatusCode::BAD_REQUEST);
    twice.assert_contains(&[
        "The address could not be read",
        "Start from the newest attempts",
    ]);
    // The largest position is a place like any other: before every attempt.
    let last = app
        .get("/attempts?before=9223372036854775807.9223372036854775807")
        .await;
    assert_eq!(last.status, StatusCode::OK);
    assert_eq!(last.linked_ids(ROW).len(), 1);
}
