//! SQL for overrides: a learner's verdict on one rubric item of their own attempt.

use sqlx::{SqliteConnection, SqliteExecutor};

use super::model::{NewOverride, Override};

/// Records or replaces the override when the attempt is the learner's and returns the
/// attempt's row id; `None` when it is not. Part of the writer's transaction.
pub(super) async fn upsert(
    conn: &mut SqliteConnection,
    public_id: &str,
    learner: &str,
    o: &NewOverride,
) -> Result<Option<i64>, sqlx::Error> {
    // Selecting the attempt id with the owner in the WHERE clause makes "not yours" and
    // "no such attempt" the same zero-row insert, checked in the same statement as the write.
    sqlx::query_scalar(
        "INSERT INTO overrides (attempt_id, item_id, verdict, by_whom, at) \
         SELECT id, $1, $2, $3, $4 FROM attempts WHERE public_id = $5 AND learner = $6 \
         ON CONFLICT (attempt_id, item_id) DO UPDATE \
         SET verdict = excluded.verdict, by_whom = excluded.by_whom, at = excluded.at \
         RETURNING attempt_id",
    )
    .bind(&o.item_id)
    .bind(&o.verdict)
    .bind(&o.by_whom)
    .bind(o.at)
    .bind(public_id)
    .bind(learner)
    .fetch_optional(conn)
    .await
}

/// The attempt's overrides, by rubric item id.
pub(super) async fn of_attempt(
    db: impl SqliteExecutor<'_>,
    attempt_id: i64,
) -> Result<Vec<Override>, sqlx::Error> {
    sqlx::query_as(
        "SELECT item_id, verdict, by_whom, at FROM overrides WHERE attempt_id = $1 \
         ORDER BY item_id",
    )
    .bind(attempt_id)
    .fetch_all(db)
    .await
}

/// Every override of a scenario's attempts, as (attempt id, item id).
pub(super) async fn of_scenario(
    db: impl SqliteExecutor<'_>,
    scenario: &str,
) -> Result<Vec<(i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT o.attempt_id, o.item_id FROM overrides o \
         JOIN attempts a ON a.id = o.attempt_id WHERE a.scenario = $1",
    )
    .bind(scenario)
    .fetch_all(db)
    .await
}
