//! Live interviews through the router: who may start and see them, what the candidate's link
//! reaches, timestamps, exports, live streams, and a restart in the middle.

use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use firedrill::accounts::Role;
use firedrill::store::Position;
use http_body_util::BodyExt;
use tower::ServiceExt;

use crate::helpers::{TestApp, TestResponse, fixture, fixtures};

const SLUG: &str = "gitops-drift-causing-outage";

/// An interviewer signed in on `app`, with an interview of the seed scenario started.
/// Returns the console path (`/interviews/<id>`) and the candidate path (`/i/<token>`).
async fn started(app: &TestApp) -> (String, String) {
    app.signed_in_as("ivy", Role::Interviewer).await;
    start(app, "Sam <script>").await
}

pub(crate) async fn start(app: &TestApp, candidate: &str) -> (String, String) {
    start_on(app, SLUG, candidate).await
}

/// [`start`] on another scenario.
async fn start_on(app: &TestApp, slug: &str, candidate: &str) -> (String, String) {
    let page = app.get(&format!("/scenarios/{slug}")).await;
    page.assert_contains(&["Start interview"]);
    let csrf = TestApp::csrf_in(&page);
    let res = app
        .post_form(
            "/interviews",
            &[
                ("csrf", &csrf),
                ("scenario", slug),
                ("candidate", candidate),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let console = res.header(header::LOCATION).to_owned();
    let page = app.get(&console).await;
    assert_eq!(page.status, StatusCode::OK);
    let marker = r#"id="candidate-link" readonly value=""#;
    let at = page.body.find(marker).expect("the console shows the link") + marker.len();
    let end = page.body[at..].find('"').unwrap();
    (console, page.body[at..at + end].to_owned())
}

pub(crate) async fn act(
    app: &TestApp,
    console: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> TestResponse {
    let csrf = TestApp::csrf_in(&app.get(console).await);
    let mut all = vec![("csrf", csrf.as_str())];
    all.extend_from_slice(fields);
    app.post_form(&format!("{console}/{action}"), &all).await
}

/// The interviewer's verdict on the seed's first checklist item.
async fn tick_hpa(app: &TestApp, console: &str, verdict: &str) -> TestResponse {
    let item = ("item", "quick-identification-of-the-hpa-vs");
    act(app, console, "ticks", &[item, ("verdict", verdict)]).await
}

/// What the seed scenario hides from candidates, as plain text fragments.
fn answer_key() -> Vec<String> {
    let site = firedrill::content::load(&fixtures()).unwrap();
    let page = site.scenario(SLUG).unwrap();
    let s = page.scenario.as_ref().unwrap();
    let mut key: Vec<String> = Vec::new();
    key.extend(s.investigation.iter().map(|step| step.title.clone()));
    key.extend(s.investigation.iter().flat_map(|step| step.shows.clone()));
    key.extend(s.root_cause.iter().map(|b| b.text.clone()));
    key.extend(s.rubric.iter().map(|r| r.text.clone()));
    key.extend(s.traps.iter().map(|t| t.claim.clone()));
    key.extend(s.follow_ups.iter().map(|f| f.text.clone()));
    key.extend(s.model_answer.iter().map(|b| b.text.clone()));
    // A distinctive start of each, as it would appear in HTML.
    key.into_iter()
        .map(|k| k.chars().take(40).collect::<String>())
        .filter(|k| k.len() >= 12)
        .collect()
}

#[track_caller]
fn assert_no_answer_key(what: &str, body: &str) {
    let escaped = body
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&amp;", "&");
    for fragment in answer_key() {
        assert!(
            !body.contains(&fragment) && !escaped.contains(&fragment),
            "{what} shows the answer key: {fragment:?}"
        );
    }
    for hidden in [
        "Expected Investigation Path",
        "Root Cause",
        "Strong Answer",
        "private note",
    ] {
        assert!(!body.contains(hidden), "{what} shows {hidden:?}");
    }
}

/// Reads a live stream until `done` holds for what arrived, or `wait` passes.
pub(crate) async fn read_stream(
    response: axum::http::Response<Body>,
    wait: Duration,
    done: impl Fn(&str) -> bool,
) -> String {
    let mut body = response.into_body();
    let mut text = String::new();
    let deadline = tokio::time::Instant::now() + wait;
    while !done(&text) {
        match tokio::time::timeout_at(deadline, body.frame()).await {
            Ok(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref() {
                    text.push_str(&String::from_utf8_lossy(data));
                }
            }
            Ok(_) | Err(_) => break,
        }
    }
    text
}

#[tokio::test]
async fn only_interviewers_and_admins_start_interviews() {
    let app = TestApp::fixtures().await;
    let form = [("csrf", "new"), ("scenario", SLUG), ("candidate", "Sam")];
    let anonymous = app.post_form("/interviews", &form).await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    assert!(anonymous.header(header::LOCATION).starts_with("/sign-in"));
    for (role, allowed) in [
        (Role::Learner, false),
        (Role::Author, false),
        (Role::Interviewer, true),
        (Role::Admin, true),
    ] {
        let browser = app.another_browser();
        browser.signed_in_as(&format!("u-{role}"), role).await;
        let page = browser.get(&format!("/scenarios/{SLUG}")).await;
        assert_eq!(
            page.body.contains("Start interview"),
            allowed,
            "{role} sees the form"
        );
        let csrf = TestApp::csrf_in(&page);
        let res = browser
            .post_form(
                "/interviews",
                &[("csrf", &csrf), ("scenario", SLUG), ("candidate", "Sam")],
            )
            .await;
        let expected = if allowed {
            StatusCode::SEE_OTHER
        } else {
            StatusCode::FORBIDDEN
        };
        assert_eq!(res.status, expected, "{role} starting an interview");
        assert_eq!(
            browser.get("/interviews").await.status,
            if allowed {
                StatusCode::OK
            } else {
                StatusCode::FORBIDDEN
            }
        );
    }
    assert_eq!(
        app.store
            .interviews(None, Position::NEWEST, 10)
            .await
            .unwrap()
            .len(),
        2
    );
}

#[tokio::test]
async fn the_candidate_link_shows_the_incident_and_nothing_of_the_answer_key() {
    let app = TestApp::fixtures().await;
    let (console, link) = started(&app).await;
    assert_eq!(link.len(), "/i/".len() + 64, "a 256-bit token");
    act(
        &app,
        &console,
        "notes",
        &[("text", "private note: weak on rollback")],
    )
    .await;
    tick_hpa(&app, &console, "covered").await;
    act(
        &app,
        &console,
        "reveals",
        &[("what", "evidence"), ("index", "0")],
    )
    .await;

    // The check below is not vacuous: the console shows the answer key.
    let console_page = app
        .get(&console)
        .await
        .body
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&amp;", "&");
    let key = answer_key();
    let shown = key
        .iter()
        .filter(|f| console_page.contains(f.as_str()))
        .count();
    assert!(
        key.len() >= 12 && shown * 10 >= key.len() * 9,
        "{shown} of {} key fragments on the console",
        key.len()
    );

    let candidate = app.another_browser();
    let page = candidate.get(&link).await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains(&[
        "The Prompt",
        "Initial Report",
        "Constraints",
        "Hello Sam &#60;script&#62;",
        "Your notes",
    ]);
    assert!(!page.body.contains("Sam <script>"), "the name is escaped");
    assert_no_answer_key("candidate page", &page.body);
    assert!(
        !page.body.contains(r#"href="/scenarios"#),
        "no way from the page to the scenario"
    );
    assert_eq!(page.header(header::CACHE_CONTROL), "no-store");
    assert_eq!(page.header(header::REFERRER_POLICY), "no-referrer");

    // The stream replays reveals only: not the tick, not the note.
    let stream = candidate.open(&format!("{link}/events")).await;
    assert_eq!(stream.status(), StatusCode::OK);
    let events = read_stream(stream, Duration::from_millis(500), |t| {
        t.contains("event: revealed")
    })
    .await;
    assert!(events.contains("event: revealed"), "{events}");
    assert!(
        !events.contains("ticked") && !events.contains("noted") && !events.contains("started"),
        "{events}"
    );
    assert_no_answer_key("candidate stream", &events);

    // The notes form answers without echoing anything.
    let saved = candidate
        .post_form(&format!("{link}/notes"), &[("text", "kubectl get hpa")])
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    assert_no_answer_key("notes response", &saved.body);
}

#[tokio::test]
async fn the_candidate_token_reaches_no_other_page() {
    let app = TestApp::fixtures().await;
    let (console, link) = started(&app).await;
    let (other_console, other_link) = start(&app, "Alex").await;
    let candidate = app.another_browser();
    let id = console.trim_start_matches("/interviews/");
    for uri in [
        console.clone(),
        format!("{console}/events"),
        format!("{console}/scorecard"),
        format!("{console}/scorecard.json"),
        format!("{console}/scorecard.csv"),
        "/interviews".to_owned(),
        other_console.clone(),
    ] {
        let res = candidate.get(&uri).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{uri}: sign in first");
    }
    // The token is not a key to anything else, and a near-miss opens nothing.
    let token = link.trim_start_matches("/i/");
    assert_eq!(
        candidate.get(&format!("/interviews/{token}")).await.status,
        StatusCode::SEE_OTHER
    );
    // One character off: the last one changed (to `1` where it was `0`).
    let last = if token.ends_with('0') { '1' } else { '0' };
    for uri in [
        format!("/i/{id}"),
        format!("/i/{}{last}", &token[..63]),
        format!("/i/{}", token.to_uppercase().replace('A', "B")),
    ] {
        assert_eq!(
            candidate.get(&uri).await.status,
            StatusCode::NOT_FOUND,
            "{uri}"
        );
    }
    assert_ne!(link, other_link);
    // The token cannot act for the interviewer.
    let res = candidate
        .post_form(
            &format!("{console}/reveals"),
            &[("csrf", token), ("what", "evidence"), ("index", "0")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.store.events(1, 0).await.unwrap().len(),
        1,
        "only the start"
    );
}

#[tokio::test]
async fn after_the_end_the_link_shows_a_closed_page_and_takes_nothing() {
    let app = TestApp::fixtures().await;
    let (console, link) = started(&app).await;
    let candidate = app.another_browser();
    let stream = candidate.open(&format!("{link}/events")).await;
    let end = act(&app, &console, "end", &[]).await;
    assert_eq!(end.status, StatusCode::SEE_OTHER);
    assert_eq!(end.header(header::LOCATION), format!("{console}/scorecard"));
    // An open stream gets the end and closes.
    let events = read_stream(stream, Duration::from_secs(2), |t| {
        t.contains("event: ended")
    })
    .await;
    assert!(events.contains("event: ended"), "{events}");

    let page = candidate.get(&link).await;
    assert_eq!(page.status, StatusCode::GONE);
    page.assert_contains(&["This interview has ended"]);
    assert_no_answer_key("closed page", &page.body);
    assert_eq!(
        candidate.get(&format!("{link}/events")).await.status,
        StatusCode::GONE
    );
    let notes = candidate
        .post_form(&format!("{link}/notes"), &[("text", "late")])
        .await;
    assert_eq!(notes.status, StatusCode::GONE);
    // Nor does the console change any more.
    let tick = tick_hpa(&app, &console, "covered").await;
    assert_eq!(tick.status, StatusCode::GONE);
    let interview = app
        .store
        .interview(console.trim_start_matches("/interviews/"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(interview.candidate_notes, "");
}

#[tokio::test]
async fn another_interviewer_gets_404_and_an_admin_sees_everything() {
    let app = TestApp::fixtures().await;
    let (console, _) = started(&app).await;
    let other = app.another_browser();
    other.signed_in_as("olga", Role::Interviewer).await;
    for uri in [
        console.clone(),
        format!("{console}/scorecard"),
        format!("{console}/scorecard.csv"),
        format!("{console}/events"),
    ] {
        assert_eq!(other.get(&uri).await.status, StatusCode::NOT_FOUND, "{uri}");
    }
    assert!(!other.get("/interviews").await.body.contains("Sam"));
    let admin = app.another_browser();
    admin.signed_in_as("root", Role::Admin).await;
    assert_eq!(admin.get(&console).await.status, StatusCode::OK);
    admin
        .get("/interviews")
        .await
        .assert_contains(&["Sam &#60;script&#62;", "<td>ivy</td>"]);
}

#[tokio::test]
async fn ticks_and_notes_are_timestamped_stored_and_on_the_scorecard() {
    let app = TestApp::fixtures().await;
    let (console, link) = started(&app).await;
    let before = firedrill::web::view::now_ms();
    let res = tick_hpa(&app, &console, "partial").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    tick_hpa(&app, &console, "covered").await;
    act(
        &app,
        &console,
        "notes",
        &[("text", "asked about <b>rollback</b>")],
    )
    .await;
    let after = firedrill::web::view::now_ms();
    let bad = act(
        &app,
        &console,
        "ticks",
        &[("item", "no-such-item"), ("verdict", "covered")],
    )
    .await;
    assert_eq!(bad.status, StatusCode::NOT_FOUND);
    let bad = tick_hpa(&app, &console, "maybe").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    app.another_browser()
        .post_form(
            &format!("{link}/notes"),
            &[("text", "HPA and ArgoCD self-heal fight over replicas")],
        )
        .await;

    let id = console.trim_start_matches("/interviews/");
    let interview = app.store.interview(id).await.unwrap().unwrap();
    let events = app.store.events(interview.id, 0).await.unwrap();
    let kinds: Vec<&str> = events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["started", "ticked", "ticked", "noted"]);
    assert_eq!(
        events.iter().map(|e| e.seq).collect::<Vec<_>>(),
        [1, 2, 3, 4]
    );
    assert!(events[1..].iter().all(|e| (before..=after).contains(&e.at)));
    assert!(events.windows(2).all(|w| w[0].at <= w[1].at));

    let page = app.get(&format!("{console}/scorecard")).await;
    page.assert_contains(&[
        "Scorecard: Sam &#60;script&#62;",
        "Marked covered: Quick identification of the HPA vs ArgoCD conflict",
        "Note: asked about &#60;b&#62;rollback&#60;/b&#62;",
        "HPA and ArgoCD self-heal fight over replicas",
    ]);
    assert!(!page.body.contains('`'), "no raw Markdown on the scorecard");
    let console_page = app.get(&console).await;
    console_page.assert_contains(&[
        "asked about &#60;b&#62;rollback",
        r#"value="covered" class="tick tick-covered" aria-pressed="true""#,
    ]);
}

#[tokio::test]
async fn the_scorecard_exports_as_json_and_csv() {
    let app = TestApp::fixtures().await;
    let (console, link) = started(&app).await;
    tick_hpa(&app, &console, "covered").await;
    app.another_browser()
        .post_form(
            &format!("{link}/notes"),
            &[(
                "text",
                "suspend self-heal, \"quoted\", then ignoreDifferences",
            )],
        )
        .await;
    act(&app, &console, "end", &[]).await;

    let json = app.get(&format!("{console}/scorecard.json")).await;
    assert_eq!(json.status, StatusCode::OK);
    assert!(
        json.header(header::CONTENT_TYPE)
            .starts_with("application/json")
    );
    assert!(
        json.header(header::CONTENT_DISPOSITION)
            .starts_with("attachment; filename=\"scorecard-")
    );
    let card: serde_json::Value = serde_json::from_str(&json.body).unwrap();
    assert_eq!(card["candidate"], "Sam <script>");
    assert_eq!(card["interviewer"], "ivy");
    assert_eq!(card["scenario"], SLUG);
    let utc = |v: &serde_json::Value| {
        v.as_str()
            .is_some_and(|t| t.len() == 20 && t.ends_with(" UTC") && t.as_bytes()[10] == b' ')
    };
    assert!(utc(&card["started_at"]), "{}", card["started_at"]);
    assert!(utc(&card["ended_at"]), "{}", card["ended_at"]);
    let items = card["items"].as_array().unwrap();
    let first = items
        .iter()
        .find(|i| i["id"] == "quick-identification-of-the-hpa-vs")
        .unwrap();
    assert_eq!(first["interviewer"], "covered");
    assert!(utc(&first["ticked_at"]), "{}", first["ticked_at"]);
    assert!(card["score"].as_f64().unwrap() > 0.0);
    let kinds: Vec<&str> = card["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["started", "ticked", "ended"]);
    assert!(
        card["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| utc(&t["at"]))
    );
    assert_eq!(
        card["follow_ups"],
        serde_json::json!([]),
        "the seed has none"
    );
    assert_eq!(
        card["candidate_notes"],
        "suspend self-heal, \"quoted\", then ignoreDifferences"
    );

    let csv = app.get(&format!("{console}/scorecard.csv")).await;
    assert_eq!(csv.header(header::CONTENT_TYPE), "text/csv; charset=utf-8");
    let mut reader = csv::Reader::from_reader(csv.body.as_bytes());
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "kind",
            "item",
            "text",
            "weight",
            "interviewer",
            "marked_at",
            "grader"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), items.len());
    let row = rows
        .iter()
        .find(|r| &r[1] == "quick-identification-of-the-hpa-vs")
        .unwrap();
    assert_eq!((&row[0], &row[4]), ("rubric item", "covered"));
    assert_eq!(&row[5], first["ticked_at"].as_str().unwrap());
}

#[tokio::test]
async fn the_console_stream_shows_the_candidates_notes_and_the_graders_suggestions() {
    let app = TestApp::fixtures().await;
    let (console, link) = started(&app).await;
    let stream = app.open(&format!("{console}/events")).await;
    assert_eq!(stream.status(), StatusCode::OK);
    assert_eq!(stream.headers()[header::CONTENT_TYPE], "text/event-stream");
    app.another_browser()
        .post_form(
            &format!("{link}/notes"),
            &[("text", "ArgoCD self-heal fights the HPA over spec.replicas")],
        )
        .await;
    let text = read_stream(stream, Duration::from_secs(2), |t| {
        t.matches("event: suggestions").count() >= 2
    })
    .await;
    assert!(text.contains("event: started"), "{text}");
    assert!(text.contains("ArgoCD self-heal fights the HPA"), "{text}");
    assert!(
        text.contains(r#""quick-identification-of-the-hpa-vs":"covered""#),
        "{text}"
    );
}

#[tokio::test]
async fn a_reconnecting_client_gets_only_what_it_missed() {
    let app = TestApp::fixtures().await;
    let (console, link) = started(&app).await;
    for index in ["0", "1", "2"] {
        act(
            &app,
            &console,
            "reveals",
            &[("what", "evidence"), ("index", index)],
        )
        .await;
    }
    let request = Request::get(format!("{link}/events"))
        .header("last-event-id", "3")
        .body(Body::empty())
        .unwrap();
    let response = app.another_browser_router().oneshot(request).await.unwrap();
    let text = read_stream(response, Duration::from_millis(500), |t| {
        t.contains("id: 4")
    })
    .await;
    assert!(
        text.contains("id: 4") && !text.contains("id: 3\n") && !text.contains("id: 2\n"),
        "{text}"
    );
}

#[tokio::test]
async fn a_restart_mid_interview_loses_nothing_and_the_interview_continues() {
    let app = TestApp::fixtures().await;
    let (console, link) = started(&app).await;
    act(
        &app,
        &console,
        "reveals",
        &[("what", "evidence"), ("index", "0")],
    )
    .await;
    tick_hpa(&app, &console, "covered").await;
    app.another_browser()
        .post_form(
            &format!("{link}/notes"),
            &[("text", "kubectl get hpa -n payments")],
        )
        .await;
    let session = app.cookie_header();
    app.store.close().await;

    // The server comes back on the same database file.
    let (store, router, _) = TestApp::reopen(&app.database_url()).await;
    let get = |uri: String, cookie: Option<String>| {
        let router = router.clone();
        async move {
            let mut request = Request::get(uri).body(Body::empty()).unwrap();
            if let Some(cookie) = cookie {
                request
                    .headers_mut()
                    .insert(header::COOKIE, cookie.parse().unwrap());
            }
            let response = router.oneshot(request).await.unwrap();
            let status = response.status();
            let body = response.into_body().collect().await.unwrap().to_bytes();
            (status, String::from_utf8_lossy(&body).into_owned())
        }
    };
    let (status, page) = get(link.clone(), None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("kubectl get hpa -n payments"),
        "the notes are back"
    );
    assert!(
        !page.contains(r#"id="no-evidence">"#),
        "the revealed evidence is back"
    );
    let (status, console_page) = get(console.clone(), Some(session.clone())).await;
    assert_eq!(status, StatusCode::OK, "the interviewer's session survives");
    assert!(console_page.contains(r#"aria-pressed="true""#));
    // And it carries on: the next event gets the next number.
    let csrf = {
        let marker = r#"name="csrf" value=""#;
        let at = console_page.find(marker).unwrap() + marker.len();
        console_page[at..at + 32].to_owned()
    };
    let request = Request::post(format!("{console}/reveals"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, session)
        .body(Body::from(format!("csrf={csrf}&what=evidence&index=1")))
        .unwrap();
    assert_eq!(
        router.clone().oneshot(request).await.unwrap().status(),
        StatusCode::SEE_OTHER
    );
    let interview = store
        .interview(console.trim_start_matches("/interviews/"))
        .await
        .unwrap()
        .unwrap();
    let seqs: Vec<i64> = store
        .events(interview.id, 0)
        .await
        .unwrap()
        .iter()
        .map(|e| e.seq)
        .collect();
    assert_eq!(seqs, [1, 2, 3, 4]);
}

#[tokio::test]
async fn closing_the_hub_ends_open_streams_so_shutdown_is_not_held_up() {
    let app = TestApp::fixtures().await;
    let (console, link) = started(&app).await;
    let candidate = app.another_browser().open(&format!("{link}/events")).await;
    let interviewer = app.open(&format!("{console}/events")).await;
    app.state.live.close();
    for stream in [candidate, interviewer] {
        let ended =
            tokio::time::timeout(Duration::from_secs(2), stream.into_body().collect()).await;
        assert!(ended.is_ok(), "the stream ended");
    }
}

#[tokio::test]
async fn a_hidden_scenario_is_out_of_sight_for_learners_and_runs_as_an_interview() {
    let seed =
        std::fs::read_to_string(fixture("scenarios/gitops-drift-causing-outage.md")).unwrap();
    let hidden = format!("---\nslug: panel-drill\nhidden: true\n---\n{seed}");
    let app = TestApp::with_files(&[
        ("scenarios/panel-drill.md", hidden.as_str()),
        ("scenarios/open.md", "# Scenario: Open Drill\n\n## The Prompt\n\nAnything.\n\n## What a Strong Answer Includes\n\n- Check the thing that broke first\n"),
    ])
    .await;
    let learner = app.another_browser();
    learner.signed_in_as("lee", Role::Learner).await;
    for browser in [&app, &learner] {
        let catalogue = browser.get("/").await;
        assert!(
            catalogue.body.contains("Open Drill") && !catalogue.body.contains("GitOps Drift"),
            "{}",
            catalogue.body
        );
        assert_eq!(
            browser.get("/scenarios/panel-drill").await.status,
            StatusCode::NOT_FOUND
        );
        let csrf = TestApp::csrf_in(&browser.get("/scenarios/open").await);
        let answer = browser
            .post_form(
                "/attempts",
                &[
                    ("csrf", &csrf),
                    ("scenario", "panel-drill"),
                    ("answer", "x"),
                ],
            )
            .await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND);
        let reveal = browser
            .post_form("/reveals", &[("csrf", &csrf), ("scenario", "panel-drill")])
            .await;
        assert_eq!(reveal.status, StatusCode::NOT_FOUND);
    }
    assert_eq!(app.store.count_attempts().await.unwrap(), 0);

    // An interviewer sees it, marked, and runs it; the candidate's link opens it.
    let ivy = app.another_browser();
    ivy.signed_in_as("ivy", Role::Interviewer).await;
    ivy.get("/")
        .await
        .assert_contains(&["GitOps Drift Causing Outage", "Hidden from learners"]);
    let page = ivy.get("/scenarios/panel-drill").await;
    assert_eq!(page.status, StatusCode::OK);
    let started = ivy
        .post_form(
            "/interviews",
            &[
                ("csrf", &TestApp::csrf_in(&page)),
                ("scenario", "panel-drill"),
                ("candidate", "Sam"),
            ],
        )
        .await;
    let console = ivy.get(started.header(header::LOCATION)).await;
    let marker = r#"id="candidate-link" readonly value=""#;
    let at = console.body.find(marker).unwrap() + marker.len();
    let link = &console.body[at..at + 67];
    let candidate = learner.get(link).await;
    assert_eq!(candidate.status, StatusCode::OK);
    candidate.assert_contains(&["The Prompt"]);
}

#[tokio::test]
async fn a_reveal_is_named_on_the_console_the_candidate_page_and_the_timeline() {
    let app = TestApp::fixtures().await;
    let (console, link) = started(&app).await;
    let page = app.get(&console).await;
    let hint = &page.body[page.body.find(r#"id="reveal-hint-2""#).unwrap()..];
    assert!(
        hint.trim_start_matches(r#"id="reveal-hint-2">"#)
            .trim_start()
            .starts_with(r#"<div class="reveal-head"><strong>Step 3: Check HPA</strong>"#),
        "{hint}"
    );
    page.assert_contains(&["<strong>Evidence 1</strong>"]);
    let candidate = app.another_browser();
    let stream = candidate.open(&format!("{link}/events")).await;
    for (what, index) in [("evidence", "0"), ("hint", "2")] {
        let res = act(
            &app,
            &console,
            "reveals",
            &[("what", what), ("index", index)],
        )
        .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
    }
    let events = read_stream(stream, Duration::from_secs(2), |t| {
        t.matches("event: revealed").count() >= 2
    })
    .await;
    assert!(
        events.contains(r#"<p class=\"revealed-step\">Step 3: Check HPA</p>"#),
        "{events}"
    );
    candidate.get(&link).await.assert_contains(&[
        r#"<li><p class="revealed-step">Step 3: Check HPA</p><ul><li><code>desired=8, current=3 (being reverted)</code></li></ul></li>"#,
        "ArgoCD UI shows the app as OutOfSync",
    ]);

    let card = app.get(&format!("{console}/scorecard")).await;
    card.assert_contains(&[
        "Revealed evidence: ArgoCD UI shows the app as OutOfSync with a diff on spec.replicas",
        "Revealed step 3: Check HPA",
    ]);
    assert!(!card.body.contains("Revealed evidence 1"), "{}", card.body);

    let bad = act(
        &app,
        &console,
        "reveals",
        &[("what", "<root-cause>"), ("index", "0")],
    )
    .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    bad.assert_contains(&["Only evidence or a step&#39;s findings can be revealed."]);
    assert!(!bad.body.contains('`') && !bad.body.contains("<root-cause>"));
}

const TLS: &str = "tls-certificate-expired";

#[tokio::test]
async fn follow_up_questions_are_ticked_as_asked_streamed_to_the_console_and_scored() {
    let app = TestApp::fixtures().await;
    app.signed_in_as("ivy", Role::Interviewer).await;
    let (console, link) = start_on(&app, TLS, "Sam").await;
    let page = app.get(&console).await;
    assert_eq!(page.body.matches(">Mark asked</button>").count(), 3);
    page.assert_contains(&[r#"<li class="follow-up" id="follow-up-1">"#]);
    let mut ids: Vec<&str> = page
        .body
        .split(" id=\"")
        .skip(1)
        .map(|rest| &rest[..rest.find('"').unwrap()])
        .collect();
    let count = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(
        ids.len(),
        count,
        "the console's ids are unique beside the scenario's"
    );
    let console_stream = app.open(&format!("{console}/events")).await;
    let candidate_stream = app.another_browser().open(&format!("{link}/events")).await;

    let before = firedrill::web::view::now_ms();
    let ask = |index: &'static str| {
        let console = console.clone();
        let app = &app;
        async move { act(app, &console, "follow-ups", &[("index", index)]).await }
    };
    assert_eq!(ask("1").await.status, StatusCode::SEE_OTHER);
    assert_eq!(ask("1").await.status, StatusCode::SEE_OTHER, "asking again");
    assert_eq!(ask("3").await.status, StatusCode::NOT_FOUND);
    let forged = app
        .post_form(
            &format!("{console}/follow-ups"),
            &[("csrf", "new"), ("index", "0")],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let other = app.another_browser();
    other.signed_in_as("otto", Role::Interviewer).await;
    let csrf = TestApp::csrf_in(&other.get("/").await);
    let theirs = other
        .post_form(
            &format!("{console}/follow-ups"),
            &[("csrf", &csrf), ("index", "0")],
        )
        .await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND);

    let id = console.trim_start_matches("/interviews/");
    let interview = app.store.interview(id).await.unwrap().unwrap();
    let events = app.store.events(interview.id, 0).await.unwrap();
    let asked: Vec<_> = events.iter().filter(|e| e.kind == "asked").collect();
    assert_eq!(asked.len(), 1, "asked once, recorded once");
    assert!(asked[0].at >= before);

    let pushed = read_stream(console_stream, Duration::from_secs(2), |t| {
        t.contains("event: asked")
    })
    .await;
    assert!(
        pushed.contains("event: asked") && pushed.contains(r#""index":1"#),
        "{pushed}"
    );
    assert!(
        pushed.contains("move this hostname to a DNS-01 solver"),
        "{pushed}"
    );
    let candidate_saw = read_stream(candidate_stream, Duration::from_millis(500), |_| false).await;
    assert!(
        !candidate_saw.contains("asked") && !candidate_saw.contains("DNS-01"),
        "{candidate_saw}"
    );

    let page = app.get(&console).await;
    page.assert_contains(&[
        r#"<li class="follow-up is-asked" id="follow-up-1">"#,
        r#"disabled>Asked</button>"#,
    ]);
    assert_eq!(page.body.matches(">Mark asked</button>").count(), 2);

    act(&app, &console, "end", &[]).await;
    assert_eq!(ask("0").await.status, StatusCode::GONE);
    let card = app.get(&format!("{console}/scorecard")).await;
    card.assert_contains(&[
        "Follow-up questions",
        "Asked follow-up 2: When would you move this hostname to a DNS-01 solver",
        r#"<li class="is-asked">When would you move this hostname"#,
        "not asked",
    ]);
    let json: serde_json::Value =
        serde_json::from_str(&app.get(&format!("{console}/scorecard.json")).await.body).unwrap();
    let follow_ups = json["follow_ups"].as_array().unwrap();
    assert_eq!(follow_ups.len(), 3);
    assert_eq!(follow_ups[0]["asked_at"], serde_json::Value::Null);
    assert!(
        follow_ups[1]["asked_at"]
            .as_str()
            .unwrap()
            .ends_with(" UTC")
    );
    assert_eq!(follow_ups[1]["number"], 2);
    let csv = app.get(&format!("{console}/scorecard.csv")).await.body;
    let rows: Vec<csv::StringRecord> = csv::Reader::from_reader(csv.as_bytes())
        .records()
        .map(Result::unwrap)
        .filter(|r| &r[0] == "follow-up")
        .collect();
    assert_eq!(rows.len(), 3);
    assert_eq!((&rows[1][1], &rows[1][4]), ("follow-up-2", "asked"));
    assert_eq!(&rows[1][5], follow_ups[1]["asked_at"].as_str().unwrap());
    assert_eq!((&rows[0][4], &rows[0][5]), ("", ""));
}

/// An interview stored for a paging test: its time, row id and public id.
type Seeded = (i64, i64, String);

/// Starts an interview straight in the store, as the form would.
async fn store_interview(app: &TestApp, interviewer: &str, at: i64) -> Seeded {
    let user = app.store.user(interviewer).await.unwrap().unwrap();
    let candidate = format!("Candidate of {interviewer} at {at}");
    let started = firedrill::interviews::Happening::Started {
        candidate: candidate.clone(),
    };
    let new = firedrill::store::NewInterview {
        candidate_token_hash: Vec::new(),
        interviewer_id: user.id,
        candidate,
        kind: firedrill::store::InterviewKind::Scenario,
        scenario: SLUG.to_owned(),
        rubric_version: "v1".to_owned(),
        rubric_json: "{}".to_owned(),
        at,
    };
    let public_id = app
        .store
        .start_interview(new, serde_json::to_string(&started).unwrap(), |id| {
            id.as_bytes().to_vec()
        })
        .await
        .unwrap();
    let id = app.store.interview(&public_id).await.unwrap().unwrap().id;
    (at, id, public_id)
}

/// Every page of a paged list from its first, following the "Older" links.
async fn every_page(app: &TestApp, first: &str) -> Vec<TestResponse> {
    let mut pages = vec![app.get(first).await];
    while let Some(older) = pages.last().unwrap().older_page() {
        pages.push(app.get(&older).await);
    }
    pages
}

fn newest_first(mut seeded: Vec<Seeded>) -> Vec<String> {
    seeded.sort_by_key(|s| std::cmp::Reverse((s.0, s.1)));
    seeded.into_iter().map(|s| s.2).collect()
}

const INTERVIEW_ROW: &str = r#"<td><a href="/interviews/"#;

#[tokio::test]
async fn the_interviews_list_pages_fifty_at_a_time_newest_first_with_a_stable_cursor() {
    let app = TestApp::fixtures().await;
    app.signed_in_as("ivy", Role::Interviewer).await;
    app.add_user("olga", Role::Interviewer).await;
    let (mut ivy, mut olga) = (Vec::new(), Vec::new());
    for i in 0..70 {
        // Three to a minute: ties in time, broken by id.
        let at = 1_765_000_000_000 + (i / 3) * 60_000;
        ivy.push(store_interview(&app, "ivy", at).await);
        if i % 10 == 0 {
            olga.push(store_interview(&app, "olga", at).await);
        }
    }
    let expected = newest_first(ivy.clone());
    let first = app.get("/interviews").await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(first.linked_ids(INTERVIEW_ROW), expected[..50]);
    assert!(!first.body.contains("Newest interviews"));
    first
        .assert_contains(&[r#"rel="next">Older interviews <span aria-hidden="true">→</span></a>"#]);
    let older = first.older_page().unwrap();

    // An interview started meanwhile is the newest: the next page stays as it was.
    start(&app, "Newcomer").await;
    let second = app.get(&older).await;
    assert_eq!(second.header(header::CACHE_CONTROL), "no-store");
    assert_eq!(second.linked_ids(INTERVIEW_ROW), expected[50..]);
    assert_eq!(second.older_page(), None);
    second.assert_contains(&[r#"<a href="/interviews">Newest interviews</a>"#]);
    assert!(
        !second.body.contains("Candidate of olga"),
        "only ivy's own interviews"
    );

    // An admin pages through everyone's, the newcomer first.
    let admin = app.another_browser();
    admin.signed_in_as("root", Role::Admin).await;
    let pages = every_page(&admin, "/interviews").await;
    assert_eq!(pages.len(), 2);
    let shown: Vec<String> = pages
        .iter()
        .flat_map(|p| p.linked_ids(INTERVIEW_ROW))
        .collect();
    let everyone = newest_first([ivy, olga].concat());
    assert_eq!(shown.len(), everyone.len() + 1);
    assert_eq!(shown[1..], everyone, "no gap, no repeat");
    assert!(pages[1].body.contains("<td>olga</td>"));
}

#[tokio::test]
async fn a_malformed_position_in_the_interviews_list_gets_a_400_page() {
    let app = TestApp::fixtures().await;
    app.signed_in_as("ivy", Role::Interviewer).await;
    for before in ["abc", "1.", "-5.3", "18446744073709551616.1", "1.2.3"] {
        let res = app.get(&format!("/interviews?before={before}")).await;
        assert_eq!(
            res.status,
            StatusCode::BAD_REQUEST,
            "{before:?}: {}",
            res.body
        );
        res.assert_contains(&[
            "is not a place in the list of interviews",
            "Start from the newest interviews at /interviews.",
        ]);
    }
    // Signed out, the page asks for a sign-in first, whatever the position.
    let signed_out = app.another_browser().get("/interviews?before=abc").await;
    assert_eq!(signed_out.status, StatusCode::SEE_OTHER);
}
