//! Password hashing with Argon2id on dedicated low-priority threads: a hash takes tens of
//! milliseconds of CPU and 19 MiB, so it must neither block the async runtime nor starve page
//! serving during a burst of sign-ins. Requests wait in a bounded queue; when it is full the
//! caller is told to retry ([`Busy`]).

use std::sync::{Arc, LazyLock, Mutex, mpsc};
use std::thread;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use tokio::sync::oneshot;

use super::Password;

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

type Work = Box<dyn FnOnce() + Send>;

/// A pool of hashing threads. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Hasher {
    queue: mpsc::SyncSender<Work>,
}

impl Hasher {
    /// Starts `threads` hashing threads at a low priority.
    pub fn start(threads: usize) -> Self {
        let (queue, work) = mpsc::sync_channel::<Work>(QUEUE);
        let work = Arc::new(Mutex::new(work));
        for n in 0..threads.max(1) {
            let work = Arc::clone(&work);
            thread::Builder::new()
                .name(format!("password-hash-{n}"))
                .spawn(move || run(&work))
                .expect("starting a password hashing thread");
        }
        Self { queue }
    }

    /// One thread for every two cores, at least one.
    pub fn for_this_machine() -> Self {
        let cores = thread::available_parallelism().map_or(1, usize::from);
        Self::start(cores / 2)
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
        let (reply, outcome) = oneshot::channel();
        let work: Work = Box::new(move || {
            let _ = reply.send(f());
        });
        self.queue.try_send(work).map_err(|_| Busy)?;
        outcome.await.map_err(|_| Busy)
    }
}

/// A hashing thread: lowers its own priority, then works until the pool is dropped.
fn run(work: &Mutex<mpsc::Receiver<Work>>) {
    // On Linux the nice value belongs to the thread, so only hashing yields to pages.
    if let Err(err) = rustix::process::setpriority_process(None, NICENESS) {
        tracing::warn!(%err, "could not lower the priority of a password hashing thread");
    }
    loop {
        let next = work.lock().map(|queue| queue.recv());
        match next {
            Ok(Ok(job)) => job(),
            _ => return,
        }
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
