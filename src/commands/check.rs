//! `firedrill check [FILE]...`: every problem in the content folder, or in the files given
//! (their links still resolved against the whole folder), like a compiler.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;

use crate::config::{CheckArgs, Format};
use crate::content::plural;
use crate::content::{self, Diagnostic, Page, Site, SourceFile};
use crate::grading::samples::Lessons;

use crate::content::RUBRIC_TESTS;

/// Prints every diagnostic, then a summary; exit 1 on any error (with `--strict`, on any
/// warning too).
pub fn check(args: &CheckArgs) -> anyhow::Result<ExitCode> {
    let root = &args.content.content;
    let (pages, tests) = content::source::read_pages_and_tests(root)?;
    let only = match args.files.is_empty() {
        true => None,
        false => Some(selected(root, &args.files, &pages, &tests)?),
    };
    let wanted = |path: &str| only.as_ref().is_none_or(|o| o.iter().any(|p| p == path));
    let mut site = Site::build(&pages);
    site.attach_samples(&tests);
    let mut diagnostics: Vec<Diagnostic> = site
        .diagnostics
        .iter()
        .filter(|d| wanted(&d.path))
        .cloned()
        .collect();
    let run = tests.iter().filter(|f| wanted(&f.path));
    let lessons = match args.lessons {
        true => Lessons::Each,
        false => Lessons::Summary,
    };
    diagnostics.extend(run.flat_map(|file| rubric_tests(&site, file, lessons)));
    diagnostics.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
    let files = only.as_ref().map_or(pages.len() + tests.len(), Vec::len);
    let summary = content::Summary::of(files, &diagnostics);
    print(args, &diagnostics, summary)?;
    let failed = summary.errors > 0 || (args.strict && summary.warnings > 0);
    Ok(match failed {
        false => ExitCode::SUCCESS,
        true => ExitCode::from(1),
    })
}

fn print(
    args: &CheckArgs,
    diagnostics: &[Diagnostic],
    summary: content::Summary,
) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match args.format {
        Format::Text => {
            for diagnostic in diagnostics {
                writeln!(out, "{diagnostic}")?;
            }
            match args.strict && summary.warnings > 0 {
                true => writeln!(out, "{summary} (--strict: warnings count as errors)")?,
                false => writeln!(out, "{summary}")?,
            }
        }
        Format::Json => {
            let report = serde_json::json!({
                "diagnostics": diagnostics,
                "summary": summary,
                "strict": args.strict,
            });
            writeln!(out, "{report:#}")?;
        }
    }
    Ok(())
}

/// The files named on the command line, as paths relative to the content folder.
fn selected(
    root: &Path,
    files: &[std::path::PathBuf],
    pages: &[SourceFile],
    tests: &[SourceFile],
) -> anyhow::Result<Vec<String>> {
    let root_abs = root
        .canonicalize()
        .with_context(|| format!("cannot read the content folder `{}`", root.display()))?;
    let mut paths = Vec::new();
    for file in files {
        let path = relative(&root_abs, root, file)?;
        anyhow::ensure!(
            pages.iter().chain(tests).any(|f| f.path == path),
            "`{}` is neither a page nor rubric tests: pages are `.md` files (not hidden, not \
             `.tests.md`), rubric tests `.tests.yaml` files",
            file.display()
        );
        paths.push(path);
    }
    Ok(paths)
}

/// `file` (relative to the working directory or to the content folder) as a path relative to
/// the content folder, with `/`.
fn relative(root_abs: &Path, root: &Path, file: &Path) -> anyhow::Result<String> {
    let found: Vec<_> = [file.to_path_buf(), root.join(file)]
        .iter()
        .filter_map(|p| p.canonicalize().ok())
        .collect();
    anyhow::ensure!(
        !found.is_empty(),
        "cannot find `{}`, neither here nor in the content folder `{}`",
        file.display(),
        root.display()
    );
    let inside = found.iter().find_map(|p| p.strip_prefix(root_abs).ok());
    let inside = inside.with_context(|| {
        format!(
            "`{}` is outside the content folder `{}`: pass `--content DIR` for another folder",
            file.display(),
            root.display()
        )
    })?;
    let parts: Vec<_> = inside
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect();
    Ok(parts.join("/"))
}

/// The disagreements between a rubric-test file and the grader.
fn rubric_tests(site: &Site, file: &SourceFile, lessons: Lessons) -> Vec<Diagnostic> {
    let scenario_path = format!(
        "{}.md",
        file.path.strip_suffix(RUBRIC_TESTS).unwrap_or(&file.path)
    );
    let page = match tested_scenario(site, &scenario_path) {
        Ok(page) => page,
        Err(message) => return vec![Diagnostic::error(&file.path, 1, message)],
    };
    let Ok(yaml) = std::str::from_utf8(&file.bytes) else {
        return vec![Diagnostic::error(
            &file.path,
            1,
            "file is not valid UTF-8: save it as UTF-8",
        )];
    };
    let yaml = yaml.strip_prefix('\u{feff}').unwrap_or(yaml);
    let scenario = page.scenario.as_ref().expect("checked by tested_scenario");
    crate::grading::samples::check(&file.path, yaml, &page.slug, scenario, lessons)
}

/// The scenario at `path`, or why rubric tests for it cannot run.
fn tested_scenario<'s>(site: &'s Site, path: &str) -> Result<&'s Page, String> {
    if let Some(page) = site.pages().iter().find(|p| p.path == path) {
        return match page.scenario {
            Some(_) => Ok(page),
            None => Err(format!(
                "rubric tests for `{path}`, which is a wiki page, not a scenario: give it a \
                 `# Scenario: ...` title, or remove this file"
            )),
        };
    }
    match site.diagnostics_of(path).filter(|d| d.is_error()).count() {
        0 => Err(format!(
            "rubric tests for `{path}`, which does not exist: name the file after its scenario \
             (`x.tests.yaml` beside `x.md`)"
        )),
        errors => Err(format!(
            "rubric tests for `{path}`, which has {}: fix the scenario and these tests run",
            plural(errors, "error", "errors")
        )),
    }
}
