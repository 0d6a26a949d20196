//! The whole content tree: every valid page rendered once, indexed by URL and slug, with links
//! resolved, backlinks computed and every problem collected.

use std::collections::HashMap;

use pulldown_cmark::{Event, Tag};
use serde::Serialize;

use super::diagnostics::{Diagnostic, Summary};
use super::document::{self, Document, RawSection, scenario_prefix};
use super::markdown::{self, Href, Spanned};
use super::meta::Meta;
use super::navigation::{self, Backlink, RelatedLink};
use super::scenario::{self, Scenario};
use super::section::{SectionRole, list_items, subsections};

/// A content file as read from disk: its path relative to the content folder, with `/`.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// A rendered `##` section.
#[derive(Debug, Clone, Serialize)]
pub struct Section {
    pub heading: String,
    /// The anchor id, unique on the page.
    pub id: String,
    pub role: SectionRole,
    pub html: String,
    pub line: usize,
}

/// One page, ready to serve.
#[derive(Debug, Clone, Serialize)]
pub struct Page {
    /// Path relative to the content folder, e.g. `scenarios/gitops-drift-causing-outage.md`.
    pub path: String,
    pub slug: String,
    pub url: String,
    pub title: String,
    pub meta: Meta,
    pub intro_html: String,
    pub sections: Vec<Section>,
    pub scenario: Option<Scenario>,
    pub related: Vec<RelatedLink>,
    /// Listed and computed, merged, in that order.
    pub backlinks: Vec<Backlink>,
    /// Lowercased title, metadata, prompt, report and evidence, for the catalogue search.
    #[serde(skip)]
    pub search_text: String,
}

impl Page {
    /// The title without a `Scenario:` / `Interview:` prefix.
    pub fn short_title(&self) -> &str {
        match scenario_prefix(&self.title) {
            Some(prefix) => self.title[prefix.len() + 1..].trim(),
            None => &self.title,
        }
    }
}

/// All pages and the problems found loading them.
#[derive(Debug, Default)]
pub struct Site {
    pages: Vec<Page>,
    by_url: HashMap<String, usize>,
    by_slug: HashMap<String, usize>,
    pub diagnostics: Vec<Diagnostic>,
    pub files: usize,
}

impl Site {
    /// Builds the site from files. Never fails: problems become diagnostics and the files with
    /// errors are left out.
    pub fn build(files: &[SourceFile]) -> Self {
        let mut diagnostics = Vec::new();
        let sources: Vec<(&str, &str)> = files
            .iter()
            .filter_map(|f| decode(f, &mut diagnostics))
            .collect();
        let documents = split_all(&sources, &mut diagnostics);
        let urls: HashMap<&str, String> = documents.iter().map(|d| (d.path, url_for(d))).collect();
        let mut pages: Vec<Page> = documents
            .iter()
            .map(|d| render(d, &urls, &mut diagnostics))
            .collect();
        add_backlinks(&documents, &urls, &mut pages);
        diagnostics.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
        let by_url = pages
            .iter()
            .enumerate()
            .map(|(i, p)| (p.url.clone(), i))
            .collect();
        let by_slug = pages
            .iter()
            .enumerate()
            .filter(|(_, p)| p.scenario.is_some())
            .map(|(i, p)| (p.slug.clone(), i))
            .collect();
        Self {
            pages,
            by_url,
            by_slug,
            diagnostics,
            files: files.len(),
        }
    }

    pub fn pages(&self) -> &[Page] {
        &self.pages
    }

    pub fn scenarios(&self) -> impl Iterator<Item = &Page> {
        self.pages.iter().filter(|p| p.scenario.is_some())
    }

    pub fn wiki_pages(&self) -> impl Iterator<Item = &Page> {
        self.pages.iter().filter(|p| p.scenario.is_none())
    }

    pub fn by_url(&self, url: &str) -> Option<&Page> {
        self.by_url.get(url).map(|&i| &self.pages[i])
    }

    /// A scenario by slug, or by its path relative to the content folder.
    pub fn scenario(&self, slug_or_path: &str) -> Option<&Page> {
        let slug = slug_or_path.trim_start_matches("./");
        self.by_slug.get(slug).map(|&i| &self.pages[i]).or_else(|| {
            self.scenarios()
                .find(|p| p.path == slug || slug.ends_with(&format!("/{}", p.path)))
        })
    }

    pub fn summary(&self) -> Summary {
        Summary::of(self.files, &self.diagnostics)
    }
}

fn decode<'a>(
    file: &'a SourceFile,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<(&'a str, &'a str)> {
    match std::str::from_utf8(&file.bytes) {
        Ok(text) => Some((file.path.as_str(), text)),
        Err(err) => {
            let valid = &file.bytes[..err.valid_up_to()];
            let line = 1 + valid.iter().filter(|&&b| b == b'\n').count();
            diagnostics.push(Diagnostic::error(
                &file.path,
                line,
                format!(
                    "file is not valid UTF-8 (invalid byte at offset {}): save it as UTF-8",
                    err.valid_up_to()
                ),
            ));
            None
        }
    }
}

/// Splits every file, keeping the documents that have no errors and unique scenario slugs.
fn split_all<'a>(
    sources: &[(&'a str, &'a str)],
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Document<'a>> {
    let mut slugs: HashMap<String, &str> = HashMap::new();
    let mut documents = Vec::with_capacity(sources.len());
    for &(path, source) in sources {
        let doc = match document::split(path, source) {
            Ok(doc) => doc,
            Err(diagnostic) => {
                diagnostics.push(diagnostic);
                continue;
            }
        };
        if doc.is_scenario {
            if let Some(problem) = scenario_problem(&doc, diagnostics) {
                diagnostics.push(problem);
                continue;
            }
            if let Some(first) = slugs.get(&doc.slug) {
                diagnostics.push(Diagnostic::error(path, doc.title_line, format!("duplicate slug `{}`: `{first}` already uses it; rename the file or set `slug:` in front matter", doc.slug)));
                continue;
            }
            slugs.insert(doc.slug.clone(), path);
        }
        documents.push(doc);
    }
    documents
}

/// An error that keeps a scenario from being served; warnings are pushed directly.
fn scenario_problem(doc: &Document<'_>, diagnostics: &mut Vec<Diagnostic>) -> Option<Diagnostic> {
    if doc
        .section(SectionRole::Prompt)
        .is_none_or(|s| s.events.is_empty())
    {
        return Some(Diagnostic::error(
            doc.path,
            doc.title_line,
            "scenario without a prompt: add a `## The Prompt` section saying what the learner is asked",
        ));
    }
    let gradeable = doc.section(SectionRole::Checklist).is_some()
        || doc.section(SectionRole::StrongAnswer).is_some();
    if !gradeable {
        diagnostics.push(Diagnostic::warning(doc.path, doc.title_line, "scenario has neither a checklist nor a strong answer, so answers cannot be scored: add `## What a Strong Answer Includes` with one bullet per rubric item"));
    }
    None
}

fn url_for(doc: &Document<'_>) -> String {
    if doc.is_scenario {
        format!("/scenarios/{}", doc.slug)
    } else {
        format!("/wiki/{}", doc.path.strip_suffix(".md").unwrap_or(doc.path))
    }
}

/// Resolves a link written on the page at `from` against the known page URLs.
fn resolve(from: &str, dest: &str, urls: &HashMap<&str, String>) -> Href {
    if !markdown::scheme_is_safe(dest) {
        return Href::Unsafe;
    }
    if dest.starts_with(['#', '/']) || dest.contains(':') {
        return Href::Keep;
    }
    let (path, fragment) = match dest.find(['#', '?']) {
        Some(i) => (&dest[..i], &dest[i..]),
        None => (dest, ""),
    };
    if !path.ends_with(".md") {
        return Href::Keep;
    }
    match join(from, path).and_then(|target| urls.get(target.as_str())) {
        Some(url) => Href::Page(format!("{url}{fragment}")),
        None => Href::Missing,
    }
}

/// Joins a relative link to the directory of `from`; `None` if it climbs above the root.
fn join(from: &str, relative: &str) -> Option<String> {
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for part in relative.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            _ => parts.push(part),
        }
    }
    Some(parts.join("/"))
}

/// Renders one document into a page, warning about links to missing pages.
fn render(
    doc: &Document<'_>,
    urls: &HashMap<&str, String>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Page {
    let resolve = |dest: &str| resolve(doc.path, dest, urls);
    for (dest, offset) in links(doc) {
        if resolve(&dest) == Href::Missing {
            diagnostics.push(Diagnostic::warning(doc.path, doc.line_of(offset), format!("link to missing page `{dest}`: write that page or fix the link (it is shown as not written yet)")));
        }
    }
    let render_events = |events: &[Spanned<'_>]| markdown::render(events, &resolve);
    let line_of = |offset: usize| doc.line_of(offset);
    let builder = scenario::Builder {
        render: &render_events,
        line_of: &line_of,
    };
    let mut scenario = doc.is_scenario.then(|| Scenario {
        format: scenario_prefix(&doc.title).unwrap_or("Scenario").to_owned(),
        ..Scenario::default()
    });
    let mut page = Page {
        path: doc.path.to_owned(),
        slug: doc.slug.clone(),
        url: urls[doc.path].clone(),
        title: doc.title.clone(),
        meta: doc.meta.clone(),
        intro_html: render_events(&doc.intro),
        sections: Vec::with_capacity(doc.sections.len()),
        scenario: None,
        related: Vec::new(),
        backlinks: Vec::new(),
        search_text: String::new(),
    };
    let mut ids = HashMap::new();
    for section in &doc.sections {
        if let Some(s) = scenario.as_mut() {
            builder.add(s, section.role, &section.events);
        }
        let html = match section.role {
            SectionRole::WikiNavigation => navigation_html(doc, section, &resolve, &mut page),
            _ => render_events(&section.events),
        };
        let id = unique_id(&mut ids, &section.heading);
        page.sections.push(Section {
            heading: section.heading.clone(),
            id,
            role: section.role,
            html,
            line: section.line,
        });
    }
    if let Some(s) = scenario.as_mut() {
        scenario::dedupe_ids(&mut s.rubric);
    }
    page.search_text = search_text(&page, scenario.as_ref());
    page.scenario = scenario;
    page
}

fn search_text(page: &Page, scenario: Option<&Scenario>) -> String {
    let meta = &page.meta;
    let mut text = format!(
        "{} {} {} {}",
        page.title,
        meta.topics.join(" "),
        meta.tags.join(" "),
        meta.domain.as_deref().unwrap_or("")
    );
    if let Some(s) = scenario {
        for block in [&s.prompt, &s.initial_report].into_iter().flatten() {
            text.push(' ');
            text.push_str(&block.text);
        }
        for item in &s.evidence {
            text.push(' ');
            text.push_str(&item.text);
        }
    }
    text.to_lowercase()
}

/// Fills the page's related links and listed backlinks, and renders whatever else the section
/// holds.
fn navigation_html(
    doc: &Document<'_>,
    section: &RawSection<'_>,
    resolve: &dyn Fn(&str) -> Href,
    page: &mut Page,
) -> String {
    let (before, subs) = subsections(&section.events);
    let mut html = markdown::render(before, resolve);
    for (title, _, events) in subs {
        match title.trim().to_lowercase().as_str() {
            "related content" => page.related.extend(
                list_items(events)
                    .into_iter()
                    .map(|(item, offset)| navigation::related(item, doc.line_of(offset), resolve)),
            ),
            "pages that link here" => page.backlinks.extend(
                list_items(events)
                    .into_iter()
                    .map(|(item, _)| navigation::listed_backlink(item, resolve)),
            ),
            _ => {
                html.push_str("<h3>");
                markdown::escape_into(&mut html, &title);
                html.push_str("</h3>\n");
                html.push_str(&markdown::render(events, resolve));
            }
        }
    }
    html
}

/// Every link destination on the page with its byte offset.
fn links<'d>(doc: &'d Document<'_>) -> impl Iterator<Item = (String, usize)> + 'd {
    let all = doc
        .intro
        .iter()
        .chain(doc.sections.iter().flat_map(|s| s.events.iter()));
    all.filter_map(|(event, range)| match event {
        Event::Start(Tag::Link { dest_url, .. }) => Some((dest_url.to_string(), range.start)),
        _ => None,
    })
}

/// Merges computed backlinks (pages whose links resolve here) into the listed ones.
fn add_backlinks(documents: &[Document<'_>], urls: &HashMap<&str, String>, pages: &mut [Page]) {
    let index: HashMap<&str, usize> = pages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.url.as_str(), i))
        .collect();
    let mut found: Vec<Vec<usize>> = vec![Vec::new(); pages.len()];
    for (from, doc) in documents.iter().enumerate() {
        for (dest, _) in links(doc) {
            if let Href::Page(url) = resolve(doc.path, &dest, urls) {
                let url = url.split('#').next().unwrap_or_default();
                if let Some(&to) = index.get(url) {
                    if to != from && !found[to].contains(&from) {
                        found[to].push(from);
                    }
                }
            }
        }
    }
    for (to, sources) in found.into_iter().enumerate() {
        for from in sources {
            let (title, url) = (pages[from].title.clone(), pages[from].url.clone());
            let known = pages[to]
                .backlinks
                .iter_mut()
                .find(|b| b.url.as_deref() == Some(&url) || b.title.eq_ignore_ascii_case(&title));
            match known {
                Some(listed) => listed.url = Some(url),
                None => pages[to].backlinks.push(Backlink {
                    title,
                    url: Some(url),
                }),
            }
        }
    }
}

/// A heading's anchor id, made unique on the page.
fn unique_id(seen: &mut HashMap<String, usize>, heading: &str) -> String {
    let base = scenario::item_id(heading);
    let n = seen.entry(base.clone()).or_insert(0);
    *n += 1;
    if *n == 1 { base } else { format!("{base}-{n}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_links_are_joined_to_the_page_directory() {
        assert_eq!(
            join("scenarios/a.md", "../topics/gitops.md").as_deref(),
            Some("topics/gitops.md")
        );
        assert_eq!(
            join("scenarios/a.md", "b.md").as_deref(),
            Some("scenarios/b.md")
        );
        assert_eq!(join("a.md", "../../x.md"), None);
    }
}
