//! Grading off the async runtime: every handler that grades an answer (attempts, candidate
//! notes, a stored grade made outdated by a rubric change) does it on a bounded pool of
//! low-priority threads, so a burst of long answers delays grading, not page serving. When the
//! queue is full the request is answered 503 with `Retry-After`.

use std::sync::Arc;

use crate::error::AppError;
use crate::grading::Grade;
use crate::metrics::GradingMetrics;
use crate::store::InterviewKind;
use crate::web::published::Published;
use crate::workers::{PoolSize, Workers};

/// Answers that may wait for a grading thread. A 20,000-character answer grades in a few
/// milliseconds, so a full queue is a fraction of a second of work.
pub const QUEUE: usize = 64;

/// The nice value of grading threads: pages first, grading with what is left.
const NICENESS: i32 = 10;

/// The grading pool. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Grader {
    workers: Workers,
    /// Answers graded so far and how long each took.
    metrics: GradingMetrics,
}

impl Grader {
    pub fn start(size: PoolSize) -> Self {
        Self {
            workers: Workers::start("grading", size, NICENESS),
            metrics: GradingMetrics::default(),
        }
    }

    /// One thread for every two cores, at least one, and [`QUEUE`] waiting answers.
    pub fn for_this_machine() -> Self {
        Self::start(PoolSize::half_the_cores(QUEUE))
    }

    /// Grades `answer` against the rubric of the scenario `slug` in `content`; `None` when
    /// `content` has no such scenario.
    pub async fn grade(
        &self,
        content: &Arc<Published>,
        slug: &str,
        answer: String,
    ) -> Result<Option<Grade>, AppError> {
        let (content, slug) = (Arc::clone(content), slug.to_owned());
        let metrics = self.metrics.clone();
        self.run(move || {
            let (_, _, rubric) = content.scenario(&slug)?;
            Some(metrics.time(|| rubric.grade(&answer)))
        })
        .await
    }

    /// Grades a candidate's notes against the rubric of an interview of `kind` on `slug`;
    /// `None` when `content` has no such scenario or gauntlet.
    pub async fn grade_interview(
        &self,
        content: &Arc<Published>,
        kind: InterviewKind,
        slug: &str,
        notes: String,
    ) -> Result<Option<Grade>, AppError> {
        let (content, slug) = (Arc::clone(content), slug.to_owned());
        let metrics = self.metrics.clone();
        self.run(move || {
            let rubric = content.interview_rubric(kind, &slug)?;
            Some(metrics.time(|| rubric.grade(&notes)))
        })
        .await
    }

    /// Grades `answer` against round `round` (0 for the first) of the gauntlet `slug`; `None`
    /// when there is no such gauntlet or round.
    pub async fn grade_round(
        &self,
        content: &Arc<Published>,
        slug: &str,
        round: usize,
        answer: String,
    ) -> Result<Option<Grade>, AppError> {
        let (content, slug) = (Arc::clone(content), slug.to_owned());
        let metrics = self.metrics.clone();
        self.run(move || {
            let (_, rubrics) = content.gauntlet_for(&slug, crate::content::meta::Reader::Author)?;
            let rubric = rubrics.get(round)?;
            Some(metrics.time(|| rubric.grade(&answer)))
        })
        .await
    }

    /// Runs grading work `f` on the pool; [`AppError::GradingBusy`] when the queue is full.
    pub async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, AppError> {
        self.workers.run(f).await.map_err(|_| AppError::GradingBusy)
    }

    /// Answers graded and grading time, for `/metrics` to register.
    pub fn metrics(&self) -> &GradingMetrics {
        &self.metrics
    }

    /// How many answers this pool has graded.
    pub fn graded(&self) -> u64 {
        self.metrics.graded.get()
    }
}
