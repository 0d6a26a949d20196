//! One document made into a page: its sections rendered and sanitized, its scenario or gauntlet
//! typed, its links resolved against the content tree, its problems collected.

use std::collections::HashSet;

use pulldown_cmark::{Event, Tag};

use super::diagnostics::Diagnostic;
use super::document::{Document, RawSection, scenario_prefix};
use super::gauntlet::{self, Gauntlet};
use super::lint;
use super::markdown::{self, Href, Spanned};
use super::navigation;
use super::scenario::{self, Scenario, ScenarioKind};
use super::searchable;
use super::section::{SectionRole, list_items, subsections};
use super::site::{Page, Section, url_for};

/// The pages links can point to: every Markdown file given, less those found broken; and when
/// rendering a reader's view, the pages they may not see, which a link may not lead to.
pub(super) struct Targets<'a> {
    pub(super) paths: HashSet<&'a str>,
    pub(super) failed: HashSet<&'a str>,
    pub(super) hidden: HashSet<&'a str>,
}

impl Targets<'_> {
    pub(super) fn url(&self, path: &str) -> Option<String> {
        (self.paths.contains(path) && !self.failed.contains(path)).then(|| url_for(path))
    }
}

/// Errors that keep a scenario from being served; warnings are pushed.
pub(super) fn check_scenario(
    doc: &Document<'_>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<(), Diagnostic> {
    let walkthrough = super::walkthrough::is_walkthrough(doc);
    if doc
        .section(SectionRole::Prompt)
        .is_none_or(|s| s.events.is_empty())
    {
        let message = match walkthrough {
            true => {
                "walkthrough without a situation: add a `## Situation` section saying what the learner faces"
            }
            false => {
                "scenario without a prompt: add a `## The Prompt` section saying what the learner is asked"
            }
        };
        return Err(Diagnostic::error(doc.path, doc.title_line, message));
    }
    // A walkthrough's items are derived from its root cause, fix and steps.
    let gradeable = walkthrough
        || [
            SectionRole::Checklist,
            SectionRole::StrongAnswer,
            SectionRole::KeyConcepts,
        ]
        .into_iter()
        .any(|role| doc.section(role).is_some());
    if !gradeable {
        diagnostics.push(Diagnostic::warning(doc.path, doc.title_line, "scenario has no checklist, strong answer or key concepts, so answers cannot be scored: add `## What a Strong Answer Includes` with one bullet per rubric item"));
    }
    Ok(())
}

/// Resolves a link written on the page at `from`.
fn resolve(from: &str, dest: &str, targets: &Targets<'_>) -> Href {
    if !markdown::scheme_is_safe(dest) {
        return Href::Unsafe;
    }
    let (path, fragment) = match dest.find(['#', '?']) {
        Some(i) => (&dest[..i], &dest[i..]),
        None => (dest, ""),
    };
    if let Some(site_path) = path.strip_prefix('/') {
        // `//host/...` is another site.
        return match site_path.starts_with('/') {
            true => Href::Keep,
            false => absolute(site_path, dest, targets),
        };
    }
    if dest.starts_with('#') || dest.contains(':') {
        return Href::Keep;
    }
    if !path.ends_with(".md") {
        return Href::Keep;
    }
    let target = join(from, path);
    if target
        .as_deref()
        .is_some_and(|t| targets.hidden.contains(t))
    {
        return Href::Hidden;
    }
    match target.and_then(|target| targets.url(&target)) {
        Some(url) => Href::Page(url + fragment),
        None => Href::Missing,
    }
}

/// A link written as an address on this site (`/scenarios/x`, `/scenarios/x.md`), kept as
/// written: a page's when one is there (so it counts as linking to it), hidden from a learner's
/// view when that page is hidden, otherwise not checked.
fn absolute(site_path: &str, dest: &str, targets: &Targets<'_>) -> Href {
    let file = format!("{}.md", site_path.strip_suffix(".md").unwrap_or(site_path));
    if targets.hidden.contains(file.as_str()) {
        Href::Hidden
    } else if targets.url(&file).is_some() {
        Href::Page(dest.to_owned())
    } else {
        Href::Keep
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
pub(super) fn render(
    doc: &Document<'_>,
    targets: &Targets<'_>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<Page, Diagnostic> {
    // Resolve each link once; rendering, navigation and backlinks all ask again.
    let mut resolved: Vec<(&str, Href)> = Vec::new();
    let mut outgoing = Vec::new();
    for (dest, offset) in links(doc) {
        let href = resolve(doc.path, dest, targets);
        match &href {
            Href::Missing => diagnostics.push(Diagnostic::warning(doc.path, doc.line_of(offset), format!("link to missing page `{dest}`: write that page or fix the link (it is shown as not written yet)"))),
            Href::Page(url) => outgoing.push(url.split(['#', '?']).next().unwrap_or_default().to_owned()),
            _ => {}
        }
        resolved.push((dest, href));
    }
    let resolve = |dest: &str| match resolved.iter().find(|(d, _)| *d == dest) {
        Some((_, href)) => href.clone(),
        None => resolve(doc.path, dest, targets),
    };
    let render_events = |events: &[Spanned<'_>]| markdown::render(events, &resolve);
    let line_of = |offset: usize| doc.line_of(offset);
    let builder = scenario::Builder {
        render: &render_events,
        line_of: &line_of,
    };
    let mut scenario = doc.is_scenario.then(|| Scenario {
        format: scenario_prefix(&doc.title).unwrap_or("Scenario").to_owned(),
        kind: match super::walkthrough::is_walkthrough(doc) {
            true => ScenarioKind::Walkthrough,
            false => ScenarioKind::Interview,
        },
        ..Scenario::default()
    });
    let mut gauntlet = doc.is_gauntlet.then(|| Gauntlet {
        header: gauntlet::header(doc.intro()),
        ..Gauntlet::default()
    });
    let mut page = Page {
        path: doc.path.to_owned(),
        slug: doc.slug.clone(),
        url: url_for(doc.path),
        title_line: doc.title_line,
        title: doc.title.clone(),
        meta: doc.meta.clone(),
        intro_html: render_events(doc.intro()),
        sections: Vec::with_capacity(doc.sections().len()),
        scenario: None,
        gauntlet: None,
        related: Vec::new(),
        backlinks: Vec::new(),
        outgoing,
        search_text: String::new(),
        searchable: Default::default(),
        views: Default::default(),
    };
    if !doc.is_gauntlet {
        page.searchable.add(None, doc.intro());
    }
    for section in doc.sections() {
        if searchable::readable(doc.is_scenario, doc.is_gauntlet, section.role) {
            page.searchable.add(Some(section.heading), section.events);
        }
        let html = match section.role {
            SectionRole::WikiNavigation => navigation_html(doc, &section, &resolve, &mut page),
            // Recognised steps are shown from the typed model, so the raw block is not rendered.
            SectionRole::InvestigationPath if scenario.is_some() => {
                let s = scenario.as_mut().expect("checked above");
                builder.add(
                    s,
                    section.role,
                    section.events,
                    &mut markdown::Rendered::default(),
                );
                if s.investigation.is_empty() {
                    render_events(section.events)
                } else {
                    String::new()
                }
            }
            role => {
                let mut rendered = markdown::render_with_items(section.events, &resolve);
                if let Some(s) = scenario.as_mut() {
                    builder.add(s, role, section.events, &mut rendered);
                }
                if let Some(g) = gauntlet.as_mut()
                    && role == SectionRole::Round
                {
                    g.add_round(&section, &builder);
                }
                rendered.html
            }
        };
        let id = unique_id(&page.sections, section.heading);
        page.sections.push(Section {
            heading: section.heading.to_owned(),
            id,
            role: section.role,
            html,
            line: section.line,
        });
    }
    let mut problems = lint::related(doc.path, &page.related);
    problems.extend(lint::stub_text(doc));
    problems.extend(lint::draft(doc));
    if let Some(s) = scenario.as_mut() {
        if s.kind == ScenarioKind::Walkthrough {
            problems.extend(lint::walkthrough(doc.path, doc.title_line, s));
            if s.rubric.is_empty() {
                s.rubric = super::derive::walkthrough(s);
            }
        }
        problems.extend(lint::scenario(doc.path, s, &page.sections));
        scenario::dedupe_ids(&mut s.rubric);
    }
    if let Some(g) = &gauntlet {
        problems.extend(lint::gauntlet(doc.path, doc.title_line, g));
    }
    page.search_text = search_text(&page, scenario.as_ref(), gauntlet.as_ref());
    page.scenario = scenario;
    page.gauntlet = gauntlet;
    // Errors keep the page from being served; the first is the caller's to report.
    let mut first_error = None;
    for problem in problems {
        if problem.is_error() && first_error.is_none() {
            first_error = Some(problem);
        } else {
            diagnostics.push(problem);
        }
    }
    first_error.map_or(Ok(page), Err)
}

/// What the catalogue searches: a gauntlet's category, but none of its rounds, whose questions
/// come one at a time.
fn search_text(page: &Page, scenario: Option<&Scenario>, gauntlet: Option<&Gauntlet>) -> String {
    let meta = &page.meta;
    let mut parts: Vec<&str> = vec![&page.title, meta.domain.as_deref().unwrap_or("")];
    parts.extend(gauntlet.and_then(|g| g.header.category.as_deref()));
    parts.extend(meta.topics.iter().chain(&meta.tags).map(String::as_str));
    if let Some(s) = scenario {
        parts.extend(
            [&s.prompt, &s.initial_report]
                .into_iter()
                .flatten()
                .map(|b| b.text.as_str()),
        );
        parts.extend(s.evidence.iter().map(|i| i.text.as_str()));
    }
    parts.join(" ").to_lowercase()
}

/// Fills the page's related links and listed backlinks, and renders whatever else the section
/// holds.
fn navigation_html(
    doc: &Document<'_>,
    section: &RawSection<'_, '_>,
    resolve: &dyn Fn(&str) -> Href,
    page: &mut Page,
) -> String {
    let (before, subs) = subsections(section.events);
    let mut html = markdown::render(before, resolve);
    for (title, _, events) in subs {
        match title.trim().to_lowercase().as_str() {
            "related content" => page
                .related
                .extend(list_items(events).into_iter().filter_map(|(item, offset)| {
                    navigation::related(item, doc.line_of(offset), resolve)
                })),
            "pages that link here" => page.backlinks.extend(
                list_items(events)
                    .into_iter()
                    .filter_map(|(item, _)| navigation::listed_backlink(item, resolve)),
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
fn links<'d>(doc: &'d Document<'_>) -> impl Iterator<Item = (&'d str, usize)> + 'd {
    doc.body_events()
        .iter()
        .filter_map(|(event, range)| match event {
            Event::Start(Tag::Link { dest_url, .. }) => Some((dest_url.as_ref(), range.start)),
            _ => None,
        })
}

/// A heading's anchor id, made unique on the page (`-2`, `-3`... for repeats).
fn unique_id(taken: &[Section], heading: &str) -> String {
    let base = scenario::item_id(heading);
    let mut id = base.clone();
    let mut n = 1;
    while taken.iter().any(|s| s.id == id) {
        n += 1;
        id = format!("{base}-{n}");
    }
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_on_this_site_are_kept_as_written_and_count_as_links_to_their_page() {
        let targets = Targets {
            paths: HashSet::from(["a/b.md", "a/secret.md"]),
            failed: HashSet::new(),
            hidden: HashSet::from(["a/secret.md"]),
        };
        let href = |dest| resolve("x/y.md", dest, &targets);
        assert_eq!(href("/a/b#c"), Href::Page("/a/b#c".into()));
        assert_eq!(href("/a/b.md?x"), Href::Page("/a/b.md?x".into()));
        assert_eq!(href("/a/secret"), Href::Hidden);
        assert_eq!(href("/a/none"), Href::Keep);
        assert_eq!(href("//evil.example/a/b.md"), Href::Keep);
        assert_eq!(href("#top"), Href::Keep);
    }

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
