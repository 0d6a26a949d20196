//! The whole content tree: every valid page rendered once, indexed by URL and slug, with links
//! resolved, backlinks computed and every problem collected.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use super::diagnostics::{Diagnostic, Summary};
use super::document::{self, scenario_prefix};
use super::gauntlet::{self, Gauntlet};
use super::hidden;
use super::lint;
use super::meta::{Meta, Reader};
use super::navigation::{Backlink, RelatedLink};
use super::render::{Targets, check_scenario, render};
use super::scenario::Scenario;
use super::section::SectionRole;

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
    /// The line of the `# ` title, for diagnostics about the page as a whole.
    pub title_line: usize,
    pub meta: Meta,
    pub intro_html: String,
    pub sections: Vec<Section>,
    pub scenario: Option<Scenario>,
    /// An interview gauntlet's rounds; such a page is neither a scenario nor a wiki page.
    pub gauntlet: Option<Gauntlet>,
    pub related: Vec<RelatedLink>,
    /// Listed and computed, merged, in that order.
    pub backlinks: Vec<Backlink>,
    /// URLs of the pages this page links to.
    pub outgoing: Vec<String>,
    /// Lowercased title, metadata, prompt, report and evidence, for the catalogue search.
    #[serde(skip)]
    pub search_text: String,
    /// What the site search reads of the page: what a reader sees before answering.
    #[serde(skip)]
    pub searchable: super::searchable::Searchable,
    /// This page as a learner and as an interviewer get it, when that differs from the whole
    /// page: links to pages they may not see (hidden pages, drafts) as plain text, related
    /// content and backlinks naming them left out. See [`Page::seen_by`].
    #[serde(skip)]
    pub views: [Option<Box<Page>>; 2],
}

impl Page {
    /// The scenario's investigation path: empty for a page that is not a scenario or has none.
    pub fn steps(&self) -> &[super::investigation::Step] {
        self.scenario.as_ref().map_or(&[], |s| &s.investigation)
    }

    /// The title without a `Scenario:`, `Interview:` or `Interview Gauntlet:` prefix.
    pub fn short_title(&self) -> &str {
        match scenario_prefix(&self.title) {
            Some(prefix) => self.title[prefix.len() + 1..].trim(),
            None if gauntlet::has_prefix(&self.title) => {
                self.title[gauntlet::PREFIX.len()..].trim()
            }
            None => &self.title,
        }
    }

    /// A wiki page's in-page table of contents: its sections but the navigation, when it has
    /// at least [`CONTENTS_FROM`] of them (a runbook of several scenarios, say).
    pub fn table_of_contents(&self) -> Vec<&Section> {
        let listed: Vec<&Section> = self
            .sections
            .iter()
            .filter(|s| s.role != SectionRole::WikiNavigation)
            .collect();
        let wiki = self.scenario.is_none() && self.gauntlet.is_none();
        match wiki && listed.len() >= CONTENTS_FROM {
            true => listed,
            false => Vec::new(),
        }
    }

    /// The page as shown to `reader`. A page that names nothing a learner may not see has no
    /// view of its own for anyone, so a missing learner's view means none is needed.
    pub fn seen_by(&self, reader: Reader) -> &Page {
        let view = match reader {
            Reader::Author => None,
            restricted => self.views[restricted as usize].as_deref(),
        };
        view.unwrap_or(self)
    }
}

/// Wiki pages with this many sections or more get a table of contents.
pub const CONTENTS_FROM: usize = 4;

/// All pages and the problems found loading them.
#[derive(Debug, Default)]
pub struct Site {
    pages: Vec<Page>,
    by_url: HashMap<String, usize>,
    by_slug: HashMap<String, usize>,
    by_gauntlet_slug: HashMap<String, usize>,
    pub diagnostics: Vec<Diagnostic>,
    pub files: usize,
    /// Files left out for errors whose front matter says `hidden: true` or `draft: true`, with
    /// who may see them.
    restricted_broken: HashMap<String, Reader>,
}

impl Site {
    /// Builds the site from files. Never fails: problems become diagnostics and the files with
    /// errors are left out. Each file is parsed, typed and rendered in one go, so its parsed
    /// events are freed before the next file is read; large trees use every core.
    pub fn build(files: &[SourceFile]) -> Self {
        Self::build_with_threads(
            files,
            std::thread::available_parallelism().map_or(1, |n| n.get()),
        )
    }

    /// [`Site::build`] over `(path, markdown)` pairs: content written inline, as tests do.
    pub fn of_texts(files: &[(&str, &str)]) -> Self {
        let files: Vec<SourceFile> = files
            .iter()
            .map(|(path, text)| SourceFile {
                path: (*path).to_owned(),
                bytes: text.as_bytes().to_vec(),
            })
            .collect();
        Self::build(&files)
    }

    /// [`Site::build`] on at most `threads` threads; the result does not depend on the count.
    pub fn build_with_threads(files: &[SourceFile], threads: usize) -> Self {
        let mut targets = Targets {
            paths: files.iter().map(|f| f.path.as_str()).collect(),
            failed: HashSet::new(),
            hidden: HashSet::new(),
        };
        let (built, mut diagnostics) = build_pages(files, &targets, threads);
        let mut pages: Vec<Page> = Vec::with_capacity(files.len());
        let mut slugs: HashMap<String, &str> = HashMap::new();
        for (file, page) in files.iter().zip(built) {
            match page.and_then(|page| unique_slug(page, &file.path, &mut slugs)) {
                Ok(page) => pages.push(page),
                Err(problem) => {
                    diagnostics.push(problem);
                    targets.failed.insert(&file.path);
                }
            }
        }
        relink_failed(files, &targets, &mut pages);
        add_backlinks(&mut pages);
        add_views(files, &mut targets, &mut pages);
        let restricted_broken = files
            .iter()
            .filter(|f| targets.failed.contains(f.path.as_str()))
            .map(|f| (f.path.clone(), hidden::declared_audience(&f.bytes)))
            .filter(|(_, audience)| *audience != Reader::Learner)
            .collect();
        Self {
            restricted_broken,
            ..Self::from_parts(pages, diagnostics, files.len())
        }
    }

    /// A site from its pages, with the indexes built and the diagnostics sorted.
    fn from_parts(pages: Vec<Page>, mut diagnostics: Vec<Diagnostic>, files: usize) -> Self {
        diagnostics.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
        let by_url = pages
            .iter()
            .enumerate()
            .map(|(i, p)| (p.url.clone(), i))
            .collect();
        // Duplicates were left out when building, so every scenario's slug is its own.
        let by_slug = pages
            .iter()
            .enumerate()
            .filter(|(_, p)| p.scenario.is_some())
            .map(|(i, p)| (p.slug.clone(), i))
            .collect();
        let by_gauntlet_slug = pages
            .iter()
            .enumerate()
            .filter(|(_, p)| p.gauntlet.is_some())
            .map(|(i, p)| (p.slug.clone(), i))
            .collect();
        Self {
            pages,
            by_url,
            by_slug,
            by_gauntlet_slug,
            diagnostics,
            files,
            restricted_broken: HashMap::new(),
        }
    }

    /// This site, with the pages of `previous` kept for files that now have errors: while an
    /// author fixes a file, learners go on seeing its last good version.
    pub fn keep_last_good(self, previous: &Site) -> Self {
        let Site {
            mut pages,
            diagnostics,
            files,
            restricted_broken,
            ..
        } = self;
        for diagnostic in diagnostics.iter().filter(|d| d.is_error()) {
            let broken = &diagnostic.path;
            if !pages.iter().any(|p| &p.path == broken)
                && let Some(good) = previous.pages.iter().find(|p| &p.path == broken)
                && !pages.iter().any(|p| p.url == good.url)
            {
                pages.push(good.clone());
            }
        }
        Self {
            restricted_broken,
            ..Self::from_parts(pages, diagnostics, files)
        }
    }

    /// The least trusted reader who may see the file at `path`, or could if it had no errors:
    /// its problems are shown only to them and those above.
    pub fn audience_of(&self, path: &str) -> Reader {
        match self.restricted_broken.get(path) {
            Some(audience) => *audience,
            None => self
                .by_url(&url_for(path))
                .filter(|p| p.path == path)
                .map_or(Reader::Learner, |p| p.meta.audience()),
        }
    }

    /// The problems found in one file.
    pub fn diagnostics_of<'s>(
        &'s self,
        path: &'s str,
    ) -> impl Iterator<Item = &'s Diagnostic> + 's {
        self.diagnostics.iter().filter(move |d| d.path == path)
    }

    pub fn pages(&self) -> &[Page] {
        &self.pages
    }

    pub fn scenarios(&self) -> impl Iterator<Item = &Page> {
        self.pages.iter().filter(|p| p.scenario.is_some())
    }

    /// Pages that are neither scenarios nor gauntlets.
    pub fn wiki_pages(&self) -> impl Iterator<Item = &Page> {
        self.pages
            .iter()
            .filter(|p| p.scenario.is_none() && p.gauntlet.is_none())
    }

    pub fn gauntlets(&self) -> impl Iterator<Item = &Page> {
        self.pages.iter().filter(|p| p.gauntlet.is_some())
    }

    /// A gauntlet by slug (gauntlets have slugs of their own, apart from scenarios'), or by
    /// its path relative to the content folder.
    pub fn gauntlet(&self, slug_or_path: &str) -> Option<&Page> {
        let slug = slug_or_path.trim_start_matches("./");
        self.by_gauntlet_slug
            .get(slug)
            .map(|&i| &self.pages[i])
            .or_else(|| {
                self.gauntlets()
                    .find(|p| p.path == slug || slug.ends_with(&format!("/{}", p.path)))
            })
    }

    pub fn by_url(&self, url: &str) -> Option<&Page> {
        self.by_url.get(url).map(|&i| &self.pages[i])
    }

    /// Gives each scenario the samples of its rubric tests (`x.tests.yaml` beside `x.md`), which
    /// the grader learns from. A file that cannot be read teaches nothing (`check` says why).
    pub fn attach_samples(&mut self, tests: &[SourceFile]) {
        for file in tests {
            let Some(stem) = file.path.strip_suffix(".tests.yaml") else {
                continue;
            };
            let path = format!("{stem}.md");
            let scenario = self
                .pages
                .iter_mut()
                .find(|p| p.path == path)
                .and_then(|p| p.scenario.as_mut());
            if let Some(scenario) = scenario {
                scenario.samples = crate::grading::samples::read(&file.bytes);
            }
        }
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

/// A page's URL: its path in the content folder without `.md`.
pub fn url_for(path: &str) -> String {
    format!("/{}", path.strip_suffix(".md").unwrap_or(path))
}

/// The top-level names the portal's own routes use (`reserved.txt`): a page at `/name` or under
/// `/name/` could never be reached.
pub fn reserved_names() -> impl Iterator<Item = &'static str> {
    include_str!("reserved.txt")
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
}

fn build_page(
    file: &SourceFile,
    targets: &Targets<'_>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<Page, Diagnostic> {
    let source = decode(file)?;
    let doc = document::split(&file.path, source)?;
    let url = url_for(doc.path);
    let top = url
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or_default();
    if let Some(reserved) = reserved_names().find(|name| *name == top) {
        return Err(Diagnostic::error(
            doc.path,
            1,
            format!(
                "`/{reserved}` is reserved for the portal: move this file to another folder or rename it"
            ),
        ));
    }
    // A comment Markdown does not see as one may hide sections: report it before anything else.
    let mut broken_comments = lint::comments(&doc).into_iter();
    if let Some(first) = broken_comments.next() {
        diagnostics.extend(broken_comments);
        return Err(first);
    }
    if doc.is_scenario {
        check_scenario(&doc, diagnostics)?;
    }
    render(&doc, targets, diagnostics)
}

/// The largest content file accepted: ten times the longest bundled page is about 200 KiB; a
/// file past this is almost certainly not a hand-written page.
pub const MAX_FILE_BYTES: usize = 1024 * 1024;

fn decode(file: &SourceFile) -> Result<&str, Diagnostic> {
    if file.bytes.len() > MAX_FILE_BYTES {
        let message = format!(
            "file is {} KiB, over the {} KiB limit for a page: split it into several pages",
            file.bytes.len() / 1024,
            MAX_FILE_BYTES / 1024
        );
        return Err(Diagnostic::error(&file.path, 1, message));
    }
    // Editors on Windows may start a file with a byte-order mark; it is not part of the text.
    let bytes = file
        .bytes
        .strip_prefix(b"\xef\xbb\xbf")
        .unwrap_or(&file.bytes);
    std::str::from_utf8(bytes).map_err(|err| {
        let valid = &bytes[..err.valid_up_to()];
        let line = 1 + valid.iter().filter(|&&b| b == b'\n').count();
        let offset = err.valid_up_to() + (file.bytes.len() - bytes.len());
        let message =
            format!("file is not valid UTF-8 (invalid byte at offset {offset}): save it as UTF-8");
        Diagnostic::error(&file.path, line, message)
    })
}

/// Builds every file's page, in file order, on as many threads as there are cores.
fn build_pages(
    files: &[SourceFile],
    targets: &Targets<'_>,
    threads: usize,
) -> (Vec<Result<Page, Diagnostic>>, Vec<Diagnostic>) {
    let build_all = |chunk: &[SourceFile]| {
        let mut diagnostics = Vec::new();
        let pages: Vec<_> = chunk
            .iter()
            .map(|f| build_page(f, targets, &mut diagnostics))
            .collect();
        (pages, diagnostics)
    };
    // Below a few hundred files a thread costs more than it saves.
    if threads <= 1 || files.len() < 256 {
        return build_all(files);
    }
    std::thread::scope(|scope| {
        let chunks: Vec<_> = files
            .chunks(files.len().div_ceil(threads))
            .map(|chunk| scope.spawn(move || build_all(chunk)))
            .collect();
        let (mut pages, mut diagnostics) = (Vec::with_capacity(files.len()), Vec::new());
        for chunk in chunks {
            let (p, d) = chunk
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            pages.extend(p);
            diagnostics.extend(d);
        }
        (pages, diagnostics)
    })
}

/// Keeps the first scenario with a slug, and the first gauntlet; a later one is an error.
fn unique_slug<'f>(
    page: Page,
    path: &'f str,
    slugs: &mut HashMap<String, &'f str>,
) -> Result<Page, Diagnostic> {
    // Gauntlets have slugs of their own: the key tells them apart from scenarios'.
    let key = match (&page.scenario, &page.gauntlet) {
        (Some(_), _) => page.slug.clone(),
        (None, Some(_)) => format!("gauntlet/{}", page.slug),
        (None, None) => return Ok(page),
    };
    if let Some(first) = slugs.get(&key) {
        let message = format!(
            "duplicate slug `{}`: `{first}` already uses it; rename the file or set `slug:` in front matter",
            page.slug
        );
        return Err(Diagnostic::error(path, page.title_line, message));
    }
    slugs.insert(key, path);
    Ok(page)
}

/// Pages rendered before a file they link to turned out broken are rendered again, so those
/// links show as not written yet. Rare, so the simple way is fine.
fn relink_failed(files: &[SourceFile], targets: &Targets<'_>, pages: &mut [Page]) {
    if targets.failed.is_empty() {
        return;
    }
    let failed: HashSet<String> = targets.failed.iter().map(|p| url_for(p)).collect();
    for page in pages
        .iter_mut()
        .filter(|p| p.outgoing.iter().any(|u| failed.contains(u)))
    {
        let file = files.iter().find(|f| f.path == page.path);
        // Its diagnostics were reported the first time round.
        if let Some(Ok(again)) = file.map(|f| build_page(f, targets, &mut Vec::new())) {
            *page = again;
        }
    }
}

/// Gives the pages that link to or name pages a learner or an interviewer may not see that
/// reader's view (see [`hidden::add_views`]), rendering those with links again as
/// `relink_failed` does.
fn add_views<'a>(files: &'a [SourceFile], targets: &mut Targets<'a>, pages: &mut [Page]) {
    for reader in Reader::RESTRICTED {
        let hidden: HashSet<&str> = pages
            .iter()
            .filter(|p| !reader.sees(&p.meta))
            .map(|p| p.path.as_str())
            .collect();
        targets.hidden = files
            .iter()
            .map(|f| f.path.as_str())
            .filter(|path| hidden.contains(path))
            .collect();
        if targets.hidden.is_empty() {
            continue;
        }
        let targets = &*targets;
        hidden::add_views(pages, reader, |page| {
            let file = files.iter().find(|f| f.path == page.path)?;
            // Its diagnostics were reported the first time round.
            build_page(file, targets, &mut Vec::new()).ok()
        });
    }
    targets.hidden.clear();
}

/// Merges computed backlinks (pages whose links resolve here) into the listed ones.
fn add_backlinks(pages: &mut [Page]) {
    let index: HashMap<&str, usize> = pages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.url.as_str(), i))
        .collect();
    let mut found: Vec<Vec<usize>> = vec![Vec::new(); pages.len()];
    for (from, page) in pages.iter().enumerate() {
        for url in &page.outgoing {
            if let Some(&to) = index.get(url.as_str())
                && to != from
                && !found[to].contains(&from)
            {
                found[to].push(from);
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
