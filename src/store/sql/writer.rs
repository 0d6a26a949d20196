//! The writer task: the one connection that writes. It commits every write queued while it was
//! busy in one transaction (group commit), so concurrent writers share one sync to disk and never
//! meet "database is locked".


use sqlx::Connection as _;
use tokio::sync::mpsc;

use super::super::jobs::{Job, MAX_BATCH, Submission};
use super::model::StoredAttempt;
use super::{
    Conn, attempts, figures, gauntlets, interviews, investigations, overrides, reveals, settings,
    users,
};

/// How often a busy writer lets the database refresh the statistics its query planner reads
/// (SQLite's advice for long-lived connections: `PRAGMA optimize` every few hours).
const OPTIMIZE_EVERY: std::time::Duration = std::time::Duration::from_secs(3600);

/// What the writer keeps between and within its transactions.
#[derive(Debug, Default)]
struct Writing {
    /// Names this process's store in the change notifications it sends other instances
    /// (PostgreSQL only), so that it can ignore its own.
    instance: String,
    /// The figures' changes of the transaction under way.
    tally: figures::Tally,
    /// Rubric versions known to be stored (they are never deleted): a submission graded by one
    /// of them skips inserting it.
    versions: attempts::Versions,
    /// The database, to connect again after losing the connection (PostgreSQL restarted or
    /// failed over).
    url: String,
    /// The last transaction failed because the connection is gone (PostgreSQL).
    lost: bool,
}

/// Runs one write inside the writer's transaction, keeping its output for after `COMMIT`.
async fn run_job(job: &mut Job, conn: &mut Conn, w: &mut Writing) -> Result<(), sqlx::Error> {
    match job {
        Job::Submit(_) => submit(std::slice::from_mut(job), conn, w).await?,
        Job::Regrade(t) => {
            for regraded in &t.input {
                figures::count(conn, &mut w.tally, regraded.id, -1).await?;
                attempts::regrade(conn, regraded).await?;
                figures::count(conn, &mut w.tally, regraded.id, 1).await?;
            }
            t.output = Some(());
        }
        Job::Override(t) => {
            let o = &t.input;
            let Some(id) = attempts::id_of(&mut *conn, &o.public_id, &o.learner).await? else {
                t.output = Some(false);
                return Ok(());
            };
            figures::count(conn, &mut w.tally, id, -1).await?;
            overrides::upsert(conn, id, &o.item).await?;
            attempts::settle(conn, id, o.settle).await?;
            figures::count(conn, &mut w.tally, id, 1).await?;
            t.output = Some(true);
        }
        Job::Reveal(t) => {
            let r = &t.input;
            reveals::record(conn, &r.learner, &r.scenario, r.at).await?;
            t.output = Some(());
        }
        Job::TypeCommand(t) => {
            investigations::insert(conn, &t.input).await?;
            t.output = Some(());
        }
        Job::TakeHint(t) => {
            investigations::insert_hint(conn, &t.input).await?;
            t.output = Some(());
        }
        Job::AnswerRound(t) => {
            t.output = Some(gauntlets::answer(conn, &t.input).await?);
        }
        Job::RestartGauntlet(t) => {
            let (learner, gauntlet, at) = &t.input;
            gauntlets::start(conn, learner, gauntlet, *at).await?;
            t.output = Some(());
        }
        Job::RenewSecret(t) => {
            let change = &t.input;
            for (public_id, hash) in &change.candidate_token_hashes {
                interviews::set_token_hash(conn, public_id, hash).await?;
            }
            if change.end_sessions {
                users::end_all_sessions(conn).await?;
            }
            settings::delete(conn, super::super::LEGACY_COOKIE_KEY).await?;
            settings::set(conn, super::super::SECRET_FINGERPRINT, &change.fingerprint).await?;
            t.output = Some(());
        }
        Job::Pragmas(t) => t.output = Some(super::pragmas(conn).await?),
        Job::CreateUser(t) => t.output = Some(users::insert(conn, &t.input).await?),
        Job::SetRole(t) => {
            let (name, role) = &t.input;
            t.output = Some(users::set_role(conn, name, role).await?);
        }
        Job::StartSession(t) => {
            users::start_session(conn, &t.input).await?;
            t.output = Some(());
        }
        Job::TouchSession(t) => {
            let (token_hash, at) = &t.input;
            users::touch_session(conn, token_hash, *at).await?;
            t.output = Some(());
        }
        Job::EndSession(t) => {
            users::end_session(conn, &t.input).await?;
            t.output = Some(());
        }
        Job::SetPassword(t) => {
            let (name, hash, keep) = &t.input;
            t.output = Some(users::set_password(conn, name, hash, keep.as_deref()).await?);
        }
        Job::StartInterview(t) => {
            let (public_id, new, started) = &t.input;
            t.output = Some(interviews::insert(conn, public_id, new, started).await?);
        }
        Job::AppendEvent(t) => t.output = Some(interviews::append(conn, &t.input).await?),
        Job::SaveNotes(t) => {
            let (id, text, at, grade) = &t.input;
            let saved = interviews::save_notes(conn, *id, text, *at, grade.as_ref()).await?;
            t.output = Some(saved);
        }
        Job::NotesGrade(t) => {
            let (id, notes, grade) = &t.input;
            t.output = Some(interviews::store_notes_grade(conn, *id, notes, grade).await?);
        }
        Job::Close => {}
    }
    Ok(())
}

/// Stores consecutive submissions together (one statement on PostgreSQL), each counted in the
/// figures; `jobs` are all [`Job::Submit`].
async fn submit(jobs: &mut [Job], conn: &mut Conn, w: &mut Writing) -> Result<(), sqlx::Error> {
    let submissions: Vec<&Submission> = jobs.iter().filter_map(Job::submission).collect();
    let stored = attempts::submit(conn, &mut w.versions, &submissions).await?;
    for (job, (id, shown)) in jobs.iter_mut().zip(stored) {
        if let Job::Submit(t) = job {
            let Submission { public_id, attempt } = &t.input;
            w.tally
                .add(&attempt.scenario, shown, &attempt.verdicts_json, &[], 1);
            let public_id = public_id.clone();
            t.output = Some(StoredAttempt { id, public_id });
        }
    }
    Ok(())
}

/// How many jobs from the first are submissions, stored together: consecutive, so that writes
/// queued between them keep their order.
fn submissions_together(jobs: &[Job]) -> usize {
    jobs.iter().map_while(Job::submission).count()
}

/// Runs the writer until [`Job::Close`], or until every sender is dropped. Dropping `inbox`
/// last tells [`mpsc::Sender::closed`] waiters that the connection is closed.
/// `instance` names this process's store in the change notifications it sends other instances
/// (PostgreSQL only), so that it can ignore its own.
pub(in crate::store) async fn run(
    mut conn: Conn,
    mut inbox: mpsc::Receiver<Job>,
    instance: String,
    url: String,
) {
    let mut w = Writing {
        instance,
        url,
        ..Writing::default()
    };
    let mut batch = Vec::with_capacity(MAX_BATCH);
    let mut optimized = std::time::Instant::now();
    // Waits for one write, then takes whatever else is already queued.
    while inbox.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let close_at = batch.iter().position(|job| matches!(job, Job::Close));
        // Writes queued after a close are dropped: their callers see `WriterGone`.
        let after_close = close_at.map(|at| batch.split_off(at));
        commit(&mut conn, &mut batch, &mut w).await;
        if after_close.is_some() {
            break;
        }
        // The writes that met a lost connection failed; the next ones get a new one (when the
        // database answers again: else they fail too, and the next batch tries again).
        if w.lost
            && let Some(fresh) = super::reconnect(&w.url).await
        {
            conn = fresh;
            w.lost = false;
        }
        if optimized.elapsed() >= OPTIMIZE_EVERY {
            super::optimize(&mut conn).await;
            optimized = std::time::Instant::now();
        }
    }
    if let Err(err) = conn.close().await {
        tracing::warn!(%err, "closing the database writer");
    }
}

/// Commits the batch in one transaction and only then answers its callers. When that fails,
/// commits its writes one by one, so one bad write does not fail the others.
async fn commit(conn: &mut Conn, batch: &mut Vec<Job>, w: &mut Writing) {
    if batch.is_empty() {
        return;
    }
    match transaction(conn, batch, w).await {
        Ok(()) => batch.drain(..).for_each(Job::succeed),
        // One by one would fail the same way when the connection is gone.
        Err(err) if batch.len() > 1 && !w.lost => {
            let writes = batch.len();
            tracing::warn!(%err, writes, "a batch failed; committing its writes one by one");
            for mut job in batch.drain(..) {
                match transaction(conn, std::slice::from_mut(&mut job), w).await {
                    Ok(()) => job.succeed(),
                    Err(err) => job.fail(err),
                }
            }
        }
        Err(err) if batch.len() > 1 => {
            tracing::warn!(%err, "lost the database connection; the writes under way failed");
            for job in batch.drain(..) {
                job.fail(lost(&err));
            }
        }
        Err(err) => {
            if let Some(job) = batch.pop() {
                job.fail(err);
            }
        }
    }
}

/// Runs the jobs in one transaction (`BEGIN IMMEDIATE` on SQLite); on error the transaction rolls back.
async fn transaction(conn: &mut Conn, jobs: &mut [Job], w: &mut Writing) -> Result<(), sqlx::Error> {
    let result = run_in_transaction(conn, jobs, w).await;
    // A SQLite file's I/O error is the disk's, not a connection to make again.
    w.lost = super::POSTGRES && result.as_ref().is_err_and(is_lost);
    result
}

async fn run_in_transaction(
    conn: &mut Conn,
    jobs: &mut [Job],
    w: &mut Writing,
) -> Result<(), sqlx::Error> {
    // Whatever a failed transaction left behind counts for nothing.
    w.tally = Default::default();
    w.versions.forget_new();
    let mut tx = conn.begin_with(super::BEGIN).await?;
    let mut at = 0;
    while at < jobs.len() {
        let together = submissions_together(&jobs[at..]);
        if together > 1 {
            submit(&mut jobs[at..at + together], &mut tx, w).await?;
            at += together;
            continue;
        }
        let job = &mut jobs[at];
        run_job(job, &mut tx, w).await?;
        // Other instances on the database hear of it when (and only if) it commits.
        if super::POSTGRES
            && let Some(change) = job.change()
        {
            super::notify(&mut tx, &change.payload(&w.instance)).await?;
        }
        at += 1;
    }
    w.tally.flush(&mut tx).await?;
    tx.commit().await?;
    w.versions.keep_new();
    Ok(())
}

/// Whether the error says the connection is gone (not that a write was refused): a broken
/// socket, or PostgreSQL ending the session (SQLSTATE class 57P: shutdown, administrator
/// command; class 08: connection exception).
fn is_lost(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::Io(_) | sqlx::Error::Tls(_) | sqlx::Error::Protocol(_) => true,
        sqlx::Error::Database(db) => db
            .code()
            .is_some_and(|code| code.starts_with("57P") || code.starts_with("08")),
        _ => false,
    }
}

/// The error each failed write of a batch gets when the connection was lost.
fn lost(err: &sqlx::Error) -> sqlx::Error {
    sqlx::Error::Io(std::io::Error::other(format!("the database connection was lost: {err}")))
}
