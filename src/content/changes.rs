//! What the server says about its content: one line at start-up, and on each reload in watch
//! mode only what changed (pages added or removed, problems that appeared or were fixed).

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt;

use super::diagnostics::{Diagnostic, Severity, plural};
use super::site::Site;

/// `6 pages; 0 errors, 14 warnings in 5 files`, or `6 pages, no problems`.
pub fn overview(site: &Site) -> String {
    let pages = plural(site.pages().len(), "page", "pages");
    let summary = site.summary();
    if site.diagnostics.is_empty() {
        return format!("{pages}, no problems");
    }
    let files: HashSet<&str> = site.diagnostics.iter().map(|d| d.path.as_str()).collect();
    format!(
        "{pages}; {}, {} in {}",
        plural(summary.errors, "error", "errors"),
        plural(summary.warnings, "warning", "warnings"),
        plural(files.len(), "file", "files")
    )
}

/// The difference between two loads of the same content folder.
#[derive(Debug, Default)]
pub struct Changes<'s> {
    /// URLs of pages served now and not before, sorted.
    pub added: Vec<&'s str>,
    /// URLs of pages served before and not now, sorted.
    pub removed: Vec<&'s str>,
    /// Problems of the new load that the old one did not have.
    pub appeared: Vec<&'s Diagnostic>,
    /// Problems of the old load that the new one no longer has.
    pub fixed: Vec<&'s Diagnostic>,
}

impl<'s> Changes<'s> {
    pub fn between(old: &'s Site, new: &'s Site) -> Self {
        let urls = |site: &'s Site| -> BTreeSet<&'s str> {
            site.pages().iter().map(|p| p.url.as_str()).collect()
        };
        let (before, after) = (urls(old), urls(new));
        Self {
            added: after.difference(&before).copied().collect(),
            removed: before.difference(&after).copied().collect(),
            appeared: only_in(&new.diagnostics, &old.diagnostics),
            fixed: only_in(&old.diagnostics, &new.diagnostics),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.removed.is_empty()
            && self.appeared.is_empty()
            && self.fixed.is_empty()
    }
}

/// `added /a, /b; removed /c; 1 new problem, 2 problems fixed`, or `no page added or removed, no
/// problem new or fixed`.
impl fmt::Display for Changes<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return f.write_str("no page added or removed, no problem new or fixed");
        }
        let mut parts = Vec::new();
        if !self.added.is_empty() {
            parts.push(format!("added {}", self.added.join(", ")));
        }
        if !self.removed.is_empty() {
            parts.push(format!("removed {}", self.removed.join(", ")));
        }
        let problems = [
            (
                self.appeared.len(),
                plural(self.appeared.len(), "new problem", "new problems"),
            ),
            (
                self.fixed.len(),
                plural(self.fixed.len(), "problem fixed", "problems fixed"),
            ),
        ];
        let problems: Vec<String> = problems
            .into_iter()
            .filter(|(n, _)| *n > 0)
            .map(|(_, text)| text)
            .collect();
        if !problems.is_empty() {
            parts.push(problems.join(", "));
        }
        f.write_str(&parts.join("; "))
    }
}

/// The diagnostics of `a` that `b` lacks. A problem that only moved to another line (the
/// author edited above it) is the same problem.
fn only_in<'s>(a: &'s [Diagnostic], b: &[Diagnostic]) -> Vec<&'s Diagnostic> {
    let key = |d: &Diagnostic| (d.path.clone(), d.severity, d.message.clone());
    let mut left: HashMap<(String, Severity, String), usize> = HashMap::new();
    for d in b {
        *left.entry(key(d)).or_default() += 1;
    }
    a.iter()
        .filter(|d| match left.get_mut(&key(d)) {
            Some(n) if *n > 0 => {
                *n -= 1;
                false
            }
            _ => true,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(files: &[(&str, &str)]) -> Site {
        Site::of_texts(files)
    }

    #[test]
    fn the_overview_counts_pages_problems_and_the_files_that_have_them() {
        let broken = site(&[
            ("a.md", "# A\n\n[x](x.md) [y](y.md)\n"),
            ("b.md", "no title\n"),
            ("c.md", "# C\n"),
        ]);
        assert_eq!(overview(&broken), "2 pages; 1 error, 2 warnings in 2 files");
        assert_eq!(overview(&site(&[("c.md", "# C\n")])), "1 page, no problems");
    }

    #[test]
    fn changes_list_pages_added_and_removed_and_problems_new_or_fixed() {
        let old = site(&[
            ("a.md", "# A\n\n[x](x.md)\n"),
            ("gone.md", "# Gone\n"),
            ("same.md", "# Same\n\n[y](y.md)\n"),
        ]);
        // `same.md` gains a line above its warning: the warning moves, it is not new.
        let new = site(&[
            ("a.md", "# A\n\n[z](z.md)\n"),
            ("new.md", "# New\n"),
            ("same.md", "# Same\n\nMore.\n\n[y](y.md)\n"),
        ]);
        let changes = Changes::between(&old, &new);
        assert_eq!(changes.added, ["/new"]);
        assert_eq!(changes.removed, ["/gone"]);
        let lines = |ds: &[&Diagnostic]| ds.iter().map(|d| d.to_string()).collect::<Vec<_>>();
        assert_eq!(
            lines(&changes.appeared),
            [
                "a.md:3: warning: link to missing page `z.md`: write that page or fix the link (it is shown as not written yet)"
            ]
        );
        assert_eq!(lines(&changes.fixed).len(), 1);
        assert!(lines(&changes.fixed)[0].contains("`x.md`"));
        assert_eq!(
            changes.to_string(),
            "added /new; removed /gone; 1 new problem, 1 problem fixed"
        );
        let unchanged = Changes::between(&new, &new);
        assert!(unchanged.is_empty());
        assert_eq!(
            unchanged.to_string(),
            "no page added or removed, no problem new or fixed"
        );
    }
}
