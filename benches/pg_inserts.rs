//! The baseline of the PostgreSQL submission benchmark (`bench/submit-http.sh --postgres`):
//! raw single-row inserts, one after the other, with the same durability as the server's.
//!
//! One connection to the database named by `FIREDRILL_BENCH_POSTGRES` (a `postgres://` URL),
//! a scratch table `raw_attempts` shaped like `attempts` (same columns, keys and indexes),
//! recreated each round, and one autocommit INSERT per row: each is its own transaction,
//! flushed to disk before it is acknowledged. The rows are the size of a graded submission
//! from `bench/post-answer.lua`: its answer text, and the verdicts the server stores for it
//! (`bench/graded-verdicts.json`, about 2 KB). It refuses to run unless the server has
//! `synchronous_commit` and `fsync` on, and prints rows per second, the median last in the
//! format `bench/submit-http.sh` reads.
//!
//!     FIREDRILL_BENCH_POSTGRES=postgres://... cargo bench --bench pg_inserts -- [ROWS] [ROUNDS]
//!     # defaults: 2000 rows, 3 rounds

use std::process::ExitCode;
use std::str::FromStr;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use sqlx::{Connection as _, PgConnection};

const SCENARIO: &str = "gitops-drift-causing-outage";
const RUBRIC_VERSION: &str = "ff90ea41b657";
/// What `bench/post-answer.lua` posts, URL-decoded, before the request number it appends.
const ANSWER: &str = "ArgoCD and the HPA are fighting over spec.replicas: Argo keeps reverting \
     the HPA. This is a common GitOps pitfall. Add ignoreDifferences for /spec/replicas to the \
     Application manifest in Git so the fix is durable. Afterwards audit other apps with an HPA. ";
const VERDICTS: &str = include_str!("../bench/graded-verdicts.json");

/// The `attempts` table and its indexes, for a scratch copy: the raw loop pays for the same
/// unique key, foreign key and index updates as a submission does.
const SCHEMA: [&str; 8] = [
    "DROP TABLE IF EXISTS raw_attempts",
    "DROP TABLE IF EXISTS raw_rubric_versions",
    "CREATE TABLE raw_rubric_versions (scenario TEXT NOT NULL, version TEXT NOT NULL, \
     rubric TEXT NOT NULL, created_at BIGINT NOT NULL, PRIMARY KEY (scenario, version))",
    "CREATE TABLE raw_attempts (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        public_id TEXT NOT NULL UNIQUE,
        learner TEXT NOT NULL,
        scenario TEXT NOT NULL,
        rubric_version TEXT NOT NULL,
        answer TEXT NOT NULL,
        verdicts TEXT NOT NULL,
        score DOUBLE PRECISION NOT NULL,
        covered BIGINT NOT NULL,
        total BIGINT NOT NULL,
        revealed_before BOOLEAN NOT NULL,
        started_at BIGINT,
        submitted_at BIGINT NOT NULL,
        FOREIGN KEY (scenario, rubric_version) REFERENCES raw_rubric_versions (scenario, version)
    )",
    "CREATE INDEX raw_attempts_by_learner ON raw_attempts (learner, submitted_at DESC, id DESC)",
    "CREATE INDEX raw_attempts_by_learner_scenario ON raw_attempts (learner, scenario, score)",
    "CREATE INDEX raw_attempts_by_scenario_version ON raw_attempts (scenario, rubric_version)",
    "CREATE INDEX raw_attempts_by_scenario_newest ON raw_attempts (scenario, id DESC)",
];

fn main() -> ExitCode {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    match runtime.block_on(run()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!(
                "error: {err:#}\nusage: FIREDRILL_BENCH_POSTGRES=postgres://... \
                 cargo bench --bench pg_inserts -- [ROWS] [ROUNDS]"
            );
            ExitCode::FAILURE
        }
    }
}

async fn run() -> anyhow::Result<()> {
    let (rows, rounds) = parse_args()?;
    let url = std::env::var("FIREDRILL_BENCH_POSTGRES")
        .context("FIREDRILL_BENCH_POSTGRES is not set: the URL of a database to write to")?;
    let mut conn = PgConnection::connect(&url)
        .await
        .with_context(|| format!("connecting to {url}"))?;
    check_durability(&mut conn).await?;
    println!("{rows} rows per round, {rounds} rounds, one connection, one transaction per row");
    let mut rates = Vec::new();
    for round in 1..=rounds {
        let rate = rows as f64 / insert_rows(&mut conn, rows).await?.as_secs_f64();
        println!("round {round}: plain PostgreSQL {rate:>9.0} rows/s");
        rates.push(rate);
    }
    println!(
        "median:  plain PostgreSQL {:>9.0} rows/s",
        median(&mut rates)
    );
    conn.close().await?;
    Ok(())
}

/// `cargo bench` passes `--bench`; every other argument is a number.
fn parse_args() -> anyhow::Result<(usize, usize)> {
    let numbers: Vec<usize> = std::env::args()
        .skip(1)
        .filter(|arg| !arg.starts_with('-'))
        .map(|arg| usize::from_str(&arg).with_context(|| format!("`{arg}` is not a number")))
        .collect::<anyhow::Result<_>>()?;
    let rows = numbers.first().copied().unwrap_or(2000);
    let rounds = numbers.get(1).copied().unwrap_or(3);
    anyhow::ensure!(rows > 0 && rounds > 0, "rows and rounds must be above zero");
    Ok((rows, rounds))
}

/// A baseline that does not wait for the disk would be no baseline: both settings must be on.
async fn check_durability(conn: &mut PgConnection) -> anyhow::Result<()> {
    for setting in ["synchronous_commit", "fsync"] {
        let value: String = sqlx::query_scalar(&format!("SHOW {setting}"))
            .fetch_one(&mut *conn)
            .await?;
        anyhow::ensure!(
            value == "on",
            "the server has {setting} = {value}; this benchmark compares commits flushed to disk \
             and needs it on"
        );
    }
    Ok(())
}

/// Recreates the scratch tables, then inserts `rows` rows, each its own transaction.
async fn insert_rows(conn: &mut PgConnection, rows: usize) -> anyhow::Result<Duration> {
    for statement in SCHEMA {
        sqlx::query(statement).execute(&mut *conn).await?;
    }
    sqlx::query(
        "INSERT INTO raw_rubric_versions (scenario, version, rubric, created_at) \
         VALUES ($1, $2, $3, 0)",
    )
    .bind(SCENARIO)
    .bind(RUBRIC_VERSION)
    .bind(r#"{"items":[]}"#)
    .execute(&mut *conn)
    .await?;
    let (learner, verdicts) = (public_id()?, VERDICTS.trim_end());
    let start = Instant::now();
    for i in 0..rows {
        insert_one(conn, &learner, &format!("{ANSWER}{i}"), verdicts, i as i64).await?;
    }
    let elapsed = start.elapsed();
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM raw_attempts")
        .fetch_one(&mut *conn)
        .await?;
    anyhow::ensure!(count == rows as i64, "stored {count} rows of {rows}");
    Ok(elapsed)
}

/// One row as the server writes a graded submission (a prepared statement, cached by sqlx).
async fn insert_one(
    conn: &mut PgConnection,
    learner: &str,
    answer: &str,
    verdicts: &str,
    i: i64,
) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO raw_attempts (public_id, learner, scenario, rubric_version, answer, \
         verdicts, score, covered, total, revealed_before, started_at, submitted_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(public_id()?)
    .bind(learner)
    .bind(SCENARIO)
    .bind(RUBRIC_VERSION)
    .bind(answer)
    .bind(verdicts)
    .bind(4.0 / 6.0)
    .bind(4_i64)
    .bind(6_i64)
    .bind(true)
    .bind(None::<i64>)
    .bind(1_796_665_809_572 + i)
    .execute(conn)
    .await?;
    Ok(())
}

/// A random 128-bit hex id, made as the store makes an attempt's.
fn public_id() -> anyhow::Result<String> {
    let mut bytes = [0; 16];
    getrandom::fill(&mut bytes)?;
    Ok(format!("{:032x}", u128::from_be_bytes(bytes)))
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
