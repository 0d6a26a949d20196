//! `firedrill grade SCENARIO ANSWER_FILE`: scores an answer (a file, or standard input for
//! `-`), item by item, with the evidence.

use std::io::{Read, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;

use super::lookup;
use crate::config::{Format, GradeArgs};
use crate::content;
use crate::grading::{Grade, Rubric};

pub fn grade(args: &GradeArgs) -> anyhow::Result<ExitCode> {
    let site = content::load(&args.content.content)?;
    let rubric = lookup::rubric(&site, &args.scenario)?;
    let (answer, from) = read_answer(&args.answer_file)?;
    if answer.trim().is_empty() {
        eprintln!("warning: {from} is empty: every item is missed");
    }
    let grade = rubric.grade(&answer);
    let mut out = std::io::stdout().lock();
    match args.format {
        Format::Json => {
            let report = serde_json::json!({
                "scenario": rubric.scenario, "rubric_version": rubric.version,
                "score": round4(grade.score), "covered": grade.covered, "total": grade.total,
                "items": grade.items, "traps": grade.traps,
            });
            writeln!(out, "{report:#}")?;
        }
        Format::Text => write_grade(&mut out, &rubric, &grade)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// The answer text, and how to name where it came from: standard input for `-`.
fn read_answer(file: &Path) -> anyhow::Result<(String, String)> {
    let (bytes, from) = if file == Path::new("-") {
        let mut bytes = Vec::new();
        std::io::stdin()
            .lock()
            .read_to_end(&mut bytes)
            .context("cannot read the answer from standard input")?;
        (bytes, "the answer on standard input".to_owned())
    } else {
        let bytes = std::fs::read(file)
            .with_context(|| format!("cannot read the answer file `{}`", file.display()))?;
        (bytes, format!("the answer in `{}`", file.display()))
    };
    match String::from_utf8(bytes) {
        Ok(answer) => Ok((answer, from)),
        Err(_) => anyhow::bail!("{from} is not UTF-8 text: save it as UTF-8"),
    }
}

/// A score with four decimals, as JSON shows it (`0.1333`, not `0.13333333333333333`).
fn round4(score: f64) -> f64 {
    (score * 10_000.0).round() / 10_000.0
}

fn write_grade(out: &mut impl Write, rubric: &Rubric, grade: &Grade) -> std::io::Result<()> {
    let percent = (grade.score * 100.0).round() as u32;
    writeln!(
        out,
        "{}: {} of {} covered ({percent}%)",
        rubric.scenario, grade.covered, grade.total
    )?;
    for item in &grade.items {
        writeln!(out, "  {:<8} {}", item.verdict.as_str(), item.text)?;
        writeln!(out, "           why: {}", item.reason)?;
        for e in &item.evidence {
            writeln!(
                out,
                "           evidence: {:?} at {}..{}",
                e.text, e.start, e.end
            )?;
        }
    }
    for trap in &grade.traps {
        writeln!(out, "  trap     {}: {}", trap.claim, trap.explanation)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn scores_are_rounded_to_four_decimals() {
        assert_eq!(super::round4(2.0 / 15.0), 0.1333);
        assert_eq!(super::round4(1.0), 1.0);
        assert_eq!(super::round4(0.66666), 0.6667);
    }
}
