//! Content: Markdown files -> typed pages and scenarios, links, backlinks and diagnostics.
//! Everything but [`source`] is pure and tested with strings.

pub mod catalogue;
pub mod changes;
mod derive;
pub mod diagnostics;
pub mod document;
pub mod gauntlet;
mod hidden;
pub mod investigation;
pub mod lint;
pub mod markdown;
pub mod meta;
pub mod navigation;
pub mod parts;
mod render;
pub mod scenario;
pub mod searchable;
pub mod section;
pub mod site;
pub mod source;
pub mod stub;
pub mod stub_shapes;
pub mod walkthrough;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_formats;

pub use diagnostics::{Diagnostic, Severity, Summary, plural};
pub use site::{Page, Section, Site, SourceFile};

/// Reads and builds the site from a content folder, its scenarios with their rubric tests.
pub fn load(root: &std::path::Path) -> anyhow::Result<Site> {
    let (pages, tests) = source::read_pages_and_tests(root)?;
    let mut site = Site::build(&pages);
    site.attach_samples(&tests);
    Ok(site)
}

/// Rubric tests sit next to their scenario: `scenarios/x.md` and `scenarios/x.tests.yaml`.
pub const RUBRIC_TESTS: &str = ".tests.yaml";
