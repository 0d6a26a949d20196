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

/// Stores `value` under `key` unless a value is there already, and returns the stored one;
/// part of the writer's transaction, so concurrent first uses agree.
pub(super) async fn get_or_insert(
    conn: &mut SqliteConnection,
    key: &str,
    value: &[u8],
) -> Result<Vec<u8>, sqlx::Error> {
    sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING")
        .bind(key)
        .bind(value)
        .execute(&mut *conn)
        .await?;
    sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
        .bind(key)
        .fetch_one(conn)
        .await
}
