//! What the store already knows to be true of a learner and a scenario, kept in memory so a
//! returning learner's page view reads nothing from the database. Only facts that never turn
//! false are kept (a learner who has answered or revealed a scenario always has), so the cache
//! is never stale, whichever process wrote them.

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::sync::RwLock;

/// Facts held at most; past this the cache starts again empty (it only ever costs a read).
const CAPACITY: usize = 1 << 20;

/// The learner has answered the scenario.
pub(super) const ANSWERED: u8 = 1;
/// The scenario's answers are open to the learner (they revealed or answered it).
pub(super) const REVEALED: u8 = 2;
/// The learner revealed the scenario's answers themselves (a reveal is recorded).
pub(super) const REVEAL_RECORDED: u8 = 4;

/// Known facts by a keyed hash of (learner, scenario). The key is random per process, so no
/// one can make two learners collide on purpose; by chance it takes about 2^32 entries.
#[derive(Debug, Default)]
pub(super) struct Known {
    hasher: RandomState,
    facts: RwLock<HashMap<u64, u8>>,
}

impl Known {
    fn key(&self, learner: &str, scenario: &str) -> u64 {
        self.hasher.hash_one((learner, scenario))
    }

    /// The facts known of the learner and scenario (0 when none).
    pub(super) fn get(&self, learner: &str, scenario: &str) -> u8 {
        let key = self.key(learner, scenario);
        let facts = self.facts.read().unwrap_or_else(|e| e.into_inner());
        facts.get(&key).copied().unwrap_or(0)
    }

    /// Records facts that now hold (they are never taken back).
    pub(super) fn add(&self, learner: &str, scenario: &str, fact: u8) {
        if fact == 0 {
            return;
        }
        let key = self.key(learner, scenario);
        let mut facts = self.facts.write().unwrap_or_else(|e| e.into_inner());
        if facts.len() >= CAPACITY {
            facts.clear();
        }
        *facts.entry(key).or_insert(0) |= fact;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facts_add_up_per_learner_and_scenario() {
        let known = Known::default();
        assert_eq!(known.get("ada", "x"), 0);
        known.add("ada", "x", REVEALED);
        known.add("ada", "x", ANSWERED);
        assert_eq!(known.get("ada", "x"), ANSWERED | REVEALED);
        assert_eq!(known.get("ada", "y"), 0);
        assert_eq!(known.get("bob", "x"), 0);
        // The pair is hashed as a pair: no separator to forge.
        assert_eq!(known.get("adax", ""), 0);
    }
}
