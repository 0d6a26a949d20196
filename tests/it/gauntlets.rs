//! The wiki's other formats through the router: a walkthrough answered and scored like any
//! scenario, and gauntlet practice: a learner answers round by round; a round's question
//! is in no response before the round before it is answered, no strong answer, weak answer,
//! trap or senior signal before its round is answered; rounds are answered in order and once.

use axum::http::StatusCode;

use crate::helpers::TestApp;

const GAUNTLET: &str = include_str!("../fixtures/formats/gauntlet-disk-full-on-a-kafka-broker.md");
const URL: &str = "/gauntlets/kafka-disk";
const ANSWERS: &str = "/gauntlet-runs/kafka-disk/answers";
const RESTART: &str = "/gauntlet-runs/kafka-disk/restart";

/// Words of each round's question (index 0 = round 1).
const QUESTIONS: [&str; 5] = [
    "One of our three Kafka brokers is at 97% disk",
    "at 1.8 TB. Retention is set to 7 days",
    "allowed to lose any data from the last 24 hours",
    "the timestamps are in 2031",
    "Write the two lines of the postmortem",
];

/// Words of what each round shows only once answered: strong answer, weak answers, traps.
const SPOILERS: [&[&str]; 5] = [
    &["confirm it is really the Kafka data directory filling"],
    &["Seven days of retention should cap it", "Trap alert"],
    &["after checking that covers well over", "The senior signal"],
    &[
        "sets the message timestamp from an event field",
        "Could NTP drift on the broker",
    ],
    &["Retention never deleted segments"],
];

async fn app() -> TestApp {
    TestApp::with_files(&[("gauntlets/kafka-disk.md", GAUNTLET)]).await
}

/// Nothing of a round past `answered + 1` (questions) or past `answered` (model answers).
fn assert_nothing_beyond(body: &str, answered: usize) {
    for question in &QUESTIONS[(answered + 1).min(5)..] {
        assert!(!body.contains(question), "{question}");
    }
    for spoilers in &SPOILERS[answered.min(5)..] {
        for s in *spoilers {
            assert!(!body.contains(s), "{s}");
        }
    }
}

fn assert_reached(body: &str, answered: usize) {
    assert_nothing_beyond(body, answered);
    for (i, question) in QUESTIONS.iter().enumerate() {
        let shown = body.contains(question);
        // The question of every answered round and of the round the learner is at.
        assert_eq!(
            shown,
            i <= answered,
            "round {} question shown: {shown}",
            i + 1
        );
    }
    for (i, spoilers) in SPOILERS.iter().enumerate() {
        for s in *spoilers {
            assert_eq!(
                body.contains(s),
                i < answered,
                "round {} `{s}` with {answered} answered",
                i + 1
            );
        }
    }
}

#[tokio::test]
async fn a_gauntlet_is_practised_round_by_round_and_later_rounds_stay_out_of_every_response() {
    let app = app().await;
    let page = app.get(URL).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_reached(&page.body, 0);
    page.assert_contains(&[
        "Interview gauntlet",
        r#"action="/gauntlet-runs/kafka-disk/answers""#,
        "Round 5: The Synthesis",
    ]);
    let answers = [
        "Check `df -h` and `du -sh /var/lib/kafka/*` to see which topic partitions are large.",
        "List the segment files and their timestamps: old segments are still there, so retention is not deleting.",
        "Set retention.bytes on the topic so each partition keeps what fits in the disk.",
        "A producer stamps messages with an event field in the future: switch to LogAppendTime.",
        "Retention never deleted segments because of future timestamps; we now use LogAppendTime.",
    ];
    for (i, answer) in answers.iter().enumerate() {
        let csrf = TestApp::csrf_in(&app.get(URL).await);
        let round = (i + 1).to_string();
        let posted = app
            .post_form(
                ANSWERS,
                &[("csrf", &csrf), ("round", &round), ("answer", answer)],
            )
            .await;
        assert_eq!(posted.status, StatusCode::SEE_OTHER, "round {round}");
        assert_eq!(
            posted.header(axum::http::header::LOCATION),
            format!("{URL}#round-{round}")
        );
        // The redirect itself carries nothing of the next round.
        assert_nothing_beyond(&posted.body, i + 1);
        let page = app.get(URL).await;
        assert_reached(&page.body, i + 1);
        page.assert_contains(&[&format!(r#"id="round-{round}""#), "Your answer"]);
        assert_eq!(page.header(axum::http::header::CACHE_CONTROL), "no-store");
    }
    let done = app.get(URL).await;
    done.assert_contains(&[
        "over all 5 rounds",
        "What this sequence tested",
        r#"action="/gauntlet-runs/kafka-disk/restart""#,
    ]);
    assert!(
        !done
            .body
            .contains(r#"action="/gauntlet-runs/kafka-disk/answers""#)
    );
    // Per-round scores: each answered round shows its score and verdicts.
    assert_eq!(done.body.matches(r#"class="round-score""#).count(), 5);
}

#[tokio::test]
async fn rounds_are_answered_in_order_and_once() {
    let app = app().await;
    let csrf = TestApp::csrf_in(&app.get(URL).await);
    let ahead = app
        .post_form(
            ANSWERS,
            &[("csrf", &csrf), ("round", "3"), ("answer", "skip ahead")],
        )
        .await;
    assert_eq!(ahead.status, StatusCode::CONFLICT);
    ahead.assert_contains(&["this run is at round 1: it was not stored"]);
    assert_reached(&ahead.body, 0);
    let csrf = TestApp::csrf_in(&app.get(URL).await);
    let first = app
        .post_form(
            ANSWERS,
            &[
                ("csrf", &csrf),
                ("round", "1"),
                ("answer", "df -h and du on the log dirs"),
            ],
        )
        .await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    let csrf = TestApp::csrf_in(&app.get(URL).await);
    let again = app
        .post_form(
            ANSWERS,
            &[("csrf", &csrf), ("round", "1"), ("answer", "a second try")],
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    let page = app.get(URL).await;
    assert!(page.body.contains("df -h and du on the log dirs"));
    assert!(!page.body.contains("a second try"));
    // An empty or unknown round is refused without storing anything.
    let csrf = TestApp::csrf_in(&page);
    let empty = app
        .post_form(
            ANSWERS,
            &[("csrf", &csrf), ("round", "2"), ("answer", "  ")],
        )
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    let unknown = app
        .post_form(ANSWERS, &[("csrf", &csrf), ("round", "9"), ("answer", "x")])
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    // Starting again opens round 1; the earlier run stays stored.
    let restarted = app.post_form(RESTART, &[("csrf", &csrf)]).await;
    assert_eq!(restarted.status, StatusCode::SEE_OTHER);
    assert_reached(&app.get(URL).await.body, 0);
}

#[tokio::test]
async fn another_learner_sees_none_of_a_learners_rounds_and_a_cross_site_post_is_refused() {
    let app = app().await;
    let csrf = TestApp::csrf_in(&app.get(URL).await);
    app.post_form(
        ANSWERS,
        &[
            ("csrf", &csrf),
            ("round", "1"),
            ("answer", "my private notes on df"),
        ],
    )
    .await;
    let other = app.another_browser();
    let page = other.get(URL).await;
    assert_reached(&page.body, 0);
    assert!(!page.body.contains("my private notes on df"));
    let forged = other
        .post_form(
            ANSWERS,
            &[("csrf", "not-a-token"), ("round", "1"), ("answer", "x")],
        )
        .await;
    assert!(forged.status.is_client_error(), "{}", forged.status);
    assert_reached(&other.get(URL).await.body, 0);
}

#[tokio::test]
async fn an_anonymous_run_moves_to_the_account_at_sign_in() {
    let app = app().await;
    let password = app
        .add_user("ana", firedrill::accounts::Role::Learner)
        .await;
    let csrf = TestApp::csrf_in(&app.get(URL).await);
    app.post_form(
        ANSWERS,
        &[
            ("csrf", &csrf),
            ("round", "1"),
            ("answer", "df -h then du on the log dirs"),
        ],
    )
    .await;
    app.sign_in("ana", &password).await;
    let other = app.another_browser();
    other.sign_in("ana", &password).await;
    let page = other.get(URL).await;
    assert!(page.body.contains("df -h then du on the log dirs"));
    assert_reached(&page.body, 1);
}

/// A walkthrough read unedited is answered like any scenario and scored on its derived items,
/// with the evidence in the learner's words and its answers opened after the attempt.
#[tokio::test]
async fn a_walkthrough_is_answered_through_the_router_and_scored_with_evidence() {
    let app = TestApp::with_files(&[(
        "scenarios/oom.md",
        include_str!("../fixtures/formats/walkthrough-oom-killed-nightly-export.md"),
    )])
    .await;
    let page = app.get("/scenarios/oom").await;
    let csrf = TestApp::csrf_in(&page);
    let answer = "journalctl -k shows the cgroup OOM killer killed java at the 512Mi limit.\n\
                  I'd raise the memory limit and rerun the export.";
    let posted = app
        .post_form(
            "/attempts",
            &[("csrf", &csrf), ("scenario", "oom"), ("answer", answer)],
        )
        .await;
    assert_eq!(posted.status, StatusCode::SEE_OTHER, "{}", posted.body);
    let attempt = app.get(posted.header(axum::http::header::LOCATION)).await;
    assert_eq!(attempt.status, StatusCode::OK);
    attempt.assert_contains(&[
        "of 8 checklist items covered",
        "Raises the memory limit and rerun",
        "which the page names as one way to do this",
        "<mark>raise the memory limit</mark>",
        // The walkthrough's own answers, open after the attempt.
        "MaxRAMPercentage",
    ]);
}
