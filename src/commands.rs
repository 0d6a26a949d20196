//! The commands behind the CLI: each returns what `main` turns into an exit code.

mod users;
pub use users::user;

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;

use crate::config::{
    CheckArgs, EvalArgs, Format, GradeArgs, NewArgs, RescoreArgs, ServeArgs, Split,
};
use crate::content::{self, Site};
use crate::grading::{Grade, Rubric, eval};

/// `firedrill check`: prints every diagnostic, then a summary; exit 1 on any error.
pub fn check(args: &CheckArgs) -> anyhow::Result<ExitCode> {
    let site = content::load(&args.content.content)?;
    let tests = content::source::read_matching(&args.content.content, RUBRIC_TESTS)?;
    let mut diagnostics = site.diagnostics.clone();
    diagnostics.extend(tests.iter().flat_map(|file| rubric_tests(&site, file)));
    diagnostics.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
    let summary = content::Summary::of(site.files + tests.len(), &diagnostics);
    let mut out = std::io::stdout().lock();
    match args.format {
        Format::Text => {
            for diagnostic in &diagnostics {
                writeln!(out, "{diagnostic}")?;
            }
            writeln!(out, "{summary}")?;
        }
        Format::Json => {
            let report = serde_json::json!({ "diagnostics": diagnostics, "summary": summary });
            writeln!(out, "{report:#}")?;
        }
    }
    Ok(if summary.errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Rubric tests sit next to their scenario: `scenarios/x.md` and `scenarios/x.tests.yaml`.
const RUBRIC_TESTS: &str = ".tests.yaml";

/// The disagreements between a rubric-test file and the grader.
fn rubric_tests(site: &Site, file: &content::SourceFile) -> Vec<content::Diagnostic> {
    let scenario_path = format!(
        "{}.md",
        file.path.strip_suffix(RUBRIC_TESTS).unwrap_or(&file.path)
    );
    let Some(page) = site.scenarios().find(|p| p.path == scenario_path) else {
        return vec![content::Diagnostic::error(
            &file.path,
            1,
            format!(
                "rubric tests for `{scenario_path}`, which is not a scenario that loads: name the file after its scenario"
            ),
        )];
    };
    let Ok(yaml) = std::str::from_utf8(&file.bytes) else {
        return vec![content::Diagnostic::error(
            &file.path,
            1,
            "file is not valid UTF-8: save it as UTF-8",
        )];
    };
    let rubric = Rubric::of(
        &page.slug,
        page.scenario
            .as_ref()
            .expect("scenario pages have a scenario"),
    );
    crate::grading::samples::check(&file.path, yaml, &rubric)
}

/// `firedrill serve`: loads content (logging its problems) and serves until Ctrl-C or SIGTERM.
pub fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let site = load_logged(&args.content.content)?;
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    let served = runtime.block_on(crate::app::serve(args, site));
    let at = std::time::Instant::now();
    drop(runtime);
    tracing::info!(took = ?at.elapsed(), "runtime dropped");
    served
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

/// `firedrill grade`: scores an answer file, item by item, with the evidence.
pub fn grade(args: &GradeArgs) -> anyhow::Result<ExitCode> {
    let site = content::load(&args.content.content)?;
    let rubric = rubric_for(&site, &args.scenario)?;
    let bytes = std::fs::read(&args.answer_file)
        .with_context(|| format!("cannot read `{}`", args.answer_file.display()))?;
    let answer = String::from_utf8(bytes)
        .map_err(|_| anyhow::anyhow!("`{}` is not UTF-8 text", args.answer_file.display()))?;
    let grade = rubric.grade(&answer);
    let mut out = std::io::stdout().lock();
    match args.format {
        Format::Json => {
            let report = serde_json::json!({
                "scenario": rubric.scenario, "rubric_version": rubric.version,
                "score": grade.score, "covered": grade.covered, "total": grade.total,
                "items": grade.items, "traps": grade.traps,
            });
            writeln!(out, "{report:#}")?;
        }
        Format::Text => write_grade(&mut out, &rubric, &grade)?,
    }
    Ok(ExitCode::SUCCESS)
}

fn rubric_for(site: &Site, scenario: &str) -> anyhow::Result<Rubric> {
    let page = site.scenario(scenario).with_context(|| format!("no scenario `{scenario}`: give a slug (e.g. `gitops-drift-causing-outage`) or a path under the content folder"))?;
    let model = page
        .scenario
        .as_ref()
        .expect("scenario pages have a scenario");
    let rubric = Rubric::of(&page.slug, model);
    anyhow::ensure!(
        !rubric.items.is_empty(),
        "scenario `{}` has no checklist or key concepts to grade against",
        page.slug
    );
    Ok(rubric)
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

/// `firedrill eval`: grades every labelled answer and prints the agreement with the labels.
pub fn eval(args: &EvalArgs) -> anyhow::Result<ExitCode> {
    let site = content::load(&args.content.content)?;
    let mut pairs = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(&args.dir)
        .with_context(|| format!("cannot read `{}`", args.dir.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    for path in files {
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read `{}`", path.display()))?;
        let mut set: eval::EvalSet = serde_norway::from_str(&text)
            .with_context(|| format!("`{}` is not a valid answer set", path.display()))?;
        set.answers = std::mem::take(&mut set.answers)
            .into_iter()
            .enumerate()
            .filter(|(i, _)| match args.split {
                Split::All => true,
                Split::Dev => i % 2 == 0,
                Split::Holdout => i % 2 == 1,
            })
            .map(|(_, a)| a)
            .collect();
        let rubric = rubric_for(&site, &set.scenario)?;
        pairs.extend(eval::pairs(&set, &rubric).map_err(anyhow::Error::msg)?);
    }
    anyhow::ensure!(
        !pairs.is_empty(),
        "no labelled answers in `{}`",
        args.dir.display()
    );
    print!("{}", eval::report(&pairs));
    Ok(ExitCode::SUCCESS)
}

/// `firedrill new scenario "Title"`: writes `scenarios/<slug>.md` under the content folder,
/// never over an existing file.
pub fn new(args: &NewArgs) -> anyhow::Result<ExitCode> {
    let slug = content::stub::slugify(&args.title);
    anyhow::ensure!(
        !slug.is_empty(),
        "the title `{}` has no letters or digits to name the file after",
        args.title
    );
    let dir = args.content.content.join("scenarios");
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create `{}`", dir.display()))?;
    let path = dir.join(format!("{slug}.md"));
    let meta = content::stub::StubMeta {
        title: &args.title,
        level: &args.level,
        topic: &args.topic,
        domain: &args.domain,
    };
    let mut file = match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
    {
        Ok(file) => file,
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {
            anyhow::bail!(
                "`{}` already exists: edit it, or choose another title",
                path.display()
            )
        }
        Err(err) => return Err(err).with_context(|| format!("cannot write `{}`", path.display())),
    };
    file.write_all(content::stub::scenario(&meta).as_bytes())
        .with_context(|| format!("cannot write `{}`", path.display()))?;
    println!("wrote {}", path.display());
    Ok(ExitCode::SUCCESS)
}

/// `firedrill rescore [SCENARIO] [--apply]`: grades stored attempts again against the current
/// rubrics and lists the scores that would change; `--apply` stores the new grades and records
/// the rubric version on each attempt.
pub fn rescore(args: &RescoreArgs) -> anyhow::Result<ExitCode> {
    let site = content::load(&args.content.content)?;
    let slug = match &args.scenario {
        Some(s) => Some(
            site.scenario(s)
                .with_context(|| format!("no scenario `{s}` in the content folder"))?
                .slug
                .clone(),
        ),
        None => None,
    };
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(async {
        let store = crate::store::Store::open(&args.database.database)
            .await
            .with_context(|| format!("cannot open the database `{}`", args.database.database))?;
        let result = rescore_all(&site, &store, slug.as_deref(), args.apply).await;
        store.close().await;
        result
    })
}

async fn rescore_all(
    site: &Site,
    store: &crate::store::Store,
    slug: Option<&str>,
    apply: bool,
) -> anyhow::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    let (mut checked, mut outdated, mut changed) = (0, 0, 0);
    let mut rubrics: std::collections::HashMap<String, Option<Rubric>> =
        std::collections::HashMap::new();
    for attempt in store.all_attempts(slug).await? {
        checked += 1;
        let rubric = rubrics.entry(attempt.scenario.clone()).or_insert_with(|| {
            site.scenario(&attempt.scenario)
                .and_then(|p| Some(Rubric::of(&p.slug, p.scenario.as_ref()?)))
                .filter(|r| !r.items.is_empty())
        });
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
        outdated += 1;
        let grade = rubric.grade(&attempt.answer);
        // The shown score keeps the learner's overrides of items the new rubric still has.
        let overrides = store.overrides(attempt.id).await?;
        let (settled, covered) = grade.settled(|id| {
            let o = overrides.iter().find(|o| o.item_id == id)?;
            crate::grading::Verdict::parse(&o.verdict)
        });
        let (old, new) = (
            (attempt.score * 100.0).round() as i64,
            (settled * 100.0).round() as i64,
        );
        if old != new {
            changed += 1;
            writeln!(
                out,
                "{} {}: {old}% -> {new}% ({:+}), {} of {} covered",
                attempt.public_id,
                attempt.scenario,
                new - old,
                covered,
                grade.total
            )?;
        }
        if apply {
            store
                .regrade(crate::store::Regraded {
                    id: attempt.id,
                    scenario: attempt.scenario.clone(),
                    rubric_version: rubric.version.clone(),
                    rubric_json: serde_json::to_string(&*rubric)?,
                    verdicts_json: serde_json::to_string(&grade)?,
                    score: grade.score,
                    total: grade.total as i64,
                    settle: crate::grading::settle_stored,
                    at: crate::web::view::now_ms(),
                })
                .await?;
        }
    }
    let action = if apply {
        "rescored"
    } else {
        "would be rescored (run with --apply to store them)"
    };
    writeln!(
        out,
        "{checked} attempts checked: {outdated} graded against an older rubric {action}; {changed} scores change"
    )?;
    Ok(ExitCode::SUCCESS)
}
