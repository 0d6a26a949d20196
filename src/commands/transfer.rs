//! `firedrill export` and `firedrill import`: the stored data as JSON lines, and back.

use std::io::BufReader;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;

use crate::config::{ExportArgs, ImportArgs};
use crate::store::transfer::{self, Counts};

pub fn export(args: &ExportArgs) -> anyhow::Result<ExitCode> {
    let url = &args.database.database;
    super::runtime()?.block_on(async {
        let counts = if args.output == Path::new("-") {
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            transfer::export(url, &mut out).await
        } else {
            let file = owner_only_file(&args.output)?;
            let mut out = std::io::BufWriter::new(file);
            let written = async {
                let counts = transfer::export(url, &mut out).await?;
                out.into_inner()
                    .map_err(|e| e.into_error())
                    .and_then(|f| f.sync_all())
                    .with_context(|| format!("cannot write `{}`", args.output.display()))?;
                anyhow::Ok(counts)
            }
            .await;
            // No half an export left behind to be mistaken for a whole one.
            if written.is_err() {
                let _ = std::fs::remove_file(&args.output);
            }
            written
        }
        .with_context(|| {
            format!(
                "cannot export the database `{}`",
                crate::store::redacted(url)
            )
        })?;
        eprintln!("exported {}", summary(&counts));
        Ok(ExitCode::SUCCESS)
    })
}

pub fn import(args: &ImportArgs) -> anyhow::Result<ExitCode> {
    let url = &args.database.database;
    super::runtime()?.block_on(async {
        let counts = if args.file == Path::new("-") {
            transfer::import(url, std::io::stdin().lock()).await
        } else {
            let file = std::fs::File::open(&args.file)
                .with_context(|| format!("cannot read the export `{}`", args.file.display()))?;
            transfer::import(url, BufReader::new(file)).await
        }
        .with_context(|| {
            format!(
                "cannot import into the database `{}`",
                crate::store::redacted(url)
            )
        })?;
        eprintln!("imported {}", summary(&counts));
        Ok(ExitCode::SUCCESS)
    })
}

/// A new file readable and writable by its owner only; an existing one is not overwritten.
fn owner_only_file(path: &Path) -> anyhow::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path).with_context(|| {
        format!(
            "cannot create `{}` (an existing file is never overwritten)",
            path.display()
        )
    })
}

/// `14 rows (users: 3, attempts: 11)`: the tables with rows.
fn summary(counts: &Counts) -> String {
    let total: u64 = counts.iter().map(|(_, n)| n).sum();
    let parts: Vec<String> = counts
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(table, n)| format!("{table}: {n}"))
        .collect();
    match total {
        0 => "no rows".to_owned(),
        1 => format!("1 row ({})", parts.join(", ")),
        _ => format!("{total} rows ({})", parts.join(", ")),
    }
}
