//! `firedrill serve`: loads content, logs one line about its problems, and serves until Ctrl-C
//! or SIGTERM.

use std::path::Path;

use crate::config::ServeArgs;
use crate::content::{self, Site};

pub fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let site = load_logged(&args.content.content)?;
    let runtime = super::runtime()?;
    let served = runtime.block_on(crate::app::serve(args, site));
    let at = std::time::Instant::now();
    drop(runtime);
    tracing::info!(took = ?at.elapsed(), "runtime dropped");
    served
}

/// Loads the content and logs one summary line: the details are `firedrill check`'s job.
fn load_logged(dir: &Path) -> anyhow::Result<Site> {
    let site = content::load(dir)?;
    let overview = content::changes::overview(&site);
    let check = super::check_command(dir);
    match site.summary() {
        s if s.errors > 0 => tracing::error!("content: {overview} (details: {check})"),
        s if s.warnings > 0 => tracing::warn!("content: {overview} (details: {check})"),
        _ => tracing::info!("content: {overview}"),
    }
    Ok(site)
}
