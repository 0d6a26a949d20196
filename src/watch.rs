//! Watch mode: reloads the content folder when a file changes, within a fraction of a second,
//! without a restart. A file with errors keeps its last good version for learners. Each reload
//! logs only what changed.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use notify::{RecursiveMode, Watcher};
use tokio::sync::mpsc;

use crate::app::AppState;
use crate::content::changes::{Changes, overview};
use crate::content::{Severity, Site};
use crate::web::published::Published;

/// Changes within this window after the first are taken together (editors write in steps).
const SETTLE: Duration = Duration::from_millis(100);

/// Starts watching `dir`; the returned watcher must be kept alive.
pub fn spawn(dir: PathBuf, state: AppState) -> anyhow::Result<notify::RecommendedWatcher> {
    let (tx, mut rx) = mpsc::channel::<()>(1);
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if event.is_ok_and(|e| !e.kind.is_access()) {
            // A full channel already means "reload": nothing is lost by dropping this one.
            let _ = tx.try_send(());
        }
    })
    .context("cannot start watching the content folder")?;
    watcher
        .watch(&dir, RecursiveMode::Recursive)
        .with_context(|| format!("cannot watch `{}`", dir.display()))?;
    tracing::info!("watching `{}` for changes", dir.display());
    tokio::spawn(async move {
        while rx.recv().await.is_some() {
            tokio::time::sleep(SETTLE).await;
            while rx.try_recv().is_ok() {}
            reload(&dir, &state).await;
        }
    });
    Ok(watcher)
}

async fn reload(dir: &std::path::Path, state: &AppState) {
    let previous = state.content();
    let dir = dir.to_owned();
    let loaded = tokio::task::spawn_blocking(move || crate::content::load(&dir)).await;
    let site = match loaded {
        Ok(Ok(site)) => site.keep_last_good(&previous.site),
        Ok(Err(err)) => {
            state.metrics.reloaded(false);
            let err = crate::commands::error_report(&err);
            return tracing::error!("reloading content failed: {err}");
        }
        Err(err) => {
            state.metrics.reloaded(false);
            return tracing::error!("reloading content failed: {err}");
        }
    };
    state.metrics.reloaded(true);
    log_changes(&previous.site, &site);
    state.replace_content(Published::new(site));
}

/// Logs only what this reload changed: each new problem at its severity, each fixed one, and a
/// line with the pages added or removed and where the content stands now.
fn log_changes(previous: &Site, site: &Site) {
    let changes = Changes::between(previous, site);
    for diagnostic in &changes.appeared {
        match diagnostic.severity {
            Severity::Error => tracing::error!("{diagnostic}"),
            Severity::Warning => tracing::warn!("{diagnostic}"),
            Severity::Note => tracing::info!("{diagnostic}"),
        }
    }
    for diagnostic in &changes.fixed {
        tracing::info!("fixed: {diagnostic}");
    }
    tracing::info!("content reloaded: {changes}; now {}", overview(site));
}
