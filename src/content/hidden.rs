//! Pages kept from some readers (hidden scenarios, for interviews only; drafts, for authors
//! only) as those readers get the rest of the site: every page that links to or names one also
//! gets that reader's view, where those links are plain text and the related-content items and
//! "Pages that link here" entries that name them are left out.

use std::collections::HashSet;

use super::meta::{self, Reader};
use super::navigation::{Backlink, RelatedLink};
use super::site::Page;

/// The pages of a site a reader may not see, as links and titles may refer to them.
struct HiddenPages {
    urls: HashSet<String>,
    /// Lowercased titles, with and without a `Scenario:` prefix.
    titles: HashSet<String>,
}

impl HiddenPages {
    fn of(pages: &[Page], reader: Reader) -> Self {
        let hidden = || pages.iter().filter(|p| !reader.sees(&p.meta));
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

/// Gives each page that links to or names a page `reader` may not see its view for that
/// reader; pages they may not open too, since a candidate (a learner) gets the page of the
/// hidden scenario or draft their interview runs on. `rebuild` renders a page again with links to those pages resolved as
/// [`super::markdown::Href::Hidden`]; it is called only for pages with such links, which are
/// few.
pub(super) fn add_views(
    pages: &mut [Page],
    reader: Reader,
    rebuild: impl Fn(&Page) -> Option<Page>,
) {
    let hidden = HiddenPages::of(pages, reader);
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
        view.views = Default::default();
        page.views[reader as usize] = Some(Box::new(view));
    }
}

/// Who may see a file that could not be built, by its front matter's `draft: true` or
/// `hidden: true` (read leniently: an unknown key that broke the strict reading does not
/// publish it).
pub(super) fn declared_audience(bytes: &[u8]) -> Reader {
    let Ok(source) = std::str::from_utf8(bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes))
    else {
        return Reader::Learner;
    };
    let Ok(Some(raw)) = meta::split_front_matter(source) else {
        return Reader::Learner;
    };
    let value: serde_norway::Value = serde_norway::from_str(raw.yaml).unwrap_or_default();
    let flag = |key: &str| value.get(key) == Some(&serde_norway::Value::Bool(true));
    let meta = meta::Meta {
        draft: flag("draft"),
        hidden: flag("hidden"),
        ..meta::Meta::default()
    };
    meta.audience()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::Site;
    use crate::content::meta::Reader::{Author, Interviewer, Learner};

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
        let (full, learner) = (topic.seen_by(Author), topic.seen_by(Learner));
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
        assert!(learner.views.iter().all(Option::is_none));
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
            .filter(|p| p.views.iter().any(Option::is_some))
            .map(|p| p.url.as_str())
            .collect();
        assert_eq!(with_view, ["/t"]);
        let without_hidden = self::site(&[("t.md", TOPIC), ("s/open.md", OPEN)]);
        assert!(
            without_hidden
                .pages()
                .iter()
                .all(|p| p.views.iter().all(Option::is_none))
        );
    }

    #[test]
    fn a_hidden_file_with_errors_is_still_known_as_hidden() {
        let broken = "---\nhidden: true\n---\n# Scenario: Secret Drill\n\nNo prompt.\n";
        let site = site(&[("s/secret.md", broken), ("s/open.md", OPEN)]);
        assert!(site.by_url("/s/secret").is_none());
        assert_eq!(site.audience_of("s/secret.md"), Interviewer);
        assert_eq!(site.audience_of("s/open.md"), Learner);
        assert_eq!(site.audience_of("s/none.md"), Learner);
        let fine = self::site(&[("s/secret.md", SECRET)]);
        assert_eq!(fine.audience_of("s/secret.md"), Interviewer);
        let draft = broken.replace("hidden: true", "draft: true");
        let drafted = self::site(&[("s/secret.md", &draft)]);
        assert_eq!(drafted.audience_of("s/secret.md"), Author);
    }

    #[test]
    fn a_broken_file_is_hidden_when_its_front_matter_says_so_even_with_a_bad_key() {
        let audience = declared_audience;
        assert_eq!(
            audience(b"---\nhidden: true\ntitel: x\n---\n# Scenario: X\n"),
            Interviewer
        );
        assert_eq!(audience(b"---\nhidden: true\n---\nno title\n"), Interviewer);
        assert_eq!(
            audience(b"---\ndraft: true\nhidden: true\n---\n#\n"),
            Author
        );
        assert_eq!(audience(b"---\ndraft: true\ncolour: red\n---\n"), Author);
        assert_eq!(
            audience(b"---\nhidden: false\n---\n# Scenario: X\n"),
            Learner
        );
        assert_eq!(audience(b"# Scenario: X\n\nhidden: true\n"), Learner);
        assert_eq!(audience(b"---\nhidden: true\n"), Learner);
    }

    const DRAFT: &str = "---\ndraft: true\n---\n# Scenario: Unfinished Drill\n\n## The Prompt\n\nGo to [open](open.md) or [the secret](secret.md).\n";
    const TOPIC_WITH_DRAFT: &str = "# Topic\n\nSee [the drill](s/secret.md), [the draft](s/draft.md) and [open](s/open.md).\n\n## Wiki Navigation\n\n### Related Content\n\n- [Unfinished Drill](s/draft.md) (Scenario, L2) — X\n- Unfinished Drill (Scenario, L2) — X\n- Secret Drill (Scenario, L2) — X\n";

    #[test]
    fn an_interviewer_gets_links_to_hidden_pages_but_not_to_drafts_and_an_author_gets_both() {
        let site = site(&[
            ("t.md", TOPIC_WITH_DRAFT),
            ("s/secret.md", SECRET),
            ("s/draft.md", DRAFT),
            ("s/open.md", OPEN),
        ]);
        let topic = site.by_url("/t").unwrap();
        let related =
            |p: &Page| -> Vec<String> { p.related.iter().map(|r| r.title.clone()).collect() };
        assert_eq!(
            topic.seen_by(Learner).intro_html,
            "<p>See the drill, the draft and <a href=\"/s/open\">open</a>.</p>\n"
        );
        assert_eq!(
            topic.seen_by(Interviewer).intro_html,
            "<p>See <a href=\"/s/secret\">the drill</a>, the draft and <a href=\"/s/open\">open</a>.</p>\n"
        );
        assert!(
            topic
                .seen_by(Author)
                .intro_html
                .contains(r#"<a href="/s/draft">the draft</a>"#)
        );
        assert!(related(topic.seen_by(Learner)).is_empty());
        assert_eq!(related(topic.seen_by(Interviewer)), ["Secret Drill"]);
        assert_eq!(related(topic.seen_by(Author)).len(), 3);
        // A candidate on an interview of the draft gets it without its link to a hidden page.
        let draft = site.by_url("/s/draft").unwrap();
        let prompt = |p: &Page| p.sections[0].html.clone();
        assert_eq!(
            prompt(draft.seen_by(Learner)),
            "<p>Go to <a href=\"/s/open\">open</a> or the secret.</p>\n"
        );
        assert_eq!(prompt(draft.seen_by(Interviewer)), prompt(draft));
        assert!(draft.views[Interviewer as usize].is_none());
        let backlinks = |r| -> Vec<String> {
            let open = site.by_url("/s/open").unwrap().seen_by(r);
            open.backlinks.iter().map(|b| b.title.clone()).collect()
        };
        assert_eq!(backlinks(Learner), ["Topic"]);
        assert_eq!(backlinks(Interviewer), ["Topic"]);
        assert_eq!(backlinks(Author), ["Topic", "Scenario: Unfinished Drill"]);
    }
}
