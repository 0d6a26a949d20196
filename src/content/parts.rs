//! Parts of a section introduced by a bold label ending in a colon, at the start of a paragraph
//! or of a line in one: a walkthrough's `**Command(s):**`, `**What to look for:**`,
//! `**Immediate:**`, `**Q:**`, a gauntlet's `**Interviewer:**` and its `**Category:** ...` lines.

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use super::markdown::{Spanned, inline_text, plain_text};
use super::section::list_items;

/// What follows one label, up to the next label or the end of the section.
#[derive(Debug, Clone)]
pub struct Part<'a> {
    /// The label without its colon: `Command(s)`, `What to look for`.
    pub label: String,
    /// The byte offset of the label.
    pub offset: usize,
    /// The rest of the label's line or paragraph (as a paragraph of its own) and the blocks
    /// after it: balanced events, ready to render.
    pub events: Vec<Spanned<'a>>,
}

impl Part<'_> {
    /// Whether the label is `name`, ignoring case: `is("command(s)")`.
    pub fn is(&self, names: &[&str]) -> bool {
        names.iter().any(|n| self.label.eq_ignore_ascii_case(n))
    }

    /// The part as text, paragraphs on lines of their own.
    pub fn text(&self) -> String {
        plain_text(&self.events)
    }

    /// The bullets of the part, each with its byte offset: its lists' top-level items and the
    /// lines of its paragraphs that start with `- ` (a list the page wrote inside a paragraph).
    pub fn bullets(&self) -> Vec<(String, usize)> {
        let mut bullets: Vec<(String, usize)> = list_items(&self.events)
            .into_iter()
            .map(|(item, offset)| (inline_text(item).trim().to_owned(), offset))
            .collect();
        bullets.extend(
            paragraph_lines(&self.events)
                .into_iter()
                .filter_map(|(line, offset)| {
                    let bullet = line
                        .strip_prefix("- ")
                        .or_else(|| line.strip_prefix("* "))?;
                    Some((bullet.trim().to_owned(), offset))
                }),
        );
        bullets.sort_by_key(|(_, offset)| *offset);
        bullets
    }
}

/// Splits `events` at labels: the events before the first label, then each part.
pub fn labelled<'a>(events: &[Spanned<'a>]) -> (Vec<Spanned<'a>>, Vec<Part<'a>>) {
    let mut before = Vec::new();
    let mut parts: Vec<Part<'a>> = Vec::new();
    // Nesting of every tag, so only paragraphs at the top of the section are looked into.
    let mut depth = 0usize;
    let mut i = 0;
    while i < events.len() {
        let (event, range) = &events[i];
        let at_line_start = depth == 1
            && i > 0
            && matches!(
                events[i - 1].0,
                Event::Start(Tag::Paragraph) | Event::SoftBreak | Event::HardBreak
            );
        if at_line_start && let Some((label, next)) = label_at(events, i) {
            let target = parts.last_mut().map_or(&mut before, |p| &mut p.events);
            let open = target.pop_if(|(e, _)| matches!(e, Event::Start(Tag::Paragraph)));
            if open.is_none() {
                // The label starts a line inside a paragraph: end the paragraph there.
                target.pop_if(|(e, _)| matches!(e, Event::SoftBreak | Event::HardBreak));
                target.push((Event::End(TagEnd::Paragraph), range.clone()));
            }
            let mut events_of_part = vec![(Event::Start(Tag::Paragraph), range.clone())];
            i = next;
            // The text after the label, without the colon and space that part it from it.
            if let Some((Event::Text(t), r)) = events.get(i) {
                let rest = t.trim_start_matches(':').trim_start();
                if !rest.is_empty() {
                    events_of_part.push((Event::Text(CowStr::from(rest.to_owned())), r.clone()));
                }
                i += 1;
            }
            parts.push(Part {
                label,
                offset: range.start,
                events: events_of_part,
            });
            continue;
        }
        match event {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
        let target = parts.last_mut().map_or(&mut before, |p| &mut p.events);
        let empty = matches!(event, Event::End(TagEnd::Paragraph))
            && target
                .pop_if(|(e, _)| matches!(e, Event::Start(Tag::Paragraph)))
                .is_some();
        if !empty {
            target.push((event.clone(), range.clone()));
        }
        i += 1;
    }
    (before, parts)
}

/// A label at `events[i]`: bold text ending in `:` (or followed by one). Returns the label
/// and the index after its bold text.
fn label_at(events: &[Spanned<'_>], i: usize) -> Option<(String, usize)> {
    if !matches!(events[i].0, Event::Start(Tag::Strong)) {
        return None;
    }
    let close = i + events[i..]
        .iter()
        .position(|(e, _)| matches!(e, Event::End(TagEnd::Strong)))?;
    let text = plain_text(&events[i + 1..close]);
    let text = text.trim();
    let colon_after =
        matches!(events.get(close + 1), Some((Event::Text(t), _)) if t.starts_with(':'));
    let label = match text.strip_suffix(':') {
        Some(label) => label,
        None if colon_after => text,
        None => return None,
    };
    let label = label.trim();
    (!label.is_empty()).then(|| (label.to_owned(), close + 1))
}

/// Each line of text of the paragraphs outside lists, with the byte offset of its first event.
fn paragraph_lines(events: &[Spanned<'_>]) -> Vec<(String, usize)> {
    let mut lines: Vec<(String, usize)> = Vec::new();
    let mut current: Option<(String, usize)> = None;
    let mut lists = 0usize;
    for (event, range) in events {
        match event {
            Event::Start(Tag::List(_)) => lists += 1,
            Event::End(TagEnd::List(_)) => lists = lists.saturating_sub(1),
            _ if lists > 0 => {}
            Event::Text(t) | Event::Code(t) => {
                current
                    .get_or_insert_with(|| (String::new(), range.start))
                    .0
                    .push_str(t);
            }
            Event::SoftBreak | Event::HardBreak | Event::End(TagEnd::Paragraph) => {
                lines.extend(current.take());
            }
            _ => {}
        }
    }
    lines.extend(current);
    lines
        .into_iter()
        .map(|(line, offset)| (line.trim().to_owned(), offset))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::markdown::{Href, parse, render};

    fn html(events: &[Spanned<'_>]) -> String {
        render(events, &|_| Href::Keep)
    }

    #[test]
    fn labels_start_parts_at_paragraphs_and_at_lines_inside_one() {
        let md = "Intro **bold** text.\n\n**Category:** Networking\n**Difficulty:** L2-L3\n\n**Commands:**\n```bash\nls\n```\n\n**Q**: Why?\n";
        let events = parse(md);
        let (before, parts) = labelled(&events);
        assert_eq!(html(&before), "<p>Intro <strong>bold</strong> text.</p>\n");
        let labels: Vec<_> = parts.iter().map(|p| p.label.as_str()).collect();
        assert_eq!(labels, ["Category", "Difficulty", "Commands", "Q"]);
        assert_eq!(parts[0].text(), "Networking");
        assert_eq!(html(&parts[1].events), "<p>L2-L3</p>\n");
        assert!(html(&parts[2].events).starts_with("<div class=\"codeblock\">"));
        assert_eq!(parts[3].text(), "Why?");
        assert_eq!(&md[parts[1].offset..parts[1].offset + 2], "**");
    }

    #[test]
    fn bold_text_without_a_colon_or_inside_a_list_is_not_a_label() {
        let events = parse("**Warning** read this.\n\n- **Step:** inside a list\n");
        let (before, parts) = labelled(&events);
        assert!(parts.is_empty());
        assert_eq!(list_items(&before).len(), 1);
    }

    #[test]
    fn bullets_are_list_items_or_dash_lines_inside_a_paragraph() {
        for md in [
            "**Preventive:**\n- Alert on failed runs\n- Pin JVM flags\n",
            "**Preventive:**\n    - Alert on failed runs\n    - Pin JVM flags\n",
            "**Preventive:** - Alert on failed runs\n- Pin JVM flags\n",
        ] {
            let events = parse(md);
            let (_, parts) = labelled(&events);
            let bullets: Vec<_> = parts[0].bullets().into_iter().map(|(t, _)| t).collect();
            assert_eq!(bullets, ["Alert on failed runs", "Pin JVM flags"], "{md}");
        }
    }
}
