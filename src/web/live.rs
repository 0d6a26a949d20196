//! Live interview streams (server-sent events). Every event is stored before it is broadcast,
//! with a sequence number per interview: a client that connects, or reconnects after a dropped
//! connection or a server restart, sends the last number it saw (`Last-Event-ID`) and gets what
//! it missed from the database, then live events from a broadcast channel. Streams end when the
//! interview ends or the server shuts down, so they never hold up a shutdown.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::HeaderMap;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use futures_util::Stream;
use tokio::sync::{broadcast, watch};

use crate::store::{Event, Store};

/// Who a stream is for: the candidate sees reveals and the end, nothing else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    Candidate,
    Interviewer,
}

/// A message to the clients of one interview, serialized once for all of them.
#[derive(Debug, Clone)]
pub struct Frame {
    /// The stored event's sequence number; `None` for messages that are not stored events
    /// (the candidate's notes as they type, the grader's suggestions).
    pub seq: Option<i64>,
    /// The SSE event name, such as `revealed` or `notes`.
    pub name: &'static str,
    /// JSON.
    pub data: Arc<str>,
    pub for_candidate: bool,
    /// The interview is over: streams end after this frame.
    pub last: bool,
}

/// Messages waiting for a slow client before it misses some (it then reconnects and catches
/// up from the database).
const BACKLOG: usize = 256;

/// The live channels, one per interview with clients, and the server's closing signal.
#[derive(Debug)]
pub struct Hub {
    channels: Mutex<HashMap<i64, broadcast::Sender<Frame>>>,
    closing: watch::Sender<bool>,
}

impl Default for Hub {
    fn default() -> Self {
        Self {
            channels: Mutex::new(HashMap::new()),
            closing: watch::Sender::new(false),
        }
    }
}

impl Hub {
    fn channel(&self, interview: i64) -> broadcast::Sender<Frame> {
        let mut channels = self.channels.lock().unwrap_or_else(|e| e.into_inner());
        channels
            .entry(interview)
            .or_insert_with(|| broadcast::channel(BACKLOG).0)
            .clone()
    }

    /// Sends a frame to the interview's connected clients, if any (a channel exists only once
    /// a client subscribed). After the last frame the channel is dropped.
    pub fn publish(&self, interview: i64, frame: Frame) {
        let mut channels = self.channels.lock().unwrap_or_else(|e| e.into_inner());
        let last = frame.last;
        if let Some(channel) = channels.get(&interview) {
            let _ = channel.send(frame);
        }
        if last {
            channels.remove(&interview);
        }
    }

    /// Ends every stream: the server is shutting down.
    pub fn close(&self) {
        self.closing.send_replace(true);
    }
}

/// A stored event as a frame; only reveals and the end are for the candidate.
pub fn stored(event: &Event) -> Frame {
    Frame {
        seq: Some(event.seq),
        name: kind_name(&event.kind),
        data: Arc::from(event.data.as_str()),
        for_candidate: matches!(event.kind.as_str(), "revealed" | "ended"),
        last: event.kind == "ended",
    }
}

fn kind_name(kind: &str) -> &'static str {
    match kind {
        "started" => "started",
        "revealed" => "revealed",
        "ticked" => "ticked",
        "asked" => "asked",
        "noted" => "noted",
        "ended" => "ended",
        _ => "event",
    }
}

/// The sequence number the client saw last: `Last-Event-ID` on a reconnect, else `after` (the
/// page's own, as rendered), else 0.
pub fn resume_from(headers: &HeaderMap, after: Option<i64>) -> i64 {
    headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .or(after)
        .unwrap_or(0)
}

/// What a stream needs to start.
#[derive(Debug)]
pub struct Subscription {
    pub interview: i64,
    pub after: i64,
    pub audience: Audience,
    /// Sent first: the state that is not in stored events (for the interviewer, the
    /// candidate's notes and the grader's suggestions).
    pub opening: Vec<Frame>,
}

struct Live {
    store: Store,
    receiver: broadcast::Receiver<Frame>,
    closing: watch::Receiver<bool>,
    pending: std::collections::VecDeque<Frame>,
    interview: i64,
    seen: i64,
    audience: Audience,
    done: bool,
}

/// The event stream of an interview for one client.
pub async fn stream(
    store: Store,
    hub: Arc<Hub>,
    sub: Subscription,
) -> Result<Sse<impl Stream<Item = Result<SseEvent, Infallible>>>, crate::store::StoreError> {
    // Subscribe before reading what was stored, so nothing falls between the two.
    let receiver = hub.channel(sub.interview).subscribe();
    let closing = hub.closing.subscribe();
    let missed = store.events(sub.interview, sub.after).await?;
    let mut live = Live {
        store,
        receiver,
        closing,
        pending: sub.opening.into(),
        interview: sub.interview,
        seen: sub.after,
        audience: sub.audience,
        done: false,
    };
    for event in &missed {
        live.accept(stored(event));
    }
    let events = futures_util::stream::unfold(live, next);
    Ok(Sse::new(events).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}

/// The next SSE event, or the end of the stream.
async fn next(mut live: Live) -> Option<(Result<SseEvent, Infallible>, Live)> {
    loop {
        if let Some(frame) = live.pending.pop_front() {
            if frame.last {
                live.done = true;
                live.pending.clear();
            }
            return Some((Ok(sse_event(&frame)), live));
        }
        if live.done || *live.closing.borrow() {
            return None;
        }
        tokio::select! {
            received = live.receiver.recv() => match received {
                Ok(frame) => live.accept(frame),
                Err(broadcast::error::RecvError::Lagged(_)) => live.catch_up().await,
                Err(broadcast::error::RecvError::Closed) => live.done = true,
            },
            _ = live.closing.changed() => return None,
        }
    }
}

impl Live {
    /// Queues a broadcast frame if this client should see it and has not yet.
    fn accept(&mut self, frame: Frame) {
        if let Some(seq) = frame.seq {
            if seq <= self.seen {
                return;
            }
            self.seen = seq;
        }
        if frame.for_candidate || self.audience == Audience::Interviewer || frame.last {
            self.pending.push_back(frame);
        }
    }

    /// After missing broadcasts (a slow client), reads the stored events it missed.
    async fn catch_up(&mut self) {
        match self.store.events(self.interview, self.seen).await {
            Ok(events) => {
                for event in events {
                    self.accept(stored(&event));
                }
            }
            Err(err) => {
                tracing::warn!(%err, "a live stream could not catch up; it ends and the client reconnects");
                self.done = true;
            }
        }
    }
}

fn sse_event(frame: &Frame) -> SseEvent {
    let event = SseEvent::default().event(frame.name).data(&*frame.data);
    match frame.seq {
        Some(seq) => event.id(seq.to_string()),
        None => event,
    }
}
