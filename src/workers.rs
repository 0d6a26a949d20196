//! Bounded pools of dedicated threads for CPU-heavy work (password hashing, grading), so that
//! it neither blocks the async runtime nor starves page serving during a burst: each thread
//! lowers its own scheduling priority, jobs wait in a bounded queue, and when the queue is full
//! the caller is told at once ([`Full`]) and answers 503 with `Retry-After`.

use std::sync::{Arc, Mutex, mpsc};
use std::thread;

use tokio::sync::oneshot;

/// The queue is full (or the pool has stopped): the work was not done.
#[derive(Debug, Clone, Copy, thiserror::Error)]
#[error("too much work is waiting")]
pub struct Full;

type Work = Box<dyn FnOnce() + Send>;

/// How large a pool is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolSize {
    /// Threads doing the work (at least one is started).
    pub threads: usize,
    /// Jobs that may wait for a thread; more are refused with [`Full`]. With 0, a job is taken
    /// only when a thread is idle.
    pub queue: usize,
}

impl PoolSize {
    /// One thread for every two cores (at least one), and `queue` waiting jobs.
    pub fn half_the_cores(queue: usize) -> Self {
        let cores = thread::available_parallelism().map_or(1, usize::from);
        Self {
            threads: (cores / 2).max(1),
            queue,
        }
    }
}

/// A pool of worker threads. Cheap to clone; the threads stop when the last clone is dropped.
#[derive(Debug, Clone)]
pub struct Workers {
    queue: mpsc::SyncSender<Work>,
}

impl Workers {
    /// Starts the pool's threads, named `{name}-{n}`, at nice value `niceness` (Linux: the
    /// nice value belongs to the thread, so only this work yields to pages).
    pub fn start(name: &str, size: PoolSize, niceness: i32) -> Self {
        let (queue, work) = mpsc::sync_channel::<Work>(size.queue);
        let work = Arc::new(Mutex::new(work));
        for n in 0..size.threads.max(1) {
            let work = Arc::clone(&work);
            let name = format!("{name}-{n}");
            let spawned = thread::Builder::new()
                .name(name.clone())
                .spawn(move || run(niceness, &work));
            if let Err(err) = spawned {
                panic!("starting thread {name}: {err}");
            }
        }
        Self { queue }
    }

    /// Runs `f` on a thread of the pool and waits for its result without blocking the runtime;
    /// [`Full`] at once when the queue is full.
    pub async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, Full> {
        let (reply, outcome) = oneshot::channel();
        let work: Work = Box::new(move || {
            let _ = reply.send(f());
        });
        self.queue.try_send(work).map_err(|_| Full)?;
        outcome.await.map_err(|_| Full)
    }
}

/// A worker thread: lowers its own priority, then works until the pool is dropped.
fn run(niceness: i32, work: &Mutex<mpsc::Receiver<Work>>) {
    if let Err(err) = rustix::process::setpriority_process(None, niceness) {
        let thread = thread::current();
        let name = thread.name().unwrap_or("worker");
        tracing::warn!(%err, thread = name, "could not lower the priority of a worker thread");
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
    use std::future::Future as _;

    use super::*;

    #[tokio::test]
    async fn a_full_pool_refuses_at_once_and_takes_work_again_when_a_thread_is_free() {
        let size = PoolSize {
            threads: 1,
            queue: 1,
        };
        let pool = Workers::start("test-pool", size, 0);
        let (release, wait) = std::sync::mpsc::channel::<()>();
        let (started, running) = oneshot::channel();
        let busy = pool.run(move || {
            let _ = started.send(());
            wait.recv().is_ok()
        });
        let mut busy = std::pin::pin!(busy);
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        assert!(busy.as_mut().poll(&mut cx).is_pending());
        running.await.unwrap();
        // The thread is busy: one job may wait, the next is refused at once.
        let mut waiting = std::pin::pin!(pool.run(|| 2));
        assert!(waiting.as_mut().poll(&mut cx).is_pending());
        assert!(matches!(pool.run(|| 3).await, Err(Full)));
        release.send(()).unwrap();
        assert!(busy.await.unwrap());
        assert_eq!(waiting.await.unwrap(), 2);
        assert_eq!(pool.run(|| 4).await.unwrap(), 4);
    }
}
