//! SQL for the simulated investigation: the commands a learner types on a scenario's console,
//! kept as the current investigation until an attempt claims them.

use sqlx::{SqliteConnection, SqliteExecutor};

use super::model::{NewCommand, TypedCommand};

pub(super) const INSERT_COMMAND: &str = "INSERT INTO investigation_commands \
     (learner, scenario, attempt, command, step, harm, at) VALUES ($1, $2, NULL, $3, $4, $5, $6)";

pub(super) const CURRENT: &str = "SELECT command, step, harm, at FROM investigation_commands \
     WHERE learner = $1 AND scenario = $2 AND attempt IS NULL ORDER BY id";

pub(super) const OF_ATTEMPT: &str = "SELECT command, step, harm, at FROM investigation_commands \
     WHERE attempt = $1 ORDER BY id";

pub(super) const CLAIM: &str = "UPDATE investigation_commands SET attempt = $1 \
     WHERE learner = $2 AND scenario = $3 AND attempt IS NULL";

pub(super) const ADOPT: &str = "UPDATE investigation_commands SET learner = $1 WHERE learner = $2";

/// Stores a typed command; part of the writer's transaction.
pub(super) async fn insert(conn: &mut SqliteConnection, c: &NewCommand) -> Result<(), sqlx::Error> {
    sqlx::query(INSERT_COMMAND)
        .bind(&c.learner)
        .bind(&c.scenario)
        .bind(&c.command)
        .bind(c.step)
        .bind(&c.harm)
        .bind(c.at)
        .execute(conn)
        .await?;
    Ok(())
}

/// The learner's current investigation of the scenario, in the order typed.
pub(super) async fn current(
    db: impl SqliteExecutor<'_>,
    learner: &str,
    scenario: &str,
) -> Result<Vec<TypedCommand>, sqlx::Error> {
    sqlx::query_as(CURRENT)
        .bind(learner)
        .bind(scenario)
        .fetch_all(db)
        .await
}

/// The investigation an attempt claimed.
pub(super) async fn of_attempt(
    db: impl SqliteExecutor<'_>,
    attempt: i64,
) -> Result<Vec<TypedCommand>, sqlx::Error> {
    sqlx::query_as(OF_ATTEMPT).bind(attempt).fetch_all(db).await
}

/// The current investigation becomes part of the attempt; part of the submission's transaction.
pub(super) async fn claim(
    conn: &mut SqliteConnection,
    attempt: i64,
    learner: &str,
    scenario: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(CLAIM)
        .bind(attempt)
        .bind(learner)
        .bind(scenario)
        .execute(conn)
        .await?;
    Ok(())
}

/// Moves an anonymous learner's commands to a user; part of the sign-in transaction.
pub(super) async fn adopt(
    conn: &mut SqliteConnection,
    from: &str,
    to: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(ADOPT).bind(to).bind(from).execute(conn).await?;
    Ok(())
}
