//! SQL for accounts and their sessions.

use sqlx::{SqliteConnection, SqliteExecutor};

use super::model::{NewSession, NewUser, RoleChange, Session, User, UserSession};

/// The learner key a user's attempts and reveals are kept under.
pub fn learner_key(user_id: i64) -> String {
    format!("user:{user_id}")
}

/// Inserts the user; `None` when the name is taken. Part of the writer's transaction.
pub(super) async fn insert(
    conn: &mut SqliteConnection,
    user: &NewUser,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO users (name, password_hash, role, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (name) DO NOTHING RETURNING id",
    )
    .bind(&user.name)
    .bind(&user.password_hash)
    .bind(&user.role)
    .bind(user.created_at)
    .fetch_optional(conn)
    .await
}

/// The start of every query for users (a macro so `concat!` can extend it).
macro_rules! select_users {
    () => {
        "SELECT id, name, password_hash, role, created_at, last_sign_in_at FROM users"
    };
}

/// The user with this name, compared without regard to case.
pub(super) async fn by_name(
    db: impl SqliteExecutor<'_>,
    name: &str,
) -> Result<Option<User>, sqlx::Error> {
    sqlx::query_as(concat!(select_users!(), " WHERE name = $1"))
        .bind(name)
        .fetch_optional(db)
        .await
}

/// Every user, by name.
pub(super) async fn all(db: impl SqliteExecutor<'_>) -> Result<Vec<User>, sqlx::Error> {
    sqlx::query_as(concat!(select_users!(), " ORDER BY name"))
        .fetch_all(db)
        .await
}

/// At most `limit` users by name, after the name `after` (compared without case): one page.
pub(super) async fn page(
    db: impl SqliteExecutor<'_>,
    after: &str,
    limit: u32,
) -> Result<Vec<User>, sqlx::Error> {
    sqlx::query_as(concat!(
        select_users!(),
        " WHERE name > $1 ORDER BY name LIMIT $2"
    ))
    .bind(after)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// Gives the user a role, unless that would leave no admin. Part of the writer's transaction.
pub(super) async fn set_role(
    conn: &mut SqliteConnection,
    name: &str,
    role: &str,
) -> Result<RoleChange, sqlx::Error> {
    let current: Option<String> = sqlx::query_scalar("SELECT role FROM users WHERE name = $1")
        .bind(name)
        .fetch_optional(&mut *conn)
        .await?;
    let Some(current) = current else {
        return Ok(RoleChange::NoSuchUser);
    };
    if current == "admin" && role != "admin" {
        let admins: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role = 'admin'")
            .fetch_one(&mut *conn)
            .await?;
        if admins <= 1 {
            return Ok(RoleChange::LastAdmin);
        }
    }
    sqlx::query("UPDATE users SET role = $1 WHERE name = $2")
        .bind(role)
        .bind(name)
        .execute(conn)
        .await?;
    Ok(RoleChange::Changed)
}

/// Starts a session: deletes expired sessions, moves this browser's anonymous attempts and
/// reveals to the user, and records the sign-in. Part of the writer's transaction, so the
/// session and the adopted attempts appear together.
pub(super) async fn start_session(
    conn: &mut SqliteConnection,
    s: &NewSession,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE last_seen_at < $1")
        .bind(s.expired_before)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, csrf, created_at, last_seen_at) \
         VALUES ($1, $2, $3, $4, $4)",
    )
    .bind(&s.token_hash)
    .bind(s.user_id)
    .bind(&s.csrf)
    .bind(s.at)
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE users SET last_sign_in_at = $1 WHERE id = $2")
        .bind(s.at)
        .bind(s.user_id)
        .execute(&mut *conn)
        .await?;
    if let Some(anonymous) = &s.adopt {
        adopt(conn, anonymous, &learner_key(s.user_id)).await?;
    }
    Ok(())
}

/// Moves an anonymous learner's attempts and reveals to a user (keeping the user's earlier
/// reveal of a scenario when both have one).
async fn adopt(conn: &mut SqliteConnection, from: &str, to: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE attempts SET learner = $1 WHERE learner = $2")
        .bind(to)
        .bind(from)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO reveals (learner, scenario, at) SELECT $1, scenario, at FROM reveals \
         WHERE learner = $2 ON CONFLICT (learner, scenario) DO NOTHING",
    )
    .bind(to)
    .bind(from)
    .execute(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM reveals WHERE learner = $1")
        .bind(from)
        .execute(conn)
        .await?;
    Ok(())
}

/// The session with this token hash and its user, whatever its age.
pub(super) async fn session(
    db: impl SqliteExecutor<'_>,
    token_hash: &[u8],
) -> Result<Option<Session>, sqlx::Error> {
    sqlx::query_as(
        "SELECT s.user_id, u.name, u.role, s.csrf, s.created_at, s.last_seen_at \
         FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(db)
    .await
}

/// The user's sessions, most recently used first, whatever their age.
pub(super) async fn sessions_of(
    db: impl SqliteExecutor<'_>,
    user_id: i64,
) -> Result<Vec<UserSession>, sqlx::Error> {
    sqlx::query_as(
        "SELECT token_hash, created_at, last_seen_at FROM sessions WHERE user_id = $1 \
         ORDER BY last_seen_at DESC, created_at DESC",
    )
    .bind(user_id)
    .fetch_all(db)
    .await
}

/// Records that the session was used at `at`. Part of the writer's transaction.
pub(super) async fn touch_session(
    conn: &mut SqliteConnection,
    token_hash: &[u8],
    at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
        .bind(at)
        .bind(token_hash)
        .execute(conn)
        .await?;
    Ok(())
}

/// Deletes the session. Part of the writer's transaction.
pub(super) async fn end_session(
    conn: &mut SqliteConnection,
    token_hash: &[u8],
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(conn)
        .await?;
    Ok(())
}

/// Deletes every session: everyone is signed out. Part of the writer's transaction.
pub(super) async fn end_all_sessions(conn: &mut SqliteConnection) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions").execute(conn).await?;
    Ok(())
}

/// Replaces the user's password hash and ends their sessions, all but `keep` (the one that
/// changed it, if any). Part of the writer's transaction; `false` when there is no such user.
pub(super) async fn set_password(
    conn: &mut SqliteConnection,
    name: &str,
    hash: &str,
    keep: Option<&[u8]>,
) -> Result<bool, sqlx::Error> {
    let id: Option<i64> =
        sqlx::query_scalar("UPDATE users SET password_hash = $1 WHERE name = $2 RETURNING id")
            .bind(hash)
            .bind(name)
            .fetch_optional(&mut *conn)
            .await?;
    let Some(id) = id else {
        return Ok(false);
    };
    sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash IS NOT $2")
        .bind(id)
        .bind(keep)
        .execute(conn)
        .await?;
    Ok(true)
}
