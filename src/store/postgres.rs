//! Opening and migrating a PostgreSQL database. The queries are `sql/`'s, compiled for
//! PostgreSQL in `store::pg`.
//!
//! Durability is PostgreSQL's: the writer commits with the server's `synchronous_commit`
//! (`on` by default: an acknowledged write is flushed to the write-ahead log). Several firedrill
//! instances may share one database; each has its own writer connection, and PostgreSQL
//! serializes what they change.

use std::str::FromStr as _;
use std::time::Duration;

use anyhow::Context as _;
use sqlx::migrate::{MigrateDatabase as _, Migrator};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::{ConnectOptions as _, PgConnection, Postgres};

use super::connect::Missing;

/// Read connections per instance.
const READERS: u32 = 8;

pub(super) static MIGRATOR: Migrator = sqlx::migrate!("migrations/postgres");

/// Connects the writer (migrating the database first) and the read pool; makes the database
/// when it is missing and `missing` allows.
pub(super) async fn open(url: &str, missing: Missing) -> anyhow::Result<(PgConnection, PgPool)> {
    let options = PgConnectOptions::from_str(url)
        .with_context(|| format!("reading the database URL `{}`", redacted(url)))?;
    let exists = Postgres::database_exists(url)
        .await
        .with_context(|| format!("connecting to PostgreSQL at `{}`", redacted(url)))?;
    if !exists {
        let name = options.get_database().unwrap_or("(the user's)").to_owned();
        if missing == Missing::Refuse {
            anyhow::bail!(
                "there is no database `{name}` on that PostgreSQL server: check the URL, or run \
                 `firedrill serve` (or `firedrill user add`) with this `--database` to create it"
            );
        }
        Postgres::create_database(url)
            .await
            .with_context(|| format!("creating the database `{name}` (does the role have CREATEDB? else create it and grant it to the role)"))?;
    }
    let mut conn = options.connect().await.context("opening the database")?;
    MIGRATOR
        .run(&mut conn)
        .await
        .context("migrating the database")?;
    let readers = PgPoolOptions::new()
        .max_connections(READERS)
        .acquire_timeout(Duration::from_secs(5))
        .connect_with(options)
        .await
        .context("opening the read connections")?;
    Ok((conn, readers))
}

/// What `Store::pragmas` reports for PostgreSQL: `synchronous_commit`, 2 when it is `on` (a
/// commit waits for the log's flush, like SQLite's FULL) else 0, and 1 (foreign keys are
/// always enforced).
pub(super) async fn settings(conn: &mut PgConnection) -> Result<(String, i64, i64), sqlx::Error> {
    let commit: String = sqlx::query_scalar("SHOW synchronous_commit")
        .fetch_one(conn)
        .await?;
    let level = if commit == "off" || commit == "local" {
        0
    } else {
        2
    };
    Ok((format!("synchronous_commit={commit}"), level, 1))
}

/// The URL without its password, for messages.
pub fn redacted(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("****"));
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}
