//! The writes the writer task runs, and how each caller hears of its outcome.

use tokio::sync::oneshot;

use super::StoreError;
use super::model::Regraded;
use super::model::{
    Event, NewAttempt, NewCommand, NewEvent, NewHint, NewInterview, NewOverride, NewRoundAnswer,
    NewSession, NewUser, NotesGrade, RoleChange, RoundOutcome, SecretChange, Settle, StoredAttempt,
};

/// Most writes committed in one transaction.
pub(super) const MAX_BATCH: usize = 256;

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
    pub(super) input: I,
    pub(super) output: Option<O>,
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
    pub(super) fn succeed(self) {
        each_task!(self, t => t.succeed());
    }

    pub(super) fn fail(self, err: sqlx::Error) {
        each_task!(self, t => t.fail(err));
    }
}

impl Job {
    /// The submission, if this is one.
    pub(super) fn submission(&self) -> Option<&Submission> {
        match self {
            Job::Submit(t) => Some(&t.input),
            _ => None,
        }
    }

    /// What other instances must hear of once this write commits, if anything.
    pub(super) fn change(&self) -> Option<super::Change> {
        use super::Change;
        match self {
            Job::AppendEvent(t) => match &t.output {
                Some(Some(event)) => Some(Change::Event {
                    interview: t.input.interview_id,
                    seq: event.seq,
                }),
                _ => None,
            },
            Job::SaveNotes(t) => (t.output == Some(true)).then_some(Change::Notes {
                interview: t.input.0,
            }),
            Job::EndSession(_) | Job::SetPassword(_) | Job::SetRole(_) | Job::RenewSecret(_) => {
                Some(Change::Sessions)
            }
            Job::TypeCommand(_) | Job::TakeHint(_) => Some(Change::Investigations),
            Job::StartSession(t) => t.input.adopt.is_some().then_some(Change::Investigations),
            _ => None,
        }
    }
}
