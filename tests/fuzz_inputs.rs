//! Hostile content and answers: the inputs the fuzz targets keep (`fuzz/seeds`, and any crash
//! they ever found in `fuzz/regressions`), replayed through the same code, and known
//! pathological Markdown, which must load in bounded time or be refused with a clear message.

use std::path::Path;
use std::time::{Duration, Instant};

use firedrill::content::{Severity, Site, SourceFile};

/// Far above what any of these takes (milliseconds in a release build, well under a second in
/// a debug one): only a blow-up such as quadratic or exponential work can cross it.
const BOUND: Duration = Duration::from_secs(10);

fn inputs(dir: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz").join(dir);
    let mut found: Vec<_> = std::fs::read_dir(&dir)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    found.sort();
    found
        .into_iter()
        .filter(|p| {
            p.is_file()
                && !p
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap()))
        .collect()
}

#[test]
fn every_kept_content_input_loads_without_a_panic() {
    let seeds = inputs("seeds/content");
    assert!(seeds.len() >= 6, "the seeds are there: {}", seeds.len());
    for (name, bytes) in seeds.iter().chain(&inputs("regressions/content")) {
        let started = Instant::now();
        firedrill::fuzzing::content(bytes);
        println!("{name}: {:?}", started.elapsed());
        assert!(
            started.elapsed() < BOUND,
            "{name} took {:?}",
            started.elapsed()
        );
    }
}

#[test]
fn every_kept_answer_grades_without_a_panic() {
    let seeds = inputs("seeds/grader");
    assert!(seeds.len() >= 6, "the seeds are there: {}", seeds.len());
    for (name, bytes) in seeds.iter().chain(&inputs("regressions/grader")) {
        let started = Instant::now();
        firedrill::fuzzing::grader(bytes);
        assert!(
            started.elapsed() < BOUND,
            "{name} took {:?}",
            started.elapsed()
        );
    }
}

/// Loads `body` under a scenario title and returns the site and how long it took.
fn load(body: &str) -> (Site, Duration) {
    let text = format!("# Scenario: Pathological\n\n## The Prompt\n\n{body}\n");
    let file = SourceFile {
        path: "scenarios/pathological.md".into(),
        bytes: text.into_bytes(),
    };
    let started = Instant::now();
    let site = Site::build(&[file]);
    (site, started.elapsed())
}

#[test]
fn pathological_markdown_loads_in_bounded_time() {
    let nested_lists: String = (0..400)
        .map(|i| format!("{}- x\n", "  ".repeat(i)))
        .collect();
    let references: String = (0..5_000)
        .map(|i| format!("[r{i}]: /x{i}\n"))
        .collect::<String>()
        + &(0..5_000)
            .map(|i| format!("[a][r{i}] "))
            .collect::<String>();
    let cases = [
        ("10,000 nested block quotes", ">".repeat(10_000) + " deep"),
        ("400 nested list levels", nested_lists),
        ("100,000 unclosed brackets", "[".repeat(100_000)),
        ("50,000 unclosed emphasis", "*a ".repeat(50_000)),
        ("5,000 reference definitions used 5,000 times", references),
        (
            "20,000 nested links",
            "[".repeat(20_000) + &"](x)".repeat(20_000),
        ),
        ("30,000 backticks", "`".repeat(30_000)),
        ("a 200,000-character line", "a".repeat(200_000)),
    ];
    for (what, body) in cases {
        let (site, took) = load(&body);
        // Shown with `--nocapture`; BENCHMARKS.md quotes a release run.
        println!("{what}: {} bytes loaded in {took:?}", body.len());
        assert!(took < BOUND, "{what} took {took:?}");
        let page = site.scenario("pathological");
        assert!(
            page.is_some(),
            "{what}: the page loads: {:?}",
            site.diagnostics
        );
    }
}

#[test]
fn a_file_over_the_size_limit_is_refused_with_a_diagnostic() {
    let big = "word ".repeat(250_000); // 1.2 MB
    let (site, took) = load(&big);
    assert!(took < BOUND);
    assert!(site.scenario("pathological").is_none());
    let d = &site.diagnostics[0];
    assert_eq!(
        (d.path.as_str(), d.line, d.severity),
        ("scenarios/pathological.md", 1, Severity::Error)
    );
    assert!(
        d.message
            .contains("over the 1024 KiB limit for a page: split it into several pages"),
        "{}",
        d.message
    );
}
