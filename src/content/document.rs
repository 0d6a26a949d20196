//! First pass over one file: front matter, breadcrumb, title and `##` sections, still as parsed
//! events. Nothing here needs the rest of the content tree.

use pulldown_cmark::{Event, HeadingLevel, Tag, TagEnd};

use super::diagnostics::{Diagnostic, LineIndex};
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
    /// Everything between the title and the first `##` heading.
    pub intro: Vec<Spanned<'a>>,
    pub sections: Vec<RawSection<'a>>,
    pub lines: LineIndex,
    /// Where the Markdown starts after any front matter; event ranges are relative to it.
    pub body_start: usize,
}

/// A `##` section: its heading and the events up to the next `##` (or `#`).
#[derive(Debug)]
pub struct RawSection<'a> {
    pub heading: String,
    pub role: SectionRole,
    pub line: usize,
    pub events: Vec<Spanned<'a>>,
}

impl Document<'_> {
    /// The 1-based line of a byte offset in the Markdown body.
    pub fn line_of(&self, body_offset: usize) -> usize {
        self.lines.line(self.body_start + body_offset)
    }

    pub fn section(&self, role: SectionRole) -> Option<&RawSection<'_>> {
        self.sections.iter().find(|s| s.role == role)
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
    let heading_title = markdown::plain_text(&events[title_at + 1..title_end]);
    let title = front.title.take().unwrap_or(heading_title);
    let title_line = line_of(events[title_at].1.start);
    if title.trim().is_empty() {
        return Err(Diagnostic::error(
            path,
            title_line,
            "empty title: write the page's title after `# `",
        ));
    }

    let mut meta = breadcrumb
        .and_then(|b| Meta::from_breadcrumb(&markdown::plain_text(&events[b])))
        .unwrap_or_default();
    meta.apply(&mut front);
    let is_scenario = match front.kind {
        Some(kind) => kind == KindOverride::Scenario,
        None => scenario_prefix(&title).is_some(),
    };
    let slug = slug_for(path, front.slug.take())?;
    let (intro, sections) = split_sections(events.into_iter().skip(title_end + 1), &line_of);
    Ok(Document {
        path,
        title,
        title_line,
        slug,
        meta,
        is_scenario,
        intro,
        sections,
        lines,
        body_start,
    })
}

/// `Scenario` or `Interview` when the title starts with that prefix.
pub fn scenario_prefix(title: &str) -> Option<&'static str> {
    ["Scenario", "Interview"].into_iter().find(|p| {
        title.len() > p.len()
            && title[..p.len()].eq_ignore_ascii_case(p)
            && title[p.len()..].starts_with(':')
    })
}

fn front_matter<'a>(
    path: &str,
    source: &'a str,
) -> Result<(Option<FrontMatter>, usize), Diagnostic> {
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
        Err(()) => Err(Diagnostic::error(
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

/// Splits the events after the title at each `##` heading (a later `#` also starts a section).
fn split_sections<'a>(
    events: impl Iterator<Item = Spanned<'a>>,
    line_of: &dyn Fn(usize) -> usize,
) -> (Vec<Spanned<'a>>, Vec<RawSection<'a>>) {
    let mut intro = Vec::new();
    let mut sections: Vec<RawSection<'a>> = Vec::new();
    let mut heading: Option<(usize, Vec<Spanned<'a>>)> = None;
    for (event, range) in events {
        match &event {
            Event::Start(Tag::Heading {
                level: HeadingLevel::H1 | HeadingLevel::H2,
                ..
            }) => {
                heading = Some((line_of(range.start), Vec::new()));
            }
            Event::End(TagEnd::Heading(HeadingLevel::H1 | HeadingLevel::H2))
                if heading.is_some() =>
            {
                let (line, inner) = heading.take().unwrap_or_default();
                let text = markdown::plain_text(&inner);
                sections.push(RawSection {
                    role: SectionRole::from_heading(&text),
                    heading: text,
                    line,
                    events: Vec::new(),
                });
            }
            _ => match (&mut heading, sections.last_mut()) {
                (Some((_, inner)), _) => inner.push((event, range)),
                (None, Some(section)) => section.events.push((event, range)),
                (None, None) => intro.push((event, range)),
            },
        }
    }
    (intro, sections)
}
