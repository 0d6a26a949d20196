//! What counts as the same idea in incident response: synonym groups of words and phrases, with
//! how much each weighs as evidence. Technical terms weigh most; generic verbs least.

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
}

/// The field lexicon, read at first use: ideas of incident response and the phrases that say
/// each one, kept as data a reviewer can read (`lexicon/ideas.txt`), never tuned to answers.
const LEXICON: &str = include_str!("lexicon/ideas.txt");

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

pub static THESAURUS: LazyLock<Vec<Group>> = LazyLock::new(|| {
    // The lexicon is part of the build and checked by a test: it cannot fail here.
    let ideas = parse_lexicon(LEXICON).unwrap_or_else(|err| panic!("lexicon/ideas.txt: {err}"));
    ideas
        .into_iter()
        .map(|(name, class, phrases)| {
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
                loose: tokenized
                    .iter()
                    .map(|t| t.len() >= 2 && content_stems(t).len() < 2)
                    .collect(),
            }
        })
        .collect()
});

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
        let ideas = parse_lexicon(LEXICON).unwrap();
        assert!(ideas.len() >= 60, "{} ideas", ideas.len());
        assert!(ideas.iter().all(|(_, _, phrases)| !phrases.is_empty()));
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
