//! Reads the content folder from disk: the only I/O of the content module.

use std::path::Path;

use anyhow::Context;

use super::site::SourceFile;

/// Every `.md` file under `root`, sorted by path, with paths relative to `root` using `/`.
pub fn read_dir(root: &Path) -> anyhow::Result<Vec<SourceFile>> {
    read_matching(root, ".md")
}

/// Every file under `root` whose name ends with `suffix` (hidden files skipped), sorted by path.
pub fn read_matching(root: &Path, suffix: &str) -> anyhow::Result<Vec<SourceFile>> {
    let mut found = read_many(root, &[suffix])?;
    Ok(found.pop().unwrap_or_default())
}

/// The pages (`.md`) and the rubric tests (`.tests.yaml`) under `root`, in one walk.
pub fn read_pages_and_tests(root: &Path) -> anyhow::Result<(Vec<SourceFile>, Vec<SourceFile>)> {
    let mut found = read_many(root, &[".md", super::RUBRIC_TESTS])?;
    let tests = found.pop().unwrap_or_default();
    let pages = found.pop().unwrap_or_default();
    Ok((pages, tests))
}

/// Per suffix, every file under `root` whose name ends with it (hidden files skipped), sorted
/// by path.
fn read_many(root: &Path, suffixes: &[&str]) -> anyhow::Result<Vec<Vec<SourceFile>>> {
    // walkdir walks a file as a tree of one: say so rather than read it as the whole content.
    anyhow::ensure!(
        !root.is_file(),
        "the content folder `{}` is a file, not a folder (give another with --content DIR)",
        root.display()
    );
    let mut files: Vec<Vec<SourceFile>> = suffixes.iter().map(|_| Vec::new()).collect();
    for entry in walkdir::WalkDir::new(root).sort_by_file_name() {
        let entry = entry.map_err(|err| walk_error(root, err))?;
        let name = entry.file_name().to_str().unwrap_or("");
        let Some(kind) = suffixes.iter().position(|s| name.ends_with(s)) else {
            continue;
        };
        // `x.tests.md` is not content; rubric tests are `x.tests.yaml`.
        let is_test_page = suffixes[kind] == ".md" && name.ends_with(".tests.md");
        if !entry.file_type().is_file() || name.starts_with('.') || is_test_page {
            continue;
        }
        let relative = entry.path().strip_prefix(root).unwrap_or(entry.path());
        let path = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        let bytes = std::fs::read(entry.path())
            .with_context(|| format!("cannot read `{}`", entry.path().display()))?;
        files[kind].push(SourceFile { path, bytes });
    }
    Ok(files)
}

/// A folder that cannot be read, said once: walkdir's own message repeats its I/O error.
fn walk_error(root: &Path, err: walkdir::Error) -> anyhow::Error {
    let context = match err.path() {
        Some(path) if path != root => format!("cannot read `{}`", path.display()),
        _ => format!(
            "cannot read the content folder `{}` (give another with --content DIR)",
            root.display()
        ),
    };
    match err.io_error().is_some() {
        true => anyhow::Error::new(err.into_io_error().expect("checked above")).context(context),
        false => anyhow::Error::new(err).context(context),
    }
}
