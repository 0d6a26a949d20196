//! Sessions read in the last moments, kept in memory so a signed-in learner's page views do not
//! each wait for the database. Every change this process makes (sign-out, a password or role
//! change, the idle-expiry touch) updates or drops the cached copy at once; a change made by
//! another process on the same database (the `firedrill user` commands) is seen within
//! [`FRESH_FOR`].

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::model::Session;

/// How long a session read from the database is trusted without reading it again.
pub const FRESH_FOR: Duration = Duration::from_secs(2);

/// Sessions held at most; past this the cache starts again empty (it only ever costs a read).
const CAPACITY: usize = 100_000;

/// Cached sessions by token hash, with when each was read.
#[derive(Debug, Default)]
pub(super) struct SessionCache {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    entries: HashMap<Vec<u8>, (Session, Instant)>,
    /// Bumped by every change that drops entries, so a read that started before the change
    /// cannot put back what the change removed.
    generation: u64,
}

/// A read from the database about to start: the generation it began in.
#[derive(Debug, Clone, Copy)]
pub(super) struct Ticket {
    generation: u64,
    read: Instant,
}

impl SessionCache {
    fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The session if it was read less than [`FRESH_FOR`] ago; otherwise the ticket to
    /// [`put`](Self::put) what the database says.
    pub(super) fn get(&self, token_hash: &[u8]) -> Result<Session, Ticket> {
        let inner = self.inner();
        match inner.entries.get(token_hash) {
            Some((session, read)) if read.elapsed() < FRESH_FOR => Ok(session.clone()),
            _ => Err(Ticket {
                generation: inner.generation,
                read: Instant::now(),
            }),
        }
    }

    /// Keeps a session read from the database, unless a change came in since the read began.
    pub(super) fn put(&self, token_hash: &[u8], session: Session, ticket: Ticket) {
        let mut inner = self.inner();
        if inner.generation != ticket.generation {
            return;
        }
        let entries = &mut inner.entries;
        if entries.len() >= CAPACITY {
            entries.retain(|_, (_, at)| at.elapsed() < FRESH_FOR);
            if entries.len() >= CAPACITY {
                entries.clear();
            }
        }
        entries.insert(token_hash.to_vec(), (session, ticket.read));
    }

    /// The session was used at `at` (written to the database by the caller).
    pub(super) fn touch(&self, token_hash: &[u8], at: i64) {
        if let Some((session, _)) = self.inner().entries.get_mut(token_hash) {
            session.last_seen_at = session.last_seen_at.max(at);
        }
    }

    /// Forgets one session (it has ended); call after the change is committed.
    pub(super) fn forget(&self, token_hash: &[u8]) {
        let mut inner = self.inner();
        inner.generation += 1;
        inner.entries.remove(token_hash);
    }

    /// Forgets every session (an account changed: its password, its role); call after the
    /// change is committed.
    pub(super) fn forget_all(&self) {
        let mut inner = self.inner();
        inner.generation += 1;
        inner.entries.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(last_seen_at: i64) -> Session {
        Session {
            user_id: 1,
            name: "ana".into(),
            role: "learner".into(),
            csrf: "c".into(),
            created_at: 0,
            last_seen_at,
        }
    }

    fn read(cache: &SessionCache, hash: &[u8]) -> Option<i64> {
        cache.get(hash).ok().map(|s| s.last_seen_at)
    }

    #[test]
    fn a_session_is_served_while_fresh_and_follows_this_processs_changes() {
        let cache = SessionCache::default();
        let ticket = cache.get(b"a").unwrap_err();
        cache.put(b"a", session(5), ticket);
        assert_eq!(read(&cache, b"a"), Some(5));
        cache.touch(b"a", 9);
        assert_eq!(read(&cache, b"a"), Some(9));
        cache.forget(b"a");
        assert_eq!(read(&cache, b"a"), None);
        let ticket = cache.get(b"b").unwrap_err();
        cache.put(b"b", session(1), ticket);
        cache.forget_all();
        assert_eq!(read(&cache, b"b"), None);
    }

    #[test]
    fn a_read_that_began_before_a_sign_out_is_not_kept() {
        let cache = SessionCache::default();
        let ticket = cache.get(b"a").unwrap_err();
        // The session ends while the read is on its way back with the old row.
        cache.forget(b"a");
        cache.put(b"a", session(5), ticket);
        assert_eq!(read(&cache, b"a"), None);
    }

    #[test]
    fn a_stale_copy_is_not_served() {
        let cache = SessionCache::default();
        let mut ticket = cache.get(b"a").unwrap_err();
        ticket.read -= FRESH_FOR + Duration::from_millis(1);
        cache.put(b"a", session(5), ticket);
        assert_eq!(read(&cache, b"a"), None);
    }
}
