//! Problems found while loading content, reported like a compiler: `path:line: severity: message`.

use std::fmt;

use serde::Serialize;

/// How bad a problem is: errors keep a page from being served, warnings do not; a note only
/// informs (what a rubric test taught the grader).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Note,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        })
    }
}

/// One problem in one content file, at a 1-based line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub path: String,
    pub line: usize,
    pub severity: Severity,
    pub message: String,
}

impl Diagnostic {
    pub fn error(path: &str, line: usize, message: impl Into<String>) -> Self {
        Self::new(path, line, Severity::Error, message)
    }

    pub fn warning(path: &str, line: usize, message: impl Into<String>) -> Self {
        Self::new(path, line, Severity::Warning, message)
    }

    pub fn note(path: &str, line: usize, message: impl Into<String>) -> Self {
        Self::new(path, line, Severity::Note, message)
    }

    fn new(path: &str, line: usize, severity: Severity, message: impl Into<String>) -> Self {
        Self {
            path: path.to_owned(),
            line: line.max(1),
            severity,
            message: message.into(),
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}: {}",
            self.path, self.line, self.severity, self.message
        )
    }
}

/// Counts for the summary line printed after the diagnostics.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub files: usize,
    pub errors: usize,
    pub warnings: usize,
}

impl Summary {
    pub fn of(files: usize, diagnostics: &[Diagnostic]) -> Self {
        let errors = diagnostics.iter().filter(|d| d.is_error()).count();
        Self {
            files,
            errors,
            warnings: diagnostics
                .iter()
                .filter(|d| d.severity == Severity::Warning)
                .count(),
        }
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "checked {}: {}, {}",
            plural(self.files, "file", "files"),
            plural(self.errors, "error", "errors"),
            plural(self.warnings, "warning", "warnings")
        )
    }
}

/// `1 file`, `2 files`: the count with the word that agrees with it.
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Maps byte offsets of one file to 1-based line numbers.
#[derive(Debug)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let starts = std::iter::once(0)
            .chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1))
            .collect();
        Self { starts }
    }

    /// The 1-based line that holds byte `offset`.
    pub fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|&start| start <= offset)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_index_maps_offsets_to_one_based_lines() {
        let index = LineIndex::new("ab\ncd\n\nef");
        assert_eq!(index.line(0), 1);
        assert_eq!(index.line(2), 1);
        assert_eq!(index.line(3), 2);
        assert_eq!(index.line(6), 3);
        assert_eq!(index.line(7), 4);
    }

    #[test]
    fn diagnostics_print_like_a_compiler() {
        let d = Diagnostic::warning("scenarios/a.md", 7, "link to missing page `x.md`");
        assert_eq!(
            d.to_string(),
            "scenarios/a.md:7: warning: link to missing page `x.md`"
        );
        let s = Summary::of(3, &[d]);
        assert_eq!(s.to_string(), "checked 3 files: 0 errors, 1 warning");
    }

    #[test]
    fn counts_agree_with_their_noun() {
        assert_eq!(
            plural(1, "score changes", "scores change"),
            "1 score changes"
        );
        assert_eq!(
            plural(2, "score changes", "scores change"),
            "2 scores change"
        );
        assert_eq!(plural(0, "file", "files"), "0 files");
    }
}
