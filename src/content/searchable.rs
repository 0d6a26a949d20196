//! What the site search may read of a page: the text a reader sees before answering, with its
//! headings and its code blocks (commands and their output) apart. Taken from the parsed
//! Markdown when the page loads, never from rendered HTML.

use pulldown_cmark::{Event, Tag, TagEnd};

use super::markdown::Spanned;
use super::section::SectionRole;

/// A page's searchable text. Empty for a gauntlet, whose header and first question the search
/// reads from its typed model instead.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Searchable {
    /// The `##` and `###` headings of the sections read, one a line.
    pub headings: String,
    /// Their prose, lists and tables (inline code included), a block a line.
    pub body: String,
    /// Their code blocks, a block a line.
    pub commands: String,
}

/// Whether the search may read a section: every section of a wiki page but its navigation
/// (names of other pages); a scenario's sections but those hidden until the learner answers;
/// none of a gauntlet's, whose later questions and model answers come one round at a time.
pub fn readable(is_scenario: bool, is_gauntlet: bool, role: SectionRole) -> bool {
    let answers = is_scenario && role.is_spoiler();
    !(is_gauntlet || answers || role == SectionRole::WikiNavigation)
}

impl Searchable {
    /// Adds a section: its heading (none for the text before the first one) and its events.
    pub fn add(&mut self, heading: Option<&str>, events: &[Spanned<'_>]) {
        if let Some(heading) = heading {
            push_line(&mut self.headings, heading.trim());
        }
        let mut sink = Sink::Body;
        let mut heading = String::new();
        for (event, _) in events {
            match event {
                Event::Start(Tag::HtmlBlock) => sink = Sink::Nowhere,
                Event::Start(Tag::CodeBlock(_)) => sink = Sink::Commands,
                Event::Start(Tag::Heading { .. }) => sink = Sink::Heading,
                Event::End(TagEnd::HtmlBlock | TagEnd::CodeBlock) => sink = Sink::Body,
                Event::End(TagEnd::Heading(_)) => {
                    push_line(&mut self.headings, heading.trim());
                    heading.clear();
                    sink = Sink::Body;
                }
                Event::Text(text) | Event::Code(text) => match sink {
                    Sink::Body => self.body.push_str(text),
                    Sink::Commands => self.commands.push_str(text),
                    Sink::Heading => heading.push_str(text),
                    Sink::Nowhere => {}
                },
                Event::SoftBreak | Event::HardBreak => self.body.push(' '),
                Event::End(TagEnd::TableCell) => self.body.push(' '),
                Event::End(
                    TagEnd::Paragraph | TagEnd::Item | TagEnd::TableRow | TagEnd::TableHead,
                ) => end_line(&mut self.body),
                _ => {}
            }
        }
        end_line(&mut self.body);
        end_line(&mut self.commands);
    }
}

/// Where the text of the events being read goes.
#[derive(Debug, Clone, Copy)]
enum Sink {
    Body,
    Commands,
    Heading,
    /// Raw HTML (comments that tune rubric items, say): not text anyone reads.
    Nowhere,
}

fn push_line(out: &mut String, line: &str) {
    if !line.is_empty() {
        out.push_str(line);
        out.push('\n');
    }
}

fn end_line(out: &mut String) {
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::markdown::parse;

    #[test]
    fn headings_prose_and_code_blocks_are_kept_apart() {
        let events = parse(
            "Check the `ingress` first.\n\n### Triage\n\n```bash\nkubectl get pods -n web\n```\n\n| a | b |\n|---|---|\n| one | two |\n\n<!-- also: secret phrase -->\n",
        );
        let mut text = Searchable::default();
        text.add(Some("Symptoms"), &events);
        assert_eq!(text.headings, "Symptoms\nTriage\n");
        assert_eq!(text.commands, "kubectl get pods -n web\n");
        assert!(
            text.body.starts_with("Check the ingress first.\n"),
            "{text:?}"
        );
        assert!(text.body.contains("one two"), "{text:?}");
        assert!(!text.body.contains("secret"), "{text:?}");
    }

    #[test]
    fn a_scenarios_answers_and_any_navigation_are_never_read() {
        use SectionRole::*;
        assert!(readable(true, false, Evidence));
        assert!(readable(true, false, Other));
        assert!(!readable(true, false, RootCause));
        assert!(!readable(true, false, InvestigationPath));
        assert!(!readable(true, false, Traps));
        assert!(
            readable(false, false, RootCause),
            "a wiki page shows it all"
        );
        assert!(!readable(false, false, WikiNavigation));
        assert!(!readable(false, true, Round));
    }
}
