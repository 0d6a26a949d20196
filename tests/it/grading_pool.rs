//! Grading off the async workers: a full grading pool answers 503 with `Retry-After`, the
//! grade of a candidate's notes is computed when they are saved and read from the store on
//! every view (graded again only once after a rubric change), and notes saves are limited per
//! interview.

use std::sync::mpsc;

use axum::http::{StatusCode, header};
use firedrill::accounts::Role;
use firedrill::app::Settings;
use firedrill::store::NotesGrade;
use firedrill::web::limits::Rates;
use firedrill::workers::PoolSize;

use crate::helpers::{TestApp, TestResponse};

const SLUG: &str = "gitops-drift-causing-outage";
const NOTES: &str = "ArgoCD self-heal fights the HPA over spec.replicas";

/// An interviewer signed in on `app` with an interview of the seed scenario started: the
/// console path (`/interviews/<id>`) and the candidate path (`/i/<token>`).
async fn interview(app: &TestApp) -> (String, String) {
    if app.cookie("firedrill_session").is_none() {
        app.signed_in_as("ivy", Role::Interviewer).await;
    }
    let page = app.get(&format!("/scenarios/{SLUG}")).await;
    let csrf = TestApp::csrf_in(&page);
    let fields = [
        ("csrf", csrf.as_str()),
        ("scenario", SLUG),
        ("candidate", "Sam"),
    ];
    let started = app.post_form("/interviews", &fields).await;
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.body);
    let console = started.header(header::LOCATION).to_owned();
    let marker = r#"id="candidate-link" readonly value=""#;
    // The console grades the notes on the pool; with one thread and no queue, a thread still
    // starting refuses the job (503): the page shows once the thread takes work.
    let mut page = app.get(&console).await;
    for _ in 0..500 {
        if page.status != StatusCode::SERVICE_UNAVAILABLE {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        page = app.get(&console).await;
    }
    let at = page.body.find(marker).expect("the console shows the link") + marker.len();
    let end = page.body[at..].find('"').unwrap();
    (console, page.body[at..at + end].to_owned())
}

async fn save_notes(app: &TestApp, link: &str, text: &str) -> TestResponse {
    app.another_browser()
        .post_form(&format!("{link}/notes"), &[("text", text)])
        .await
}

/// Every page that shows the grader's verdicts on the candidate's notes.
async fn view_everything(app: &TestApp, console: &str) {
    for path in [
        console.to_owned(),
        format!("{console}/scorecard"),
        format!("{console}/scorecard.json"),
        format!("{console}/scorecard.csv"),
        "/interviews".to_owned(),
    ] {
        let res = app.get(&path).await;
        assert_eq!(res.status, StatusCode::OK, "{path}: {}", res.body);
    }
    // The console's stream opens with the notes and the suggestions on them.
    let stream = app.open(&format!("{console}/events")).await;
    assert_eq!(stream.status(), StatusCode::OK);
}

/// The interview's stored notes grade and the rubric version it was computed against.
async fn stored_grade(app: &TestApp, console: &str) -> (Option<String>, Option<String>) {
    let public_id = console.trim_start_matches("/interviews/");
    let interview = app.store.interview(public_id).await.unwrap().unwrap();
    (
        interview.candidate_notes_grade,
        interview.candidate_notes_grade_version,
    )
}

/// Occupies every thread of a one-thread grading pool until the returned sender is dropped.
async fn occupy_the_grading_thread(app: &TestApp) -> mpsc::Sender<()> {
    let (release, wait) = mpsc::channel::<()>();
    let wait = std::sync::Arc::new(std::sync::Mutex::new(wait));
    // With no queue a job is taken only once the thread waits for one (it may still be
    // starting): offer it until it is taken.
    for _ in 0..500 {
        let (started, running) = tokio::sync::oneshot::channel();
        let (grader, wait) = (app.state.grader.clone(), wait.clone());
        tokio::spawn(async move {
            grader
                .run(move || {
                    let _ = started.send(());
                    let _ = wait.lock().unwrap().recv();
                })
                .await
        });
        if running.await.is_ok() {
            return release;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("the grading thread never took a job");
}

fn one_thread_no_queue() -> Settings {
    Settings {
        grading: PoolSize {
            threads: 1,
            queue: 0,
        },
        ..Settings::default()
    }
}

#[tokio::test]
async fn while_the_grading_pool_is_full_answers_and_notes_get_503_with_retry_after() {
    let app = TestApp::fixtures_with(one_thread_no_queue()).await;
    let (_, link) = interview(&app).await;
    let learner = app.another_browser();
    let page = learner.get(&format!("/scenarios/{SLUG}")).await;
    let csrf = TestApp::csrf_in(&page);
    let answer = [
        ("csrf", csrf.as_str()),
        ("scenario", SLUG),
        ("answer", NOTES),
    ];

    let release = occupy_the_grading_thread(&app).await;
    let refused = learner.post_form("/attempts", &answer).await;
    assert_eq!(refused.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(refused.header(header::RETRY_AFTER), "2");
    refused.assert_contains(&["Many answers are being scored right now"]);
    let notes = save_notes(&app, &link, NOTES).await;
    assert_eq!(notes.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(notes.header(header::RETRY_AFTER), "2");
    assert_eq!(app.store.count_attempts().await.unwrap(), 0);
    drop(release);

    // The thread is free again (it may take a moment to come back for work).
    let mut accepted = learner.post_form("/attempts", &answer).await;
    for _ in 0..100 {
        if accepted.status != StatusCode::SERVICE_UNAVAILABLE {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        accepted = learner.post_form("/attempts", &answer).await;
    }
    assert_eq!(accepted.status, StatusCode::SEE_OTHER, "{}", accepted.body);
}

#[tokio::test]
async fn the_notes_grade_is_computed_once_per_save_and_read_from_the_store_on_every_view() {
    let app = TestApp::fixtures().await;
    let (console, link) = interview(&app).await;
    let before = app.state.grader.graded();
    let saved = save_notes(&app, &link, NOTES).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(app.state.grader.graded(), before + 1, "graded once on save");
    let (grade, version) = stored_grade(&app, &console).await;
    let grade = grade.expect("the grade is stored with the notes");
    assert!(grade.contains(r#""id":"quick-identification-of-the-hpa-vs""#));
    assert!(grade.contains(r#""verdict":"covered""#), "{grade}");
    let content = app.state.content();
    let (_, _, rubric) = content.scenario(SLUG).unwrap();
    assert_eq!(version.as_deref(), Some(rubric.version.as_str()));

    for _ in 0..3 {
        view_everything(&app, &console).await;
    }
    assert_eq!(
        app.state.grader.graded(),
        before + 1,
        "no view grades again"
    );
    assert_eq!(stored_grade(&app, &console).await.0.as_ref(), Some(&grade));
    // What the views show comes from the stored grade.
    let card = app.get(&format!("{console}/scorecard.json")).await;
    let card: serde_json::Value = serde_json::from_str(&card.body).unwrap();
    let item = card["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "quick-identification-of-the-hpa-vs")
        .unwrap();
    assert_eq!(item["grader"], "covered");
}

#[tokio::test]
async fn a_notes_grade_missing_or_of_an_older_rubric_is_graded_again_once_and_stored() {
    let app = TestApp::fixtures().await;
    let (console, link) = interview(&app).await;
    let public_id = console.trim_start_matches("/interviews/");
    let id = app.store.interview(public_id).await.unwrap().unwrap().id;
    // Notes stored without a grade (as before grades were stored): the first view grades them
    // once and stores the grade.
    assert!(
        app.store
            .save_candidate_notes(id, NOTES, 1, None)
            .await
            .unwrap()
    );
    assert_eq!(stored_grade(&app, &console).await, (None, None));
    let before = app.state.grader.graded();
    view_everything(&app, &console).await;
    view_everything(&app, &console).await;
    assert_eq!(app.state.grader.graded(), before + 1);
    assert!(
        stored_grade(&app, &console)
            .await
            .0
            .unwrap()
            .contains(r#""verdict":"covered""#)
    );

    // A grade of an older rubric (one that said every item was missed) is replaced once.
    save_notes(&app, &link, NOTES).await;
    let outdated = NotesGrade {
        json: r#"{"score":0.0,"covered":0,"total":0,"items":[],"traps":[]}"#.to_owned(),
        rubric_version: "older".to_owned(),
    };
    assert!(
        app.store
            .store_notes_grade(id, NOTES, outdated)
            .await
            .unwrap()
    );
    let before = app.state.grader.graded();
    view_everything(&app, &console).await;
    view_everything(&app, &console).await;
    assert_eq!(app.state.grader.graded(), before + 1);
    let (grade, version) = stored_grade(&app, &console).await;
    assert!(grade.unwrap().contains(r#""verdict":"covered""#));
    assert_ne!(version.as_deref(), Some("older"));
    // A grade is never stored over notes saved since it was computed.
    let stale = NotesGrade {
        json: "{}".to_owned(),
        rubric_version: "older".to_owned(),
    };
    assert!(
        !app.store
            .store_notes_grade(id, "other notes", stale)
            .await
            .unwrap()
    );
}

#[tokio::test]
async fn candidate_notes_saves_are_limited_per_interview_with_retry_after() {
    let settings = Settings {
        rates: Rates {
            notes: 2,
            ..Rates::default()
        },
        ..Settings::default()
    };
    let app = TestApp::fixtures_with(settings).await;
    let (console, link) = interview(&app).await;
    let (_, other) = interview(&app).await;
    for text in ["one", "two"] {
        assert_eq!(
            save_notes(&app, &link, text).await.status,
            StatusCode::SEE_OTHER
        );
    }
    let graded = app.state.grader.graded();
    let refused = save_notes(&app, &link, "three").await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = refused
        .header(header::RETRY_AFTER)
        .parse()
        .expect("seconds");
    assert!((1..=60).contains(&retry), "Retry-After: {retry}");
    assert_eq!(
        app.state.grader.graded(),
        graded,
        "a refused save is not graded"
    );
    let public_id = console.trim_start_matches("/interviews/");
    let kept = app.store.interview(public_id).await.unwrap().unwrap();
    assert_eq!(kept.candidate_notes, "two");
    // The limit is the interview's, not the client's: another link saves.
    assert_eq!(
        save_notes(&app, &other, "one").await.status,
        StatusCode::SEE_OTHER
    );
}
