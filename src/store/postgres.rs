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

use sqlx::postgres::PgListener;
use tokio::sync::broadcast;

use super::changes::{CHANNEL, Change};
use super::connect::Missing;
use super::idle_cache::IdleCache;
use super::session_cache::SessionCache;

/// Read connections per instance.
const READERS: u32 = 8;

pub(super) static MIGRATOR: Migrator = sqlx::migrate!("migrations/postgres");

/// Connects the writer (migrating the database first) and the read pool; makes the database
/// when it is missing and `missing` allows.
pub(super) async fn open(url: &str, missing: Missing) -> anyhow::Result<(PgConnection, PgPool)> {
    let conn = connect(url, missing).await?;
    let readers = PgPoolOptions::new()
        .max_connections(READERS)
        .acquire_timeout(Duration::from_secs(5))
        .connect_with(options(url)?)
        .await
        .context("opening the read connections")?;
    Ok((conn, readers))
}

fn options(url: &str) -> anyhow::Result<PgConnectOptions> {
    PgConnectOptions::from_str(url)
        .with_context(|| format!("reading the database URL `{}`", redacted(url)))
}

/// One connection to the database, migrated; the database made when it is missing and
/// `missing` allows.
pub(super) async fn connect(url: &str, missing: Missing) -> anyhow::Result<PgConnection> {
    let options = options(url)?;
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
        Postgres::create_database(url).await.with_context(|| {
            format!(
                "creating the database `{name}` (without the CREATEDB privilege, create it \
                 yourself and make the role its owner)"
            )
        })?;
    }
    let mut conn = writer_options(options.clone())
        .connect()
        .await
        .context("opening the database")?;
    MIGRATOR
        .run(&mut conn)
        .await
        .context("migrating the database")?;
    Ok(conn)
}

/// The writer runs a few statements over and over: a generic plan, made once per connection,
/// spares PostgreSQL planning each (for the array statements, planning costs more than running
/// them).
fn writer_options(options: PgConnectOptions) -> PgConnectOptions {
    options.options([("plan_cache_mode", "force_generic_plan")])
}

/// A new writer connection after the last was lost; `None` (logged) while the server does not
/// answer.
pub(super) async fn reconnect(url: &str) -> Option<PgConnection> {
    let connected = match options(url) {
        Ok(options) => writer_options(options)
            .connect()
            .await
            .map_err(anyhow::Error::from),
        Err(err) => Err(err),
    };
    match connected {
        Ok(conn) => {
            tracing::info!("the database writer connected again");
            Some(conn)
        }
        Err(err) => {
            tracing::warn!(
                err = format!("{err:#}"),
                "the database writer cannot connect yet"
            );
            None
        }
    }
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

/// The database URL without its password, for messages (any scheme; a plain path as it is).
pub fn redacted(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("****"));
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}

/// Sends a change notification inside the writer's transaction.
pub(super) async fn notify(conn: &mut PgConnection, payload: &str) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT pg_notify($1, $2)")
        .bind(CHANNEL)
        .bind(payload)
        .execute(conn)
        .await
        .map(drop)
}

/// What a listener acts on: this store's caches and where other changes go.
pub(super) struct Listening {
    pub(super) url: String,
    pub(super) instance: String,
    pub(super) sessions: std::sync::Arc<SessionCache>,
    pub(super) idle: std::sync::Arc<IdleCache>,
    pub(super) changes: broadcast::Sender<Change>,
}

/// Listens for other instances' changes until aborted: forgets what the caches hold when
/// sessions or investigations change elsewhere, passes interview changes on. When the
/// connection drops it reconnects (after a second, then up to 30 s between tries), and as
/// notifications may have been missed meanwhile, empties the caches and sends
/// [`Change::Resync`].
pub(super) async fn listen(how: Listening) {
    let mut wait = Duration::from_secs(1);
    let mut first = true;
    loop {
        let mut listener = match PgListener::connect(&how.url).await {
            Ok(listener) => listener,
            Err(err) => {
                tracing::warn!(%err, "cannot listen for other instances' changes; retrying");
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(Duration::from_secs(30));
                continue;
            }
        };
        if let Err(err) = listener.listen(CHANNEL).await {
            tracing::warn!(%err, "cannot listen for other instances' changes; retrying");
            tokio::time::sleep(wait).await;
            continue;
        }
        if !first {
            missed(&how);
        }
        first = false;
        wait = Duration::from_secs(1);
        loop {
            match listener.try_recv().await {
                Ok(Some(notification)) => heard(&how, notification.payload()),
                // The connection dropped and the next call reconnects: anything sent meanwhile
                // is lost.
                Ok(None) => missed(&how),
                Err(err) => {
                    tracing::warn!(%err, "lost the other instances' changes; reconnecting");
                    break;
                }
            }
        }
    }
}

fn heard(how: &Listening, payload: &str) {
    let Some((instance, change)) = Change::parse(payload) else {
        tracing::debug!(payload, "a change notification this build does not know");
        return;
    };
    if instance == how.instance {
        return;
    }
    match change {
        Change::Sessions => how.sessions.forget_all(),
        Change::Investigations => how.idle.forget_all(),
        other => {
            // No receiver (no live stream here) is no error.
            let _ = how.changes.send(other);
        }
    }
}

fn missed(how: &Listening) {
    how.sessions.forget_all();
    how.idle.forget_all();
    let _ = how.changes.send(Change::Resync);
}

/// Adds the figures' sums of a transaction, one statement per table (arrays, one per column).
pub(super) async fn write_sums(
    conn: &mut PgConnection,
    scenarios: Vec<((String, i64), (i64, f64))>,
    items: Vec<((String, String), [i64; 8])>,
) -> Result<(), sqlx::Error> {
    if !scenarios.is_empty() {
        let (keys, sums): (Vec<_>, Vec<_>) = scenarios.into_iter().unzip();
        let (names, deciles): (Vec<String>, Vec<i64>) = keys.into_iter().unzip();
        let (attempts, score_sums): (Vec<i64>, Vec<f64>) = sums.into_iter().unzip();
        sqlx::query(ADD_TO_SCENARIOS)
            .bind(names)
            .bind(deciles)
            .bind(attempts)
            .bind(score_sums)
            .execute(&mut *conn)
            .await?;
    }
    if !items.is_empty() {
        let (keys, counts): (Vec<_>, Vec<[i64; 8]>) = items.into_iter().unzip();
        let (names, ids): (Vec<String>, Vec<String>) = keys.into_iter().unzip();
        let mut query = sqlx::query(ADD_TO_ITEMS).bind(names).bind(ids);
        for column in 0..8 {
            query = query.bind(counts.iter().map(|c| c[column]).collect::<Vec<i64>>());
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// `figures::ADD_TO_SCENARIO` for many rows in one statement.
const ADD_TO_SCENARIOS: &str = "INSERT INTO scenario_figures (scenario, decile, attempts, score_sum) \
     SELECT * FROM UNNEST($1::text[], $2::int8[], $3::int8[], $4::float8[]) \
     ON CONFLICT (scenario, decile) DO UPDATE \
     SET attempts = scenario_figures.attempts + excluded.attempts, \
     score_sum = scenario_figures.score_sum + excluded.score_sum";

/// `figures::ADD_TO_ITEM` for many rows in one statement.
const ADD_TO_ITEMS: &str = "INSERT INTO item_figures (scenario, item_id, covered, partial, missed, \
     review, overridden_covered, overridden_partial, overridden_missed, overridden_review) \
     SELECT * FROM UNNEST($1::text[], $2::text[], $3::int8[], $4::int8[], $5::int8[], \
     $6::int8[], $7::int8[], $8::int8[], $9::int8[], $10::int8[]) \
     ON CONFLICT (scenario, item_id) DO UPDATE \
     SET covered = item_figures.covered + excluded.covered, \
     partial = item_figures.partial + excluded.partial, \
     missed = item_figures.missed + excluded.missed, \
     review = item_figures.review + excluded.review, \
     overridden_covered = item_figures.overridden_covered + excluded.overridden_covered, \
     overridden_partial = item_figures.overridden_partial + excluded.overridden_partial, \
     overridden_missed = item_figures.overridden_missed + excluded.overridden_missed, \
     overridden_review = item_figures.overridden_review + excluded.overridden_review";

/// Submissions in one statement: each one's pending hints' cost, the attempts with it taken off
/// (as `attempts::after_hints` does), their investigations and hints claimed. Returns each
/// attempt's row id and shown score, in the order given.
pub(super) async fn insert_submissions(
    conn: &mut PgConnection,
    submissions: &[&super::jobs::Submission],
) -> Result<Vec<(i64, f64)>, sqlx::Error> {
    // Borrowed, not copied: answers and verdicts are kilobytes each.
    let text = |f: fn(&super::jobs::Submission) -> &str| -> Vec<&str> {
        submissions.iter().map(|s| f(s)).collect()
    };
    let rows: Vec<(String, i64, f64)> = sqlx::query_as(INSERT_SUBMISSIONS)
        .bind(text(|s| &s.public_id))
        .bind(text(|s| &s.attempt.learner))
        .bind(text(|s| &s.attempt.scenario))
        .bind(text(|s| &s.attempt.rubric_version))
        .bind(text(|s| &s.attempt.answer))
        .bind(text(|s| &s.attempt.verdicts_json))
        .bind(
            submissions
                .iter()
                .map(|s| s.attempt.score)
                .collect::<Vec<f64>>(),
        )
        .bind(
            submissions
                .iter()
                .map(|s| s.attempt.covered)
                .collect::<Vec<i64>>(),
        )
        .bind(
            submissions
                .iter()
                .map(|s| s.attempt.total)
                .collect::<Vec<i64>>(),
        )
        .bind(
            submissions
                .iter()
                .map(|s| s.attempt.revealed_before)
                .collect::<Vec<bool>>(),
        )
        .bind(
            submissions
                .iter()
                .map(|s| s.attempt.started_at)
                .collect::<Vec<Option<i64>>>(),
        )
        .bind(
            submissions
                .iter()
                .map(|s| s.attempt.submitted_at)
                .collect::<Vec<i64>>(),
        )
        .fetch_all(conn)
        .await?;
    submissions
        .iter()
        .map(|s| {
            rows.iter()
                .find(|(public_id, ..)| *public_id == s.public_id)
                .map(|(_, id, score)| (*id, *score))
                .ok_or(sqlx::Error::RowNotFound)
        })
        .collect()
}

/// Of several submissions of one learner and scenario, the first (in the order given) pays for
/// the pending hints and claims the investigation, as one after the other would.
const INSERT_SUBMISSIONS: &str = "WITH given AS (SELECT * FROM UNNEST($1::text[], $2::text[], \
     $3::text[], $4::text[], $5::text[], $6::text[], $7::float8[], $8::int8[], $9::int8[], \
     $10::bool[], $11::int8[], $12::int8[]) WITH ORDINALITY AS g (public_id, learner, scenario, \
     rubric_version, answer, verdicts, score, covered, total, revealed_before, started_at, \
     submitted_at, n)), \
     priced AS (SELECT g.*, CASE WHEN g.n = MIN(g.n) OVER (PARTITION BY g.learner, g.scenario) \
     THEN (SELECT COALESCE(SUM(h.cost), 0.0) FROM investigation_hints h \
     WHERE h.learner = g.learner AND h.scenario = g.scenario AND h.attempt IS NULL) \
     ELSE 0.0 END AS penalty FROM given g), \
     stored AS (INSERT INTO attempts (public_id, learner, scenario, rubric_version, answer, \
     verdicts, score, machine_score, covered, total, revealed_before, started_at, submitted_at, \
     hint_penalty) SELECT public_id, learner, scenario, rubric_version, answer, verdicts, \
     GREATEST(score - penalty, 0.0), score, covered, total, revealed_before, started_at, \
     submitted_at, penalty FROM priced ORDER BY n RETURNING id, public_id, score), \
     claimant AS (SELECT DISTINCT ON (g.learner, g.scenario) s.id, g.learner, g.scenario \
     FROM stored s JOIN given g ON g.public_id = s.public_id \
     ORDER BY g.learner, g.scenario, g.n), \
     commands AS (UPDATE investigation_commands c SET attempt = k.id FROM claimant k \
     WHERE c.learner = k.learner AND c.scenario = k.scenario AND c.attempt IS NULL), \
     hints AS (UPDATE investigation_hints h SET attempt = k.id FROM claimant k \
     WHERE h.learner = k.learner AND h.scenario = k.scenario AND h.attempt IS NULL) \
     SELECT public_id, id, score FROM stored";
