//! Data that can move: every stored row as JSON lines (`firedrill export`), loaded back into an
//! empty database (`firedrill import`).
//!
//! The file opens with a header line (`{"firedrill_export":1,"schema":N,...}`), then one line
//! per row, `{"table":"attempts","row":{"id":1,...}}`, tables in an order where every row comes
//! after the rows it refers to. Text, integers and reals are JSON values as they are; a BLOB is
//! `{"hex":"..."}`. Sessions are not exported: they are sign-ins to this server, and everyone
//! signs in again after a move.

use std::collections::BTreeMap;
use std::io::{BufRead, Write};

use anyhow::{Context as _, bail};
use serde_json::{Map, Value};
use sqlx::sqlite::{SqliteConnectOptions, SqliteRow};
use sqlx::{Column as _, Connection as _, Row as _, SqliteConnection};
use sqlx::{TypeInfo as _, ValueRef as _};

use super::connect::{self, Missing};

/// The export format's version; an import refuses any other.
pub const FORMAT: u64 = 1;

/// The tables exported, each after those it refers to.
pub const TABLES: &[&str] = &[
    "settings",
    "users",
    "rubric_versions",
    "attempts",
    "overrides",
    "reveals",
    "scenario_figures",
    "item_figures",
    "interviews",
    "interview_events",
    "gauntlet_runs",
    "gauntlet_answers",
    "investigation_commands",
    "investigation_hints",
];

/// Tables deliberately left out: sign-ins to this server, and the migrations' own bookkeeping
/// and the query planner's statistics, which each database keeps for itself.
pub const NOT_EXPORTED: &[&str] = &[
    "sessions",
    "_sqlx_migrations",
    "sqlite_stat1",
    "sqlite_stat4",
];

/// Rows per table, in [`TABLES`] order.
pub type Counts = Vec<(&'static str, u64)>;

/// The newest migration this build applies: the schema an export is made under.
fn schema() -> i64 {
    connect::MIGRATOR
        .iter()
        .map(|m| m.version)
        .max()
        .unwrap_or(0)
}

async fn open(url: &str, missing: Missing) -> anyhow::Result<SqliteConnection> {
    let options: SqliteConnectOptions = connect::options(url, missing)?;
    if missing == Missing::Create {
        connect::owner_only(options.get_filename())?;
    }
    connect::writer(&options).await
}

/// Writes every row of the database at `url` to `out`, read in one transaction (a consistent
/// copy even while a server writes). Returns the rows written per table.
pub async fn export(url: &str, out: &mut impl Write) -> anyhow::Result<Counts> {
    let mut conn = open(url, Missing::Refuse).await?;
    let mut tx = conn.begin().await?;
    let header = serde_json::json!({
        "firedrill_export": FORMAT,
        "schema": schema(),
        "exported_at": crate::web::view::now_ms(),
    });
    writeln!(out, "{header}")?;
    let mut counts = Vec::new();
    for &table in TABLES {
        // By primary key: for tables keyed by a row id, the order rows were made in.
        let key: Vec<String> = sqlx::query_scalar(&format!(
            "SELECT name FROM pragma_table_info('{table}') WHERE pk > 0 ORDER BY pk"
        ))
        .fetch_all(&mut *tx)
        .await?;
        let order = match key.is_empty() {
            true => "rowid".to_owned(),
            false => key
                .iter()
                .map(|k| format!("\"{k}\""))
                .collect::<Vec<_>>()
                .join(", "),
        };
        let sql = format!("SELECT * FROM {table} ORDER BY {order}");
        let rows: Vec<SqliteRow> = sqlx::query(&sql).fetch_all(&mut *tx).await?;
        for row in &rows {
            let line = serde_json::json!({ "table": table, "row": to_json(row)? });
            writeln!(out, "{line}")?;
        }
        counts.push((table, rows.len() as u64));
    }
    tx.rollback().await?;
    out.flush()?;
    Ok(counts)
}

fn to_json(row: &SqliteRow) -> anyhow::Result<Value> {
    let mut object = Map::new();
    for (i, column) in row.columns().iter().enumerate() {
        let raw = row.try_get_raw(i)?;
        let value = if raw.is_null() {
            Value::Null
        } else {
            match raw.type_info().name() {
                "INTEGER" => Value::from(row.try_get::<i64, _>(i)?),
                "REAL" => Value::from(row.try_get::<f64, _>(i)?),
                "BLOB" => {
                    let bytes: Vec<u8> = row.try_get(i)?;
                    serde_json::json!({ "hex": hex(&bytes) })
                }
                _ => Value::from(row.try_get::<String, _>(i)?),
            }
        };
        object.insert(column.name().to_owned(), value);
    }
    Ok(Value::Object(object))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

/// Loads an export into the database at `url` (created and migrated when missing), which must
/// hold no rows: all of it in one transaction, so a bad line leaves the database as it was.
/// Returns the rows loaded per table.
pub async fn import(url: &str, input: impl BufRead) -> anyhow::Result<Counts> {
    let mut conn = open(url, Missing::Create).await?;
    let mut tx = conn.begin().await?;
    let mut columns: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut held = Vec::new();
    for &table in TABLES {
        let names: Vec<String> =
            sqlx::query_scalar(&format!("SELECT name FROM pragma_table_info('{table}')"))
                .fetch_all(&mut *tx)
                .await?;
        let rows: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&mut *tx)
            .await?;
        if rows > 0 {
            held.push(format!("{rows} in {table}"));
        }
        columns.insert(table, names);
    }
    if !held.is_empty() {
        bail!(
            "the database already holds rows ({}): import loads into an empty database",
            held.join(", ")
        );
    }
    let mut lines = input.lines().enumerate();
    let Some((_, first)) = lines.next() else {
        bail!("line 1: the file is empty; expected an export's header line");
    };
    check_header(&first.context("line 1: cannot read the file")?)?;
    let mut counts: BTreeMap<&str, u64> = BTreeMap::new();
    let mut last = 0;
    for (n, line) in lines {
        let n = n + 1;
        let line = line.with_context(|| format!("line {n}: cannot read the file"))?;
        if line.trim().is_empty() {
            continue;
        }
        let (table, row) = parse_line(&line).with_context(|| format!("line {n}"))?;
        let Some(at) = TABLES.iter().position(|t| *t == table) else {
            bail!(
                "line {n}: unknown table `{table}`; an export has {}",
                TABLES.join(", ")
            );
        };
        if at < last {
            bail!(
                "line {n}: a `{table}` row after `{}` rows: the file is out of order",
                TABLES[last]
            );
        }
        last = at;
        let table = TABLES[at];
        insert(&mut tx, table, &columns[table], &row)
            .await
            .with_context(|| format!("line {n}: cannot load the `{table}` row"))?;
        *counts.entry(table).or_default() += 1;
    }
    tx.commit().await.context("committing the import")?;
    Ok(TABLES
        .iter()
        .map(|t| (*t, counts.get(t).copied().unwrap_or(0)))
        .collect())
}

fn check_header(line: &str) -> anyhow::Result<()> {
    let header: Value = serde_json::from_str(line)
        .context("line 1: not a firedrill export (the first line is not JSON)")?;
    let Some(format) = header.get("firedrill_export").and_then(Value::as_u64) else {
        bail!("line 1: not a firedrill export (no `firedrill_export` header)");
    };
    if format != FORMAT {
        bail!("line 1: export format {format}; this firedrill reads format {FORMAT}");
    }
    let theirs = header.get("schema").and_then(Value::as_i64).unwrap_or(0);
    if theirs > schema() {
        bail!(
            "line 1: made by a newer firedrill (schema {theirs}; this one knows up to {}): import with that version or newer",
            schema()
        );
    }
    Ok(())
}

fn parse_line(line: &str) -> anyhow::Result<(String, Map<String, Value>)> {
    let mut value: Value = serde_json::from_str(line).context("not JSON")?;
    let table = value
        .get("table")
        .and_then(Value::as_str)
        .context("no `table`")?
        .to_owned();
    let Some(Value::Object(row)) = value.get_mut("row").map(Value::take) else {
        bail!("no `row` object");
    };
    Ok((table, row))
}

async fn insert(
    conn: &mut SqliteConnection,
    table: &str,
    known: &[String],
    row: &Map<String, Value>,
) -> anyhow::Result<()> {
    // Only the table's own columns: a name from the file never reaches the SQL otherwise.
    if let Some(unknown) = row.keys().find(|k| !known.contains(k)) {
        bail!("`{table}` has no column `{unknown}`");
    }
    let names: Vec<&String> = row.keys().collect();
    let marks: Vec<String> = (1..=names.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "INSERT INTO {table} ({}) VALUES ({})",
        names
            .iter()
            .map(|n| format!("\"{n}\""))
            .collect::<Vec<_>>()
            .join(", "),
        marks.join(", ")
    );
    let mut query = sqlx::query(&sql);
    for (name, value) in row {
        query = match value {
            Value::Null => query.bind(None::<i64>),
            Value::Bool(b) => query.bind(i64::from(*b)),
            Value::Number(n) => match n.as_i64() {
                Some(i) => query.bind(i),
                None => query.bind(n.as_f64().context("a number out of range")?),
            },
            Value::String(s) => query.bind(s.clone()),
            Value::Object(o) => {
                let bytes = o
                    .get("hex")
                    .and_then(Value::as_str)
                    .and_then(unhex)
                    .with_context(|| format!("`{name}`: an object that is not {{\"hex\": ...}}"))?;
                query.bind(bytes)
            }
            Value::Array(_) => bail!("`{name}`: a list, which no column holds"),
        };
    }
    query.execute(&mut *conn).await?;
    Ok(())
}
