//! Hidden scenarios (front matter `hidden: true`, for interviews only) as someone who may not
//! see them gets the rest of the site: every page that links to or names one also gets a
//! learner's view, where those links are plain text and the related-content items and "Pages
//! that link here" entries that name them are left out.

use std::collections::HashSet;

use super::meta;
use super::navigation::{Backlink, RelatedLink};
use super::site::Page;

/// The hidden pages of a site, as links and titles may refer to them.
struct HiddenPages {
    urls: HashSet<String>,
    /// Lowercased titles, with and without a `Scenario:` prefix.
    titles: HashSet<String>,
}

impl HiddenPages {
    fn of(pages: &[Page]) -> Self {
        let hidden = || pages.iter().filter(|p| p.meta.hidden);
        Self {
            urls: hidden().map(|p| p.url.clone()).collect(),
            titles: hidden()
                .flat_map(|p| [p.title.to_lowercase(), p.short_title().to_lowercase()])
                .collect(),
        }
    }

    fn links_to(&self, url: &str) -> bool {
        self.urls
            .contains(url.split(['#', '?']).next().unwrap_or_default())
    }

    fn named(&self, title: &str) -> bool {
        self.titles.contains(&title.trim().to_lowercase())
    }

    /// An entry that links to a hidden page, or has no link and bears one's title.
    fn backlink(&self, b: &Backlink) -> bool {
        match &b.url {
            Some(url) => self.links_to(url),
            None => self.named(&b.title),
        }
    }

    /// A related-content item without a link to a visible page that bears a hidden page's
    /// title (items linking to hidden pages are already left out when the view is rendered).
    fn related(&self, r: &RelatedLink) -> bool {
        r.url.is_none() && self.named(&r.title)
    }

    fn concern(&self, page: &Page) -> (bool, bool) {
        let links = page.outgoing.iter().any(|url| self.links_to(url));
        let names = page.backlinks.iter().any(|b| self.backlink(b))
            || page.related.iter().any(|r| self.related(r));
        (links, names)
    }
}

/// Gives each page that links to or names a hidden page its learner's view. `rebuild` renders a
/// page again with links to hidden pages resolved as [`super::markdown::Href::Hidden`]; it is
/// called only for pages with such links, which are few.
pub(super) fn add_learner_views(pages: &mut [Page], rebuild: impl Fn(&Page) -> Option<Page>) {
    let hidden = HiddenPages::of(pages);
    if hidden.urls.is_empty() {
        return;
    }
    for page in pages.iter_mut() {
        let (links, names) = hidden.concern(page);
        if !links && !names {
            continue;
        }
        // The rebuild cannot fail: the same file built a moment ago, and leaving links out
        // adds no error. Without it the view would still keep the links, so no view is safer
        // than a wrong one; the clone is only for the impossible case.
        let mut view = match links {
            true => rebuild(page).unwrap_or_else(|| page.clone()),
            false => page.clone(),
        };
        // Computed backlinks come from the whole site: filter the full list rather than the
        // listed entries the rebuild found.
        view.backlinks = page
            .backlinks
            .iter()
            .filter(|b| !hidden.backlink(b))
            .cloned()
            .collect();
        view.related.retain(|r| !hidden.related(r));
        view.learner_view = None;
        page.learner_view = Some(Box::new(view));
    }
}

/// Whether a file that could not be built says `hidden: true` in its front matter (read
/// leniently: an unknown key that broke the strict reading does not unhide it).
pub(super) fn declared_hidden(bytes: &[u8]) -> bool {
    let Ok(source) = std::str::from_utf8(bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes))
    else {
        return false;
    };
    let Ok(Some(raw)) = meta::split_front_matter(source) else {
        return false;
    };
    let value: serde_norway::Value = serde_norway::from_str(raw.yaml).unwrap_or_default();
    value.get("hidden") == Some(&serde_norway::Value::Bool(true))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::Site;

    fn site(files: &[(&str, &str)]) -> Site {
        Site::of_texts(files)
    }

    const SECRET: &str = "---\nhidden: true\n---\n# Scenario: Secret Drill\n\n## The Prompt\n\nGo. [Topic](../t.md)\n\n## What a Strong Answer Includes\n\n- Check it\n";
    const TOPIC: &str = "# Topic\n\nSee [the drill](s/secret.md) and [open](s/open.md).\n\nAlso [this](/s/secret#prompt) and [that](/s/secret.md).\n\n## Wiki Navigation\n\n### Related Content\n\n- [Secret Drill](s/secret.md) (Scenario, L2) — X\n- Secret Drill (Scenario, L2) — X\n- [Open](s/open.md) (Scenario, L1) — X\n\n### Pages that link here\n\n- Secret Drill\n- [Open](s/open.md)\n";
    const OPEN: &str = "# Scenario: Open\n\n## The Prompt\n\nGo. [Topic](../t.md)\n\n## What a Strong Answer Includes\n\n- Check it\n";

    fn titles<'p>(links: impl Iterator<Item = (&'p str, Option<&'p str>)>) -> Vec<String> {
        links
            .map(|(title, url)| format!("{title} {}", url.unwrap_or("-")))
            .collect()
    }

    #[test]
    fn a_learners_view_leaves_out_every_mention_of_a_hidden_page_and_the_full_page_keeps_them() {
        let site = site(&[
            ("t.md", TOPIC),
            ("s/secret.md", SECRET),
            ("s/open.md", OPEN),
        ]);
        let topic = site.by_url("/t").unwrap();
        let (full, learner) = (topic.seen_by(true), topic.seen_by(false));
        let related = |p: &Page| titles(p.related.iter().map(|r| (&*r.title, r.url.as_deref())));
        let backlinks =
            |p: &Page| titles(p.backlinks.iter().map(|b| (&*b.title, b.url.as_deref())));
        assert_eq!(
            related(full),
            ["Secret Drill /s/secret", "Secret Drill -", "Open /s/open"]
        );
        assert_eq!(related(learner), ["Open /s/open"]);
        assert_eq!(
            backlinks(full),
            [
                "Secret Drill -",
                "Open /s/open",
                "Scenario: Secret Drill /s/secret"
            ]
        );
        assert_eq!(backlinks(learner), ["Open /s/open"]);
        assert!(
            full.intro_html
                .contains(r#"<a href="/s/secret">the drill</a>"#)
        );
        assert_eq!(
            learner.intro_html,
            "<p>See the drill and <a href=\"/s/open\">open</a>.</p>\n<p>Also this and that.</p>\n"
        );
        assert!(
            full.intro_html
                .contains(r#"<a href="/s/secret#prompt">this</a>"#)
        );
        assert!(learner.learner_view.is_none());
    }

    #[test]
    fn only_pages_that_mention_a_hidden_page_get_a_second_view() {
        let site = site(&[
            ("t.md", TOPIC),
            ("s/secret.md", SECRET),
            ("s/open.md", OPEN),
        ]);
        let with_view: Vec<&str> = site
            .pages()
            .iter()
            .filter(|p| p.learner_view.is_some())
            .map(|p| p.url.as_str())
            .collect();
        assert_eq!(with_view, ["/t"]);
        let without_hidden = self::site(&[("t.md", TOPIC), ("s/open.md", OPEN)]);
        assert!(
            without_hidden
                .pages()
                .iter()
                .all(|p| p.learner_view.is_none())
        );
    }

    #[test]
    fn a_hidden_file_with_errors_is_still_known_as_hidden() {
        let broken = "---\nhidden: true\n---\n# Scenario: Secret Drill\n\nNo prompt.\n";
        let site = site(&[("s/secret.md", broken), ("s/open.md", OPEN)]);
        assert!(site.by_url("/s/secret").is_none());
        assert!(site.is_hidden("s/secret.md"));
        assert!(!site.is_hidden("s/open.md") && !site.is_hidden("s/none.md"));
        let fine = self::site(&[("s/secret.md", SECRET)]);
        assert!(fine.is_hidden("s/secret.md"));
    }

    #[test]
    fn a_broken_file_is_hidden_when_its_front_matter_says_so_even_with_a_bad_key() {
        assert!(declared_hidden(
            b"---\nhidden: true\ntitel: x\n---\n# Scenario: X\n"
        ));
        assert!(declared_hidden(b"---\nhidden: true\n---\nno title\n"));
        assert!(!declared_hidden(
            b"---\nhidden: false\n---\n# Scenario: X\n"
        ));
        assert!(!declared_hidden(b"# Scenario: X\n\nhidden: true\n"));
        assert!(!declared_hidden(b"---\nhidden: true\n"));
    }
}
