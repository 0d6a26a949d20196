//! The scenario catalogue: filtering by level, topic, domain and a free-text search.

use serde::Deserialize;

use super::meta::Reader;
use super::site::{Page, Site};

/// Filters from the catalogue's query string; empty fields match everything.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Filter {
    /// `interview`, `walkthrough` or `gauntlet`; empty for all.
    pub kind: String,
    pub level: String,
    pub topic: String,
    pub domain: String,
    pub q: String,
}

impl Filter {
    pub fn is_empty(&self) -> bool {
        self.active() == 0
    }

    /// How many of the search and the three filters are in use.
    pub fn active(&self) -> usize {
        [&self.kind, &self.level, &self.topic, &self.domain, &self.q]
            .iter()
            .filter(|f| !f.trim().is_empty())
            .count()
    }

    /// Whether a page passes every filter; every search word must appear in the title,
    /// metadata, prompt, initial report or evidence.
    pub fn matches(&self, page: &Page) -> bool {
        let level = page.meta.level.as_ref().map_or("", |l| l.code.as_str());
        let same = |want: &str, have: &str| {
            want.trim().is_empty() || want.trim().eq_ignore_ascii_case(have)
        };
        same(&self.kind, kind_of(page))
            && same(&self.level, level)
            && (self.topic.trim().is_empty()
                || page.meta.topics.iter().any(|t| same(&self.topic, t)))
            && same(&self.domain, page.meta.domain.as_deref().unwrap_or(""))
            && self.search_matches(page)
    }

    fn search_matches(&self, page: &Page) -> bool {
        self.q
            .split_whitespace()
            .all(|word| page.search_text.contains(&word.to_lowercase()))
    }
}

/// What a listed page is practised as: `interview` (a scenario of the interview shapes),
/// `walkthrough` or `gauntlet`.
pub fn kind_of(page: &Page) -> &'static str {
    match (&page.scenario, &page.gauntlet) {
        (_, Some(_)) => "gauntlet",
        (Some(s), None) if s.kind == super::scenario::ScenarioKind::Walkthrough => "walkthrough",
        _ => "interview",
    }
}

/// The kinds of practice, as the filter names them and as people read them.
pub const KINDS: &[(&str, &str)] = &[
    ("interview", "Interview scenarios"),
    ("walkthrough", "Investigation walkthroughs"),
    ("gauntlet", "Interview gauntlets"),
];

/// The distinct values each filter can take, sorted, for the filter form.
#[derive(Debug, Default)]
pub struct Facets {
    pub levels: Vec<String>,
    pub topics: Vec<String>,
    pub domains: Vec<String>,
}

impl Facets {
    pub fn of<'a>(pages: impl Iterator<Item = &'a Page>) -> Self {
        let mut facets = Facets::default();
        for page in pages {
            facets
                .levels
                .extend(page.meta.level.as_ref().map(|l| l.code.clone()));
            facets.topics.extend(page.meta.topics.iter().cloned());
            facets.domains.extend(page.meta.domain.clone());
        }
        for list in [&mut facets.levels, &mut facets.topics, &mut facets.domains] {
            list.sort_by_key(|s| s.to_lowercase());
            list.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
        }
        facets
    }
}

/// The scenarios `reader` may see that match `filter`, by level then title.
pub fn scenarios<'s>(site: &'s Site, filter: &Filter, reader: Reader) -> Vec<&'s Page> {
    listed(site.scenarios(), filter, reader)
}

/// Everything to practise `reader` may see that matches `filter` (scenarios, walkthroughs
/// and gauntlets), by level then title.
pub fn practice<'s>(site: &'s Site, filter: &Filter, reader: Reader) -> Vec<&'s Page> {
    listed(site.scenarios().chain(site.gauntlets()), filter, reader)
}

/// The gauntlets `reader` may see that match `filter`, by level then title.
pub fn gauntlets<'s>(site: &'s Site, filter: &Filter, reader: Reader) -> Vec<&'s Page> {
    listed(site.gauntlets(), filter, reader)
}

fn listed<'s>(
    pages: impl Iterator<Item = &'s Page>,
    filter: &Filter,
    reader: Reader,
) -> Vec<&'s Page> {
    let mut found: Vec<&Page> = pages
        .filter(|p| reader.sees(&p.meta))
        .filter(|p| filter.matches(p))
        .collect();
    found.sort_by(|a, b| {
        let level = |p: &Page| {
            p.meta
                .level
                .as_ref()
                .map(|l| l.code.clone())
                .unwrap_or_default()
        };
        (level(a), a.short_title().to_lowercase()).cmp(&(level(b), b.short_title().to_lowercase()))
    });
    found
}
