//! Reads the content folder from disk: the only I/O of the content module.

use std::path::Path;

use anyhow::Context;

use super::site::SourceFile;

/// Every `.md` file under `root`, sorted by path, with paths relative to `root` using `/`.
pub fn read_dir(root: &Path) -> anyhow::Result<Vec<SourceFile>> {
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(root).sort_by_file_name() {
        let entry =
            entry.with_context(|| format!("cannot read content folder `{}`", root.display()))?;
        let is_markdown = entry.path().extension().is_some_and(|e| e == "md");
        let hidden = entry
            .file_name()
            .to_str()
            .is_some_and(|n| n.starts_with('.'));
        if !entry.file_type().is_file() || !is_markdown || hidden {
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
        files.push(SourceFile { path, bytes });
    }
    Ok(files)
}
