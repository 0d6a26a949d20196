//! A query as typed, parsed into words and filters, and built into a tantivy query from terms:
//! never through tantivy's query parser, so `"`, `:`, `(`, `*` or `-` are only separators.

use std::collections::BTreeSet;

use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, FuzzyTermQuery, Occur, Query as TantivyQuery,
    TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{Searcher, Term};

use super::{Fields, Kind, analyzer, reader_name};
use crate::content::meta::Reader;

/// The longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 200;

/// Words of this many letters or more also match the indexed words one edit away.
pub const TYPO_FROM: usize = 5;

/// A near match (a typo, an unfinished word) scores this share of an exact one.
const NEAR_BOOST: f32 = 0.5;

/// At most this many indexed words stand for one word of the query in one field: the first in
/// order, which for an unfinished word are the shortest completions.
const MAX_EXPANSIONS: usize = 64;

/// A search: its words and filters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    /// Lowercased, accents folded, split as the index splits text.
    pub words: Vec<String>,
    /// The last word may be unfinished (the text did not end with a space): it also matches
    /// the words it starts.
    pub last_is_prefix: bool,
    pub kind: Option<Kind>,
    /// A level's code, lowercased.
    pub level: Option<String>,
    /// A topic, lowercased.
    pub topic: Option<String>,
}

/// A query that cannot be run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    #[error("the search is {0} characters long: at most {MAX_QUERY_CHARS} are allowed")]
    TooLong(usize),
    #[error("no kind `{0}`: choose scenario, walkthrough, gauntlet or wiki")]
    UnknownKind(String),
}

impl Query {
    /// Parses what was typed and the filters (empty for none).
    pub fn parse(text: &str, kind: &str, level: &str, topic: &str) -> Result<Self, QueryError> {
        let chars = text.chars().count();
        if chars > MAX_QUERY_CHARS {
            return Err(QueryError::TooLong(chars));
        }
        let kind = match kind.trim() {
            "" => None,
            named => Some(Kind::parse(named).ok_or_else(|| QueryError::UnknownKind(named.into()))?),
        };
        let filter = |value: &str| Some(value.trim().to_lowercase()).filter(|v| !v.is_empty());
        Ok(Self {
            words: words(text),
            last_is_prefix: !text.ends_with(char::is_whitespace),
            kind,
            level: filter(level),
            topic: filter(topic),
        })
    }

    /// Nothing to search for (no words: an empty box, or only punctuation).
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }
}

/// The words of a text, as the index has them.
fn words(text: &str) -> Vec<String> {
    let mut analyzer = analyzer();
    let mut stream = analyzer.token_stream(text);
    let mut words = Vec::new();
    while stream.advance() {
        words.push(stream.token().text.clone());
    }
    words
}

/// The tantivy query for `query` as `reader` may run it: every word must match (in any field,
/// exactly or nearly), and every filter. `None` for a query without words.
pub(super) fn build(
    searcher: &Searcher,
    fields: &Fields,
    query: &Query,
    reader: Reader,
) -> tantivy::Result<Option<BooleanQuery>> {
    if query.is_empty() {
        return Ok(None);
    }
    let mut clauses: Vec<(Occur, Box<dyn TantivyQuery>)> = Vec::new();
    for (i, word) in query.words.iter().enumerate() {
        let prefix = query.last_is_prefix && i + 1 == query.words.len();
        let mut alternatives: Vec<(Occur, Box<dyn TantivyQuery>)> = Vec::new();
        for (field, weight) in fields.searched() {
            for (term, exact) in expand(searcher, field, word, prefix)? {
                let boost = if exact { weight } else { weight * NEAR_BOOST };
                let term = TermQuery::new(term, IndexRecordOption::WithFreqs);
                alternatives.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(Box::new(term), boost)),
                ));
            }
        }
        clauses.push((Occur::Must, Box::new(BooleanQuery::new(alternatives))));
    }
    let filters = [
        (fields.reader, Some(reader_name(reader))),
        (fields.kind, query.kind.map(Kind::as_str)),
        (fields.level, query.level.as_deref()),
        (fields.topic, query.topic.as_deref()),
    ];
    for (field, value) in filters {
        if let Some(value) = value {
            let term = TermQuery::new(
                Term::from_field_text(field, value),
                IndexRecordOption::Basic,
            );
            // A filter decides which pages match, not how well.
            clauses.push((
                Occur::Must,
                Box::new(ConstScoreQuery::new(Box::new(term), 0.0)),
            ));
        }
    }
    Ok(Some(BooleanQuery::new(clauses)))
}

/// The indexed words of `field` that `word` stands for, each with whether it is the word itself:
/// the word, the words one edit away when it is long enough, and when it may be unfinished the
/// words it starts (and those one edit from starting it).
fn expand(
    searcher: &Searcher,
    field: Field,
    word: &str,
    prefix: bool,
) -> tantivy::Result<Vec<(Term, bool)>> {
    let distance = u8::from(word.chars().count() >= TYPO_FROM);
    let term = Term::from_field_text(field, word);
    let fuzzy = match prefix {
        true => FuzzyTermQuery::new_prefix(term, distance, true),
        false => FuzzyTermQuery::new(term, distance, true),
    };
    let automaton = fuzzy.automaton()?;
    // The word itself first, so that no run of near words fills the expansions before it.
    let mut found = BTreeSet::from([word.as_bytes().to_vec()]);
    for segment in searcher.segment_readers() {
        let index = segment.inverted_index(field)?;
        let mut terms = index.terms().search(&automaton).into_stream()?;
        while found.len() < MAX_EXPANSIONS && terms.advance() {
            found.insert(terms.key().to_vec());
        }
    }
    Ok(found
        .into_iter()
        .filter_map(|bytes| String::from_utf8(bytes).ok())
        .map(|text| {
            let exact = text == word;
            (Term::from_field_text(field, &text), exact)
        })
        .collect())
}
