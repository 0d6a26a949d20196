//! SQL for accounts and their sessions.

use super::{Conn, Exec};

use super::model::{NewSession, NewUser, RoleChange, Session, User, UserSession};

/// The learner key a user's attempts and reveals are kept under.
pub fn learner_key(user_id: i64) -> String {
    format!("user:{user_id}")
}

pub(in crate::store) const INSERT_USER: &str = "INSERT INTO users (name, password_hash, role, created_at) VALUES ($1, $2, $3, $4) \
     ON CONFLICT (name) DO NOTHING RETURNING id";

/// Inserts the user; `None` when the name is taken. Part of the writer's transaction.
pub(in crate::store) async fn insert(
    conn: &mut Conn,
    user: &NewUser,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(INSERT_USER)
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

pub(in crate::store) const USER_BY_NAME: &str = concat!(select_users!(), " WHERE name = $1");

/// The user with this name, compared without regard to case.
pub(in crate::store) async fn by_name(
    db: impl Exec<'_>,
    name: &str,
) -> Result<Option<User>, sqlx::Error> {
    sqlx::query_as(USER_BY_NAME)
        .bind(name)
        .fetch_optional(db)
        .await
}

pub(in crate::store) const ALL_USERS: &str = concat!(select_users!(), " ORDER BY name");

/// Every user, by name.
pub(in crate::store) async fn all(db: impl Exec<'_>) -> Result<Vec<User>, sqlx::Error> {
    sqlx::query_as(ALL_USERS).fetch_all(db).await
}

pub(in crate::store) const USERS_PAGE: &str =
    concat!(select_users!(), " WHERE name > $1 ORDER BY name LIMIT $2");
/// At most `limit` users by name, after the name `after` (compared without case): one page.
pub(in crate::store) async fn page(
    db: impl Exec<'_>,
    after: &str,
    limit: u32,
) -> Result<Vec<User>, sqlx::Error> {
    sqlx::query_as(USERS_PAGE)
        .bind(after)
        .bind(i64::from(limit))
        .fetch_all(db)
        .await
}

pub(in crate::store) const ROLE_OF: &str = "SELECT role FROM users WHERE name = $1";
pub(in crate::store) const SET_ROLE_ADMINS: &str = "SELECT COUNT(*) FROM users WHERE role = 'admin'";
pub(in crate::store) const SET_ROLE: &str = "UPDATE users SET role = $1 WHERE name = $2";

/// Gives the user a role, unless that would leave no admin. Part of the writer's transaction.
pub(in crate::store) async fn set_role(
    conn: &mut Conn,
    name: &str,
    role: &str,
) -> Result<RoleChange, sqlx::Error> {
    let current: Option<String> = sqlx::query_scalar(ROLE_OF)
        .bind(name)
        .fetch_optional(&mut *conn)
        .await?;
    let Some(current) = current else {
        return Ok(RoleChange::NoSuchUser);
    };
    if current == "admin" && role != "admin" {
        let admins: i64 = sqlx::query_scalar(SET_ROLE_ADMINS)
            .fetch_one(&mut *conn)
            .await?;
        if admins <= 1 {
            return Ok(RoleChange::LastAdmin);
        }
    }
    sqlx::query(SET_ROLE)
        .bind(role)
        .bind(name)
        .execute(conn)
        .await?;
    Ok(RoleChange::Changed)
}

pub(in crate::store) const DELETE_EXPIRED_SESSIONS: &str = "DELETE FROM sessions WHERE last_seen_at < $1";
pub(in crate::store) const INSERT_SESSION: &str = "INSERT INTO sessions (token_hash, user_id, csrf, created_at, last_seen_at) \
     VALUES ($1, $2, $3, $4, $4)";
pub(in crate::store) const SET_LAST_SIGN_IN: &str = "UPDATE users SET last_sign_in_at = $1 WHERE id = $2";

/// Starts a session: deletes expired sessions, moves this browser's anonymous attempts and
/// reveals to the user, and records the sign-in. Part of the writer's transaction, so the
/// session and the adopted attempts appear together.
pub(in crate::store) async fn start_session(
    conn: &mut Conn,
    s: &NewSession,
) -> Result<(), sqlx::Error> {
    sqlx::query(DELETE_EXPIRED_SESSIONS)
        .bind(s.expired_before)
        .execute(&mut *conn)
        .await?;
    sqlx::query(INSERT_SESSION)
        .bind(&s.token_hash)
        .bind(s.user_id)
        .bind(&s.csrf)
        .bind(s.at)
        .execute(&mut *conn)
        .await?;
    sqlx::query(SET_LAST_SIGN_IN)
        .bind(s.at)
        .bind(s.user_id)
        .execute(&mut *conn)
        .await?;
    if let Some(anonymous) = &s.adopt {
        adopt(conn, anonymous, &learner_key(s.user_id)).await?;
    }
    Ok(())
}

pub(in crate::store) const ADOPT_ATTEMPTS: &str = "UPDATE attempts SET learner = $1 WHERE learner = $2";
pub(in crate::store) const ADOPT_REVEALS: &str = "INSERT INTO reveals (learner, scenario, at) SELECT $1, scenario, at FROM reveals \
     WHERE learner = $2 ON CONFLICT (learner, scenario) DO NOTHING";
pub(in crate::store) const DROP_ADOPTED_REVEALS: &str = "DELETE FROM reveals WHERE learner = $1";

/// Moves an anonymous learner's attempts, reveals and gauntlet runs to a user (keeping the user's earlier
/// reveal of a scenario when both have one).
async fn adopt(conn: &mut Conn, from: &str, to: &str) -> Result<(), sqlx::Error> {
    sqlx::query(ADOPT_ATTEMPTS)
        .bind(to)
        .bind(from)
        .execute(&mut *conn)
        .await?;
    sqlx::query(ADOPT_REVEALS)
        .bind(to)
        .bind(from)
        .execute(&mut *conn)
        .await?;
    sqlx::query(DROP_ADOPTED_REVEALS)
        .bind(from)
        .execute(&mut *conn)
        .await?;
    super::gauntlets::adopt(&mut *conn, from, to).await?;
    super::investigations::adopt(conn, from, to).await
}

pub(in crate::store) const SESSION: &str = "SELECT s.user_id, u.name, u.role, s.csrf, s.created_at, s.last_seen_at \
     FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1";

/// The session with this token hash and its user, whatever its age.
pub(in crate::store) async fn session(
    db: impl Exec<'_>,
    token_hash: &[u8],
) -> Result<Option<Session>, sqlx::Error> {
    sqlx::query_as(SESSION)
        .bind(token_hash)
        .fetch_optional(db)
        .await
}

pub(in crate::store) const SESSIONS_OF: &str = "SELECT token_hash, created_at, last_seen_at FROM sessions WHERE user_id = $1 \
     ORDER BY last_seen_at DESC, created_at DESC";

/// The user's sessions, most recently used first, whatever their age.
pub(in crate::store) async fn sessions_of(
    db: impl Exec<'_>,
    user_id: i64,
) -> Result<Vec<UserSession>, sqlx::Error> {
    sqlx::query_as(SESSIONS_OF)
        .bind(user_id)
        .fetch_all(db)
        .await
}

pub(in crate::store) const TOUCH_SESSION: &str =
    "UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2";
/// Records that the session was used at `at`. Part of the writer's transaction.
pub(in crate::store) async fn touch_session(
    conn: &mut Conn,
    token_hash: &[u8],
    at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(TOUCH_SESSION)
        .bind(at)
        .bind(token_hash)
        .execute(conn)
        .await?;
    Ok(())
}

pub(in crate::store) const END_SESSION: &str = "DELETE FROM sessions WHERE token_hash = $1";

/// Deletes the session. Part of the writer's transaction.
pub(in crate::store) async fn end_session(
    conn: &mut Conn,
    token_hash: &[u8],
) -> Result<(), sqlx::Error> {
    sqlx::query(END_SESSION)
        .bind(token_hash)
        .execute(conn)
        .await?;
    Ok(())
}

pub(in crate::store) const END_ALL_SESSIONS: &str = "DELETE FROM sessions";

/// Deletes every session: everyone is signed out. Part of the writer's transaction.
pub(in crate::store) async fn end_all_sessions(conn: &mut Conn) -> Result<(), sqlx::Error> {
    sqlx::query(END_ALL_SESSIONS).execute(conn).await?;
    Ok(())
}

pub(in crate::store) const SET_PASSWORD: &str =
    "UPDATE users SET password_hash = $1 WHERE name = $2 RETURNING id";
pub(in crate::store) const END_OTHER_SESSIONS: &str =
    "DELETE FROM sessions WHERE user_id = $1 AND token_hash IS NOT $2";
/// Replaces the user's password hash and ends their sessions, all but `keep` (the one that
/// changed it, if any). Part of the writer's transaction; `false` when there is no such user.
pub(in crate::store) async fn set_password(
    conn: &mut Conn,
    name: &str,
    hash: &str,
    keep: Option<&[u8]>,
) -> Result<bool, sqlx::Error> {
    let id: Option<i64> = sqlx::query_scalar(SET_PASSWORD)
        .bind(hash)
        .bind(name)
        .fetch_optional(&mut *conn)
        .await?;
    let Some(id) = id else {
        return Ok(false);
    };
    sqlx::query(END_OTHER_SESSIONS)
        .bind(id)
        .bind(keep)
        .execute(conn)
        .await?;
    Ok(true)
}
