//! `firedrill eval [DIR] [--split all|dev|test]`: grades every labelled answer of the chosen
//! scenarios and prints the agreement with the labels, and the two raters' agreement with each
//! other where both raters' labels are kept.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;

use super::lookup;
use crate::config::{EvalArgs, Split};
use crate::content;
use crate::grading::eval;

/// The file in the evaluation folder that splits its scenarios into dev and test.
const SPLIT_FILE: &str = "split.yaml";

/// `split.yaml`: the scenarios for tuning and those held out, by slug.
#[derive(Debug, serde::Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a map with `dev:` and `test:` lists of scenario slugs"
)]
struct SplitFile {
    dev: Vec<String>,
    test: Vec<String>,
}

pub fn eval(args: &EvalArgs) -> anyhow::Result<ExitCode> {
    let site = content::load(&args.content.content)?;
    let chosen = chosen_scenarios(&args.dir, args.split)?;
    let mut pairs = Vec::new();
    let mut untaught = Vec::new();
    let mut leaks = Vec::new();
    let mut raters = Vec::new();
    let mut graded = Vec::new();
    for path in answer_sets(&args.dir)? {
        let set = read_set(&path)?;
        if chosen.as_ref().is_some_and(|c| !c.contains(&set.scenario)) {
            continue;
        }
        let rubric = lookup::rubric(&site, &set.scenario)
            .with_context(|| format!("cannot grade the answers in `{}`", path.display()))?;
        pairs.extend(eval::pairs(&set, &rubric).map_err(anyhow::Error::msg)?);
        // The same answers graded by the rubric before its rubric tests taught it; and any
        // sample that is one of these answers, which would make the taught figures overstate.
        let page = lookup::scenario(&site, &set.scenario)?;
        if let Some(scenario) = page.scenario.as_ref().filter(|s| !s.samples.is_empty()) {
            let bare = crate::content::scenario::Scenario {
                samples: Vec::new(),
                ..scenario.clone()
            };
            let bare = crate::grading::Rubric::of(&page.slug, &bare);
            untaught.extend(eval::pairs(&set, &bare).map_err(anyhow::Error::msg)?);
            let words = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
            let copied = scenario
                .samples
                .iter()
                .filter(|s| {
                    set.answers
                        .iter()
                        .any(|a| words(&a.answer) == words(&s.answer))
                })
                .count();
            if copied > 0 {
                leaks.push(format!("{} ({copied})", set.scenario));
            }
        } else {
            untaught.extend(eval::pairs(&set, &rubric).map_err(anyhow::Error::msg)?);
        }
        raters.extend(rater_pairs(&args.dir, &set.scenario)?);
        graded.push((set, rubric));
    }
    anyhow::ensure!(
        !pairs.is_empty(),
        "no labelled answers in `{}` for the {} split",
        args.dir.display(),
        args.split.name()
    );
    let mut out = eval::report(&pairs);
    out.push_str(&eval::untaught_report(&untaught));
    if !leaks.is_empty() {
        out.push_str(&format!(
            "WARNING: rubric-test samples that are answers of this set, so the grader learnt from \
             what it is measured on and these figures overstate: {}\n",
            leaks.join(", ")
        ));
    }
    // Settings are chosen on the dev scenarios only: never on held-out ones.
    if args.split == Split::Dev && graded.len() > 1 {
        let sets: Vec<_> = graded.iter().map(|(s, r)| (s, r)).collect();
        let selection = eval::leave_one_scenario_out(&sets).map_err(anyhow::Error::msg)?;
        out.push_str(&eval::selection_report(&selection));
    }
    if !raters.is_empty() {
        out.push_str(&eval::raters_report(&raters));
    }
    std::io::stdout().lock().write_all(out.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

/// The scenarios of the split (`None`: all), from `split.yaml` in `dir`.
fn chosen_scenarios(dir: &Path, split: Split) -> anyhow::Result<Option<Vec<String>>> {
    if split == Split::All {
        return Ok(None);
    }
    let path = dir.join(SPLIT_FILE);
    let text = std::fs::read_to_string(&path).with_context(|| {
        format!(
            "cannot read `{}`, which names the dev and test scenarios",
            path.display()
        )
    })?;
    let file: SplitFile = serde_norway::from_str(&text)
        .with_context(|| format!("`{}` is not a valid split", path.display()))?;
    if let Some(both) = file.dev.iter().find(|s| file.test.contains(s)) {
        anyhow::bail!("`{}` puts `{both}` in both dev and test", path.display());
    }
    Ok(Some(match split {
        Split::Dev => file.dev,
        Split::Test => file.test,
        Split::All => unreachable!("handled above"),
    }))
}

/// The answer sets (`.yaml` files) in `dir`, sorted; the split file is not one.
fn answer_sets(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read `{}`", dir.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .filter(|p| p.file_name().is_some_and(|n| n != SPLIT_FILE))
        .collect();
    files.sort();
    Ok(files)
}

/// The YAML file at `path`; an error names it as `what` (`a valid answer set`).
fn read_yaml<T: serde::de::DeserializeOwned>(path: &Path, what: &str) -> anyhow::Result<T> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read `{}`", path.display()))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    serde_norway::from_str(text).with_context(|| format!("`{}` is not {what}", path.display()))
}

fn read_set(path: &Path) -> anyhow::Result<eval::EvalSet> {
    read_yaml(path, "a valid answer set")
}

/// One rater's labels of a scenario's answers (`raters/<slug>.<rater>.yaml`).
#[derive(Debug, serde::Deserialize)]
struct RaterFile {
    scenario: String,
    /// Answer id -> item id -> verdict.
    labels: BTreeMap<String, BTreeMap<String, String>>,
}

/// The two raters' labels of the scenario side by side (`a` as the label, `b` as the
/// "machine"), when both files exist.
fn rater_pairs(dir: &Path, scenario: &str) -> anyhow::Result<Vec<eval::Pair>> {
    let file = |rater: &str| dir.join("raters").join(format!("{scenario}.{rater}.yaml"));
    let (a, b) = (file("a"), file("b"));
    if !a.exists() || !b.exists() {
        return Ok(Vec::new());
    }
    let what = "a valid rater's file";
    let (a, b): (RaterFile, RaterFile) = (read_yaml(&a, what)?, read_yaml(&b, what)?);
    anyhow::ensure!(
        a.scenario == scenario && b.scenario == scenario,
        "the raters' files of `{scenario}` name another scenario"
    );
    eval::agreement(scenario, &a.labels, &b.labels).map_err(anyhow::Error::msg)
}
