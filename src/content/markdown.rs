//! The one place that parses and renders Markdown: parser options, link rewriting and
//! sanitization. Raw HTML never reaches a browser: comments are dropped (authors use them for
//! guidance and annotations), whatever their shape, and any other HTML is shown as text. Only
//! `http`, `https` and `mailto` links, and relative ones, survive.

use std::fmt::Write;
use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, Options, Parser, Tag, TagEnd, html};

/// One parsed event with the byte range of the source it came from.
pub type Spanned<'a> = (Event<'a>, Range<usize>);

/// The parser options used everywhere, so checks, rendering and benchmarks agree.
/// Heading attributes stay off: they would let authors put arbitrary attributes on headings.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES
}

/// Parses `source` into events with their byte ranges.
pub fn parse(source: &str) -> Vec<Spanned<'_>> {
    // Typical pages have one event per 10 to 20 bytes; reserving avoids regrowing the vector.
    let mut events = Vec::with_capacity(source.len() / 12);
    events.extend(Parser::new_ext(source, options()).into_offset_iter());
    events
}

/// Where a link should go once the whole content tree is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Href {
    /// Leave the destination as written (external or in-page link).
    Keep,
    /// A page of the site, at this URL.
    Page(String),
    /// A relative link to a page that does not exist (yet).
    Missing,
    /// A scheme that could run code (`javascript:`, `data:`...): the link is removed.
    Unsafe,
    /// A page the reader may not see (a hidden scenario): its text is kept, the link removed.
    Hidden,
}

/// Classifies a destination by its scheme; relative destinations are `Keep` here and resolved by
/// the caller.
pub fn scheme_is_safe(dest: &str) -> bool {
    // Browsers ignore whitespace and control characters inside a scheme (`java\tscript:`).
    let mut scheme = dest
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control());
    let mut len = 0;
    let mut buf = [0u8; 8];
    for c in scheme.by_ref() {
        match c {
            ':' => return len > 0 && matches!(&buf[..len], b"http" | b"https" | b"mailto"),
            '/' | '?' | '#' => return true,
            _ if len < buf.len() && c.is_ascii() => {
                buf[len] = c.to_ascii_lowercase() as u8;
                len += 1;
            }
            // Too long or not ASCII: not one of the allowed schemes, but still safe if no
            // colon follows before a path character.
            _ => len = buf.len() + 1,
        }
        if len > buf.len() {
            return scheme.find(|&c| matches!(c, ':' | '/' | '?' | '#')) != Some(':');
        }
    }
    true
}

/// Raw HTML with its comments taken out.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct WithoutComments {
    /// What is left, to be shown as text.
    pub rest: String,
    /// Where a `<!--` that is never closed starts, as a byte offset into the HTML; the rest
    /// from there is in `rest`.
    pub unclosed: Option<usize>,
}

/// Takes the comments out of raw HTML: each runs from `<!--` to the next `-->` (`<!-->` and
/// `<!--->` are empty comments, as in HTML).
pub fn without_comments(html: &str) -> WithoutComments {
    let mut out = WithoutComments::default();
    let mut at = 0;
    while let Some(open) = html[at..].find("<!--").map(|i| at + i) {
        out.rest.push_str(&html[at..open]);
        let inside = &html[open + 4..];
        let close = match inside {
            _ if inside.starts_with('>') => Some(1),
            _ if inside.starts_with("->") => Some(2),
            _ => inside.find("-->").map(|end| end + 3),
        };
        let Some(close) = close else {
            out.unclosed = Some(open);
            break;
        };
        at = open + 4 + close;
    }
    let tail = out.unclosed.unwrap_or(at);
    out.rest.push_str(&html[tail..]);
    out
}

/// Whether `html` is nothing but closed HTML comments (possibly several, with whitespace
/// between).
pub fn is_comment(html: &str) -> bool {
    let stripped = without_comments(html);
    stripped.unclosed.is_none() && stripped.rest.trim().is_empty() && html.contains("<!--")
}

/// Each piece of raw HTML in some events with the byte range of its source: an inline tag or
/// comment, or an HTML block, whose lines the parser gives one by one, joined (with any
/// indentation before its first line).
pub fn raw_html<'e>(
    events: &'e [Spanned<'_>],
) -> impl Iterator<Item = (String, Range<usize>)> + 'e {
    let mut block: Option<(String, Range<usize>)> = None;
    events
        .iter()
        .filter_map(move |(event, range)| match (event, &mut block) {
            (Event::Start(Tag::HtmlBlock), _) => {
                block = Some((String::new(), range.clone()));
                None
            }
            (Event::End(TagEnd::HtmlBlock), _) => block.take(),
            (Event::Html(t) | Event::Text(t), Some((text, _))) => {
                text.push_str(t);
                None
            }
            (Event::InlineHtml(t) | Event::Html(t), None) => Some((t.to_string(), range.clone())),
            _ => None,
        })
}

/// Renders events to sanitized HTML, asking `resolve` where each link points.
pub fn render(events: &[Spanned<'_>], resolve: &dyn Fn(&str) -> Href) -> String {
    let mut out = String::with_capacity(events.len() * 24);
    let mut renderer = Renderer::new(resolve);
    html::push_html(
        &mut out,
        events.iter().filter_map(|(event, _)| renderer.map(event)),
    );
    out
}

/// A section rendered once: its HTML, and the HTML of each top-level list item within it.
#[derive(Debug, Default)]
pub struct Rendered {
    pub html: String,
    pub items: Vec<String>,
}

/// Renders a section in one pass, also cutting out each top-level list item's HTML, so typed
/// items cost no second rendering.
pub fn render_with_items(events: &[Spanned<'_>], resolve: &dyn Fn(&str) -> Href) -> Rendered {
    let mut rendered = Rendered {
        html: String::with_capacity(events.len() * 24),
        items: Vec::new(),
    };
    let mut renderer = Renderer::new(resolve);
    let mut done = 0;
    for (inner, _) in super::section::list_item_ranges(events) {
        let out = &mut rendered.html;
        html::push_html(
            &mut *out,
            events[done..inner.start]
                .iter()
                .filter_map(|(e, _)| renderer.map(e)),
        );
        let start = out.len();
        html::push_html(
            &mut *out,
            events[inner.clone()]
                .iter()
                .filter_map(|(e, _)| renderer.map(e)),
        );
        rendered.items.push(out[start..].trim_end().to_owned());
        done = inner.end;
    }
    html::push_html(
        &mut rendered.html,
        events[done..].iter().filter_map(|(e, _)| renderer.map(e)),
    );
    rendered
}

/// Stand-ins for `<mark>` and `</mark>` while marked text goes through the renderer: private-use
/// characters, which escaping leaves alone and which are removed from the source first.
const MARK_OPEN: char = '\u{E000}';
const MARK_CLOSE: char = '\u{E001}';

/// Renders a learner's Markdown (sanitized like content; links kept as written; images shown
/// as their text) with the byte
/// ranges `marks` of `source` wrapped in `<mark>`. A mark is cut at element edges so the HTML
/// stays well nested; text the parser changed (an entity, an escape) is marked whole.
pub fn render_marked(source: &str, marks: &[Range<usize>]) -> String {
    // Same length in UTF-8, so every byte range still points at the same text.
    let source = source.replace([MARK_OPEN, MARK_CLOSE], "\u{FFFD}");
    // Spans past the end belong to some other text: ignore them.
    let mut marks: Vec<Range<usize>> = marks
        .iter()
        .filter(|m| m.start < m.end && m.end <= source.len())
        .cloned()
        .collect();
    marks.sort_unstable_by_key(|m| m.start);
    let events: Vec<Spanned<'_>> = parse(&source)
        .into_iter()
        .map(|(event, range)| {
            let marked = match event {
                Event::Text(t) => Event::Text(mark(&t, &source, &range, &marks).into()),
                Event::Code(t) => Event::Code(mark(&t, &source, &range, &marks).into()),
                Event::Html(t) => Event::Html(mark(&t, &source, &range, &marks).into()),
                Event::InlineHtml(t) => Event::InlineHtml(mark(&t, &source, &range, &marks).into()),
                // An answer's image would load from wherever it points: show its text instead.
                Event::Start(Tag::Image { .. }) => Event::Text("[image: ".into()),
                Event::End(TagEnd::Image) => Event::Text("]".into()),
                other => other,
            };
            (marked, range)
        })
        .collect();
    render(&events, &|_| Href::Keep)
        .replace(MARK_OPEN, "<mark>")
        .replace(MARK_CLOSE, "</mark>")
}

/// `text` (parsed from `source[range]`) with the parts under `marks` between stand-ins.
fn mark(text: &str, source: &str, range: &Range<usize>, marks: &[Range<usize>]) -> String {
    let over = marks
        .iter()
        .filter(|m| m.start < range.end && range.start < m.end);
    if source.get(range.clone()) != Some(text) {
        // The text is not the source verbatim: offsets cannot be mapped, so mark all or nothing.
        return match over.count() {
            0 => text.to_owned(),
            _ => format!("{MARK_OPEN}{text}{MARK_CLOSE}"),
        };
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut at = 0;
    for m in over {
        let start = m.start.saturating_sub(range.start).max(at);
        let end = (m.end - range.start).min(text.len());
        if start >= end || !text.is_char_boundary(start) || !text.is_char_boundary(end) {
            continue;
        }
        out.push_str(&text[at..start]);
        out.push(MARK_OPEN);
        out.push_str(&text[start..end]);
        out.push(MARK_CLOSE);
        at = end;
    }
    out.push_str(&text[at..]);
    out
}

struct Renderer<'r> {
    resolve: &'r dyn Fn(&str) -> Href,
    /// For each open link or image: the HTML that closes it, or `None` to keep its own end tag.
    links: Vec<Option<&'static str>>,
    /// The fenced block being collected: language and text.
    code: Option<(String, String)>,
    /// The HTML block being collected, line by line.
    html: Option<String>,
}

impl<'r> Renderer<'r> {
    fn new(resolve: &'r dyn Fn(&str) -> Href) -> Self {
        Self {
            resolve,
            links: Vec::new(),
            code: None,
            html: None,
        }
    }

    fn map<'a>(&mut self, event: &Event<'a>) -> Option<Event<'a>> {
        if let Some(block) = &mut self.html {
            // A comment may span lines: the block is judged whole, not line by line.
            return match event {
                Event::Html(t) | Event::Text(t) => {
                    block.push_str(t);
                    None
                }
                Event::End(TagEnd::HtmlBlock) => self.html.take().and_then(|b| shown_as_text(&b)),
                _ => None,
            };
        }
        if let Some((_, text)) = &mut self.code {
            return match event {
                Event::Text(t) => {
                    text.push_str(t);
                    None
                }
                Event::End(TagEnd::CodeBlock) => self
                    .code
                    .take()
                    .map(|(lang, text)| code_block(&lang, &text)),
                _ => None,
            };
        }
        Some(match event {
            Event::Start(Tag::HtmlBlock) => {
                self.html = Some(String::new());
                return None;
            }
            Event::Html(raw) | Event::InlineHtml(raw) => return shown_as_text(raw),
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => language(info),
                    CodeBlockKind::Indented => String::new(),
                };
                self.code = Some((lang, String::new()));
                return None;
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => match self.link_href(dest_url) {
                Ok(dest) => Event::Start(Tag::Link {
                    link_type: *link_type,
                    dest_url: dest,
                    title: title.clone(),
                    id: id.clone(),
                }),
                Err(open) => Event::Html(open.into()),
            },
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                if scheme_is_safe(dest_url) {
                    self.links.push(None);
                    event.clone()
                } else {
                    let _ = (link_type, title, id);
                    self.links.push(Some("</span>"));
                    Event::Html(r#"<span class="link-unsafe">"#.into())
                }
            }
            Event::End(TagEnd::Link | TagEnd::Image) => match self.links.pop().flatten() {
                Some(close) => Event::Html(close.into()),
                None => event.clone(),
            },
            other => other.clone(),
        })
    }

    /// The destination to keep for a link, or the HTML that replaces its opening tag.
    fn link_href<'a>(&mut self, dest: &CowStr<'a>) -> Result<CowStr<'a>, &'static str> {
        let href = if scheme_is_safe(dest) {
            (self.resolve)(dest)
        } else {
            Href::Unsafe
        };
        match href {
            Href::Keep => {
                self.links.push(None);
                Ok(dest.clone())
            }
            Href::Page(url) => {
                self.links.push(None);
                Ok(url.into())
            }
            Href::Missing => {
                self.links.push(Some(
                    r#"</span> <span class="missing-note">(not written yet)</span>"#,
                ));
                Err(r#"<span class="link-missing" title="This page is not written yet">"#)
            }
            Href::Unsafe => {
                self.links.push(Some("</span>"));
                Err(r#"<span class="link-unsafe">"#)
            }
            Href::Hidden => {
                self.links.push(Some(""));
                Err("")
            }
        }
    }
}

/// Raw HTML as the page shows it: its comments dropped, the rest as text (`None` if nothing is
/// left but whitespace). A comment never closed hides nothing here: `check` reports it as an
/// error, so such a page is never served.
fn shown_as_text<'a>(raw: &str) -> Option<Event<'a>> {
    let rest = without_comments(raw).rest;
    match rest.trim().is_empty() {
        true => None,
        false => Some(Event::Text(rest.into())),
    }
}

/// The first word of a fence's info string, restricted to characters safe in a class name.
fn language(info: &str) -> String {
    info.split_whitespace()
        .next()
        .unwrap_or("")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '+'))
        .collect()
}

/// A code block with a copy button (hidden until the script shows it, so it never appears dead).
pub fn code_block<'a>(lang: &str, text: &str) -> Event<'a> {
    let mut out = String::from(
        r#"<div class="codeblock"><button type="button" class="copy" hidden>Copy</button><pre tabindex="0"><code"#,
    );
    if !lang.is_empty() {
        let _ = write!(out, r#" class="language-{lang}""#);
    }
    out.push('>');
    escape_into(&mut out, text);
    out.push_str("</code></pre></div>\n");
    Event::Html(out.into())
}

/// Appends `text` HTML-escaped.
pub fn escape_into(out: &mut String, text: &str) {
    let _ = pulldown_cmark_escape::escape_html_body_text(&mut *out, text);
}

/// The readable text of some events: code spans keep their text, breaks become spaces, and
/// paragraphs and list items end with a newline.
pub fn plain_text(events: &[Spanned<'_>]) -> String {
    text_with_breaks(events, '\n')
}

/// The text of some events on one line: paragraph and item ends become spaces too.
pub fn inline_text(events: &[Spanned<'_>]) -> String {
    text_with_breaks(events, ' ')
}

fn text_with_breaks(events: &[Spanned<'_>], block_end: char) -> String {
    let source_len = match (events.first(), events.last()) {
        (Some((_, first)), Some((_, last))) => last.end.saturating_sub(first.start),
        _ => 0,
    };
    let mut out = String::with_capacity(source_len);
    let mut in_html = false;
    for (event, _) in events {
        match event {
            // An HTML block's indentation comes as text, and the block is not text at all.
            Event::Start(Tag::HtmlBlock) => in_html = true,
            Event::End(TagEnd::HtmlBlock) => in_html = false,
            _ if in_html => {}
            Event::Text(t) | Event::Code(t) => out.push_str(t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::End(
                TagEnd::Paragraph | TagEnd::Item | TagEnd::CodeBlock | TagEnd::Heading(_),
            ) if !out.ends_with(block_end) => out.push(block_end),
            _ => {}
        }
    }
    let trimmed = out.trim_end_matches(block_end).len();
    out.truncate(trimmed);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render_str(md: &str) -> String {
        let events = parse(md);
        render(&events, &|dest| {
            if dest.ends_with(".md") {
                Href::Missing
            } else {
                Href::Keep
            }
        })
    }

    #[test]
    fn raw_html_is_shown_as_text_and_comments_vanish() {
        let html = render_str(
            "hi <script>alert(1)</script> <!-- weight: 2 -->\n\n<img src=x onerror=alert(1)>\n",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(!html.contains("weight"), "{html}");
    }

    #[test]
    fn comments_are_taken_out_of_raw_html_and_an_unclosed_one_is_found() {
        let out = without_comments("<!-- a --> <b> <!-->x<!---> <!-- b\n -- c -->y");
        assert_eq!(out.rest, " <b> x y");
        assert_eq!(out.unclosed, None);
        let out = without_comments("<i><!-- a --><!-- never");
        assert_eq!(
            (out.rest.as_str(), out.unclosed),
            ("<i><!-- never", Some(13))
        );
        assert!(is_comment(" <!-- a -->\n<!-- b\n  c -->\n"));
        assert!(!is_comment("<!-- a --> b") && !is_comment("<!-- a") && !is_comment(""));
    }

    #[test]
    fn an_html_block_is_joined_from_its_lines() {
        let events = parse("- a\n  <!-- one\n  two -->\n\n> <!-- x -->\n\ntext <b>b</b>\n");
        let html: Vec<String> = raw_html(&events).map(|(html, _)| html).collect();
        assert_eq!(html, ["<!-- one\ntwo -->\n", "<!-- x -->\n", "<b>", "</b>"]);
    }

    #[test]
    fn javascript_and_data_links_lose_their_href() {
        for md in [
            "[x](javascript:alert(1))",
            "[x](JaVaScRiPt:alert(1))",
            "[x]( java\tscript:alert(1))",
            "<javascript:alert(1)>",
            "![x](data:text/html,<b>)",
        ] {
            let html = render_str(md);
            assert!(
                !html.to_lowercase().contains("href=\"javascript"),
                "{md} -> {html}"
            );
            assert!(!html.contains("src=\"data"), "{md} -> {html}");
        }
        assert!(render_str("[ok](https://example.com)").contains(r#"href="https://example.com""#));
    }

    #[test]
    fn only_web_and_mail_schemes_are_safe() {
        for safe in [
            "https://x.io",
            "HTTP://x",
            "mailto:a@b.c",
            "../topics/a.md",
            "a.md#part",
            "/wiki",
            "#top",
            "dir/with:colon",
            "?q=a:b",
            "",
        ] {
            assert!(scheme_is_safe(safe), "{safe}");
        }
        for unsafe_ in [
            "javascript:alert(1)",
            "JAVASCRIPT:x",
            " java\tscript:x",
            "data:text/html,x",
            "vbscript:x",
            "averyverylongscheme:x",
            "jävascript:x",
            "file:///etc/passwd",
        ] {
            assert!(!scheme_is_safe(unsafe_), "{unsafe_}");
        }
    }

    #[test]
    fn missing_pages_are_marked_not_written_yet() {
        let html = render_str("see [GitOps](../topics/gitops.md)");
        assert!(html.contains(r#"<span class="link-missing""#), "{html}");
        assert!(html.contains("not written yet"), "{html}");
    }

    #[test]
    fn code_blocks_get_a_copy_button_and_stay_escaped() {
        let html = render_str("```bash\necho '<b>'\n```\n");
        assert!(html.contains(r#"class="copy""#));
        assert!(
            html.contains(r#"<code class="language-bash">echo '&lt;b&gt;'"#),
            "{html}"
        );
    }

    #[test]
    fn one_pass_rendering_cuts_out_each_item() {
        let events = parse("Intro\n\n- one `a`\n- two\n  - nested\n\nAfter\n");
        let rendered = render_with_items(&events, &|_| Href::Keep);
        assert_eq!(
            rendered.items,
            ["one <code>a</code>", "two\n<ul>\n<li>nested</li>\n</ul>"]
        );
        assert!(
            rendered
                .html
                .starts_with("<p>Intro</p>\n<ul>\n<li>one <code>a</code></li>"),
            "{}",
            rendered.html
        );
        assert!(
            rendered.html.ends_with("<p>After</p>\n"),
            "{}",
            rendered.html
        );
    }

    #[test]
    fn plain_text_keeps_code_spans() {
        let events = parse("Knowledge of `ignoreDifferences` to resolve\nsync loops");
        assert_eq!(
            plain_text(&events),
            "Knowledge of ignoreDifferences to resolve sync loops"
        );
    }

    fn marked(source: &str, needles: &[&str]) -> String {
        let marks: Vec<Range<usize>> = needles
            .iter()
            .map(|n| {
                let at = source.rfind(n).expect("needle in source");
                at..at + n.len()
            })
            .collect();
        render_marked(source, &marks)
    }

    #[test]
    fn a_marked_answer_is_rendered_with_marks_in_text_and_code() {
        let html = marked(
            "First run `argocd app diff`:\n\n```sh\nkubectl get hpa -n grokdevops\n```\n\nThen **fix it in Git**.\n",
            &["argocd app diff", "get hpa", "fix it"],
        );
        assert!(
            html.contains("<code><mark>argocd app diff</mark></code>"),
            "{html}"
        );
        assert!(
            html.contains("<pre tabindex=\"0\"><code class=\"language-sh\">kubectl <mark>get hpa</mark> -n grokdevops"),
            "{html}"
        );
        assert!(
            html.contains("<strong><mark>fix it</mark> in Git</strong>"),
            "{html}"
        );
    }

    #[test]
    fn a_mark_across_emphasis_is_cut_at_its_edges() {
        let html = marked("use **ignore**Differences now", &["ignore**Differences"]);
        assert_eq!(
            html,
            "<p>use <strong><mark>ignore</mark></strong><mark>Differences</mark> now</p>\n"
        );
    }

    #[test]
    fn html_in_a_marked_answer_is_shown_as_text_and_stand_ins_cannot_be_forged() {
        let html = marked(
            "<script>alert(1)</script> and \u{E000}b\u{E001} then <b onclick=x>HPA</b>",
            &["HPA"],
        );
        assert!(
            !html.contains("<script>") && !html.contains("<b "),
            "{html}"
        );
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert_eq!(html.matches("<mark>").count(), 1, "{html}");
        assert!(html.contains("<mark>HPA</mark>"), "{html}");
    }

    #[test]
    fn a_link_to_a_page_the_reader_may_not_see_becomes_its_text() {
        let events = parse("See [the *panel* drill](panel.md) first.");
        let html = render(&events, &|_| Href::Hidden);
        assert_eq!(html, "<p>See the <em>panel</em> drill first.</p>\n");
    }

    #[test]
    fn images_become_their_text_and_unsafe_links_are_dropped() {
        let html = marked(
            "![alt HPA](https://t.example/x.png) [go](javascript:alert(1)) HPA",
            &["HPA"],
        );
        assert!(
            html.contains("[image: alt HPA]") && !html.contains("<img"),
            "{html}"
        );
        assert!(!html.contains("javascript:"), "{html}");
        assert!(html.ends_with("<mark>HPA</mark></p>\n"), "{html}");
    }
}
