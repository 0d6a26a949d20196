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

use super::connect::{self, Backend, Missing};

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

/// Writes every row of the database at `url` (SQLite or PostgreSQL) to `out`, read in one
/// transaction (a consistent copy even while a server writes). Returns the rows written per
/// table. Both backends write the same lines for the same data.
pub async fn export(url: &str, out: &mut impl Write) -> anyhow::Result<Counts> {
    match connect::backend(url)? {
        Backend::Sqlite => export_sqlite(url, out).await,
        Backend::Postgres => pg::export(url, out).await,
    }
}

fn header() -> Value {
    serde_json::json!({
        "firedrill_export": FORMAT,
        "schema": schema(),
        "exported_at": crate::web::view::now_ms(),
    })
}

async fn export_sqlite(url: &str, out: &mut impl Write) -> anyhow::Result<Counts> {
    let mut conn = open(url, Missing::Refuse).await?;
    let mut tx = conn.begin().await?;
    writeln!(out, "{}", header())?;
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
            false => quoted(&key),
        };
        let sql = format!("SELECT * FROM {table} ORDER BY {order}");
        let rows: Vec<SqliteRow> = sqlx::query(&sql).fetch_all(&mut *tx).await?;
        counts.push((table, write_rows(out, table, &rows, cell)?));
    }
    tx.rollback().await?;
    out.flush()?;
    Ok(counts)
}

/// A SQLite cell as JSON, by the type of the value stored.
fn cell(row: &SqliteRow, i: usize) -> anyhow::Result<Value> {
    let raw = row.try_get_raw(i)?;
    if raw.is_null() {
        return Ok(Value::Null);
    }
    Ok(match raw.type_info().name() {
        "INTEGER" => Value::from(row.try_get::<i64, _>(i)?),
        "REAL" => Value::from(row.try_get::<f64, _>(i)?),
        "BLOB" => serde_json::json!({ "hex": hex(&row.try_get::<Vec<u8>, _>(i)?) }),
        _ => Value::from(row.try_get::<String, _>(i)?),
    })
}

/// `"a", "b"`: the columns of a primary key, quoted, for `ORDER BY`.
fn quoted(columns: &[String]) -> String {
    columns
        .iter()
        .map(|c| format!("\"{c}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Writes a table's rows as export lines, each row's cells read by `cell` (the column's value
/// as JSON, by the backend's types); returns how many.
fn write_rows<R: sqlx::Row>(
    out: &mut impl Write,
    table: &str,
    rows: &[R],
    cell: impl Fn(&R, usize) -> anyhow::Result<Value>,
) -> anyhow::Result<u64> {
    for row in rows {
        let mut object = Map::new();
        for (i, column) in row.columns().iter().enumerate() {
            object.insert(column.name().to_owned(), cell(row, i)?);
        }
        let line = serde_json::json!({ "table": table, "row": Value::Object(object) });
        writeln!(out, "{line}")?;
    }
    Ok(rows.len() as u64)
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

/// Loads an export into the database at `url` (SQLite or PostgreSQL; created and migrated when
/// missing), which must hold no rows: all of it in one transaction, so a bad line leaves the
/// database as it was. Returns the rows loaded per table.
pub async fn import(url: &str, input: impl BufRead) -> anyhow::Result<Counts> {
    match connect::backend(url)? {
        Backend::Sqlite => import_sqlite(url, input).await,
        Backend::Postgres => pg::import(url, input).await,
    }
}

/// Tables that already hold rows, as `"N in TABLE"`: an import refuses to load into them.
fn refuse_unless_empty(held: &[String]) -> anyhow::Result<()> {
    if !held.is_empty() {
        bail!(
            "the database already holds rows ({}): import loads into an empty database",
            held.join(", ")
        );
    }
    Ok(())
}

/// Reads the export's lines after checking its header, and hands each row, with its table and
/// its line number, to `load`, checking the tables come in order. Returns the rows per table.
async fn each_row<F>(input: impl BufRead, mut load: F) -> anyhow::Result<Counts>
where
    F: AsyncFnMut(&'static str, &Map<String, Value>) -> anyhow::Result<()>,
{
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
        load(table, &row)
            .await
            .with_context(|| format!("line {n}: cannot load the `{table}` row"))?;
        *counts.entry(table).or_default() += 1;
    }
    Ok(TABLES
        .iter()
        .map(|t| (*t, counts.get(t).copied().unwrap_or(0)))
        .collect())
}

async fn import_sqlite(url: &str, input: impl BufRead) -> anyhow::Result<Counts> {
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
    refuse_unless_empty(&held)?;
    let counts = {
        let tx = &mut tx;
        each_row(input, async |table, row| {
            insert(tx, table, &columns[table], row).await
        })
        .await?
    };
    tx.commit().await.context("committing the import")?;
    Ok(counts)
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

/// Export and import on PostgreSQL: the same lines as SQLite's. Its booleans are written as 0
/// and 1, as SQLite stores them; an import binds each value as its column's type.
mod pg {
    use super::*;
    use sqlx::PgConnection;
    use sqlx::postgres::PgRow;

    async fn open(url: &str, missing: Missing) -> anyhow::Result<PgConnection> {
        super::super::postgres::connect(url, missing).await
    }

    /// The table's primary key columns, in key order.
    const PRIMARY_KEY: &str = "SELECT a.attname::text FROM pg_index i \
         JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) \
         WHERE i.indrelid = CAST($1 AS regclass) AND i.indisprimary \
         ORDER BY array_position(i.indkey, a.attnum)";

    /// The table's columns and their types.
    const COLUMNS: &str = "SELECT column_name::text, data_type::text \
         FROM information_schema.columns \
         WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position";

    pub(super) async fn export(url: &str, out: &mut impl Write) -> anyhow::Result<Counts> {
        let mut conn = open(url, Missing::Refuse).await?;
        // One snapshot for every table.
        let mut tx = conn
            .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            .await?;
        writeln!(out, "{}", header())?;
        let mut counts = Vec::new();
        for &table in TABLES {
            let key: Vec<String> = sqlx::query_scalar(PRIMARY_KEY)
                .bind(table)
                .fetch_all(&mut *tx)
                .await?;
            let sql = format!("SELECT * FROM {table} ORDER BY {}", quoted(&key));
            let rows: Vec<PgRow> = sqlx::query(&sql).fetch_all(&mut *tx).await?;
            counts.push((table, write_rows(out, table, &rows, cell)?));
        }
        tx.rollback().await?;
        out.flush()?;
        Ok(counts)
    }

    /// A PostgreSQL cell as JSON, by its column's type (booleans as SQLite stores them).
    fn cell(row: &PgRow, i: usize) -> anyhow::Result<Value> {
        let raw = row.try_get_raw(i)?;
        if raw.is_null() {
            return Ok(Value::Null);
        }
        Ok(match raw.type_info().name() {
            "INT8" => Value::from(row.try_get::<i64, _>(i)?),
            "FLOAT8" => Value::from(row.try_get::<f64, _>(i)?),
            "BOOL" => Value::from(i64::from(row.try_get::<bool, _>(i)?)),
            "BYTEA" => serde_json::json!({ "hex": hex(&row.try_get::<Vec<u8>, _>(i)?) }),
            _ => Value::from(row.try_get::<String, _>(i)?),
        })
    }

    pub(super) async fn import(url: &str, input: impl BufRead) -> anyhow::Result<Counts> {
        let mut conn = open(url, Missing::Create).await?;
        let mut tx = conn.begin().await?;
        let mut columns: BTreeMap<&str, Vec<(String, String)>> = BTreeMap::new();
        let mut held = Vec::new();
        for &table in TABLES {
            let names: Vec<(String, String)> = sqlx::query_as(COLUMNS)
                .bind(table)
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
        refuse_unless_empty(&held)?;
        let counts = {
            let tx = &mut tx;
            each_row(input, async |table, row| {
                insert(tx, table, &columns[table], row).await
            })
            .await?
        };
        // Row ids given by the file: new rows are numbered after them.
        for &table in TABLES {
            if columns[table].iter().any(|(name, _)| name == "id") {
                sqlx::query(&format!(
                    "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
                     COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM {table}"
                ))
                .execute(&mut *tx)
                .await?;
            }
        }
        tx.commit().await.context("committing the import")?;
        Ok(counts)
    }

    async fn insert(
        conn: &mut PgConnection,
        table: &str,
        known: &[(String, String)],
        row: &Map<String, Value>,
    ) -> anyhow::Result<()> {
        let mut types = Vec::with_capacity(row.len());
        // Only the table's own columns: a name from the file never reaches the SQL otherwise.
        for name in row.keys() {
            match known.iter().find(|(known, _)| known == name) {
                Some((_, kind)) => types.push(kind.as_str()),
                None => bail!("`{table}` has no column `{name}`"),
            }
        }
        let names: Vec<String> = row.keys().map(|n| format!("\"{n}\"")).collect();
        let marks: Vec<String> = (1..=names.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "INSERT INTO {table} ({}) VALUES ({})",
            names.join(", "),
            marks.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for ((name, value), kind) in row.iter().zip(types) {
            let wrong = || format!("`{name}`: {value} is not a value of a {kind} column");
            query = match (kind, value) {
                ("bigint", Value::Null) => query.bind(None::<i64>),
                ("bigint", v) => query.bind(v.as_i64().with_context(wrong)?),
                ("double precision", Value::Null) => query.bind(None::<f64>),
                ("double precision", v) => query.bind(v.as_f64().with_context(wrong)?),
                ("boolean", Value::Null) => query.bind(None::<bool>),
                ("boolean", Value::Bool(b)) => query.bind(*b),
                ("boolean", v) => match v.as_i64() {
                    Some(0) => query.bind(false),
                    Some(1) => query.bind(true),
                    _ => bail!(wrong()),
                },
                ("bytea", Value::Null) => query.bind(None::<Vec<u8>>),
                ("bytea", v) => {
                    let bytes = v
                        .get("hex")
                        .and_then(Value::as_str)
                        .and_then(unhex)
                        .with_context(|| format!("`{name}`: not {{\"hex\": ...}}"))?;
                    query.bind(bytes)
                }
                (_, Value::Null) => query.bind(None::<String>),
                (_, Value::String(text)) => query.bind(text.clone()),
                _ => bail!(wrong()),
            };
        }
        query.execute(&mut *conn).await?;
        Ok(())
    }
}
