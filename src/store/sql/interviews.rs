//! SQL for interviews and their events.

use super::{Conn, Exec};

use super::attempts::rubric_version;
use super::model::{Event, Interview, NewEvent, NewInterview, NotesGrade, Position};

pub(in crate::store) const INSERT_INTERVIEW: &str = "INSERT INTO interviews (public_id, candidate_token_hash, interviewer_id, candidate, \
     scenario, rubric_version, started_at, kind) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id";

/// Inserts the interview, its rubric version when new, and its `started` event (seq 1). Part
/// of the writer's transaction.
pub(in crate::store) async fn insert(
    conn: &mut Conn,
    public_id: &str,
    new: &NewInterview,
    started: &str,
) -> Result<i64, sqlx::Error> {
    rubric_version(
        &mut *conn,
        &new.scenario,
        &new.rubric_version,
        &new.rubric_json,
        new.at,
    )
    .await?;
    let id: i64 = sqlx::query_scalar(INSERT_INTERVIEW)
        .bind(public_id)
        .bind(&new.candidate_token_hash)
        .bind(new.interviewer_id)
        .bind(&new.candidate)
        .bind(&new.scenario)
        .bind(&new.rubric_version)
        .bind(new.at)
        .bind(new.kind)
        .fetch_one(&mut *conn)
        .await?;
    let event = NewEvent {
        interview_id: id,
        kind: "started".to_owned(),
        data: started.to_owned(),
        at: new.at,
    };
    append(conn, &event).await?;
    Ok(id)
}

pub(in crate::store) const APPEND_SEQ: &str = "UPDATE interviews SET last_seq = last_seq + 1, \
     ended_at = CASE WHEN $2 = 'ended' THEN $3 ELSE ended_at END \
     WHERE id = $1 AND ended_at IS NULL RETURNING last_seq";
pub(in crate::store) const INSERT_EVENT: &str =
    "INSERT INTO interview_events (interview_id, seq, at, kind, data) VALUES ($1, $2, $3, $4, $5)";

/// Appends the event with the next sequence number; `None` when the interview has ended (or
/// does not exist). An `ended` event ends it. Part of the writer's transaction.
pub(in crate::store) async fn append(
    conn: &mut Conn,
    e: &NewEvent,
) -> Result<Option<Event>, sqlx::Error> {
    let seq: Option<i64> = sqlx::query_scalar(APPEND_SEQ)
        .bind(e.interview_id)
        .bind(&e.kind)
        .bind(e.at)
        .fetch_optional(&mut *conn)
        .await?;
    let Some(seq) = seq else {
        return Ok(None);
    };
    sqlx::query(INSERT_EVENT)
        .bind(e.interview_id)
        .bind(seq)
        .bind(e.at)
        .bind(&e.kind)
        .bind(&e.data)
        .execute(conn)
        .await?;
    Ok(Some(Event {
        seq,
        at: e.at,
        kind: e.kind.clone(),
        data: e.data.clone(),
    }))
}

pub(in crate::store) const SAVE_NOTES: &str = "UPDATE interviews SET candidate_notes = $2, candidate_notes_at = $3, \
     candidate_notes_grade = $4, candidate_notes_grade_version = $5 \
     WHERE id = $1 AND ended_at IS NULL";

/// Replaces the candidate's notes and their grade (none: to be computed) unless the interview
/// has ended; whether it was saved. Part of the writer's transaction.
pub(in crate::store) async fn save_notes(
    conn: &mut Conn,
    interview_id: i64,
    text: &str,
    at: i64,
    grade: Option<&NotesGrade>,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(SAVE_NOTES)
        .bind(interview_id)
        .bind(text)
        .bind(at)
        .bind(grade.map(|g| &g.json))
        .bind(grade.map(|g| &g.rubric_version))
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub(in crate::store) const STORE_NOTES_GRADE: &str = "UPDATE interviews SET candidate_notes_grade = $3, candidate_notes_grade_version = $4 \
     WHERE id = $1 AND candidate_notes = $2";

/// Stores the grade of the candidate's notes unless they are no longer `notes` (a save since
/// stored its own); whether it was stored. Part of the writer's transaction.
pub(in crate::store) async fn store_notes_grade(
    conn: &mut Conn,
    interview_id: i64,
    notes: &str,
    grade: &NotesGrade,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(STORE_NOTES_GRADE)
        .bind(interview_id)
        .bind(notes)
        .bind(&grade.json)
        .bind(&grade.rubric_version)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// The start of every query for interviews (a macro so `concat!` can extend it).
macro_rules! select_interviews {
    () => {
        select_interviews!("JOIN")
    };
    // `CROSS JOIN` keeps interviews the outer loop (SQLite never reorders it), for lists that
    // walk an interviews index in order.
    ($join:literal) => {
        concat!(
            "SELECT i.id, i.public_id, i.interviewer_id, u.name AS interviewer, i.candidate, \
             i.scenario, i.rubric_version, i.started_at, i.ended_at, i.candidate_notes, \
             i.candidate_notes_at, i.last_seq, i.candidate_notes_grade, \
             i.candidate_notes_grade_version, i.kind FROM interviews i ",
            $join,
            " users u ON u.id = i.interviewer_id"
        )
    };
}

pub(in crate::store) const BY_PUBLIC_ID: &str = concat!(select_interviews!(), " WHERE i.public_id = $1");

/// The interview with this public id.
pub(in crate::store) async fn by_public_id(
    db: impl Exec<'_>,
    public_id: &str,
) -> Result<Option<Interview>, sqlx::Error> {
    sqlx::query_as(BY_PUBLIC_ID)
        .bind(public_id)
        .fetch_optional(db)
        .await
}

pub(in crate::store) const BY_TOKEN_HASH: &str =
    concat!(select_interviews!(), " WHERE i.candidate_token_hash = $1");

/// The interview whose candidate link has a token with this hash.
pub(in crate::store) async fn by_token_hash(
    db: impl Exec<'_>,
    hash: &[u8],
) -> Result<Option<Interview>, sqlx::Error> {
    sqlx::query_as(BY_TOKEN_HASH)
        .bind(hash)
        .fetch_optional(db)
        .await
}

/// One page of an interviewer's interviews: those started before the position, newest first,
/// ties in time by id; it walks `interviews_by_interviewer` in order.
pub(in crate::store) const PAGE_OF_INTERVIEWER: &str = concat!(
    select_interviews!(),
    " WHERE i.interviewer_id = $1 AND (i.started_at, i.id) < ($2, $3) \
     ORDER BY i.started_at DESC, i.id DESC LIMIT $4"
);

/// One page of everyone's interviews, as [`PAGE_OF_INTERVIEWER`]; it walks
/// `interviews_by_start` in order.
pub(in crate::store) const PAGE_OF_ALL: &str = concat!(
    select_interviews!("CROSS JOIN"),
    " WHERE (i.started_at, i.id) < ($1, $2) ORDER BY i.started_at DESC, i.id DESC LIMIT $3"
);

/// An interviewer's interviews, or everyone's, started before `before`, newest first, at most
/// `limit`.
pub(in crate::store) async fn list(
    db: impl Exec<'_>,
    interviewer: Option<i64>,
    before: Position,
    limit: u32,
) -> Result<Vec<Interview>, sqlx::Error> {
    // Two statements, so an interviewer's list walks `interviews_by_interviewer` (one query
    // with `$1 IS NULL OR interviewer_id = $1` could never use it).
    let query = match interviewer {
        Some(id) => sqlx::query_as(PAGE_OF_INTERVIEWER).bind(id),
        None => sqlx::query_as(PAGE_OF_ALL),
    };
    query
        .bind(before.at)
        .bind(before.id)
        .bind(i64::from(limit))
        .fetch_all(db)
        .await
}

pub(in crate::store) const EVENTS: &str = "SELECT seq, at, kind, data FROM interview_events \
     WHERE interview_id = $1 AND seq > $2 ORDER BY seq";

/// The interview's events after `after`, in order.
pub(in crate::store) async fn events(
    db: impl Exec<'_>,
    interview_id: i64,
    after: i64,
) -> Result<Vec<Event>, sqlx::Error> {
    sqlx::query_as(EVENTS)
        .bind(interview_id)
        .bind(after)
        .fetch_all(db)
        .await
}

pub(in crate::store) const COUNT_EVENTS: &str = "SELECT COUNT(*) FROM interview_events";

/// How many interview events are stored (for the durability check).
pub(in crate::store) async fn count_events(db: impl Exec<'_>) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(COUNT_EVENTS).fetch_one(db).await
}

pub(in crate::store) const PUBLIC_IDS: &str = "SELECT public_id FROM interviews ORDER BY id";

/// Every interview's public id (for renewing candidate links under a new secret).
pub(in crate::store) async fn public_ids(db: impl Exec<'_>) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(PUBLIC_IDS).fetch_all(db).await
}

pub(in crate::store) const SET_TOKEN_HASH: &str =
    "UPDATE interviews SET candidate_token_hash = $1 WHERE public_id = $2";

/// Replaces the hash of an interview's candidate token. Part of the writer's transaction.
pub(in crate::store) async fn set_token_hash(
    conn: &mut Conn,
    public_id: &str,
    token_hash: &[u8],
) -> Result<(), sqlx::Error> {
    sqlx::query(SET_TOKEN_HASH)
        .bind(token_hash)
        .bind(public_id)
        .execute(conn)
        .await?;
    Ok(())
}
