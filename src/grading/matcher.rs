//! Matching one checklist item against an answer: the item becomes a few weighted ideas (each a
//! set of phrases); the answer's tokens are searched for them, sentence window by window,
//! ignoring negated mentions and keyword lists.

use std::collections::{HashMap, HashSet};

use super::text::{self, Token};
use super::thesaurus::{self, Class, META_WORDS, SYNONYMS, THESAURUS};

/// One idea an item needs, with the phrases that express it.
#[derive(Debug, Clone)]
pub struct Concept {
    pub label: String,
    pub weight: f32,
    /// A generic word ("check", "fix"): it never counts as an idea on its own.
    pub generic: bool,
    /// A technical idea from the item's own text.
    pub technical: bool,
    /// A technical idea no other item of the rubric has: the item's point. Without it the item
    /// is at most partly covered.
    pub distinctive: bool,
    /// A non-generic idea of the item's own text that no other item of the rubric has. An item
    /// with such ideas is not covered by ideas it shares with other items alone.
    pub own: bool,
    /// How a negation in the answer bears on this idea.
    pub negation: Negation,
    /// The item names this idea in a list of parallel ones ("readiness and expiry", "Order and
    /// Challenge"): the list's index among the item's lists.
    pub list: Option<usize>,
    /// How many members of its list this idea names (`CertificateRequest`, `Order` and
    /// `Challenge` are all one idea).
    pub steps: usize,
    /// Its list offers alternatives ("by size or TTL"): one member is enough.
    pub alternative: bool,
    /// The item offers two ways to do it ("by truncating the file or restarting the
    /// service"): the way this idea belongs to (0 or 1); `None` for the ideas both share.
    pub branch: Option<u8>,

    /// Stem sequences; `true` when the phrase carries its own negation ("not a bug").
    pub phrases: Vec<(Vec<String>, bool)>,
    /// How many of the phrases, at the end, are borrowed: the word's everyday synonyms and the
    /// field lexicon's other ways to say it. They find the idea in answers but are not the
    /// rubric's own terms (which spot keyword lists and misspellings).
    pub borrowed: usize,
    /// The words of the item text it was read from ("exit code", "OOMKilled"), for explaining
    /// a verdict in the item's own terms.
    pub words: String,
}

/// How a negation in the answer bears on an idea of an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Negation {
    /// A negated mention does not count ("I would not use ignoreDifferences").
    #[default]
    Rejects,
    /// The action a "does not" item forbids: a rejected mention counts, doing it counts against.
    Flips,
    /// Either way counts: an object of a forbidden action ("the pod" in "does not delete the
    /// pod"), or what an item says is lacking ("containerd lacking the v1 API": "containerd
    /// doesn't serve the v1 API" says it).
    Neutral,
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
        // A label ("Post-incident: ...") says when, and a parenthesised aside qualifies: neither
        // is an idea the answer must state, so both only add context.
        let (text, aside) = core_of(text);
        let context = format!("{context} {aside}");
        let text = text.as_str();
        let negative = is_negative(text);
        let mut concepts = match alternatives(text).filter(|_| !negative) {
            Some((a, b)) => branches(concepts_of(&a, 1.0, false), concepts_of(&b, 1.0, false)),
            None => concepts_of(text, 1.0, negative),
        };
        for extra in concepts_of(&context, 0.5, false) {
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

    /// The ways the item offers: `[None]` for one, `[Some(0), Some(1)]` for two.
    pub fn ways(&self) -> Vec<Option<u8>> {
        if self.concepts.iter().any(|c| c.branch.is_some()) {
            vec![Some(0), Some(1)]
        } else {
            vec![None]
        }
    }

    /// Whether an idea belongs to a way (`None`: the item's only way).
    pub fn in_way(&self, concept: usize, way: Option<u8>) -> bool {
        let branch = self.concepts[concept].branch;
        branch.is_none() || branch == way
    }

    /// The weight of the ideas of a way.
    pub fn way_weight(&self, way: Option<u8>) -> f32 {
        (0..self.concepts.len())
            .filter(|&c| self.in_way(c, way))
            .map(|c| self.concepts[c].weight)
            .sum()
    }

    /// The way a window takes, if it names an idea of one of the item's two ways.
    pub fn way_of(&self, window: &[Hit]) -> Option<u8> {
        window.iter().find_map(|h| self.concepts[h.concept].branch)
    }

    /// The stems of the phrases the item borrows (synonyms, the field lexicon's other ways to
    /// say its words): an outline line of them is a list of terms too.
    pub fn borrowed_stems(&self) -> impl Iterator<Item = &str> {
        self.phrase_stems(true)
    }

    /// Every stem the item's own phrases can match, for spotting keyword lists.
    pub fn stems(&self) -> impl Iterator<Item = &str> {
        self.phrase_stems(false)
    }

    /// The stems of the ideas' borrowed phrases, or of their own.
    fn phrase_stems(&self, borrowed: bool) -> impl Iterator<Item = &str> {
        self.concepts.iter().flat_map(move |c| {
            let own = c.phrases.len() - c.borrowed;
            let phrases = if borrowed {
                &c.phrases[own..]
            } else {
                &c.phrases[..own]
            };
            phrases
                .iter()
                .flat_map(|(p, _)| p.iter().map(String::as_str))
        })
    }
}

/// Scales each idea's weight by how distinctive it is within the rubric: an idea that several
/// items share (the product name, "fix") says less about any one of them than the idea only
/// one item has (`ignoreDifferences`, "version skew").
pub fn weigh_by_distinctiveness<'m>(models: impl Iterator<Item = &'m mut ItemModel>) {
    let mut models: Vec<&mut ItemModel> = models.collect();
    let mut counts: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    // Ideas another item only mentions in passing (its explanation) do not take away an item's
    // point.
    let mut core: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for m in &models {
        for c in &m.concepts {
            *counts.entry(c.label.clone()).or_default() += 1;
            if !c.generic {
                *core.entry(c.label.clone()).or_default() += 1;
            }
        }
    }
    for m in &mut models {
        for c in &mut m.concepts {
            let shared = counts.get(&c.label).copied().unwrap_or(1).max(1) as f32;
            c.weight /= shared.powf(DISTINCTIVENESS);
            let core = core.get(&c.label).copied().unwrap_or(1) as f32;
            c.distinctive = c.technical && core <= 1.0;
            c.own = !c.generic && core <= 1.0;
            if c.distinctive {
                c.weight *= DISTINCTIVE_BOOST;
            }
        }
    }
}

/// How much more an item's own technical idea weighs than its other ideas.
const DISTINCTIVE_BOOST: f32 = 2.0;

/// How strongly sharing an idea with other items lowers its weight (0: not at all).
const DISTINCTIVENESS: f32 = 0.5;

/// Words a checklist item may open with to say when or what kind ("Post-incident:",
/// "Prevention:", "IMMEDIATE FIX:"): at most this many before the colon.
const LABEL_WORDS: usize = 3;

/// The item's own words, and the asides taken out of them: a leading label of at most
/// [`LABEL_WORDS`] words ending in a colon, and parenthesised text that is not a negation
/// ("(not just cordons it)" stays: it is what the item rules out).
fn core_of(text: &str) -> (String, String) {
    let mut core = text.trim().to_owned();
    let mut aside = String::new();
    if let Some((label, rest)) = core.split_once(':') {
        let words = label.split_whitespace().count();
        let is_label = (1..=LABEL_WORDS).contains(&words)
            && !label.contains('`')
            && !rest.trim().is_empty()
            && !rest.starts_with(|c: char| c.is_ascii_digit() || c == '/');
        if is_label {
            aside.push_str(label);
            core = rest.trim().to_owned();
        }
    }
    let mut kept = String::new();
    let mut rest = core.as_str();
    while let Some(open) = rest.find('(') {
        let Some(close) = rest[open..].find(')').map(|c| open + c) else {
            break;
        };
        let inside = &rest[open + 1..close];
        let negation = text::tokenize(inside)
            .iter()
            .take(2)
            .any(|t| text::is_negator(&inside[t.start..t.end].to_lowercase()));
        kept.push_str(&rest[..open]);
        if negation || inside.contains('`') {
            kept.push_str(&rest[open..=close]);
        } else {
            aside.push(' ');
            aside.push_str(inside);
        }
        rest = &rest[close + 1..];
    }
    kept.push_str(rest);
    if kept.split_whitespace().count() < 2 {
        return (text.to_owned(), String::new());
    }
    (kept, aside)
}

/// The two ways an item offers, as two item texts, when it joins two verb phrases with "or":
/// "caps max.poll.records or handles records concurrently" (two verbs like the item's first),
/// "frees the space by truncating the file or restarting the service" (two -ing forms: the
/// words before the first are both ways'). Alternatives that are nouns ("by size or TTL") are
/// a list of alternatives instead (`mark_lists`).
fn alternatives(text: &str) -> Option<(String, String)> {
    let lower = text.to_lowercase();
    let at = lower.find(" or ")?;
    if text[..at].matches('`').count() % 2 == 1 {
        return None;
    }
    let (left, right) = (&text[..at], text[at + 4..].trim());
    let word = |w: &str| {
        w.trim_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase()
    };
    let next = word(right.split_whitespace().next()?);
    let left_words: Vec<&str> = left.split_whitespace().collect();
    let (a, b) = if next.len() > 4 && next.ends_with("ing") {
        let from = left_words.iter().rposition(|w| {
            let w = word(w);
            w.len() > 4 && w.ends_with("ing")
        })?;
        let prefix = left_words[..from].join(" ");
        (left.to_owned(), format!("{prefix} {right}"))
    } else {
        let first = word(left_words.first()?);
        let verb = |w: &str| w.len() > 3 && w.ends_with('s') && !w.ends_with("ss");
        if !(verb(&first) && verb(&next)) {
            return None;
        }
        (left.to_owned(), right.to_owned())
    };
    let content = |t: &str| text::tokenize(t).iter().filter(|t| !t.stop).count();
    (content(&a) >= 2 && content(right) >= 2).then_some((a, b))
}

/// The ideas of an item with two ways: those both ways name, and those of each way.
fn branches(a: Vec<Concept>, b: Vec<Concept>) -> Vec<Concept> {
    // Lists are numbered per text: the second way's come after the first's.
    let lists = a.iter().filter_map(|c| c.list).max().map_or(0, |l| l + 1);
    let mut out: Vec<Concept> = Vec::new();
    for mut concept in a.iter().cloned() {
        if !b.iter().any(|o| o.label == concept.label) {
            concept.branch = Some(0);
        }
        out.push(concept);
    }
    for concept in b {
        if !a.iter().any(|o| o.label == concept.label) {
            let mut concept = concept;
            concept.branch = Some(1);
            concept.list = concept.list.map(|l| l + lists);
            out.push(concept);
        }
    }
    out
}

/// Whether an item is a "does not" item: a negation among its first words.
fn is_negative(text: &str) -> bool {
    text::tokenize(text)
        .iter()
        .take(3)
        .any(|t| text::is_negator(&text[t.start..t.end].to_lowercase()))
}

/// The ideas in some item text: thesaurus phrases where they match, other content words alone.
/// Negated words are contrasts ("not just via the CLI") and left out, unless the whole item is
/// a negative one.
fn concepts_of(text: &str, scale: f32, keep_negated: bool) -> Vec<Concept> {
    let tokens = text::tokenize(text);
    let words: Vec<&Token> = tokens
        .iter()
        .filter(|t| {
            !t.stop
                && (keep_negated || !t.negated)
                && !text::is_negator(&text[t.start..t.end].to_lowercase())
                && !is_meta_stem(&t.stem)
        })
        .collect();
    let stems: Vec<&str> = words.iter().map(|t| t.stem.as_str()).collect();
    let mut concepts: Vec<Concept> = Vec::new();
    // Ideas after "lacking"/"missing" are what the item says is absent.
    let lacking = words
        .iter()
        .position(|t| LACK_WORDS.contains(&text[t.start..t.end].to_lowercase().as_str()));
    let mut forbidden = false;
    // Each named idea in order: its index in `concepts`, its words, whether it is a thesaurus
    // idea; generic ones are left out.
    let mut named: Vec<(usize, usize, usize, bool)> = Vec::new();
    // Words of generic ideas ("check" in "preflight check and a canary").
    let mut filler = vec![false; words.len()];
    // Field ideas found among the words: (idea, first word, end).
    let mut lent: Vec<(usize, usize, usize)> = Vec::new();
    // Per word, the concept it was read into.
    let mut concept_of: Vec<Option<usize>> = vec![None; words.len()];
    // Per concept, whether it is a lexicon idea (which has phrases of its own).
    let mut from_group: Vec<bool> = Vec::new();
    let mut at = 0;
    while at < stems.len() {
        let start = at;
        let (soft, found): (Vec<_>, Vec<_>) = thesaurus::groups_at(&stems, at)
            .into_iter()
            .partition(|&(g, _)| THESAURUS[g].soft);
        // A field idea spanning words from here lends them its phrases (below).
        if found.is_empty()
            && let Some(&(g, len)) = soft.iter().max_by_key(|(_, len)| *len)
        {
            lent.push((g, start, start + len));
        }
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
                    generic: scale < 1.0,
                    technical: false,
                    distinctive: false,
                    own: false,
                    negation: Negation::Rejects,
                    list: None,
                    steps: 0,
                    alternative: false,
                    branch: None,
                    // The word, and its everyday synonyms ("examine": "study", "analyse").
                    phrases: std::iter::once(vec![word.to_owned()])
                        .chain(SYNONYMS.get(word).into_iter().flatten().cloned())
                        .map(|p| (p, false))
                        .collect(),
                    borrowed: SYNONYMS.get(word).map_or(0, Vec::len),
                    words: String::new(),
                }
            }
        };
        let mut concept = concept;
        // The item's own words for the idea, as a reader would write them in an explanation.
        concept.words = text[words[start].start..words[at - 1].end]
            .trim_matches(|c: char| !c.is_alphanumeric())
            .to_owned();
        // The item's first word is capitalised only because it starts the sentence ("Ties the
        // start ..."); a name ("CloudTrail", "TTL") keeps its case.
        let mut chars = concept.words.chars();
        let sentence_case = chars.next().is_some_and(char::is_uppercase)
            && chars.all(|c| c.is_lowercase() || c == ' ');
        if start == 0 && sentence_case {
            concept.words = concept.words.to_lowercase();
        }
        let word = words[start];
        if keep_negated && word.negated {
            // The first idea of the negated clause is the forbidden action; the rest its objects.
            concept.negation = if forbidden {
                Negation::Neutral
            } else {
                Negation::Flips
            };
            forbidden = true;
        } else if lacking.is_some_and(|l| start > l) {
            concept.negation = Negation::Neutral;
        }
        let generic = concept.generic;
        let group = !found.is_empty();
        let index = match concepts.iter().position(|c| c.label == concept.label) {
            Some(i) => i,
            None => {
                concepts.push(concept);
                concepts.len() - 1
            }
        };
        concept_of[start..at]
            .iter_mut()
            .for_each(|c| *c = Some(index));
        if from_group.len() <= index {
            from_group.resize(index + 1, false);
        }
        from_group[index] |= group;
        if generic {
            filler[start..at].iter_mut().for_each(|f| *f = true);
        } else {
            named.push((index, start, at, group));
        }
    }
    for (g, from, to) in lent {
        let group = &THESAURUS[g];
        let mut lent_to: Vec<usize> = concept_of[from..to.min(words.len())]
            .iter()
            .flatten()
            .copied()
            .collect();
        lent_to.dedup();
        for c in lent_to {
            let concept = &mut concepts[c];
            // Only words read alone take the field's phrases: a lexicon idea has its own.
            if from_group[c] {
                continue;
            }
            for (phrase, loose) in group.phrases.iter().zip(&group.loose) {
                if !*loose
                    && !phrase.is_empty()
                    && !concept.phrases.iter().any(|(p, _)| p == phrase)
                {
                    concept.phrases.push((phrase.clone(), false));
                    concept.borrowed += 1;
                }
            }
        }
    }
    // An object the item names beside an idea that implies it ("rolls back the release") is
    // said by the idea too.
    for c in 0..concepts.len() {
        let Some(g) = IMPLYING
            .iter()
            .copied()
            .find(|&g| THESAURUS[g].name == concepts[c].label)
        else {
            continue;
        };
        let implies = &THESAURUS[g].implies;
        let lent: Vec<(Vec<String>, bool)> = concepts[c]
            .phrases
            .iter()
            .filter(|(_, negative)| !negative)
            .cloned()
            .collect();
        for (d, concept) in concepts.iter_mut().enumerate() {
            if d != c && !from_group[d] && implies.contains(&concept.label) {
                for phrase in &lent {
                    if !concept.phrases.contains(phrase) {
                        concept.phrases.push(phrase.clone());
                        concept.borrowed += 1;
                    }
                }
            }
        }
    }
    if scale >= 1.0 {
        mark_lists(text, &words, &filler, &named, &mut concepts);
    }
    concepts
}

/// Marks ideas the item names side by side, joined only by `,` "and" "or" ("readiness and
/// expiry", "server-side defaults, mutating webhooks"): such an item is covered only when
/// enough of them are found. A list names at least one thesaurus idea ("safe and quick" is no
/// list), and its last member is not a verb taking an object ("reason and reproduces the
/// request").
fn mark_lists(
    text: &str,
    words: &[&Token],
    filler: &[bool],
    named: &[(usize, usize, usize, bool)],
    concepts: &mut [Concept],
) {
    let joined = |a: &(usize, usize, usize, bool), b: &(usize, usize, usize, bool)| {
        // Generic words may end a member ("preflight check and a canary") but nothing else
        // may come between.
        if a.2 > b.1 || !filler[a.2..b.1].iter().all(|&f| f) {
            return false;
        }
        let compound = (a.2..b.1).all(|w| {
            text[words[w - 1].end..words[w].start]
                .chars()
                .all(|c| c.is_whitespace() || c == '-')
        });
        let between = text[words[b.1 - 1].end..words[b.1].start].to_lowercase();
        let glue = between
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>();
        compound
            && glue
                .iter()
                .all(|w| ["and", "or", "a", "an", "the"].contains(w))
            && (between.contains(',') || glue.iter().any(|w| *w == "and" || *w == "or"))
    };
    let mut lists = 0;
    let mut k = 0;
    while k + 1 < named.len() {
        let run = named[k..]
            .windows(2)
            .take_while(|w| joined(&w[0], &w[1]))
            .count();
        let last = &named[k + run];
        let object_follows = text[words[last.2 - 1].end..]
            .split(|c: char| !c.is_alphanumeric())
            .find(|w| !w.is_empty())
            .is_some_and(|w| ["the", "a", "an", "it", "its"].contains(&w.to_lowercase().as_str()));
        if run == 0 || object_follows || !named[k..=k + run].iter().any(|n| n.3) {
            k += run.max(1);
            continue;
        }
        // "size or TTL": alternatives, one is enough.
        let alternative = named[k..k + run]
            .iter()
            .zip(&named[k + 1..=k + run])
            .any(|(a, b)| {
                text[words[a.2 - 1].end..words[b.1].start]
                    .split(|c: char| !c.is_alphanumeric())
                    .any(|w| w.eq_ignore_ascii_case("or"))
            });
        for n in &named[k..=k + run] {
            let c = &mut concepts[n.0];
            c.list = Some(lists);
            c.steps += 1;
            c.alternative = alternative;
        }
        lists += 1;
        k += run + 1;
    }
}

/// Per token: in a sentence that ends with a question mark (outside code).
fn questions(text: &str, tokens: &[Token]) -> Vec<bool> {
    let mut asked = vec![false; tokens.len()];
    let mut start = 0;
    while start < tokens.len() {
        let sentence = tokens[start].sentence;
        let end = (start..tokens.len())
            .find(|&i| tokens[i].sentence != sentence)
            .unwrap_or(tokens.len());
        let last = &tokens[end - 1];
        // What follows the sentence's last word up to the next one: its closing punctuation.
        let next = tokens.get(end).map_or(text.len(), |t| t.start);
        let tail = &text[last.end..next.max(last.end)];
        let question = !last.code && tail.trim_start().starts_with('?');
        if question {
            asked[start..end].iter_mut().for_each(|a| *a = true);
        }
        start = end;
    }
    asked
}

/// Words by which an item says something is absent.
const LACK_WORDS: &[&str] = &["lack", "lacks", "lacking", "missing"];

/// The lexicon's ideas that imply objects (`implies:`), found once.
static IMPLYING: std::sync::LazyLock<Vec<usize>> = std::sync::LazyLock::new(|| {
    (0..THESAURUS.len())
        .filter(|&g| !THESAURUS[g].implies.is_empty())
        .collect()
});

fn is_meta_stem(stem: &str) -> bool {
    META_WORDS.iter().any(|m| text::stem(m) == stem)
}

fn group_concept(g: usize, scale: f32) -> Concept {
    let group = &THESAURUS[g];
    Concept {
        label: group.name.to_owned(),
        weight: group.class.weight() * scale,
        generic: group.class == Class::Generic || scale < 1.0,
        technical: group.class == Class::Technical && scale >= 1.0,
        distinctive: false,
        own: false,
        negation: Negation::Rejects,
        list: None,
        steps: 0,
        alternative: false,
        branch: None,
        phrases: group
            .phrases
            .iter()
            .cloned()
            .zip(group.negative_phrases.iter().copied())
            .zip(&group.loose)
            .filter(|((p, _), loose)| !p.is_empty() && !**loose)
            .map(|(phrase, _)| phrase)
            .collect(),
        borrowed: 0,
        words: String::new(),
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
    /// Per stem, the positions in `content` where it occurs, in order: a phrase is looked for
    /// only where its first word is, so finding it takes time in its occurrences, not in the
    /// answer's length.
    at: HashMap<String, Vec<usize>>,
    /// Per token: in a keyword list, an outline heading or buzzword filler.
    listed: Vec<bool>,
    /// Per token: in a sentence that only asks ("maybe check the WAL archive?").
    asked: Vec<bool>,
}

/// The most hits an item takes from one of its phrases: its first occurrences. A phrase found
/// in more sentences than this only repeats itself (a 20,000-character answer has room for
/// 4,000 sentences), so the cap bounds the work and the evidence an item can collect.
pub const MAX_HITS_PER_PHRASE: usize = 256;

impl<'t> Answer<'t> {
    /// Tokenizes `text`; `rubric_stems` are all stems the rubric's items look for.
    pub fn new(text: &'t str, rubric_stems: &[&str]) -> Self {
        Self::with_borrowed(text, rubric_stems, &[])
    }

    /// Reads an answer knowing the rubric's own terms and the ones its items borrow: a heading
    /// or an outline line of either is a list of terms.
    pub fn with_borrowed(text: &'t str, rubric_stems: &[&str], borrowed: &[&str]) -> Self {
        let rubric_stems: HashSet<&str> = rubric_stems.iter().copied().collect();
        let borrowed: HashSet<&str> = borrowed.iter().copied().collect();
        let mut tokens = text::tokenize(text);
        correct_typos(&mut tokens, &rubric_stems);
        let content: Vec<usize> = (0..tokens.len()).filter(|&i| !tokens[i].stop).collect();
        let mut at: HashMap<String, Vec<usize>> = HashMap::new();
        for (position, &token) in content.iter().enumerate() {
            let stem = &tokens[token].stem;
            match at.get_mut(stem) {
                Some(positions) => positions.push(position),
                None => {
                    at.insert(stem.clone(), vec![position]);
                }
            }
        }
        let mut listed = keyword_lists(text, &tokens, &rubric_stems, &borrowed);
        // An idea only asked about ("maybe check the WAL archive?") is not one the answer
        // states: careful reviewers do not credit it, so grading reads it like a keyword list.
        let asked = questions(text, &tokens);
        for (listed, asked) in listed.iter_mut().zip(&asked) {
            *listed |= asked;
        }
        Self {
            text,
            tokens,
            content,
            at,
            listed,
            asked,
        }
    }

    /// Every place an idea of `model` occurs, as grading reads them: of the occurrences of one
    /// phrase in one sentence, only the first of each kind (negated or not, listed or not, in
    /// code or not), since a window takes the first hit of each idea and the rest of grading
    /// asks only whether a sentence has one; and at most [`MAX_HITS_PER_PHRASE`] per phrase.
    pub fn hits(&self, model: &ItemModel) -> Vec<Hit> {
        let blocked = self.blocked(model);
        let mut hits = Vec::new();
        for (c, concept) in model.concepts.iter().enumerate() {
            for (phrase, negative) in &concept.phrases {
                // The sentence of the last hit kept and the kinds kept in it, as bits.
                let mut seen = (usize::MAX, 0u8);
                let mut kept = 0;
                for at in self.find(phrase) {
                    let (first, last) = (self.content[at], self.content[at + phrase.len() - 1]);
                    if blocked
                        .as_ref()
                        .is_some_and(|b| b[first..=last].contains(&true))
                    {
                        continue;
                    }
                    let t = &self.tokens[first];
                    let negated = !negative && self.tokens[first..=last].iter().any(|t| t.negated);
                    let hit = Hit {
                        concept: c,
                        first,
                        last,
                        sentence: t.sentence,
                        negated,
                        code: t.code,
                        listed: self.listed[first],
                    };
                    let kind = 1u8
                        << (u8::from(hit.negated)
                            | u8::from(hit.listed) << 1
                            | u8::from(hit.code) << 2);
                    if seen.0 != hit.sentence {
                        seen = (hit.sentence, 0);
                    }
                    if seen.1 & kind != 0 {
                        continue;
                    }
                    if kept == MAX_HITS_PER_PHRASE {
                        break;
                    }
                    seen.1 |= kind;
                    kept += 1;
                    hits.push(hit);
                }
            }
        }
        hits
    }

    /// Content-token positions where `phrase` starts.
    fn find(&self, phrase: &[String]) -> Vec<usize> {
        let Some(starts) = phrase.first().and_then(|first| self.at.get(first)) else {
            return Vec::new();
        };
        starts
            .iter()
            .copied()
            .filter(|&at| {
                at + phrase.len() <= self.content.len()
                    && phrase[1..]
                        .iter()
                        .enumerate()
                        .all(|(k, p)| self.tokens[self.content[at + 1 + k]].stem == *p)
            })
            .collect()
    }

    /// Per token, whether one of the item's must-not-count phrases covers it; `None` when the
    /// item has none.
    fn blocked(&self, model: &ItemModel) -> Option<Vec<bool>> {
        if model.not.is_empty() {
            return None;
        }
        let mut blocked = vec![false; self.tokens.len()];
        for p in &model.not {
            for at in self.find(p) {
                let (a, b) = (self.content[at], self.content[at + p.len() - 1]);
                blocked[a..=b].fill(true);
            }
        }
        Some(blocked)
    }

    /// Token ranges where an author's extra evidence phrase occurs, not negated.
    /// The answer's text from token `first` to token `last`, on one line.
    /// Whether a token is in a keyword list, an outline heading, filler or a question.
    pub fn listed(&self, token: usize) -> bool {
        self.listed[token]
    }

    pub fn words(&self, first: usize, last: usize) -> String {
        let text = &self.text[self.tokens[first].start..self.tokens[last].end];
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    pub fn also_hits(&self, model: &ItemModel) -> Vec<(usize, usize)> {
        model
            .also
            .iter()
            .flat_map(|p| {
                self.find(p)
                    .into_iter()
                    .map(|at| (self.content[at], self.content[at + p.len() - 1]))
            })
            // An author's phrase counts where the answer states it: not negated and not only
            // asked about.
            .filter(|&(a, b)| {
                !self.tokens[a..=b].iter().any(|t| t.negated) && !self.asked[a..=b].contains(&true)
            })
            .collect()
    }
}

/// Reads a misspelt word as the rubric word it is one edit away from (`ignoreDiferences`,
/// `kubelt`, `certficate`): only words of five letters or more, with the same first letter.
fn correct_typos(tokens: &mut [Token], known: &HashSet<&str>) {
    let mut cache: HashMap<String, Option<&str>> = HashMap::new();
    for t in tokens.iter_mut() {
        if t.stop || t.stem.len() < 5 || known.contains(t.stem.as_str()) {
            continue;
        }
        let fix = *cache.entry(t.stem.clone()).or_insert_with(|| {
            let mut candidates = known
                .iter()
                .copied()
                .filter(|k| k.len() >= 5 && one_edit_apart(&t.stem, k));
            let first = candidates.next();
            // Ambiguous: leave it.
            first.filter(|_| candidates.next().is_none())
        });
        if let Some(fix) = fix {
            t.stem = fix.to_owned();
        }
    }
}

/// Whether two words differ by one insertion, deletion, substitution or swap of neighbours,
/// keeping their first letter.
fn one_edit_apart(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.first() != b.first() || a.len().abs_diff(b.len()) > 1 || a == b {
        return false;
    }
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (ra, rb) = (&a[prefix..], &b[prefix..]);
    match ra.len().cmp(&rb.len()) {
        std::cmp::Ordering::Equal => {
            ra[1..] == rb[1..]
                || (ra.len() >= 2 && ra[0] == rb[1] && ra[1] == rb[0] && ra[2..] == rb[2..])
        }
        std::cmp::Ordering::Less => ra == &rb[1..],
        std::cmp::Ordering::Greater => &ra[1..] == rb,
    }
}

/// Phrases that introduce name-dropping rather than a finding, an action or a reason: a
/// sentence holding one of them lists vocabulary ("leverage X", "keep X in mind", "best
/// practices around X", "the key concepts are X, Y").
const FILLER: &[&str] = &[
    "leverag",
    "best practice",
    "keep in mind",
    "key concepts",
    "key terms",
    "keywords",
    "buzzword",
    "usual suspects",
    "playbook is",
    "comfortable with",
    "to bear",
    "important areas",
    "accounted for",
    "aligned with",
    "principles",
    "mindset",
    "hygiene",
    "awareness of",
    "intersection of",
    "toolkit",
    "holistic",
    "the usual list",
    "touching the",
    "lifecycle",
    "is a symptom of",
];

/// The fewest parts (separated by commas, "and", "or") of a sentence of terms with no role.
const STRUNG_PARTS: usize = 7;

/// Stems of verbs that give a listed term a role ("check X", "delete Y").
const ACTION_STEMS: &[&str] = &[
    "check", "run", "delet", "remov", "set", "patch", "add", "hold", "paus", "disabl", "enabl",
    "roll", "revert", "restart", "curl", "describ", "cordon", "drain", "upgrad", "downgrad", "pin",
    "commit", "merg", "rais", "ask", "confirm", "watch", "grep", "find", "stop", "move", "appli",
    "scale", "compar", "look", "read", "verifi", "inspect", "fetch", "creat", "write", "show",
    "say", "put", "fight", "reset", "need", "requir", "bump", "edit", "wait", "leav", "keep",
    "tell", "drop", "expect", "switch", "flip",
];

/// Marks tokens that name-drop: bare keyword lists (a whole sentence of rubric terms, or three or
/// more short comma/slash/hashtag-separated items without a verb), outline lines and labelled
/// headings with no content under them, and sentences of buzzword filler.
fn keyword_lists(
    text: &str,
    tokens: &[Token],
    rubric_stems: &HashSet<&str>,
    borrowed: &HashSet<&str>,
) -> Vec<bool> {
    let mut listed = vec![false; tokens.len()];
    let is_verb = |t: &Token| !t.code && ACTION_STEMS.contains(&t.stem.as_str());
    let is_word = |t: &Token| !t.stop && !t.stem.chars().all(|c| c.is_ascii_digit());
    // Each sentence as a token range, for the outline reading after this one.
    let mut sentences: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let sentence = tokens[i].sentence;
        let end = tokens[i..]
            .iter()
            .position(|t| t.sentence != sentence)
            .map_or(tokens.len(), |p| i + p);
        sentences.push((i, end));
        let words = &tokens[i..end];
        let code = words.iter().any(|t| t.code);
        let content: Vec<&Token> = words.iter().filter(|t| is_word(t)).collect();
        let key = content
            .iter()
            .filter(|t| rubric_stems.contains(&t.stem.as_str()))
            .count();
        let any_key = content
            .iter()
            .any(|t| rubric_stems.contains(t.stem.as_str()) || borrowed.contains(t.stem.as_str()));
        let stops = words.len() - words.iter().filter(|t| !t.stop).count();
        // Hyphens read as spaces, so that filler matches "best-practice" too.
        let lower = text[words[0].start..words[words.len() - 1].end]
            .to_lowercase()
            .replace('-', " ");
        // "Classic HPA-vs-GitOps conflict." is a sentence: a list has separators or no full stop.
        let after = &text[words[words.len() - 1].end..];
        let full_stop =
            after.starts_with('.') && after[1..].chars().next().is_none_or(char::is_whitespace);
        let gaps: Vec<&str> = words
            .windows(2)
            .map(|w| &text[w[0].end..w[1].start])
            .collect();
        let separated = gaps
            .iter()
            .any(|g| g.contains([',', '/', '|', '#', '+', ';', ':']));
        // One identifier (`certmanager_certificate_expiration_timestamp_seconds.`) is a term.
        let one_word = !gaps.iter().any(|g| g.contains(char::is_whitespace));
        let terms = !full_stop || separated || one_word;
        // "describe pod -> OOMKilled, exit 137" is a finding in note form: an arrow or an
        // equals sign gives the terms a role.
        let relates = gaps
            .iter()
            .any(|g| g.contains("->") || g.contains('→') || g.contains("=>") || g.trim() == "=");
        // "describe pod says OOMKilled, exit code 137" is a finding: a verb with fewer than
        // three separated parts gives its terms a role.
        let parts = 1 + gaps
            .iter()
            .filter(|g| g.contains([',', '/', '|', '#', '+', ';']))
            .count();
        let verb = words.iter().any(is_verb);
        let verbs = words.iter().filter(|t| is_verb(t)).count();
        let strung = parts
            + words
                .iter()
                .filter(|t| {
                    let w = &text[t.start..t.end];
                    w.eq_ignore_ascii_case("and") || w.eq_ignore_ascii_case("or")
                })
                .count();
        let whole = (!code
            && terms
            && !relates
            && (parts >= 3 || !verb)
            && content.len() >= 3
            && stops == 0
            && key * 10 >= content.len() * 7)
            || FILLER.iter().any(|f| lower.contains(f))
            // A sentence that strings terms together with no role for any ("an OOMKilled
            // situation where the container limit, node memory, the deploy, a rollback and
            // alerting all come together"): many parts, at least half of its words the rubric's
            // terms, and at most one verb acting on them.
            || (!code && verbs <= 1 && strung >= STRUNG_PARTS && key * 2 >= content.len())
            // An outline line or a heading: a few words, no verb, no command.
            || (!code
                && !content.is_empty()
                && content.len() <= 3
                && !verb
                && any_key);
        if whole {
            listed[i..end].iter_mut().for_each(|l| *l = true);
        } else {
            mark_list_runs(text, tokens, i, end, &is_verb, &is_word, &mut listed);
        }
        i = end;
    }
    outline_of_terms(text, tokens, &sentences, &is_verb, &mut listed);
    listed
}

/// Headings (or bold labels) with terms under them and nothing else ("## Diagnosis /
/// Metabase, max_standby_streaming_delay / ## Mitigation / HAProxy, pg_cancel_backend"): an
/// outline that names the ideas without a role for any, so all of it is listed.
fn outline_of_terms(
    text: &str,
    tokens: &[Token],
    sentences: &[(usize, usize)],
    is_verb: &dyn Fn(&Token) -> bool,
    listed: &mut [bool],
) {
    let (mut headed, mut terms) = (0, 0);
    // Where the line of the sentence before began: lines are found left to right, so the text
    // is read once.
    let (mut line_start, mut read) = (0, 0);
    for &(a, b) in sentences {
        if let Some(n) = text[read..tokens[a].start].rfind('\n') {
            line_start = read + n + 1;
        }
        read = tokens[a].start;
        let lead = text[line_start..tokens[a].start].trim_start();
        // A heading, a bold label, or up to three words ending in a colon.
        let label_end = (a..b.min(a + 3))
            .find(|&j| text[tokens[j].end..].starts_with([':', '*']) && j + 1 < b)
            .filter(|&j| text[tokens[j].end..tokens[j + 1].start].contains(':'));
        let heading = lead.starts_with('#') || lead.starts_with("**") || label_end.is_some();
        let body = label_end.map_or(a, |j| j + 1);
        let words = &tokens[body..b];
        // A verb right after a content word names a thing ("health check", "rollout undo").
        let acts = words
            .iter()
            .enumerate()
            .any(|(k, t)| is_verb(t) && (k == 0 || words[k - 1].stop || is_verb(&words[k - 1])));
        let relating = words.iter().any(|t| relates(text, t));
        if heading {
            headed += 1;
        }
        if words.is_empty() && heading {
            continue;
        }
        if listed[a..b].iter().all(|&l| l) {
            terms += 1;
            continue;
        }
        if acts || relating {
            return;
        }
        terms += 1;
    }
    if headed >= 2 && terms >= 2 {
        listed.iter_mut().for_each(|l| *l = true);
    }
}

/// Whether a word relates the terms around it ("logrotate *by* size"): a function word other
/// than those that join or name ("and", "or"; "source *of* truth" is one name).
fn relates(text: &str, token: &Token) -> bool {
    token.stop
        && !matches!(
            text[token.start..token.end].to_lowercase().as_str(),
            "and" | "or" | "of"
        )
}

/// Within one sentence, marks runs of three or more short items separated by `,` `/` `#` `+`
/// `|` `:` or "and"/"or" (a bare enumeration of terms), unless most items have a verb.
fn mark_list_runs(
    text: &str,
    tokens: &[Token],
    start: usize,
    end: usize,
    is_verb: &dyn Fn(&Token) -> bool,
    is_word: &dyn Fn(&Token) -> bool,
    listed: &mut [bool],
) {
    // Items as token ranges.
    let mut items: Vec<(usize, usize)> = Vec::new();
    let mut from = start;
    for j in start..end {
        let word = text[tokens[j].start..tokens[j].end].to_lowercase();
        let conj = word == "and" || word == "or";
        let sep_before = j > start
            && text[tokens[j - 1].end..tokens[j].start].contains([',', '/', '#', '+', '|', ':']);
        if conj || sep_before {
            if j > from {
                items.push((from, j));
            }
            from = if conj { j + 1 } else { j };
        }
    }
    if end > from {
        items.push((from, end));
    }
    // A term: one to three words, no verb, no command, and no function word relating its words
    // ("logrotate by size", "page on the fill rate" are notes, not terms).
    let short = |&(a, b): &(usize, usize)| {
        let words: Vec<usize> = (a..b).filter(|&i| is_word(&tokens[i])).collect();
        let related = match (words.first(), words.last()) {
            (Some(&first), Some(&last)) => (first..last).any(|i| relates(text, &tokens[i])),
            _ => false,
        };
        (1..=3).contains(&words.len())
            && !related
            && !tokens[a..b].iter().any(|t| is_verb(t) || t.code)
    };
    // A leading label ("Afterwards: ...", "Key concepts: ...") names the list; it is not one of
    // its terms.
    if items.len() > 1 && text[tokens[items[0].1 - 1].end..tokens[items[1].0].start].contains(':') {
        items.remove(0);
    }
    let mut k = 0;
    while k < items.len() {
        let run = items[k..].iter().take_while(|it| short(it)).count();
        if run >= 3 {
            for &(a, b) in &items[k..k + run] {
                listed[a..b].iter_mut().for_each(|l| *l = true);
            }
        }
        k += run.max(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listed_words(answer: &str, rubric: &[&str]) -> Vec<String> {
        let a = Answer::new(answer, rubric);
        a.tokens
            .iter()
            .zip(&a.listed)
            .filter(|(_, l)| **l)
            .map(|(t, _)| t.stem.clone())
            .collect()
    }

    #[test]
    fn a_comma_separated_run_of_terms_is_name_dropping_but_a_sentence_with_verbs_is_not() {
        let rubric = ["hpa", "argocd", "ignor", "differ", "webhook", "git"];
        let listed = listed_words(
            "I fixed the outage. Key ideas: HPA, ArgoCD, ignoreDifferences, webhooks, Git.",
            &rubric,
        );
        assert!(listed.contains(&"hpa".to_owned()) && listed.contains(&"webhook".to_owned()));
        assert!(!listed.contains(&"fix".to_owned()));
        let prose = "The HPA scales to 8, Argo reverts it to 3 from Git, and the pods churn.";
        assert!(listed_words(prose, &rubric).is_empty());
    }

    #[test]
    fn a_note_relating_terms_with_an_arrow_is_a_finding_not_a_keyword_list() {
        let rubric = ["describ", "pod", "oom", "kill", "exit", "last", "state"];
        let note = "- describe pod -> Last State OOMKilled, exit 137";
        assert!(listed_words(note, &rubric).is_empty(), "{note}");
        // The same terms without the arrow are a bare list.
        let bare = "- describe pod, Last State OOMKilled, exit 137";
        assert!(!listed_words(bare, &rubric).is_empty(), "{bare}");
        // A verb with fewer than three separated parts gives the terms a role.
        let finding = "describe pod says OOMKilled, exit code 137.";
        assert!(listed_words(finding, &rubric).is_empty(), "{finding}");
    }

    #[test]
    fn a_sentence_stringing_terms_together_with_no_role_is_listed() {
        let rubric = [
            "oom", "kill", "exit", "code", "contain", "limit", "node", "memori", "deploy",
            "rollback", "quot", "cach", "ttl", "size", "alert",
        ];
        let strung = "This is an OOMKilled, exit-code-137 situation where the container limit, node memory, the deploy, a rollback, the quote cache with TTL and size, and alerting all come together.";
        assert!(listed_words(strung, &rubric).contains(&"ttl".to_owned()));
        // The same terms as what the speaker does are not a list.
        let done = "Roll back, then give the quote cache a size and a TTL, check the node memory, and alert near the container limit.";
        assert!(listed_words(done, &rubric).is_empty(), "{done}");
    }

    #[test]
    fn headings_with_only_terms_under_them_are_listed_whole() {
        let rubric = ["haproxi", "health", "check", "dedic", "replica", "metabas"];
        let outline = "## Diagnosis\nMetabase, max_standby_streaming_delay\n## Mitigation\nHAProxy, pg_cancel_backend\n## Prevention\nhealth check, dedicated replica";
        let listed = listed_words(outline, &rubric);
        assert!(listed.contains(&"dedic".to_owned()), "{listed:?}");
        let labels = "**Detection**: consumer lag, kafka-consumer-groups\n**Mitigation**: rollback, partitions, offsets\n**Prevention**: health check, dedicated replica";
        assert!(listed_words(labels, &rubric).contains(&"dedic".to_owned()));
        // The same headings over what the speaker does are notes, not a list.
        let notes = "## Mitigation\n- take replica-a out of the HAProxy pool\n## Prevention\n- add a health check on replay lag, give Metabase a dedicated replica";
        assert!(listed_words(notes, &rubric).is_empty(), "{notes}");
    }

    #[test]
    fn a_name_with_of_in_a_comma_list_is_one_of_its_terms() {
        let rubric = [
            "git", "sourc", "truth", "sync", "polici", "selfheal", "audit", "log",
        ];
        let list = "Git source of truth, sync policy, selfHeal, audit logs.";
        let listed = listed_words(list, &rubric);
        assert!(listed.contains(&"truth".to_owned()), "{listed:?}");
    }

    #[test]
    fn a_phrase_repeated_in_one_sentence_is_one_hit_and_in_many_sentences_at_most_the_cap() {
        let model = ItemModel::new("Scale the HPA", "", &[], &[]);
        let stems: Vec<&str> = model.stems().collect();
        let hpa = model
            .concepts
            .iter()
            .position(|c| c.label == "hpa")
            .unwrap();
        let hits_of = |answer: &str| {
            let answer = Answer::new(answer, &stems);
            let hits = answer.hits(&model);
            hits.iter().filter(|h| h.concept == hpa).count()
        };
        assert_eq!(hits_of(&"the HPA and the HPA ".repeat(500)), 1);
        assert_eq!(
            hits_of("The HPA scales. Then the HPA shrinks. `kubectl get hpa`"),
            3
        );
        assert_eq!(hits_of(&"HPA. ".repeat(1_000)), MAX_HITS_PER_PHRASE);
    }

    #[test]
    fn buzzword_filler_marks_its_sentence_as_listed() {
        let listed = listed_words(
            "I would leverage ignoreDifferences as a best practice. Then patch it.",
            &["ignor", "differ"],
        );
        assert!(listed.contains(&"ignor".to_owned()));
        assert!(!listed.contains(&"patch".to_owned()));
    }

    #[test]
    fn a_misspelt_rubric_word_is_read_as_the_word_it_is_one_edit_from() {
        let a = Answer::new(
            "add ignoreDiferences to the Aplication",
            &["differ", "applic"],
        );
        let stems: Vec<&str> = a.tokens.iter().map(|t| t.stem.as_str()).collect();
        assert_eq!(stems, ["add", "ignor", "differ", "to", "the", "applic"]);
        assert!(one_edit_apart("kubelt", "kubelet") && one_edit_apart("contianerd", "containerd"));
        assert!(!one_edit_apart("replica", "replica") && !one_edit_apart("ready", "steady"));
    }

    #[test]
    fn an_idea_another_item_only_explains_with_does_not_take_away_an_items_point() {
        let mut a = ItemModel::new("Git is the source of truth", "", &[], &[]);
        let mut b = ItemModel::new("Backport", "a path back to the source of truth", &[], &[]);
        weigh_by_distinctiveness([&mut a, &mut b].into_iter());
        let truth = a
            .concepts
            .iter()
            .find(|c| c.label == "source-of-truth")
            .unwrap();
        assert!(truth.distinctive && truth.own);
    }

    #[test]
    fn a_short_sentence_with_a_full_stop_is_not_a_keyword_list() {
        let rubric = ["classic", "hpa", "gitop", "conflict", "acm", "cmctl"];
        assert!(listed_words("Classic HPA-vs-GitOps conflict.", &rubric).is_empty());
        assert!(!listed_words("HPA. ACME. cmctl.", &rubric).is_empty());
        assert!(!listed_words("Classic, HPA, GitOps, conflict.", &rubric).is_empty());
    }

    #[test]
    fn a_does_not_item_flips_only_its_forbidden_action_and_a_lacking_item_ignores_negation() {
        let m = ItemModel::new(
            "Does not force-delete the StatefulSet pod on an unreachable node, to avoid two \
             brokers with one identity",
            "",
            &[],
            &[],
        );
        let rule = |l: &str| m.concepts.iter().find(|c| c.label == l).unwrap().negation;
        assert_eq!(rule("force-delete"), Negation::Flips);
        assert_eq!(rule("pod"), Negation::Neutral);
        assert_eq!(rule("ident"), Negation::Rejects);
        let m = ItemModel::new("Identifies containerd lacking the CRI v1 API", "", &[], &[]);
        let cri = m.concepts.iter().find(|c| c.label == "cri-v1").unwrap();
        assert_eq!(cri.negation, Negation::Neutral);
    }

    #[test]
    fn parallel_ideas_joined_by_and_or_commas_form_a_list_but_verbs_and_adjectives_do_not() {
        let lists = |t: &str| {
            ItemModel::new(t, "", &[], &[])
                .concepts
                .iter()
                .filter(|c| c.list.is_some())
                .map(|c| (c.label.clone(), c.steps))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            lists("Adds alerting on certificate readiness and expiry well before the deadline"),
            [("readiness".to_owned(), 1), ("expiry".to_owned(), 1)]
        );
        // "Order" and "Challenge" are common words the lexicon leaves alone: each is a member
        // of the list on its own.
        assert_eq!(
            lists(
                "Follows Certificate, CertificateRequest, Order and Challenge to the failing step"
            ),
            [
                ("certif".to_owned(), 1),
                ("cert-chain".to_owned(), 1),
                ("order".to_owned(), 1),
                ("challeng".to_owned(), 1)
            ]
        );
        assert!(
            lists("Frees the cache by size or TTL")
                .iter()
                .all(|(_, steps)| *steps == 1)
        );
        assert!(lists("Reads the Challenge reason and reproduces the HTTP-01 request").is_empty());
        assert!(lists("Rolling kubelet back is safe and quick").is_empty());
    }

    #[test]
    fn an_idea_shared_by_several_items_weighs_less_than_an_items_own_idea() {
        let mut a = ItemModel::new("HPA vs ArgoCD conflict", "", &[], &[]);
        let mut b = ItemModel::new("audit ArgoCD apps with ignoreDifferences", "", &[], &[]);
        weigh_by_distinctiveness([&mut a, &mut b].into_iter());
        let weight =
            |m: &ItemModel, l: &str| m.concepts.iter().find(|c| c.label == l).unwrap().weight;
        assert!(weight(&b, "ignore-differences") > weight(&b, "argocd"));
        assert!(weight(&a, "hpa") > weight(&a, "argocd"));
    }
}
