//! Command-line flags and `FIREDRILL_*` environment variables, with the documented defaults.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::accounts::Role;

/// Practise incident response on realistic Markdown scenarios.
#[derive(Debug, Parser)]
#[command(name = "firedrill", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// How log lines look on standard error: `text` for people, `json` (one object a line:
    /// timestamp, level, target, fields, span) for log pipelines.
    #[arg(
        long,
        value_enum,
        env = "FIREDRILL_LOG_FORMAT",
        default_value_t = LogFormat::Text,
        global = true
    )]
    pub log_format: LogFormat,
}

/// The shape of log lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the portal.
    Serve(ServeArgs),
    /// Check the content folder (or only the files given) and report every problem as
    /// `path:line: severity: message`.
    Check(CheckArgs),
    /// List the scenarios of the content folder (title, slug, level, domain, topics, shape), by
    /// level then title.
    List(ListArgs),
    /// Grade an answer file against a scenario's rubric.
    Grade(GradeArgs),
    /// Measure the grader against labelled answers (precision, recall, F1, kappa).
    Eval(EvalArgs),
    /// Write a new, ready-to-edit page.
    New(NewArgs),
    /// Show how stored attempts' scores change under the current rubrics; `--apply` stores them.
    Rescore(RescoreArgs),
    /// Manage accounts: add a user, change a role, list users.
    User(UserArgs),
    /// Manage the server's secret: `rotate` replaces it.
    Secret(SecretArgs),
    /// Write every user (with password hashes), attempt, override, reveal, interview and the
    /// rest of the stored data as JSON lines, read in one consistent snapshot.
    Export(ExportArgs),
    /// Load an export into an empty database (created and migrated when missing).
    Import(ImportArgs),
}

#[derive(Debug, Clone, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// Where to write: a file (made readable by its owner only: it holds password hashes), or
    /// `-` for standard output.
    #[arg(long, short, default_value = "-")]
    pub output: PathBuf,
}

#[derive(Debug, Clone, Args)]
pub struct ImportArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// The export to load, or `-` for standard input.
    pub file: PathBuf,
}

#[derive(Debug, Clone, Args)]
pub struct SecretArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
    #[command(flatten)]
    pub secret: SecretFileArgs,
    #[command(subcommand)]
    pub command: SecretCommand,
}

#[derive(Debug, Clone, Subcommand)]
pub enum SecretCommand {
    /// Replace the secret in the key file with a new random one. Everyone is signed out,
    /// anonymous learners start afresh and every candidate link changes (the interviewer's
    /// console shows the new one). Restart the server afterwards.
    Rotate,
}

/// Where the server's secret is kept: `FIREDRILL_SECRET` (read from the environment only,
/// never a flag), else a key file.
#[derive(Debug, Clone, Args)]
pub struct SecretFileArgs {
    /// The key file holding the secret that cookie and candidate-link keys derive from;
    /// default: beside the database, named after it with `.key` added (`firedrill.db.key`).
    /// Made owner-only on first start. Ignored when `FIREDRILL_SECRET` is set.
    #[arg(long, env = "FIREDRILL_SECRET_FILE", global = true)]
    pub secret_file: Option<PathBuf>,
}

impl SecretFileArgs {
    /// The secret's source: `FIREDRILL_SECRET`, else the key file.
    pub fn source(&self) -> crate::secrets::Source {
        let text = std::env::var("FIREDRILL_SECRET").ok();
        crate::secrets::Source::from_config(self.secret_file.clone(), text)
    }
}

#[derive(Debug, Clone, Args)]
pub struct UserArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
    #[command(subcommand)]
    pub command: UserCommand,
}

#[derive(Debug, Clone, Subcommand)]
pub enum UserCommand {
    /// Create an account. The password is read from standard input; when standard input is a
    /// terminal or empty, one is generated and printed once.
    Add {
        name: String,
        #[arg(long, value_enum, default_value_t = Role::Learner)]
        role: Role,
    },
    /// Give a user another role.
    Role {
        name: String,
        #[arg(value_enum)]
        role: Role,
    },
    /// Give a user a new password (read from standard input, or generated and printed once)
    /// and end their sessions.
    Password { name: String },
    /// List users with their roles and last sign-in.
    List,
}

#[derive(Debug, Clone, Args)]
pub struct RescoreArgs {
    #[command(flatten)]
    pub content: ContentArgs,
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// Only this scenario's attempts (slug or path); all scenarios when omitted.
    pub scenario: Option<String>,
    /// Store the new grades and rubric versions; without it nothing is changed.
    #[arg(long)]
    pub apply: bool,
}

/// What `new` can write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum NewKind {
    /// An interview scenario, in `scenarios/`.
    Scenario,
    /// An investigation walkthrough, in `scenarios/`.
    Walkthrough,
    /// A multi-round interview gauntlet, in `gauntlets/`.
    Gauntlet,
}

#[derive(Debug, Clone, Args)]
pub struct NewArgs {
    #[command(flatten)]
    pub content: ContentArgs,
    /// What to write.
    pub kind: NewKind,
    /// The title; the file is named after it.
    pub title: String,
    /// Level, e.g. `L2` or `L2: Operations`.
    #[arg(long, default_value = "L2: Operations")]
    pub level: String,
    /// Topic.
    #[arg(long, default_value = "Incident Response")]
    pub topic: String,
    /// Domain.
    #[arg(long, default_value = "Operations")]
    pub domain: String,
}

/// Where the content lives.
#[derive(Debug, Clone, Args)]
pub struct ContentArgs {
    /// Folder of Markdown pages.
    #[arg(long, env = "FIREDRILL_CONTENT", default_value = "content")]
    pub content: PathBuf,
}

/// Where attempts are stored.
#[derive(Debug, Clone, Args)]
pub struct DatabaseArgs {
    /// Database URL; a SQLite file is created and migrated when missing.
    #[arg(
        long,
        env = "FIREDRILL_DATABASE",
        default_value = "sqlite://firedrill.db",
        global = true,
        value_parser = database_url
    )]
    pub database: String,
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub content: ContentArgs,
    #[command(flatten)]
    pub database: DatabaseArgs,
    #[command(flatten)]
    pub secret: SecretFileArgs,
    /// Address to listen on: `IP:PORT` or `HOST:PORT` (a host name is resolved, its first IPv4
    /// address preferred).
    #[arg(long, env = "FIREDRILL_BIND", default_value = "127.0.0.1:8080", value_parser = host_and_port)]
    pub bind: String,
    /// Reload content when a file changes, and show each page's problems on it.
    #[arg(long, env = "FIREDRILL_WATCH")]
    pub watch: bool,
    /// The address people use to reach the portal; an `https://` one makes session cookies
    /// `Secure`.
    #[arg(long, env = "FIREDRILL_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Whether anyone may create a learner account.
    #[arg(long, env = "FIREDRILL_SIGNUP", value_enum, default_value_t = Signup::Open)]
    pub signup: Signup,
    /// Trust the last address in `X-Forwarded-For` as the client's (set when a reverse proxy
    /// is in front and it appends that header).
    #[arg(long, env = "FIREDRILL_BEHIND_PROXY")]
    pub behind_proxy: bool,
    /// A session unused this many minutes ends.
    #[arg(long, env = "FIREDRILL_SESSION_IDLE_MINUTES", default_value_t = 24 * 60)]
    pub session_idle_minutes: u64,
    /// A session ends this many minutes after sign-in, however busy.
    #[arg(long, env = "FIREDRILL_SESSION_MAX_MINUTES", default_value_t = 7 * 24 * 60)]
    pub session_max_minutes: u64,
    /// Sign-in tries a minute per account name and client address (an IPv6 client by its
    /// /64); a client may try three times as many over all names; tries of one name from
    /// everyone beyond this rate are slowed (up to 3 s), never refused (0: no limit).
    #[arg(long, env = "FIREDRILL_SIGN_IN_RATE", default_value_t = 10)]
    pub sign_in_rate: u32,
    /// Accounts created a minute per client address, or IPv6 /64 (0: no limit).
    #[arg(long, env = "FIREDRILL_SIGN_UP_RATE", default_value_t = 5)]
    pub sign_up_rate: u32,
    /// Answers submitted a minute per client address, or IPv6 /64 (0: no limit).
    #[arg(long, env = "FIREDRILL_SUBMIT_RATE", default_value_t = 30)]
    pub submit_rate: u32,
    /// Saves of a candidate's notes a minute per interview (0: no limit).
    #[arg(long, env = "FIREDRILL_NOTES_RATE", default_value_t = 60)]
    pub notes_rate: u32,
    /// Seconds a request may take before it is answered 408 (live streams excepted).
    #[arg(long, env = "FIREDRILL_REQUEST_TIMEOUT", default_value_t = 30)]
    pub request_timeout: u64,
    /// Seconds a client has to send a request's headers, counted from connecting or from the
    /// request's first byte; slower connections are closed (0: no limit).
    #[arg(long, env = "FIREDRILL_HEADER_READ_TIMEOUT", default_value_t = 10)]
    pub header_read_timeout: u64,
    /// Seconds a kept-alive connection may wait for its next request before it is closed (0: no
    /// limit). Above the 60 s a reverse proxy or load balancer usually keeps its own idle
    /// connections, so the proxy never reuses one this server is closing.
    #[arg(long, env = "FIREDRILL_KEEP_ALIVE_TIMEOUT", default_value_t = 75)]
    pub keep_alive_timeout: u64,
    /// Most connections open at once; more are closed unread (0: no cap). Lowered to fit the
    /// open-file limit.
    #[arg(long, env = "FIREDRILL_MAX_CONNECTIONS", default_value_t = 1024)]
    pub max_connections: usize,
    /// Most connections open at once from one client address (an IPv6 /64), counted by the
    /// socket's peer; not applied with `--behind-proxy` (0: no cap).
    #[arg(
        long,
        env = "FIREDRILL_MAX_CONNECTIONS_PER_CLIENT",
        default_value_t = 64
    )]
    pub max_connections_per_client: usize,
    /// Most live streams at once on each side of an interview (the console, the candidate's
    /// link); more are answered 429 (0: no cap).
    #[arg(long, env = "FIREDRILL_MAX_STREAMS_PER_INTERVIEW", default_value_t = 8)]
    pub max_streams_per_interview: usize,
    /// Most live streams at once from one client address (an IPv6 /64); more are answered 429
    /// (0: no cap).
    #[arg(long, env = "FIREDRILL_MAX_STREAMS_PER_CLIENT", default_value_t = 32)]
    pub max_streams_per_client: usize,
    /// Folder of static assets (stylesheet, script): `./static`, else the one in the checkout
    /// the binary was built from (so an installed binary works from any folder).
    #[arg(long, env = "FIREDRILL_STATIC", default_value_os_t = default_static_dir(), hide = true)]
    pub static_dir: PathBuf,
}

impl ServeArgs {
    /// The server settings these flags ask for.
    pub fn settings(&self) -> crate::app::Settings {
        let minutes = |m: u64| Duration::from_secs(m.saturating_mul(60));
        let seconds = |s: u64| (s != 0).then(|| Duration::from_secs(s));
        crate::app::Settings {
            sessions: crate::web::identity::SessionPolicy {
                idle: minutes(self.session_idle_minutes),
                absolute: minutes(self.session_max_minutes),
                https: self
                    .public_url
                    .as_deref()
                    .is_some_and(|u| u.to_ascii_lowercase().starts_with("https://")),
            },
            signup_open: self.signup == Signup::Open,
            behind_proxy: self.behind_proxy,
            rates: crate::web::limits::Rates {
                sign_in: self.sign_in_rate,
                sign_up: self.sign_up_rate,
                submit: self.submit_rate,
                notes: self.notes_rate,
            },
            request_timeout: Duration::from_secs(self.request_timeout),
            secret: self.secret.source(),
            connections: crate::server::ConnectionLimits {
                timeouts: crate::server::Timeouts {
                    header_read: seconds(self.header_read_timeout),
                    keep_alive: seconds(self.keep_alive_timeout),
                },
                max: self.max_connections,
                max_per_client: self.max_connections_per_client,
            },
            streams: crate::web::live::StreamCaps {
                per_interview: self.max_streams_per_interview,
                per_client: self.max_streams_per_client,
            },
            ..crate::app::Settings::default()
        }
    }
}

fn default_static_dir() -> PathBuf {
    let here = PathBuf::from("static");
    match here.is_dir() {
        true => here,
        false => PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/static")),
    }
}

/// `HOST:PORT` or `IP:PORT` (IPv6 in brackets), checked for its form; resolved when serving.
/// A database URL with a scheme the store opens, checked before anything else is done.
fn database_url(text: &str) -> Result<String, String> {
    crate::store::check_scheme(text)
        .map(|()| text.to_owned())
        .map_err(|err| err.to_string())
}

fn host_and_port(text: &str) -> Result<String, String> {
    let usage = "expected HOST:PORT, e.g. 127.0.0.1:8080, localhost:8080 or [::1]:8080";
    if text.parse::<SocketAddr>().is_ok() {
        return Ok(text.to_owned());
    }
    match text.rsplit_once(':') {
        Some((host, port))
            if !host.is_empty() && !host.contains(':') && port.parse::<u16>().is_ok() =>
        {
            Ok(text.to_owned())
        }
        _ => Err(usage.to_owned()),
    }
}

/// Whether anyone may create an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Signup {
    Open,
    Closed,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    #[default]
    Text,
    Json,
}

#[derive(Debug, Clone, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub content: ContentArgs,
    /// Only these files' problems (paths here or under the content folder); links are still
    /// resolved against the whole folder.
    pub files: Vec<PathBuf>,
    /// Output format.
    #[arg(long, env = "FIREDRILL_FORMAT", value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Count warnings as errors (exit 1 on any), for an authors' CI: stub text or a draft left
    /// in stops a release.
    #[arg(long, env = "FIREDRILL_STRICT")]
    pub strict: bool,
    /// Also list what each rubric-test sample taught the grader, and how many expectations hold
    /// when each sample is graded by what the other samples taught.
    #[arg(long)]
    pub lessons: bool,
}

/// How `list` prints its rows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// Aligned columns, for reading in a terminal.
    #[default]
    Text,
    /// A Markdown table, as in the README.
    Markdown,
    /// An array of objects, one per scenario.
    Json,
}

#[derive(Debug, Clone, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub content: ContentArgs,
    /// Output format.
    #[arg(long, env = "FIREDRILL_FORMAT", value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,
}

#[derive(Debug, Clone, Args)]
pub struct GradeArgs {
    #[command(flatten)]
    pub content: ContentArgs,
    /// The scenario's slug, or its file path.
    pub scenario: String,
    /// A file holding the answer (plain text or Markdown); `-` reads it from standard input.
    pub answer_file: PathBuf,
    /// Output format.
    #[arg(long, env = "FIREDRILL_FORMAT", value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(Debug, Clone, Args)]
pub struct EvalArgs {
    #[command(flatten)]
    pub content: ContentArgs,
    /// Folder of labelled answer sets, one `<scenario-slug>.yaml` per scenario.
    #[arg(default_value = "eval")]
    pub dir: PathBuf,
    /// Which scenarios' answers: all, `dev` (those the grader may be tuned on) or `test` (held
    /// out, never read while changing the grader), as `split.yaml` in DIR names them.
    #[arg(long, value_enum, default_value_t = Split::All)]
    pub split: Split,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum Split {
    #[default]
    All,
    Dev,
    Test,
}

impl Split {
    pub fn name(self) -> &'static str {
        match self {
            Split::All => "all",
            Split::Dev => "dev",
            Split::Test => "test",
        }
    }
}
