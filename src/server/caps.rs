//! Caps on open connections, overall and per client address, counted from the moment a socket
//! is accepted to the moment it closes. A connection over a cap is closed at once, unread.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The key a client address is counted under: an IPv4 address as it is, an IPv6 address by its
/// /64 (one host usually holds a whole /64, and could rotate through it to dodge a per-address
/// count); an IPv4-mapped IPv6 address (a dual-stack socket) counts as its IPv4 address.
pub fn client_key(ip: IpAddr) -> IpAddr {
    match ip.to_canonical() {
        IpAddr::V6(v6) => {
            let prefix = u128::from(v6) & !((1u128 << 64) - 1);
            IpAddr::V6(prefix.into())
        }
        v4 => v4,
    }
}

/// Open connections, counted overall and per client key.
#[derive(Debug)]
pub struct Connections {
    /// Most connections open at once; 0: no cap.
    max: usize,
    /// Most connections open at once from one client key; 0: no cap.
    max_per_client: usize,
    counts: Mutex<Counts>,
}

#[derive(Debug, Default)]
struct Counts {
    open: usize,
    per_client: HashMap<IpAddr, usize>,
    /// Refusals not logged yet (one line every few seconds at most, so a flood cannot flood
    /// the log too).
    unlogged: u64,
    logged_at: Option<Instant>,
}

/// A refusal is logged at once, and then at most this often with a count of those since.
const LOG_EVERY: Duration = Duration::from_secs(10);

/// An admitted connection; dropping it frees its place.
#[derive(Debug)]
pub struct Permit {
    connections: Arc<Connections>,
    client: IpAddr,
}

impl Connections {
    pub fn new(max: usize, max_per_client: usize) -> Self {
        Self {
            max,
            max_per_client,
            counts: Mutex::new(Counts::default()),
        }
    }

    fn counts(&self) -> std::sync::MutexGuard<'_, Counts> {
        self.counts.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A place for a connection from `peer`, or `None` (logged) when a cap is reached.
    pub fn admit(self: &Arc<Self>, peer: IpAddr) -> Option<Permit> {
        let client = client_key(peer);
        let mut counts = self.counts();
        let from_client = counts.per_client.get(&client).copied().unwrap_or(0);
        let refused = if self.max != 0 && counts.open >= self.max {
            Some(("connections are open", counts.open, self.max))
        } else if self.max_per_client != 0 && from_client >= self.max_per_client {
            Some((
                "connections are open from this client",
                from_client,
                self.max_per_client,
            ))
        } else {
            None
        };
        if let Some((what, open, cap)) = refused {
            counts.unlogged += 1;
            let due = counts.logged_at.is_none_or(|at| at.elapsed() >= LOG_EVERY);
            if due {
                let refused = std::mem::take(&mut counts.unlogged);
                counts.logged_at = Some(Instant::now());
                tracing::warn!(client = %peer, refused, "connection refused: {open} {what} (the cap is {cap})");
            }
            return None;
        }
        counts.open += 1;
        *counts.per_client.entry(client).or_default() += 1;
        Some(Permit {
            connections: Arc::clone(self),
            client,
        })
    }

    /// Connections open now.
    pub fn open(&self) -> usize {
        self.counts().open
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        let mut counts = self.connections.counts();
        counts.open -= 1;
        if let Some(n) = counts.per_client.get_mut(&self.client) {
            *n -= 1;
            if *n == 0 {
                counts.per_client.remove(&self.client);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn an_ipv6_client_is_counted_by_its_slash_64_and_a_mapped_ipv4_one_as_ipv4() {
        assert_eq!(
            client_key(ip("2001:db8:1:2:aaaa:bbbb:cccc:dddd")),
            ip("2001:db8:1:2::")
        );
        assert_eq!(
            client_key(ip("2001:db8:1:2::1")),
            client_key(ip("2001:db8:1:2:ffff::9"))
        );
        assert_ne!(
            client_key(ip("2001:db8:1:2::1")),
            client_key(ip("2001:db8:1:3::1"))
        );
        assert_eq!(client_key(ip("::ffff:192.0.2.7")), ip("192.0.2.7"));
        assert_eq!(client_key(ip("192.0.2.7")), ip("192.0.2.7"));
    }

    #[test]
    fn connections_over_a_cap_are_refused_until_one_closes() {
        let connections = Arc::new(Connections::new(3, 2));
        let a = connections.admit(ip("192.0.2.1")).unwrap();
        let _b = connections.admit(ip("192.0.2.1")).unwrap();
        assert!(
            connections.admit(ip("192.0.2.1")).is_none(),
            "a third from one client"
        );
        let _c = connections.admit(ip("192.0.2.2")).unwrap();
        assert!(
            connections.admit(ip("192.0.2.3")).is_none(),
            "a fourth overall"
        );
        drop(a);
        assert_eq!(connections.open(), 2);
        assert!(connections.admit(ip("192.0.2.1")).is_some());
        // Another address in the same /64 is the same client.
        let six = Arc::new(Connections::new(0, 1));
        let _d = six.admit(ip("2001:db8::1")).unwrap();
        assert!(six.admit(ip("2001:db8::2")).is_none());
        assert!(six.admit(ip("2001:db8:0:1::2")).is_some());
    }
}
