//! Grading one 3,000-character answer against a 10-item rubric, next to the floor of any grader:
//! tokenizing and stemming the same answer once; and grading 20,000-character adversarial
//! answers (one short phrase repeated, in one sentence or a sentence each time), which took
//! 0.3-1.1 s when window selection was quadratic and must stay under 20 ms; and the 3,000-character
//! answer against the same rubric taught a lesson per item by rubric tests.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use firedrill::content::{Site, SourceFile};
use firedrill::grading::{Rubric, text};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const SCENARIO: &str = "# Scenario: Ten Items\n\n## The Prompt\n\nProduction is flapping.\n\n## What a Strong Answer Includes\n\n\
- Quick identification of the HPA vs ArgoCD conflict\n\
- Knowledge of `ignoreDifferences` to resolve sync loops\n\
- Understanding that this is a common GitOps pitfall (not a bug)\n\
- The fix should be made in Git (not just via argocd CLI) to be durable\n\
- Mention of other sync loop causes: server-side defaults, mutating webhooks\n\
- Post-incident: audit all ArgoCD-managed deployments that also have HPAs\n\
- Reads kubelet logs on the node with journalctl instead of only kubectl\n\
- Verifies the served certificate's expiry date with openssl s_client first\n\
- Uses the version skew policy: rolling kubelet back is safe and quick\n\
- Adds alerting on certificate readiness and expiry well before the deadline\n";

const PARAGRAPH: &str = "First I would confirm what ArgoCD sees with argocd app diff: the only drift is spec.replicas, \
3 in Git against 8 live, because the HPA scales on CPU and ArgoCD self-heal keeps reverting it. \
That is a sync loop, a well known GitOps gotcha rather than a bug. The durable fix goes into the \
Application manifest in the repo: ignoreDifferences with a jsonPointer for /spec/replicas, plus \
RespectIgnoreDifferences. I would not just patch it with the CLI. ";

fn answer() -> String {
    let mut text = String::new();
    while text.len() < 3_000 {
        text.push_str(PARAGRAPH);
    }
    text.truncate(3_000);
    text
}

/// The longest answer accepted (20,000 characters): `phrase` over and over.
fn adversarial(phrase: &str) -> String {
    phrase.repeat(20_000 / phrase.len())
}

/// Rubric tests that teach each item a lesson: a sentence naming its distinctive word that the
/// author counts as covering it, and a keyword list the author counts as covering nothing.
fn rubric_tests(rubric: &Rubric) -> String {
    let words = [
        "HPA",
        "ignoreDifferences",
        "pitfall",
        "durable",
        "webhooks",
        "audit",
        "journalctl",
        "openssl",
        "skew",
        "readiness",
    ];
    let mut yaml = String::new();
    for (item, word) in rubric.items.iter().zip(words) {
        yaml.push_str(&format!(
            "- answer: |\n    We went over the {word} situation with the team on the bridge call and wrote it down.\n  expect:\n    {}: covered\n",
            item.id
        ));
    }
    yaml.push_str(&format!(
        "- answer: |\n    {}\n  expect:\n",
        words.join(", ")
    ));
    for item in &rubric.items {
        yaml.push_str(&format!("    {}: missed\n", item.id));
    }
    yaml
}

fn grading(c: &mut Criterion) {
    let mut site = Site::build(&[SourceFile {
        path: "ten.md".into(),
        bytes: SCENARIO.as_bytes().to_vec(),
    }]);
    let page = site.scenario("ten").expect("the scenario loads");
    let rubric = Rubric::of(&page.slug, page.scenario.as_ref().unwrap());
    assert_eq!(rubric.items.len(), 10);
    site.attach_samples(&[SourceFile {
        path: "ten.tests.yaml".into(),
        bytes: rubric_tests(&rubric).into_bytes(),
    }]);
    let page = site.scenario("ten").expect("the scenario loads");
    let taught = Rubric::of(&page.slug, page.scenario.as_ref().unwrap());
    let lessons: usize = taught.items.iter().map(|i| i.lessons.len()).sum();
    assert!(lessons >= 5, "the rubric tests teach {lessons} lessons");
    eprintln!("the taught rubric has {lessons} lessons");
    let answer = answer();
    let mut group = c.benchmark_group("grade_3000_chars_10_items");
    group.bench_function("tokenize_only", |b| {
        b.iter(|| black_box(text::tokenize(black_box(&answer))))
    });
    group.bench_function("grade", |b| {
        b.iter(|| black_box(rubric.grade(black_box(&answer))))
    });
    group.bench_function("grade_with_lessons", |b| {
        b.iter(|| black_box(taught.grade(black_box(&answer))))
    });
    group.finish();
    let mut group = c.benchmark_group("grade_20000_chars_10_items");
    for (name, phrase) in [("repeated_word", "fix "), ("repeated_sentence", "fix. ")] {
        let answer = adversarial(phrase);
        group.bench_function(name, |b| {
            b.iter(|| black_box(rubric.grade(black_box(&answer))))
        });
    }
    group.finish();
}

criterion_group!(benches, grading);
criterion_main!(benches);
