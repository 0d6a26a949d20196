//! Search over 2,000 generated pages: building the index beside loading the content it indexes,
//! in the same run, then query latency (a typo, several words, filters). Criterion gives means;
//! the timed loops at the end print the p50 and p99 of 10,000 queries of each kind, each timed
//! as a request runs it (parse, search, snippets of up to 50 results), in wall-clock and in CPU
//! time.

mod common;

// The same allocator as the `firedrill` binary.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use firedrill::content::Site;
use firedrill::content::meta::Reader;
use firedrill::search::{Query, SearchIndex};

/// (name, text, kind, level, topic)
const QUERIES: [(&str, &str, &str, &str, &str); 3] = [
    // Two typos: `payments` in half the titles' services, `replicas` in every page's evidence.
    ("typo", "paymnts replcas", "", "", ""),
    (
        "multi_word",
        "checkout failing health checks argocd",
        "",
        "",
        "",
    ),
    ("filtered", "outage hpa", "scenario", "L1", "GitOps"),
];

fn search(c: &mut Criterion) {
    let files = common::generate(2_000);
    let site = Site::build(&files);
    assert_eq!(site.pages().len(), 2_006);
    let mut group = c.benchmark_group("search_2000_pages");
    group.sample_size(20);
    group.bench_function("content_load", |b| {
        b.iter_batched(
            || (),
            |()| Site::build(black_box(&files)),
            BatchSize::PerIteration,
        )
    });
    group.bench_function("index_build", |b| {
        b.iter(|| SearchIndex::build(black_box(&site)).unwrap())
    });
    let index = SearchIndex::build(&site).unwrap();
    for (name, text, kind, level, topic) in QUERIES {
        let found = run(&index, text, kind, level, topic);
        assert!(found > 0, "{name} finds pages");
        group.bench_function(format!("query_{name}"), |b| {
            b.iter(|| run(&index, black_box(text), kind, level, topic))
        });
    }
    group.finish();
    percentiles(&index);
}

/// One query as a request runs it; the number of pages found.
fn run(index: &SearchIndex, text: &str, kind: &str, level: &str, topic: &str) -> usize {
    let query = Query::parse(text, kind, level, topic).unwrap();
    index.search(&query, Reader::Learner).unwrap().total
}

/// Prints the p50, p99 and slowest of 10,000 timed queries of each kind: in wall-clock time, as
/// a client waits, and in this thread's CPU time, what the query itself costs. On a shared
/// two-core machine the two part at the tail: a query preempted by another process waits a
/// scheduler time slice (a few milliseconds) that it does not spend.
fn percentiles(index: &SearchIndex) {
    for (name, text, kind, level, topic) in QUERIES {
        let (mut wall, mut cpu): (Vec<Duration>, Vec<Duration>) = (0..10_000)
            .map(|_| {
                let (started, cpu_started) = (Instant::now(), thread_cpu());
                black_box(run(index, text, kind, level, topic));
                (started.elapsed(), thread_cpu().saturating_sub(cpu_started))
            })
            .unzip();
        let found = run(index, text, kind, level, topic);
        for (clock, times) in [("wall", &mut wall), ("cpu", &mut cpu)] {
            times.sort_unstable();
            let at = |p: f64| times[((times.len() as f64 * p) as usize).min(times.len() - 1)];
            println!(
                "search_2000_pages/{name}: 10000 queries, found {found}, {clock} p50 {:?}, p99 {:?}, max {:?}",
                at(0.50),
                at(0.99),
                times[times.len() - 1]
            );
        }
    }
}

/// The CPU time this thread has used.
fn thread_cpu() -> Duration {
    let t = rustix::time::clock_gettime(rustix::time::ClockId::ThreadCPUTime);
    Duration::new(t.tv_sec as u64, t.tv_nsec as u32)
}

criterion_group!(benches, search);
criterion_main!(benches);
