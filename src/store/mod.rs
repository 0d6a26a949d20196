//! The only place with SQL: opening and migrating the database (SQLite, or PostgreSQL for several
//! instances), and typed queries.
//!
//! Reads run on a small pool of read connections. Every write goes to one writer task
//! (`sql/writer.rs`) that owns the only writing connection of this process: it commits whatever
//! writes are queued in one transaction (group commit) and answers each caller only after
//! `COMMIT` (SQLite: `synchronous = FULL`; PostgreSQL: `synchronous_commit` as the server has
//! it, `on` by default), so an acknowledged write survives a crash or power loss. With one
//! writer, concurrent writes never fail with "database is locked".
//!
//! The queries in `sql/` bind `$N` parameters and read unix milliseconds from the caller; the
//! same files are compiled once for each backend (modules `sqlite` and `pg` below), and the
//! few statements that differ choose by `POSTGRES`. Several instances may share a PostgreSQL
//! database: each tells the others what they must know (`changes.rs`, `postgres.rs`).

mod changes;
mod connect;
mod idle_cache;
mod jobs;
mod known;
mod model;
#[cfg(test)]
mod plans;
mod postgres;
mod session_cache;
pub mod transfer;

use crate::random;
use tokio::sync::mpsc;

/// Declares the query modules of `sql/` in a backend's module, where `Conn`, `Exec`, `Pool`,
/// `POSTGRES` and the few backend-specific functions they call are that backend's: the same
/// source is compiled once for SQLite and once for PostgreSQL, with no dynamic dispatch in
/// either. Loading each file twice is the point, so clippy's `duplicate_mod` is allowed here
/// and nowhere else.
macro_rules! query_modules {
    () => {
        #[allow(clippy::duplicate_mod)]
        pub(super) mod attempts;
        #[allow(clippy::duplicate_mod)]
        pub(super) mod figures;
        #[allow(clippy::duplicate_mod)]
        pub(super) mod gauntlets;
        #[allow(clippy::duplicate_mod)]
        pub(super) mod interviews;
        #[allow(clippy::duplicate_mod)]
        pub(super) mod investigations;
        #[allow(clippy::duplicate_mod)]
        pub(super) mod overrides;
        #[allow(clippy::duplicate_mod)]
        pub(super) mod reveals;
        #[allow(clippy::duplicate_mod)]
        pub(super) mod settings;
        #[allow(clippy::duplicate_mod)]
        pub(super) mod users;
        #[allow(clippy::duplicate_mod)]
        pub(super) mod writer;
    };
}

/// The queries, for SQLite.
#[path = "sql"]
mod sqlite {
    use super::jobs::Submission;
    use super::model;

    pub(super) use sqlx::SqliteConnection as Conn;
    pub(super) use sqlx::SqliteExecutor as Exec;
    pub(super) type Pool = sqlx::SqlitePool;
    /// Whether these are PostgreSQL's queries (the few that differ say so).
    pub(super) const POSTGRES: bool = false;
    /// A write transaction takes the write lock at once: no upgrade that could fail later.
    const BEGIN: &str = "BEGIN IMMEDIATE";

    async fn pragmas(conn: &mut Conn) -> Result<(String, i64, i64), sqlx::Error> {
        super::connect::pragmas(conn).await
    }

    async fn optimize(conn: &mut Conn) {
        super::connect::optimize(conn, "PRAGMA optimize").await
    }

    // PostgreSQL's way of writing many rows in one statement; SQLite's queries take the
    // row-by-row way (`figures::write_each`, `attempts::insert_each`), which these forward to.
    async fn write_sums(
        conn: &mut Conn,
        scenarios: figures::ScenarioSums,
        items: figures::ItemSums,
    ) -> Result<(), sqlx::Error> {
        figures::write_each(conn, scenarios, items).await
    }

    async fn insert_submissions(
        conn: &mut Conn,
        submissions: &[&Submission],
    ) -> Result<Vec<(i64, f64)>, sqlx::Error> {
        attempts::insert_each(conn, submissions).await
    }

    /// A SQLite file does not go away as a server does: the writer keeps its connection.
    async fn reconnect(_url: &str) -> Option<Conn> {
        None
    }

    /// One SQLite database has one instance: nobody to tell.
    async fn notify(_conn: &mut Conn, _payload: &str) -> Result<(), sqlx::Error> {
        Ok(())
    }

    query_modules!();
}

/// The queries, for PostgreSQL.
#[path = "sql"]
mod pg {
    use super::jobs::Submission;
    use super::model;

    pub(super) use sqlx::PgConnection as Conn;
    pub(super) use sqlx::PgExecutor as Exec;
    pub(super) type Pool = sqlx::PgPool;
    pub(super) const POSTGRES: bool = true;
    const BEGIN: &str = "BEGIN";

    async fn pragmas(conn: &mut Conn) -> Result<(String, i64, i64), sqlx::Error> {
        super::postgres::settings(conn).await
    }

    /// PostgreSQL's autovacuum keeps the planner's statistics.
    async fn optimize(_conn: &mut Conn) {}

    async fn notify(conn: &mut Conn, payload: &str) -> Result<(), sqlx::Error> {
        super::postgres::notify(conn, payload).await
    }

    async fn reconnect(url: &str) -> Option<Conn> {
        super::postgres::reconnect(url).await
    }

    async fn write_sums(
        conn: &mut Conn,
        scenarios: figures::ScenarioSums,
        items: figures::ItemSums,
    ) -> Result<(), sqlx::Error> {
        super::postgres::write_sums(conn, scenarios, items).await
    }

    async fn insert_submissions(
        conn: &mut Conn,
        submissions: &[&Submission],
    ) -> Result<Vec<(i64, f64)>, sqlx::Error> {
        super::postgres::insert_submissions(conn, submissions).await
    }

    query_modules!();
}

pub use changes::Change;
pub use connect::{Backend, backend, check_scheme};
use jobs::{Job, OverrideOf, Reveal, Submission, Task};
pub use model::{
    Attempt, AttemptSummary, Event, Figures, GauntletRun, HintLevel, Interview, InterviewKind,
    ItemFigures, NewAttempt, NewCommand, NewEvent, NewHint, NewInterview, NewOverride,
    NewRoundAnswer, NewSession, NewUser, NotesGrade, Override, Position, RecentAttempt, Regraded,
    RoleChange, RoundAnswer, RoundOutcome, SecretChange, Session, Settle, StoredAttempt, TakenHint,
    ToRegrade, TypedCommand, User, UserSession, VerdictCounts,
};
pub use postgres::redacted;
pub use session_cache::FRESH_FOR as SESSION_FRESH_FOR;
pub use sqlite::attempts::after_hints;
pub use sqlite::users::learner_key;

/// The `settings` key under which databases from before key files kept the cookie key.
const LEGACY_COOKIE_KEY: &str = "cookie_key";

/// The `settings` key of the fingerprint of the secret the keys in use derive from.
const SECRET_FINGERPRINT: &str = "secret_fingerprint";

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database refused or failed the operation.
    #[error(transparent)]
    Sqlx(#[from] sqlx::Error),
    /// The writer task has stopped (after [`Store::close`]), so nothing more can be written.
    #[error("the database writer has stopped")]
    WriterGone,
}

/// Runs a read query of `sql/` on the read pool, with the backend's own compiled queries.
macro_rules! read {
    ($self:ident, $module:ident :: $f:ident ( $($arg:expr),* $(,)? )) => {
        match &$self.readers {
            Readers::Sqlite(db) => sqlite::$module::$f(db, $($arg),*).await,
            Readers::Postgres(db) => pg::$module::$f(db, $($arg),*).await,
        }
    };
}

/// The read connections, of whichever database the store opened.
#[derive(Clone, Debug)]
enum Readers {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

impl Readers {
    async fn close(&self) {
        match self {
            Readers::Sqlite(pool) => pool.close().await,
            Readers::Postgres(pool) => pool.close().await,
        }
    }

    /// Connections open, and of those idle.
    fn sizes(&self) -> (usize, usize) {
        match self {
            Readers::Sqlite(pool) => (pool.size() as usize, pool.num_idle()),
            Readers::Postgres(pool) => (pool.size() as usize, pool.num_idle()),
        }
    }

    async fn ping(&self) -> Result<(), sqlx::Error> {
        match self {
            Readers::Sqlite(pool) => sqlx::query("SELECT 1").execute(pool).await.map(drop),
            Readers::Postgres(pool) => sqlx::query("SELECT 1").execute(pool).await.map(drop),
        }
    }
}

/// The database: a pool of read connections and a handle to the writer task. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    readers: Readers,
    writer: mpsc::Sender<Job>,
    known: std::sync::Arc<known::Known>,
    sessions: std::sync::Arc<session_cache::SessionCache>,
    /// Learners known, for a moment, to have no investigation under way on a scenario.
    idle: std::sync::Arc<idle_cache::IdleCache>,
    /// The SQLite database file; `None` for PostgreSQL.
    file: Option<std::path::PathBuf>,
    /// Time from queueing a write to its outcome.
    write_seconds: prometheus_client::metrics::histogram::Histogram,
    /// Changes other instances on the same PostgreSQL database made (see [`Change`]).
    changes: tokio::sync::broadcast::Sender<Change>,
    /// The task listening for them; aborted when the last handle is dropped or on close.
    listener: Option<std::sync::Arc<ListenerTask>>,
}

/// The listening task, stopped with the store.
#[derive(Debug)]
struct ListenerTask(tokio::task::AbortHandle);

impl Drop for ListenerTask {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// The read pool and the write queue, as `/metrics` shows them.
#[derive(Debug, Clone, Copy)]
pub struct PoolFigures {
    pub readers_in_use: usize,
    pub readers_idle: usize,
    pub write_queue: usize,
}

impl Store {
    /// Opens the database at `url`: SQLite (`sqlite://firedrill.db`, or a plain path), the
    /// file made when missing, or PostgreSQL (`postgres://user@host/db`), the database made
    /// when missing and the role may. Migrates it and starts the writer task. Needs a tokio
    /// runtime; an in-memory SQLite database does not work, as each connection would see its
    /// own.
    pub async fn open(url: &str) -> anyhow::Result<Store> {
        Self::open_with(url, connect::Missing::Create).await
    }

    /// Opens a database that must exist already (for commands that work on what is stored): a
    /// mistyped path or database name is an error, never a new empty database.
    pub async fn open_existing(url: &str) -> anyhow::Result<Store> {
        Self::open_with(url, connect::Missing::Refuse).await
    }

    async fn open_with(url: &str, missing: connect::Missing) -> anyhow::Result<Store> {
        // Names this store in the notifications other instances get.
        let instance = random::public_id()?;
        let sessions: std::sync::Arc<session_cache::SessionCache> = Default::default();
        let idle: std::sync::Arc<idle_cache::IdleCache> = Default::default();
        let (changes, _) = tokio::sync::broadcast::channel(1024);
        let mut listener = None;
        let (readers, writer, file) = match connect::backend(url)? {
            connect::Backend::Sqlite => {
                let options = connect::options(url, missing)?;
                let file = options.get_filename().to_owned();
                connect::owner_only(&file)?;
                let conn = connect::writer(&options).await?;
                // Again, for any file SQLite made itself; still before any secret is written.
                connect::owner_only(&file)?;
                let readers = connect::readers(&options).await?;
                let (writer, inbox) = mpsc::channel(jobs::QUEUE);
                tokio::spawn(sqlite::writer::run(conn, inbox, instance, url.to_owned()));
                (Readers::Sqlite(readers), writer, Some(file))
            }
            connect::Backend::Postgres => {
                let (conn, readers) = postgres::open(url, missing).await?;
                let (writer, inbox) = mpsc::channel(jobs::QUEUE);
                let listening = postgres::Listening {
                    url: url.to_owned(),
                    instance: instance.clone(),
                    sessions: sessions.clone(),
                    idle: idle.clone(),
                    changes: changes.clone(),
                };
                let task = tokio::spawn(postgres::listen(listening));
                listener = Some(std::sync::Arc::new(ListenerTask(task.abort_handle())));
                tokio::spawn(pg::writer::run(conn, inbox, instance, url.to_owned()));
                (Readers::Postgres(readers), writer, None)
            }
        };
        Ok(Store {
            readers,
            writer,
            known: Default::default(),
            sessions,
            idle,
            file,
            // 0.1 ms to about 3 s.
            write_seconds: prometheus_client::metrics::histogram::Histogram::new(
                prometheus_client::metrics::histogram::exponential_buckets(0.000_1, 2.0, 15),
            ),
            changes,
            listener,
        })
    }

    /// Changes other instances sharing this PostgreSQL database made: interview events and
    /// notes for this instance's live streams (caches are kept by the store itself). Nothing
    /// arrives for SQLite.
    pub fn changes(&self) -> tokio::sync::broadcast::Receiver<Change> {
        self.changes.subscribe()
    }

    /// The SQLite database file (its key file, WAL and shared memory sit beside it); `None`
    /// for PostgreSQL.
    pub fn file(&self) -> Option<&std::path::Path> {
        self.file.as_deref()
    }

    /// Whether the data is in PostgreSQL.
    pub fn is_postgres(&self) -> bool {
        matches!(self.readers, Readers::Postgres(_))
    }

    /// The cookie key a database from before key files holds in its `settings`, if any.
    pub async fn legacy_cookie_key(&self) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(read!(self, settings::get(LEGACY_COOKIE_KEY))?)
    }

    /// The fingerprint of the secret this database's candidate links were made under.
    pub async fn secret_fingerprint(&self) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(read!(self, settings::get(SECRET_FINGERPRINT))?)
    }

    /// Every interview's public id.
    pub async fn interview_public_ids(&self) -> Result<Vec<String>, StoreError> {
        Ok(read!(self, interviews::public_ids())?)
    }

    /// Applies a new secret (see [`SecretChange`]) in one transaction.
    pub async fn renew_secret(&self, change: SecretChange) -> Result<(), StoreError> {
        let renewed = self.write(Job::RenewSecret, change).await;
        self.sessions.forget_all();
        renewed
    }

    /// Stores the attempt, and its rubric version when new, under a fresh random public id.
    /// Returns only after `COMMIT`; concurrent calls share one transaction.
    pub async fn submit_attempt(&self, attempt: NewAttempt) -> Result<StoredAttempt, StoreError> {
        // The OS random source does not fail on a running Linux system; should it ever, the
        // caller sees an I/O error like any other failed write.
        let public_id = random::public_id().map_err(|err| {
            sqlx::Error::Io(std::io::Error::other(format!("random public id: {err}")))
        })?;
        let (learner, scenario) = (attempt.learner.clone(), attempt.scenario.clone());
        let submission = Submission { public_id, attempt };
        let stored = self.write(Job::Submit, submission).await?;
        self.known.add(&learner, &scenario, known::ANSWERED);
        Ok(stored)
    }

    /// The attempt with this public id if it is the learner's; `None` otherwise, so nobody
    /// learns that another learner's attempt exists.
    pub async fn attempt(
        &self,
        public_id: &str,
        learner: &str,
    ) -> Result<Option<Attempt>, StoreError> {
        Ok(read!(self, attempts::find(public_id, learner))?)
    }

    /// The learner's attempts before `before` ([`Position::NEWEST`] for the newest), newest
    /// first, at most `limit`. A stable cursor: new attempts never shift a later page.
    pub async fn attempts_of(
        &self,
        learner: &str,
        before: Position,
        limit: u32,
    ) -> Result<Vec<AttemptSummary>, StoreError> {
        Ok(read!(self, attempts::of_learner(learner, before, limit))?)
    }

    /// The learner's best score on each scenario they answered (by slug): at most one row per
    /// scenario, however many attempts.
    pub async fn best_scores(&self, learner: &str) -> Result<Vec<(String, f64)>, StoreError> {
        Ok(read!(self, attempts::best_of_learner(learner))?)
    }

    /// Records, or replaces, the override of one rubric item of the learner's attempt and
    /// settles the attempt's shown score with `settle` in the same transaction; `false` when
    /// the attempt does not exist or is not the learner's. The machine verdicts stay as they
    /// were.
    pub async fn set_override(
        &self,
        public_id: &str,
        learner: &str,
        o: NewOverride,
        settle: Settle,
    ) -> Result<bool, StoreError> {
        let (public_id, learner) = (public_id.to_owned(), learner.to_owned());
        let input = OverrideOf {
            public_id,
            learner,
            item: o,
            settle,
        };
        self.write(Job::Override, input).await
    }

    /// The overrides of the attempt with this row id, by rubric item id.
    pub async fn overrides(&self, attempt_id: i64) -> Result<Vec<Override>, StoreError> {
        Ok(read!(self, overrides::of_attempt(attempt_id))?)
    }

    /// The scenario's running statistics: a few rows, whatever the number of attempts.
    pub async fn figures(&self, scenario: &str) -> Result<Figures, StoreError> {
        Ok(read!(self, figures::of_scenario(scenario))?)
    }

    /// The scenario's statistics counted again from every stored attempt and override; reads
    /// them all, so only for tests and checks. Equal to [`Store::figures`], the score sum to
    /// within rounding.
    pub async fn recount_figures(&self, scenario: &str) -> Result<Figures, StoreError> {
        Ok(read!(self, figures::recount(scenario))?)
    }

    /// The scenario's newest attempts, newest first, at most `limit`, without who wrote them.
    pub async fn newest_attempts(
        &self,
        scenario: &str,
        limit: u32,
    ) -> Result<Vec<RecentAttempt>, StoreError> {
        Ok(read!(self, attempts::newest(scenario, limit))?)
    }

    /// Records that the learner revealed the scenario's expected answers; idempotent, keeping
    /// the first time.
    pub async fn record_reveal(
        &self,
        learner: &str,
        scenario: &str,
        at: i64,
    ) -> Result<(), StoreError> {
        let reveal = Reveal {
            learner: learner.to_owned(),
            scenario: scenario.to_owned(),
            at,
        };
        self.write(Job::Reveal, reveal).await?;
        self.known
            .add(learner, scenario, known::REVEALED | known::REVEAL_RECORDED);
        Ok(())
    }

    /// Stores a command typed on a scenario's console.
    pub async fn type_command(&self, command: NewCommand) -> Result<(), StoreError> {
        let (learner, scenario) = (command.learner.clone(), command.scenario.clone());
        // Before and after: a page read while the write is under way may have found nothing.
        self.idle.forget(&learner, &scenario);
        let written = self.write(Job::TypeCommand, command).await;
        self.idle.forget(&learner, &scenario);
        written
    }

    /// The learner's current investigation of a scenario: the commands typed since their last
    /// attempt, in order.
    pub async fn investigation(
        &self,
        learner: &str,
        scenario: &str,
    ) -> Result<Vec<TypedCommand>, StoreError> {
        Ok(read!(self, investigations::current(learner, scenario))?)
    }

    /// Records a hint the learner took on a scenario's console (once per step and level).
    pub async fn take_hint(&self, hint: NewHint) -> Result<(), StoreError> {
        let (learner, scenario) = (hint.learner.clone(), hint.scenario.clone());
        self.idle.forget(&learner, &scenario);
        let written = self.write(Job::TakeHint, hint).await;
        self.idle.forget(&learner, &scenario);
        written
    }

    /// The learner's current investigation of a scenario and the hints taken on it, in one
    /// read: what a scenario page's console shows.
    pub async fn investigation_and_hints(
        &self,
        learner: &str,
        scenario: &str,
    ) -> Result<(Vec<TypedCommand>, Vec<TakenHint>), StoreError> {
        let ticket = match self.idle.get(learner, scenario) {
            Ok(()) => return Ok((Vec::new(), Vec::new())),
            Err(ticket) => ticket,
        };
        let (typed, taken) = read!(self, investigations::current_both(learner, scenario))?;
        if typed.is_empty() && taken.is_empty() {
            self.idle.empty(learner, scenario, ticket);
        }
        Ok((typed, taken))
    }

    /// The hints an attempt claimed when it was submitted.
    pub async fn attempt_hints(&self, attempt: i64) -> Result<Vec<TakenHint>, StoreError> {
        Ok(read!(self, investigations::hints_of_attempt(attempt))?)
    }

    /// The investigation an attempt claimed when it was submitted.
    pub async fn attempt_investigation(
        &self,
        attempt: i64,
    ) -> Result<Vec<TypedCommand>, StoreError> {
        Ok(read!(self, investigations::of_attempt(attempt))?)
    }

    /// The learner's latest run of a gauntlet, with its answers in round order.
    pub async fn gauntlet_run(
        &self,
        learner: &str,
        gauntlet: &str,
    ) -> Result<Option<GauntletRun>, StoreError> {
        Ok(read!(self, gauntlets::latest(learner, gauntlet))?)
    }

    /// Stores the answer to the next round of the learner's run (opening a run for a first
    /// answer); any other round is refused with the round that is next.
    pub async fn answer_round(&self, answer: NewRoundAnswer) -> Result<RoundOutcome, StoreError> {
        self.write(Job::AnswerRound, answer).await
    }

    /// Opens a new run of the gauntlet for the learner: practice from the first round again.
    pub async fn restart_gauntlet(
        &self,
        learner: &str,
        gauntlet: &str,
        at: i64,
    ) -> Result<(), StoreError> {
        self.write(
            Job::RestartGauntlet,
            (learner.to_owned(), gauntlet.to_owned(), at),
        )
        .await
    }

    /// Whether the learner has revealed the scenario's expected answers.
    pub async fn revealed(&self, learner: &str, scenario: &str) -> Result<bool, StoreError> {
        // A reveal is never undone: once seen, no need to ask again.
        if self.known.get(learner, scenario) & known::REVEAL_RECORDED != 0 {
            return Ok(true);
        }
        let revealed = read!(self, reveals::exists(learner, scenario))?;
        if revealed {
            self.known
                .add(learner, scenario, known::REVEALED | known::REVEAL_RECORDED);
        }
        Ok(revealed)
    }

    /// Whether the learner has answered the scenario, and whether its answers are open to
    /// them (answered or revealed), in one read.
    pub async fn progress(
        &self,
        learner: &str,
        scenario: &str,
    ) -> Result<(bool, bool), StoreError> {
        // A learner who has answered always has: no need to ask the database again.
        if self.known.get(learner, scenario) & known::ANSWERED != 0 {
            return Ok((true, true));
        }
        let (answered, open) = read!(self, reveals::progress(learner, scenario))?;
        let fact = match (answered, open) {
            (true, _) => known::ANSWERED | known::REVEALED,
            (false, true) => known::REVEALED,
            (false, false) => 0,
        };
        self.known.add(learner, scenario, fact);
        Ok((answered, open))
    }

    /// Whether the learner has any attempt at the scenario.
    pub async fn has_attempted(&self, learner: &str, scenario: &str) -> Result<bool, StoreError> {
        Ok(read!(self, attempts::exists_for(learner, scenario))?)
    }

    /// The rubric versions the scenario has had other than `current`.
    pub async fn other_rubric_versions(
        &self,
        scenario: &str,
        current: &str,
    ) -> Result<Vec<String>, StoreError> {
        Ok(read!(self, attempts::other_versions(scenario, current))?)
    }

    /// How many of the scenario's attempts were graded against this rubric version.
    pub async fn count_graded_by(&self, scenario: &str, version: &str) -> Result<i64, StoreError> {
        Ok(read!(self, attempts::count_graded_by(scenario, version))?)
    }

    /// The scenario's attempts graded against this rubric version with a row id above `after`,
    /// in id order, at most `limit`, each with its overrides: a page for rescoring.
    pub async fn graded_by(
        &self,
        scenario: &str,
        version: &str,
        after: i64,
        limit: u32,
    ) -> Result<Vec<ToRegrade>, StoreError> {
        Ok(read!(
            self,
            attempts::graded_by(scenario, version, after, limit)
        )?)
    }

    /// Stores attempts' new grades with the rubric version they came from, in one transaction.
    pub async fn regrade(&self, regraded: Vec<Regraded>) -> Result<(), StoreError> {
        self.write(Job::Regrade, regraded).await
    }

    /// Creates an account; `None` when the name is taken (names compare without case).
    pub async fn create_user(&self, user: NewUser) -> Result<Option<i64>, StoreError> {
        self.write(Job::CreateUser, user).await
    }

    /// The account with this name (compared without case).
    pub async fn user(&self, name: &str) -> Result<Option<User>, StoreError> {
        Ok(read!(self, users::by_name(name))?)
    }

    /// Every account, by name.
    pub async fn users(&self) -> Result<Vec<User>, StoreError> {
        Ok(read!(self, users::all())?)
    }

    /// One page of users by name: at most `limit`, the first after `after` (compared without
    /// case; `""` for the first page). A stable cursor: new accounts never shift a page.
    pub async fn users_after(&self, after: &str, limit: u32) -> Result<Vec<User>, StoreError> {
        Ok(read!(self, users::page(after, limit))?)
    }

    /// Gives the named user a role; refused when it would leave no admin.
    pub async fn set_role(&self, name: &str, role: &str) -> Result<RoleChange, StoreError> {
        let changed = self
            .write(Job::SetRole, (name.to_owned(), role.to_owned()))
            .await;
        self.sessions.forget_all();
        changed
    }

    /// Replaces the user's password hash and ends every session of theirs but `keep`; `false`
    /// when there is no such user.
    pub async fn set_password(
        &self,
        name: &str,
        hash: String,
        keep: Option<&[u8]>,
    ) -> Result<bool, StoreError> {
        let input = (name.to_owned(), hash, keep.map(<[u8]>::to_vec));
        let changed = self.write(Job::SetPassword, input).await;
        self.sessions.forget_all();
        changed
    }

    /// Starts a session (see [`NewSession`]): expired sessions are deleted and the browser's
    /// anonymous attempts move to the user, in the same transaction.
    pub async fn start_session(&self, session: NewSession) -> Result<(), StoreError> {
        // Signing in adopts the browser's investigations: they move to the user.
        let adopts = session.adopt.is_some();
        if adopts {
            self.idle.forget_all();
        }
        let written = self.write(Job::StartSession, session).await;
        if adopts {
            self.idle.forget_all();
        }
        written
    }

    /// The session with this token hash and its user, however old: expiry is the caller's rule.
    /// A session read in the last moments is served from memory (see [`session_cache`]).
    pub async fn session(&self, token_hash: &[u8]) -> Result<Option<Session>, StoreError> {
        let ticket = match self.sessions.get(token_hash) {
            Ok(session) => return Ok(Some(session)),
            Err(ticket) => ticket,
        };
        let session = read!(self, users::session(token_hash))?;
        if let Some(session) = &session {
            self.sessions.put(token_hash, session.clone(), ticket);
        }
        Ok(session)
    }

    /// The user's sessions, most recently used first, however old: expiry is the caller's rule.
    pub async fn sessions_of(&self, user_id: i64) -> Result<Vec<UserSession>, StoreError> {
        Ok(read!(self, users::sessions_of(user_id))?)
    }

    /// Records that the session was used at `at` (for idle expiry).
    pub async fn touch_session(&self, token_hash: &[u8], at: i64) -> Result<(), StoreError> {
        self.write(Job::TouchSession, (token_hash.to_vec(), at))
            .await?;
        self.sessions.touch(token_hash, at);
        Ok(())
    }

    /// Ends the session: its cookie signs nobody in any more.
    pub async fn end_session(&self, token_hash: &[u8]) -> Result<(), StoreError> {
        let ended = self.write(Job::EndSession, token_hash.to_vec()).await;
        self.sessions.forget(token_hash);
        ended
    }

    /// Per scenario: its attempts and their mean score.
    pub async fn attempts_per_scenario(&self) -> Result<Vec<(String, i64, f64)>, StoreError> {
        Ok(read!(self, figures::per_scenario())?)
    }

    /// Starts an interview under a fresh random public id, with its `started` event (whose
    /// data is `started`, JSON); the candidate token's hash is `token_hash(public id)`.
    /// Returns the public id.
    pub async fn start_interview(
        &self,
        mut new: NewInterview,
        started: String,
        token_hash: impl FnOnce(&str) -> Vec<u8>,
    ) -> Result<String, StoreError> {
        let public_id = random::public_id().map_err(|err| {
            sqlx::Error::Io(std::io::Error::other(format!("random public id: {err}")))
        })?;
        new.candidate_token_hash = token_hash(&public_id);
        self.write(Job::StartInterview, (public_id.clone(), new, started))
            .await?;
        Ok(public_id)
    }

    /// Records an event with the interview's next sequence number; `None` once it has ended.
    pub async fn append_event(&self, event: NewEvent) -> Result<Option<Event>, StoreError> {
        self.write(Job::AppendEvent, event).await
    }

    /// Saves the candidate's notes with the grader's verdicts on them (`None`: to be computed
    /// when next read); `false` once the interview has ended.
    pub async fn save_candidate_notes(
        &self,
        interview_id: i64,
        text: &str,
        at: i64,
        grade: Option<NotesGrade>,
    ) -> Result<bool, StoreError> {
        self.write(Job::SaveNotes, (interview_id, text.to_owned(), at, grade))
            .await
    }

    /// Stores the grader's verdicts on the candidate's notes `notes` (computed when none were
    /// stored, or against an older rubric) unless the notes have changed since; whether stored.
    pub async fn store_notes_grade(
        &self,
        interview_id: i64,
        notes: &str,
        grade: NotesGrade,
    ) -> Result<bool, StoreError> {
        self.write(Job::NotesGrade, (interview_id, notes.to_owned(), grade))
            .await
    }

    /// The interview with this public id.
    pub async fn interview(&self, public_id: &str) -> Result<Option<Interview>, StoreError> {
        Ok(read!(self, interviews::by_public_id(public_id))?)
    }

    /// The interview with this row id.
    pub async fn interview_by_id(&self, id: i64) -> Result<Option<Interview>, StoreError> {
        Ok(read!(self, interviews::by_id(id))?)
    }

    /// The interview whose candidate token has this SHA-256.
    pub async fn interview_by_token(&self, hash: &[u8]) -> Result<Option<Interview>, StoreError> {
        Ok(read!(self, interviews::by_token_hash(hash))?)
    }

    /// An interviewer's interviews (everyone's with `None`) started before `before`
    /// ([`Position::NEWEST`] for the newest), newest first, at most `limit`.
    pub async fn interviews(
        &self,
        interviewer: Option<i64>,
        before: Position,
        limit: u32,
    ) -> Result<Vec<Interview>, StoreError> {
        Ok(read!(self, interviews::list(interviewer, before, limit))?)
    }

    /// The interview's events after sequence number `after`, in order.
    pub async fn events(&self, interview_id: i64, after: i64) -> Result<Vec<Event>, StoreError> {
        Ok(read!(self, interviews::events(interview_id, after))?)
    }

    /// How many interview events are stored (for the durability check).
    pub async fn count_events(&self) -> Result<i64, StoreError> {
        Ok(read!(self, interviews::count_events())?)
    }

    /// How many attempts are stored (for tests and the durability check).
    pub async fn count_attempts(&self) -> Result<i64, StoreError> {
        Ok(read!(self, attempts::count())?)
    }

    /// Waits for the writes queued so far to commit, then closes the writer and the read
    /// connections. Later writes fail with [`StoreError::WriterGone`].
    pub async fn close(&self) {
        // If the writer already stopped the send fails; either way, wait until it has.
        let _ = self.writer.send(Job::Close).await;
        self.writer.closed().await;
        if let Some(listener) = &self.listener {
            listener.0.abort();
        }
        self.readers.close().await;
    }

    /// Whether the database answers: the writer is running and a read connection answers a
    /// query.
    pub async fn ping(&self) -> Result<(), StoreError> {
        if self.writer.is_closed() {
            return Err(StoreError::WriterGone);
        }
        self.readers.ping().await?;
        Ok(())
    }

    /// `PRAGMA journal_mode`, `synchronous` and `foreign_keys` as the writer sees them.
    #[doc(hidden)]
    pub async fn pragmas(&self) -> Result<(String, i64, i64), StoreError> {
        self.write(Job::Pragmas, ()).await
    }

    /// The read pool's connections in use and idle, and the writes waiting for the writer.
    pub fn pool_figures(&self) -> PoolFigures {
        let (open, idle) = self.readers.sizes();
        PoolFigures {
            readers_in_use: open.saturating_sub(idle),
            readers_idle: idle,
            write_queue: self.writer.max_capacity() - self.writer.capacity(),
        }
    }

    /// The histogram of write times (queueing included), for `/metrics` to register.
    pub fn write_seconds(&self) -> prometheus_client::metrics::histogram::Histogram {
        self.write_seconds.clone()
    }

    /// Queues a write for the writer task and waits for the outcome of its transaction.
    async fn write<I, O>(&self, job: fn(Task<I, O>) -> Job, input: I) -> Result<O, StoreError> {
        let started = std::time::Instant::now();
        let (task, outcome) = Task::new(input);
        self.writer
            .send(job(task))
            .await
            .map_err(|_| StoreError::WriterGone)?;
        let outcome = outcome.await.map_err(|_| StoreError::WriterGone)?;
        self.write_seconds.observe(started.elapsed().as_secs_f64());
        outcome
    }
}
