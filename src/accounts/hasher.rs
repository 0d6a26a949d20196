//! Password hashing with Argon2id on dedicated low-priority threads ([`Workers`]): a hash takes
//! tens of milliseconds of CPU and 19 MiB, so it must neither block the async runtime nor starve
//! page serving during a burst of sign-ins. Requests wait in a bounded queue; when it is full the
//! caller is told to retry ([`Busy`]).

use std::sync::LazyLock;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

use super::Password;
use crate::workers::{PoolSize, Workers};

/// OWASP's minimum for Argon2id: 19 MiB of memory, 2 passes, 1 lane.
const MEMORY_KIB: u32 = 19 * 1024;
const PASSES: u32 = 2;
const LANES: u32 = 1;

/// Hashes that may wait for a thread; more are refused with [`Busy`].
const QUEUE: usize = 64;

/// The nice value of hashing threads: pages run first, hashes use what is left.
const NICENESS: i32 = 10;

fn argon2() -> Argon2<'static> {
    let params = Params::new(MEMORY_KIB, PASSES, LANES, None).expect("valid Argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password now, on this thread (for the command line).
pub fn hash_now(password: &Password) -> String {
    let salt = SaltString::generate(&mut OsRng);
    argon2()
        .hash_password(password.0.as_bytes(), &salt)
        .expect("Argon2 hashes any password of bounded length")
        .to_string()
}

/// Whether `password` matches the PHC-format `hash`; a malformed hash matches nothing.
fn verify_now(password: &Password, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        argon2()
            .verify_password(password.0.as_bytes(), &parsed)
            .is_ok()
    })
}

/// A hash of a random password, checked when a name is unknown so that a wrong name takes as
/// long as a wrong password and does not reveal which names exist.
static DECOY: LazyLock<String> = LazyLock::new(|| {
    let random = crate::random::public_id().unwrap_or_default();
    hash_now(&Password(random))
});

/// The queue is full: too many sign-ins at once.
#[derive(Debug, Clone, Copy, thiserror::Error)]
#[error("too many sign-ins at once")]
pub struct Busy;

/// A pool of hashing threads. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Hasher {
    workers: Workers,
}

impl Hasher {
    /// Starts `threads` hashing threads at a low priority.
    pub fn start(threads: usize) -> Self {
        let size = PoolSize {
            threads,
            queue: QUEUE,
        };
        Self {
            workers: Workers::start("password-hash", size, NICENESS),
        }
    }

    /// One thread for every two cores, at least one.
    pub fn for_this_machine() -> Self {
        Self::start(PoolSize::half_the_cores(QUEUE).threads)
    }

    /// The Argon2id hash of `password`, in PHC string format (`$argon2id$v=19$m=19456,...`).
    pub async fn hash(&self, password: Password) -> Result<String, Busy> {
        self.run(move || hash_now(&password)).await
    }

    /// Whether `password` matches `hash`; with no hash (an unknown name), checks a decoy so
    /// the answer takes as long, and is `false`.
    pub async fn verify(&self, password: Password, hash: Option<String>) -> Result<bool, Busy> {
        self.run(move || match hash {
            Some(hash) => verify_now(&password, &hash),
            None => {
                verify_now(&password, &DECOY);
                false
            }
        })
        .await
    }

    async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, Busy> {
        self.workers.run(f).await.map_err(|_| Busy)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_is_argon2id_with_owasp_parameters_and_verifies() {
        let hasher = Hasher::start(1);
        let password = Password("correct horse battery".into());
        let hash = hasher.hash(password.clone()).await.unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(hasher.verify(password, Some(hash.clone())).await.unwrap());
        let wrong = Password("correct horse battery!".into());
        assert!(!hasher.verify(wrong.clone(), Some(hash)).await.unwrap());
        assert!(!hasher.verify(wrong.clone(), None).await.unwrap());
        assert!(
            !hasher
                .verify(wrong, Some("not a hash".into()))
                .await
                .unwrap()
        );
    }

    #[test]
    fn two_hashes_of_one_password_differ_by_their_salt() {
        let password = Password("correct horse battery".into());
        assert_ne!(hash_now(&password), hash_now(&password));
    }
}
