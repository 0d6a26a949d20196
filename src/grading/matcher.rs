//! Matching one checklist item against an answer: the item becomes a few weighted ideas (each a
//! set of phrases); the answer's tokens are searched for them, sentence window by window,
//! ignoring negated mentions and keyword lists.

use super::text::{self, Token};
use super::thesaurus::{self, Class, META_WORDS, THESAURUS};

/// One idea an item needs, with the phrases that express it.
#[derive(Debug, Clone)]
pub struct Concept {
    pub label: String,
    pub weight: f32,
    /// Stem sequences; `true` when the phrase carries its own negation ("not a bug").
    pub phrases: Vec<(Vec<String>, bool)>,
}

/// What an item needs: its ideas, plus author-given phrases that count or must not count.
#[derive(Debug, Clone, Default)]
pub struct ItemModel {
    pub concepts: Vec<Concept>,
    pub also: Vec<Vec<String>>,
    pub not: Vec<Vec<String>>,
}

impl ItemModel {
    /// Builds the model of an item from its text; `context` (an explanation) adds ideas at half
    /// weight.
    pub fn new(text: &str, context: &str, also: &[String], not: &[String]) -> Self {
        let mut concepts = concepts_of(text, 1.0);
        for extra in concepts_of(context, 0.5) {
            if !concepts.iter().any(|c| c.label == extra.label) {
                concepts.push(extra);
            }
        }
        let stems = |phrases: &[String]| {
            phrases
                .iter()
                .map(|p| thesaurus::content_stems(&text::tokenize(p)))
                .filter(|p| !p.is_empty())
                .collect()
        };
        Self {
            concepts,
            also: stems(also),
            not: stems(not),
        }
    }

    pub fn total_weight(&self) -> f32 {
        self.concepts.iter().map(|c| c.weight).sum()
    }

    /// Every stem any idea of the item can match, for spotting keyword lists.
    pub fn stems(&self) -> impl Iterator<Item = &str> {
        self.concepts.iter().flat_map(|c| {
            c.phrases
                .iter()
                .flat_map(|(p, _)| p.iter().map(String::as_str))
        })
    }
}

/// The ideas in some item text: thesaurus phrases where they match, other content words alone.
fn concepts_of(text: &str, scale: f32) -> Vec<Concept> {
    let tokens = text::tokenize(text);
    let words: Vec<&Token> = tokens
        .iter()
        .filter(|t| {
            !t.stop
                && !t.negated
                && !text::is_negator(&text[t.start..t.end].to_lowercase())
                && !is_meta_stem(&t.stem)
        })
        .collect();
    let stems: Vec<&str> = words.iter().map(|t| t.stem.as_str()).collect();
    let mut concepts: Vec<Concept> = Vec::new();
    let mut at = 0;
    while at < stems.len() {
        let found = thesaurus::groups_at(&stems, at);
        // The longest phrase wins; among equals, the group listed first.
        let longest = found.iter().map(|(_, len)| *len).max().unwrap_or(0);
        let concept = match found.iter().find(|(_, len)| *len == longest) {
            Some(&(g, len)) => {
                at += len;
                group_concept(g, scale)
            }
            None => {
                at += 1;
                let word = stems[at - 1];
                if word.len() < 2 || word.chars().all(|c| c.is_ascii_digit()) {
                    continue;
                }
                Concept {
                    label: word.to_owned(),
                    weight: Class::Normal.weight() * scale,
                    phrases: vec![(vec![word.to_owned()], false)],
                }
            }
        };
        if !concepts.iter().any(|c| c.label == concept.label) {
            concepts.push(concept);
        }
    }
    concepts
}

fn is_meta_stem(stem: &str) -> bool {
    META_WORDS.iter().any(|m| text::stem(m) == stem)
}

fn group_concept(g: usize, scale: f32) -> Concept {
    let group = &THESAURUS[g];
    Concept {
        label: group.name.to_owned(),
        weight: group.class.weight() * scale,
        phrases: group
            .phrases
            .iter()
            .cloned()
            .zip(group.negative_phrases.iter().copied())
            .filter(|(p, _)| !p.is_empty())
            .collect(),
    }
}

/// Where an idea was found in the answer.
#[derive(Debug, Clone, Copy)]
pub struct Hit {
    pub concept: usize,
    /// Token indices.
    pub first: usize,
    pub last: usize,
    pub sentence: usize,
    pub negated: bool,
    pub code: bool,
    /// In a line that only lists keywords.
    pub listed: bool,
}

/// The answer prepared for matching: tokens, their content-word positions, and which sentences
/// are bare keyword lists.
#[derive(Debug)]
pub struct Answer<'t> {
    pub text: &'t str,
    pub tokens: Vec<Token>,
    /// Indices of the content (non-stop) tokens.
    content: Vec<usize>,
    listed_sentences: Vec<usize>,
}

impl<'t> Answer<'t> {
    /// Tokenizes `text`; `rubric_stems` are all stems the rubric's items look for.
    pub fn new(text: &'t str, rubric_stems: &[&str]) -> Self {
        let tokens = text::tokenize(text);
        let content = (0..tokens.len()).filter(|&i| !tokens[i].stop).collect();
        let listed_sentences = keyword_lists(&tokens, rubric_stems);
        Self {
            text,
            tokens,
            content,
            listed_sentences,
        }
    }

    /// Every place an idea of `model` occurs.
    pub fn hits(&self, model: &ItemModel) -> Vec<Hit> {
        let blocked = self.blocked(model);
        let mut hits = Vec::new();
        for (c, concept) in model.concepts.iter().enumerate() {
            for (phrase, negative) in &concept.phrases {
                for at in self.find(phrase) {
                    let (first, last) = (self.content[at], self.content[at + phrase.len() - 1]);
                    if blocked.iter().any(|&(a, b)| first <= b && last >= a) {
                        continue;
                    }
                    let t = &self.tokens[first];
                    let negated = !negative && self.tokens[first..=last].iter().any(|t| t.negated);
                    hits.push(Hit {
                        concept: c,
                        first,
                        last,
                        sentence: t.sentence,
                        negated,
                        code: t.code,
                        listed: self.listed_sentences.contains(&t.sentence),
                    });
                }
            }
        }
        hits
    }

    /// Content-token positions where `phrase` starts.
    fn find(&self, phrase: &[String]) -> Vec<usize> {
        if phrase.is_empty() || phrase.len() > self.content.len() {
            return Vec::new();
        }
        (0..=self.content.len() - phrase.len())
            .filter(|&at| {
                phrase
                    .iter()
                    .enumerate()
                    .all(|(k, p)| self.tokens[self.content[at + k]].stem == *p)
            })
            .collect()
    }

    /// Token ranges covered by the item's must-not-count phrases.
    fn blocked(&self, model: &ItemModel) -> Vec<(usize, usize)> {
        model
            .not
            .iter()
            .flat_map(|p| {
                self.find(p)
                    .into_iter()
                    .map(|at| (self.content[at], self.content[at + p.len() - 1]))
            })
            .collect()
    }

    /// Token ranges where an author's extra evidence phrase occurs, not negated.
    pub fn also_hits(&self, model: &ItemModel) -> Vec<(usize, usize)> {
        model
            .also
            .iter()
            .flat_map(|p| {
                self.find(p)
                    .into_iter()
                    .map(|at| (self.content[at], self.content[at + p.len() - 1]))
            })
            .filter(|&(a, b)| !self.tokens[a..=b].iter().any(|t| t.negated))
            .collect()
    }
}

/// Sentences that are bare keyword lists: at least three content words, no function words, and
/// nearly all of them words the rubric looks for.
fn keyword_lists(tokens: &[Token], rubric_stems: &[&str]) -> Vec<usize> {
    let mut lists = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let sentence = tokens[i].sentence;
        let end = tokens[i..]
            .iter()
            .position(|t| t.sentence != sentence)
            .map_or(tokens.len(), |p| i + p);
        let words = &tokens[i..end];
        let content: Vec<&Token> = words.iter().filter(|t| !t.stop).collect();
        let key = content
            .iter()
            .filter(|t| rubric_stems.contains(&t.stem.as_str()))
            .count();
        let stops = words.len() - content.len();
        let code = words.iter().any(|t| t.code);
        if !code && content.len() >= 3 && stops == 0 && key * 10 >= content.len() * 7 {
            lists.push(sentence);
        }
        i = end;
    }
    lists
}
