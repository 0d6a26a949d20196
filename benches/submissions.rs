//! Storage benchmark: committing attempts through `Store` vs plain SQLite, on the same disk.
//!
//! Each round measures, on fresh database files in `target/tmp` (not tmpfs):
//! - the baseline: one plain SQLite connection with the store's pragmas (WAL,
//!   `synchronous = FULL`, foreign keys) inserting N rows into `attempts`, each its own
//!   transaction, one after the other;
//! - the store: 64 concurrent tokio tasks (or TASKS) calling `Store::submit_attempt` N times
//!   in all.
//!
//! It prints rows per second and their ratio, and exits with failure when the store is slower
//! than the baseline (medians over the rounds) or any write failed.
//!
//!     bench/submissions.sh [ROWS] [ROUNDS] [TASKS]    # defaults: 2000 rows, 3 rounds, 64 tasks

use std::path::Path;
use std::process::ExitCode;
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use firedrill::store::{NewAttempt, Store};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sqlx::{ConnectOptions as _, Connection as _};

const SCENARIO: &str = "scenarios/gitops-drift-causing-outage";
const RUBRIC_VERSION: &str = "bench-v1";

/// Rows in each measurement, rounds of both, and concurrent submitters to the store, from the
/// positional arguments.
struct Args {
    rows: usize,
    rounds: usize,
    tasks: usize,
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(err) => {
            eprintln!("error: {err:#}\nusage: bench/submissions.sh [ROWS] [ROUNDS] [TASKS]");
            return ExitCode::from(2);
        }
    };
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    match runtime.block_on(run(&args)) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

/// `cargo bench` passes `--bench`; every other argument is a number.
fn parse_args() -> anyhow::Result<Args> {
    let numbers: Vec<usize> = std::env::args()
        .skip(1)
        .filter(|arg| !arg.starts_with('-'))
        .map(|arg| usize::from_str(&arg).with_context(|| format!("`{arg}` is not a number")))
        .collect::<anyhow::Result<_>>()?;
    let rows = numbers.first().copied().unwrap_or(2000);
    let rounds = numbers.get(1).copied().unwrap_or(3);
    let tasks = numbers.get(2).copied().unwrap_or(64);
    anyhow::ensure!(
        rows > 0 && rounds > 0 && tasks > 0,
        "rows, rounds and tasks must be above zero"
    );
    Ok(Args {
        rows,
        rounds,
        tasks,
    })
}

/// Runs the rounds and prints the figures; false when the store lost or a write failed.
async fn run(args: &Args) -> anyhow::Result<bool> {
    let dir = tempfile::Builder::new()
        .prefix("submissions-")
        .tempdir_in(env!("CARGO_TARGET_TMPDIR"))?;
    println!(
        "{} rows per measurement, {} rounds, store with {} concurrent tasks; files in {}",
        args.rows,
        args.rounds,
        args.tasks,
        dir.path().display()
    );
    let (mut raw_rates, mut store_rates) = (Vec::new(), Vec::new());
    for round in 1..=args.rounds {
        let raw = rate(args.rows, baseline(dir.path(), round, args.rows).await?);
        let store = rate(args.rows, through_store(dir.path(), round, args).await?);
        println!(
            "round {round}: plain SQLite {raw:>9.0} rows/s   store {store:>9.0} rows/s   {:.1}x",
            store / raw
        );
        raw_rates.push(raw);
        store_rates.push(store);
    }
    let (raw, store) = (median(&mut raw_rates), median(&mut store_rates));
    println!(
        "median:  plain SQLite {raw:>9.0} rows/s   store {store:>9.0} rows/s   {:.1}x",
        store / raw
    );
    if store < raw {
        println!("FAIL: the store commits fewer rows per second than plain SQLite");
    }
    Ok(store >= raw)
}

/// Plain SQLite: one connection, one autocommit INSERT (its own transaction) per row.
async fn baseline(dir: &Path, round: usize, rows: usize) -> anyhow::Result<Duration> {
    let url = fresh_database(dir, "plain", round).await?;
    let mut conn = SqliteConnectOptions::from_str(&url)?
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5))
        .connect()
        .await?;
    let start = Instant::now();
    for i in 0..rows {
        insert_plain(&mut conn, &sample(i)).await?;
    }
    let elapsed = start.elapsed();
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM attempts")
        .fetch_one(&mut conn)
        .await?;
    anyhow::ensure!(
        count == rows as i64,
        "plain SQLite stored {count} rows of {rows}"
    );
    conn.close().await?;
    Ok(elapsed)
}

/// A migrated, empty database with the rubric version the rows refer to.
async fn fresh_database(dir: &Path, name: &str, round: usize) -> anyhow::Result<String> {
    let url = format!(
        "sqlite://{}",
        dir.join(format!("{name}-{round}.db")).display()
    );
    let store = Store::open(&url).await?;
    store.close().await;
    let mut conn = SqliteConnectOptions::from_str(&url)?.connect().await?;
    sqlx::query(
        "INSERT INTO rubric_versions (scenario, version, rubric, created_at) \
         VALUES ($1, $2, $3, 0)",
    )
    .bind(SCENARIO)
    .bind(RUBRIC_VERSION)
    .bind(rubric_json())
    .execute(&mut conn)
    .await?;
    conn.close().await?;
    Ok(url)
}

/// The same row the store writes, with a public id made the same way.
async fn insert_plain(
    conn: &mut sqlx::SqliteConnection,
    attempt: &NewAttempt,
) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO attempts (public_id, learner, scenario, rubric_version, answer, verdicts, \
         score, covered, total, revealed_before, started_at, submitted_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(public_id()?)
    .bind(&attempt.learner)
    .bind(&attempt.scenario)
    .bind(&attempt.rubric_version)
    .bind(&attempt.answer)
    .bind(&attempt.verdicts_json)
    .bind(attempt.score)
    .bind(attempt.covered)
    .bind(attempt.total)
    .bind(attempt.revealed_before)
    .bind(attempt.started_at)
    .bind(attempt.submitted_at)
    .execute(conn)
    .await?;
    Ok(())
}

fn public_id() -> anyhow::Result<String> {
    let mut bytes = [0; 16];
    getrandom::fill(&mut bytes)?;
    Ok(format!("{:032x}", u128::from_be_bytes(bytes)))
}

/// The store: `args.tasks` tasks submitting until `args.rows` attempts are committed.
async fn through_store(dir: &Path, round: usize, args: &Args) -> anyhow::Result<Duration> {
    let rows = args.rows;
    let url = fresh_database(dir, "store", round).await?;
    let store = Store::open(&url).await?;
    let next = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let tasks: Vec<_> = (0..args.tasks)
        .map(|_| tokio::spawn(submit_until(store.clone(), Arc::clone(&next), rows)))
        .collect();
    for task in tasks {
        task.await??;
    }
    let elapsed = start.elapsed();
    let count = store.count_attempts().await?;
    anyhow::ensure!(
        count == rows as i64,
        "the store committed {count} rows of {rows}"
    );
    store.close().await;
    Ok(elapsed)
}

async fn submit_until(store: Store, next: Arc<AtomicUsize>, rows: usize) -> anyhow::Result<()> {
    loop {
        let i = next.fetch_add(1, Ordering::Relaxed);
        if i >= rows {
            return Ok(());
        }
        store
            .submit_attempt(sample(i))
            .await
            .with_context(|| format!("submission {i} failed"))?;
    }
}

/// An attempt shaped like a real one: a paragraph-long answer and a verdict per rubric item.
fn sample(i: usize) -> NewAttempt {
    let items = [
        "freeze-sync",
        "diff-live",
        "find-drift",
        "rollback",
        "postmortem",
        "alerting",
    ];
    let verdicts: Vec<String> = items
        .iter()
        .map(|item| format!(r#""{item}":{{"verdict":"covered","evidence":[[12,48]]}}"#))
        .collect();
    NewAttempt {
        learner: format!("learner-{}", i % 97),
        scenario: SCENARIO.to_owned(),
        rubric_version: RUBRIC_VERSION.to_owned(),
        rubric_json: rubric_json(),
        answer: "First I would pause auto-sync in ArgoCD so nothing else changes, then diff the \
                 live objects against Git to find the drift, roll back to the last good commit, \
                 confirm the error rate recovers and write up the timeline. "
            .repeat(5),
        verdicts_json: format!("{{{}}}", verdicts.join(",")),
        score: 0.75,
        covered: 4,
        total: items.len() as i64,
        revealed_before: i.is_multiple_of(3),
        started_at: Some(1_764_000_000_000 + i as i64),
        submitted_at: 1_764_000_600_000 + i as i64,
    }
}

fn rubric_json() -> String {
    let item =
        r#"{"id":"freeze-sync","text":"Pause auto-sync before changing anything","weight":1}"#;
    format!(r#"{{"items":[{}]}}"#, [item; 6].join(","))
}

fn rate(rows: usize, elapsed: Duration) -> f64 {
    rows as f64 / elapsed.as_secs_f64()
}

fn median(rates: &mut [f64]) -> f64 {
    rates.sort_by(f64::total_cmp);
    let mid = rates.len() / 2;
    if rates.len() % 2 == 1 {
        rates[mid]
    } else {
        (rates[mid - 1] + rates[mid]) / 2.0
    }
}
