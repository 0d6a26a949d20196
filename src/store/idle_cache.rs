//! Which learners have no investigation under way on a scenario, remembered for a moment so a
//! returning learner's scenario page (whose console shows the current investigation) reads
//! nothing from the database. Only emptiness is kept, each entry trusted for [`FRESH_FOR`]:
//! every command or hint this process stores drops what is remembered before and after the
//! write, and a read that began before either never puts back what the write changed; a
//! command stored by another process on the same database shows within [`FRESH_FOR`].

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::sync::Mutex;
use std::time::Instant;

pub use super::session_cache::FRESH_FOR;

/// Entries held at most; past this the cache starts again empty (it only ever costs a read).
const CAPACITY: usize = 1 << 18;

#[derive(Debug, Default)]
pub(super) struct IdleCache {
    hasher: RandomState,
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    /// When each (learner, scenario) was read and found empty, by a keyed hash of the pair.
    empty: HashMap<u64, Instant>,
    /// Bumped by every write to an investigation: a read that began in an older generation
    /// cannot record emptiness.
    generation: u64,
}

/// A read about to start: the generation it began in.
#[derive(Debug, Clone, Copy)]
pub(super) struct Ticket {
    generation: u64,
    read: Instant,
}

impl IdleCache {
    fn key(&self, learner: &str, scenario: &str) -> u64 {
        self.hasher.hash_one((learner, scenario))
    }

    fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// `Ok` when the pair was found empty less than [`FRESH_FOR`] ago; otherwise the ticket
    /// for [`empty`](Self::empty).
    pub(super) fn get(&self, learner: &str, scenario: &str) -> Result<(), Ticket> {
        let key = self.key(learner, scenario);
        let inner = self.inner();
        match inner.empty.get(&key) {
            Some(read) if read.elapsed() < FRESH_FOR => Ok(()),
            _ => Err(Ticket {
                generation: inner.generation,
                read: Instant::now(),
            }),
        }
    }

    /// Records that a read found no investigation, unless a write came in since it began.
    pub(super) fn empty(&self, learner: &str, scenario: &str, ticket: Ticket) {
        let key = self.key(learner, scenario);
        let mut inner = self.inner();
        if inner.generation != ticket.generation {
            return;
        }
        if inner.empty.len() >= CAPACITY {
            inner.empty.clear();
        }
        inner.empty.insert(key, ticket.read);
    }

    /// Before a write to the pair's investigation: forget that it was empty.
    pub(super) fn forget(&self, learner: &str, scenario: &str) {
        let key = self.key(learner, scenario);
        let mut inner = self.inner();
        inner.generation += 1;
        inner.empty.remove(&key);
    }

    /// Before investigations move between learners (sign-in): forget everything.
    pub(super) fn forget_all(&self) {
        let mut inner = self.inner();
        inner.generation += 1;
        inner.empty.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emptiness_is_kept_until_a_write_and_never_put_back_by_an_older_read() {
        let cache = IdleCache::default();
        let ticket = cache.get("ada", "x").unwrap_err();
        cache.empty("ada", "x", ticket);
        assert!(cache.get("ada", "x").is_ok());
        assert!(cache.get("ada", "y").is_err());
        assert!(cache.get("bob", "x").is_err());
        // A read begins, a command is stored, the read (which may have missed it) ends empty.
        cache.forget("ada", "x");
        let before = cache.get("ada", "x").unwrap_err();
        cache.forget("ada", "x");
        cache.empty("ada", "x", before);
        assert!(
            cache.get("ada", "x").is_err(),
            "an older read puts nothing back"
        );
        let ticket = cache.get("ada", "x").unwrap_err();
        cache.empty("ada", "x", ticket);
        cache.forget_all();
        assert!(cache.get("ada", "x").is_err());
    }
}
