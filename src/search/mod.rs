//! The site search: an in-memory tantivy index over what readers may see of the published
//! pages (scenarios, walkthroughs, gauntlets, wiki pages), built when the content loads and
//! swapped with it on reload, never changed in place.
//!
//! Only text a reader sees before answering is indexed ([`crate::content::searchable`]): no
//! answer, rubric item, trap or later gauntlet round is ever in the index, so no query can find
//! or show one. Drafts and hidden pages are indexed with the readers who may see them, and every
//! query is limited to its reader's.
//!
//! Ranking is tantivy's BM25 over fields of different weights (a title match above a body
//! match). Typos and unfinished words are matched by expanding each word of the query to the
//! indexed terms within one edit or starting with it (tantivy's Levenshtein automata over the
//! term dictionary), each expansion an ordinary term query, so that a near match is scored and
//! highlighted like an exact one, only lower.

mod query;
mod snippet;

use serde::Serialize;
use tantivy::collector::{Count, TopDocs};
use tantivy::schema::{
    Field, IndexRecordOption, NumericOptions, STRING, Schema, TextFieldIndexing, TextOptions, Value,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer,
};
use tantivy::{Index, IndexReader, ReloadPolicy, TantivyDocument};

use crate::content::catalogue::kind_of;
use crate::content::meta::Reader;
use crate::content::{Page, Site};

pub use query::{MAX_QUERY_CHARS, Query, QueryError};

/// What a result is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A scenario of the interview shapes.
    Scenario,
    Walkthrough,
    Gauntlet,
    /// Any other page: runbooks, topic packs, primers...
    Wiki,
}

impl Kind {
    pub const ALL: [Kind; 4] = [
        Kind::Scenario,
        Kind::Walkthrough,
        Kind::Gauntlet,
        Kind::Wiki,
    ];

    /// The name in a query string and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Scenario => "scenario",
            Kind::Walkthrough => "walkthrough",
            Kind::Gauntlet => "gauntlet",
            Kind::Wiki => "wiki",
        }
    }

    /// As the filter control names it.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Scenario => "Scenarios",
            Kind::Walkthrough => "Walkthroughs",
            Kind::Gauntlet => "Gauntlets",
            Kind::Wiki => "Wiki pages and runbooks",
        }
    }

    /// `scenario`, `walkthrough`, `gauntlet` or `wiki` (any case); `interview` for a scenario,
    /// as the catalogue says.
    pub fn parse(text: &str) -> Option<Kind> {
        let text = text.trim();
        if text.eq_ignore_ascii_case("interview") {
            return Some(Kind::Scenario);
        }
        Kind::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(text))
    }

    fn of(page: &Page) -> Kind {
        match kind_of(page) {
            _ if page.scenario.is_none() && page.gauntlet.is_none() => Kind::Wiki,
            "gauntlet" => Kind::Gauntlet,
            "walkthrough" => Kind::Walkthrough,
            _ => Kind::Scenario,
        }
    }
}

/// One indexed page, as results show it.
#[derive(Debug, Clone)]
pub struct Entry {
    pub kind: Kind,
    pub slug: String,
    pub url: String,
    /// The title without its `Scenario:` or `Interview Gauntlet:` prefix.
    pub title: String,
    /// The level's code (`L2`).
    pub level: Option<String>,
    pub topics: Vec<String>,
    /// A wiki page's group on the wiki index (`Runbooks`, `Topic packs`); empty otherwise.
    pub group: String,
    pub draft: bool,
    pub hidden: bool,
    /// The text snippets are cut from.
    body: String,
    commands: String,
}

/// One result: the page, its score and its title and snippet as HTML, escaped but for the
/// `<mark>`s around the words that matched.
#[derive(Debug)]
pub struct Hit<'i> {
    pub entry: &'i Entry,
    pub score: f32,
    pub title_html: String,
    pub snippet_html: String,
}

/// The best results of a query and how many pages matched in all.
#[derive(Debug, Default)]
pub struct Results<'i> {
    pub total: usize,
    pub hits: Vec<Hit<'i>>,
}

/// Results shown for one query: the best this many.
pub const LIMIT: usize = 50;

/// The index over one version of the site.
pub struct SearchIndex {
    reader: IndexReader,
    fields: Fields,
    entries: Vec<Entry>,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("pages", &self.entries.len())
            .finish_non_exhaustive()
    }
}

/// The indexing thread's memory: tantivy's minimum, several times what 2,000 pages take.
const WRITER_MEMORY: usize = 15_000_000;

impl SearchIndex {
    /// Indexes every page of the site, each with the readers who may see it.
    pub fn build(site: &Site) -> tantivy::Result<Self> {
        let (schema, fields) = Fields::schema();
        let index = Index::create_in_ram(schema);
        index.tokenizers().register(ANALYZER, analyzer());
        let mut writer = index.writer_with_num_threads::<TantivyDocument>(1, WRITER_MEMORY)?;
        let mut entries = Vec::with_capacity(site.pages().len());
        for page in site.pages() {
            writer.add_document(fields.document(entries.len() as u64, page))?;
            entries.push(Entry::of(page));
        }
        writer.commit()?;
        writer.wait_merging_threads()?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(Self {
            reader,
            fields,
            entries,
        })
    }

    /// How many pages are indexed (for every reader).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The pages `reader` may see that match `query`, best first, at most [`LIMIT`].
    pub fn search(&self, query: &Query, reader: Reader) -> tantivy::Result<Results<'_>> {
        let searcher = self.reader.searcher();
        let Some(built) = query::build(&searcher, &self.fields, query, reader)? else {
            return Ok(Results::default());
        };
        let collector = (TopDocs::with_limit(LIMIT).order_by_score(), Count);
        let (top, total) = searcher.search(&built, &collector)?;
        let snippets = snippet::Snippets::new(&searcher, &built, &self.fields)?;
        let mut hits = Vec::with_capacity(top.len());
        for (score, address) in top {
            let doc: TantivyDocument = searcher.doc(address)?;
            let id = doc.get_first(self.fields.id).and_then(|v| v.as_u64());
            let Some(entry) = id.and_then(|id| self.entries.get(id as usize)) else {
                continue;
            };
            hits.push(Hit {
                entry,
                score,
                title_html: snippets.title(&entry.title),
                snippet_html: snippets.body(&entry.body, &entry.commands),
            });
        }
        Ok(Results { total, hits })
    }
}

impl Entry {
    fn of(page: &Page) -> Self {
        let kind = Kind::of(page);
        let (body, commands) = match &page.gauntlet {
            Some(_) => (gauntlet_text(page).1, String::new()),
            None => (
                page.searchable.body.clone(),
                page.searchable.commands.clone(),
            ),
        };
        Self {
            kind,
            slug: page.slug.clone(),
            url: page.url.clone(),
            title: page.short_title().to_owned(),
            level: page.meta.level.as_ref().map(|l| l.code.clone()),
            topics: page.meta.topics.clone(),
            group: match kind {
                Kind::Wiki => crate::content::navigation::wiki_group(&page.path),
                _ => String::new(),
            },
            draft: page.meta.draft,
            hidden: page.meta.hidden,
            body,
            commands,
        }
    }
}

/// What a learner sees of a gauntlet before answering: the names of its rounds (headings), and
/// its category, domains and first question (body). Later questions open one round at a time;
/// model answers, weak answers, trap alerts and testing notes after a round is answered.
fn gauntlet_text(page: &Page) -> (String, String) {
    let Some(gauntlet) = &page.gauntlet else {
        return Default::default();
    };
    let headings: Vec<&str> = gauntlet.rounds.iter().map(|r| r.name.as_str()).collect();
    let header = &gauntlet.header;
    let mut body: Vec<&str> = header.category.iter().map(String::as_str).collect();
    body.extend(header.domains.iter().map(String::as_str));
    body.extend(gauntlet.rounds.first().and_then(|r| r.question.as_deref()));
    (headings.join("\n"), body.join("\n"))
}

/// The name the analyzer is registered under.
const ANALYZER: &str = "firedrill";

/// Words split at anything not a letter or digit (so `spec.replicas` and `-n` are words, and
/// quotes, colons and brackets mean nothing), lowercased, accents folded (`Über` is `uber`).
fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// The index's fields.
#[derive(Debug, Clone, Copy)]
struct Fields {
    title: Field,
    headings: Field,
    /// Topics, domain and tags, so that `gitops` finds pages about it.
    meta: Field,
    body: Field,
    commands: Field,
    kind: Field,
    level: Field,
    topic: Field,
    /// Each reader who may see the page: `learner`, `interviewer`, `author`.
    reader: Field,
    /// The page's place in [`SearchIndex::entries`].
    id: Field,
}

impl Fields {
    fn schema() -> (Schema, Self) {
        let text = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(ANALYZER)
                .set_index_option(IndexRecordOption::WithFreqs),
        );
        let mut schema = Schema::builder();
        let fields = Self {
            title: schema.add_text_field("title", text.clone()),
            headings: schema.add_text_field("headings", text.clone()),
            meta: schema.add_text_field("meta", text.clone()),
            body: schema.add_text_field("body", text.clone()),
            commands: schema.add_text_field("commands", text),
            kind: schema.add_text_field("kind", STRING),
            level: schema.add_text_field("level", STRING),
            topic: schema.add_text_field("topic", STRING),
            reader: schema.add_text_field("reader", STRING),
            id: schema.add_u64_field("id", NumericOptions::default().set_stored()),
        };
        (schema.build(), fields)
    }

    /// The fields searched, with their weights.
    fn searched(&self) -> [(Field, f32); 5] {
        [
            (self.title, 4.0),
            (self.headings, 2.0),
            (self.meta, 1.5),
            (self.commands, 1.0),
            (self.body, 1.0),
        ]
    }

    fn document(&self, id: u64, page: &Page) -> TantivyDocument {
        let mut doc = TantivyDocument::new();
        doc.add_u64(self.id, id);
        doc.add_text(self.title, page.short_title());
        let (headings, body) = match &page.gauntlet {
            Some(_) => gauntlet_text(page),
            None => (
                page.searchable.headings.clone(),
                page.searchable.body.clone(),
            ),
        };
        doc.add_text(self.headings, headings);
        doc.add_text(self.body, body);
        doc.add_text(self.commands, &page.searchable.commands);
        let meta = &page.meta;
        for text in meta.topics.iter().chain(&meta.tags).chain(&meta.domain) {
            doc.add_text(self.meta, text);
        }
        doc.add_text(self.kind, Kind::of(page).as_str());
        if let Some(level) = &meta.level {
            doc.add_text(self.level, level.code.to_lowercase());
        }
        for topic in &meta.topics {
            doc.add_text(self.topic, topic.to_lowercase());
        }
        for reader in [Reader::Learner, Reader::Interviewer, Reader::Author] {
            if reader.sees(meta) {
                doc.add_text(self.reader, reader_name(reader));
            }
        }
        doc
    }
}

fn reader_name(reader: Reader) -> &'static str {
    match reader {
        Reader::Learner => "learner",
        Reader::Interviewer => "interviewer",
        Reader::Author => "author",
    }
}

#[cfg(test)]
mod tests;
