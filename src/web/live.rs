//! Live interview streams (server-sent events). Every event is stored before it is broadcast,
//! with a sequence number per interview: a client that connects, or reconnects after a dropped
//! connection or a server restart, sends the last number it saw (`Last-Event-ID`) and gets what
//! it missed from the database, then live events from a broadcast channel. Streams end when the
//! interview ends or the server shuts down, so they never hold up a shutdown.
//!
//! Each stream holds a socket and some memory for as long as it lasts, so their number is
//! capped per side of an interview and per client address; a channel lives while it has
//! streams and is dropped with the last one or when its interview ends.

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use tokio::sync::{broadcast, watch};

use std::borrow::Cow;

use crate::interviews::console;
use crate::server::client_key;

use crate::store::{Event, Store};

/// Who a stream is for: the candidate sees reveals, opened rounds' questions, their own
/// commands and what they were shown, and the end; nothing else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    Candidate = 0,
    Interviewer = 1,
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
    /// What the candidate gets of it (JSON), if anything: the data itself, or of a command
    /// on the console only the candidate's own part (see [`crate::interviews::console`]).
    pub candidate: Option<Arc<str>>,
    /// The interview is over: streams end after this frame.
    pub last: bool,
}

/// Messages waiting for a slow client before it misses some (it then reconnects and catches
/// up from the database).
const BACKLOG: usize = 256;

/// Most live streams at once; 0: no cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreamCaps {
    /// On each side of one interview (its console, its candidate link), so that whoever holds
    /// the candidate's link cannot crowd the interviewer out.
    pub per_interview: usize,
    /// From one client address (an IPv6 /64).
    pub per_client: usize,
}

impl Default for StreamCaps {
    fn default() -> Self {
        // A browser shows an interview in one stream per tab; room for a few tabs and stale
        // streams from dropped connections, far below what would strain the server.
        Self {
            per_interview: 8,
            per_client: 32,
        }
    }
}

/// The live channels, one per interview with clients, and the server's closing signal.
#[derive(Debug)]
pub struct Hub {
    rooms: Mutex<Rooms>,
    closing: watch::Sender<bool>,
    caps: StreamCaps,
}

#[derive(Debug, Default)]
struct Rooms {
    channels: HashMap<i64, Channel>,
    /// Streams open per client key.
    clients: HashMap<IpAddr, usize>,
    /// Numbers channels, so a stream of an ended interview's dropped channel never counts
    /// against a later channel of the same interview.
    created: u64,
}

#[derive(Debug)]
struct Channel {
    sender: broadcast::Sender<Frame>,
    generation: u64,
    /// Streams open, by [`Audience`] index.
    streams: [usize; 2],
}

/// Why a stream was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Full {
    Interview(usize),
    Client(usize),
}

/// A stream's place in the hub, given back when the stream ends.
#[derive(Debug)]
struct Seat {
    hub: Arc<Hub>,
    interview: i64,
    generation: u64,
    side: usize,
    client: IpAddr,
}

impl Default for Hub {
    fn default() -> Self {
        Self::new(StreamCaps::default())
    }
}

impl Hub {
    pub fn new(caps: StreamCaps) -> Self {
        Self {
            rooms: Mutex::new(Rooms::default()),
            closing: watch::Sender::new(false),
            caps,
        }
    }

    fn rooms(&self) -> std::sync::MutexGuard<'_, Rooms> {
        self.rooms.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Subscribes a stream for `audience` from `client` to the interview's channel (made on the
    /// first), unless a cap is reached.
    fn join(
        self: &Arc<Self>,
        interview: i64,
        audience: Audience,
        client: IpAddr,
    ) -> Result<(Seat, broadcast::Receiver<Frame>), Full> {
        let client = client_key(client);
        let side = audience as usize;
        let caps = self.caps;
        let mut rooms = self.rooms();
        let from_client = rooms.clients.get(&client).copied().unwrap_or(0);
        if caps.per_client != 0 && from_client >= caps.per_client {
            return Err(Full::Client(caps.per_client));
        }
        let on_side = rooms
            .channels
            .get(&interview)
            .map_or(0, |channel| channel.streams[side]);
        if caps.per_interview != 0 && on_side >= caps.per_interview {
            return Err(Full::Interview(caps.per_interview));
        }
        rooms.created += 1;
        let created = rooms.created;
        let channel = rooms.channels.entry(interview).or_insert_with(|| Channel {
            sender: broadcast::channel(BACKLOG).0,
            generation: created,
            streams: [0; 2],
        });
        channel.streams[side] += 1;
        let receiver = channel.sender.subscribe();
        let generation = channel.generation;
        *rooms.clients.entry(client).or_default() += 1;
        let seat = Seat {
            hub: Arc::clone(self),
            interview,
            generation,
            side,
            client,
        };
        Ok((seat, receiver))
    }

    /// Sends a frame to the interview's connected clients, if any (a channel exists only while
    /// a client is subscribed). After the last frame the channel is dropped.
    pub fn publish(&self, interview: i64, frame: Frame) {
        let mut rooms = self.rooms();
        let last = frame.last;
        if let Some(channel) = rooms.channels.get(&interview) {
            let _ = channel.sender.send(frame);
        }
        if last {
            rooms.channels.remove(&interview);
        }
    }

    /// Whether a client of the interview is connected here.
    pub fn listening(&self, interview: i64) -> bool {
        self.rooms().channels.contains_key(&interview)
    }

    /// The interviews with a client connected here.
    pub fn interviews(&self) -> Vec<i64> {
        self.rooms().channels.keys().copied().collect()
    }

    /// Ends every stream: the server is shutting down.
    pub fn close(&self) {
        self.closing.send_replace(true);
    }

    /// Streams open, by [`Audience`] index: the candidates', the interviewers'.
    pub fn streams_by_side(&self) -> [usize; 2] {
        let rooms = self.rooms();
        rooms
            .channels
            .values()
            .fold([0, 0], |[a, b], c| [a + c.streams[0], b + c.streams[1]])
    }

    /// Interviews with a live channel, and streams open.
    pub fn open(&self) -> (usize, usize) {
        let rooms = self.rooms();
        (rooms.channels.len(), rooms.clients.values().sum())
    }
}

impl Drop for Seat {
    fn drop(&mut self) {
        let mut rooms = self.hub.rooms();
        if let Some(n) = rooms.clients.get_mut(&self.client) {
            *n -= 1;
            if *n == 0 {
                rooms.clients.remove(&self.client);
            }
        }
        if let Some(channel) = rooms.channels.get_mut(&self.interview)
            && channel.generation == self.generation
        {
            channel.streams[self.side] -= 1;
            if channel.streams == [0, 0] {
                rooms.channels.remove(&self.interview);
            }
        }
    }
}

/// The answer to a stream over a cap: 429 with a plain message (an `EventSource` shows no page;
/// its script checks the status and retries later).
fn refused(full: Full, audience: Audience) -> Response {
    let message = match (full, audience) {
        (Full::Interview(cap), Audience::Candidate) => format!(
            "This interview already has {cap} live streams open from the candidate's link, the most allowed. Close another tab showing it, then reload this page.\n"
        ),
        (Full::Interview(cap), Audience::Interviewer) => format!(
            "This interview already has {cap} consoles open, the most allowed. Close another tab showing it, then reload this page.\n"
        ),
        (Full::Client(cap), _) => format!(
            "Your address already has {cap} live interview streams open, the most allowed. Close some tabs showing interviews, then reload this page.\n"
        ),
    };
    let headers = [
        (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
        (header::CACHE_CONTROL, "no-store"),
        (header::RETRY_AFTER, "30"),
    ];
    (StatusCode::TOO_MANY_REQUESTS, headers, message).into_response()
}

/// A stored event as a frame; only reveals, opened rounds, the console's commands and answers
/// (in part) and the end are for the candidate (see [`console::for_candidate`]).
pub fn stored(event: &Event) -> Frame {
    let data: Arc<str> = Arc::from(event.data.as_str());
    let candidate = match console::for_candidate(&event.kind, &event.data) {
        Some(Cow::Borrowed(_)) => Some(Arc::clone(&data)),
        Some(Cow::Owned(own)) => Some(Arc::from(own)),
        None => None,
    };
    Frame {
        seq: Some(event.seq),
        name: kind_name(&event.kind),
        data,
        candidate,
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
        "opened" => "opened",
        "typed" => "typed",
        "answered" => "answered",
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
    /// The client's address, for the per-client cap.
    pub client: IpAddr,
    /// Sent first: the state that is not in stored events (for the interviewer, the
    /// candidate's notes and the grader's suggestions).
    pub opening: Vec<Frame>,
}

struct Live {
    _seat: Seat,
    store: Store,
    receiver: broadcast::Receiver<Frame>,
    closing: watch::Receiver<bool>,
    pending: std::collections::VecDeque<Frame>,
    interview: i64,
    seen: i64,
    audience: Audience,
    done: bool,
}

/// The event stream of an interview for one client, or 429 when a cap is reached.
pub async fn stream(
    store: Store,
    hub: Arc<Hub>,
    sub: Subscription,
) -> Result<Response, crate::store::StoreError> {
    // Subscribe before reading what was stored, so nothing falls between the two.
    let (seat, receiver) = match hub.join(sub.interview, sub.audience, sub.client) {
        Ok(joined) => joined,
        Err(full) => {
            tracing::warn!(client = %sub.client, interview = sub.interview, ?full, "live stream refused: too many open");
            return Ok(refused(full, sub.audience));
        }
    };
    let closing = hub.closing.subscribe();
    let missed = store.events(sub.interview, sub.after).await?;
    let mut live = Live {
        _seat: seat,
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
    let sse = Sse::new(events).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)));
    Ok(sse.into_response())
}

/// The next SSE event, or the end of the stream.
async fn next(mut live: Live) -> Option<(Result<SseEvent, Infallible>, Live)> {
    loop {
        if let Some(frame) = live.pending.pop_front() {
            if frame.last {
                live.done = true;
                live.pending.clear();
            }
            return Some((Ok(sse_event(&frame, live.audience)), live));
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
        if frame.candidate.is_some() || self.audience == Audience::Interviewer || frame.last {
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

/// The frame as this audience gets it: the candidate only their part.
fn sse_event(frame: &Frame, audience: Audience) -> SseEvent {
    let data = match audience {
        Audience::Interviewer => &frame.data,
        Audience::Candidate => frame.candidate.as_ref().unwrap_or(&frame.data),
    };
    let event = SseEvent::default().event(frame.name).data(&**data);
    match frame.seq {
        Some(seq) => event.id(seq.to_string()),
        None => event,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(last: u8) -> IpAddr {
        IpAddr::from([192, 0, 2, last])
    }

    fn hub(per_interview: usize, per_client: usize) -> Arc<Hub> {
        Arc::new(Hub::new(StreamCaps {
            per_interview,
            per_client,
        }))
    }

    fn ended() -> Frame {
        Frame {
            seq: Some(9),
            name: "ended",
            data: Arc::from("{}"),
            candidate: Some(Arc::from("{}")),
            last: true,
        }
    }

    #[test]
    fn each_side_of_an_interview_and_each_client_get_their_own_cap() {
        let hub = hub(2, 3);
        let a = hub.join(1, Audience::Candidate, ip(1)).unwrap();
        let _b = hub.join(1, Audience::Candidate, ip(2)).unwrap();
        assert_eq!(
            hub.join(1, Audience::Candidate, ip(3)).unwrap_err(),
            Full::Interview(2)
        );
        let _console = hub.join(1, Audience::Interviewer, ip(1)).unwrap();
        let _other = hub.join(2, Audience::Candidate, ip(1)).unwrap();
        assert_eq!(
            hub.join(3, Audience::Candidate, ip(1)).unwrap_err(),
            Full::Client(3),
            "a third stream from one address"
        );
        drop(a);
        assert!(hub.join(1, Audience::Candidate, ip(3)).is_ok());
        assert!(hub.join(3, Audience::Candidate, ip(1)).is_ok());
    }

    #[test]
    fn a_channel_is_dropped_with_its_last_stream_or_when_its_interview_ends() {
        let hub = hub(0, 0);
        let first = hub.join(1, Audience::Candidate, ip(1)).unwrap();
        let second = hub.join(1, Audience::Interviewer, ip(1)).unwrap();
        assert_eq!(hub.open(), (1, 2));
        drop(first);
        assert_eq!(hub.open(), (1, 1));
        drop(second);
        assert_eq!(hub.open(), (0, 0), "no subscribers, no channel");

        let (seat, mut receiver) = hub.join(2, Audience::Candidate, ip(1)).unwrap();
        hub.publish(2, ended());
        assert!(
            receiver.try_recv().unwrap().last,
            "the end still reaches the stream"
        );
        assert_eq!(hub.open(), (0, 1), "the ended interview's channel is gone");
        // A later channel of the same interview is not miscounted by the old stream's end.
        let later = hub.join(2, Audience::Interviewer, ip(2)).unwrap();
        drop(seat);
        assert_eq!(hub.open(), (1, 1));
        drop(later);
        assert_eq!(hub.open(), (0, 0));
    }
}
