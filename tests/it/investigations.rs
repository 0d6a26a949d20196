//! The console on a scenario page without JavaScript: a command posts, the page shows the
//! transcript with what the matched step shows; unmatched commands get the plain answer,
//! harmful ones are named and not run; the commands go with the next attempt, whose page
//! scores the path apart from the checklist; a new investigation starts empty.

use axum::http::{StatusCode, header};

use crate::helpers::{TestApp, escape};

const SEED: &str = "/scenarios/gitops-drift-causing-outage";
const SLUG: &str = "gitops-drift-causing-outage";

async fn run(app: &TestApp, command: &str) -> crate::helpers::TestResponse {
    let csrf = TestApp::csrf_in(&app.get(SEED).await);
    app.post_form(
        "/investigations",
        &[("csrf", &csrf), ("scenario", SLUG), ("command", command)],
    )
    .await
}

#[tokio::test]
async fn typed_commands_show_what_their_step_shows_and_go_with_the_next_attempt() {
    let app = TestApp::fixtures().await;
    let site = firedrill::content::load(&crate::helpers::fixtures()).unwrap();
    let steps = site
        .scenario(SLUG)
        .unwrap()
        .scenario
        .clone()
        .unwrap()
        .investigation;
    // A command that reaches, first, a step with something it shows.
    let (at, first) = steps
        .iter()
        .enumerate()
        .filter(|(_, s)| !s.shows.is_empty())
        .flat_map(|(i, s)| {
            firedrill::console::step_commands(s)
                .into_iter()
                .map(move |c| (i, c))
        })
        .find(|(i, c)| firedrill::console::read(&steps, c).step == Some(*i))
        .expect("the seed has a command that reaches a step with findings");
    let page = app.get(SEED).await;
    page.assert_contains(&[r#"id="console""#, r#"action="/investigations""#]);
    assert!(
        !page.body.contains(r#"class="transcript""#),
        "no transcript yet"
    );

    let posted = run(&app, &format!("{first} | head -20")).await;
    assert_eq!(posted.status, StatusCode::SEE_OTHER);
    assert_eq!(posted.header(header::LOCATION), format!("{SEED}#console"));
    run(&app, "cowsay moo").await;
    run(&app, "kubectl delete namespace production").await;
    let page = app.get(SEED).await;
    let shows = &steps[at].shows[0];
    page.assert_contains(&[
        &escape(&format!("$ {first} | head -20")),
        &escape(shows),
        "$ cowsay moo",
        firedrill::console::NOTHING,
        "Not run: on a production system this deletes a live resource.",
    ]);
    // Nothing of a step the learner has not reached is on the page's console.
    let console = &page.body[page.body.find(r#"id="console""#).unwrap()..];
    let console = &console[..console.find("</section>").unwrap()];
    for (_, step) in steps.iter().enumerate().filter(|(i, _)| *i != at) {
        for line in &step.shows {
            assert!(!console.contains(&escape(line)), "{line}");
        }
    }

    let csrf = TestApp::csrf_in(&app.get(SEED).await);
    let answer =
        "ArgoCD self-heal fights the HPA over spec.replicas; add ignoreDifferences in Git.";
    let submitted = app
        .post_form(
            "/attempts",
            &[("csrf", &csrf), ("scenario", SLUG), ("answer", answer)],
        )
        .await;
    let attempt = app.get(submitted.header(header::LOCATION)).await;
    attempt.assert_contains(&[
        "Your investigation",
        &format!("(1 of {} steps)", steps.len()),
        "scored apart from the checklist",
        "reached by command 1",
        "1 command reached no step of the path.",
        "Would have done harm: <code>kubectl delete namespace production</code>",
    ]);
    // The next investigation starts empty.
    assert!(!app.get(SEED).await.body.contains(r#"class="transcript""#));
}

#[tokio::test]
async fn the_console_refuses_empty_long_forged_and_pathless_commands() {
    let app = TestApp::fixtures().await;
    assert_eq!(run(&app, "   ").await.status, StatusCode::BAD_REQUEST);
    let long = "x".repeat(501);
    assert_eq!(run(&app, &long).await.status, StatusCode::PAYLOAD_TOO_LARGE);
    let forged = app
        .post_form(
            "/investigations",
            &[("csrf", "forged"), ("scenario", SLUG), ("command", "ls")],
        )
        .await;
    assert!(forged.status.is_client_error());
    let csrf = TestApp::csrf_in(&app.get(SEED).await);
    let unknown = app
        .post_form(
            "/investigations",
            &[
                ("csrf", &csrf),
                ("scenario", "no-such-scenario"),
                ("command", "ls"),
            ],
        )
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert!(!app.get(SEED).await.body.contains(r#"class="transcript""#));
}

#[tokio::test]
async fn one_learners_commands_are_not_anothers() {
    let app = TestApp::fixtures().await;
    run(&app, "kubectl get applications -n argocd").await;
    let other = app.another_browser();
    assert!(
        !other
            .get(SEED)
            .await
            .body
            .contains("kubectl get applications -n argocd")
    );
}
