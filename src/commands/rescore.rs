//! `firedrill rescore [SCENARIO] [--apply]`: grades stored attempts again against the current
//! rubrics and lists the scores that would change; `--apply` stores the new grades and records
//! the rubric version on each attempt.

use std::io::{IsTerminal as _, Write as _};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;

use super::lookup;
use crate::config::RescoreArgs;
use crate::content::{self, Site, plural};
use crate::grading::Rubric;
use crate::store::{Regraded, Store, ToRegrade};

pub fn rescore(args: &RescoreArgs) -> anyhow::Result<ExitCode> {
    // Grading every outdated attempt keeps every core busy: at a lower priority (inherited by
    // the grading threads started below), a server on the same host keeps answering first.
    if let Err(err) = rustix::process::nice(NICENESS) {
        tracing::debug!(%err, "rescore keeps its priority");
    }
    let site = content::load(&args.content.content)?;
    let slug = match &args.scenario {
        Some(name) => Some(lookup::scenario(&site, name)?.slug.clone()),
        None => None,
    };
    super::runtime()?.block_on(async {
        let store = Store::open_existing(&args.database.database)
            .await
            .with_context(|| {
                format!(
                    "cannot open the database `{}`",
                    crate::store::redacted(&args.database.database)
                )
            })?;
        let result = rescore_all(&site, &store, slug.as_deref(), args.apply).await;
        store.close().await;
        result
    })
}

/// How much lower than a server's the priority of a rescore is (`nice`).
const NICENESS: i32 = 10;

/// Attempts read, graded and (with `--apply`) stored at a time: bounds memory whatever the
/// database holds (answers are at most 20,000 characters).
const PAGE: u32 = 1024;

/// What a run found, for the closing line.
#[derive(Debug, Default)]
struct Tally {
    checked: i64,
    outdated: i64,
    changed: usize,
    /// Item verdicts that differ from the stored ones, among items both gradings have.
    verdicts_changed: usize,
}

async fn rescore_all(
    site: &Site,
    store: &Store,
    slug: Option<&str>,
    apply: bool,
) -> anyhow::Result<ExitCode> {
    let mut tally = Tally::default();
    // Every scenario with attempts, from the running figures: no attempt is read to find them.
    let mut scenarios = store.attempts_per_scenario().await?;
    scenarios.retain(|(scenario, _, _)| slug.is_none_or(|s| s == scenario));
    scenarios.sort_by(|a, b| a.0.cmp(&b.0));
    for (scenario, attempts, _) in scenarios {
        tally.checked += attempts;
        let Some(rubric) = current_rubric(site, &scenario) else {
            println!(
                "{scenario}: {}; the scenario is gone or has no checklist, so they are left as they are",
                plural(
                    usize::try_from(attempts).unwrap_or(0),
                    "attempt",
                    "attempts"
                )
            );
            continue;
        };
        let rubric = Arc::new(rubric);
        for version in store
            .other_rubric_versions(&scenario, &rubric.version)
            .await?
        {
            let outdated = store.count_graded_by(&scenario, &version).await?;
            if outdated == 0 {
                continue;
            }
            tally.outdated += outdated;
            let mut progress = Progress::new(&scenario, outdated);
            let mut after = 0;
            loop {
                let page = store.graded_by(&scenario, &version, after, PAGE).await?;
                let Some(last) = page.last() else { break };
                after = last.id;
                let done = page.len();
                let graded = grade_all(&rubric, page).await?;
                {
                    let mut out = std::io::stdout().lock();
                    for line in graded.iter().filter_map(|g| g.line.as_deref()) {
                        tally.changed += 1;
                        writeln!(out, "{line}")?;
                    }
                    tally.verdicts_changed +=
                        graded.iter().map(|g| g.verdicts_changed).sum::<usize>();
                }
                if apply {
                    store
                        .regrade(graded.into_iter().map(|g| g.regraded).collect())
                        .await?;
                }
                progress.advance(done);
            }
            progress.finish();
        }
    }
    println!("{}", closing_line(&tally, apply));
    Ok(ExitCode::SUCCESS)
}

/// The scenario's rubric as the content has it now, if it has items.
fn current_rubric(site: &Site, scenario: &str) -> Option<Rubric> {
    site.scenario(scenario)
        .and_then(|p| Some(Rubric::of(&p.slug, p.scenario.as_ref()?)))
        .filter(|r| !r.items.is_empty())
}

/// An attempt graded again: what to store, and the line to print when its score changes.
struct Graded {
    regraded: Regraded,
    line: Option<String>,
    /// Items whose machine verdict differs from the stored one.
    verdicts_changed: usize,
}

/// Grades the page on every core (off the async workers), keeping its order.
async fn grade_all(rubric: &Arc<Rubric>, page: Vec<ToRegrade>) -> anyhow::Result<Vec<Graded>> {
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = page.len().div_ceil(workers).max(1);
    let rubric_json: Arc<str> = serde_json::to_string(&**rubric)?.into();
    let mut page = page.into_iter();
    let mut tasks = Vec::new();
    loop {
        let part: Vec<ToRegrade> = page.by_ref().take(chunk).collect();
        if part.is_empty() {
            break;
        }
        let (rubric, rubric_json) = (Arc::clone(rubric), Arc::clone(&rubric_json));
        tasks.push(tokio::task::spawn_blocking(move || {
            part.iter()
                .map(|a| regrade(a, &rubric, &rubric_json))
                .collect::<anyhow::Result<Vec<_>>>()
        }));
    }
    let mut graded = Vec::new();
    for task in tasks {
        graded.extend(task.await.context("a grading thread failed")??);
    }
    Ok(graded)
}

/// Grades the attempt again: its new grade, and the line to print if its shown score changes.
fn regrade(attempt: &ToRegrade, rubric: &Rubric, rubric_json: &str) -> anyhow::Result<Graded> {
    let grade = rubric.grade(&attempt.answer);
    // The shown score keeps the learner's corrections of items the new rubric still has.
    let (settled, covered) = grade.settled(|id| {
        let (_, verdict) = attempt.overrides.iter().find(|(item, _)| item == id)?;
        crate::grading::Verdict::parse(verdict)
    });
    let (old, new) = (
        (attempt.score * 100.0).round() as i64,
        (crate::store::after_hints(settled, attempt.hint_penalty) * 100.0).round() as i64,
    );
    let line = (old != new).then(|| {
        format!(
            "{} {}: {old}% -> {new}% ({:+}), {} of {} covered",
            attempt.public_id,
            rubric.scenario,
            new - old,
            covered,
            grade.total
        )
    });
    let regraded = Regraded {
        id: attempt.id,
        scenario: rubric.scenario.clone(),
        rubric_version: rubric.version.clone(),
        rubric_json: rubric_json.to_owned(),
        verdicts_json: serde_json::to_string(&grade)?,
        score: grade.score,
        total: grade.total as i64,
        at: crate::web::view::now_ms(),
        settle: crate::grading::settle_stored,
    };
    let before = crate::grading::stored_verdicts(&attempt.verdicts);
    let verdicts_changed = grade
        .items
        .iter()
        .filter(|i| before.iter().any(|(id, v)| *id == i.id && *v != i.verdict))
        .count();
    Ok(Graded {
        regraded,
        line,
        verdicts_changed,
    })
}

/// Progress on standard error for long runs: a line rewritten in place on a terminal, a line
/// every few seconds otherwise; nothing for a run shorter than that.
struct Progress<'a> {
    scenario: &'a str,
    total: i64,
    done: i64,
    started: std::time::Instant,
    shown: Option<std::time::Instant>,
    terminal: bool,
}

impl<'a> Progress<'a> {
    const EVERY: std::time::Duration = std::time::Duration::from_secs(2);

    fn new(scenario: &'a str, total: i64) -> Self {
        Progress {
            scenario,
            total,
            done: 0,
            started: std::time::Instant::now(),
            shown: None,
            terminal: std::io::stderr().is_terminal(),
        }
    }

    fn advance(&mut self, n: usize) {
        self.done += i64::try_from(n).unwrap_or(i64::MAX);
        let last = self.shown.unwrap_or(self.started);
        if last.elapsed() >= Self::EVERY {
            self.show();
        }
    }

    fn show(&mut self) {
        let percent = self.done * 100 / self.total.max(1);
        let line = format!(
            "{}: {} of {} graded again ({percent}%)",
            self.scenario, self.done, self.total
        );
        match self.terminal {
            true => eprint!("\r{line}"),
            false => eprintln!("{line}"),
        }
        self.shown = Some(std::time::Instant::now());
    }

    /// Ends an in-place line; a run long enough to have shown progress says it is done.
    fn finish(mut self) {
        if self.shown.is_some() {
            self.show();
            if self.terminal {
                eprintln!();
            }
        }
    }
}

/// `2 attempts checked: 1 graded against an older rubric would be rescored (...); 1 score
/// changes`.
fn closing_line(tally: &Tally, apply: bool) -> String {
    let action = match apply {
        true => "rescored",
        false => "would be rescored (run with --apply to store them)",
    };
    format!(
        "{} checked: {} graded against an older rubric {action}; {}; {}",
        plural(
            usize::try_from(tally.checked).unwrap_or(0),
            "attempt",
            "attempts"
        ),
        tally.outdated,
        plural(tally.changed, "score changes", "scores change"),
        plural(
            tally.verdicts_changed,
            "item verdict changes",
            "item verdicts change"
        )
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_closing_line_agrees_in_number() {
        let one = Tally {
            checked: 1,
            outdated: 1,
            changed: 1,
            verdicts_changed: 1,
        };
        assert_eq!(
            closing_line(&one, true),
            "1 attempt checked: 1 graded against an older rubric rescored; 1 score changes; 1 item verdict changes"
        );
        let two = Tally {
            checked: 2,
            outdated: 2,
            changed: 2,
            verdicts_changed: 0,
        };
        assert!(closing_line(&two, false).ends_with("2 scores change; 0 item verdicts change"));
    }
}
