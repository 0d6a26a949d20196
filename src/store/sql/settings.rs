//! SQL for settings: values kept across restarts, by key.

use super::{Conn, Exec};

pub(in crate::store) const GET_SETTING: &str = "SELECT value FROM settings WHERE key = $1";

/// The value stored under `key`, if any.
pub(in crate::store) async fn get(
    db: impl Exec<'_>,
    key: &str,
) -> Result<Option<Vec<u8>>, sqlx::Error> {
    sqlx::query_scalar(GET_SETTING)
        .bind(key)
        .fetch_optional(db)
        .await
}

pub(in crate::store) const SET_SETTING: &str = "INSERT INTO settings (key, value) VALUES ($1, $2) \
     ON CONFLICT (key) DO UPDATE SET value = excluded.value";

/// Stores `value` under `key`, replacing any. Part of the writer's transaction.
pub(in crate::store) async fn set(
    conn: &mut Conn,
    key: &str,
    value: &[u8],
) -> Result<(), sqlx::Error> {
    sqlx::query(SET_SETTING)
        .bind(key)
        .bind(value)
        .execute(conn)
        .await?;
    Ok(())
}

pub(in crate::store) const DELETE_SETTING: &str = "DELETE FROM settings WHERE key = $1";

/// Deletes the value under `key`, if any. Part of the writer's transaction.
pub(in crate::store) async fn delete(conn: &mut Conn, key: &str) -> Result<(), sqlx::Error> {
    sqlx::query(DELETE_SETTING).bind(key).execute(conn).await?;
    Ok(())
}
