//! SQL for the simulated investigation: the commands a learner types on a scenario's console,
//! kept as the current investigation until an attempt claims them.

use super::{Conn, Exec};

use super::model::{NewCommand, NewHint, TakenHint, TypedCommand};

pub(in crate::store) const INSERT_COMMAND: &str = "INSERT INTO investigation_commands \
     (learner, scenario, attempt, command, step, harm, at) VALUES ($1, $2, NULL, $3, $4, $5, $6)";

pub(in crate::store) const CURRENT: &str = "SELECT command, step, harm, at FROM investigation_commands \
     WHERE learner = $1 AND scenario = $2 AND attempt IS NULL ORDER BY id";

pub(in crate::store) const OF_ATTEMPT: &str = "SELECT command, step, harm, at FROM investigation_commands \
     WHERE attempt = $1 ORDER BY id";

pub(in crate::store) const CLAIM: &str = "UPDATE investigation_commands SET attempt = $1 \
     WHERE learner = $2 AND scenario = $3 AND attempt IS NULL";

pub(in crate::store) const ADOPT: &str = "UPDATE investigation_commands SET learner = $1 WHERE learner = $2";

/// Stores a typed command; part of the writer's transaction.
pub(in crate::store) async fn insert(conn: &mut Conn, c: &NewCommand) -> Result<(), sqlx::Error> {
    sqlx::query(INSERT_COMMAND)
        .bind(&c.learner)
        .bind(&c.scenario)
        .bind(&c.command)
        .bind(c.step)
        .bind(&c.harm)
        .bind(c.at)
        .execute(conn)
        .await?;
    Ok(())
}

/// The learner's current investigation of the scenario, in the order typed.
pub(in crate::store) async fn current(
    db: impl Exec<'_>,
    learner: &str,
    scenario: &str,
) -> Result<Vec<TypedCommand>, sqlx::Error> {
    sqlx::query_as(CURRENT)
        .bind(learner)
        .bind(scenario)
        .fetch_all(db)
        .await
}

/// The investigation an attempt claimed.
pub(in crate::store) async fn of_attempt(
    db: impl Exec<'_>,
    attempt: i64,
) -> Result<Vec<TypedCommand>, sqlx::Error> {
    sqlx::query_as(OF_ATTEMPT).bind(attempt).fetch_all(db).await
}

/// The current investigation and its hints become part of the attempt; part of the submission's transaction.
pub(in crate::store) async fn claim(
    conn: &mut Conn,
    attempt: i64,
    learner: &str,
    scenario: &str,
) -> Result<(), sqlx::Error> {
    for sql in [CLAIM, CLAIM_HINTS] {
        sqlx::query(sql)
            .bind(attempt)
            .bind(learner)
            .bind(scenario)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Moves an anonymous learner's commands and hints to a user; part of the sign-in transaction.
pub(in crate::store) async fn adopt(
    conn: &mut Conn,
    from: &str,
    to: &str,
) -> Result<(), sqlx::Error> {
    for sql in [ADOPT, ADOPT_HINTS] {
        sqlx::query(sql)
            .bind(to)
            .bind(from)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

pub(in crate::store) const INSERT_HINT: &str = "INSERT INTO investigation_hints \
     (learner, scenario, attempt, step, level, cost, at) \
     SELECT $1, $2, CAST(NULL AS BIGINT), $3, $4, $5, $6 WHERE NOT EXISTS (SELECT 1 FROM investigation_hints \
     WHERE learner = $1 AND scenario = $2 AND attempt IS NULL AND step = $3 AND level = $4)";

pub(in crate::store) const HINTS_OF_ATTEMPT: &str = "SELECT step, level, cost, at FROM investigation_hints \
     WHERE attempt = $1 ORDER BY id";

/// What the learner's current hints cost, and whether anything (a command or a hint) is under
/// way to be claimed.
pub(in crate::store) const PENDING: &str = "SELECT COALESCE((SELECT SUM(cost) \
     FROM investigation_hints WHERE learner = $1 AND scenario = $2 AND attempt IS NULL), 0.0), \
     EXISTS (SELECT 1 FROM investigation_commands \
     WHERE learner = $1 AND scenario = $2 AND attempt IS NULL) \
     OR EXISTS (SELECT 1 FROM investigation_hints \
     WHERE learner = $1 AND scenario = $2 AND attempt IS NULL)";

pub(in crate::store) const CLAIM_HINTS: &str = "UPDATE investigation_hints SET attempt = $1 \
     WHERE learner = $2 AND scenario = $3 AND attempt IS NULL";

pub(in crate::store) const ADOPT_HINTS: &str =
    "UPDATE investigation_hints SET learner = $1 WHERE learner = $2";

/// Records a hint taken, once: the same hint asked for twice (two tabs, a double click) is
/// recorded and charged once. Part of the writer's transaction.
pub(in crate::store) async fn insert_hint(
    conn: &mut Conn,
    h: &NewHint,
) -> Result<(), sqlx::Error> {
    sqlx::query(INSERT_HINT)
        .bind(&h.learner)
        .bind(&h.scenario)
        .bind(h.step)
        .bind(h.level.as_str())
        .bind(h.cost)
        .bind(h.at)
        .execute(conn)
        .await?;
    Ok(())
}

/// The hints an attempt claimed.
pub(in crate::store) async fn hints_of_attempt(
    db: impl Exec<'_>,
    attempt: i64,
) -> Result<Vec<TakenHint>, sqlx::Error> {
    sqlx::query_as(HINTS_OF_ATTEMPT)
        .bind(attempt)
        .fetch_all(db)
        .await
}

/// What the learner's current hints cost, as a share of the score, and whether an
/// investigation is under way (else there is nothing to claim).
pub(in crate::store) async fn pending(
    conn: &mut Conn,
    learner: &str,
    scenario: &str,
) -> Result<(f64, bool), sqlx::Error> {
    sqlx::query_as(PENDING)
        .bind(learner)
        .bind(scenario)
        .fetch_one(conn)
        .await
}

/// Both halves of the current investigation in one read (a scenario page asks for both on
/// every view): the commands, then the hints, each in order. `kind` is 0 for a command, 1 for
/// a hint; a command's `text` is the command, a hint's its level. Sorted here, not in SQL: a
/// compound query's ORDER BY would sort in a temporary B-tree what each index already orders.
pub(in crate::store) const CURRENT_BOTH: &str = "SELECT CAST(0 AS BIGINT) AS kind, id, command AS text, \
     step, harm, CAST(0 AS DOUBLE PRECISION) AS cost, at FROM investigation_commands \
     WHERE learner = $1 AND scenario = $2 AND attempt IS NULL \
     UNION ALL SELECT CAST(1 AS BIGINT), id, level, step, NULL, cost, at FROM investigation_hints \
     WHERE learner = $1 AND scenario = $2 AND attempt IS NULL";

/// The learner's current commands and hints on the scenario, in one read.
pub(in crate::store) async fn current_both(
    db: impl Exec<'_>,
    learner: &str,
    scenario: &str,
) -> Result<(Vec<TypedCommand>, Vec<TakenHint>), sqlx::Error> {
    type Row = (i64, i64, String, Option<i64>, Option<String>, f64, i64);
    let mut rows: Vec<Row> = sqlx::query_as(CURRENT_BOTH)
        .bind(learner)
        .bind(scenario)
        .fetch_all(db)
        .await?;
    rows.sort_unstable_by_key(|r| (r.0, r.1));
    let (mut typed, mut taken) = (Vec::new(), Vec::new());
    for (kind, _, text, step, harm, cost, at) in rows {
        match kind {
            0 => typed.push(TypedCommand {
                command: text,
                step,
                harm,
                at,
            }),
            _ => taken.push(TakenHint {
                step: step.unwrap_or(0),
                level: text,
                cost,
                at,
            }),
        }
    }
    Ok((typed, taken))
}
