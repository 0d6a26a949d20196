//! First pass over one file: front matter, breadcrumb, title and `##` sections, still as parsed
//! events. Nothing here needs the rest of the content tree.

use std::ops::Range;

use pulldown_cmark::{Event, HeadingLevel, Tag, TagEnd};

use super::diagnostics::{Diagnostic, LineIndex};
use super::gauntlet;
use super::markdown::{self, Spanned};
use super::meta::{self, FrontMatter, KindOverride, Meta};
use super::section::SectionRole;

/// One file, split into its parts.
#[derive(Debug)]
pub struct Document<'a> {
    pub path: &'a str,
    pub title: String,
    pub title_line: usize,
    pub slug: String,
    pub meta: Meta,
    pub is_scenario: bool,
    /// An interview gauntlet (`# Interview Gauntlet: Title`): a page kind of its own.
    pub is_gauntlet: bool,
    /// Every event of the body; the intro and sections are ranges of it.
    events: Vec<Spanned<'a>>,
    intro: Range<usize>,
    spans: Vec<SectionSpan>,
    pub lines: LineIndex,
    /// Where the Markdown starts after any front matter; event ranges are relative to it.
    pub body_start: usize,
    /// The Markdown after any front matter, which event ranges point into.
    pub body: &'a str,
    /// The line of front matter's `draft: true`, when the page is a draft.
    pub draft_line: Option<usize>,
}

/// Where a `##` section is: its heading and the range of events up to the next `##` (or `#`).
#[derive(Debug)]
struct SectionSpan {
    heading: String,
    role: SectionRole,
    line: usize,
    events: Range<usize>,
}

/// A view of one section of a document.
#[derive(Debug, Clone, Copy)]
pub struct RawSection<'d, 'a> {
    pub heading: &'d str,
    pub role: SectionRole,
    pub line: usize,
    pub events: &'d [Spanned<'a>],
}

impl<'a> Document<'a> {
    /// The 1-based line of a byte offset in the Markdown body.
    pub fn line_of(&self, body_offset: usize) -> usize {
        self.lines.line(self.body_start + body_offset)
    }

    /// Everything between the title and the first `##` heading.
    pub fn intro(&self) -> &[Spanned<'a>] {
        &self.events[self.intro.clone()]
    }

    pub fn sections(&self) -> impl ExactSizeIterator<Item = RawSection<'_, 'a>> {
        self.spans.iter().map(|span| RawSection {
            heading: &span.heading,
            role: span.role,
            line: span.line,
            events: &self.events[span.events.clone()],
        })
    }

    pub fn section(&self, role: SectionRole) -> Option<RawSection<'_, 'a>> {
        self.sections().find(|s| s.role == role)
    }

    /// Every event after the title.
    pub fn body_events(&self) -> &[Spanned<'a>] {
        &self.events[self.intro.start..]
    }

    /// Every event, those above the title too.
    pub fn events(&self) -> &[Spanned<'a>] {
        &self.events
    }
}

/// Splits a file into a document, or returns the problem that makes it unusable.
pub fn split<'a>(path: &'a str, source: &'a str) -> Result<Document<'a>, Diagnostic> {
    let lines = LineIndex::new(source);
    let (front, body_start) = front_matter(path, source)?;
    let mut front = front.unwrap_or_default();
    let body = &source[body_start..];
    let events = markdown::parse(body);
    let line_of = |offset: usize| lines.line(body_start + offset);

    let (breadcrumb, title_at) = find_title(&events);
    let Some(title_at) = title_at else {
        let line = line_of(events.first().map_or(0, |(_, r)| r.start));
        return Err(Diagnostic::error(
            path,
            line,
            "missing title: add a `# Title` heading (a `Scenario:` or `Interview:` prefix makes the page a scenario)",
        ));
    };
    let title_end = title_at
        + events[title_at..]
            .iter()
            .position(|(e, _)| matches!(e, Event::End(TagEnd::Heading(_))))
            .unwrap_or(0);
    // Trimmed: a comment after the words leaves a space.
    let heading_title = markdown::plain_text(&events[title_at + 1..title_end])
        .trim()
        .to_owned();
    let title = front.title.take().unwrap_or(heading_title);
    let title_line = line_of(events[title_at].1.start);
    if title.trim().is_empty() {
        return Err(Diagnostic::error(
            path,
            title_line,
            "empty title: write the page's title after `# `",
        ));
    }

    let (is_scenario, is_gauntlet) = match front.kind {
        Some(kind) => (
            kind == KindOverride::Scenario,
            kind == KindOverride::Gauntlet,
        ),
        None => (
            scenario_prefix(&title).is_some(),
            gauntlet::has_prefix(&title),
        ),
    };
    let (intro, spans) = split_sections(&events, title_end + 1, &line_of);
    let mut meta = breadcrumb
        .and_then(|b| Meta::from_breadcrumb(&markdown::plain_text(&events[b])))
        .unwrap_or_default();
    if is_gauntlet {
        meta.fill_from(gauntlet::header(&events[intro.clone()]).meta());
    }
    meta.apply(&mut front);
    let draft_line = meta
        .draft
        .then(|| key_line(&source[..body_start], "draft:").map_or(1, |at| lines.line(at)));
    let slug = slug_for(path, front.slug.take())?;
    Ok(Document {
        path,
        title,
        title_line,
        slug,
        meta,
        is_scenario,
        is_gauntlet,
        events,
        intro,
        spans,
        lines,
        body_start,
        body,
        draft_line,
    })
}

/// The byte offset of the first line of `front` (the front matter) that sets `key`.
fn key_line(front: &str, key: &str) -> Option<usize> {
    let mut offset = 0;
    for line in front.split_inclusive('\n') {
        if line.starts_with(key) {
            return Some(offset);
        }
        offset += line.len();
    }
    None
}

/// `Scenario` or `Interview` when the title starts with that prefix.
pub fn scenario_prefix(title: &str) -> Option<&'static str> {
    ["Scenario", "Interview"].into_iter().find(|p| {
        title.len() > p.len()
            && title[..p.len()].eq_ignore_ascii_case(p)
            && title[p.len()..].starts_with(':')
    })
}

fn front_matter(path: &str, source: &str) -> Result<(Option<FrontMatter>, usize), Diagnostic> {
    match meta::split_front_matter(source) {
        Ok(None) => Ok((None, 0)),
        Ok(Some(raw)) => match meta::parse_front_matter(raw.yaml) {
            Ok(front) => Ok((Some(front), raw.body_start)),
            // The YAML starts on line 2, after the opening `---`.
            Err((line, message)) => Err(Diagnostic::error(
                path,
                line + 1,
                format!("invalid front matter: {message}"),
            )),
        },
        Err(meta::UnclosedFrontMatter) => Err(Diagnostic::error(
            path,
            1,
            "front matter is not closed: end it with a line `---`",
        )),
    }
}

/// The range of a breadcrumb paragraph before the title (if any) and the index of the first `#`.
fn find_title(events: &[Spanned<'_>]) -> (Option<std::ops::Range<usize>>, Option<usize>) {
    let mut breadcrumb = None;
    for (i, (event, _)) in events.iter().enumerate() {
        match event {
            Event::Start(Tag::Heading {
                level: HeadingLevel::H1,
                ..
            }) => return (breadcrumb, Some(i)),
            Event::Start(Tag::Paragraph) if breadcrumb.is_none() => {
                let end = events[i..]
                    .iter()
                    .position(|(e, _)| matches!(e, Event::End(TagEnd::Paragraph)))
                    .map_or(events.len(), |p| i + p);
                breadcrumb = Some(i + 1..end);
            }
            _ => {}
        }
    }
    (breadcrumb, None)
}

/// The slug: front matter's `slug`, or the file name without `.md`.
fn slug_for(path: &str, front: Option<String>) -> Result<String, Diagnostic> {
    match front {
        Some(slug) if is_valid_slug(&slug) => Ok(slug),
        Some(slug) => Err(Diagnostic::error(
            path,
            1,
            format!("invalid slug `{slug}`: use lowercase letters, digits and `-`"),
        )),
        None => {
            let name = path.rsplit('/').next().unwrap_or(path);
            Ok(name.strip_suffix(".md").unwrap_or(name).to_owned())
        }
    }
}

pub fn is_valid_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Splits the events from `start` at each `##` heading (a later `#` also starts a section):
/// the intro's range and each section's.
fn split_sections(
    events: &[Spanned<'_>],
    start: usize,
    line_of: &dyn Fn(usize) -> usize,
) -> (Range<usize>, Vec<SectionSpan>) {
    let mut spans: Vec<SectionSpan> = Vec::new();
    let mut intro_end = events.len();
    let mut i = start;
    while i < events.len() {
        if let Event::Start(Tag::Heading {
            level: HeadingLevel::H1 | HeadingLevel::H2,
            ..
        }) = events[i].0
        {
            let close = events[i..]
                .iter()
                .position(|(e, _)| matches!(e, Event::End(TagEnd::Heading(_))))
                .map_or(events.len() - 1, |p| i + p);
            let heading = markdown::plain_text(&events[i + 1..close])
                .trim()
                .to_owned();
            if let Some(last) = spans.last_mut() {
                last.events.end = i;
            } else {
                intro_end = i;
            }
            let line = line_of(events[i].1.start);
            spans.push(SectionSpan {
                role: SectionRole::from_heading(&heading),
                heading,
                line,
                events: close + 1..events.len(),
            });
            i = close;
        }
        i += 1;
    }
    (start..intro_end.max(start), spans)
}
