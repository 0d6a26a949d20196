//! Rubric items derived from a page that has no checklist: a walkthrough's root cause, fix and
//! key investigation steps, and a gauntlet round's strong answer. Each item says one idea, as
//! what the learner does ("Checks the kernel log for OOM kills"), and is marked derived.

use super::investigation::Step;
use super::scenario::{RubricItem, Scenario, dedupe_ids, item_id};

/// At most this many preventive bullets and investigation steps become items.
const MAX_PREVENTIVE: usize = 3;
const MAX_STEPS: usize = 3;
/// A gauntlet round is scored against this many of its strong answer's ideas.
const ROUND_ITEMS: std::ops::RangeInclusive<usize> = 3..=5;
/// Sentences longer than this are cut at a clause boundary when one leaves enough words.
const MAX_WORDS: usize = 22;
/// Fewer words than this is not an idea a grader can look for.
const MIN_WORDS: usize = 3;

/// The items of a walkthrough without a checklist: the key investigation steps, the root
/// cause itself, the immediate fix (its options as one item) and each preventive bullet.
pub fn walkthrough(scenario: &Scenario) -> Vec<RubricItem> {
    let cause = scenario
        .root_cause
        .as_ref()
        .filter(|b| !b.text.trim().is_empty());
    let mut items: Vec<RubricItem> = key_steps(&scenario.investigation, cause.map(|b| &b.text[..]))
        .into_iter()
        .map(|step| derived(&third_person(&step.title), step.line))
        .collect();
    if let Some(cause) = cause
        && let Some(first) = sentences(&cause.text).into_iter().next()
    {
        items.push(derived(&shorten(&first), cause.line));
    }
    if let Some(fix) = &scenario.fix {
        if let Some(immediate) = &fix.immediate
            && !fix.options.is_empty()
        {
            items.push(immediate_fix(&fix.options, immediate.line));
        }
        for item in fix.preventive.iter().take(MAX_PREVENTIVE) {
            items.push(derived(&third_person(&shorten(&item.text)), item.line));
        }
    }
    dedupe_ids(&mut items);
    items
}

/// The immediate fix as one item, its options joined by "or"; the start of each option is a
/// phrase that covers the item alone, since any one of them restores service.
fn immediate_fix(options: &[String], line: usize) -> RubricItem {
    let text: Vec<String> = options
        .iter()
        .enumerate()
        .map(|(n, option)| match n {
            0 => third_person(option),
            _ => lower_first(&third_person(option)),
        })
        .collect();
    let mut item = derived(&text.join(", or "), line);
    item.also = options
        .iter()
        .filter_map(|option| {
            let cut = [
                " and ", " until ", " to ", " so ", " at ", " in ", " on ", " for ", ",",
            ]
            .iter()
            .filter_map(|b| option.find(b))
            .min()
            .unwrap_or(option.len());
            let phrase: Vec<&str> = option[..cut].split_whitespace().take(5).collect();
            (phrase.len() >= 2).then(|| phrase.join(" ").to_lowercase())
        })
        .collect();
    item
}

/// The steps most about the root cause (sharing the most of its words), at most
/// [`MAX_STEPS`], in their order on the page.
fn key_steps<'s>(steps: &'s [Step], cause: Option<&str>) -> Vec<&'s Step> {
    let cause_words = content_words(cause.unwrap_or_default());
    let mut ranked: Vec<(usize, usize)> = steps
        .iter()
        .enumerate()
        .map(|(i, step)| {
            let words = content_words(&format!("{} {}", step.title, step.shows.join(" ")));
            (words.iter().filter(|w| cause_words.contains(w)).count(), i)
        })
        .collect();
    ranked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut chosen: Vec<usize> = ranked.into_iter().take(MAX_STEPS).map(|(_, i)| i).collect();
    chosen.sort_unstable();
    chosen.into_iter().map(|i| &steps[i]).collect()
}

/// The items of a gauntlet round: three to five ideas of its strong answer (without its
/// code), each as what the candidate does, the most specific first chosen.
pub fn round(strong_answer: &str, line: usize) -> Vec<RubricItem> {
    let unquoted = strong_answer
        .trim()
        .trim_matches(['"', '\u{201c}', '\u{201d}', ' ']);
    let long = |s: &String| words(s) > MAX_WORDS;
    let mut ideas: Vec<String> = sentences(unquoted)
        .iter()
        .map(|s| as_action(s))
        .flat_map(|s| if long(&s) { clauses(&s) } else { vec![s] })
        .filter(|s| words(s) >= MIN_WORDS)
        .collect();
    if ideas.len() < *ROUND_ITEMS.start() {
        ideas = ideas
            .iter()
            .flat_map(|s| clauses(s))
            .filter(|s| words(s) >= MIN_WORDS)
            .collect();
    }
    if ideas.len() > *ROUND_ITEMS.end() {
        let mut ranked: Vec<(usize, usize)> = ideas
            .iter()
            .enumerate()
            .map(|(i, s)| (content_words(s).len(), i))
            .collect();
        ranked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut keep: Vec<usize> = ranked[..*ROUND_ITEMS.end()]
            .iter()
            .map(|(_, i)| *i)
            .collect();
        keep.sort_unstable();
        ideas = keep.into_iter().map(|i| ideas[i].clone()).collect();
    }
    let mut items: Vec<RubricItem> = ideas.iter().map(|idea| derived(idea, line)).collect();
    dedupe_ids(&mut items);
    items
}

fn derived(text: &str, line: usize) -> RubricItem {
    let text = upper_first(text.trim().trim_end_matches(['.', ':', ';', ',']).trim());
    let mut html = String::new();
    super::markdown::escape_into(&mut html, &text);
    RubricItem {
        id: item_id(&text),
        text,
        html,
        weight: 1.0,
        line,
        also: Vec::new(),
        not: Vec::new(),
        derived: true,
    }
}

/// Splits prose into sentences: at `.`, `?` or `!` followed by a space and a capital letter,
/// a quote or a digit, and at line breaks.
pub fn sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let mut start = 0;
        let bytes = line.as_bytes();
        for (i, b) in bytes.iter().enumerate() {
            let ends = matches!(b, b'.' | b'?' | b'!')
                && bytes.get(i + 1) == Some(&b' ')
                && line[i + 2..]
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit() || c == '"');
            if ends {
                out.push(line[start..=i].trim().to_owned());
                start = i + 2;
            }
        }
        out.push(line[start..].trim().to_owned());
    }
    out.retain(|s| !s.is_empty());
    out
}

/// A sentence cut at a clause boundary when it is long and a boundary leaves enough words.
fn shorten(sentence: &str) -> String {
    if words(sentence) <= MAX_WORDS {
        return sentence.to_owned();
    }
    let cut = BOUNDARIES
        .iter()
        .filter_map(|b| sentence.find(b))
        .filter(|&at| (MIN_WORDS + 2..=MAX_WORDS).contains(&words(&sentence[..at])))
        .max();
    cut.map_or_else(|| sentence.to_owned(), |at| sentence[..at].to_owned())
}

const BOUNDARIES: [&str; 8] = [
    "; ",
    ", so ",
    ", which ",
    ", because ",
    " — ",
    ", and ",
    ", then ",
    ": ",
];

/// A sentence's clauses that can stand as ideas of their own: split at `; ` and `: `, and at
/// `, ` wherever both sides keep five words or more; each as what the candidate does.
fn clauses(sentence: &str) -> Vec<String> {
    const CLAUSE_WORDS: usize = 5;
    let mut out = Vec::new();
    for part in sentence.split("; ").flat_map(|p| p.split(": ")) {
        let pieces: Vec<&str> = part.split(", ").collect();
        let mut current = String::new();
        for (n, piece) in pieces.iter().enumerate() {
            if !current.is_empty() {
                current.push_str(", ");
            }
            current.push_str(piece);
            let rest: usize = pieces[n + 1..].iter().map(|p| words(p)).sum();
            if words(&current) >= CLAUSE_WORDS && rest >= CLAUSE_WORDS {
                out.push(clause_action(&std::mem::take(&mut current)));
            }
        }
        if !current.is_empty() {
            out.push(clause_action(&current));
        }
    }
    out
}

/// A clause without the conjunction that joined it (`then check the logs`), as an action.
fn clause_action(clause: &str) -> String {
    let clause = clause.trim();
    let bare = ["and then ", "then ", "and ", "so ", "or ", "but "]
        .iter()
        .find_map(|c| clause.strip_prefix(c))
        .unwrap_or(clause);
    let action = as_action(bare);
    match action.starts_with(char::is_lowercase) {
        true => third_person(&action),
        false => action,
    }
}

/// A first-person sentence of a model answer as what the candidate does: `First I'd check the
/// logs` -> `Checks the logs`, `I would not delete them` -> `Does not delete them`. Other
/// sentences are kept as written.
fn as_action(sentence: &str) -> String {
    let mut rest = sentence.trim();
    // The first-person clause of `If X, I'd do Y`, `When X I would do Y` or `X, so I'd do Y`.
    let conditional = ["If ", "When ", "Once ", "After ", "Before "]
        .iter()
        .any(|c| rest.starts_with(c));
    let markers: &[&str] = match conditional {
        true => &[", so I", ", then I", ", I", " I"],
        false => &[", so I", ", then I", ", I"],
    };
    for marker in markers {
        if let Some(at) = rest
            .match_indices(marker)
            .map(|(at, _)| at + marker.len() - 1)
            .find(|&at| starts_first_person(&rest[at..]))
        {
            rest = &rest[at..];
            break;
        }
    }
    for connector in [
        "First,",
        "First",
        "Then,",
        "Then",
        "Next,",
        "Next",
        "Finally,",
        "Also,",
        "And then",
        "And",
        "But",
        "So",
        "Meanwhile,",
        "In parallel,",
        "After that,",
    ] {
        if let Some(after) = rest.strip_prefix(connector)
            && starts_first_person(after.trim_start())
        {
            rest = after.trim_start();
        }
    }
    for (subject, negated) in FIRST_PERSON {
        if let Some(after) = rest.strip_prefix(subject) {
            let after = after.trim_start();
            let after = ["also ", "first ", "then "]
                .iter()
                .find_map(|w| after.strip_prefix(w))
                .unwrap_or(after);
            return match negated {
                true => format!("Does not {after}"),
                false => third_person(after),
            };
        }
    }
    sentence.trim().to_owned()
}

/// Subjects a model answer starts its actions with, and whether they negate the action.
const FIRST_PERSON: [(&str, bool); 10] = [
    ("I would not ", true),
    ("I wouldn't ", true),
    ("I'd not ", true),
    ("I would never ", true),
    ("I'd never ", true),
    ("I'd ", false),
    ("I would ", false),
    ("I'll ", false),
    ("I will ", false),
    ("I ", false),
];

fn starts_first_person(text: &str) -> bool {
    FIRST_PERSON.iter().any(|(s, _)| text.starts_with(s))
}

/// An imperative phrase as what someone does: `Check the logs` -> `Checks the logs`. A phrase
/// whose first word does not look like a verb in the imperative is kept, capitalised.
pub fn third_person(phrase: &str) -> String {
    let phrase = phrase.trim();
    let (first, rest) = phrase.split_once(' ').unwrap_or((phrase, ""));
    let lower = first.to_ascii_lowercase();
    let is_verb = first.len() > 1
        && first.bytes().all(|b| b.is_ascii_alphabetic())
        && first[1..].bytes().all(|b| b.is_ascii_lowercase())
        && !not_verbs().any(|w| w == lower)
        // `Uses` is already conjugated; `Access` is not.
        && (!lower.ends_with('s') || lower.ends_with("ss"))
        && !lower.ends_with("ing")
        && !lower.ends_with("ed");
    let verb = match lower.as_str() {
        _ if !is_verb => return upper_first(phrase),
        "have" => "has".to_owned(),
        "be" => "is".to_owned(),
        w if w.ends_with('y') && !w[..w.len() - 1].ends_with(['a', 'e', 'o', 'u']) => {
            format!("{}ies", &w[..w.len() - 1])
        }
        w if w.ends_with(['s', 'x', 'z', 'o']) || w.ends_with("sh") || w.ends_with("ch") => {
            format!("{w}es")
        }
        w => format!("{w}s"),
    };
    let verb = upper_first(&verb);
    match rest.is_empty() {
        true => verb,
        false => format!("{verb} {rest}"),
    }
}

/// First words that are not verbs, though they look like one (`not_verbs.txt`): function
/// words, and tools a step may be named after.
fn not_verbs() -> impl Iterator<Item = &'static str> {
    include_str!("not_verbs.txt")
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
}

fn upper_first(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

/// `The JVM...` -> `the JVM...`; a first word in capitals (`JVM`, `CoreDNS`) is kept.
fn lower_first(text: &str) -> String {
    let first = text.split_whitespace().next().unwrap_or_default();
    match first.chars().skip(1).any(char::is_uppercase) {
        true => text.to_owned(),
        false => {
            let mut chars = text.chars();
            chars
                .next()
                .map_or_else(String::new, |c| c.to_lowercase().chain(chars).collect())
        }
    }
}

fn words(text: &str) -> usize {
    text.split_whitespace().count()
}

/// The lowercased words of four letters or more: enough to tell what a step or idea is about.
fn content_words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() >= 4)
        .map(str::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imperative_titles_become_what_the_learner_does() {
        assert_eq!(
            third_person("Check the kernel log for OOM kills"),
            "Checks the kernel log for OOM kills"
        );
        assert_eq!(third_person("Verify the fix"), "Verifies the fix");
        assert_eq!(third_person("Push a fix"), "Pushes a fix");
        assert_eq!(third_person("Pay attention"), "Pays attention");
        assert_eq!(third_person("Access the node"), "Accesses the node");
        for kept in [
            "Uses the cache",
            "OOM kills in the log",
            "The heap size",
            "kubectl logs",
        ] {
            assert_eq!(third_person(kept), upper_first(kept), "{kept}");
        }
    }

    #[test]
    fn the_list_of_words_that_are_not_verbs_is_lowercase_single_words_without_repeats() {
        let words: Vec<&str> = not_verbs().collect();
        for word in &words {
            assert!(word.bytes().all(|b| b.is_ascii_lowercase()), "{word}");
        }
        let unique: std::collections::HashSet<_> = words.iter().collect();
        assert_eq!(unique.len(), words.len());
        assert_eq!(
            third_person("After the restart, check"),
            "After the restart, check"
        );
    }

    #[test]
    fn first_person_model_answers_become_actions() {
        assert_eq!(
            as_action("First I'd confirm it is the data directory filling."),
            "Confirms it is the data directory filling."
        );
        assert_eq!(
            as_action("I would not delete segment files by hand, since the broker indexes them."),
            "Does not delete segment files by hand, since the broker indexes them."
        );
        assert_eq!(
            as_action("If one topic grew suddenly, I would look for a producer that changed."),
            "Looks for a producer that changed."
        );
        assert_eq!(
            as_action("When the lag is back I'd drop the slot."),
            "Drops the slot."
        );
        assert_eq!(
            as_action("And I'd open a ticket with PayGate with our egress IP."),
            "Opens a ticket with PayGate with our egress IP."
        );
        assert_eq!(
            as_action("Retention is not running."),
            "Retention is not running."
        );
    }

    #[test]
    fn sentences_split_at_stops_before_capitals_and_at_lines() {
        assert_eq!(
            sentences("Use e.g. df first. Then du? 3 pods.\nNext line"),
            ["Use e.g. df first.", "Then du?", "3 pods.", "Next line"]
        );
    }

    #[test]
    fn long_sentences_are_cut_at_a_clause_boundary() {
        let long = "The rebuilt image's JVM sizes its heap at 90% of the container limit, and the grown order volume pushed total memory past the 512Mi limit, so the kernel ends the job";
        assert_eq!(
            shorten(long),
            "The rebuilt image's JVM sizes its heap at 90% of the container limit"
        );
        assert_eq!(shorten("Short and sweet."), "Short and sweet.");
    }
}
