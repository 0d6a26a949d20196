//! Live interviews of a gauntlet through the router: started from the gauntlet's page, rounds
//! opened in order, ticks and notes per round, and a scorecard (page, JSON, CSV) with rounds.
//! What the candidate's link reaches is in `gauntlet_candidate.rs`.

use axum::body::Body;
use axum::http::{StatusCode, header};
use firedrill::accounts::Role;
use firedrill::content::gauntlet::Gauntlet;

use crate::helpers::{TestApp, TestResponse};

pub(crate) const GAUNTLET: &str =
    include_str!("../fixtures/formats/gauntlet-disk-full-on-a-kafka-broker.md");
pub(crate) const PAGE: &str = "/gauntlets/kafka-disk";
pub(crate) const SLUG: &str = "kafka-disk";
pub(crate) const TITLE: &str = "Disk Full on a Kafka Broker";

pub(crate) async fn app() -> TestApp {
    TestApp::with_files(&[("gauntlets/kafka-disk.md", GAUNTLET)]).await
}

pub(crate) fn gauntlet() -> Gauntlet {
    let site = firedrill::content::Site::build(&[firedrill::content::SourceFile {
        path: "gauntlets/kafka-disk.md".into(),
        bytes: GAUNTLET.as_bytes().to_vec(),
    }]);
    site.gauntlets().next().unwrap().gauntlet.clone().unwrap()
}

/// An interviewer signed in on `app` starts an interview from the gauntlet's page. Returns the
/// console path and the candidate path.
pub(crate) async fn started(app: &TestApp) -> (String, String) {
    app.signed_in_as("ivy", Role::Interviewer).await;
    let page = app.get(PAGE).await;
    page.assert_contains(&["Start interview", r#"name="gauntlet" value="kafka-disk""#]);
    let csrf = TestApp::csrf_in(&page);
    let res = app
        .post_form(
            "/interviews",
            &[("csrf", &csrf), ("gauntlet", SLUG), ("candidate", "Sam")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let console = res.header(header::LOCATION).to_owned();
    (console.clone(), link_on(&app.get(&console).await))
}

pub(crate) fn link_on(console: &TestResponse) -> String {
    let marker = r#"id="candidate-link" readonly value=""#;
    let at = console
        .body
        .find(marker)
        .expect("the console shows the link")
        + marker.len();
    let end = console.body[at..].find('"').unwrap();
    console.body[at..at + end].to_owned()
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

pub(crate) async fn open_round(app: &TestApp, console: &str, round: usize) -> TestResponse {
    act(app, console, "rounds", &[("round", &round.to_string())]).await
}

/// The id of the first item of round `round` (from 1), as the console ticks it.
pub(crate) fn item_of(round: usize) -> String {
    let id = &gauntlet().rounds[round - 1].rubric[0].id;
    firedrill::interviews::rounds::item_id(round, id)
}

#[tokio::test]
async fn an_interview_starts_from_a_gauntlet_and_its_rounds_open_in_order_once() {
    let app = app().await;
    let learner = app.another_browser();
    let page = learner.get(PAGE).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("Start interview"), "learners do not");

    let (console, link) = started(&app).await;
    let gauntlet = gauntlet();
    let page = app.get(&console).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.header(header::CACHE_CONTROL), "no-store");
    let unescaped = page.body.replace("&#39;", "'").replace("&quot;", "\"");
    // Every round, with everything the interviewer needs; the first one to open.
    for (i, round) in gauntlet.rounds.iter().enumerate() {
        let heading = format!("Round {}: {}", i + 1, round.name);
        assert!(page.body.contains(&heading), "{heading}");
        let question = round.question.as_deref().unwrap();
        assert!(unescaped.contains(&question[..30]), "{question}");
        assert!(
            page.body
                .contains(&format!(r#"id="tick-{}""#, item_of(i + 1)))
        );
    }
    page.assert_contains(&[
        "Strong answer",
        "Common weak answers",
        "Trap alert",
        "The senior signal",
        "Trap question variant",
        "What the interviewer is testing:",
        "Open round 1: The Opening",
        r#"action="/interviews/"#,
    ]);

    // Out of order: refused, nothing recorded.
    let early = open_round(&app, &console, 2).await;
    assert_eq!(early.status, StatusCode::CONFLICT, "{}", early.body);
    assert!(early.body.contains("open round 1 first"), "{}", early.body);
    assert_eq!(
        open_round(&app, &console, 9).await.status,
        StatusCode::NOT_FOUND
    );
    for round in [1, 1, 2] {
        let res = open_round(&app, &console, round).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        assert_eq!(
            res.header(header::LOCATION),
            format!("{console}#live-round-{round}")
        );
    }
    let events = app.store.events(1, 0).await.unwrap();
    let kinds: Vec<&str> = events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(
        kinds,
        ["started", "opened", "opened"],
        "round 1 opened once"
    );
    let page = app.get(&console).await;
    page.assert_contains(&[
        "Open round 3: The Constraint",
        r#"class="live-round is-opened is-current" id="live-round-2""#,
    ]);

    // A gauntlet's interview has no evidence to reveal nor follow-ups to ask.
    let reveal = act(
        &app,
        &console,
        "reveals",
        &[("what", "evidence"), ("index", "0")],
    )
    .await;
    assert_eq!(reveal.status, StatusCode::NOT_FOUND);
    assert_eq!(
        act(&app, &console, "follow-ups", &[("index", "0")])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // The candidate's link cannot open rounds.
    let candidate = app.another_browser();
    let token = link.trim_start_matches("/i/");
    let res = candidate
        .post_form(
            &format!("{console}/rounds"),
            &[("csrf", token), ("round", "3")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(res.header(header::LOCATION).starts_with("/sign-in"));
    // Nor can a post from another site, even with the interviewer's session.
    let csrf = TestApp::csrf_in(&app.get(&console).await);
    let forged = axum::http::Request::post(format!("{console}/rounds"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ORIGIN, "https://evil.example")
        .body(Body::from(format!("csrf={csrf}&round=3")))
        .unwrap();
    assert_eq!(app.request(forged).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.store.events(1, 0).await.unwrap().len(), 3);
}

#[tokio::test]
async fn a_gauntlets_slug_in_the_scenario_field_starts_the_gauntlet() {
    let app = app().await;
    app.signed_in_as("ivy", Role::Interviewer).await;
    let csrf = TestApp::csrf_in(&app.get(PAGE).await);
    let res = app
        .post_form(
            "/interviews",
            &[("csrf", &csrf), ("scenario", SLUG), ("candidate", "Sam")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let console = app.get(res.header(header::LOCATION)).await;
    console.assert_contains(&["Open round 1: The Opening"]);
    let missing = app
        .post_form(
            "/interviews",
            &[("csrf", &csrf), ("gauntlet", "nope"), ("candidate", "Sam")],
        )
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn ticks_and_notes_are_per_round_and_the_scorecard_carries_rounds() {
    let app = app().await;
    let (console, _) = started(&app).await;
    let tick = |round: usize, verdict: &'static str| {
        let app = &app;
        let console = console.clone();
        async move {
            let item = item_of(round);
            act(
                app,
                &console,
                "ticks",
                &[("item", &item), ("verdict", verdict)],
            )
            .await
        }
    };
    // Nothing of round 1 before it opens.
    assert_eq!(tick(1, "covered").await.status, StatusCode::CONFLICT);
    let note = act(
        &app,
        &console,
        "notes",
        &[("text", "early"), ("round", "1")],
    )
    .await;
    assert_eq!(note.status, StatusCode::CONFLICT);
    open_round(&app, &console, 1).await;
    assert_eq!(tick(1, "covered").await.status, StatusCode::SEE_OTHER);
    let on_one = act(
        &app,
        &console,
        "notes",
        &[("text", "Calm first five minutes"), ("round", "1")],
    )
    .await;
    assert_eq!(on_one.status, StatusCode::SEE_OTHER);
    assert_eq!(tick(2, "partial").await.status, StatusCode::CONFLICT);
    open_round(&app, &console, 2).await;
    assert_eq!(tick(2, "partial").await.status, StatusCode::SEE_OTHER);
    act(
        &app,
        &console,
        "notes",
        &[("text", "Found future timestamps"), ("round", "2")],
    )
    .await;
    act(&app, &console, "notes", &[("text", "Good pace overall")]).await;
    assert_eq!(
        act(&app, &console, "notes", &[("text", "x"), ("round", "6")])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // The console keeps each note with its round.
    let page = app.get(&console).await;
    let round_two = &page.body[page.body.find(r#"id="live-round-2""#).unwrap()..];
    let round_two = &round_two[..round_two.find(r#"id="live-round-3""#).unwrap()];
    assert!(round_two.contains("Found future timestamps"));
    assert!(!round_two.contains("Calm first five minutes"));
    act(&app, &console, "end", &[]).await;

    let json = app.get(&format!("{console}/scorecard.json")).await;
    assert_eq!(json.status, StatusCode::OK);
    let card: serde_json::Value = serde_json::from_str(&json.body).unwrap();
    assert_eq!(card["kind"], "gauntlet");
    assert_eq!(card["scenario"], SLUG);
    let rounds = card["rounds"].as_array().unwrap();
    let gauntlet = gauntlet();
    assert_eq!(rounds.len(), 5);
    let (first, second) = (&rounds[0], &rounds[1]);
    assert_eq!(first["name"], "The Opening");
    assert_eq!(first["items"][0]["id"], item_of(1));
    assert_eq!(first["items"][0]["interviewer"], "covered");
    assert_eq!(second["items"][0]["interviewer"], "partial");
    assert_eq!(first["notes"][0]["text"], "Calm first five minutes");
    assert_eq!(second["notes"][0]["text"], "Found future timestamps");
    assert_eq!(card["notes"][0]["text"], "Good pace overall");
    assert!(first["opened_at"].is_string() && rounds[2]["opened_at"].is_null());
    for (i, round) in rounds.iter().enumerate() {
        let total = gauntlet.rounds[i].rubric.len();
        assert_eq!(round["total"], total);
        assert_eq!(round["items"].as_array().unwrap().len(), total);
    }
    // Per round and overall: weighted, partial counting half.
    let weights = |r: &serde_json::Value| -> Vec<f64> {
        r["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["weight"].as_f64().unwrap())
            .collect()
    };
    let (w1, w2) = (weights(first), weights(second));
    let expected_first = w1[0] / w1.iter().sum::<f64>();
    assert!((first["score"].as_f64().unwrap() - expected_first).abs() < 1e-6);
    let expected_second = w2[0] / 2.0 / w2.iter().sum::<f64>();
    assert!((second["score"].as_f64().unwrap() - expected_second).abs() < 1e-6);
    let all: f64 = rounds.iter().flat_map(weights).sum();
    let overall = (w1[0] + w2[0] / 2.0) / all;
    assert!((card["score"].as_f64().unwrap() - overall).abs() < 1e-6);
    assert_eq!(
        card["total"],
        rounds
            .iter()
            .map(|r| r["total"].as_u64().unwrap())
            .sum::<u64>()
    );

    let csv = app.get(&format!("{console}/scorecard.csv")).await;
    assert_eq!(csv.status, StatusCode::OK);
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
            "grader",
            "round",
            "score"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let kinds = |kind: &str| rows.iter().filter(|r| &r[0] == kind).count();
    assert_eq!(kinds("round"), 5);
    assert_eq!(kinds("note"), 3);
    assert_eq!(kinds("overall"), 1);
    let round_one = rows.iter().find(|r| &r[1] == "round-1").unwrap();
    assert_eq!((&round_one[4], &round_one[7]), ("opened", "1"));
    assert!(round_one[2].starts_with("Round 1: The Opening: One of our three Kafka brokers"));
    let ticked = rows.iter().find(|r| r[1] == item_of(1)).unwrap();
    assert_eq!(
        (&ticked[0], &ticked[4], &ticked[7]),
        ("rubric item", "covered", "1")
    );
    let noted = rows
        .iter()
        .find(|r| &r[2] == "Found future timestamps")
        .unwrap();
    assert_eq!((&noted[0], &noted[7]), ("note", "2"));
    let general = rows.iter().find(|r| &r[2] == "Good pace overall").unwrap();
    assert_eq!(&general[7], "");

    let page = app.get(&format!("{console}/scorecard")).await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains(&[
        "Round 1: The Opening",
        "Round 5: The Synthesis",
        "Calm first five minutes",
        "Found future timestamps",
        "Good pace overall",
        "over all 5 rounds",
        "Note on round 2: Found future timestamps",
        "Opened round 1: One of our three Kafka brokers",
    ]);
    let list = app.get("/interviews").await;
    list.assert_contains(&[TITLE]);
}

#[tokio::test]
async fn a_gauntlet_and_a_scenario_sharing_a_slug_start_the_interview_asked_for() {
    let seed = std::fs::read_to_string(crate::helpers::fixture(
        "scenarios/gitops-drift-causing-outage.md",
    ))
    .unwrap();
    let app = TestApp::with_files(&[
        ("gauntlets/kafka-disk.md", GAUNTLET),
        ("scenarios/kafka-disk.md", &seed),
    ])
    .await;
    app.signed_in_as("ivy", Role::Interviewer).await;
    let csrf = TestApp::csrf_in(&app.get(PAGE).await);
    let start = |field: &'static str| {
        let (app, csrf) = (&app, csrf.clone());
        async move {
            let form = [("csrf", csrf.as_str()), (field, SLUG), ("candidate", "Sam")];
            let res = app.post_form("/interviews", &form).await;
            assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
            let console = res.header(header::LOCATION).to_owned();
            let link = link_on(&app.get(&console).await);
            (console, link)
        }
    };
    let (gauntlet_console, gauntlet_link) = start("gauntlet").await;
    let (scenario_console, scenario_link) = start("scenario").await;
    app.get(&gauntlet_console)
        .await
        .assert_contains(&["Open round 1: The Opening"]);
    app.get(&scenario_console)
        .await
        .assert_contains(&["Reveal to the candidate"]);
    // The gauntlet's interview never reaches the scenario of the same slug, nor the reverse.
    let reveal = act(
        &app,
        &gauntlet_console,
        "reveals",
        &[("what", "evidence"), ("index", "0")],
    )
    .await;
    assert_eq!(reveal.status, StatusCode::NOT_FOUND);
    let round = open_round(&app, &scenario_console, 1).await;
    assert_eq!(round.status, StatusCode::NOT_FOUND);
    let scenario_item = ("item", "quick-identification-of-the-hpa-vs");
    let tick = act(
        &app,
        &gauntlet_console,
        "ticks",
        &[scenario_item, ("verdict", "covered")],
    )
    .await;
    assert_eq!(tick.status, StatusCode::NOT_FOUND);
    let candidate = app.another_browser();
    let page = candidate.get(&gauntlet_link).await;
    page.assert_contains(&[TITLE, "Questions"]);
    assert!(!page.body.contains("The Prompt"));
    let page = candidate.get(&scenario_link).await;
    page.assert_contains(&["The Prompt"]);
    assert!(!page.body.contains(TITLE));
    let json = |console: String| {
        let app = &app;
        async move {
            let body = app.get(&format!("{console}/scorecard.json")).await.body;
            serde_json::from_str::<serde_json::Value>(&body).unwrap()
        }
    };
    assert_eq!(json(gauntlet_console).await["kind"], "gauntlet");
    let card = json(scenario_console).await;
    assert_eq!(card["kind"], "scenario");
    assert!(
        card.get("rounds").is_none(),
        "a scenario's scorecard has no rounds"
    );
}

#[tokio::test]
async fn a_hidden_gauntlet_runs_as_an_interview_out_of_learners_sight() {
    let hidden = format!("---\nhidden: true\n---\n{GAUNTLET}");
    let app = TestApp::with_files(&[("gauntlets/kafka-disk.md", &hidden)]).await;
    let learner = app.another_browser();
    assert_eq!(learner.get(PAGE).await.status, StatusCode::NOT_FOUND);
    let (console, link) = started(&app).await;
    open_round(&app, &console, 1).await;
    let page = app.another_browser().get(&link).await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains(&[TITLE, "One of our three Kafka brokers"]);
    // A visitor still cannot start one.
    let form = [("csrf", "new"), ("gauntlet", SLUG), ("candidate", "x")];
    assert_eq!(
        learner.post_form("/interviews", &form).await.status,
        StatusCode::SEE_OTHER,
        "sign in first"
    );
}
