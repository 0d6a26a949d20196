//! SQL for reveals: the first time a learner chose to see a scenario's expected answers.

use super::{Conn, Exec};

pub(in crate::store) const RECORD_REVEAL: &str = "INSERT INTO reveals (learner, scenario, at) VALUES ($1, $2, $3) \
     ON CONFLICT (learner, scenario) DO NOTHING";

/// Records the reveal unless one exists, keeping the first time; part of the writer's
/// transaction.
pub(in crate::store) async fn record(
    conn: &mut Conn,
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

pub(in crate::store) const REVEALED: &str =
    "SELECT EXISTS (SELECT 1 FROM reveals WHERE learner = $1 AND scenario = $2)";
/// Whether the learner has revealed the scenario.
pub(in crate::store) async fn exists(
    db: impl Exec<'_>,
    learner: &str,
    scenario: &str,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar(REVEALED)
        .bind(learner)
        .bind(scenario)
        .fetch_one(db)
        .await
}

pub(in crate::store) const PROGRESS: &str = "SELECT EXISTS (SELECT 1 FROM attempts WHERE learner = $1 AND scenario = $2), \
     EXISTS (SELECT 1 FROM reveals WHERE learner = $1 AND scenario = $2)";

/// Whether the learner has answered the scenario, and whether its answers are open to them
/// (answered or revealed): one query for a scenario page view.
pub(in crate::store) async fn progress(
    db: impl Exec<'_>,
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
