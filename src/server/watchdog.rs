//! One connection's clock: how long a client may take to send a request's headers, and how long
//! a kept-alive connection may wait for its next request. While a request is in flight
//! (including a live stream's response, which lasts the whole interview) no clock runs.
//!
//! hyper has a header-read timeout of its own, but it also runs while a kept-alive connection
//! waits for its next request, so it cannot give a slow header 10 s and an idle connection more.
//! The phases here are told apart by the bytes read (`Watched`) and by the requests hyper hands
//! to the service and the responses it finishes (`Tracked`).

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Buf;
use http_body::{Body, Frame, SizeHint};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::Instant;

/// The two clocks; `None` turns one off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// From connecting, or from the first byte of a later request, to its last header.
    pub header_read: Option<Duration>,
    /// From the end of a response to the first byte of the next request.
    pub keep_alive: Option<Duration>,
}

#[derive(Debug, Clone, Copy)]
enum Phase {
    /// No byte of a request yet; `first`: none on this connection at all.
    Waiting { since: Instant, first: bool },
    /// Part of a request's head has arrived; its clock started at `since`.
    Head { since: Instant },
    /// Requests handed to the application whose responses are not finished.
    Busy(usize),
}

/// The phase a connection is in, shared by its socket, its service and its watchdog.
#[derive(Debug)]
pub struct Activity {
    phase: Mutex<Phase>,
    timeouts: Timeouts,
}

impl Activity {
    /// A connection accepted now.
    pub fn new(timeouts: Timeouts) -> Self {
        let since = Instant::now();
        Self {
            phase: Mutex::new(Phase::Waiting { since, first: true }),
            timeouts,
        }
    }

    fn phase(&self) -> std::sync::MutexGuard<'_, Phase> {
        self.phase.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// When the connection is to be closed if nothing changes; `None` while busy.
    fn deadline(&self) -> Option<Instant> {
        let Timeouts {
            header_read,
            keep_alive,
        } = self.timeouts;
        match *self.phase() {
            // A connection that never sends anything is a slow header, not an idle one.
            Phase::Waiting { since, first: true } | Phase::Head { since } => {
                header_read.map(|t| since + t)
            }
            Phase::Waiting { since, .. } => keep_alive.map(|t| since + t),
            Phase::Busy(_) => None,
        }
    }

    /// Bytes arrived: a request has begun (the first request's clock keeps its start).
    fn read_some(&self) {
        let mut phase = self.phase();
        if let Phase::Waiting { since, first } = *phase {
            let since = if first { since } else { Instant::now() };
            *phase = Phase::Head { since };
        }
    }

    /// hyper handed a request to the application; the returned guard ends it when dropped.
    pub fn busy(self: &Arc<Self>) -> BusyGuard {
        let mut phase = self.phase();
        *phase = match *phase {
            Phase::Busy(n) => Phase::Busy(n + 1),
            _ => Phase::Busy(1),
        };
        BusyGuard(Arc::clone(self))
    }
}

/// A request in flight: dropped with its response's body, once hyper has sent it (or with the
/// handler's future, if the connection ends first).
#[derive(Debug)]
pub struct BusyGuard(Arc<Activity>);

impl Drop for BusyGuard {
    fn drop(&mut self) {
        let mut phase = self.0.phase();
        *phase = match *phase {
            Phase::Busy(n) if n > 1 => Phase::Busy(n - 1),
            _ => Phase::Waiting {
                since: Instant::now(),
                first: false,
            },
        };
    }
}

/// Waits until the client sends something, `false` when it closes or the header clock runs out
/// first. hyper allocates 16 KiB of buffers when a connection starts; until the first byte, a
/// connection costs only its task.
pub async fn first_bytes(stream: &tokio::net::TcpStream, activity: &Activity) -> bool {
    let expired = async {
        match activity.deadline() {
            Some(deadline) => tokio::time::sleep_until(deadline).await,
            None => std::future::pending().await,
        }
    };
    // `readable()` is ready at once on a new socket (a spurious wake tokio allows); a peek waits
    // for a byte.
    let mut byte = [0; 1];
    tokio::select! {
        peeked = stream.peek(&mut byte) => matches!(peeked, Ok(1..)),
        () = expired => false,
    }
}

/// Drives `conn` until it ends (`Some` with its output) or its activity's deadline passes
/// (`None`; the caller drops the connection, which closes the socket).
pub async fn watch<C: Future>(mut conn: Pin<&mut C>, activity: &Activity) -> Option<C::Output> {
    let sleep = tokio::time::sleep(Duration::ZERO);
    tokio::pin!(sleep);
    let mut armed = None;
    std::future::poll_fn(|cx| {
        if let Poll::Ready(output) = conn.as_mut().poll(cx) {
            return Poll::Ready(Some(output));
        }
        // The phase changes only while `conn` is polled, so the deadline read after each poll
        // is the current one.
        let Some(deadline) = activity.deadline() else {
            return Poll::Pending;
        };
        if armed != Some(deadline) {
            sleep.as_mut().reset(deadline);
            armed = Some(deadline);
        }
        match sleep.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(None),
            Poll::Pending => Poll::Pending,
        }
    })
    .await
}

/// A socket that tells its connection's [`Activity`] when request bytes arrive.
#[derive(Debug)]
pub struct Watched<T> {
    inner: T,
    activity: Arc<Activity>,
}

impl<T> Watched<T> {
    pub fn new(inner: T, activity: Arc<Activity>) -> Self {
        Self { inner, activity }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for Watched<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let read = Pin::new(&mut self.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.activity.read_some();
        }
        read
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Watched<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

pin_project_lite::pin_project! {
    /// A response body that keeps its request in flight until hyper has sent it and dropped it.
    #[derive(Debug)]
    pub struct Tracked<B> {
        #[pin]
        body: B,
        busy: BusyGuard,
    }
}

impl<B> Tracked<B> {
    pub fn new(body: B, busy: BusyGuard) -> Self {
        Self { body, busy }
    }
}

impl<B: Body> Body for Tracked<B>
where
    B::Data: Buf,
{
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        self.project().body.poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);
    const TIMEOUTS: Timeouts = Timeouts {
        header_read: Some(Duration::from_millis(100)),
        keep_alive: Some(Duration::from_millis(750)),
    };

    /// Asserts `deadline` is `timeout` after some instant within `[before, after]`.
    #[track_caller]
    fn within(deadline: Option<Instant>, timeout: u64, before: Instant, after: Instant) {
        let deadline = deadline.expect("a clock runs");
        let timeout = Duration::from_millis(timeout);
        assert!(deadline >= before + timeout && deadline <= after + timeout);
    }

    #[tokio::test]
    async fn the_header_clock_runs_from_connecting_and_the_idle_clock_after_each_response() {
        let before = Instant::now();
        let activity = Arc::new(Activity::new(TIMEOUTS));
        let connected = activity.deadline();
        within(connected, 100, before, Instant::now());
        tokio::time::sleep(20 * MS).await;
        activity.read_some();
        assert_eq!(
            activity.deadline(),
            connected,
            "the first request's headers count from the connection"
        );
        let busy = activity.busy();
        assert_eq!(activity.deadline(), None, "no clock while busy");
        let also = activity.busy();
        drop(busy);
        assert_eq!(activity.deadline(), None, "still one request in flight");
        let before = Instant::now();
        drop(also);
        within(activity.deadline(), 750, before, Instant::now());
        tokio::time::sleep(20 * MS).await;
        let before = Instant::now();
        activity.read_some();
        within(activity.deadline(), 100, before, Instant::now());
    }

    /// A connected pair: the client's end and the server's.
    async fn pair() -> (tokio::net::TcpStream, tokio::net::TcpStream) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let client = tokio::net::TcpStream::connect(listener.local_addr().unwrap());
        let (client, accepted) = tokio::join!(client, listener.accept());
        (client.unwrap(), accepted.unwrap().0)
    }

    #[tokio::test]
    async fn a_connection_waits_for_its_first_byte_no_longer_than_the_header_clock() {
        use tokio::io::AsyncWriteExt;
        let (_silent, server) = pair().await;
        let start = Instant::now();
        assert!(!first_bytes(&server, &Activity::new(TIMEOUTS)).await);
        assert!(start.elapsed() >= 100 * MS && start.elapsed() < 1000 * MS);

        let (mut client, server) = pair().await;
        let activity = Activity::new(TIMEOUTS);
        let (arrived, _) = tokio::join!(first_bytes(&server, &activity), async {
            tokio::time::sleep(30 * MS).await;
            client.write_all(b"G").await.unwrap();
        });
        assert!(arrived, "a byte arrived");
        let mut byte = [0; 1];
        assert_eq!(
            server.try_read(&mut byte).unwrap(),
            1,
            "and is left for hyper"
        );

        let (client, server) = pair().await;
        drop(client);
        assert!(
            !first_bytes(&server, &Activity::new(TIMEOUTS)).await,
            "closed"
        );
    }

    #[tokio::test]
    async fn a_connection_is_dropped_at_its_deadline_unless_it_ends_first() {
        let activity = Activity::new(TIMEOUTS);
        let start = Instant::now();
        let never = std::pin::pin!(std::future::pending::<()>());
        assert_eq!(watch(never, &activity).await, None);
        assert!(start.elapsed() >= 100 * MS && start.elapsed() < 1000 * MS);
        let quick = std::pin::pin!(async { 7 });
        assert_eq!(watch(quick, &activity).await, Some(7));
    }
}
