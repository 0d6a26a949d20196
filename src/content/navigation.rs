//! Wiki navigation: "Related Content" items such as
//! `- [GitOps](../topics/gitops.md) (Topic Pack, L1) — GitOps` and "Pages that link here".

use pulldown_cmark::{Event, Tag, TagEnd};
use serde::Serialize;

use super::markdown::{Href, Spanned, inline_text, plain_text};

/// One related-content item, with its target resolved against the content tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RelatedLink {
    pub title: String,
    /// The URL of the page when the target exists.
    pub url: Option<String>,
    /// The target as written, when the item has a link.
    pub target: Option<String>,
    /// The item links to a page that is not written yet.
    pub missing: bool,
    pub kind: Option<String>,
    pub level: Option<String>,
    pub topic: Option<String>,
    pub line: usize,
    /// The item did not have the `Title (Kind, Level) — Topic` shape.
    pub unparsed: bool,
}

impl RelatedLink {
    /// The kind as a reader would say it (see [`kind_label`]).
    pub fn kind_label(&self) -> Option<String> {
        self.kind.as_deref().map(kind_label)
    }
}

/// Kinds of wiki pages the corpus names in "Related Content", as written (lowercase, words
/// joined by `_`), and how to show them.
const KINDS: [(&str, &str); 16] = [
    ("assessment", "Assessment"),
    ("cheat_sheet", "Cheat sheet"),
    ("cheatsheet", "Cheat sheet"),
    ("drill", "Drill"),
    ("flashcard_deck", "Flashcard deck"),
    ("flashcards", "Flashcard deck"),
    ("interview_gauntlet", "Interview gauntlet"),
    ("lab", "Lab"),
    ("primer", "Primer"),
    ("reference", "Reference"),
    ("runbook", "Runbook"),
    ("scenario", "Scenario"),
    ("skill_check", "Skill check"),
    ("skillcheck", "Skill check"),
    ("topic_pack", "Topic pack"),
    ("track", "Track"),
];

/// A related page's kind for a badge: `flashcard_deck` and `Topic Pack` become
/// `Flashcard deck` and `Topic pack` (`-` counts as `_` here); a kind not in [`KINDS`] keeps
/// its words and their case, with `_` made a space and the first letter capitalised
/// (`incident_review` -> `Incident review`, `SRE_handbook` -> `SRE handbook`).
pub fn kind_label(kind: &str) -> String {
    let words = |separators: &[char]| -> Vec<&str> {
        kind.split(separators).filter(|w| !w.is_empty()).collect()
    };
    let key = words(&['_', ' ', '-']).join("_").to_lowercase();
    if let Some((_, label)) = KINDS.iter().find(|(known, _)| *known == key) {
        return (*label).to_owned();
    }
    let text = words(&['_', ' ']).join(" ");
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// Content folders named for a kind of wiki page, as the corpus lays them out, and the kind.
const FOLDERS: [(&str, &str); 12] = [
    ("assessments", "assessment"),
    ("cheatsheets", "cheat_sheet"),
    ("drills", "drill"),
    ("flashcards", "flashcard_deck"),
    ("labs", "lab"),
    ("primers", "primer"),
    ("references", "reference"),
    ("runbooks", "runbook"),
    ("skillchecks", "skill_check"),
    ("topics", "topic_pack"),
    ("tracks", "track"),
    ("gauntlets", "interview_gauntlet"),
];

/// The order of the wiki index's groups: the kinds on-call engineers reach for first.
const GROUP_ORDER: [&str; 5] = [
    "Topic packs",
    "Runbooks",
    "Labs",
    "Drills",
    "Flashcard decks",
];

/// The heading a wiki page is listed under on the wiki index, from its folder: `runbooks/x.md`
/// -> `Runbooks`, `topics/x.md` -> `Topic packs`; a folder of another name keeps its name
/// (`postmortems/` -> `Postmortems`); a page at the top of the content folder -> `Other pages`.
pub fn wiki_group(path: &str) -> String {
    let Some((folder, _)) = path.split_once('/') else {
        return "Other pages".to_owned();
    };
    match FOLDERS
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(folder))
    {
        Some((_, kind)) => format!("{}s", kind_label(kind)),
        None => kind_label(folder),
    }
}

/// Sorts group headings for the wiki index: [`GROUP_ORDER`] first, then by name, `Other
/// pages` last.
pub fn group_rank(group: &str) -> (usize, String) {
    let known = GROUP_ORDER.iter().position(|g| *g == group);
    let rank = match (known, group) {
        (Some(i), _) => i,
        (None, "Other pages") => GROUP_ORDER.len() + 1,
        (None, _) => GROUP_ORDER.len(),
    };
    (rank, group.to_lowercase())
}

/// A page listed or found to link to this one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Backlink {
    pub title: String,
    pub url: Option<String>,
}

/// Parses one "Related Content" list item; `None` when it links to a page the reader may not
/// see (a hidden scenario), which is left out rather than named.
pub fn related(
    item: &[Spanned<'_>],
    line: usize,
    resolve: &dyn Fn(&str) -> Href,
) -> Option<RelatedLink> {
    let text = inline_text(item);
    let (title, kind, level, topic, unparsed) = match split_related(&text) {
        Some((title, kind, level, topic)) => (title, kind, level, topic, false),
        None => (text.trim().to_owned(), None, None, None, true),
    };
    let link = first_link(item);
    let (url, missing) = match link.as_ref().map(|(dest, _)| resolve(dest)) {
        Some(Href::Hidden) => return None,
        Some(Href::Page(url)) => (Some(url), false),
        Some(Href::Keep) => (link.as_ref().map(|(dest, _)| dest.clone()), false),
        Some(Href::Missing) => (None, true),
        Some(Href::Unsafe) | None => (None, false),
    };
    let title = link
        .as_ref()
        .map(|(_, text)| text.clone())
        .filter(|t| !t.is_empty())
        .unwrap_or(title);
    Some(RelatedLink {
        title,
        url,
        target: link.map(|(dest, _)| dest),
        missing,
        kind,
        level,
        topic,
        line,
        unparsed,
    })
}

/// A "Pages that link here" item: its text, and its link when it has one; `None` when it links
/// to a page the reader may not see.
pub fn listed_backlink(item: &[Spanned<'_>], resolve: &dyn Fn(&str) -> Href) -> Option<Backlink> {
    let url = match first_link(item).map(|(dest, _)| resolve(&dest)) {
        Some(Href::Hidden) => return None,
        Some(Href::Page(url)) => Some(url),
        _ => None,
    };
    Some(Backlink {
        title: inline_text(item).trim().to_owned(),
        url,
    })
}

/// The destination and text of the first link in some events.
fn first_link(events: &[Spanned<'_>]) -> Option<(String, String)> {
    let start = events
        .iter()
        .position(|(e, _)| matches!(e, Event::Start(Tag::Link { .. })))?;
    let Event::Start(Tag::Link { dest_url, .. }) = &events[start].0 else {
        return None;
    };
    let end = events[start..]
        .iter()
        .position(|(e, _)| matches!(e, Event::End(TagEnd::Link)))
        .map_or(events.len(), |p| start + p);
    Some((dest_url.to_string(), plain_text(&events[start + 1..end])))
}

type Parts = (String, Option<String>, Option<String>, Option<String>);

/// `Argo Flashcards (CLI) (flashcard_deck, L1) — GitOps` -> title, kind, level, topic.
/// The last parenthesised group before the dash holds kind and level.
fn split_related(text: &str) -> Option<Parts> {
    let text = text.trim();
    let (left, topic) = [" — ", " – ", " -- ", " - "]
        .iter()
        .find_map(|dash| text.rsplit_once(dash))
        .map_or((text, None), |(l, t)| {
            (
                l.trim_end(),
                Some(t.trim().to_owned()).filter(|t| !t.is_empty()),
            )
        });
    let inner_end = left.strip_suffix(')')?;
    let open = inner_end.rfind('(')?;
    let title = inner_end[..open].trim();
    let mut parts = inner_end[open + 1..]
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let kind = parts.next().map(str::to_owned);
    let level = parts.next().map(str::to_owned);
    (!title.is_empty() && kind.is_some()).then(|| (title.to_owned(), kind, level, topic))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::markdown::parse;
    use crate::content::section::list_items;

    fn first_item(md: &str, resolve: &dyn Fn(&str) -> Href) -> RelatedLink {
        let events = parse(md);
        let (item, _) = list_items(&events)[0];
        related(item, 3, resolve).expect("an item to show")
    }

    #[test]
    fn linked_item_gives_title_kind_level_topic_and_target() {
        let r = first_item(
            "- [GitOps](../topics/gitops.md) (Topic Pack, L1) — GitOps\n",
            &|_| Href::Page("/topics/gitops".into()),
        );
        assert_eq!(r.title, "GitOps");
        assert_eq!(
            (r.kind.as_deref(), r.level.as_deref(), r.topic.as_deref()),
            (Some("Topic Pack"), Some("L1"), Some("GitOps"))
        );
        assert_eq!(r.url.as_deref(), Some("/topics/gitops"));
        assert!(!r.missing && !r.unparsed);
    }

    #[test]
    fn title_with_parentheses_and_no_link_still_parses() {
        let r = first_item(
            "- Argo Flashcards (CLI) (flashcard_deck, L1) — GitOps\n",
            &|_| Href::Keep,
        );
        assert_eq!(r.title, "Argo Flashcards (CLI)");
        assert_eq!(r.kind.as_deref(), Some("flashcard_deck"));
        assert_eq!((r.url, r.target, r.missing), (None, None, false));
    }

    #[test]
    fn wiki_pages_are_grouped_by_their_folders_kind_in_a_useful_order() {
        assert_eq!(wiki_group("runbooks/disk-full.md"), "Runbooks");
        assert_eq!(wiki_group("topics/gitops.md"), "Topic packs");
        assert_eq!(wiki_group("flashcards/gitops.md"), "Flashcard decks");
        assert_eq!(wiki_group("Labs/x.md"), "Labs");
        assert_eq!(wiki_group("postmortems/2026-q3.md"), "Postmortems");
        assert_eq!(wiki_group("readme.md"), "Other pages");
        let mut groups = vec![
            "Other pages",
            "Postmortems",
            "Drills",
            "Runbooks",
            "Topic packs",
        ];
        groups.sort_by_key(|g| group_rank(g));
        assert_eq!(
            groups,
            [
                "Topic packs",
                "Runbooks",
                "Drills",
                "Postmortems",
                "Other pages"
            ]
        );
    }

    #[test]
    fn kinds_are_shown_as_a_reader_would_say_them() {
        let labels: Vec<String> = [
            "flashcard_deck",
            "Topic Pack",
            "runbook",
            "Lab",
            "skill-check",
            "incident_review",
            "SRE_handbook",
            "Post  Mortem",
            "_",
        ]
        .into_iter()
        .map(kind_label)
        .collect();
        assert_eq!(
            labels,
            [
                "Flashcard deck",
                "Topic pack",
                "Runbook",
                "Lab",
                "Skill check",
                "Incident review",
                "SRE handbook",
                "Post Mortem",
                ""
            ]
        );
        assert!(KINDS.iter().all(|(k, _)| *k == k.to_lowercase()));
        assert!(
            KINDS.windows(2).all(|w| w[0].0 < w[1].0),
            "keep KINDS sorted"
        );
    }

    #[test]
    fn items_linking_to_a_page_the_reader_may_not_see_are_left_out() {
        let events = parse("- [Panel Drill](panel.md) (Scenario, L2) — GitOps\n");
        let (item, _) = list_items(&events)[0];
        assert_eq!(related(item, 1, &|_| Href::Hidden), None);
        assert_eq!(listed_backlink(item, &|_| Href::Hidden), None);
        let listed = listed_backlink(item, &|_| Href::Page("/panel".into()));
        assert_eq!(listed.and_then(|b| b.url).as_deref(), Some("/panel"));
    }

    #[test]
    fn missing_target_is_marked_and_odd_lines_are_kept_unparsed() {
        let r = first_item(
            "- [Drills](../drills/x.md) (Drill, L2) — GitOps\n",
            &|_| Href::Missing,
        );
        assert!(r.missing);
        let r = first_item("- just some words\n", &|_| Href::Keep);
        assert!(r.unparsed);
        assert_eq!(r.title, "just some words");
    }
}
