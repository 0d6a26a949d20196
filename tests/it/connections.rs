//! Slow, idle and too many clients, over real sockets against the server started in-process on
//! 127.0.0.1:0 through `app::serve_on`, the code path `firedrill serve` runs. Timeouts are
//! shortened through the settings; margins are wide because the tests share two cores.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use firedrill::accounts::Role;
use firedrill::app::Settings;
use firedrill::server::{ConnectionLimits, Timeouts};
use firedrill::web::assets::Assets;
use firedrill::web::live::StreamCaps;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

use crate::helpers::{TestApp, repo};

const MS: Duration = Duration::from_millis(1);

/// Settings with these connection limits and stream caps.
fn settings(connections: ConnectionLimits, streams: StreamCaps) -> Settings {
    Settings {
        connections,
        streams,
        ..Settings::default()
    }
}

fn limits(
    header_read: u64,
    keep_alive: u64,
    max: usize,
    max_per_client: usize,
) -> ConnectionLimits {
    ConnectionLimits {
        timeouts: Timeouts {
            header_read: Some(Duration::from_millis(header_read)),
            keep_alive: Some(Duration::from_millis(keep_alive)),
        },
        max,
        max_per_client,
    }
}

/// The app served on a loopback socket until dropped or stopped.
struct Served {
    app: TestApp,
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl Served {
    async fn start(app: TestApp) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let state = app.state.clone();
        let task = tokio::spawn(async move {
            let assets = Assets::load(&repo("static"));
            let shutdown = async move {
                let _ = stopped.await;
            };
            firedrill::app::serve_on(listener, state, assets, shutdown).await;
        });
        Self {
            app,
            addr,
            stop: Some(stop),
            task,
        }
    }

    /// Starts a graceful shutdown and waits for the server to finish it.
    async fn stop(mut self) -> Duration {
        let at = Instant::now();
        let _ = self.stop.take().unwrap().send(());
        (&mut self.task).await.unwrap();
        at.elapsed()
    }

    /// A connection from `127.0.0.<last>` (Linux routes all of 127/8 to loopback).
    async fn connect_from(&self, last: u8) -> TcpStream {
        let socket = TcpSocket::new_v4().unwrap();
        socket
            .bind(SocketAddr::from((Ipv4Addr::new(127, 0, 0, last), 0)))
            .unwrap();
        socket.connect(self.addr).await.unwrap()
    }

    async fn connect(&self) -> TcpStream {
        self.connect_from(1).await
    }

    /// `GET path` on a new connection from `127.0.0.<last>`: the status and the body.
    async fn get_from(&self, last: u8, path: &str) -> (u16, String) {
        let mut stream = self.connect_from(last).await;
        send(&mut stream, path, "Connection: close\r\n").await;
        let (closed, bytes) = read_until_closed(&mut stream, Duration::from_secs(5)).await;
        assert!(closed.is_some(), "the answer to {path} ended");
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let status = text.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
        let body = text
            .split_once("\r\n\r\n")
            .map_or("", |(_, b)| b)
            .to_owned();
        (status, body)
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Sends `GET path` with extra header lines.
async fn send(stream: &mut TcpStream, path: &str, headers: &str) {
    let request = format!("GET {path} HTTP/1.1\r\nHost: firedrill.test\r\n{headers}\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
}

/// Reads until the peer closes the connection (`Some(when)`) or `within` passes (`None`), and
/// what arrived meanwhile.
async fn read_until_closed(
    stream: &mut TcpStream,
    within: Duration,
) -> (Option<Duration>, Vec<u8>) {
    let start = Instant::now();
    let mut bytes = Vec::new();
    let mut buf = [0; 4096];
    loop {
        let left = within.saturating_sub(start.elapsed());
        match tokio::time::timeout(left, stream.read(&mut buf)).await {
            Err(_) => return (None, bytes),
            Ok(Ok(0) | Err(_)) => return (Some(start.elapsed()), bytes),
            Ok(Ok(n)) => bytes.extend_from_slice(&buf[..n]),
        }
    }
}

/// Reads one response's head (and whatever came with it) from a connection kept open.
async fn read_head(stream: &mut TcpStream) -> String {
    let mut bytes = Vec::new();
    let mut buf = [0; 4096];
    while !bytes.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut buf))
            .await
            .expect("a response within 5 s")
            .unwrap();
        assert!(
            n > 0,
            "closed before a response: {:?}",
            String::from_utf8_lossy(&bytes)
        );
        bytes.extend_from_slice(&buf[..n]);
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

#[tokio::test]
async fn a_connection_that_sends_nothing_is_closed_after_the_header_read_timeout() {
    let app = TestApp::with_files_and(
        &[],
        settings(limits(400, 5_000, 0, 0), StreamCaps::default()),
    )
    .await;
    let server = Served::start(app).await;
    let mut silent = server.connect().await;
    let (closed, bytes) = read_until_closed(&mut silent, Duration::from_secs(4)).await;
    let closed = closed.expect("the silent connection was closed");
    assert!(closed >= 350 * MS, "not before the timeout: {closed:?}");
    assert!(
        closed < 2_500 * MS,
        "soon after it, not at the keep-alive timeout: {closed:?}"
    );
    assert!(bytes.is_empty(), "nothing was answered");
}

#[tokio::test]
async fn a_client_dripping_one_header_line_at_a_time_is_closed_after_the_header_read_timeout() {
    let app = TestApp::with_files_and(
        &[],
        settings(limits(800, 5_000, 0, 0), StreamCaps::default()),
    )
    .await;
    let server = Served::start(app).await;
    let mut drip = server.connect().await;
    let start = Instant::now();
    drip.write_all(b"GET /healthz HTTP/1.1\r\nHost: firedrill.test\r\n")
        .await
        .unwrap();
    // A header line every 200 ms, for up to 5 s: each one is news, yet the headers never end.
    let mut closed_after = None;
    for line in 0..25 {
        tokio::time::sleep(200 * MS).await;
        let sent = drip
            .write_all(format!("X-Drip-{line}: 1\r\n").as_bytes())
            .await;
        let mut buf = [0; 64];
        let ended = match tokio::time::timeout(MS, drip.read(&mut buf)).await {
            Ok(Ok(0) | Err(_)) => true,
            Ok(Ok(_)) => panic!("the server answered a request whose headers never ended"),
            Err(_) => sent.is_err(),
        };
        if ended {
            closed_after = Some(start.elapsed());
            break;
        }
    }
    let closed = closed_after.expect("the dripping connection was closed");
    assert!(closed >= 750 * MS && closed < 3_000 * MS, "{closed:?}");
}

#[tokio::test]
async fn a_request_head_over_64_kib_is_refused_at_once_rather_than_buffered() {
    let app = TestApp::with_files_and(
        &[],
        settings(limits(5_000, 5_000, 0, 0), StreamCaps::default()),
    )
    .await;
    let server = Served::start(app).await;
    let mut big = server.connect().await;
    let line = format!("X-Fill: {}\r\n", "a".repeat(1000));
    let head = format!(
        "GET /healthz HTTP/1.1\r\nHost: firedrill.test\r\n{}",
        line.repeat(70)
    );
    // The server may close before reading all of it.
    let _ = big.write_all(head.as_bytes()).await;
    let (closed, bytes) = read_until_closed(&mut big, Duration::from_secs(3)).await;
    let answer = String::from_utf8_lossy(&bytes);
    assert!(
        closed.is_some(),
        "refused at once, not kept waiting for the rest"
    );
    // The 431 is sent, but the reset of a close with unread bytes may beat it to the reader.
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 431"),
        "{answer}"
    );
}

#[tokio::test]
async fn an_idle_kept_alive_connection_is_closed_after_the_keep_alive_timeout_not_the_header_one() {
    let app = TestApp::with_files_and(
        &[],
        settings(limits(300, 1_500, 0, 0), StreamCaps::default()),
    )
    .await;
    let server = Served::start(app).await;
    let mut kept = server.connect().await;
    send(&mut kept, "/healthz", "").await;
    let head = read_head(&mut kept).await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    // Idle for longer than the header-read timeout, the connection still takes a request.
    tokio::time::sleep(700 * MS).await;
    send(&mut kept, "/healthz", "").await;
    let head = read_head(&mut kept).await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    let (closed, bytes) = read_until_closed(&mut kept, Duration::from_secs(6)).await;
    let closed = closed.expect("the idle connection was closed");
    assert!(
        closed >= 1_400 * MS,
        "not at the header-read timeout: {closed:?}"
    );
    assert!(closed < 4_000 * MS, "{closed:?}");
    assert!(bytes.is_empty(), "{:?}", String::from_utf8_lossy(&bytes));
}

#[tokio::test]
async fn connections_over_the_per_client_cap_are_refused_while_other_clients_get_healthz() {
    let app = TestApp::with_files_and(
        &[],
        settings(limits(10_000, 10_000, 0, 3), StreamCaps::default()),
    )
    .await;
    let server = Served::start(app).await;
    let mut held = Vec::new();
    for _ in 0..3 {
        held.push(server.connect().await);
    }
    let mut over = server.connect().await;
    let (closed, bytes) = read_until_closed(&mut over, Duration::from_secs(2)).await;
    assert!(
        closed.is_some() && bytes.is_empty(),
        "the fourth from one address is closed unread"
    );
    assert_eq!(server.get_from(2, "/healthz").await, (200, "ok".to_owned()));
    assert_eq!(server.get_from(3, "/healthz").await, (200, "ok".to_owned()));
    // A place freed is a place taken again.
    drop(held.pop());
    let mut answered = None;
    for _ in 0..50 {
        let (status, _) = server.get_from(1, "/healthz").await;
        if status == 200 {
            answered = Some(status);
            break;
        }
        tokio::time::sleep(20 * MS).await;
    }
    assert_eq!(
        answered,
        Some(200),
        "the client gets in again once one of its connections closes"
    );
}

#[tokio::test]
async fn connections_over_the_overall_cap_are_refused_until_the_timeout_frees_places() {
    let app = TestApp::with_files_and(
        &[],
        settings(limits(1_500, 10_000, 4, 0), StreamCaps::default()),
    )
    .await;
    let server = Served::start(app).await;
    let mut silent = Vec::new();
    for last in 1..=4 {
        silent.push(server.connect_from(last).await);
    }
    let mut over = server.connect_from(5).await;
    let (closed, _) = read_until_closed(&mut over, Duration::from_secs(1)).await;
    assert!(
        closed.is_some(),
        "a fifth connection is refused while four are open"
    );
    // The silent ones are closed at the header-read timeout; then /healthz answers again.
    let start = Instant::now();
    for socket in &mut silent {
        let (closed, _) = read_until_closed(socket, Duration::from_secs(5)).await;
        assert!(closed.is_some());
    }
    assert!(start.elapsed() < 4_000 * MS);
    assert_eq!(server.get_from(5, "/healthz").await, (200, "ok".to_owned()));
}

#[tokio::test]
async fn with_behind_proxy_the_per_client_connection_cap_does_not_apply() {
    let mut settings = settings(limits(10_000, 10_000, 0, 1), StreamCaps::default());
    settings.behind_proxy = true;
    let server = Served::start(TestApp::with_files_and(&[], settings).await).await;
    let _held = server.connect().await;
    assert_eq!(
        server.get_from(1, "/healthz").await,
        (200, "ok".to_owned()),
        "every connection comes from the proxy: it is not capped per address"
    );
}

const SCENARIO: &str = "# Scenario: Open Drill\n\n## The Prompt\n\nAnything.\n\n## Observable Evidence\n\n- A log line\n\n## What a Strong Answer Includes\n\n- Check the thing that broke first\n";

/// An interviewer signed in to `app` starts an interview: the console's path and the
/// candidate's link.
async fn start_interview(app: &TestApp) -> (String, String) {
    app.signed_in_as("ivy", Role::Interviewer).await;
    let page = app.get("/scenarios/open").await;
    let csrf = TestApp::csrf_in(&page);
    let res = app
        .post_form(
            "/interviews",
            &[("csrf", &csrf), ("scenario", "open"), ("candidate", "Sam")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let console = res.header(axum::http::header::LOCATION).to_owned();
    let page = app.get(&console).await;
    let marker = r#"id="candidate-link" readonly value=""#;
    let at = page.body.find(marker).expect("the console shows the link") + marker.len();
    let end = page.body[at..].find('"').unwrap();
    (console, page.body[at..at + end].to_owned())
}

/// Opens a live stream on a new connection from `127.0.0.<last>`: the connection (kept open)
/// and the response's head.
async fn open_stream(server: &Served, last: u8, path: &str, cookies: &str) -> (TcpStream, String) {
    let mut stream = server.connect_from(last).await;
    let cookie = match cookies {
        "" => String::new(),
        c => format!("Cookie: {c}\r\n"),
    };
    send(
        &mut stream,
        path,
        &format!("Accept: text/event-stream\r\n{cookie}"),
    )
    .await;
    let head = read_head(&mut stream).await;
    (stream, head)
}

/// A stream request answered at once (refused): the whole response.
async fn refused_stream(server: &Served, last: u8, path: &str, cookies: &str) -> String {
    let mut stream = server.connect_from(last).await;
    let cookie = match cookies {
        "" => String::new(),
        c => format!("Cookie: {c}\r\n"),
    };
    let headers = format!("Accept: text/event-stream\r\nConnection: close\r\n{cookie}");
    send(&mut stream, path, &headers).await;
    let (closed, bytes) = read_until_closed(&mut stream, Duration::from_secs(5)).await;
    assert!(closed.is_some(), "a refused stream's answer ends");
    String::from_utf8_lossy(&bytes).into_owned()
}

#[tokio::test]
async fn a_live_stream_outlasts_both_timeouts_and_shutdown_still_ends_it() {
    let app = TestApp::with_files_and(
        &[("scenarios/open.md", SCENARIO)],
        settings(limits(200, 400, 0, 0), StreamCaps::default()),
    )
    .await;
    let (_, link) = start_interview(&app).await;
    let server = Served::start(app).await;
    let (mut stream, head) = open_stream(&server, 1, &format!("{link}/events"), "").await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    let (closed, _) = read_until_closed(&mut stream, 1_500 * MS).await;
    assert_eq!(closed, None, "the stream is still open after both timeouts");
    let mut idle = server.connect().await;
    send(&mut idle, "/healthz", "").await;
    read_head(&mut idle).await;
    let took = server.stop().await;
    assert!(
        took < 2_000 * MS,
        "shutdown took {took:?} with a stream open"
    );
    for socket in [&mut stream, &mut idle] {
        let (closed, _) = read_until_closed(socket, Duration::from_secs(2)).await;
        assert!(closed.is_some(), "shutdown closed every connection");
    }
}

#[tokio::test]
async fn live_streams_over_a_cap_get_a_429_with_a_plain_message() {
    let app = TestApp::with_files_and(
        &[("scenarios/open.md", SCENARIO)],
        settings(
            limits(10_000, 10_000, 0, 0),
            StreamCaps {
                per_interview: 2,
                per_client: 3,
            },
        ),
    )
    .await;
    let (console, link) = start_interview(&app).await;
    let cookies = app.cookie_header();
    let server = Served::start(app).await;
    let candidate = format!("{link}/events");
    let console_events = format!("{console}/events");

    let (mut first, head) = open_stream(&server, 1, &candidate, "").await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    let (_second, head) = open_stream(&server, 2, &candidate, "").await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    let refused = refused_stream(&server, 3, &candidate, "").await;
    assert!(refused.starts_with("HTTP/1.1 429"), "{refused}");
    let refused = refused.to_ascii_lowercase();
    assert!(refused.contains("content-type: text/plain"), "{refused}");
    assert!(refused.contains("retry-after: 30"), "{refused}");
    assert!(
        refused
            .contains("this interview already has 2 live streams open from the candidate's link"),
        "{refused}"
    );

    // The candidate's side being full leaves the console's side open.
    let (_console, head) = open_stream(&server, 1, &console_events, &cookies).await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    // 127.0.0.1 now holds a candidate stream and a console; one more is its third; then full.
    let (_again, head) = open_stream(&server, 1, &console_events, &cookies).await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    let refused = refused_stream(&server, 1, &console_events, &cookies).await;
    assert!(refused.starts_with("HTTP/1.1 429"), "{refused}");
    assert!(
        refused.contains("Your address already has 3 live interview streams open"),
        "{refused}"
    );

    // A closed stream frees its place once the server notices.
    first.shutdown().await.unwrap();
    drop(first);
    let mut reopened = None;
    for _ in 0..50 {
        let (stream, head) = open_stream(&server, 4, &candidate, "").await;
        if head.starts_with("HTTP/1.1 200") {
            reopened = Some(stream);
            break;
        }
        tokio::time::sleep(40 * MS).await;
    }
    assert!(reopened.is_some(), "a candidate stream is accepted again");
    assert_eq!(
        server.app.state.live.open(),
        (1, 4),
        "one interview, four streams"
    );
}
