//! The investigation console in a live interview: the candidate runs commands from their link,
//! the interviewer sees each with the step it matched and answers it, the candidate sees only
//! their commands and what they were shown, and the scorecard scores the path. On the fixture
//! content.

use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use firedrill::accounts::Role;
use firedrill::app::Settings;
use firedrill::console::NOTHING;
use firedrill::content::investigation::Step;
use http_body_util::BodyExt;

use crate::helpers::{TestApp, TestResponse, escape, fixtures};

const SEED: &str = "gitops-drift-causing-outage";
const NODES: &str = "nodes-notready-after-upgrade";
/// The seed's step 3, "Check HPA", and what it shows.
const HPA: &str = "kubectl get hpa -n grokdevops";
const HPA_SHOWS: &str = "desired=8, current=3 (being reverted)";
/// The seed's step 2, "View the diff", and what it shows.
const DIFF_SHOWS: &str = "spec.replicas: 3 (Git) vs 8 (live, set by HPA)";

/// The investigation path of a fixture scenario.
fn steps_of(slug: &str) -> Vec<Step> {
    let site = firedrill::content::load(&fixtures()).unwrap();
    let page = site.scenario(slug).unwrap();
    page.scenario.clone().unwrap().investigation
}

/// An interviewer signed in on `app` starts an interview of `slug`; returns the console path
/// and the candidate link.
async fn start(app: &TestApp, slug: &str) -> (String, String) {
    app.signed_in_as("ivy", Role::Interviewer).await;
    let page = app.get(&format!("/scenarios/{slug}")).await;
    let csrf = TestApp::csrf_in(&page);
    let fields = [
        ("csrf", csrf.as_str()),
        ("scenario", slug),
        ("candidate", "Sam"),
    ];
    let res = app.post_form("/interviews", &fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let console = res.header(header::LOCATION).to_owned();
    let page = app.get(&console).await;
    let marker = r#"id="candidate-link" readonly value=""#;
    let at = page.body.find(marker).unwrap() + marker.len();
    let end = page.body[at..].find('"').unwrap();
    (console, page.body[at..at + end].to_owned())
}

/// The candidate runs a command from their link.
async fn run(candidate: &TestApp, link: &str, command: &str) -> TestResponse {
    let res = candidate
        .post_form(&format!("{link}/commands"), &[("command", command)])
        .await;
    assert!(res.status.is_redirection(), "{command}: {}", res.body);
    res
}

/// A console action with the console's form token.
async fn act(app: &TestApp, console: &str, action: &str, fields: &[(&str, &str)]) -> TestResponse {
    let csrf = TestApp::csrf_in(&app.get(console).await);
    let mut all = vec![("csrf", csrf.as_str())];
    all.extend_from_slice(fields);
    app.post_form(&format!("{console}/{action}"), &all).await
}

/// The commands on the interviewer's console, by the sequence number in their ids, in order.
async fn command_ids(app: &TestApp, console: &str) -> Vec<String> {
    let page = app.get(console).await;
    page.body
        .split(r#"id="command-"#)
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap()].to_owned())
        .collect()
}

/// Reads a live stream until `done` holds for what arrived, or `wait` passes.
async fn read_stream(
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

/// The section of a page from the element with this id to the end of its `</section>`.
fn section<'a>(body: &'a str, id: &str) -> &'a str {
    let from = &body[body.find(&format!(r#"id="{id}""#)).expect(id)..];
    &from[..from.find("</section>").unwrap()]
}

#[tokio::test]
async fn the_interviewer_sees_each_command_with_its_step_and_answers_it() {
    let app = TestApp::fixtures().await;
    let (console, link) = start(&app, SEED).await;
    let candidate = app.another_browser();
    let page = candidate.get(&link).await;
    page.assert_contains(&[
        r#"id="interview-console""#,
        &format!(r#"action="{link}/commands""#),
    ]);

    let posted = run(&candidate, &link, &format!("{HPA} | head")).await;
    assert_eq!(
        posted.header(header::LOCATION),
        format!("{link}#interview-console")
    );
    run(&candidate, &link, "cowsay moo").await;
    run(&candidate, &link, "kubectl delete ns grokdevops").await;
    let console_page = app.get(&console).await;
    let panel = section(&console_page.body, "candidate-console");
    for needle in [
        &escape(&format!("$ {HPA} | head")),
        "Step 3: Check HPA",
        &escape(HPA_SHOWS),
        "$ cowsay moo",
        "Nothing on the path",
        "Answer: nothing relevant",
        "Harmful: on a production system this deletes a live resource.",
    ] {
        assert!(panel.contains(needle), "{needle} in {panel}");
    }
    let own = candidate.get(&link).await;
    let transcript = section(&own.body, "interview-console");
    assert_eq!(transcript.matches("Sent to your interviewer.").count(), 2);
    assert!(transcript.contains("Not run: on a production system this deletes a live resource."));
    assert!(!own.body.contains(&escape(HPA_SHOWS)) && !own.body.contains("Check HPA"));

    let ids = command_ids(&app, &console).await;
    assert_eq!(ids.len(), 3);
    let shown = act(
        &app,
        &console,
        "outputs",
        &[("typed", &ids[0]), ("step", "2")],
    )
    .await;
    assert_eq!(shown.status, StatusCode::SEE_OTHER, "{}", shown.body);
    assert_eq!(
        shown.header(header::LOCATION),
        format!("{console}#command-{}", ids[0])
    );
    let nothing = act(&app, &console, "outputs", &[("typed", &ids[1])]).await;
    assert_eq!(nothing.status, StatusCode::SEE_OTHER);
    let alone = act(&app, &console, "outputs", &[("step", "1")]).await;
    assert_eq!(alone.status, StatusCode::SEE_OTHER);
    let events = app.store.count_events().await.unwrap();
    // Answering again, or showing a step already shown, changes nothing.
    act(
        &app,
        &console,
        "outputs",
        &[("typed", &ids[0]), ("step", "2")],
    )
    .await;
    act(
        &app,
        &console,
        "outputs",
        &[("typed", &ids[1]), ("step", "2")],
    )
    .await;
    act(&app, &console, "outputs", &[("step", "2")]).await;
    assert_eq!(app.store.count_events().await.unwrap(), events);

    let own = candidate.get(&link).await;
    let transcript = section(&own.body, "interview-console");
    for needle in [
        escape(HPA_SHOWS),
        escape(NOTHING),
        escape(DIFF_SHOWS),
        "Your interviewer shows you this output:".to_owned(),
    ] {
        assert!(transcript.contains(&needle), "{needle} in {transcript}");
    }
    assert!(!transcript.contains("Sent to your interviewer."));
    let console_page = app.get(&console).await;
    console_page.assert_contains(&[
        "Output of step 3 shown",
        "Answered: nothing relevant",
        "Step 2: View the diff, shown on its own",
    ]);

    // The commands are the interview's: no learner's investigation holds them.
    assert_eq!(app.count_rows("investigation_commands").await, 0);
}

#[tokio::test]
async fn with_javascript_posts_answer_204_and_the_streams_carry_commands_and_answers() {
    let app = TestApp::fixtures().await;
    let (console, link) = start(&app, SEED).await;
    let candidate = app.another_browser();
    let interviewer_live = app.open(&format!("{console}/events")).await;
    let candidate_live = candidate.open(&format!("{link}/events")).await;
    assert_eq!(interviewer_live.status(), StatusCode::OK);

    let request = Request::post(format!("{link}/commands"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json")
        .body(Body::from("command=kubectl+get+hpa+-n+grokdevops"))
        .unwrap();
    let posted = candidate.request(request).await;
    assert_eq!(posted.status, StatusCode::NO_CONTENT);
    assert_eq!(posted.header(header::CACHE_CONTROL), "no-store");
    let seen = read_stream(interviewer_live, Duration::from_secs(2), |t| {
        t.contains("event: typed")
    })
    .await;
    assert!(seen.contains(r#""step":2"#), "{seen}");
    assert!(seen.contains(r#""title":"Check HPA""#), "{seen}");
    assert!(seen.contains(HPA_SHOWS), "{seen}");
    let id = command_ids(&app, &console).await[0].clone();
    let request = Request::post(format!("{console}/outputs"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json")
        .body(Body::from(format!(
            "csrf={}&typed={id}&step=2",
            TestApp::csrf_in(&app.get(&console).await)
        )))
        .unwrap();
    assert_eq!(app.request(request).await.status, StatusCode::NO_CONTENT);
    let seen = read_stream(candidate_live, Duration::from_secs(2), |t| {
        t.contains("event: answered")
    })
    .await;
    assert!(seen.contains(&format!(r#"id: {id}"#)), "{seen}");
    assert!(
        seen.contains(r#""command":"kubectl get hpa -n grokdevops""#),
        "{seen}"
    );
    assert!(seen.contains(HPA_SHOWS), "{seen}");
    assert!(
        !seen.contains("Check HPA") && !seen.contains(r#""step""#),
        "{seen}"
    );

    // A console that reconnects gets what it missed.
    let again = app.open(&format!("{console}/events?after=1")).await;
    let missed = read_stream(again, Duration::from_secs(2), |t| {
        t.contains("event: answered")
    })
    .await;
    assert!(
        missed.contains("event: typed") && missed.contains("Check HPA"),
        "{missed}"
    );
}

#[tokio::test]
async fn answering_is_the_interviewers_alone_and_stops_when_the_interview_ends() {
    let app = TestApp::fixtures().await;
    let (console, link) = start(&app, SEED).await;
    let candidate = app.another_browser();
    run(&candidate, &link, "rm -rf /var/lib/argocd").await;
    run(&candidate, &link, "uptime").await;
    let ids = command_ids(&app, &console).await;
    let outputs = format!("{console}/outputs");

    let forged = app
        .post_form(&outputs, &[("csrf", "forged"), ("step", "1")])
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let csrf = TestApp::csrf_in(&app.get(&console).await);
    let request = Request::post(&outputs)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ORIGIN, "https://evil.example")
        .body(Body::from(format!("csrf={csrf}&step=1")))
        .unwrap();
    assert_eq!(app.request(request).await.status, StatusCode::FORBIDDEN);
    let from_elsewhere = Request::post(format!("{link}/commands"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ORIGIN, "https://evil.example")
        .body(Body::from("command=uptime"))
        .unwrap();
    assert_eq!(
        candidate.request(from_elsewhere).await.status,
        StatusCode::FORBIDDEN
    );
    let stranger = app.another_browser();
    stranger.signed_in_as("otto", Role::Interviewer).await;
    let other_csrf = TestApp::csrf_in(&stranger.get(&format!("/scenarios/{SEED}")).await);
    let theirs = stranger
        .post_form(&outputs, &[("csrf", &other_csrf), ("step", "1")])
        .await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND);
    let anonymous = candidate
        .post_form(&outputs, &[("csrf", "x"), ("step", "1")])
        .await;
    assert!(anonymous.header(header::LOCATION).starts_with("/sign-in"));

    for (fields, status) in [
        (vec![("step", "6")], StatusCode::NOT_FOUND),
        (vec![("step", "99")], StatusCode::NOT_FOUND),
        (vec![("typed", "999")], StatusCode::NOT_FOUND),
        (vec![("typed", "1")], StatusCode::NOT_FOUND),
        (vec![], StatusCode::BAD_REQUEST),
        (vec![("typed", ids[0].as_str())], StatusCode::CONFLICT),
    ] {
        let res = act(&app, &console, "outputs", &fields).await;
        assert_eq!(res.status, status, "{fields:?}: {}", res.body);
    }

    act(&app, &console, "end", &[]).await;
    let late = act(&app, &console, "outputs", &[("typed", &ids[1])]).await;
    assert_eq!(late.status, StatusCode::CONFLICT);
    late.assert_contains(&["This interview has ended"]);
    let late = candidate
        .post_form(&format!("{link}/commands"), &[("command", "uptime")])
        .await;
    assert_eq!(late.status, StatusCode::GONE);
    late.assert_contains(&["This interview has ended"]);
}

#[tokio::test]
async fn commands_are_one_line_of_at_most_500_characters_and_200_an_interview() {
    let settings = Settings {
        rates: firedrill::web::limits::Rates {
            submit: 0,
            ..Default::default()
        },
        ..Settings::default()
    };
    let app = TestApp::fixtures_with(settings).await;
    let (console, link) = start(&app, SEED).await;
    let candidate = app.another_browser();
    let commands = format!("{link}/commands");
    for blank in ["", "   ", "\n"] {
        let res = candidate.post_form(&commands, &[("command", blank)]).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{blank:?}");
        res.assert_contains(&["Type a command to run: the box was empty."]);
    }
    let long = "x".repeat(501);
    let res = candidate.post_form(&commands, &[("command", &long)]).await;
    assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE);
    res.assert_contains(&["That command is 501 characters long"]);
    let huge = "y".repeat(300 * 1024);
    let res = candidate.post_form(&commands, &[("command", &huge)]).await;
    assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE);
    run(&candidate, &link, "uptime\nrm -rf /").await;
    let page = candidate.get(&link).await;
    assert!(page.body.contains("$ uptime") && !page.body.contains("rm -rf"));
    run(&candidate, &link, &"z".repeat(500)).await;
    for n in 2..200 {
        run(&candidate, &link, &format!("echo {n}")).await;
    }
    let full = candidate.post_form(&commands, &[("command", "ls")]).await;
    assert_eq!(full.status, StatusCode::BAD_REQUEST);
    full.assert_contains(&["This interview has 200 commands"]);
    assert_eq!(command_ids(&app, &console).await.len(), 200);
}

#[tokio::test]
async fn a_gauntlets_interview_has_no_console() {
    use crate::gauntlet_interviews::{act as gauntlet_act, app as gauntlet_app, started};
    let app = gauntlet_app().await;
    let (console, link) = started(&app).await;
    let candidate = app.another_browser();
    assert!(
        !candidate
            .get(&link)
            .await
            .body
            .contains("interview-console")
    );
    let res = candidate
        .post_form(&format!("{link}/commands"), &[("command", "df -h")])
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let res = gauntlet_act(&app, &console, "outputs", &[("step", "0")]).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert!(!app.get(&console).await.body.contains("candidate-console"));
}

#[tokio::test]
async fn the_scorecard_has_the_commands_with_their_step_and_harm_and_the_path_score() {
    let app = TestApp::fixtures().await;
    let (console, link) = start(&app, SEED).await;
    let candidate = app.another_browser();
    run(&candidate, &link, "ls /tmp").await;
    run(&candidate, &link, HPA).await;
    run(&candidate, &link, "kubectl delete pod web-1 -n grokdevops").await;
    run(&candidate, &link, "argocd app diff grokdevops").await;
    let ids = command_ids(&app, &console).await;
    act(
        &app,
        &console,
        "outputs",
        &[("typed", &ids[1]), ("step", "2")],
    )
    .await;

    let page = app.get(&format!("{console}/scorecard")).await;
    let part = section(&page.body, "investigation");
    for needle in [
        "33%",
        "(2 of 6 steps)",
        "1 command reached no step of the path.",
        "Would have done harm: <code>kubectl delete pod web-1 -n grokdevops</code> (deletes a live resource).",
        "reached by command 2",
        "answered: output of step 3",
    ] {
        assert!(part.contains(needle), "{needle} in {part}");
    }
    page.assert_contains(&["Candidate ran kubectl get hpa -n grokdevops (step 3: Check HPA)"]);

    let json = app.get(&format!("{console}/scorecard.json")).await;
    let card: serde_json::Value = serde_json::from_str(&json.body).unwrap();
    let inv = &card["investigation"];
    assert_eq!(
        (inv["reached"].as_u64(), inv["steps"].as_u64()),
        (Some(2), Some(6))
    );
    assert_eq!(
        (inv["unhelpful"].as_u64(), inv["harmful"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(inv["commands"][1]["step"], 3);
    assert_eq!(inv["commands"][1]["step_title"], "Check HPA");
    assert_eq!(inv["commands"][1]["answer"], "output of step 3");
    assert_eq!(inv["commands"][2]["harm"], "deletes a live resource");
    assert_eq!(inv["commands"][0]["step"], serde_json::Value::Null);
    assert_eq!(inv["path"][1]["reached_by"], 4);

    let csv = app.get(&format!("{console}/scorecard.csv")).await;
    let mut reader = csv::Reader::from_reader(csv.body.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let commands: Vec<&csv::StringRecord> = rows.iter().filter(|r| &r[0] == "command").collect();
    assert_eq!(commands.len(), 4);
    assert_eq!(&commands[1][2], HPA);
    assert_eq!(&commands[1][4], "output of step 3");
    assert_eq!(&commands[1][6], "step 3: Check HPA");
    assert_eq!(&commands[2][6], "harmful: deletes a live resource");
    let score = rows.iter().find(|r| &r[0] == "path score").unwrap();
    assert!(score[2].starts_with("2 of 6 steps reached"), "{:?}", score);
}

/// Everything of a path the candidate must not see: every step's title and `Shows:` lines
/// but those of the steps in `shown`.
fn forbidden(steps: &[Step], shown: &[usize]) -> Vec<String> {
    let mut out: Vec<String> = steps.iter().map(|s| s.title.clone()).collect();
    for (i, step) in steps.iter().enumerate() {
        if !shown.contains(&i) {
            out.extend(step.shows.iter().cloned());
        }
    }
    out.retain(|f| f.trim().len() >= 6);
    out
}

#[track_caller]
fn assert_nothing_forbidden(what: &str, body: &str, forbidden: &[String]) {
    let plain = body
        .replace("&#39;", "'")
        .replace("&#34;", "\"")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
        .replace("&#60;", "<")
        .replace("&#62;", ">")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("\\\"", "\"");
    for fragment in forbidden {
        assert!(
            !plain.contains(fragment.as_str()),
            "{what} shows {fragment:?}"
        );
    }
}

/// A candidate's stream carries no step, title or output of a command.
#[track_caller]
fn assert_no_reading(what: &str, stream: &str) {
    for key in [r#""step""#, r#""title""#, r#""output""#] {
        assert!(!stream.contains(key), "{what} carries {key}: {stream}");
    }
}

#[tokio::test]
async fn the_candidate_never_sees_a_steps_title_or_output_they_were_not_shown() {
    for slug in [SEED, NODES] {
        let app = TestApp::fixtures().await;
        let (console, link) = start(&app, slug).await;
        let steps = steps_of(slug);
        let candidate = app.another_browser();
        let live = candidate.open(&format!("{link}/events")).await;
        // A command for every step, an unrelated one and a harmful one.
        let mut typed = Vec::new();
        for step in &steps {
            if let Some(c) = firedrill::console::step_commands(step).into_iter().next() {
                typed.push(c);
            }
        }
        typed.extend([
            "cowsay moo".to_owned(),
            "kubectl delete ns kube-system".to_owned(),
        ]);
        let mut reached: Vec<(String, String)> = Vec::new();
        for command in &typed {
            let res = candidate
                .post_form(&format!("{link}/commands"), &[("command", command)])
                .await;
            reached.push((format!("post {command}"), res.body));
        }
        let with_js = Request::post(format!("{link}/commands"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "application/json")
            .body(Body::from("command=uptime"))
            .unwrap();
        reached.push(("204".into(), candidate.request(with_js).await.body));
        let long = "x".repeat(501);
        for (what, fields) in [
            ("empty", vec![("command", "")]),
            ("too long", vec![("command", long.as_str())]),
            ("malformed", vec![("nothing", "x")]),
        ] {
            let res = candidate
                .post_form(&format!("{link}/commands"), &fields)
                .await;
            assert!(res.status.is_client_error(), "{what}");
            reached.push((what.to_owned(), res.body));
        }
        for uri in [
            link.clone(),
            format!("{link}/nothing"),
            console.clone(),
            format!("{console}/events"),
            format!("{console}/scorecard.json"),
        ] {
            reached.push((uri.clone(), candidate.get(&uri).await.body));
        }
        let stream = candidate.open(&format!("{link}/events")).await;
        let stream = read_stream(stream, Duration::from_millis(300), |_| false).await;
        assert_eq!(stream.matches("event: typed").count(), typed.len() + 1);
        assert_no_reading("stream", &stream);
        reached.push(("stream".into(), stream));
        let resumed = candidate.open(&format!("{link}/events?after=3")).await;
        let resumed = read_stream(resumed, Duration::from_millis(200), |_| false).await;
        assert_no_reading("resumed stream", &resumed);
        reached.push(("resumed stream".into(), resumed));
        let none = forbidden(&steps, &[]);
        assert!(none.len() >= steps.len(), "{none:?}");
        // The check is not vacuous: the console shows what the candidate must not see.
        let console_page = app.get(&console).await.body.replace("&#39;", "'");
        assert!(
            none.iter()
                .filter(|f| console_page.contains(f.as_str()))
                .count()
                * 2
                >= none.len()
        );
        for (what, body) in &reached {
            assert_nothing_forbidden(&format!("{slug}: {what}"), body, &none);
        }

        // The interviewer shows one step's output, in answer to a command that reached it,
        // and answers the unrelated command: that, and nothing more, reaches them.
        let at = steps.iter().position(|s| !s.shows.is_empty()).unwrap();
        let ids = command_ids(&app, &console).await;
        let reaching = typed
            .iter()
            .position(|c| firedrill::console::read(&steps, c).step == Some(at))
            .expect("a command reaches the step");
        let fields = [("typed", ids[reaching].as_str()), ("step", &at.to_string())];
        let answered = act(&app, &console, "outputs", &fields).await;
        assert_eq!(answered.status, StatusCode::SEE_OTHER);
        act(
            &app,
            &console,
            "outputs",
            &[("typed", &ids[typed.len() - 2])],
        )
        .await;
        let allowed = forbidden(&steps, &[at]);
        let page = candidate.get(&link).await;
        page.assert_contains(&[&escape(&steps[at].shows[0])]);
        assert_nothing_forbidden(&format!("{slug}: page after"), &page.body, &allowed);
        let live = read_stream(live, Duration::from_secs(2), |t| {
            t.matches("event: answered").count() >= 2
        })
        .await;
        assert_eq!(
            live.matches("event: typed").count(),
            typed.len() + 1,
            "{live}"
        );
        assert!(live.contains(&steps[at].shows[0]));
        assert_nothing_forbidden(&format!("{slug}: live stream"), &live, &allowed);
        assert_no_reading("live stream", &live);
        act(&app, &console, "end", &[]).await;
        let closed = candidate.get(&link).await;
        assert_eq!(closed.status, StatusCode::GONE);
        assert_nothing_forbidden(&format!("{slug}: closed"), &closed.body, &none);
        let late = candidate
            .post_form(&format!("{link}/commands"), &[("command", "uptime")])
            .await;
        assert_nothing_forbidden(&format!("{slug}: late"), &late.body, &none);
    }
}
