//! SQL for reveals: the first time a learner chose to see a scenario's expected answers.

use sqlx::{SqliteConnection, SqliteExecutor};

pub(super) const RECORD_REVEAL: &str = "INSERT INTO reveals (learner, scenario, at) VALUES ($1, $2, $3) \
     ON CONFLICT (learner, scenario) DO NOTHING";

/// Records the reveal unless one exists, keeping the first time; part of the writer's
/// transaction.
pub(super) async fn record(
    conn: &mut SqliteConnection,
    learner: &str,
    scenario: &str,
    at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(RECORD_REVEAL)
        .bind(learner)
        .bind(scenario)
        .bind(at)
        .execute(conn)
        .await?;
    Ok(())
}

pub(super) const REVEALED: &str =
    "SELECT EXISTS (SELECT 1 FROM reveals WHERE learner = $1 AND scenario = $2)";
/// Whether the learner has revealed the scenario.
pub(super) async fn exists(
    db: impl SqliteExecutor<'_>,
    learner: &str,
    scenario: &str,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar(REVEALED)
        .bind(learner)
        .bind(scenario)
        .fetch_one(db)
        .await
}

pub(super) const PROGRESS: &str = "SELECT EXISTS (SELECT 1 FROM attempts WHERE learner = $1 AND scenario = $2), \
     EXISTS (SELECT 1 FROM reveals WHERE learner = $1 AND scenario = $2)";

/// Whether the learner has answered the scenario, and whether its answers are open to them
/// (answered or revealed): one query for a scenario page view.
pub(super) async fn progress(
    db: impl SqliteExecutor<'_>,
    learner: &str,
    scenario: &str,
) -> Result<(bool, bool), sqlx::Error> {
    sqlx::query_as(PROGRESS)
        .bind(learner)
        .bind(scenario)
        .fetch_one(db)
        .await
        .map(|(attempted, revealed): (bool, bool)| (attempted, attempted || revealed))
}
