//! What counts as the same idea in incident response: synonym groups of words and phrases, with
//! how much each weighs as evidence. Technical terms weigh most; generic verbs least.

use std::collections::HashMap;
use std::sync::LazyLock;

use super::text::{self, Token};

/// How much a matched idea counts towards an item.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Class {
    /// A distinctive technical idea (`ignoreDifferences`, `version skew`).
    Technical,
    /// An ordinary content word.
    Normal,
    /// A generic verb or noun that says little on its own (`check`, `fix`, `use`).
    Generic,
}

impl Class {
    pub fn weight(self) -> f32 {
        match self {
            Class::Technical => 2.0,
            Class::Normal => 1.0,
            Class::Generic => 0.4,
        }
    }
}

/// One idea and the phrases that express it, each as stems of its content words.
#[derive(Debug)]
pub struct Group {
    pub name: String,
    pub class: Class,
    pub phrases: Vec<Vec<String>>,
    /// Phrases that contain a negation themselves ("not a bug"): they match negated text.
    pub negative_phrases: Vec<bool>,
    /// Phrases that reduce to a single word: they help read item texts but are not looked for
    /// in answers.
    pub loose: Vec<bool>,
    /// An idea of the field files (`field-*.txt`): it never makes an item's words one idea the
    /// answer must name as a whole; it lends its phrases to the item's words it spans, so an
    /// answer may say them the field's other ways ("PgBouncer" for "the connection pooler").
    pub soft: bool,
    /// Stems of the objects the idea implies (`implies: release version` under [rollback]): an
    /// item's word for one of them is said by saying the idea ("roll back to 5.7" rolls back the
    /// release).
    pub implies: Vec<String>,
}

/// The field lexicon, read at first use: ideas of incident response and the phrases that say
/// each one, kept as data a reviewer can read (`lexicon/*.txt`), never tuned to answers. The
/// first file's ideas win where two files' phrases are equally long.
const LEXICON_FILES: &[(&str, &str)] = &[
    ("ideas.txt", include_str!("lexicon/ideas.txt")),
    (
        "field-linux-network.txt",
        include_str!("lexicon/field-linux-network.txt"),
    ),
    (
        "field-kubernetes.txt",
        include_str!("lexicon/field-kubernetes.txt"),
    ),
    ("field-data.txt", include_str!("lexicon/field-data.txt")),
    (
        "field-cloud-security-observability.txt",
        include_str!("lexicon/field-cloud-security-observability.txt"),
    ),
];

/// Everyday synonyms of verbs, adjectives and adverbs, generated from WordNet 3.0 by
/// `tools/wordnet/synonyms.py` (licence in the file's header).
const SYNONYMS_TABLE: &str = include_str!("lexicon/synonyms.txt");

/// One idea of the lexicon as written: its name, class and phrases.
type Idea = (String, Class, Vec<String>);

/// Reads the lexicon: `[name] class` starts an idea, each following line is one of its phrases,
/// `#` starts a comment. Errors name the line.
fn parse_lexicon(text: &str) -> Result<Vec<Idea>, String> {
    let mut ideas: Vec<Idea> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(header) = line.strip_prefix('[') {
            let (name, class) = header
                .split_once(']')
                .ok_or_else(|| format!("line {}: `[name] class` has no `]`", n + 1))?;
            let class = match class.trim() {
                "technical" => Class::Technical,
                "normal" => Class::Normal,
                "generic" => Class::Generic,
                other => {
                    return Err(format!(
                        "line {}: class `{other}` is not technical, normal or generic",
                        n + 1
                    ));
                }
            };
            if ideas
                .last()
                .is_some_and(|(_, _, phrases)| phrases.is_empty())
            {
                return Err(format!("line {}: the idea before it has no phrases", n + 1));
            }
            if ideas.iter().any(|(known, _, _)| known == name) {
                return Err(format!("line {}: idea `{name}` is defined twice", n + 1));
            }
            ideas.push((name.to_owned(), class, Vec::new()));
            continue;
        }
        match ideas.last_mut() {
            Some((_, _, phrases)) => phrases.push(line.to_owned()),
            None => return Err(format!("line {}: a phrase before any `[idea]`", n + 1)),
        }
    }
    if ideas
        .last()
        .is_some_and(|(_, _, phrases)| phrases.is_empty())
    {
        return Err("the last idea has no phrases".to_owned());
    }
    Ok(ideas)
}

/// Words in checklist items that describe the learner, not the idea ("Knowledge of ...").
pub const META_WORDS: &[&str] = &[
    "knowledge",
    "understanding",
    "understand",
    "quick",
    "quickly",
    "identification",
    "mention",
    "mentions",
    "recognition",
    "recognise",
    "recognize",
    "awareness",
    "aware",
    "ability",
    "explain",
    "explains",
    "explanation",
    "discussion",
    "discusses",
    "strong",
    "answer",
    "candidate",
    "learner",
    "clear",
    "clearly",
    "good",
    // Connectives and hedges: they shape the sentence, not the idea.
    "instead",
    "unlike",
    "but",
    "vs",
    "versus",
    "whose",
    "since",
    "while",
    "still",
    "after",
    "before",
    // Verbs that frame what the learner does with an idea, not the idea: "finds X", "ties X to
    // Y", "treats X as Y".
    "find",
    "finds",
    "tie",
    "ties",
    "link",
    "links",
    "see",
    "sees",
    "treat",
    "treats",
    "need",
    "needs",
    "ideally",
    "eventually",
    "step",
    "failing",
    "failure",
    "get",
    "gets",
    "getting",
    "you're",
    "done",
    "until",
    "works",
    "work",
    "safe",
    "one",
    "per",
    "silently",
    "new",
    "legitimate",
    "during",
    "path",
    "semantics",
    "whole",
    "automatically",
    "correct",
    "intended",
    "relying",
    "memory",
    "report",
    "made",
    "should",
];

/// Every idea of the lexicon files, in order, and whether it is a field file's; errors name the
/// file and line.
fn lexicon() -> Result<Vec<(Idea, bool)>, String> {
    let mut all: Vec<(Idea, bool)> = Vec::new();
    for (file, text) in LEXICON_FILES {
        for idea in parse_lexicon(text).map_err(|err| format!("lexicon/{file}: {err}"))? {
            if all.iter().any(|((known, _, _), _)| *known == idea.0) {
                return Err(format!(
                    "lexicon/{file}: idea `{}` is defined in an earlier file too",
                    idea.0
                ));
            }
            all.push((idea, file.starts_with("field-")));
        }
    }
    Ok(all)
}

/// A word's everyday synonyms as phrases of content stems, keyed by the word's stem: the
/// commonest sense of the word, read by WordNet. Multi-word synonyms that shrink to one content
/// word ("call off") are left out, as loose lexicon phrases are.
pub static SYNONYMS: LazyLock<HashMap<String, Vec<Vec<String>>>> = LazyLock::new(|| {
    let mut table: HashMap<String, Vec<Vec<String>>> = HashMap::new();
    for line in SYNONYMS_TABLE.lines() {
        let Some((word, synonyms)) = line.split_once(": ") else {
            continue;
        };
        if line.starts_with('#') || word.contains(' ') {
            continue;
        }
        let key = text::stem(word);
        for synonym in synonyms.split(", ") {
            let tokens = text::tokenize(synonym);
            let stems = content_stems(&tokens);
            if stems.is_empty() || is_loose(&tokens) || stems == [key.clone()] {
                continue;
            }
            let entry = table.entry(key.clone()).or_default();
            if !entry.contains(&stems) {
                entry.push(stems);
            }
        }
    }
    table
});

pub static THESAURUS: LazyLock<Vec<Group>> = LazyLock::new(|| {
    // The lexicon is part of the build and checked by a test: it cannot fail here.
    let ideas = lexicon().unwrap_or_else(|err| panic!("{err}"));
    ideas
        .into_iter()
        .map(|((name, class, lines), soft)| {
            let (implied, phrases): (Vec<String>, Vec<String>) =
                lines.into_iter().partition(|l| l.starts_with(IMPLIES));
            let implies = implied
                .iter()
                .flat_map(|l| l[IMPLIES.len()..].split_whitespace())
                .map(text::stem)
                .collect();
            let tokenized: Vec<Vec<Token>> = phrases.iter().map(|p| text::tokenize(p)).collect();
            Group {
                name,
                class,
                negative_phrases: tokenized
                    .iter()
                    .map(|t| t.iter().any(|t| t.negated) || phrases_negate(t))
                    .collect(),
                phrases: tokenized.iter().map(|t| content_stems(t)).collect(),
                // A phrase of several words that shrinks to one content word without its function
                // words ("get reverted", "also causes", "s client") would match that word
                // anywhere in an answer.
                loose: tokenized.iter().map(|t| is_loose(t)).collect(),
                soft,
                implies,
            }
        })
        .collect()
});

/// A lexicon line naming the objects an idea implies.
const IMPLIES: &str = "implies:";

/// A phrase of several words that shrinks to one content word without its function words ("get
/// reverted", "call off"): it would match that word anywhere.
fn is_loose(tokens: &[Token]) -> bool {
    tokens.len() >= 2 && content_stems(tokens).len() < 2
}

fn phrases_negate(tokens: &[Token]) -> bool {
    tokens.iter().any(|t| t.stem == "not" || t.stem == "no")
}

/// The stems of the content words of some tokens.
pub fn content_stems(tokens: &[Token]) -> Vec<String> {
    tokens
        .iter()
        .filter(|t| !t.stop)
        .map(|t| t.stem.clone())
        .collect()
}

/// Groups that have a phrase starting at `stems[at..]`, with the phrase length matched.
pub fn groups_at(stems: &[&str], at: usize) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    for (g, group) in THESAURUS.iter().enumerate() {
        let best = group
            .phrases
            .iter()
            .zip(&group.loose)
            .filter(|(p, loose)| {
                !**loose
                    && !p.is_empty()
                    && stems.len() >= at + p.len()
                    && p.iter().zip(&stems[at..]).all(|(a, b)| a == b)
            })
            .map(|(p, _)| p.len())
            .max();
        if let Some(len) = best {
            found.push((g, len));
        }
    }
    found
}

#[cfg(test)]
mod lexicon_tests {
    use super::*;

    #[test]
    fn the_bundled_lexicon_reads_cleanly_and_every_idea_has_phrases() {
        let ideas = lexicon().unwrap();
        assert!(ideas.len() >= 60, "{} ideas", ideas.len());
        assert!(ideas.iter().all(|((_, _, phrases), _)| !phrases.is_empty()));
        // Every phrase says something once function words are dropped.
        for group in THESAURUS.iter() {
            assert!(
                group.phrases.iter().all(|p| !p.is_empty()),
                "idea `{}` has a phrase of function words only",
                group.name
            );
        }
    }

    #[test]
    fn wordnet_synonyms_read_the_commonest_sense_of_a_word() {
        let of = |word: &str| SYNONYMS.get(&text::stem(word)).cloned().unwrap_or_default();
        assert!(of("examine").contains(&vec![text::stem("study")]));
        assert!(of("fix").contains(&vec![text::stem("repair")]));
        // "call off" shrinks to "call" once "off" is dropped: it would match any call.
        assert!(!of("cancel").iter().any(|p| p.len() < 2));
        assert!(SYNONYMS.len() > 1_000, "{} words", SYNONYMS.len());
    }

    #[test]
    fn a_malformed_lexicon_is_refused_at_its_line() {
        let cases = [
            ("orphan\n", "line 1: a phrase before any `[idea]`"),
            ("[a] special\nx\n", "line 1: class `special`"),
            (
                "[a] normal\n[b] normal\nx\n",
                "line 2: the idea before it has no phrases",
            ),
            (
                "[a] normal\nx\n[a] generic\ny\n",
                "line 3: idea `a` is defined twice",
            ),
            ("[a normal\nx\n", "line 1: `[name] class` has no `]`"),
            ("[a] normal\n", "the last idea has no phrases"),
        ];
        for (text, want) in cases {
            let err = parse_lexicon(text).unwrap_err();
            assert!(err.starts_with(want), "{text:?}: {err}");
        }
        let ok = parse_lexicon("# part\n[a] technical\nx y\n# note\nz\n").unwrap();
        assert_eq!(
            ok,
            vec![(
                "a".to_owned(),
                Class::Technical,
                vec!["x y".into(), "z".into()]
            )]
        );
    }
}
