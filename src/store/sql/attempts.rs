//! SQL for attempts and the rubric versions they were graded against.

use super::{Conn, Exec};

use super::Submission;
use super::model::{
    Attempt, AttemptSummary, NewAttempt, Position, RecentAttempt, Regraded, Settle, ToRegrade,
};

/// Rubric versions the writer knows are stored, and those its transaction under way stored.
#[derive(Debug, Default)]
pub(in crate::store) struct Versions {
    stored: std::collections::HashSet<(String, String)>,
    new: Vec<(String, String)>,
}

impl Versions {
    /// The transaction committed: what it stored is stored.
    pub(in crate::store) fn keep_new(&mut self) {
        self.stored.extend(self.new.drain(..));
    }

    /// The transaction failed, or is starting.
    pub(in crate::store) fn forget_new(&mut self) {
        self.new.clear();
    }
}

/// Stores submissions in order: each attempt, its rubric version when new, with what the hints
/// taken before it cost taken off its shown score, and the current investigation and its hints
/// claimed by it; part of the writer's transaction. Returns each attempt's row id and shown
/// score. Of several of one learner and scenario the first claims the investigation and pays
/// for its hints. On PostgreSQL, where every statement is a round trip, they are one statement
/// however many.
pub(in crate::store) async fn submit(
    conn: &mut Conn,
    versions: &mut Versions,
    submissions: &[&Submission],
) -> Result<Vec<(i64, f64)>, sqlx::Error> {
    for Submission { attempt, .. } in submissions {
        let version = (attempt.scenario.clone(), attempt.rubric_version.clone());
        if !versions.stored.contains(&version) && !versions.new.contains(&version) {
            rubric_version(
                &mut *conn,
                &attempt.scenario,
                &attempt.rubric_version,
                &attempt.rubric_json,
                attempt.submitted_at,
            )
            .await?;
            versions.new.push(version);
        }
    }
    if super::POSTGRES {
        super::insert_submissions(conn, submissions).await
    } else {
        insert_each(conn, submissions).await
    }
}

/// [`submit`] one at a time: what SQLite runs, in process.
pub(in crate::store) async fn insert_each(
    conn: &mut Conn,
    submissions: &[&Submission],
) -> Result<Vec<(i64, f64)>, sqlx::Error> {
    let mut stored = Vec::with_capacity(submissions.len());
    for Submission { public_id, attempt } in submissions {
        let (learner, scenario) = (&attempt.learner, &attempt.scenario);
        // Each statement is a hop to SQLite's thread: claim only what is there.
        let (penalty, under_way) =
            super::investigations::pending(&mut *conn, learner, scenario).await?;
        let id = insert_attempt(&mut *conn, public_id, attempt, penalty).await?;
        if under_way {
            super::investigations::claim(&mut *conn, id, learner, scenario).await?;
        }
        stored.push((id, after_hints(attempt.score, penalty)));
    }
    Ok(stored)
}

pub(in crate::store) const INSERT_RUBRIC_VERSION: &str = "INSERT INTO rubric_versions (scenario, version, rubric, created_at) \
     VALUES ($1, $2, $3, $4) ON CONFLICT (scenario, version) DO NOTHING";

/// Records a rubric version unless it is known already.
pub(in crate::store) async fn rubric_version(
    conn: &mut Conn,
    scenario: &str,
    version: &str,
    rubric: &str,
    at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(INSERT_RUBRIC_VERSION)
        .bind(scenario)
        .bind(version)
        .bind(rubric)
        .bind(at)
        .execute(conn)
        .await?;
    Ok(())
}

pub(in crate::store) const REGRADE: &str = "UPDATE attempts SET rubric_version = $1, verdicts = $2, machine_score = $3, \
     total = $4 WHERE id = $5";

/// Stores an attempt's new grade and the rubric version it came from; part of the writer's
/// transaction.
pub(in crate::store) async fn regrade(conn: &mut Conn, r: &Regraded) -> Result<(), sqlx::Error> {
    rubric_version(
        &mut *conn,
        &r.scenario,
        &r.rubric_version,
        &r.rubric_json,
        r.at,
    )
    .await?;
    sqlx::query(REGRADE)
        .bind(&r.rubric_version)
        .bind(&r.verdicts_json)
        .bind(r.score)
        .bind(r.total)
        .bind(r.id)
        .execute(&mut *conn)
        .await?;
    settle(conn, r.id, r.settle).await
}

pub(in crate::store) const SETTLE_VERDICTS: &str =
    "SELECT verdicts, hint_penalty FROM attempts WHERE id = $1";
pub(in crate::store) const SETTLE_OVERRIDES: &str =
    "SELECT item_id, verdict FROM overrides WHERE attempt_id = $1";
pub(in crate::store) const SETTLE: &str = "UPDATE attempts SET score = $1, covered = $2 WHERE id = $3";

/// Sets the attempt's shown score and covered count from its verdicts and overrides; part of
/// the writer's transaction.
pub(in crate::store) async fn settle(
    conn: &mut Conn,
    id: i64,
    settle: Settle,
) -> Result<(), sqlx::Error> {
    let stored: Option<(String, f64)> = sqlx::query_as(SETTLE_VERDICTS)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    let Some((verdicts, hint_penalty)) = stored else {
        return Ok(());
    };
    let overrides: Vec<(String, String)> = sqlx::query_as(SETTLE_OVERRIDES)
        .bind(id)
        .fetch_all(&mut *conn)
        .await?;
    let Some((score, covered)) = settle(&verdicts, &overrides) else {
        return Ok(());
    };
    sqlx::query(SETTLE)
        .bind(after_hints(score, hint_penalty))
        .bind(covered)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// A score less what hints cost, never below zero.
pub fn after_hints(score: f64, hint_penalty: f64) -> f64 {
    (score - hint_penalty).max(0.0)
}

pub(in crate::store) const ID_OF: &str = "SELECT id FROM attempts WHERE public_id = $1 AND learner = $2";

/// The row id of the attempt with this public id when it is the learner's: "not yours" and
/// "no such attempt" are the same `None`.
pub(in crate::store) async fn id_of(
    db: impl Exec<'_>,
    public_id: &str,
    learner: &str,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(ID_OF)
        .bind(public_id)
        .bind(learner)
        .fetch_optional(db)
        .await
}

pub(in crate::store) const INSERT_ATTEMPT: &str = "INSERT INTO attempts (public_id, learner, scenario, rubric_version, answer, verdicts, \
     score, machine_score, covered, total, revealed_before, started_at, submitted_at, \
     hint_penalty) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id";

async fn insert_attempt(
    conn: &mut Conn,
    public_id: &str,
    attempt: &NewAttempt,
    hint_penalty: f64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(INSERT_ATTEMPT)
        .bind(public_id)
        .bind(&attempt.learner)
        .bind(&attempt.scenario)
        .bind(&attempt.rubric_version)
        .bind(&attempt.answer)
        .bind(&attempt.verdicts_json)
        .bind(after_hints(attempt.score, hint_penalty))
        .bind(attempt.score)
        .bind(attempt.covered)
        .bind(attempt.total)
        .bind(attempt.revealed_before)
        .bind(attempt.started_at)
        .bind(attempt.submitted_at)
        .bind(hint_penalty)
        .fetch_one(conn)
        .await
}

pub(in crate::store) const FIND: &str = "SELECT id, public_id, learner, scenario, rubric_version, answer, verdicts, score, \
     machine_score, covered, total, revealed_before, started_at, submitted_at, hint_penalty \
     FROM attempts WHERE public_id = $1 AND learner = $2";

/// The attempt with this public id when it is the learner's.
pub(in crate::store) async fn find(
    db: impl Exec<'_>,
    public_id: &str,
    learner: &str,
) -> Result<Option<Attempt>, sqlx::Error> {
    sqlx::query_as(FIND)
        .bind(public_id)
        .bind(learner)
        .fetch_optional(db)
        .await
}

/// One page of a learner's history: the attempts before `before`, newest first, ties in time
/// by id; it walks `attempts_by_learner` in order.
pub(in crate::store) const PAGE_OF_LEARNER: &str = "SELECT id, public_id, scenario, score, covered, total, \
     submitted_at FROM attempts WHERE learner = $1 AND (submitted_at, id) < ($2, $3) \
     ORDER BY submitted_at DESC, id DESC LIMIT $4";

/// The learner's attempts before `before`, newest first, at most `limit`.
pub(in crate::store) async fn of_learner(
    db: impl Exec<'_>,
    learner: &str,
    before: Position,
    limit: u32,
) -> Result<Vec<AttemptSummary>, sqlx::Error> {
    sqlx::query_as(PAGE_OF_LEARNER)
        .bind(learner)
        .bind(before.at)
        .bind(before.id)
        .bind(i64::from(limit))
        .fetch_all(db)
        .await
}

/// Each scenario's best score of the learner: one row per scenario, from
/// `attempts_by_learner_scenario`.
pub(in crate::store) const BEST_OF_LEARNER: &str =
    "SELECT scenario, MAX(score) FROM attempts WHERE learner = $1 GROUP BY scenario";

/// The learner's best score on each scenario they answered.
pub(in crate::store) async fn best_of_learner(
    db: impl Exec<'_>,
    learner: &str,
) -> Result<Vec<(String, f64)>, sqlx::Error> {
    sqlx::query_as(BEST_OF_LEARNER)
        .bind(learner)
        .fetch_all(db)
        .await
}

pub(in crate::store) const EXISTS_FOR: &str =
    "SELECT EXISTS (SELECT 1 FROM attempts WHERE learner = $1 AND scenario = $2)";

/// Whether the learner has any attempt at the scenario.
pub(in crate::store) async fn exists_for(
    db: impl Exec<'_>,
    learner: &str,
    scenario: &str,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar(EXISTS_FOR)
        .bind(learner)
        .bind(scenario)
        .fetch_one(db)
        .await
}

pub(in crate::store) const COUNT_ATTEMPTS: &str = "SELECT COUNT(*) FROM attempts";

/// How many attempts are stored.
pub(in crate::store) async fn count(db: impl Exec<'_>) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(COUNT_ATTEMPTS).fetch_one(db).await
}

pub(in crate::store) const NEWEST_OF_SCENARIO: &str = "SELECT answer, verdicts, score, covered, total, \
     submitted_at FROM attempts WHERE scenario = $1 ORDER BY id DESC LIMIT $2";

/// The scenario's newest attempts, newest first, at most `limit`: what the statistics page shows
/// of them, without who wrote them.
pub(in crate::store) async fn newest(
    db: impl Exec<'_>,
    scenario: &str,
    limit: u32,
) -> Result<Vec<RecentAttempt>, sqlx::Error> {
    sqlx::query_as(NEWEST_OF_SCENARIO)
        .bind(scenario)
        .bind(i64::from(limit))
        .fetch_all(db)
        .await
}

pub(in crate::store) const OTHER_VERSIONS: &str =
    "SELECT version FROM rubric_versions WHERE scenario = $1 AND version <> $2";

/// The rubric versions recorded for the scenario other than `current`, in no set order.
pub(in crate::store) async fn other_versions(
    db: impl Exec<'_>,
    scenario: &str,
    current: &str,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(OTHER_VERSIONS)
        .bind(scenario)
        .bind(current)
        .fetch_all(db)
        .await
}

pub(in crate::store) const COUNT_GRADED_BY: &str =
    "SELECT COUNT(*) FROM attempts WHERE scenario = $1 AND rubric_version = $2";

/// How many of the scenario's attempts were graded against the version.
pub(in crate::store) async fn count_graded_by(
    db: impl Exec<'_>,
    scenario: &str,
    version: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(COUNT_GRADED_BY)
        .bind(scenario)
        .bind(version)
        .fetch_one(db)
        .await
}

pub(in crate::store) const GRADED_BY: &str = "SELECT id, public_id, answer, verdicts, score, hint_penalty \
     FROM attempts \
     WHERE scenario = $1 AND rubric_version = $2 AND id > $3 ORDER BY id LIMIT $4";
pub(in crate::store) const PAGE_OVERRIDES: &str = "SELECT attempt_id, item_id, verdict FROM overrides \
     WHERE attempt_id >= $1 AND attempt_id <= $2";

/// A page of the scenario's attempts graded against the version, after row id `after`, with
/// each one's overrides.
pub(in crate::store) async fn graded_by(
    db: impl Exec<'_> + Copy,
    scenario: &str,
    version: &str,
    after: i64,
    limit: u32,
) -> Result<Vec<ToRegrade>, sqlx::Error> {
    let rows: Vec<(i64, String, String, String, f64, f64)> = sqlx::query_as(GRADED_BY)
        .bind(scenario)
        .bind(version)
        .bind(after)
        .bind(i64::from(limit))
        .fetch_all(db)
        .await?;
    let (Some(first), Some(last)) = (rows.first(), rows.last()) else {
        return Ok(Vec::new());
    };
    // One read for the page's overrides: its ids are a range of the overrides' key.
    let overrides: Vec<(i64, String, String)> = sqlx::query_as(PAGE_OVERRIDES)
        .bind(first.0)
        .bind(last.0)
        .fetch_all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(
            |(id, public_id, answer, verdicts, score, hint_penalty)| ToRegrade {
                overrides: overrides
                    .iter()
                    .filter(|(a, _, _)| *a == id)
                    .map(|(_, item, verdict)| (item.clone(), verdict.clone()))
                    .collect(),
                id,
                public_id,
                answer,
                verdicts,
                score,
                hint_penalty,
            },
        )
        .collect())
}
