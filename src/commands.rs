//! The commands behind the CLI: each returns what `main` turns into an exit code.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;

use crate::config::{CheckArgs, Format, ServeArgs};
use crate::content::{self, Site};

/// `firedrill check`: prints every diagnostic, then a summary; exit 1 on any error.
pub fn check(args: &CheckArgs) -> anyhow::Result<ExitCode> {
    let site = content::load(&args.content.content)?;
    let summary = site.summary();
    let mut out = std::io::stdout().lock();
    match args.format {
        Format::Text => {
            for diagnostic in &site.diagnostics {
                writeln!(out, "{diagnostic}")?;
            }
            writeln!(out, "{summary}")?;
        }
        Format::Json => {
            let report = serde_json::json!({ "diagnostics": site.diagnostics, "summary": summary });
            writeln!(out, "{report:#}")?;
        }
    }
    Ok(if summary.errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `firedrill serve`: loads content (logging its problems) and serves until Ctrl-C or SIGTERM.
pub fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let site = load_logged(&args.content.content)?;
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(crate::app::serve(args, site))
}

fn load_logged(dir: &std::path::Path) -> anyhow::Result<Site> {
    let site = content::load(dir)
        .with_context(|| format!("cannot load content from `{}`", dir.display()))?;
    for diagnostic in &site.diagnostics {
        match diagnostic.severity {
            content::Severity::Error => tracing::error!("{diagnostic}"),
            content::Severity::Warning => tracing::warn!("{diagnostic}"),
        }
    }
    tracing::info!(
        pages = site.pages().len(),
        "content loaded: {}",
        site.summary()
    );
    Ok(site)
}
