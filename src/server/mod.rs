//! The HTTP/1 server under the application: accepts connections up to the caps, serves each with
//! hyper under a header-read and a keep-alive clock, gives every request its client's address
//! (`ConnectInfo`), and on shutdown stops accepting, lets requests in flight finish and closes
//! idle connections.
//!
//! Caps count the socket's peer, not a forwarded address: they protect this process's sockets
//! and file descriptors, and a connection is counted before any header is read.

mod caps;
mod watchdog;

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, Response};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

pub use caps::{Connections, Permit, client_key};
pub use watchdog::Timeouts;
use watchdog::{Activity, Tracked, Watched};

/// How long clients may take and how many connections they may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    pub timeouts: Timeouts,
    /// Most connections open at once; 0: no cap.
    pub max: usize,
    /// Most connections open at once from one client address (an IPv6 /64); 0: no cap.
    pub max_per_client: usize,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        Self {
            timeouts: Timeouts {
                header_read: Some(Duration::from_secs(10)),
                keep_alive: Some(Duration::from_secs(75)),
            },
            max: 1024,
            max_per_client: 64,
        }
    }
}

/// Serves `app` on `listener` until `shutdown` completes, then waits for the connections to end
/// (requests in flight finish; idle connections close at once).
pub async fn run<S>(
    listener: TcpListener,
    app: S,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()>,
) where
    S: tower::Service<Request<Body>, Response = Response<Body>, Error = Infallible>
        + Clone
        + Send
        + 'static,
    S::Future: Send,
{
    let connections = Arc::new(Connections::new(limits.max, limits.max_per_client));
    // Every connection holds a receiver: `closed()` below waits for the last one to end.
    let (closing, _) = watch::channel(false);
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    accept_failed(err).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // Over a cap the socket is dropped unread: answering would mean reading the request
        // first, which is what the cap saves.
        let Some(permit) = connections.admit(peer.ip()) else {
            continue;
        };
        let connection = Connection {
            peer,
            timeouts: limits.timeouts,
            _permit: permit,
            closing: closing.subscribe(),
        };
        tokio::spawn(connection.serve(stream, app.clone()));
    }
    drop(listener);
    closing.send_replace(true);
    closing.closed().await;
}

/// The most a connection buffers: a request's head must fit (431 otherwise; nginx allows 32
/// KiB), and a client sending headers slowly holds no more than this (hyper's default: 400 KiB).
const MAX_BUFFER: usize = 64 * 1024;

/// One accepted connection and what it holds until it ends.
struct Connection {
    peer: SocketAddr,
    timeouts: Timeouts,
    _permit: Permit,
    closing: watch::Receiver<bool>,
}

impl Connection {
    async fn serve<S>(mut self, stream: TcpStream, app: S)
    where
        S: tower::Service<Request<Body>, Response = Response<Body>, Error = Infallible>
            + Clone
            + Send
            + 'static,
        S::Future: Send,
    {
        let activity = Arc::new(Activity::new(self.timeouts));
        let arrived = tokio::select! {
            arrived = watchdog::first_bytes(&stream, &activity) => arrived,
            _ = self.closing.wait_for(|closing| *closing) => false,
        };
        if !arrived {
            tracing::debug!(peer = %self.peer, "connection closed: nothing sent");
            return;
        }
        let io = TokioIo::new(Watched::new(stream, Arc::clone(&activity)));
        let peer = ConnectInfo(self.peer);
        let requests = Arc::clone(&activity);
        let service = hyper::service::service_fn(move |request: Request<Incoming>| {
            let mut request = request.map(Body::new);
            request.extensions_mut().insert(peer);
            let busy = requests.busy();
            let response = tower::ServiceExt::oneshot(app.clone(), request);
            async move {
                let response = response.await?;
                Ok::<_, Infallible>(response.map(|body| Tracked::new(body, busy)))
            }
        });
        let conn = hyper::server::conn::http1::Builder::new()
            // The watchdog keeps the time instead (hyper's would also cut idle connections).
            .header_read_timeout(None)
            .max_buf_size(MAX_BUFFER)
            .serve_connection(io, service);
        tokio::pin!(conn);
        let ended = tokio::select! {
            ended = watchdog::watch(conn.as_mut(), &activity) => Some(ended),
            _ = self.closing.wait_for(|closing| *closing) => None,
        };
        let ended = match ended {
            Some(ended) => ended,
            None => {
                conn.as_mut().graceful_shutdown();
                watchdog::watch(conn.as_mut(), &activity).await
            }
        };
        match ended {
            None => tracing::debug!(peer = %self.peer, "connection closed: too slow or idle"),
            Some(Err(err)) => tracing::debug!(peer = %self.peer, %err, "connection failed"),
            Some(Ok(())) => {}
        }
    }
}

/// After a failed accept: a client that gave up is nothing; anything else (out of file
/// descriptors, say) is logged and waited out for a second rather than retried at once.
async fn accept_failed(err: std::io::Error) {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if matches!(
        err.kind(),
        ConnectionAborted | ConnectionRefused | ConnectionReset
    ) {
        return;
    }
    tracing::warn!(%err, "could not accept a connection");
    tokio::time::sleep(Duration::from_secs(1)).await;
}
