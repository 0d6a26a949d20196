//! `firedrill rescore [SCENARIO] [--apply]`: grades stored attempts again against the current
//! rubrics and lists the scores that would change; `--apply` stores the new grades and records
//! the rubric version on each attempt.

use std::collections::HashMap;
use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;

use super::lookup;
use crate::config::RescoreArgs;
use crate::content::{self, Site, plural};
use crate::grading::Rubric;
use crate::store::{Attempt, Regraded, Store};

pub fn rescore(args: &RescoreArgs) -> anyhow::Result<ExitCode> {
    let site = content::load(&args.content.content)?;
    let slug = match &args.scenario {
        Some(name) => Some(lookup::scenario(&site, name)?.slug.clone()),
        None => None,
    };
    super::runtime()?.block_on(async {
        let store = Store::open(&args.database.database)
            .await
            .with_context(|| format!("cannot open the database `{}`", args.database.database))?;
        let result = rescore_all(&site, &store, slug.as_deref(), args.apply).await;
        store.close().await;
        result
    })
}

/// What a run found, for the closing line.
#[derive(Debug, Default)]
struct Tally {
    checked: usize,
    outdated: usize,
    changed: usize,
}

async fn rescore_all(
    site: &Site,
    store: &Store,
    slug: Option<&str>,
    apply: bool,
) -> anyhow::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    let mut tally = Tally::default();
    let mut rubrics: HashMap<String, Option<Rubric>> = HashMap::new();
    for attempt in store.all_attempts(slug).await? {
        tally.checked += 1;
        let rubric = rubrics
            .entry(attempt.scenario.clone())
            .or_insert_with(|| current_rubric(site, &attempt.scenario));
        let Some(rubric) = rubric else {
            writeln!(
                out,
                "{} {}: the scenario is gone or has no checklist; left as it is",
                attempt.public_id, attempt.scenario
            )?;
            continue;
        };
        if attempt.rubric_version == rubric.version {
            continue;
        }
        tally.outdated += 1;
        if let Some(line) = regrade(store, &attempt, rubric, apply).await? {
            tally.changed += 1;
            writeln!(out, "{line}")?;
        }
    }
    writeln!(out, "{}", closing_line(&tally, apply))?;
    Ok(ExitCode::SUCCESS)
}

/// The scenario's rubric as the content has it now, if it has items.
fn current_rubric(site: &Site, scenario: &str) -> Option<Rubric> {
    site.scenario(scenario)
        .and_then(|p| Some(Rubric::of(&p.slug, p.scenario.as_ref()?)))
        .filter(|r| !r.items.is_empty())
}

/// Grades the attempt again (storing it with `apply`); the line to print if its score changes.
async fn regrade(
    store: &Store,
    attempt: &Attempt,
    rubric: &Rubric,
    apply: bool,
) -> anyhow::Result<Option<String>> {
    let grade = rubric.grade(&attempt.answer);
    // The shown score keeps the learner's corrections of items the new rubric still has.
    let overrides = store.overrides(attempt.id).await?;
    let (settled, covered) = grade.settled(|id| {
        let o = overrides.iter().find(|o| o.item_id == id)?;
        crate::grading::Verdict::parse(&o.verdict)
    });
    let (old, new) = (
        (attempt.score * 100.0).round() as i64,
        (settled * 100.0).round() as i64,
    );
    if apply {
        store
            .regrade(Regraded {
                id: attempt.id,
                scenario: attempt.scenario.clone(),
                rubric_version: rubric.version.clone(),
                rubric_json: serde_json::to_string(rubric)?,
                verdicts_json: serde_json::to_string(&grade)?,
                score: grade.score,
                total: grade.total as i64,
                at: crate::web::view::now_ms(),
                settle: crate::grading::settle_stored,
            })
            .await?;
    }
    Ok((old != new).then(|| {
        format!(
            "{} {}: {old}% -> {new}% ({:+}), {} of {} covered",
            attempt.public_id,
            attempt.scenario,
            new - old,
            covered,
            grade.total
        )
    }))
}

/// `2 attempts checked: 1 graded against an older rubric would be rescored (...); 1 score
/// changes`.
fn closing_line(tally: &Tally, apply: bool) -> String {
    let action = match apply {
        true => "rescored",
        false => "would be rescored (run with --apply to store them)",
    };
    format!(
        "{} checked: {} graded against an older rubric {action}; {}",
        plural(tally.checked, "attempt", "attempts"),
        tally.outdated,
        plural(tally.changed, "score changes", "scores change")
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
        };
        assert_eq!(
            closing_line(&one, true),
            "1 attempt checked: 1 graded against an older rubric rescored; 1 score changes"
        );
        let two = Tally {
            checked: 2,
            outdated: 2,
            changed: 2,
        };
        assert!(closing_line(&two, false).ends_with("2 scores change"));
    }
}
