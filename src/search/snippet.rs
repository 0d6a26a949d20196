//! Titles and snippets of results as HTML: tantivy's `SnippetGenerator` picks the fragment
//! with the most matched words; every piece of text is escaped, and only the `<mark>` around
//! each matched word is markup.

use std::ops::Range;

use tantivy::Searcher;
use tantivy::query::Query as TantivyQuery;
use tantivy::snippet::SnippetGenerator;

use super::Fields;
use crate::content::markdown::escape_into;

/// A snippet is cut to about this many characters.
const SNIPPET_CHARS: usize = 220;

/// The snippet generators for one query.
pub(super) struct Snippets {
    title: SnippetGenerator,
    body: SnippetGenerator,
    commands: SnippetGenerator,
}

impl Snippets {
    pub(super) fn new(
        searcher: &Searcher,
        query: &dyn TantivyQuery,
        fields: &Fields,
    ) -> tantivy::Result<Self> {
        let generator = |field, chars| -> tantivy::Result<SnippetGenerator> {
            let mut generator = SnippetGenerator::create(searcher, query, field)?;
            generator.set_max_num_chars(chars);
            Ok(generator)
        };
        Ok(Self {
            // A title is shown whole.
            title: generator(fields.title, 1_000)?,
            body: generator(fields.body, SNIPPET_CHARS)?,
            commands: generator(fields.commands, SNIPPET_CHARS)?,
        })
    }

    /// The title with its matched words marked.
    pub(super) fn title(&self, title: &str) -> String {
        let snippet = self.title.snippet(title);
        match snippet.highlighted().is_empty() {
            true => marked(title, &[]),
            false => marked(title, snippet.highlighted()),
        }
    }

    /// The best fragment of the body with its matched words marked; else of the commands; else
    /// the body's beginning (the page matched on its title, headings or topics).
    pub(super) fn body(&self, body: &str, commands: &str) -> String {
        for (generator, text) in [(&self.body, body), (&self.commands, commands)] {
            let snippet = generator.snippet(text);
            if !snippet.highlighted().is_empty() {
                let range = snippet.fragment_range();
                let mut html = marked(snippet.fragment(), snippet.highlighted());
                if range.start > 0 {
                    html.insert(0, '…');
                }
                if range.end < text.len() {
                    html.push('…');
                }
                return html;
            }
        }
        beginning(body)
    }
}

/// `text` escaped, with each of `marks` (byte ranges, in order, apart) in a `<mark>`.
pub(super) fn marked(text: &str, marks: &[Range<usize>]) -> String {
    let mut html = String::with_capacity(text.len() + marks.len() * 13);
    let mut at = 0;
    for mark in marks {
        let (Some(before), Some(word)) = (text.get(at..mark.start), text.get(mark.clone())) else {
            continue;
        };
        escape_into(&mut html, before);
        html.push_str("<mark>");
        escape_into(&mut html, word);
        html.push_str("</mark>");
        at = mark.end;
    }
    escape_into(&mut html, text.get(at..).unwrap_or_default());
    html
}

/// The first [`SNIPPET_CHARS`] characters of `text`, cut at a word, escaped.
fn beginning(text: &str) -> String {
    let text = text.trim();
    let Some((cut, _)) = text.char_indices().nth(SNIPPET_CHARS) else {
        return marked(text, &[]);
    };
    let end = text[..cut].rfind(char::is_whitespace).unwrap_or(cut);
    let mut html = marked(text[..end].trim_end(), &[]);
    html.push('…');
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_only_the_marks_are_markup() {
        assert_eq!(
            marked("a <script>alert(1)</script> & b", &[3..9, 20..26]),
            "a &lt;<mark>script</mark>&gt;alert(1)&lt;/<mark>script</mark>&gt; &amp; b"
        );
    }

    #[test]
    fn marks_out_of_the_text_are_left_out() {
        assert_eq!(marked("abc", &[1..2, 5..9]), "a<mark>b</mark>c");
    }

    #[test]
    fn a_long_beginning_is_cut_at_a_word() {
        let text = "word ".repeat(100);
        let html = beginning(&text);
        assert!(html.ends_with("word…"), "{html}");
        assert!(html.chars().count() <= SNIPPET_CHARS + 1);
    }
}
