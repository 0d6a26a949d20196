//! Connection settings, opening the database and migrating it.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use anyhow::Context as _;
use sqlx::migrate::Migrator;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{ConnectOptions as _, SqliteConnection};

/// Read connections; SQLite in WAL mode lets them read while the writer commits.
const READERS: u32 = 4;

pub(super) static MIGRATOR: Migrator = sqlx::migrate!("migrations/sqlite");

/// Whether a missing database may be made: `serve` and `user add` make one, commands that only
/// work on what is stored (`rescore`, `user list`, `secret rotate`) refuse to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    Create,
    Refuse,
}

/// The database a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Checks the URL's scheme: `sqlite:` (or a plain file path) and `postgres:` (`postgresql:`)
/// are what the store opens; anything else gets an error naming the schemes it takes.
pub fn check_scheme(url: &str) -> anyhow::Result<()> {
    backend(url).map(drop)
}

/// The backend the URL's scheme names.
pub fn backend(url: &str) -> anyhow::Result<Backend> {
    let scheme = url
        .split_once(':')
        .map(|(s, _)| s.to_ascii_lowercase())
        .filter(|s| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        })
        // `C:\data\x.db` is a path, not a scheme.
        .filter(|s| s.len() > 1);
    match scheme.as_deref() {
        None | Some("sqlite") => Ok(Backend::Sqlite),
        Some("postgres" | "postgresql") => Ok(Backend::Postgres),
        Some(other) => anyhow::bail!(
            "unsupported database scheme `{other}:`; firedrill takes a SQLite URL such \
             as `sqlite://firedrill.db` (or `sqlite:///var/lib/firedrill/firedrill.db`) or a \
             PostgreSQL one such as `postgres://firedrill@db.internal/firedrill`"
        ),
    }
}

/// The settings every connection uses: WAL, a sync on every commit, foreign keys enforced.
pub(super) fn options(url: &str, missing: Missing) -> anyhow::Result<SqliteConnectOptions> {
    check_scheme(url)?;
    let options = SqliteConnectOptions::from_str(url)
        .with_context(|| format!("reading the database URL `{url}`"))?;
    let file = options.get_filename();
    let in_memory = url.contains(":memory:") || file.as_os_str().is_empty();
    if missing == Missing::Refuse && !in_memory && !file.exists() {
        anyhow::bail!(
            "there is no database at `{}`: check the path, or run `firedrill serve` (or \
             `firedrill user add`) with this `--database` to create one",
            file.display()
        );
    }
    Ok(options
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5)))
}

/// Makes the database file, and its WAL and shared-memory files when present, readable and
/// writable by their owner only. A missing database file is first created so, empty, before
/// SQLite opens it (SQLite gives the files it makes beside a database the database's mode);
/// when that fails, SQLite's own error on opening says why.
pub(super) fn owner_only(file: &Path) -> anyhow::Result<()> {
    if file.as_os_str().is_empty() || file == Path::new(":memory:") {
        return Ok(());
    }
    if !file.exists() {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let _ = options.open(file);
    }
    for suffix in ["", "-wal", "-shm"] {
        let mut name = file.as_os_str().to_owned();
        name.push(suffix);
        let path = std::path::PathBuf::from(name);
        crate::secrets::owner_only(&path)
            .with_context(|| format!("cannot make `{}` owner-only", path.display()))?;
    }
    Ok(())
}

/// Opens the one connection that writes, creating the file when missing, and migrates.
pub(super) async fn writer(options: &SqliteConnectOptions) -> anyhow::Result<SqliteConnection> {
    let mut conn = options.connect().await.context("opening the database")?;
    MIGRATOR
        .run(&mut conn)
        .await
        .context("migrating the database")?;
    // Statistics for the query planner where they are missing or stale (on a new connection,
    // SQLite advises 0x10002: look at every table, within a bounded effort).
    optimize(&mut conn, "PRAGMA optimize=0x10002").await;
    Ok(conn)
}

/// Runs `PRAGMA optimize` in the form given; a failure only costs plans, so it is logged.
pub(super) async fn optimize(conn: &mut SqliteConnection, pragma: &'static str) {
    if let Err(err) = sqlx::query(pragma).execute(conn).await {
        tracing::warn!(%err, "could not refresh the query planner's statistics");
    }
}

/// Opens the pool of read-only connections; call after [`writer`] created the file.
pub(super) async fn readers(options: &SqliteConnectOptions) -> anyhow::Result<SqlitePool> {
    SqlitePoolOptions::new()
        .max_connections(READERS)
        // A connection to a local file does not go stale; skip the ping before each read.
        .test_before_acquire(false)
        .connect_with(options.clone().read_only(true))
        .await
        .context("opening the read connections")
}

/// The journal mode, `synchronous` level and `foreign_keys` flag in effect on `conn`.
pub(super) async fn pragmas(
    conn: &mut SqliteConnection,
) -> Result<(String, i64, i64), sqlx::Error> {
    let journal_mode = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&mut *conn)
        .await?;
    let synchronous = sqlx::query_scalar("PRAGMA synchronous")
        .fetch_one(&mut *conn)
        .await?;
    let foreign_keys = sqlx::query_scalar("PRAGMA foreign_keys")
        .fetch_one(conn)
        .await?;
    Ok((journal_mode, synchronous, foreign_keys))
}
