//! `firedrill list`: the scenarios of a content folder, one row each (title, slug, level, domain,
//! topics, shape), by level then title, as aligned columns, a Markdown table or JSON.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use serde::Serialize;

use crate::config::{ListArgs, ListFormat};
use crate::content::catalogue::{self, Filter};
use crate::content::scenario::Shape;
use crate::content::{self, Site, plural};

/// The column headings of the text and Markdown formats.
const HEADINGS: [&str; 6] = ["Title", "Slug", "Level", "Domain", "Topics", "Shape"];

/// One scenario as listed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    pub title: String,
    pub slug: String,
    /// The level's label, e.g. `L2: Operations`.
    pub level: Option<String>,
    pub domain: Option<String>,
    pub topics: Vec<String>,
    pub shape: Shape,
    /// For interviews only (front matter `hidden: true`).
    pub hidden: bool,
    /// Not published yet (front matter `draft: true`).
    pub draft: bool,
}

impl Row {
    /// The row's cells in the text and Markdown formats: `-` for a missing value, and the shape
    /// followed by `, hidden` for a hidden scenario and `, draft` for a draft.
    fn cells(&self) -> [String; 6] {
        let or_dash = |value: Option<&str>| value.unwrap_or("-").to_owned();
        let mut shape = self.shape.as_str().to_owned();
        if self.hidden {
            shape.push_str(", hidden");
        }
        if self.draft {
            shape.push_str(", draft");
        }
        let topics = match self.topics.is_empty() {
            true => "-".to_owned(),
            false => self.topics.join(", "),
        };
        [
            self.title.clone(),
            self.slug.clone(),
            or_dash(self.level.as_deref()),
            or_dash(self.domain.as_deref()),
            topics,
            shape,
        ]
    }
}

pub fn list(args: &ListArgs) -> anyhow::Result<ExitCode> {
    let dir = &args.content.content;
    let site = content::load(dir)?;
    warn_about_what_is_left_out(&site, dir);
    let rows = rows(&site);
    let text = match args.format {
        ListFormat::Text => text(&rows),
        ListFormat::Markdown => markdown(&rows),
        ListFormat::Json => serde_json::to_string_pretty(&rows)? + "\n",
    };
    std::io::stdout().lock().write_all(text.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

/// Every scenario of the site, hidden ones and drafts included, by level then title (as the
/// catalogue).
pub fn rows(site: &Site) -> Vec<Row> {
    catalogue::scenarios(
        site,
        &Filter::default(),
        crate::content::meta::Reader::Author,
    )
    .into_iter()
    .filter_map(|page| {
        let scenario = page.scenario.as_ref()?;
        Some(Row {
            title: page.short_title().to_owned(),
            slug: page.slug.clone(),
            level: page.meta.level.as_ref().map(|l| l.label()),
            domain: page.meta.domain.clone(),
            topics: page.meta.topics.clone(),
            shape: scenario.shape(),
            hidden: page.meta.hidden,
            draft: page.meta.draft,
        })
    })
    .collect()
}

/// Says on standard error when there is nothing to list, and which files are not listed because
/// they have errors.
fn warn_about_what_is_left_out(site: &Site, dir: &Path) {
    let mut broken: Vec<&str> = site
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.path.as_str())
        .collect();
    broken.sort_unstable();
    broken.dedup();
    if !broken.is_empty() {
        let names: Vec<String> = broken.iter().map(|p| format!("`{p}`")).collect();
        eprintln!(
            "warning: {} with errors not listed: {} (details: {})",
            plural(broken.len(), "file", "files"),
            names.join(", "),
            super::check_command(dir)
        );
    }
    if site.scenarios().next().is_none() {
        eprintln!(
            "warning: no scenarios in `{}`: a scenario is a page whose `# ` title starts with \
             `Scenario:` or `Interview:`",
            dir.display()
        );
    }
}

/// Aligned columns, two spaces apart, the last one unpadded.
pub fn text(rows: &[Row]) -> String {
    let table: Vec<[String; 6]> = std::iter::once(HEADINGS.map(str::to_owned))
        .chain(rows.iter().map(Row::cells))
        .collect();
    let mut widths = [0; 6];
    for row in &table {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in &table {
        let mut line = String::new();
        for (cell, width) in row.iter().zip(widths) {
            line.push_str(&format!("{cell:<width$}  "));
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// A Markdown table, cells escaped so that no title can break it or turn into markup.
pub fn markdown(rows: &[Row]) -> String {
    let line = |cells: &[String]| format!("| {} |\n", cells.join(" | "));
    let mut out = line(&HEADINGS.map(str::to_owned));
    out.push_str(&line(&HEADINGS.map(|_| "---".to_owned())));
    for row in rows {
        out.push_str(&line(&row.cells().map(|cell| escape_markdown(&cell))));
    }
    out
}

/// A backslash before each character that Markdown could read as table syntax, emphasis, code,
/// a link or HTML.
fn escape_markdown(cell: &str) -> String {
    let mut out = String::with_capacity(cell.len());
    for c in cell.chars() {
        if matches!(c, '\\' | '|' | '*' | '_' | '`' | '[' | ']' | '<') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(title: &str, level: Option<&str>, shape: Shape, hidden: bool) -> Row {
        Row {
            title: title.to_owned(),
            slug: title.to_lowercase().replace(' ', "-"),
            level: level.map(str::to_owned),
            domain: None,
            topics: vec!["DNS".to_owned(), "Networking".to_owned()],
            shape,
            hidden,
            draft: false,
        }
    }

    #[test]
    fn text_columns_are_as_wide_as_their_longest_cell_with_no_trailing_spaces() {
        let rows = [
            row("Über DNS", Some("L1"), Shape::Checklist, false),
            row("A Much Longer Title", None, Shape::Ungraded, true),
        ];
        assert_eq!(
            text(&rows),
            "Title                Slug                 Level  Domain  Topics           Shape\n\
             Über DNS             über-dns             L1     -       DNS, Networking  checklist\n\
             A Much Longer Title  a-much-longer-title  -      -       DNS, Networking  ungraded, hidden\n"
        );
    }

    #[test]
    fn markdown_cells_cannot_break_the_table_or_become_markup() {
        let mut tricky = row(
            "Pipes | *stars* `code` <b>",
            None,
            Shape::StrongAnswer,
            false,
        );
        tricky.slug = "snake_case".to_owned();
        assert_eq!(
            markdown(&[tricky]),
            "| Title | Slug | Level | Domain | Topics | Shape |\n\
             | --- | --- | --- | --- | --- | --- |\n\
             | Pipes \\| \\*stars\\* \\`code\\` \\<b> | snake\\_case | - | - | DNS, Networking | strong answer |\n"
        );
    }
}
