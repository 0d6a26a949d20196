//! SQL for settings: values kept across restarts, by key.

use sqlx::{SqliteConnection, SqliteExecutor};

/// The value stored under `key`, if any.
pub(super) async fn get(
    db: impl SqliteExecutor<'_>,
    key: &str,
) -> Result<Option<Vec<u8>>, sqlx::Error> {
    sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
        .bind(key)
        .fetch_optional(db)
        .await
}

/// Stores `value` under `key`, replacing any. Part of the writer's transaction.
pub(super) async fn set(
    conn: &mut SqliteConnection,
    key: &str,
    value: &[u8],
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO settings (key, value) VALUES ($1, $2) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(key)
    .bind(value)
    .execute(conn)
    .await?;
    Ok(())
}

/// Deletes the value under `key`, if any. Part of the writer's transaction.
pub(super) async fn delete(conn: &mut SqliteConnection, key: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM settings WHERE key = $1")
        .bind(key)
        .execute(conn)
        .await?;
    Ok(())
}
