//! Learning from a scenario's rubric tests: where the grader disagrees with the verdict an
//! author expects for a sample answer, the sample's passage becomes a lesson of that item. An
//! answer passage like one the author counts as covering the item (`raises`) earns that verdict;
//! evidence like a passage the author counts as not covering it (a list of the item's terms, a
//! restated prompt) is held to the author's verdict. "Like" is the share of the passage's words
//! the answer states, each weighed by how rare it is among the scenario's samples, so the
//! words every answer to the scenario uses say little. A lesson binds only its scenario.

use std::collections::{BTreeSet, HashMap, HashSet};

use super::matcher::Answer;
use super::{Evidence, ItemGrade, Rubric, Verdict};
use crate::content::scenario::Scenario;

/// The share of a taught passage's weighted words an answer's sentence (or two adjacent ones)
/// must state to earn the passage's verdict. Chosen on the dev scenarios (`firedrill eval --split
/// dev`), see BENCHMARKS.md.
const RAISE_AT: f32 = 0.5;
/// The likeness (weighted Dice) between the sentences an item's evidence stands in and a taught
/// passage that does not count, at which the evidence is held to the author's verdict.
const HOLD_AT: f32 = 0.8;
/// Rounds of teaching: a lesson can make another sample wrong, which then teaches too.
const ROUNDS: usize = 3;

/// One thing a sample taught an item.
#[derive(Debug, Clone)]
pub struct Lesson {
    /// The sample's number in its file, from 1.
    pub sample: usize,
    /// The verdict the author expects where an answer says something like the passage.
    pub verdict: Verdict,
    /// Whether it raises a verdict (the grader gave less) or holds one down.
    pub raises: bool,
    /// The sample's words the lesson was taken from, for `check --lessons`.
    pub passage: String,
    words: Vec<(String, f32)>,
    total: f32,
    negated: bool,
    /// Taken from a keyword list or a question: it then speaks only for lists like it.
    listed: bool,
}

/// How rare each word is among a scenario's samples (inverse sentence frequency).
#[derive(Debug, Clone, Default)]
pub struct Rarity {
    weights: HashMap<String, f32>,
    /// The weight of a word no sample uses.
    unseen: f32,
}

impl Rarity {
    fn of(answers: &[Answer<'_>]) -> Self {
        let mut df: HashMap<&str, usize> = HashMap::new();
        let mut n = 0usize;
        for answer in answers {
            for words in sentence_words(answer).values() {
                n += 1;
                for w in &words.words {
                    *df.entry(w).or_default() += 1;
                }
            }
        }
        let weight = |df: usize| ((n as f32 + 1.0) / (df as f32 + 0.5)).ln().max(0.1);
        Self {
            weights: df
                .into_iter()
                .map(|(w, d)| (w.to_owned(), weight(d)))
                .collect(),
            unseen: weight(0),
        }
    }

    fn weight(&self, word: &str) -> f32 {
        self.weights.get(word).copied().unwrap_or(self.unseen)
    }
}

/// The content words of one sentence of an answer.
#[derive(Debug, Default)]
struct Words<'a> {
    words: BTreeSet<&'a str>,
    first: usize,
    last: usize,
    negated: bool,
    /// Tokens in a keyword list or a question, and all content tokens.
    listed: usize,
    content: usize,
}

/// Per sentence index, its content words.
fn sentence_words<'a>(answer: &'a Answer<'_>) -> std::collections::BTreeMap<usize, Words<'a>> {
    let mut out: std::collections::BTreeMap<usize, Words<'a>> = Default::default();
    for (i, t) in answer.tokens.iter().enumerate() {
        if t.stop || t.stem.is_empty() {
            continue;
        }
        let w = out.entry(t.sentence).or_insert_with(|| Words {
            first: i,
            ..Words::default()
        });
        w.words.insert(t.stem.as_str());
        w.last = i;
        w.negated |= t.negated;
        w.content += 1;
        w.listed += usize::from(answer.listed(i));
    }
    out
}

/// An answer read for lessons: its sentences' words, and windows of one or two adjacent ones.
#[derive(Debug)]
pub struct Reading<'a> {
    sentences: std::collections::BTreeMap<usize, Words<'a>>,
}

impl<'a> Reading<'a> {
    pub fn new(answer: &'a Answer<'_>) -> Self {
        Self {
            sentences: sentence_words(answer),
        }
    }

    /// Windows of one sentence and of two adjacent ones: (first, last) sentence indices.
    fn windows(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        let keys: Vec<usize> = self.sentences.keys().copied().collect();
        (0..keys.len()).flat_map(move |i| {
            let one = std::iter::once((keys[i], keys[i]));
            let two = keys.get(i + 1).map(|&next| (keys[i], next));
            one.chain(two)
        })
    }

    fn words(&self, from: usize, to: usize) -> (BTreeSet<&'a str>, bool, usize, usize) {
        let mut words = BTreeSet::new();
        let (mut negated, mut listed, mut content) = (false, 0, 0);
        for (_, w) in self.sentences.range(from..=to) {
            words.extend(w.words.iter().copied());
            negated |= w.negated;
            listed += w.listed;
            content += w.content;
        }
        (words, negated, listed, content)
    }

    fn words_of(&self, sentences: &[usize]) -> (BTreeSet<&'a str>, bool, usize, usize) {
        let mut words = BTreeSet::new();
        let (mut negated, mut listed, mut content) = (false, 0, 0);
        for w in sentences.iter().filter_map(|s| self.sentences.get(s)) {
            words.extend(w.words.iter().copied());
            negated |= w.negated;
            listed += w.listed;
            content += w.content;
        }
        (words, negated, listed, content)
    }

    fn span(&self, from: usize, to: usize) -> Option<(usize, usize)> {
        let mut range = self.sentences.range(from..=to);
        let first = range.next()?.1.first;
        let last = self.sentences.range(from..=to).last()?.1.last;
        Some((first, last))
    }
}

fn rank(v: Verdict) -> u8 {
    match v {
        Verdict::Missed => 0,
        Verdict::Review => 1,
        Verdict::Partial => 2,
        Verdict::Covered => 3,
    }
}

impl Lesson {
    fn new(
        sample: usize,
        verdict: Verdict,
        raises: bool,
        answer: &Answer<'_>,
        reading: &Reading<'_>,
        sentences: &[usize],
        rarity: &Rarity,
    ) -> Option<Self> {
        let (words, negated, listed, content) = reading.words_of(sentences);
        let passage: Vec<String> = sentences
            .iter()
            .filter_map(|&s| reading.span(s, s))
            .map(|(first, last)| answer.words(first, last))
            .collect();
        let mut words: Vec<(String, f32)> = words
            .into_iter()
            .map(|w| (w.to_owned(), rarity.weight(w)))
            .collect();
        words.sort_by(|a, b| a.0.cmp(&b.0));
        let total = words.iter().map(|w| w.1).sum();
        (total > 0.0).then(|| Self {
            sample,
            verdict,
            raises,
            passage: passage.join(" … "),
            words,
            total,
            negated,
            listed: listed * 2 > content,
        })
    }

    /// The weight of the passage's words that `words` states.
    fn found_in(&self, words: &BTreeSet<&str>) -> f32 {
        self.words
            .iter()
            .filter(|(w, _)| words.contains(w.as_str()))
            .map(|w| w.1)
            .sum()
    }

    /// The weighted share of the passage's words that `words` states.
    fn contained_in(&self, words: &BTreeSet<&str>, negated: bool) -> f32 {
        let found = self.found_in(words);
        // A denial of what the passage affirms (or the other way round) is not like it.
        match negated == self.negated {
            true => found / self.total,
            false => 0.0,
        }
    }

    /// Weighted Dice likeness of the passage and `words`.
    fn like(&self, words: &BTreeSet<&str>, negated: bool, rarity: &Rarity) -> f32 {
        let found = self.found_in(words);
        let theirs: f32 = words.iter().map(|w| rarity.weight(w)).sum();
        match negated == self.negated {
            true => 2.0 * found / (self.total + theirs),
            false => 0.0,
        }
    }
}

/// What an item's lessons make of its grade: the grade itself, or the taught verdict with the
/// answer's words that earned it.
pub fn apply(
    grade: ItemGrade,
    lessons: &[Lesson],
    answer: &Answer<'_>,
    reading: &Reading<'_>,
    rarity: &Rarity,
) -> ItemGrade {
    if lessons.is_empty() {
        return grade;
    }
    // The best passage like a lesson that raises, over windows of one or two sentences. A
    // window read as a list of terms (or a question) is like only a passage that was one too,
    // and then only as a whole (weighted Dice, not containment): a keyword list holds most
    // words of any terse note, so containment would credit stuffing.
    let mut best_raise: Option<(f32, &Lesson, (usize, usize))> = None;
    for (from, to) in reading.windows() {
        let (words, negated, listed, content) = reading.words(from, to);
        let listed = listed * 2 > content;
        for lesson in lessons.iter().filter(|l| l.raises && (l.listed || !listed)) {
            let share = match listed {
                false => lesson.contained_in(&words, negated),
                true => Some(lesson.like(&words, negated, rarity))
                    .filter(|&like| like >= HOLD_AT)
                    .unwrap_or(0.0),
            };
            // One sentence that is like the passage before two; then the closer passage.
            let better = best_raise.is_none_or(|b| {
                let (one, best_one) = (from == to, b.2.0 == b.2.1);
                (one && !best_one) || (one == best_one && share > b.0)
            });
            if share >= RAISE_AT && better {
                best_raise = Some((share, lesson, (from, to)));
            }
        }
    }
    // The sentences the grade's evidence stands in, against the lessons that hold down.
    let mut best_hold: Option<(f32, &Lesson)> = None;
    let evidence = evidence_sentences(&grade, answer, reading);
    if !evidence.is_empty() {
        let (words, negated, _, _) = reading.words_of(&evidence);
        for lesson in lessons.iter().filter(|l| !l.raises) {
            let like = lesson.like(&words, negated, rarity);
            if like >= HOLD_AT && best_hold.is_none_or(|b| like > b.0) {
                best_hold = Some((like, lesson));
            }
        }
    }
    // A passage like a taught one that does not count is not raised by another that does.
    let held = |share: f32, (from, to): (usize, usize)| {
        let (words, negated, _, _) = reading.words(from, to);
        lessons
            .iter()
            .filter(|l| !l.raises)
            .any(|l| l.like(&words, negated, rarity) >= HOLD_AT.max(share))
    };
    let raise = best_raise.filter(|&(share, lesson, window)| {
        rank(lesson.verdict) > rank(grade.verdict)
            && best_hold.is_none_or(|(h, _)| share > h)
            && !held(share, window)
    });
    if let Some((_, lesson, (from, to))) = raise {
        let Some((first, last)) = reading.span(from, to) else {
            return grade;
        };
        let (start, mut end) = (answer.tokens[first].start, answer.tokens[last].end);
        // Through the closing brackets and quotes of the last word ("(2.8.3)").
        end += answer.text[end..]
            .chars()
            .take_while(|c| matches!(c, ')' | ']' | '"' | '\'' | '”' | '’'))
            .map(char::len_utf8)
            .sum::<usize>();
        return ItemGrade {
            verdict: lesson.verdict,
            evidence: vec![Evidence {
                text: answer.text[start..end].to_owned(),
                start,
                end,
            }],
            reason: format!(
                "the answer says “{}”, which reads like a sample answer the scenario's author counts as {}",
                shorten(
                    &answer.text[start..end]
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" ")
                ),
                match lesson.verdict {
                    Verdict::Covered => "covering this item",
                    _ => "partly covering this item",
                }
            ),
            ..grade
        };
    }
    if let Some((_, lesson)) = best_hold.filter(|(_, l)| rank(l.verdict) < rank(grade.verdict)) {
        let said: Vec<&str> = grade.evidence.iter().map(|e| e.text.as_str()).collect();
        let reason = format!(
            "the answer says {}, but in the way a sample answer the scenario's author counts as {} does",
            said.iter()
                .take(4)
                .map(|s| format!("“{s}”"))
                .collect::<Vec<_>>()
                .join(", "),
            match lesson.verdict {
                Verdict::Partial => "only partly covering this item",
                _ => "not covering this item",
            }
        );
        return ItemGrade {
            verdict: lesson.verdict,
            evidence: match lesson.verdict {
                Verdict::Missed => Vec::new(),
                _ => grade.evidence.clone(),
            },
            reason,
            ..grade
        };
    }
    grade
}

fn shorten(text: &str) -> String {
    const MAX: usize = 160;
    match text.char_indices().nth(MAX) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

/// Teaches `rubric` its scenario's samples: rounds of grading each sample and turning every
/// disagreement into a lesson of the item, until the samples agree or nothing more is learnt.
pub fn teach(rubric: &mut Rubric, scenario: &Scenario) {
    let samples = &scenario.samples;
    if samples.is_empty() {
        return;
    }
    let lines = scenario_lines(scenario);
    let answers: Vec<Answer<'_>> = samples.iter().map(|s| rubric.read(&s.answer)).collect();
    rubric.rarity = Rarity::of(&answers);
    let expected: Vec<Vec<(usize, Verdict)>> = samples
        .iter()
        .map(|s| {
            s.expect
                .iter()
                .filter_map(|(id, v)| {
                    let item = rubric.items.iter().position(|i| &i.id == id)?;
                    Some((item, Verdict::parse(v)?))
                })
                .collect()
        })
        .collect();
    for _ in 0..ROUNDS {
        let mut learnt = false;
        for (n, answer) in answers.iter().enumerate() {
            let reading = Reading::new(answer);
            let grade = rubric.grade_prepared(answer);
            for &(item, want) in &expected[n] {
                let got = &grade.items[item];
                if got.verdict == want {
                    continue;
                }
                let raises = rank(want) > rank(got.verdict);
                let already = rubric.items[item]
                    .lessons
                    .iter()
                    .any(|l| l.sample == n + 1 && l.raises == raises);
                if already {
                    continue;
                }
                let sentences = match raises {
                    true => passage_for(rubric, item, &grade, answer, &reading, &lines),
                    false => evidence_sentences(got, answer, &reading),
                };
                let lesson = Lesson::new(
                    n + 1,
                    want,
                    raises,
                    answer,
                    &reading,
                    &sentences,
                    &rubric.rarity,
                );
                if let Some(lesson) = lesson {
                    rubric.items[item].lessons.push(lesson);
                    learnt = true;
                }
            }
        }
        if !learnt {
            break;
        }
    }
}

/// The sentence of a sample that says what the author counts as the item: the one sharing
/// most of the item's words (rare words weigh more), preferring one the grader did not take as
/// evidence for another item; else the one sharing most words with the scenario's lines that
/// name the item's own ideas; none when no sentence shares any.
fn passage_for(
    rubric: &Rubric,
    item: usize,
    grade: &super::Grade,
    answer: &Answer<'_>,
    reading: &Reading<'_>,
    lines: &[BTreeSet<String>],
) -> Vec<usize> {
    // In order, the first that some sentence shares: the item's own ideas (no other item has
    // them) in the item's words, first in a sentence the grader took as no other item's
    // evidence, then in any; then, only in such a sentence: those ideas in any of their
    // phrases; its ideas but the generic ones ("check", "fix"); the words of the scenario's
    // lines naming its own ideas; for an item with nothing else, all of its ideas and words.
    let concepts = &rubric.items[item].model.concepts;
    let stems_of = |keep: &dyn Fn(&super::matcher::Concept) -> bool| -> HashSet<String> {
        concepts
            .iter()
            .filter(|c| keep(c))
            .flat_map(|c| c.phrases.iter().flat_map(|(p, _)| p.iter().cloned()))
            .collect()
    };
    let mut all = stems_of(&|_| true);
    all.extend(
        super::text::tokenize(&rubric.items[item].text)
            .into_iter()
            .filter(|t| !t.stop)
            .map(|t| t.stem),
    );
    let explained: HashSet<usize> = grade
        .items
        .iter()
        .enumerate()
        .filter(|&(i, g)| i != item && g.verdict == Verdict::Covered)
        .flat_map(|(_, g)| evidence_sentences(g, answer, reading))
        .collect();
    let non_generic = stems_of(&|c| !c.generic);
    // The words of the scenario's own lines (path steps, evidence, root cause...) that name the
    // item's own ideas (its non-generic ones when it has none of its own): where a sample says
    // the item in other words, it often says what those lines show.
    let own = stems_of(&|c| c.own);
    let key = match own.is_empty() {
        true => &non_generic,
        false => &own,
    };
    let grounded: HashSet<String> = lines
        .iter()
        .filter(|line| line.iter().any(|w| key.contains(w)))
        .flat_map(|line| line.iter().cloned())
        .filter(|w| !all.contains(w))
        .collect();
    let last = match non_generic.is_empty() {
        true => all,
        false => HashSet::new(),
    };
    // The item's own ideas in the item's own words (not the thesaurus's other phrases for
    // them), and the words of its text no other item's text has (a version, a name).
    let words_of = |text: &str| -> HashSet<String> {
        super::text::tokenize(text)
            .into_iter()
            .filter(|t| !t.stop && !t.stem.is_empty())
            .map(|t| t.stem)
            .collect()
    };
    let others: HashSet<String> = rubric
        .items
        .iter()
        .enumerate()
        .filter(|&(i, _)| i != item)
        .flat_map(|(_, other)| words_of(&other.text))
        .collect();
    let mut own_words: HashSet<String> = concepts
        .iter()
        .filter(|c| c.own)
        .flat_map(|c| words_of(&c.words))
        .collect();
    own_words.extend(
        words_of(&rubric.items[item].text)
            .into_iter()
            .filter(|w| !others.contains(w)),
    );
    let tiers: [(HashSet<String>, bool); 6] = [
        (own_words.clone(), false),
        (own_words, true),
        (own, false),
        (non_generic, false),
        (grounded, false),
        (last, false),
    ];
    if std::env::var("DEBUG_LESSON").is_ok()
        && rubric.items[item].id.starts_with("finds-what-holds")
    {
        for (s, w) in &reading.sentences {
            eprintln!(
                "S{s} expl={} words={:?} shared_grounded={:?}",
                explained.contains(s),
                w.words,
                w.words
                    .iter()
                    .filter(|x| tiers[4].0.contains(**x))
                    .collect::<Vec<_>>()
            );
        }
        eprintln!("own_words={:?}", tiers[0].0);
    }
    let mut best = None;
    for (words, anywhere) in &tiers {
        best = reading
            .sentences
            .iter()
            .filter(|(s, _)| *anywhere || !explained.contains(s))
            .map(|(&s, w)| {
                let shared: f32 = w
                    .words
                    .iter()
                    .filter(|x| words.contains(**x))
                    .map(|x| rubric.rarity.weight(x))
                    .sum();
                (shared, !explained.contains(&s), s)
            })
            .filter(|(shared, _, _)| *shared > 0.0)
            .max_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        if best.is_some() {
            break;
        }
    }
    if let Some((_, _, s)) = best {
        return vec![s];
    }
    // Nothing shared: which sentence says it cannot be told, so nothing is learnt (a sample
    // mislabelled by mistake must not teach).
    Vec::new()
}

/// The content words of each line of the scenario that finds or explains something: the
/// evidence, each step of the path (title, commands, what they show), the root cause's
/// sentences, a walkthrough's fix and prevention, the key concepts. Words of the prompt and the
/// initial report, which every answer echoes, are left out.
fn scenario_lines(scenario: &Scenario) -> Vec<BTreeSet<String>> {
    let words = |text: &str| -> BTreeSet<String> {
        super::text::tokenize(text)
            .into_iter()
            .filter(|t| !t.stop && !t.stem.is_empty())
            .map(|t| t.stem)
            .collect()
    };
    let echoed: BTreeSet<String> = [&scenario.prompt, &scenario.initial_report]
        .into_iter()
        .flatten()
        .flat_map(|b| words(&b.text))
        .collect();
    let mut texts: Vec<String> = Vec::new();
    if let Some(root) = &scenario.root_cause {
        texts.extend(root.text.split_inclusive(['.', '\n']).map(str::to_owned));
    }
    texts.extend(
        scenario
            .evidence
            .iter()
            .chain(&scenario.constraints)
            .chain(&scenario.root_causes)
            .map(|i| i.text.clone()),
    );
    texts.extend(
        scenario
            .investigation
            .iter()
            .map(|s| format!("{} {} {}", s.title, s.code, s.shows.join(" "))),
    );
    if let Some(fix) = &scenario.fix {
        texts.extend(fix.options.iter().cloned());
        texts.extend(fix.preventive.iter().map(|i| i.text.clone()));
    }
    texts.extend(
        scenario
            .key_concepts
            .iter()
            .map(|c| format!("{} {}", c.name, c.explanation)),
    );
    texts
        .iter()
        .map(|t| {
            words(t)
                .into_iter()
                .filter(|w| !echoed.contains(w))
                .collect()
        })
        .filter(|words: &BTreeSet<String>| !words.is_empty())
        .collect()
}

/// The sentences the grade's evidence stands in, in order.
fn evidence_sentences(grade: &ItemGrade, answer: &Answer<'_>, reading: &Reading<'_>) -> Vec<usize> {
    let mut sentences: Vec<usize> = grade
        .evidence
        .iter()
        .flat_map(|e| {
            answer
                .tokens
                .iter()
                .filter(move |t| !t.stop && t.start >= e.start && t.end <= e.end)
                .map(|t| t.sentence)
        })
        .filter(|s| reading.sentences.contains_key(s))
        .collect();
    sentences.sort_unstable();
    sentences.dedup();
    sentences
}

#[cfg(test)]
mod tests {
    use crate::content::{Site, SourceFile};
    use crate::grading::{Rubric, Verdict};

    const MD: &str = "# Scenario: S\n\n## The Prompt\n\nGo.\n\n## What a Strong Answer Includes\n\n- Rolls the kubelet back to the previous version\n- Adds a canary node to the upgrade process\n";
    const ROLLS: &str = "rolls-the-kubelet-back-to-the";

    fn rubric(tests: Option<&str>) -> Rubric {
        let mut site = Site::build(&[SourceFile {
            path: "s.md".into(),
            bytes: MD.as_bytes().to_vec(),
        }]);
        if let Some(yaml) = tests {
            site.attach_samples(&[SourceFile {
                path: "s.tests.yaml".into(),
                bytes: yaml.as_bytes().to_vec(),
            }]);
        }
        Rubric::of("s", site.scenario("s").unwrap().scenario.as_ref().unwrap())
    }

    fn verdict(rubric: &Rubric, answer: &str) -> (Verdict, String) {
        let grade = rubric.grade(answer);
        let item = grade.items.iter().find(|i| i.id == ROLLS).unwrap();
        (item.verdict, item.reason.clone())
    }

    #[test]
    fn a_sample_counted_as_covering_an_item_teaches_it_answers_that_say_the_same() {
        let sample = "Reinstall last month's package of the node daemon on the sick hosts.";
        let yaml = format!("- answer: |\n    {sample}\n  expect:\n    {ROLLS}: covered\n");
        let untaught = rubric(None);
        assert_eq!(
            verdict(&untaught, sample).0,
            Verdict::Missed,
            "the lesson must be needed"
        );
        let taught = rubric(Some(&yaml));
        assert_eq!(taught.items[0].lessons.len(), 1);
        assert_eq!(verdict(&taught, sample).0, Verdict::Covered);
        // Another answer saying the same in its own sentence, among others.
        let (v, why) = verdict(
            &taught,
            "Nodes went NotReady at 10:02. First I would reinstall last month's package of the node daemon on each sick host. Then we look at why.",
        );
        assert_eq!(v, Verdict::Covered, "{why}");
        assert!(
            why.contains(
                "reads like a sample answer the scenario's author counts as covering this item"
            ),
            "{why}"
        );
        assert!(
            why.contains("“reinstall last month's package of the node daemon on each sick host”"),
            "{why}"
        );
        // Its words in a keyword list, or denied, or something else entirely: not taught.
        for other in [
            "node daemon, package, sick hosts, last month, reinstall",
            "I would not reinstall last month's package of the node daemon on the sick hosts.",
            "Put the dashboards on the wall and page the team.",
        ] {
            assert_eq!(verdict(&taught, other).0, Verdict::Missed, "{other}");
        }
        // What a rubric test teaches is part of the rubric's version.
        assert_ne!(untaught.version, taught.version);
        let changed = rubric(Some(&yaml.replace("covered", "partial")));
        assert_ne!(changed.version, taught.version);
        assert_eq!(verdict(&changed, sample).0, Verdict::Partial);
    }

    #[test]
    fn a_sample_counted_as_not_covering_an_item_holds_down_evidence_like_it() {
        // History restated from the prompt is not the action the item asks for.
        let sample = "The vendor rolled the kubelet back to the previous version last week, before this incident.";
        let yaml = format!("- answer: |\n    {sample}\n  expect:\n    {ROLLS}: missed\n");
        assert_eq!(
            verdict(&rubric(None), sample).0,
            Verdict::Covered,
            "the lesson must be needed"
        );
        let taught = rubric(Some(&yaml));
        let (v, why) = verdict(&taught, sample);
        assert_eq!(v, Verdict::Missed);
        assert!(why.contains("in the way a sample answer the scenario's author counts as not covering this item does"), "{why}");
        let (v, why) = verdict(
            &taught,
            "The vendor rolled the kubelet back to the previous version last week, before the incident.",
        );
        assert_eq!(v, Verdict::Missed, "{why}");
        // Saying the action itself is still covered.
        let (v, why) = verdict(
            &taught,
            "Roll the kubelet back to the previous version now, node by node.",
        );
        assert_eq!(v, Verdict::Covered, "{why}");
    }

    #[test]
    fn a_sample_teaches_from_its_sentence_naming_what_only_this_item_names() {
        let md = "# Scenario: S\n\n## The Prompt\n\nGo.\n\n## What a Strong Answer Includes\n\n- Ties the spike in errors to the 5.12.0 deploy of the ledger worker\n- Rolls back with helm rollback\n";
        let mut site = Site::build(&[SourceFile {
            path: "s.md".into(),
            bytes: md.as_bytes().to_vec(),
        }]);
        let sample = "errors: connection refused to 127.0.0.1:8081\nerror graph jumps the minute 5.12.0 landed\nhelm rollback checkout 86";
        let yaml = format!(
            "- answer: |\n    {}\n  expect:\n    ties-the-spike-in-errors-to: covered\n",
            sample.replace('\n', "\n    ")
        );
        site.attach_samples(&[SourceFile {
            path: "s.tests.yaml".into(),
            bytes: yaml.into_bytes(),
        }]);
        let scenario = site.scenario("s").unwrap().scenario.as_ref().unwrap();
        let untaught = Rubric::of(
            "s",
            &crate::content::scenario::Scenario {
                samples: Vec::new(),
                ..scenario.clone()
            },
        );
        let verdict_of = |rubric: &Rubric, answer: &str| rubric.grade(answer).items[0].verdict;
        assert_ne!(
            verdict_of(&untaught, sample),
            Verdict::Covered,
            "the lesson must be needed"
        );
        let taught = Rubric::of("s", scenario);
        // The version only this item names picks the sentence, not the first line.
        let passages: Vec<&str> = taught.items[0]
            .lessons
            .iter()
            .map(|l| l.passage.as_str())
            .collect();
        assert_eq!(passages, ["error graph jumps the minute 5.12.0 landed"]);
        assert_eq!(
            verdict_of(
                &taught,
                "The error graph jumps the minute 5.12.0 landed, so I page the owners."
            ),
            Verdict::Covered
        );
        assert_ne!(
            verdict_of(&taught, "errors: connection refused to 127.0.0.1:8081"),
            Verdict::Covered
        );
    }
}
