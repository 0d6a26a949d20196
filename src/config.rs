//! Command-line flags and `FIREDRILL_*` environment variables, with the documented defaults.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Practise incident response on realistic Markdown scenarios.
#[derive(Debug, Parser)]
#[command(name = "firedrill", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the portal.
    Serve(ServeArgs),
    /// Check the content folder and report every problem as `path:line: severity: message`.
    Check(CheckArgs),
    /// Grade an answer file against a scenario's rubric.
    Grade(GradeArgs),
    /// Measure the grader against labelled answers (precision, recall, F1, kappa).
    Eval(EvalArgs),
    /// Write a new, ready-to-edit page.
    New(NewArgs),
    /// Show how stored attempts' scores change under the current rubrics; `--apply` stores them.
    Rescore(RescoreArgs),
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
    Scenario,
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
        default_value = "sqlite://firedrill.db"
    )]
    pub database: String,
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub content: ContentArgs,
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// Address to listen on.
    #[arg(long, env = "FIREDRILL_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    /// Reload content when a file changes, and show each page's problems on it.
    #[arg(long, env = "FIREDRILL_WATCH")]
    pub watch: bool,
    /// Folder of static assets (stylesheet, script).
    #[arg(long, env = "FIREDRILL_STATIC", default_value = "static", hide = true)]
    pub static_dir: PathBuf,
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
    /// Output format.
    #[arg(long, env = "FIREDRILL_FORMAT", value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(Debug, Clone, Args)]
pub struct GradeArgs {
    #[command(flatten)]
    pub content: ContentArgs,
    /// The scenario's slug, or its file path.
    pub scenario: String,
    /// A file holding the answer (plain text or Markdown).
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
    /// Which answers: all, `dev` (1st, 3rd, 5th... of each file, for tuning) or `holdout` (the
    /// others, to check that tuning generalises).
    #[arg(long, value_enum, default_value_t = Split::All)]
    pub split: Split,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum Split {
    #[default]
    All,
    Dev,
    Holdout,
}
