//! What the fuzz targets run (`fuzz/`), kept in the library so the committed inputs in
//! `fuzz/seeds/` and `fuzz/regressions/` replay as ordinary tests (`tests/fuzz_inputs.rs`).

use std::sync::LazyLock;

use crate::content::{Site, SourceFile};
use crate::grading::Rubric;
use crate::web::published::Published;

/// Any bytes as a content file: the first byte picks where it sits (scenario folder, wiki
/// folder, top level), the rest is the file. It is loaded beside the seed scenario (so links
/// and backlinks resolve), published (every template rendered) and, when it is a gradeable
/// scenario, its rubric grades a short answer and itself.
pub fn content(data: &[u8]) {
    let (first, file) = data.split_first().unwrap_or((&0, &[]));
    let path = match first % 3 {
        0 => "scenarios/fuzz.md",
        1 => "topics/fuzz.md",
        _ => "fuzz.md",
    };
    let files = [
        SourceFile {
            path: path.into(),
            bytes: file.to_vec(),
        },
        SourceFile {
            path: "scenarios/gitops-drift-causing-outage.md".into(),
            bytes: SEED.as_bytes().to_vec(),
        },
    ];
    // One thread: the fuzzer runs many inputs a second and spawning threads would dominate.
    let published = Published::new(Site::build_with_threads(&files, 1));
    let text = String::from_utf8_lossy(file);
    for page in published.site.scenarios() {
        if let Some((_, _, rubric)) = published.scenario(&page.slug) {
            check_grade(rubric, "ArgoCD self-heal fights the HPA over spec.replicas");
            check_grade(rubric, &text);
        }
    }
}

/// Any answer against every rubric of the fixture content.
pub fn grader(data: &[u8]) {
    let answer = String::from_utf8_lossy(data);
    for rubric in RUBRICS.iter() {
        check_grade(rubric, &answer);
    }
}

/// Grades and checks what every grade promises: evidence inside the answer, on character
/// boundaries; a score between 0 and 1.
fn check_grade(rubric: &Rubric, answer: &str) {
    let grade = rubric.grade(answer);
    assert!((0.0..=1.0).contains(&grade.score), "score {}", grade.score);
    let spans = grade
        .items
        .iter()
        .flat_map(|i| &i.evidence)
        .chain(grade.traps.iter().flat_map(|t| &t.evidence));
    for e in spans {
        assert!(
            e.start <= e.end && e.end <= answer.len(),
            "span {}..{}",
            e.start,
            e.end
        );
        assert!(answer.is_char_boundary(e.start) && answer.is_char_boundary(e.end));
    }
}

const SEED: &str =
    include_str!("../tests/fixtures/content/scenarios/gitops-drift-causing-outage.md");

/// The rubrics of the fixture content's scenarios (`tests/fixtures/content`, a frozen copy of
/// the seed and the three section variants), so the fuzz inputs replay the same whatever the
/// bundled library holds.
static RUBRICS: LazyLock<Vec<Rubric>> = LazyLock::new(|| {
    let files = [
        ("gitops-drift-causing-outage", SEED),
        (
            "config-drift-detected",
            include_str!("../tests/fixtures/content/scenarios/config-drift-detected.md"),
        ),
        (
            "nodes-notready-after-upgrade",
            include_str!("../tests/fixtures/content/scenarios/nodes-notready-after-upgrade.md"),
        ),
        (
            "tls-certificate-expired",
            include_str!("../tests/fixtures/content/scenarios/tls-certificate-expired.md"),
        ),
    ];
    let sources: Vec<SourceFile> = files
        .iter()
        .map(|(slug, text)| SourceFile {
            path: format!("scenarios/{slug}.md"),
            bytes: text.as_bytes().to_vec(),
        })
        .collect();
    let site = Site::build(&sources);
    site.scenarios()
        .filter_map(|p| Some(Rubric::of(&p.slug, p.scenario.as_ref()?)))
        .collect()
});
