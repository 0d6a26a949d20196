//! Several firedrill instances on one PostgreSQL database behave as one: what one instance
//! stores, another serves; an interview's live events reach streams connected to any instance;
//! a session ended on one is refused by the others. Needs PostgreSQL whatever the backend under
//! test (`FIREDRILL_TEST_POSTGRES`; `scripts/test` starts a throwaway server).

use std::time::Duration;

use axum::http::StatusCode;
use firedrill::accounts::Role;

use crate::database::TestDb;
use crate::helpers::TestApp;
use crate::interviews::{act, read_stream, start};

const SCENARIO: &str = "/scenarios/gitops-drift-causing-outage";
const SLUG: &str = "gitops-drift-causing-outage";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reveal_on_instance_a_reaches_the_candidate_streaming_from_instance_b() {
    let a = TestApp::fixtures_on(TestDb::postgres()).await;
    let b = a.another_instance().await;
    a.signed_in_as("ivy", Role::Interviewer).await;
    let (console, link) = start(&a, "Sam").await;

    // The candidate's link opens on B (the interview was started on A), and streams from B.
    let candidate = b.another_browser();
    let page = candidate.get(&link).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let stream = candidate.open(&format!("{link}/events")).await;
    assert_eq!(stream.status(), StatusCode::OK);
    // The interviewer's session, made on A, works on B: their console streams from B.
    let ivy_on_b = a.on(&b);
    let console_stream = ivy_on_b.open(&format!("{console}/events")).await;
    assert_eq!(console_stream.status(), StatusCode::OK);

    let revealed = act(
        &a,
        &console,
        "reveals",
        &[("what", "evidence"), ("index", "0")],
    )
    .await;
    assert_eq!(revealed.status, StatusCode::SEE_OTHER, "{}", revealed.body);
    let seen = read_stream(stream, Duration::from_secs(5), |t| {
        t.contains("event: revealed")
    })
    .await;
    assert!(
        seen.contains("event: revealed"),
        "the candidate on B got: {seen}"
    );
    assert!(
        seen.contains("Evidence 1") || seen.contains("evidence"),
        "{seen}"
    );

    // The candidate's notes, saved on B, reach the interviewer's console streaming from B and
    // from A alike, with the grader's suggestions.
    let console_on_a = a.open(&format!("{console}/events")).await;
    let saved = candidate
        .post_form(
            &format!("{link}/notes"),
            &[("text", "ArgoCD self-heal fights the HPA over spec.replicas")],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    for (instance, stream) in [("B", console_stream), ("A", console_on_a)] {
        let text = read_stream(stream, Duration::from_secs(5), |t| {
            t.contains("event: revealed")
                && t.contains(r#""quick-identification-of-the-hpa-vs":"covered""#)
        })
        .await;
        assert!(
            text.contains("event: revealed"),
            "console on {instance}: {text}"
        );
        assert!(
            text.contains("ArgoCD self-heal fights the HPA"),
            "console on {instance}: {text}"
        );
        assert!(
            text.contains(r#""quick-identification-of-the-hpa-vs":"covered""#),
            "console on {instance}: {text}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_submitted_on_a_is_in_the_history_on_b_and_a_sign_out_on_a_holds_on_b() {
    let a = TestApp::fixtures_on(TestDb::postgres()).await;
    let b = a.another_instance().await;
    a.signed_in_as("lee", Role::Learner).await;
    let page = a.get(SCENARIO).await;
    let csrf = TestApp::csrf_in(&page);
    let answered = a
        .post_form(
            "/attempts",
            &[
                ("csrf", &csrf),
                ("scenario", SLUG),
                (
                    "answer",
                    "The HPA and Argo CD fight over replicas; disable self-heal.",
                ),
            ],
        )
        .await;
    assert_eq!(answered.status, StatusCode::SEE_OTHER, "{}", answered.body);
    let attempt = answered.header(axum::http::header::LOCATION).to_owned();

    let lee_on_b = a.on(&b);
    let history = lee_on_b.get("/attempts").await;
    assert_eq!(history.status, StatusCode::OK);
    assert!(
        history.body.contains(&attempt),
        "B lists {attempt}: {}",
        history.body
    );
    assert_eq!(lee_on_b.get(&attempt).await.status, StatusCode::OK);
    // Another learner on B sees nothing of it.
    let other = b.another_browser();
    other.signed_in_as("max", Role::Learner).await;
    assert_eq!(other.get(&attempt).await.status, StatusCode::NOT_FOUND);

    // Signing out on A ends the session B had just read (and holds in memory for up to 2 s):
    // B hears of it at once, well within that.
    let csrf = TestApp::csrf_in(&a.get("/").await);
    let out = a.post_form("/sign-out", &[("csrf", &csrf)]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    let started = std::time::Instant::now();
    loop {
        let page = lee_on_b.get("/attempts").await;
        if !page.body.contains(&attempt) {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "B still honours the session 1 s after the sign-out on A"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[test]
fn a_command_that_reads_the_database_refuses_a_missing_postgresql_database() {
    let db = TestDb::postgres();
    let mut missing = url::Url::parse(&db.url).unwrap();
    missing.set_path("/firedrill_no_such_database");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_firedrill"))
        .args(["user", "list", "--database", missing.as_str()])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("there is no database `firedrill_no_such_database`"),
        "{stderr}"
    );
}

#[test]
fn serving_postgresql_without_a_shared_secret_is_refused_before_any_database_is_made() {
    let db = TestDb::postgres();
    let mut missing = url::Url::parse(&db.url).unwrap();
    missing.set_path("/firedrill_never_made");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_firedrill"))
        .args([
            "serve",
            "--database",
            missing.as_str(),
            "--bind",
            "127.0.0.1:0",
        ])
        .env_remove("FIREDRILL_SECRET")
        .env_remove("FIREDRILL_SECRET_FILE")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("FIREDRILL_SECRET"), "{stderr}");
    // The database was not made: a command that only reads still finds none.
    let list = std::process::Command::new(env!("CARGO_BIN_EXE_firedrill"))
        .args(["user", "list", "--database", missing.as_str()])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&list.stderr);
    assert!(
        stderr.contains("there is no database `firedrill_never_made`"),
        "{stderr}"
    );
}

#[test]
fn a_password_in_the_database_url_is_never_printed() {
    // Nothing listens on port 1: the command fails to connect and says where, without the
    // password.
    let url = "postgres://firedrill:hunter2-secret@127.0.0.1:1/firedrill";
    for args in [
        vec!["user", "list", "--database", url],
        vec!["export", "--database", url],
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_firedrill"))
            .args(&args)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?}");
        assert!(stderr.contains("127.0.0.1:1"), "{args:?}: {stderr}");
        assert!(!stderr.contains("hunter2"), "{args:?}: {stderr}");
    }
}
