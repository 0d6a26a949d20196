//! SQL for gauntlet practice: runs through a gauntlet's rounds and the graded answer to each.

use super::Conn;

use super::model::{GauntletRun, NewRoundAnswer, RoundAnswer, RoundOutcome};

pub(in crate::store) const LATEST_RUN: &str = "SELECT id, started_at FROM gauntlet_runs \
     WHERE learner = $1 AND gauntlet = $2 ORDER BY id DESC LIMIT 1";

pub(in crate::store) const RUN_ANSWERS: &str = "SELECT round, answer, rubric_version, verdicts, score, covered, total, submitted_at \
     FROM gauntlet_answers WHERE run = $1 ORDER BY round";

pub(in crate::store) const START_RUN: &str =
    "INSERT INTO gauntlet_runs (learner, gauntlet, started_at) VALUES ($1, $2, $3) RETURNING id";

pub(in crate::store) const LAST_ROUND: &str =
    "SELECT COALESCE(MAX(round), 0) FROM gauntlet_answers WHERE run = $1";

pub(in crate::store) const INSERT_ANSWER: &str = "INSERT INTO gauntlet_answers \
     (run, round, answer, rubric_version, verdicts, score, covered, total, submitted_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";

pub(in crate::store) const ADOPT_RUNS: &str = "UPDATE gauntlet_runs SET learner = $1 WHERE learner = $2";

/// The learner's latest run of the gauntlet with its answers, in round order.
pub(in crate::store) async fn latest(
    db: &super::Pool,
    learner: &str,
    gauntlet: &str,
) -> Result<Option<GauntletRun>, sqlx::Error> {
    let Some((id, started_at)): Option<(i64, i64)> = sqlx::query_as(LATEST_RUN)
        .bind(learner)
        .bind(gauntlet)
        .fetch_optional(db)
        .await?
    else {
        return Ok(None);
    };
    let answers: Vec<RoundAnswer> = sqlx::query_as(RUN_ANSWERS).bind(id).fetch_all(db).await?;
    Ok(Some(GauntletRun {
        id,
        started_at,
        answers,
    }))
}

async fn latest_id(
    conn: &mut Conn,
    learner: &str,
    gauntlet: &str,
) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<(i64, i64)> = sqlx::query_as(LATEST_RUN)
        .bind(learner)
        .bind(gauntlet)
        .fetch_optional(conn)
        .await?;
    Ok(row.map(|(id, _)| id))
}

/// Opens a new run; part of the writer's transaction.
pub(in crate::store) async fn start(
    conn: &mut Conn,
    learner: &str,
    gauntlet: &str,
    at: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(START_RUN)
        .bind(learner)
        .bind(gauntlet)
        .bind(at)
        .fetch_one(conn)
        .await
}

/// Stores the answer to the next round of the learner's latest run (opening one for a first
/// answer); an answer to any other round is refused, so rounds are answered in order and once.
pub(in crate::store) async fn answer(
    conn: &mut Conn,
    a: &NewRoundAnswer,
) -> Result<RoundOutcome, sqlx::Error> {
    let run = match latest_id(&mut *conn, &a.learner, &a.gauntlet).await? {
        Some(run) => run,
        None => start(&mut *conn, &a.learner, &a.gauntlet, a.submitted_at).await?,
    };
    let last: i64 = sqlx::query_scalar(LAST_ROUND)
        .bind(run)
        .fetch_one(&mut *conn)
        .await?;
    if a.round != last + 1 {
        return Ok(RoundOutcome::OutOfTurn { next: last + 1 });
    }
    sqlx::query(INSERT_ANSWER)
        .bind(run)
        .bind(a.round)
        .bind(&a.answer)
        .bind(&a.rubric_version)
        .bind(&a.verdicts_json)
        .bind(a.score)
        .bind(a.covered)
        .bind(a.total)
        .bind(a.submitted_at)
        .execute(conn)
        .await?;
    Ok(RoundOutcome::Stored)
}

/// Moves an anonymous learner's runs to a user; part of the sign-in transaction.
pub(in crate::store) async fn adopt(
    conn: &mut Conn,
    from: &str,
    to: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(ADOPT_RUNS)
        .bind(to)
        .bind(from)
        .execute(conn)
        .await?;
    Ok(())
}
