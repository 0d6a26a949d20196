//! The values the store takes and the typed rows it returns.

/// A graded answer to store, with the rubric version it was graded against.
#[derive(Debug, Clone)]
pub struct NewAttempt {
    /// Who answered.
    pub learner: String,
    /// The scenario's address, like `scenarios/gitops-drift-causing-outage`.
    pub scenario: String,
    /// Identifies the rubric, so the attempt is explained by the rubric it was graded by.
    pub rubric_version: String,
    /// The rubric as JSON; stored once per scenario and version.
    pub rubric_json: String,
    /// The learner's answer text.
    pub answer: String,
    /// The machine verdicts as JSON.
    pub verdicts_json: String,
    /// The score the grader gave.
    pub score: f64,
    /// Rubric items covered.
    pub covered: i64,
    /// Rubric items in the rubric.
    pub total: i64,
    /// Whether the learner had revealed the expected answers before submitting.
    pub revealed_before: bool,
    /// When the learner started, unix milliseconds, if known.
    pub started_at: Option<i64>,
    /// When the learner submitted, unix milliseconds.
    pub submitted_at: i64,
}

/// The identifiers of an attempt that has been committed.
#[derive(Debug, Clone)]
pub struct StoredAttempt {
    /// The row id, for joins such as [`Store::overrides`](super::Store::overrides).
    pub id: i64,
    /// The random id shown in URLs.
    pub public_id: String,
}

/// A stored attempt.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Attempt {
    /// The row id.
    pub id: i64,
    /// The random id shown in URLs.
    pub public_id: String,
    /// Who answered.
    pub learner: String,
    /// The scenario's address.
    pub scenario: String,
    /// The rubric version the answer was graded against.
    pub rubric_version: String,
    /// The learner's answer text.
    pub answer: String,
    /// The machine verdicts as JSON, never changed by overrides.
    pub verdicts: String,
    /// The score shown everywhere: the grader's verdicts with the learner's overrides applied.
    pub score: f64,
    /// The score the grader gave.
    pub machine_score: f64,
    /// Rubric items covered, overrides applied.
    pub covered: i64,
    /// Rubric items in the rubric.
    pub total: i64,
    /// Whether the learner had revealed the expected answers before submitting.
    pub revealed_before: bool,
    /// When the learner started, unix milliseconds, if known.
    pub started_at: Option<i64>,
    /// When the learner submitted, unix milliseconds.
    pub submitted_at: i64,
    /// What the hints taken before it cost, as a share of the score (taken off `score`).
    pub hint_penalty: f64,
}

/// A place in a list kept newest first: a row's time (unix milliseconds) and id, which breaks
/// ties in time. A page lists the rows before it, so rows added later never shift a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub at: i64,
    pub id: i64,
}

impl Position {
    /// Before every row: a list's first page.
    pub const NEWEST: Position = Position {
        at: i64::MAX,
        id: i64::MAX,
    };
}

/// One line of a learner's list of attempts.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AttemptSummary {
    /// The row id: with `submitted_at`, the attempt's place in the list.
    pub id: i64,
    /// The random id shown in URLs.
    pub public_id: String,
    /// The scenario's address.
    pub scenario: String,
    /// The score, overrides applied.
    pub score: f64,
    /// Rubric items covered, overrides applied.
    pub covered: i64,
    /// Rubric items in the rubric.
    pub total: i64,
    /// When the learner submitted, unix milliseconds.
    pub submitted_at: i64,
}

/// A verdict to record over the machine's for one rubric item.
#[derive(Debug, Clone)]
pub struct NewOverride {
    /// The rubric item's id.
    pub item_id: String,
    /// `covered`, `partial`, `missed` or `review`; the database refuses anything else.
    pub verdict: String,
    /// Who overrode it.
    pub by_whom: String,
    /// When, unix milliseconds.
    pub at: i64,
}

/// A recorded override.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Override {
    /// The rubric item's id.
    pub item_id: String,
    /// `covered`, `partial`, `missed` or `review`.
    pub verdict: String,
    /// Who overrode it.
    pub by_whom: String,
    /// When, unix milliseconds.
    pub at: i64,
}

/// An attempt graded again against the scenario's current rubric.
#[derive(Debug, Clone)]
pub struct Regraded {
    pub id: i64,
    pub scenario: String,
    pub rubric_version: String,
    pub rubric_json: String,
    pub verdicts_json: String,
    /// The grader's score; the shown score is settled again with the attempt's overrides.
    pub score: f64,
    pub total: i64,
    /// Unix milliseconds, recorded as the rubric version's first use if it is new.
    pub at: i64,
    pub settle: Settle,
}

/// One of a scenario's recent attempts as the statistics page shows it: no learner, no ids.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RecentAttempt {
    pub answer: String,
    /// The machine verdicts as JSON (for the evidence marks).
    pub verdicts: String,
    /// The score shown everywhere.
    pub score: f64,
    pub covered: i64,
    pub total: i64,
    /// Unix milliseconds.
    pub submitted_at: i64,
}

/// A stored attempt to grade again: what grading and settling its score need.
#[derive(Debug, Clone)]
pub struct ToRegrade {
    pub id: i64,
    pub public_id: String,
    pub answer: String,
    /// The machine verdicts stored now, as JSON.
    pub verdicts: String,
    /// The score shown now.
    pub score: f64,
    /// Its overrides, as (item id, verdict).
    pub overrides: Vec<(String, String)>,
    /// What its hints cost (a share), taken off the settled score.
    pub hint_penalty: f64,
}

/// How an attempt's shown score and covered count follow from its stored verdicts (JSON) and
/// its overrides (item id, verdict): the scoring rule, which lives in `grading`. The store
/// applies it inside the transaction that records an override or a new grade, so concurrent
/// overrides never leave a stale score. `None` leaves the stored figures as they are.
pub type Settle = fn(&str, &[(String, String)]) -> Option<(f64, i64)>;

/// An account to create.
#[derive(Clone)]
pub struct NewUser {
    /// Unique, compared without regard to case.
    pub name: String,
    /// The Argon2id hash in PHC string format, never the password.
    pub password_hash: String,
    /// `learner`, `interviewer`, `author` or `admin`; the database refuses anything else.
    pub role: String,
    /// Unix milliseconds.
    pub created_at: i64,
}

impl std::fmt::Debug for NewUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewUser")
            .field("name", &self.name)
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

/// A stored account.
#[derive(Clone, sqlx::FromRow)]
pub struct User {
    pub id: i64,
    pub name: String,
    /// The Argon2id hash in PHC string format.
    pub password_hash: String,
    pub role: String,
    /// Unix milliseconds.
    pub created_at: i64,
    /// Unix milliseconds of the last sign-in, if any.
    pub last_sign_in_at: Option<i64>,
}

impl std::fmt::Debug for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("User")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

/// What became of a role change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleChange {
    Changed,
    NoSuchUser,
    /// Refused: the change would leave no admin.
    LastAdmin,
}

/// A session to start for a user who has just signed in.
#[derive(Clone)]
pub struct NewSession {
    /// SHA-256 of the token in the cookie.
    pub token_hash: Vec<u8>,
    pub user_id: i64,
    /// The token the session's forms carry.
    pub csrf: String,
    /// Unix milliseconds.
    pub at: i64,
    /// The anonymous learner id of this browser, whose attempts and reveals move to the user.
    pub adopt: Option<String>,
    /// Sessions last seen before this (unix milliseconds) are deleted on the way.
    pub expired_before: i64,
}

impl std::fmt::Debug for NewSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewSession")
            .field("user_id", &self.user_id)
            .finish_non_exhaustive()
    }
}

/// A stored session with its user.
#[derive(Clone, sqlx::FromRow)]
pub struct Session {
    pub user_id: i64,
    pub name: String,
    pub role: String,
    /// The token the session's forms carry.
    pub csrf: String,
    /// Unix milliseconds.
    pub created_at: i64,
    /// Unix milliseconds.
    pub last_seen_at: i64,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("user_id", &self.user_id)
            .field("name", &self.name)
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

/// What an interview runs: a scenario, or a gauntlet round by round.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, sqlx::Type)]
#[sqlx(type_name = "TEXT", rename_all = "lowercase")]
#[serde(rename_all = "lowercase")]
pub enum InterviewKind {
    #[default]
    Scenario,
    Gauntlet,
}

impl InterviewKind {
    pub fn as_str(self) -> &'static str {
        match self {
            InterviewKind::Scenario => "scenario",
            InterviewKind::Gauntlet => "gauntlet",
        }
    }
}

/// An interview to start.
#[derive(Clone)]
pub struct NewInterview {
    /// SHA-256 of the candidate link's token.
    pub candidate_token_hash: Vec<u8>,
    pub interviewer_id: i64,
    pub candidate: String,
    pub kind: InterviewKind,
    /// The scenario's slug, or the gauntlet's.
    pub scenario: String,
    pub rubric_version: String,
    /// The rubric as JSON; stored once per scenario and version.
    pub rubric_json: String,
    /// Unix milliseconds.
    pub at: i64,
}

impl std::fmt::Debug for NewInterview {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewInterview")
            .field("candidate", &self.candidate)
            .field("kind", &self.kind)
            .field("scenario", &self.scenario)
            .finish_non_exhaustive()
    }
}

/// A stored interview.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Interview {
    pub id: i64,
    /// The random id in the interviewer's URLs.
    pub public_id: String,
    pub interviewer_id: i64,
    /// The interviewer's user name.
    pub interviewer: String,
    pub candidate: String,
    pub kind: InterviewKind,
    /// The scenario's slug, or the gauntlet's (see `kind`).
    pub scenario: String,
    pub rubric_version: String,
    /// Unix milliseconds.
    pub started_at: i64,
    pub ended_at: Option<i64>,
    /// The candidate's notes as last saved.
    pub candidate_notes: String,
    pub candidate_notes_at: Option<i64>,
    /// The sequence number of the latest event.
    pub last_seq: i64,
    /// The grader's verdicts on the notes (a grade, JSON), if computed.
    pub candidate_notes_grade: Option<String>,
    /// The rubric version `candidate_notes_grade` was computed against.
    pub candidate_notes_grade_version: Option<String>,
}

/// The grader's verdicts on a candidate's notes, to store beside them.
#[derive(Debug, Clone)]
pub struct NotesGrade {
    /// The grade, JSON.
    pub json: String,
    /// The version of the rubric it was computed against.
    pub rubric_version: String,
}

/// Something that happened in an interview, to record.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub interview_id: i64,
    /// `started`, `revealed`, `ticked`, `noted` or `ended`.
    pub kind: String,
    /// JSON.
    pub data: String,
    /// Unix milliseconds.
    pub at: i64,
}

/// A recorded interview event.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Event {
    /// 1, 2, 3... within the interview.
    pub seq: i64,
    pub at: i64,
    pub kind: String,
    pub data: String,
}

/// What changes in the database when the server's secret is new (see `crate::secrets`): the
/// candidate links' token hashes under the new key, everyone signed out or not, and the new
/// secret's fingerprint. The cookie key of older databases leaves the `settings` table.
#[derive(Debug)]
pub struct SecretChange {
    /// Per interview public id, the SHA-256 of its candidate token under the new key.
    pub candidate_token_hashes: Vec<(String, Vec<u8>)>,
    pub end_sessions: bool,
    pub fingerprint: Vec<u8>,
}

/// One of a user's sessions, as their account page lists it.
#[derive(Clone, sqlx::FromRow)]
pub struct UserSession {
    /// SHA-256 of the session's token.
    pub token_hash: Vec<u8>,
    /// Unix milliseconds.
    pub created_at: i64,
    /// Unix milliseconds.
    pub last_seen_at: i64,
}

impl std::fmt::Debug for UserSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserSession")
            .field("created_at", &self.created_at)
            .field("last_seen_at", &self.last_seen_at)
            .finish_non_exhaustive()
    }
}

/// How many of each verdict.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct VerdictCounts {
    pub covered: i64,
    pub partial: i64,
    pub missed: i64,
    pub review: i64,
}

impl VerdictCounts {
    /// All four together.
    pub fn total(&self) -> i64 {
        self.covered + self.partial + self.missed + self.review
    }
}

/// One rubric item's running figures across a scenario's attempts graded on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemFigures {
    pub item_id: String,
    /// The machine's verdicts.
    pub machine: VerdictCounts,
    /// The learners' overrides, by the verdict they chose.
    pub overridden: VerdictCounts,
}

impl ItemFigures {
    /// Attempts graded on the item.
    pub fn graded(&self) -> i64 {
        self.machine.total()
    }
}

/// A scenario's running figures, kept with every write (see `migrations/0008_figures.sql`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Figures {
    pub attempts: i64,
    /// The sum of the attempts' shown scores (0 to 1 each).
    pub score_sum: f64,
    /// Attempts per shown-score decile: 0-9 %, 10-19 %, ..., 90-100 %.
    pub histogram: [i64; 10],
    /// By item id, including items of older rubric versions that attempts were graded on.
    pub items: Vec<ItemFigures>,
}

/// A graded answer to one round of a gauntlet.
#[derive(Debug, Clone)]
pub struct NewRoundAnswer {
    pub learner: String,
    /// The gauntlet's slug.
    pub gauntlet: String,
    /// 1 for the page's first round.
    pub round: i64,
    pub answer: String,
    pub rubric_version: String,
    pub verdicts_json: String,
    pub score: f64,
    pub covered: i64,
    pub total: i64,
    pub submitted_at: i64,
}

/// What became of a round's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoundOutcome {
    Stored,
    /// Not the round the run is at (answered already, or ahead of it): `next` is.
    OutOfTurn {
        next: i64,
    },
}

/// A stored answer to a round.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RoundAnswer {
    pub round: i64,
    pub answer: String,
    pub rubric_version: String,
    pub verdicts: String,
    pub score: f64,
    pub covered: i64,
    pub total: i64,
    pub submitted_at: i64,
}

/// A learner's run through a gauntlet: the answers so far, in round order.
#[derive(Debug, Clone)]
pub struct GauntletRun {
    pub id: i64,
    pub started_at: i64,
    pub answers: Vec<RoundAnswer>,
}

/// A command typed on a scenario's console, as read against its investigation path.
#[derive(Debug, Clone)]
pub struct NewCommand {
    pub learner: String,
    pub scenario: String,
    pub command: String,
    /// The step of the path it matched (0 for the first).
    pub step: Option<i64>,
    /// Why it would do harm in production.
    pub harm: Option<String>,
    pub at: i64,
}

/// A stored command of an investigation.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TypedCommand {
    pub command: String,
    pub step: Option<i64>,
    pub harm: Option<String>,
    pub at: i64,
}

/// What a hint gives: a step's title, then its command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HintLevel {
    Title,
    Command,
}

impl HintLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            HintLevel::Title => "title",
            HintLevel::Command => "command",
        }
    }
}

/// A hint a learner takes on a scenario's console.
#[derive(Debug, Clone)]
pub struct NewHint {
    pub learner: String,
    pub scenario: String,
    /// The step of the path it is about (0 for the first).
    pub step: i64,
    pub level: HintLevel,
    /// Off the attempt's score, as a share of it.
    pub cost: f64,
    pub at: i64,
}

/// A stored hint.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct TakenHint {
    pub step: i64,
    /// `title` or `command`.
    pub level: String,
    pub cost: f64,
    pub at: i64,
}

impl TakenHint {
    pub fn level(&self) -> HintLevel {
        match self.level.as_str() {
            "command" => HintLevel::Command,
            _ => HintLevel::Title,
        }
    }
}

impl VerdictCounts {
    /// `n` of this verdict (by its stored name) and none of the others.
    pub(super) fn one(verdict: &str, n: i64) -> Self {
        let mut counts = VerdictCounts::default();
        match verdict {
            "covered" => counts.covered = n,
            "partial" => counts.partial = n,
            "missed" => counts.missed = n,
            "review" => counts.review = n,
            _ => {}
        }
        counts
    }
}
