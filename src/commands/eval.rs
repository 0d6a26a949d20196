//! `firedrill eval [DIR]`: grades every labelled answer and prints the agreement with the labels.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;

use super::lookup;
use crate::config::{EvalArgs, Split};
use crate::content;
use crate::grading::eval;

pub fn eval(args: &EvalArgs) -> anyhow::Result<ExitCode> {
    let site = content::load(&args.content.content)?;
    let mut pairs = Vec::new();
    for path in answer_sets(&args.dir)? {
        let set = read_set(&path, args.split)?;
        let rubric = lookup::rubric(&site, &set.scenario)
            .with_context(|| format!("cannot grade the answers in `{}`", path.display()))?;
        pairs.extend(eval::pairs(&set, &rubric).map_err(anyhow::Error::msg)?);
    }
    anyhow::ensure!(
        !pairs.is_empty(),
        "no labelled answers in `{}`",
        args.dir.display()
    );
    std::io::stdout()
        .lock()
        .write_all(eval::report(&pairs).as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

/// The `.yaml` files in `dir`, sorted.
fn answer_sets(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read `{}`", dir.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    Ok(files)
}

/// One answer set, keeping the answers of `split`: `dev` the 1st, 3rd, 5th..., `holdout` the
/// others.
fn read_set(path: &Path, split: Split) -> anyhow::Result<eval::EvalSet> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read `{}`", path.display()))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut set: eval::EvalSet = serde_norway::from_str(text)
        .with_context(|| format!("`{}` is not a valid answer set", path.display()))?;
    set.answers = std::mem::take(&mut set.answers)
        .into_iter()
        .enumerate()
        .filter(|(i, _)| match split {
            Split::All => true,
            Split::Dev => i % 2 == 0,
            Split::Holdout => i % 2 == 1,
        })
        .map(|(_, a)| a)
        .collect();
    Ok(set)
}
