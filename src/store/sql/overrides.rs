//! SQL for overrides: a learner's verdict on one rubric item of their own attempt.

use super::{Conn, Exec};

use super::model::{NewOverride, Override};

pub(in crate::store) const UPSERT_OVERRIDE: &str = "INSERT INTO overrides (attempt_id, item_id, verdict, by_whom, at) \
     VALUES ($1, $2, $3, $4, $5) \
     ON CONFLICT (attempt_id, item_id) DO UPDATE \
     SET verdict = excluded.verdict, by_whom = excluded.by_whom, at = excluded.at";

/// Records or replaces the override of an item of the attempt with this row id (whose owner
/// the caller has checked); part of the writer's transaction.
pub(in crate::store) async fn upsert(
    conn: &mut Conn,
    attempt_id: i64,
    o: &NewOverride,
) -> Result<(), sqlx::Error> {
    sqlx::query(UPSERT_OVERRIDE)
        .bind(attempt_id)
        .bind(&o.item_id)
        .bind(&o.verdict)
        .bind(&o.by_whom)
        .bind(o.at)
        .execute(conn)
        .await?;
    Ok(())
}

pub(in crate::store) const OVERRIDES_OF_ATTEMPT: &str = "SELECT item_id, verdict, by_whom, at FROM overrides WHERE attempt_id = $1 \
     ORDER BY item_id";

/// The attempt's overrides, by rubric item id.
pub(in crate::store) async fn of_attempt(
    db: impl Exec<'_>,
    attempt_id: i64,
) -> Result<Vec<Override>, sqlx::Error> {
    sqlx::query_as(OVERRIDES_OF_ATTEMPT)
        .bind(attempt_id)
        .fetch_all(db)
        .await
}
