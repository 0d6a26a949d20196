//! Writes the benchmarks' generated content to a folder: `cargo run --example generate_content --
//! DIR [COUNT]` (default 2,000 scenarios). Used by `bench/check.sh`.

#[path = "../benches/common/mod.rs"]
mod common;

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let dir =
        std::path::PathBuf::from(args.next().unwrap_or_else(|| "target/tmp/generated".into()));
    let count = args.next().and_then(|n| n.parse().ok()).unwrap_or(2_000);
    for file in common::generate(count) {
        let path = dir.join(&file.path);
        std::fs::create_dir_all(path.parent().expect("generated paths have a folder"))?;
        std::fs::write(path, &file.bytes)?;
    }
    println!("wrote {count} scenarios under {}", dir.display());
    Ok(())
}
