//! Hints on the investigation console: the next step's title, then its command, one at a time,
//! each with its cost shown before it is taken; the hints go with the next attempt, whose score
//! is the checklist's less their cost, shown as such; an author sets the cost per scenario.

use axum::http::{StatusCode, header};

use crate::helpers::{TestApp, TestResponse};

const SCENARIO: &str = "---\nhint_cost: 20\n---\n\
# Scenario: Queue Backs Up After a Deploy

## The Prompt

> \"Orders are stuck in the queue since the 14:00 deploy. What do you do?\"

## Expected Investigation Path

```bash
# 1. Check the consumer group lag
kafka-consumer-groups --bootstrap-server kafka:9092 --describe --group orders
# Shows: lag climbing on every partition, no consumer owns partition 3
# 2. Read the consumer's logs
kubectl logs deploy/orders-consumer --since=30m
# Shows: a deserialisation error on every message since 14:02
# 3. IMMEDIATE FIX: Roll back the consumer
helm rollback orders-consumer
# Shows: lag falls back to zero within minutes
```

## What a Strong Answer Includes

- Checks the consumer group lag per partition
- Reads the consumer logs for the deserialisation error
- Rolls back the consumer release
- Adds a schema compatibility check to CI
";

const DEFAULT_COST: &str = "# Scenario: Same Path, Default Cost

## The Prompt

> \"Disk is full on db-1.\"

## Expected Investigation Path

```bash
# 1. Find what fills the disk
du -xh / --max-depth=2 | sort -h | tail
# Shows: /var/log/postgresql holds 180G
```

## What a Strong Answer Includes

- Finds the biggest directories
- Rotates the PostgreSQL logs
";

const URL: &str = "/scenarios/queue-backs-up";
const SLUG: &str = "queue-backs-up";

async fn app() -> TestApp {
    TestApp::with_files(&[
        ("scenarios/queue-backs-up.md", SCENARIO),
        ("scenarios/disk-default.md", DEFAULT_COST),
        (
            "scenarios/no-path.md",
            "# Scenario: No Path\n\n## The Prompt\n\n> \"Why is it slow?\"\n\n\
             ## What a Strong Answer Includes\n\n- Measures before changing anything\n",
        ),
    ])
    .await
}

async fn hint(app: &TestApp, url: &str, slug: &str) -> TestResponse {
    let csrf = TestApp::csrf_in(&app.get(url).await);
    app.post_form("/hints", &[("csrf", &csrf), ("scenario", slug)])
        .await
}

/// The console section of a scenario page.
fn console(page: &TestResponse) -> &str {
    let at = page.body.find(r#"id="console""#).expect("a console");
    let rest = &page.body[at..];
    &rest[..rest.find("</section>").unwrap()]
}

#[tokio::test]
async fn hints_come_one_at_a_time_with_their_cost_shown_and_go_with_the_next_attempt() {
    let app = app().await;
    // A returning visitor with nothing under way: the pre-rendered console, their token in it.
    app.get(URL).await;
    let page = app.get(URL).await;
    let before = console(&page);
    let token = format!(r#"name="csrf" value="{}""#, TestApp::csrf_in(&page));
    assert_eq!(
        before.matches(&token).count(),
        2,
        "both console forms: {before}"
    );
    assert!(!before.contains('\u{1}'));
    assert!(
        before.contains("A hint shows the title of step 1."),
        "{before}"
    );
    assert!(before.contains("Each hint takes 20 points off your next answer"));
    assert!(before.contains("Take a hint (−20 points)"));
    // Nothing of the path is on the page before a hint is taken.
    assert!(!before.contains("consumer group lag"));
    assert!(!before.contains("kafka-consumer-groups"));

    let taken = hint(&app, URL, SLUG).await;
    assert_eq!(taken.status, StatusCode::SEE_OTHER);
    assert_eq!(taken.header(header::LOCATION), format!("{URL}#console"));
    let page = app.get(URL).await;
    let after = console(&page);
    assert!(
        after.contains("Step 1: Check the consumer group lag"),
        "{after}"
    );
    assert!(after.contains("−20 points"));
    assert!(after.contains("will be 20 points lower"));
    assert!(after.contains("A hint shows the command of step 1."));
    assert!(
        !after.contains("kafka-consumer-groups"),
        "one hint at a time"
    );

    hint(&app, URL, SLUG).await;
    let page = app.get(URL).await;
    let after = console(&page);
    assert!(
        after.contains(
            "Step 1 runs: <code>kafka-consumer-groups --bootstrap-server kafka:9092 \
             --describe --group orders</code>"
        ),
        "{after}"
    );
    assert!(after.contains("will be 40 points lower"));
    // The step's command given away, the next hint is about step 2, and its findings stay
    // hidden until a command reaches it.
    assert!(after.contains("A hint shows the title of step 2."));
    assert!(!after.contains("deserialisation error"));

    // A strong answer: the checklist scores 100 %, the hints cost 40 points.
    let csrf = TestApp::csrf_in(&page);
    let answer = "Checked the consumer group lag per partition with kafka-consumer-groups, \
        read the consumer logs and found the deserialisation error, rolled back the consumer \
        release with helm rollback, and added a schema compatibility check to CI.";
    let submitted = app
        .post_form(
            "/attempts",
            &[("csrf", &csrf), ("scenario", SLUG), ("answer", answer)],
        )
        .await;
    assert_eq!(submitted.status, StatusCode::SEE_OTHER);
    let attempt = app.get(submitted.header(header::LOCATION)).await;
    attempt.assert_contains(&[
        r#"<span class="score-percent">60%</span>"#,
        "The checklist scored 100%; 2 hints taken during the investigation cost 40 points.",
        "Hint taken (−20 points): Step 1: Check the consumer group lag",
        "Hint taken (−20 points): Step 1 runs: <code>kafka-consumer-groups",
    ]);
    assert!(
        !attempt.body.contains("your corrections below changed it"),
        "hints are not corrections"
    );
    // The history shows the score after hints, as every list does.
    app.get("/attempts").await.assert_contains(&["60%"]);

    // The next investigation starts without hints, back at step 1.
    let page = app.get(URL).await;
    let fresh = console(&page);
    assert!(fresh.contains("A hint shows the title of step 1."));
    assert!(!fresh.contains("Hints taken"));
}

#[tokio::test]
async fn a_step_reached_by_a_command_needs_no_hint_and_the_hints_run_out() {
    let app = app().await;
    let csrf = TestApp::csrf_in(&app.get(URL).await);
    app.post_form(
        "/investigations",
        &[
            ("csrf", &csrf),
            ("scenario", SLUG),
            (
                "command",
                "kafka-consumer-groups --describe --group orders --bootstrap-server kafka:9092",
            ),
        ],
    )
    .await;
    let page = app.get(URL).await;
    let first = console(&page);
    assert!(
        first.contains("A hint shows the title of step 2."),
        "{first}"
    );
    // Step 2: title, command; step 3: title, command; then none are left.
    for _ in 0..4 {
        assert_eq!(hint(&app, URL, SLUG).await.status, StatusCode::SEE_OTHER);
    }
    let page = app.get(URL).await;
    let console = console(&page);
    assert!(console.contains("No hints left"), "{console}");
    assert!(console.contains("will be 80 points lower"));
    assert!(console.contains("Step 3 (immediate fix): Roll back the consumer"));
    assert!(!console.contains(r#"action="/hints""#));
    let more = hint(&app, URL, SLUG).await;
    assert_eq!(more.status, StatusCode::CONFLICT);
    assert!(more.body.contains("No hints left"));

    // A weak answer less 80 points is 0, never below.
    let csrf = TestApp::csrf_in(&page);
    let submitted = app
        .post_form(
            "/attempts",
            &[
                ("csrf", &csrf),
                ("scenario", SLUG),
                ("answer", "Rolled back the consumer release."),
            ],
        )
        .await;
    let attempt = app.get(submitted.header(header::LOCATION)).await;
    attempt.assert_contains(&[r#"<span class="score-percent">0%</span>"#, "cost 80 points"]);
}

#[tokio::test]
async fn the_cost_defaults_to_five_points_and_overrides_keep_it() {
    let app = app().await;
    let url = "/scenarios/disk-default";
    let slug = "disk-default";
    assert!(
        console(&app.get(url).await).contains("Take a hint (−5 points)"),
        "the default cost"
    );
    hint(&app, url, slug).await;
    let csrf = TestApp::csrf_in(&app.get(url).await);
    let submitted = app
        .post_form(
            "/attempts",
            &[
                ("csrf", &csrf),
                ("scenario", slug),
                ("answer", "Found the biggest directories with du."),
            ],
        )
        .await;
    let location = submitted.header(header::LOCATION).to_owned();
    let attempt = app.get(&location).await;
    attempt.assert_contains(&[r#"<span class="score-percent">45%</span>"#, "cost 5 points"]);
    // The learner's own correction settles the checklist again; the hint still costs.
    let item = attempt
        .body
        .split(r#"name="item" value=""#)
        .nth(2)
        .and_then(|rest| rest.split('"').next())
        .expect("a second item")
        .to_owned();
    let csrf = TestApp::csrf_in(&attempt);
    let corrected = app
        .post_form(
            &format!("{location}/overrides"),
            &[("csrf", &csrf), ("item", &item), ("verdict", "covered")],
        )
        .await;
    assert_eq!(corrected.status, StatusCode::SEE_OTHER);
    app.get(&location).await.assert_contains(&[
        r#"<span class="score-percent">95%</span>"#,
        "The checklist scored 100%",
        "The grader gave 50%; your corrections below changed it.",
    ]);
}

#[tokio::test]
async fn hints_refuse_forged_unknown_and_pathless_requests_and_are_private() {
    let app = app().await;
    let forged = app
        .post_form("/hints", &[("csrf", "forged"), ("scenario", SLUG)])
        .await;
    assert!(forged.status.is_client_error());
    let csrf = TestApp::csrf_in(&app.get(URL).await);
    let unknown = app
        .post_form(
            "/hints",
            &[("csrf", &csrf), ("scenario", "no-such-scenario")],
        )
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let pathless = app.get("/scenarios/no-path").await;
    assert!(!pathless.body.contains(r#"action="/hints""#));
    let refused = app
        .post_form("/hints", &[("csrf", &csrf), ("scenario", "no-path")])
        .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    assert!(!console(&app.get(URL).await).contains("Hints taken"));

    hint(&app, URL, SLUG).await;
    let other = app.another_browser();
    let theirs = other.get(URL).await;
    assert!(!console(&theirs).contains("Hints taken"));
    assert!(!theirs.body.contains("Check the consumer group lag"));
}
