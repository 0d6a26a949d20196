//! The writer task: the one connection that writes. It commits every write queued while it was
//! busy in one transaction (group commit), so concurrent writers share one sync to disk and never
//! meet "database is locked".

use sqlx::{Connection as _, SqliteConnection};
use tokio::sync::{mpsc, oneshot};

use super::model::{
    Event, NewAttempt, NewCommand, NewEvent, NewHint, NewInterview, NewOverride, NewRoundAnswer,
    NewSession, NewUser, NotesGrade, Regraded, RoleChange, RoundOutcome, SecretChange, Settle,
    StoredAttempt,
};
use super::{
    StoreError, attempts, connect, figures, gauntlets, interviews, investigations, overrides,
    reveals, settings, users,
};

/// How often a busy writer lets SQLite refresh the statistics its query planner reads (SQLite's
/// advice for long-lived connections: `PRAGMA optimize` every few hours).
const OPTIMIZE_EVERY: std::time::Duration = std::time::Duration::from_secs(3600);

/// Most writes committed in one transaction.
const MAX_BATCH: usize = 256;

/// Writes that may wait for the writer before callers wait to queue more.
pub(super) const QUEUE: usize = 1024;

/// A write waiting for the writer, with where to send its outcome.
#[derive(Debug)]
pub(super) enum Job {
    Submit(Task<Submission, StoredAttempt>),
    /// Attempts graded again, in one transaction.
    Regrade(Task<Vec<Regraded>, ()>),
    Override(Task<OverrideOf, bool>),
    Reveal(Task<Reveal, ()>),
    RenewSecret(Task<SecretChange, ()>),
    Pragmas(Task<(), (String, i64, i64)>),
    CreateUser(Task<NewUser, Option<i64>>),
    SetRole(Task<(String, String), RoleChange>),
    StartSession(Task<NewSession, ()>),
    TouchSession(Task<(Vec<u8>, i64), ()>),
    EndSession(Task<Vec<u8>, ()>),
    /// User name, new hash, the session to keep.
    SetPassword(Task<(String, String, Option<Vec<u8>>), bool>),
    /// Public id, the interview, the `started` event's data.
    StartInterview(Task<(String, NewInterview, String), i64>),
    AppendEvent(Task<NewEvent, Option<Event>>),
    /// Interview id, text, when, their grade.
    SaveNotes(Task<(i64, String, i64, Option<NotesGrade>), bool>),
    /// Interview id, the notes graded, their grade.
    NotesGrade(Task<(i64, String, NotesGrade), bool>),
    AnswerRound(Task<NewRoundAnswer, RoundOutcome>),
    TypeCommand(Task<NewCommand, ()>),
    TakeHint(Task<NewHint, ()>),
    /// Learner, gauntlet, when.
    RestartGauntlet(Task<(String, String, i64), ()>),
    /// Commit the writes queued before this, close the connection and stop.
    Close,
}

/// An attempt with the public id chosen for it.
#[derive(Debug)]
pub(super) struct Submission {
    pub(super) public_id: String,
    pub(super) attempt: NewAttempt,
}

/// An override of an item of the learner's attempt.
#[derive(Debug)]
pub(super) struct OverrideOf {
    pub(super) public_id: String,
    pub(super) learner: String,
    pub(super) item: NewOverride,
    pub(super) settle: Settle,
}

/// A learner revealing a scenario's expected answers.
#[derive(Debug)]
pub(super) struct Reveal {
    pub(super) learner: String,
    pub(super) scenario: String,
    pub(super) at: i64,
}

/// One write: its input, its output once run, and the caller waiting for it.
#[derive(Debug)]
pub(super) struct Task<I, O> {
    input: I,
    output: Option<O>,
    reply: oneshot::Sender<Result<O, StoreError>>,
}

impl<I, O> Task<I, O> {
    /// The task, and where its outcome arrives after its transaction ends.
    pub(super) fn new(input: I) -> (Self, oneshot::Receiver<Result<O, StoreError>>) {
        let (reply, outcome) = oneshot::channel();
        let task = Task {
            input,
            output: None,
            reply,
        };
        (task, outcome)
    }

    // A caller that stopped waiting (a dropped request) is no reason to fail the others, so the
    // results of `send` are ignored.
    fn succeed(self) {
        if let Some(output) = self.output {
            let _ = self.reply.send(Ok(output));
        }
    }

    fn fail(self, err: sqlx::Error) {
        let _ = self.reply.send(Err(err.into()));
    }
}

/// Runs `$body` with `$t` bound to the job's task, whatever its kind (nothing for a close).
macro_rules! each_task {
    ($job:expr, $t:ident => $body:expr) => {
        match $job {
            Job::Submit($t) => $body,
            Job::Regrade($t) => $body,
            Job::Override($t) => $body,
            Job::Reveal($t) => $body,
            Job::AnswerRound($t) => $body,
            Job::TypeCommand($t) => $body,
            Job::TakeHint($t) => $body,
            Job::RestartGauntlet($t) => $body,
            Job::RenewSecret($t) => $body,
            Job::Pragmas($t) => $body,
            Job::CreateUser($t) => $body,
            Job::SetRole($t) => $body,
            Job::StartSession($t) => $body,
            Job::TouchSession($t) => $body,
            Job::EndSession($t) => $body,
            Job::SetPassword($t) => $body,
            Job::StartInterview($t) => $body,
            Job::AppendEvent($t) => $body,
            Job::SaveNotes($t) => $body,
            Job::NotesGrade($t) => $body,
            Job::Close => {}
        }
    };
}

impl Job {
    async fn run(&mut self, conn: &mut SqliteConnection) -> Result<(), sqlx::Error> {
        match self {
            Job::Submit(t) => {
                let Submission { public_id, attempt } = &t.input;
                let penalty =
                    investigations::pending_penalty(conn, &attempt.learner, &attempt.scenario)
                        .await?;
                let stored = attempts::insert(conn, public_id, attempt, penalty).await?;
                figures::count(conn, stored.id, 1).await?;
                investigations::claim(conn, stored.id, &attempt.learner, &attempt.scenario).await?;
                t.output = Some(stored);
            }
            Job::Regrade(t) => {
                for regraded in &t.input {
                    figures::count(conn, regraded.id, -1).await?;
                    attempts::regrade(conn, regraded).await?;
                    figures::count(conn, regraded.id, 1).await?;
                }
                t.output = Some(());
            }
            Job::Override(t) => {
                let o = &t.input;
                let Some(id) = attempts::id_of(&mut *conn, &o.public_id, &o.learner).await? else {
                    t.output = Some(false);
                    return Ok(());
                };
                figures::count(conn, id, -1).await?;
                overrides::upsert(conn, id, &o.item).await?;
                attempts::settle(conn, id, o.settle).await?;
                figures::count(conn, id, 1).await?;
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
                settings::delete(conn, super::LEGACY_COOKIE_KEY).await?;
                settings::set(conn, super::SECRET_FINGERPRINT, &change.fingerprint).await?;
                t.output = Some(());
            }
            Job::Pragmas(t) => t.output = Some(connect::pragmas(conn).await?),
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

    fn succeed(self) {
        each_task!(self, t => t.succeed());
    }

    fn fail(self, err: sqlx::Error) {
        each_task!(self, t => t.fail(err));
    }
}

/// Runs the writer until [`Job::Close`], or until every sender is dropped. Dropping `inbox`
/// last tells [`mpsc::Sender::closed`] waiters that the connection is closed.
pub(super) async fn run(mut conn: SqliteConnection, mut inbox: mpsc::Receiver<Job>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    let mut optimized = std::time::Instant::now();
    // Waits for one write, then takes whatever else is already queued.
    while inbox.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let close_at = batch.iter().position(|job| matches!(job, Job::Close));
        // Writes queued after a close are dropped: their callers see `WriterGone`.
        let after_close = close_at.map(|at| batch.split_off(at));
        commit(&mut conn, &mut batch).await;
        if after_close.is_some() {
            break;
        }
        if optimized.elapsed() >= OPTIMIZE_EVERY {
            connect::optimize(&mut conn, "PRAGMA optimize").await;
            optimized = std::time::Instant::now();
        }
    }
    if let Err(err) = conn.close().await {
        tracing::warn!(%err, "closing the database writer");
    }
}

/// Commits the batch in one transaction and only then answers its callers. When that fails,
/// commits its writes one by one, so one bad write does not fail the others.
async fn commit(conn: &mut SqliteConnection, batch: &mut Vec<Job>) {
    if batch.is_empty() {
        return;
    }
    match transaction(conn, batch).await {
        Ok(()) => batch.drain(..).for_each(Job::succeed),
        Err(err) if batch.len() > 1 => {
            let writes = batch.len();
            tracing::warn!(%err, writes, "a batch failed; committing its writes one by one");
            for mut job in batch.drain(..) {
                match transaction(conn, std::slice::from_mut(&mut job)).await {
                    Ok(()) => job.succeed(),
                    Err(err) => job.fail(err),
                }
            }
        }
        Err(err) => {
            if let Some(job) = batch.pop() {
                job.fail(err);
            }
        }
    }
}

/// Runs the jobs in one `BEGIN IMMEDIATE` transaction; on error the transaction rolls back.
async fn transaction(conn: &mut SqliteConnection, jobs: &mut [Job]) -> Result<(), sqlx::Error> {
    let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
    for job in jobs.iter_mut() {
        job.run(&mut tx).await?;
    }
    tx.commit().await
}
