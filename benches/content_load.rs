//! Loading content: firedrill's whole build of 2,000 generated scenarios (parse, split, type,
//! resolve links, render and sanitize, backlinks) against pulldown-cmark alone parsing the same
//! bytes, in the same run. `bench/content-load.sh` prints the ratio.

mod common;

// The same allocator as the `firedrill` binary, for the baseline and firedrill alike.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::hint::black_box;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use firedrill::content::{Site, markdown};

fn load(c: &mut Criterion) {
    let files = common::generate(2_000);
    let bytes: usize = files.iter().map(|f| f.bytes.len()).sum();
    let mut group = c.benchmark_group("load_2000_scenarios");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.sample_size(20);
    assert_eq!(Site::build(&files).scenarios().count(), 2_000);
    group.bench_function("pulldown_cmark_parse", |b| {
        b.iter(|| {
            let mut events = 0usize;
            for file in &files {
                let text = std::str::from_utf8(&file.bytes).unwrap();
                events += pulldown_cmark::Parser::new_ext(text, markdown::options()).count();
            }
            black_box(events)
        })
    });
    // For context: what rendering to HTML alone adds to parsing.
    group.bench_function("pulldown_cmark_parse_and_push_html", |b| {
        b.iter(|| {
            let mut html = String::new();
            for file in &files {
                let text = std::str::from_utf8(&file.bytes).unwrap();
                html.clear();
                pulldown_cmark::html::push_html(
                    &mut html,
                    pulldown_cmark::Parser::new_ext(text, markdown::options()),
                );
            }
            black_box(html.len())
        })
    });
    group.bench_function("firedrill_site_build", |b| {
        // Freeing the site is not part of loading it; one site alive at a time, as in the server.
        b.iter_batched(
            || (),
            |()| Site::build(black_box(&files)),
            BatchSize::PerIteration,
        )
    });
    group.bench_function("firedrill_site_build_one_thread", |b| {
        b.iter_batched(
            || (),
            |()| Site::build_with_threads(black_box(&files), 1),
            BatchSize::PerIteration,
        )
    });
    let dir = tempfile::tempdir().unwrap();
    for file in &files {
        let path = dir.path().join(&file.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, &file.bytes).unwrap();
    }
    group.bench_function("firedrill_load_from_disk", |b| {
        b.iter_batched(
            || (),
            |()| firedrill::content::load(dir.path()).unwrap(),
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group!(benches, load);
criterion_main!(benches);
