//! The candidate of a live gauntlet interview sees the gauntlet's title and the questions of
//! the rounds opened so far, and nothing else of the gauntlet in any response their link
//! reaches: the page, the event stream, its catch-up after a reconnect, the notes form's
//! answers, the console's (there is none: 404) and error pages. A scenario's console has its
//! own in `interview_console.rs`.

use std::time::Duration;

use axum::body::Body;
use axum::http::{StatusCode, header};
use firedrill::content::gauntlet::Gauntlet;
use http_body_util::BodyExt;

use crate::gauntlet_interviews::{TITLE, act, app, gauntlet, item_of, open_round, started};

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

/// Distinctive fragments of `text`: 30-character pieces at character boundaries, from 12.
fn fragments(text: &str) -> Vec<String> {
    let chars: Vec<char> = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .collect();
    chars
        .chunks(30)
        .map(|c| c.iter().collect::<String>())
        .filter(|f| f.trim().len() >= 12)
        .collect()
}

/// Everything of the gauntlet the candidate must never see, and the question of every round
/// after `opened`.
fn forbidden(gauntlet: &Gauntlet, opened: usize) -> Vec<String> {
    let mut out = Vec::new();
    for (i, round) in gauntlet.rounds.iter().enumerate() {
        let prose = [
            &round.strong_answer,
            &round.trap_alert,
            &round.senior_signal,
            &round.trap_variant,
        ];
        out.extend(
            prose
                .iter()
                .filter_map(|p| p.as_ref())
                .flat_map(|p| fragments(&p.text)),
        );
        out.extend(round.weak_answers.iter().flat_map(|w| fragments(&w.text)));
        out.extend(round.testing.iter().flat_map(|t| fragments(t)));
        out.extend(round.rubric.iter().flat_map(|r| fragments(&r.text)));
        out.push(round.name.clone());
        if i >= opened {
            out.extend(round.question.iter().flat_map(|q| fragments(q)));
        }
    }
    // The category, "Incident Response", is also in every page's description of the site.
    out.extend(["15-20 minutes", "Data & Storage", "L2-L3"].map(String::from));
    out.extend(
        [
            "Strong answer",
            "Trap alert",
            "senior signal",
            "weak answer",
            "Checklist",
        ]
        .map(String::from),
    );
    out
}

#[track_caller]
fn assert_nothing_forbidden(what: &str, body: &str, gauntlet: &Gauntlet, opened: usize) {
    let plain = body
        .replace("&#39;", "'")
        .replace("&#34;", "\"")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
        .replace("&#60;", "<")
        .replace("&#62;", ">");
    let plain = plain.split_whitespace().collect::<Vec<_>>().join(" ");
    for fragment in forbidden(gauntlet, opened) {
        assert!(
            !plain.to_lowercase().contains(&fragment.to_lowercase()),
            "{what} with {opened} rounds open shows {fragment:?}"
        );
    }
}

#[tokio::test]
async fn the_candidate_sees_the_title_and_opened_questions_and_nothing_else_anywhere() {
    let app = app().await;
    let (console, link) = started(&app).await;
    let gauntlet = gauntlet();
    let forbidden_all = forbidden(&gauntlet, 0);
    assert!(forbidden_all.len() > 40, "{}", forbidden_all.len());
    // The check is not vacuous: the console shows what the candidate must not see.
    let console_page = app.get(&console).await.body.replace("&#39;", "'");
    let shown = forbidden_all
        .iter()
        .filter(|f| console_page.contains(f.as_str()))
        .count();
    assert!(
        shown * 2 >= forbidden_all.len(),
        "{shown} of {}",
        forbidden_all.len()
    );

    let candidate = app.another_browser();
    // A stream open from the start gets every opened question live.
    let live = candidate.open(&format!("{link}/events")).await;
    assert_eq!(live.status(), StatusCode::OK);
    let notes = format!("{link}/notes");
    for opened in 0..=5 {
        if opened > 0 {
            open_round(&app, &console, opened).await;
            let ticked = item_of(opened);
            act(
                &app,
                &console,
                "ticks",
                &[("item", &ticked), ("verdict", "covered")],
            )
            .await;
            let note = format!("private note on round {opened}");
            act(
                &app,
                &console,
                "notes",
                &[("text", &note), ("round", &opened.to_string())],
            )
            .await;
        }
        let mut reached: Vec<(String, String)> = Vec::new();
        let page = candidate.get(&link).await;
        assert_eq!(page.status, StatusCode::OK);
        assert_eq!(page.header(header::CACHE_CONTROL), "no-store");
        page.assert_contains(&[TITLE, "Hello Sam"]);
        for (i, round) in gauntlet.rounds.iter().enumerate().take(opened) {
            let question = round.question.as_deref().unwrap();
            let start: String = question.chars().take(25).collect();
            assert!(
                page.body.replace("&#39;", "'").contains(&start),
                "round {} question on the page",
                i + 1
            );
        }
        reached.push(("page".into(), page.body));
        // Catch-up from the start, and after a reconnect (the last id seen).
        let stream = candidate.open(&format!("{link}/events")).await;
        let events = read_stream(stream, Duration::from_millis(300), |t| {
            t.matches("event: opened").count() >= opened && opened > 0
        })
        .await;
        assert_eq!(events.matches("event: opened").count(), opened, "{events}");
        assert!(!events.contains("event: ticked") && !events.contains("event: noted"));
        reached.push(("stream".into(), events));
        let resumed = candidate.open(&format!("{link}/events?after=2")).await;
        let events = read_stream(resumed, Duration::from_millis(200), |_| false).await;
        reached.push(("resumed stream".into(), events));
        let saved = candidate
            .post_form(&notes, &[("text", "I would look at df and du first.")])
            .await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER);
        reached.push(("notes response".into(), saved.body));
        // A gauntlet's interview has no console: a command is refused, and says nothing.
        let command = candidate
            .post_form(&format!("{link}/commands"), &[("command", "df -h")])
            .await;
        assert_eq!(command.status, StatusCode::NOT_FOUND);
        reached.push(("command".into(), command.body));
        let big = "x".repeat(20_001);
        let refused = candidate.post_form(&notes, &[("text", &big)]).await;
        assert_eq!(refused.status, StatusCode::PAYLOAD_TOO_LARGE);
        reached.push(("refused notes".into(), refused.body));
        for uri in [
            format!("{link}/nothing"),
            console.clone(),
            format!("{console}/events"),
            format!("{console}/scorecard.json"),
        ] {
            reached.push((uri.clone(), candidate.get(&uri).await.body));
        }
        for (what, body) in &reached {
            assert_nothing_forbidden(what, body, &gauntlet, opened);
            assert!(!body.contains("private note"), "{what}");
        }
    }
    let live = read_stream(live, Duration::from_secs(2), |t| {
        t.matches("event: opened").count() >= 5
    })
    .await;
    assert_eq!(live.matches("event: opened").count(), 5, "{live}");
    assert_nothing_forbidden("live stream", &live, &gauntlet, 5);

    // After the end: the closed page and 410s, with nothing of the gauntlet.
    act(&app, &console, "end", &[]).await;
    let closed = candidate.get(&link).await;
    assert_eq!(closed.status, StatusCode::GONE);
    assert_nothing_forbidden("closed page", &closed.body, &gauntlet, 0);
    let late = candidate.post_form(&notes, &[("text", "late")]).await;
    assert_eq!(late.status, StatusCode::GONE);
    assert_nothing_forbidden("late notes", &late.body, &gauntlet, 0);
    let stream = candidate.open(&format!("{link}/events")).await;
    assert_eq!(stream.status(), StatusCode::GONE);
    let bytes = stream.into_body().collect().await.unwrap().to_bytes();
    assert_nothing_forbidden(
        "late stream",
        &String::from_utf8_lossy(&bytes),
        &gauntlet,
        0,
    );
}
