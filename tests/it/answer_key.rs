//! The interviewer's answer key (`/interviews/keys/{slug}`): the whole scenario for interviewers,
//! nothing recorded, and nothing at all for anyone else.

use axum::http::{StatusCode, header};
use firedrill::accounts::Role;
use firedrill::store::Position;

use crate::helpers::{TestApp, fixture};

const SLUG: &str = "gitops-drift-causing-outage";
const KEY: &str = "/interviews/keys/gitops-drift-causing-outage";

/// Text only the answer key shows: the root cause and a checklist item.
const ROOT_CAUSE: &str = "HPA manages spec.replicas dynamically";
const ITEM: &str = "Post-incident: audit all ArgoCD-managed deployments that also have HPAs";

#[tokio::test]
async fn an_interviewer_reads_any_answer_key_without_an_interview_or_a_reveal() {
    let app = TestApp::fixtures().await;
    app.signed_in_as("ivy", Role::Interviewer).await;
    let scenario = app.get(&format!("/scenarios/{SLUG}")).await;
    scenario.assert_contains(&[&format!(r#"<a href="{KEY}">Open the answer key</a>"#)]);
    assert!(
        !scenario.body.contains(ROOT_CAUSE),
        "the scenario page hides it"
    );

    let key = app.get(KEY).await;
    assert_eq!(key.status, StatusCode::OK);
    key.assert_contains(&[
        "Answer key: <a href=\"/scenarios/gitops-drift-causing-outage\">GitOps Drift Causing Outage</a>",
        ROOT_CAUSE,
        ITEM,
        "The checklist your console scores (6 items)",
        "Start interview",
        r#"<a href="/interviews" aria-current="page">Interviews</a>"#,
    ]);
    assert!(
        !key.body.contains("Open the answer key"),
        "no link to itself"
    );
    assert_eq!(key.header(header::CACHE_CONTROL), "no-store");

    // Nothing was recorded: no interview, no reveal, no attempt; the page still hides the key.
    assert!(
        app.store
            .interviews(None, Position::NEWEST, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(app.store.count_attempts().await.unwrap(), 0);
    let ivy = app.store.user("ivy").await.unwrap().unwrap();
    let learner = firedrill::store::learner_key(ivy.id);
    assert!(!app.store.revealed(&learner, SLUG).await.unwrap());
    let again = app.get(&format!("/scenarios/{SLUG}")).await;
    again.assert_contains(&["Hidden until you submit an answer or reveal the answers."]);
    assert!(!again.body.contains(ROOT_CAUSE));
}

#[tokio::test]
async fn the_answer_key_is_not_found_for_anyone_who_does_not_run_interviews() {
    let app = TestApp::fixtures().await;
    let learner = app.another_browser();
    learner.signed_in_as("lee", Role::Learner).await;
    let author = app.another_browser();
    author.signed_in_as("ana", Role::Author).await;
    for (who, browser) in [
        ("anonymous", &app),
        ("learner", &learner),
        ("author", &author),
    ] {
        let res = browser.get(KEY).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{who}");
        assert!(
            !res.body.contains(ROOT_CAUSE) && !res.body.contains(ITEM),
            "{who}"
        );
    }
    let scenario = learner.get(&format!("/scenarios/{SLUG}")).await;
    assert!(
        !scenario.body.contains("/interviews/keys/"),
        "no link for learners"
    );

    let admin = app.another_browser();
    admin.signed_in_as("root", Role::Admin).await;
    assert_eq!(admin.get(KEY).await.status, StatusCode::OK);
    let missing = admin.get("/interviews/keys/no-such-scenario").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_hidden_scenarios_key_stays_out_of_sight_of_learners() {
    let seed =
        std::fs::read_to_string(fixture("scenarios/gitops-drift-causing-outage.md")).unwrap();
    let hidden = format!("---\nslug: panel-drill\nhidden: true\n---\n{seed}");
    let app = TestApp::with_files(&[("scenarios/panel-drill.md", hidden.as_str())]).await;
    let learner = app.another_browser();
    learner.signed_in_as("lee", Role::Learner).await;
    for browser in [&app, &learner] {
        let res = browser.get("/interviews/keys/panel-drill").await;
        assert_eq!(res.status, StatusCode::NOT_FOUND);
        assert!(!res.body.contains(ROOT_CAUSE));
    }
    app.signed_in_as("ivy", Role::Interviewer).await;
    let key = app.get("/interviews/keys/panel-drill").await;
    assert_eq!(key.status, StatusCode::OK);
    key.assert_contains(&[ROOT_CAUSE, "Hidden from learners"]);
}
