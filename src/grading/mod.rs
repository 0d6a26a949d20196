//! Grading: rubric items + answer text -> a verdict per item with the evidence (byte spans of
//! the answer) and the reason. Pure, offline, no model: items become weighted ideas from a
//! domain thesaurus, matched on stemmed words, with negated mentions and bare keyword lists
//! not counting; then what the scenario's rubric tests taught each item (`lessons`).

pub mod eval;
pub mod lessons;
mod matcher;
pub mod samples;
pub mod text;
mod thesaurus;
mod window;

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::content::scenario::Scenario;
use matcher::{Answer, Hit, ItemModel, Negation};
use window::{best_window, denies_in_one_sentence, makes_point};

/// The machine's (or a human's) judgment of one item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Covered,
    Partial,
    Missed,
    /// The matcher is unsure, e.g. the idea appears but negated: a human should look.
    Review,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Covered => "covered",
            Verdict::Partial => "partial",
            Verdict::Missed => "missed",
            Verdict::Review => "review",
        }
    }

    /// The share of an item's weight this verdict earns: the one scoring rule used by attempts,
    /// interviews, statistics and exports. A partial item counts half; an item a human has not
    /// settled (`review`) earns nothing until they do.
    pub fn credit(self) -> f64 {
        match self {
            Verdict::Covered => 1.0,
            Verdict::Partial => 0.5,
            Verdict::Missed | Verdict::Review => 0.0,
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [
            Verdict::Covered,
            Verdict::Partial,
            Verdict::Missed,
            Verdict::Review,
        ]
        .into_iter()
        .find(|v| v.as_str() == text)
    }
}

/// The score of weighted verdicts: the weighted share of covered items, a partial item counting
/// half (see [`Verdict::credit`]); 0 when there is no weight at all.
pub fn score(verdicts: impl IntoIterator<Item = (Verdict, f32)>) -> f64 {
    let (earned, total) =
        verdicts
            .into_iter()
            .fold((0.0, 0.0), |(earned, total), (verdict, weight)| {
                let weight = f64::from(weight);
                (earned + weight * verdict.credit(), total + weight)
            });
    if total > 0.0 { earned / total } else { 0.0 }
}

/// Names the scoring rule in every rubric version, so a change of rule makes stored attempts
/// outdated and `rescore` shows and applies its effect.
const SCORING_RULE: &str = "partial counts half";

/// The grader's revision, part of every rubric version: change it with any change to how
/// answers are read, so stored attempts graded by an older grader count as outdated and
/// `firedrill rescore` shows (and with `--apply` stores) what the new one changes.
const GRADER: &str =
    "2026-12-08c: outlines of terms, alerting as an everyday idea, implied objects, connectives";

/// A span of the answer that earned (part of) a verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    pub text: String,
    pub start: usize,
    pub end: usize,
}

/// One item of a rubric, ready to match.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Item {
    pub id: String,
    pub text: String,
    pub weight: f32,
    /// Derived from the page's other sections (a walkthrough's fix), not written as a checklist
    /// item: its evidence phrases are the page's, not an author's annotation.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub derived: bool,
    #[serde(skip)]
    model: ItemModel,
    /// What the scenario's rubric tests taught this item.
    #[serde(skip)]
    pub lessons: Vec<lessons::Lesson>,
}

/// An anti-pattern to flag.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TrapItem {
    pub id: String,
    pub claim: String,
    pub explanation: String,
    #[serde(skip)]
    model: ItemModel,
}

/// What a scenario's answers are scored against.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Rubric {
    pub scenario: String,
    /// Changes whenever an item's id, text, weight or annotations change.
    pub version: String,
    pub items: Vec<Item>,
    pub traps: Vec<TrapItem>,
    /// The thresholds verdicts are read with.
    #[serde(skip)]
    pub settings: Settings,
    /// How rare each word is among the scenario's rubric-test samples, for its lessons.
    #[serde(skip)]
    rarity: lessons::Rarity,
}

/// The shares of an item's weight the answer must state for each verdict. The shipped values
/// are those leave-one-scenario-out selection over the dev scenarios picks (`firedrill eval
/// --split dev` shows the selection); other values exist only for that selection.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    pub covered_at: f32,
    pub partial_at: f32,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            covered_at: 0.35,
            partial_at: 0.35,
        }
    }
}

impl Settings {
    /// The values leave-one-scenario-out selection chooses from; a partial threshold equal to
    /// the covered one leaves no band of partial credit by share alone.
    pub fn grid() -> Vec<Self> {
        let mut out = Vec::new();
        for covered in [0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7] {
            for partial in [0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6] {
                if partial <= covered {
                    out.push(Self {
                        covered_at: covered,
                        partial_at: partial,
                    });
                }
            }
        }
        out
    }
}

/// The verdict on one item.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ItemGrade {
    pub id: String,
    pub text: String,
    pub weight: f32,
    pub verdict: Verdict,
    pub evidence: Vec<Evidence>,
    pub reason: String,
}

/// A trap the answer falls into.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TrapHit {
    pub id: String,
    pub claim: String,
    pub explanation: String,
    pub evidence: Vec<Evidence>,
}

/// The whole result for one answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Grade {
    pub score: f64,
    pub covered: usize,
    pub total: usize,
    pub items: Vec<ItemGrade>,
    pub traps: Vec<TrapHit>,
}

impl Grade {
    /// The score and the count of covered items once a person's verdicts (`human`, by item id)
    /// replace the machine's on the items they settled.
    pub fn settled(&self, human: impl Fn(&str) -> Option<Verdict>) -> (f64, usize) {
        let verdicts: Vec<(Verdict, f32)> = self
            .items
            .iter()
            .map(|i| (human(&i.id).unwrap_or(i.verdict), i.weight))
            .collect();
        let covered = verdicts.iter().filter(|(v, _)| *v == Verdict::Covered);
        (score(verdicts.iter().copied()), covered.count())
    }
}

/// The machine's verdict on each item of a stored grade (JSON), by item id; empty when the JSON
/// cannot be read. Reads only what it needs, so grades stored by older graders read too.
pub fn stored_verdicts(verdicts_json: &str) -> Vec<(String, Verdict)> {
    #[derive(Deserialize)]
    struct Stored {
        items: Vec<StoredItem>,
    }
    #[derive(Deserialize)]
    struct StoredItem {
        id: String,
        verdict: Verdict,
    }
    serde_json::from_str::<Stored>(verdicts_json)
        .map(|s| s.items.into_iter().map(|i| (i.id, i.verdict)).collect())
        .unwrap_or_default()
}

/// [`Grade::settled`] over a stored grade (JSON) and its overrides (item id, verdict), as the
/// store needs it when it keeps an attempt's score current; `None` when the JSON is unreadable.
pub fn settle_stored(verdicts_json: &str, overrides: &[(String, String)]) -> Option<(f64, i64)> {
    let grade: Grade = serde_json::from_str(verdicts_json).ok()?;
    let (score, covered) = grade.settled(|id| {
        let (_, verdict) = overrides.iter().find(|(item, _)| item == id)?;
        Verdict::parse(verdict)
    });
    Some((score, i64::try_from(covered).unwrap_or(i64::MAX)))
}

impl Rubric {
    /// The rubric of a scenario: its checklist, or without one its key concepts; its traps.
    pub fn of(slug: &str, scenario: &Scenario) -> Self {
        let model_answer = scenario
            .model_answer
            .as_ref()
            .map_or("", |b| b.text.as_str());
        let items: Vec<Item> = if !scenario.rubric.is_empty() {
            scenario
                .rubric
                .iter()
                .map(|r| Item {
                    id: r.id.clone(),
                    text: r.text.clone(),
                    weight: r.weight,
                    derived: r.derived,
                    model: ItemModel::new(&r.text, "", &r.also, &r.not),
                    lessons: Vec::new(),
                })
                .collect()
        } else if !scenario.key_concepts.is_empty() {
            // Without a checklist: each key concept, explained by its own text. (Adding the model
            // answer's sentences as context diluted every concept: kappa 0.750 -> 0.688.)
            scenario
                .key_concepts
                .iter()
                .map(|c| Item {
                    id: crate::content::scenario::item_id(&c.name),
                    text: format!("{}: {}", c.name, c.explanation),
                    weight: c.weight,
                    derived: false,
                    model: ItemModel::new(&c.name, &c.explanation, &c.also, &c.not),
                    lessons: Vec::new(),
                })
                .collect()
        } else {
            // Only a model answer: each of its sentences is an item.
            sentences(model_answer)
                .filter(|s| s.split_whitespace().count() >= 5)
                .map(|s| Item {
                    id: crate::content::scenario::item_id(s),
                    text: s.to_owned(),
                    weight: 1.0,
                    derived: false,
                    model: ItemModel::new(s, "", &[], &[]),
                    lessons: Vec::new(),
                })
                .collect()
        };
        let mut items = items;
        matcher::weigh_by_distinctiveness(items.iter_mut().map(|i| &mut i.model));
        let traps = scenario
            .traps
            .iter()
            .map(|t| TrapItem {
                id: crate::content::scenario::item_id(&t.claim),
                claim: t.claim.clone(),
                explanation: t.explanation.clone(),
                model: ItemModel::new(&t.claim, "", &[], &[]),
            })
            .collect();
        let version = version_of(&items, scenario, slug);
        let mut rubric = Self {
            scenario: slug.to_owned(),
            version,
            items,
            traps,
            settings: Settings::default(),
            rarity: lessons::Rarity::default(),
        };
        lessons::teach(&mut rubric, scenario);
        rubric
    }

    /// Every stem the rubric's items and traps look for.
    fn stems(&self) -> impl Iterator<Item = &str> {
        self.items
            .iter()
            .flat_map(|i| i.model.stems())
            .chain(self.traps.iter().flat_map(|t| t.model.stems()))
    }

    /// Every stem the rubric's items borrow (synonyms, the field lexicon).
    fn borrowed_stems(&self) -> impl Iterator<Item = &str> {
        self.items
            .iter()
            .flat_map(|i| i.model.borrowed_stems())
            .chain(self.traps.iter().flat_map(|t| t.model.borrowed_stems()))
    }

    /// Reads an answer as this rubric does.
    pub(crate) fn read<'t>(&self, answer: &'t str) -> Answer<'t> {
        let stems: Vec<&str> = self.stems().collect();
        let borrowed: Vec<&str> = self.borrowed_stems().collect();
        Answer::with_borrowed(answer, &stems, &borrowed)
    }

    /// Grades an answer.
    pub fn grade(&self, answer: &str) -> Grade {
        self.grade_prepared(&self.read(answer))
    }

    /// Grades an answer already read.
    fn grade_prepared(&self, prepared: &Answer<'_>) -> Grade {
        let reading = self
            .items
            .iter()
            .any(|i| !i.lessons.is_empty())
            .then(|| lessons::Reading::new(prepared));
        let items: Vec<ItemGrade> = self
            .items
            .iter()
            .map(|item| {
                let grade = grade_item(item, prepared, self.settings);
                match &reading {
                    Some(reading) => {
                        lessons::apply(grade, &item.lessons, prepared, reading, &self.rarity)
                    }
                    None => grade,
                }
            })
            .collect();
        let traps = self
            .traps
            .iter()
            .filter_map(|trap| trap_hit(trap, prepared))
            .collect();
        Grade {
            score: score(items.iter().map(|i| (i.verdict, i.weight))),
            covered: items
                .iter()
                .filter(|i| i.verdict == Verdict::Covered)
                .count(),
            total: items.len(),
            items,
            traps,
        }
    }
}

/// The sentences of a text, trimmed.
fn sentences(text: &str) -> impl Iterator<Item = &str> {
    text.split_inclusive(['.', '!', '?', '\n'])
        .map(|s| s.trim().trim_matches('"').trim())
        .filter(|s| !s.is_empty())
}

/// A short stable hash (FNV-1a) of everything that affects verdicts.
fn version_of(items: &[Item], scenario: &Scenario, slug: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |s: &str| {
        for b in s.bytes().chain([0xff]) {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    };
    feed(SCORING_RULE);
    feed(GRADER);
    feed(slug);
    for item in items {
        feed(&item.id);
        feed(&item.text);
        feed(&item.weight.to_string());
    }
    for r in &scenario.rubric {
        r.also.iter().chain(&r.not).for_each(|p| feed(p));
    }
    // Only when they are the items: a checklist's scenario keeps its version if a key concept
    // it does not grade by gets an annotation.
    if scenario.rubric.is_empty() {
        for c in &scenario.key_concepts {
            c.also.iter().chain(&c.not).for_each(|p| feed(p));
        }
    }
    for t in &scenario.traps {
        feed(&t.claim);
    }
    // What the rubric tests teach is part of the rubric: a changed sample changes verdicts.
    for sample in &scenario.samples {
        feed(&sample.answer);
        for (id, verdict) in &sample.expect {
            feed(id);
            feed(verdict);
        }
    }
    format!("{hash:016x}")[..12].to_owned()
}

/// The most evidence spans an item's verdict shows: an author's evidence phrase repeated all
/// over an answer earns the item once, and a few spans show where.
pub const MAX_EVIDENCE: usize = 32;

fn grade_item(item: &Item, answer: &Answer<'_>, settings: Settings) -> ItemGrade {
    let Settings {
        covered_at,
        partial_at,
    } = settings;
    let also = answer.also_hits(&item.model);
    if !also.is_empty() {
        let evidence = also.iter().map(|&(a, b)| evidence(answer, a, b)).collect();
        return finish(
            item,
            Verdict::Covered,
            evidence,
            format!(
                "the answer says {}, which {}",
                also.iter()
                    .take(3)
                    .map(|&(a, b)| format!("“{}”", answer.words(a, b)))
                    .collect::<Vec<_>>()
                    .join(", "),
                if item.derived {
                    "the page names as one way to do this"
                } else {
                    "the author counts as this item"
                }
            ),
        );
    }
    // For a "does not" item, rejecting the action is the evidence, and doing it counts against.
    let hits: Vec<Hit> = answer
        .hits(&item.model)
        .into_iter()
        .map(|mut h| {
            match item.model.concepts[h.concept].negation {
                Negation::Rejects => {}
                Negation::Flips => h.negated = !h.negated,
                Negation::Neutral => h.negated = false,
            }
            h
        })
        .collect();
    // Doing the forbidden action next to the harm the item names ("force-deleting it starts a
    // second broker with the same identity") explains why not to: it is the rejection.
    // The harm is two of the item's other ideas ("second broker", "same identity"), so that the
    // object alone ("force delete the Kafka pod") is not one.
    let harmful = harmful_sentences(&item.model, &hits);
    let hits: Vec<Hit> = hits
        .into_iter()
        .map(|mut h| {
            if item.model.concepts[h.concept].negation == Negation::Flips
                && h.negated
                && harmful.contains(&h.sentence)
            {
                h.negated = false;
            }
            h
        })
        .collect();
    let usable: Vec<Hit> = hits
        .iter()
        .copied()
        .filter(|h| !h.negated && !h.listed)
        .collect();
    let (share, window) = best_window(&item.model, &usable);
    let negated_share = best_window(
        &item.model,
        &hits
            .iter()
            .copied()
            .filter(|h| !h.listed)
            .collect::<Vec<_>>(),
    )
    .0;
    let found: Vec<&str> = window
        .iter()
        .map(|h| item.model.concepts[h.concept].label.as_str())
        .collect();
    // The item's distinctive ideas: each must be found for "covered"; one found only where the
    // answer rejects it means the answer rejects the item.
    // Of an item with two ways, the ideas of the way the window takes.
    let way = item.model.way_of(&window);
    let distinctive: Vec<usize> = (0..item.model.concepts.len())
        .filter(|&c| {
            let concept = &item.model.concepts[c];
            concept.distinctive && (concept.branch.is_none() || concept.branch == way)
        })
        .collect();
    let has_point = makes_point(&item.model, &window);
    // The answer denies the whole idea in one sentence ("ArgoCD isn't fighting the HPA") and
    // affirms it only from words scattered over several: the denial is what it says.
    let scattered = window.iter().any(|h| h.sentence != window[0].sentence);
    let denied = scattered && denies_in_one_sentence(&item.model, &hits, covered_at);
    let rejected = denied
        || distinctive.iter().any(|&c| {
            hits.iter()
                .any(|h| h.concept == c && h.negated && !h.listed)
                && !usable.iter().any(|h| h.concept == c)
        });
    let verdict = if share >= covered_at && has_point && !rejected {
        if names_enough_of_each_list(&item.model, answer, &usable, &window) {
            Verdict::Covered
        } else {
            Verdict::Partial
        }
    } else if rejected || (negated_share >= covered_at && hits.iter().any(|h| h.negated)) {
        // Rejected outright ("no need to roll back"), or for a "does not" item the forbidden
        // action done and never refused: missed. Affirmed in one place and rejected in another:
        // the evidence is mixed, and a person should look.
        let forbidden_done = (0..item.model.concepts.len())
            .filter(|&c| item.model.concepts[c].negation == Negation::Flips)
            .any(|c| {
                hits.iter()
                    .any(|h| h.concept == c && h.negated && !h.listed)
                    && !usable.iter().any(|h| h.concept == c)
            });
        if share >= partial_at && has_own(&item.model, &window) && !forbidden_done {
            Verdict::Review
        } else {
            Verdict::Missed
        }
    } else if share >= partial_at
        && ((has_point && !distinctive.is_empty())
            || (window
                .iter()
                .filter(|h| !item.model.concepts[h.concept].generic)
                .count()
                >= 2
                && has_own(&item.model, &window)))
    {
        Verdict::Partial
    } else {
        Verdict::Missed
    };
    let reason = reason(item, verdict, &found, &window, &hits, answer);
    let evidence = window
        .iter()
        .map(|h| evidence(answer, h.first, h.last))
        .collect();
    finish(item, verdict, evidence, reason)
}

/// The sentences where the answer names two or more of the item's other ideas (not generic,
/// not negated, not listed): where doing a forbidden action comes with the harm it does.
fn harmful_sentences(model: &ItemModel, hits: &[Hit]) -> HashSet<usize> {
    let mut ideas: Vec<(usize, usize)> = hits
        .iter()
        .filter(|h| {
            let c = &model.concepts[h.concept];
            c.negation == Negation::Rejects && !c.generic && !h.negated && !h.listed
        })
        .map(|h| (h.sentence, h.concept))
        .collect();
    ideas.sort_unstable();
    ideas.dedup();
    ideas
        .chunk_by(|a, b| a.0 == b.0)
        .filter(|sentence| sentence.len() >= 2)
        .map(|sentence| sentence[0].0)
        .collect()
}

fn finish(item: &Item, verdict: Verdict, mut evidence: Vec<Evidence>, reason: String) -> ItemGrade {
    evidence.sort_by_key(|e| e.start);
    evidence.dedup_by(|a, b| a.start < b.end);
    // Spans that touch are parts of one word (`PayGate`): one span.
    evidence.dedup_by(|a, b| {
        let touches = a.start == b.end;
        if touches {
            b.end = a.end;
            b.text.push_str(&a.text);
        }
        touches
    });
    evidence.truncate(MAX_EVIDENCE);
    ItemGrade {
        id: item.id.clone(),
        text: item.text.clone(),
        weight: item.weight,
        verdict,
        evidence,
        reason,
    }
}

/// Whether a window names, of each list of parallel ideas in the item, all of a pair and at least
/// two of a longer list ("Certificate, CertificateRequest, Order and Challenge" is not followed
/// by one step). One idea naming several members counts as many as distinct phrases of it are
/// found near the window.
fn names_enough_of_each_list(
    model: &ItemModel,
    answer: &Answer<'_>,
    usable: &[Hit],
    window: &[Hit],
) -> bool {
    let Some(from) = window.iter().map(|h| h.sentence).min() else {
        return true;
    };
    let lists = model.concepts.iter().filter_map(|c| c.list).max();
    (0..lists.map_or(0, |l| l + 1)).all(|list| {
        let members: Vec<usize> = (0..model.concepts.len())
            .filter(|&c| model.concepts[c].list == Some(list))
            .collect();
        let size: usize = members.iter().map(|&c| model.concepts[c].steps).sum();
        let found: usize = members
            .iter()
            .map(|&c| {
                let mut phrases: Vec<Vec<&str>> = usable
                    .iter()
                    .filter(|h| h.concept == c && h.sentence >= from && h.sentence <= from + 2)
                    .map(|h| {
                        answer.tokens[h.first..=h.last]
                            .iter()
                            .filter(|t| !t.stop)
                            .map(|t| t.stem.as_str())
                            .collect()
                    })
                    .collect();
                phrases.sort();
                phrases.dedup();
                phrases.len().min(model.concepts[c].steps)
            })
            .sum();
        let alternatives = members.iter().any(|&c| model.concepts[c].alternative);
        found >= if alternatives { 1 } else { size.min(2) }
    })
}

/// Whether a window holds one of the item's own ideas, if it has any: ideas it shares with other
/// items (the product names) are not even part of its point.
fn has_own(model: &ItemModel, window: &[Hit]) -> bool {
    !model.concepts.iter().any(|c| c.own) || window.iter().any(|h| model.concepts[h.concept].own)
}

fn evidence(answer: &Answer<'_>, first: usize, last: usize) -> Evidence {
    let (start, end) = (answer.tokens[first].start, answer.tokens[last].end);
    Evidence {
        text: answer.text[start..end].to_owned(),
        start,
        end,
    }
}

/// Why the item got its verdict, in words a learner can read: the answer's own words that
/// matched, quoted, and the item's ideas (in the item's words) that the answer does not state.
fn reason(
    item: &Item,
    verdict: Verdict,
    found: &[&str],
    window: &[Hit],
    hits: &[Hit],
    answer: &Answer<'_>,
) -> String {
    let quoted = |hits: &mut dyn Iterator<Item = &Hit>| {
        // Parts of one identifier ("Error", "Port" in `ErrorPortAllocation`) quoted as the whole.
        let mut spans: Vec<(usize, usize)> = hits.map(|h| (h.first, h.last)).collect();
        spans.sort_unstable();
        spans.dedup();
        let mut joined: Vec<(usize, usize)> = Vec::new();
        for (first, last) in spans {
            match joined.last_mut() {
                Some(prev) if answer.tokens[prev.1].end == answer.tokens[first].start => {
                    prev.1 = prev.1.max(last);
                }
                _ => joined.push((first, last)),
            }
        }
        let mut out: Vec<String> = Vec::new();
        for (first, last) in joined {
            let words = answer.words(first, last);
            if !out.iter().any(|o| o.eq_ignore_ascii_case(&words)) {
                out.push(words);
            }
        }
        out.iter()
            .take(6)
            .map(|w| format!("“{w}”"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let said = quoted(&mut window.iter());
    // Of an item with two ways, what the way the answer took lacks; if it took neither, what
    // both share and each way's own.
    let model = &item.model;
    let way = model.way_of(window);
    let missing_of = |branch: Option<u8>| {
        let missing: Vec<&str> = model
            .concepts
            .iter()
            .filter(|c| c.branch == branch || (way.is_some() && c.branch.is_none()))
            .filter(|c| !c.generic && !found.contains(&c.label.as_str()))
            .map(|c| match c.words.is_empty() {
                true => c.label.as_str(),
                false => c.words.as_str(),
            })
            .collect();
        dedup(&missing).join(", ")
    };
    let missing = match (way, model.ways().len()) {
        (Some(way), _) => missing_of(Some(way)),
        (None, 2) => {
            let shared = missing_of(None);
            let either = format!("either {} or {}", missing_of(Some(0)), missing_of(Some(1)));
            if shared.is_empty() {
                either
            } else {
                format!("{shared}, and {either}")
            }
        }
        (None, _) => missing_of(None),
    };
    let mut out = match verdict {
        Verdict::Covered => format!("the answer says {said}"),
        Verdict::Partial if missing.is_empty() => {
            format!("the answer says {said}, but not all of what the item asks")
        }
        Verdict::Partial => format!("the answer says {said}; not stated: {missing}"),
        Verdict::Review => format!(
            "the answer both states and rejects this ({}): check which it means",
            quoted(&mut hits.iter().filter(|h| h.negated))
        ),
        Verdict::Missed if hits.iter().any(|h| h.negated) && window.is_empty() => format!(
            "the answer rejects it ({})",
            quoted(&mut hits.iter().filter(|h| h.negated))
        ),
        Verdict::Missed if said.is_empty() => format!("not stated: {missing}"),
        Verdict::Missed => format!("the answer says only {said}; not stated: {missing}"),
    };
    if hits.iter().any(|h| h.listed) && verdict != Verdict::Covered {
        out.push_str("; terms only listed, or only asked about, do not count");
    }
    out
}

fn dedup<'a>(labels: &[&'a str]) -> Vec<&'a str> {
    let mut out: Vec<&str> = Vec::new();
    for l in labels {
        if !out.contains(l) {
            out.push(l);
        }
    }
    out
}

fn trap_hit(trap: &TrapItem, answer: &Answer<'_>) -> Option<TrapHit> {
    let hits: Vec<Hit> = answer
        .hits(&trap.model)
        .into_iter()
        .filter(|h| !h.negated && !h.listed)
        .collect();
    let (share, window) = best_window(&trap.model, &hits);
    (share >= 0.75).then(|| TrapHit {
        id: trap.id.clone(),
        claim: trap.claim.clone(),
        explanation: trap.explanation.clone(),
        evidence: window
            .iter()
            .map(|h| evidence(answer, h.first, h.last))
            .collect(),
    })
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_key_concepts_annotations_count_like_a_checklist_items() {
        let md = |annotation: &str| {
            format!(
                "# Scenario: S\n\n## The Prompt\n\nGo.\n\n## Key Concepts Tested\n\n\
                 - **Lock queue behind the migration**: every query waits behind the ALTER.{annotation}\n\
                 - **Cancelling the blocker**: pg_cancel_backend on the idle transaction.\n"
            )
        };
        let rubric = |text: &str| {
            let site = crate::content::Site::build(&[crate::content::SourceFile {
                path: "s.md".into(),
                bytes: text.as_bytes().to_vec(),
            }]);
            let page = site.scenario("s").unwrap();
            assert!(page.scenario.as_ref().unwrap().problems.is_empty());
            Rubric::of("s", page.scenario.as_ref().unwrap())
        };
        let plain = rubric(&md(""));
        let tuned = rubric(&md(
            r#" <!-- weight: 2; also: "everything stacked up waiting" -->"#,
        ));
        let answer = "Everything stacked up waiting, so I looked for the session holding it.";
        assert_ne!(plain.grade(answer).items[0].verdict, Verdict::Covered);
        assert_eq!(tuned.grade(answer).items[0].verdict, Verdict::Covered);
        assert_eq!(tuned.items[0].weight, 2.0);
        assert_ne!(
            plain.version, tuned.version,
            "the annotation makes a new rubric version"
        );
        let broken = crate::content::Site::build(&[crate::content::SourceFile {
            path: "s.md".into(),
            bytes: md(" <!-- colour: red -->").into_bytes(),
        }]);
        let problems: Vec<String> = broken
            .diagnostics_of("s.md")
            .map(|d| d.message.clone())
            .collect();
        assert!(
            problems
                .iter()
                .any(|m| m.contains("unknown annotation `colour`")),
            "{problems:?}"
        );
    }
    use super::*;

    #[test]
    fn a_partial_item_counts_half_of_its_weight() {
        let verdicts = [
            (Verdict::Covered, 1.0),
            (Verdict::Partial, 1.0),
            (Verdict::Covered, 2.0),
            (Verdict::Missed, 1.0),
            (Verdict::Review, 1.0),
        ];
        assert!((score(verdicts) - 3.5 / 6.0).abs() < 1e-9);
        assert_eq!(score([]), 0.0);
    }

    #[test]
    fn a_settled_grade_takes_the_persons_verdict_over_the_machines() {
        let item = |id: &str, verdict| ItemGrade {
            id: id.to_owned(),
            text: id.to_owned(),
            weight: 1.0,
            verdict,
            evidence: Vec::new(),
            reason: String::new(),
        };
        let grade = Grade {
            score: 0.25,
            covered: 0,
            total: 2,
            items: vec![item("a", Verdict::Partial), item("b", Verdict::Missed)],
            traps: Vec::new(),
        };
        let json = serde_json::to_string(&grade).unwrap();
        let overrides = [("b".to_owned(), "covered".to_owned())];
        assert_eq!(settle_stored(&json, &overrides), Some((0.75, 1)));
        assert_eq!(settle_stored(&json, &[]), Some((0.25, 0)));
        assert_eq!(settle_stored("not json", &[]), None);
    }

    fn items(texts: &[&str]) -> Vec<Item> {
        let mut items: Vec<Item> = texts
            .iter()
            .map(|t| Item {
                id: (*t).to_owned(),
                text: (*t).to_owned(),
                weight: 1.0,
                derived: false,
                model: ItemModel::new(t, "", &[], &[]),
                lessons: Vec::new(),
            })
            .collect();
        matcher::weigh_by_distinctiveness(items.iter_mut().map(|i| &mut i.model));
        items
    }

    fn grader(texts: &[&str]) -> impl Fn(usize, &str) -> Verdict {
        let items = items(texts);
        move |i, answer| {
            let stems: Vec<&str> = items.iter().flat_map(|i| i.model.stems()).collect();
            grade_item(&items[i], &Answer::new(answer, &stems), Settings::default()).verdict
        }
    }

    #[test]
    fn the_parts_of_one_identifier_are_quoted_and_marked_as_the_whole_word() {
        let items = items(&["Reads ErrorPortAllocation on the NAT gateway"]);
        let stems: Vec<&str> = items.iter().flat_map(|i| i.model.stems()).collect();
        let answer = "Check ErrorPortAllocation for the NAT gateway.";
        let grade = grade_item(&items[0], &Answer::new(answer, &stems), Settings::default());
        assert_eq!(grade.verdict, Verdict::Covered);
        let words: Vec<&str> = grade.evidence.iter().map(|e| e.text.as_str()).collect();
        assert!(words.contains(&"ErrorPortAllocation"), "{words:?}");
        assert!(
            !words.contains(&"Error") && !words.contains(&"Port"),
            "{words:?}"
        );
        let span = grade
            .evidence
            .iter()
            .find(|e| e.text == "ErrorPortAllocation")
            .unwrap();
        assert_eq!(&answer[span.start..span.end], "ErrorPortAllocation");
        assert!(
            grade.reason.contains("“ErrorPortAllocation”"),
            "{}",
            grade.reason
        );
    }

    /// Items of the bundled library's kind, for the failure classes of issue 15.
    const FIELD: [&str; 4] = [
        "Post-incident: alerts on the disk fill rate before it runs out",
        "Rolls back to the previous release (more pods would sit idle)",
        "Cancels the blocking query with pg_cancel_backend",
        "Compares replication replay lag between the replicas",
    ];

    #[test]
    fn a_leading_label_and_a_parenthesised_aside_are_not_ideas_the_answer_must_state() {
        let grade = grader(&FIELD);
        assert_eq!(
            grade(
                0,
                "I would add an alert on the disk fill rate so we hear before it runs out."
            ),
            Verdict::Covered,
            "no need to say \"post-incident\""
        );
        assert_eq!(
            grade(1, "Roll back to the previous release right away."),
            Verdict::Covered,
            "the aside's reason is context, not a required idea"
        );
    }

    #[test]
    fn framing_verbs_and_connectives_are_not_ideas_the_answer_must_state() {
        let labels = |text: &str| -> Vec<String> {
            matcher::ItemModel::new(text, "", &[], &[])
                .concepts
                .iter()
                .map(|c| c.label.clone())
                .collect()
        };
        for (item, not) in [
            ("Ties the start of the OOM kills to the 2.9.0 deploy", "ti"),
            ("Finds the long-running query the replay waits for", "find"),
            ("Quick identification of the HPA vs ArgoCD conflict", "vs"),
            ("Confirms the nodes still have free memory", "still"),
            ("Re-triggers issuance after the fix", "after"),
        ] {
            let got = labels(item);
            assert!(!got.iter().any(|l| l == not), "{item}: {got:?}");
        }
        let grade = grader(&["Ties the start of the OOM kills to the 2.9.0 deploy"]);
        assert_eq!(
            grade(
                0,
                "The OOM kills started the minute the 2.9.0 deploy went out."
            ),
            Verdict::Covered
        );
    }

    #[test]
    fn an_idea_says_the_object_it_implies() {
        let grade = grader(&["Rolls back the release to stop the errors"]);
        assert_eq!(
            grade(0, "Roll back to 5.7 now to stop the errors."),
            Verdict::Covered
        );
        // The object alone is not the action.
        assert_eq!(grade(0, "The release went out at 03:05."), Verdict::Missed);
    }

    #[test]
    fn an_everyday_synonym_from_wordnet_says_a_plain_word() {
        let grade = grader(&["Postpones the migration", "Rolls back the release"]);
        assert_eq!(
            grade(0, "I'd defer it until Monday."),
            Verdict::Covered,
            "\"defer\" is \"postpone\" in its commonest sense"
        );
        assert_eq!(
            grade(0, "I'd wait until Monday."),
            Verdict::Missed,
            "\"wait\" is not"
        );
    }

    #[test]
    fn the_field_lexicon_lends_its_other_phrases_to_an_items_words() {
        let grade = grader(&["Restarts the connection pooler", "Rolls back the release"]);
        assert_eq!(
            grade(0, "Restart PgBouncer."),
            Verdict::Covered,
            "PgBouncer is a connection pooler"
        );
        // Lent phrases never make the item's words one idea the answer must name as a whole:
        // the item's own words still count one by one.
        assert_eq!(grade(0, "Restart the pooler."), Verdict::Covered);
        assert_ne!(grade(0, "Restart the database."), Verdict::Covered);
    }

    #[test]
    fn an_item_offering_two_ways_is_covered_by_either() {
        let texts = [
            "Frees the space by truncating the open file or restarting the service",
            "Post-incident: caps max.poll.records or handles records concurrently",
            "Post-incident: bounds the quote cache by size or TTL",
            "Rolls back the release",
        ];
        let grade = grader(&texts);
        for (i, answer) in [
            (0, "Truncate the open file to free the space."),
            (0, "Restart the service to free the space."),
            (1, "Afterwards: cap max.poll.records at 25."),
            (1, "Afterwards: handle the records concurrently."),
            (2, "Later, bound the quote cache with a TTL."),
            (2, "Later, bound the quote cache by size."),
        ] {
            assert_eq!(grade(i, answer), Verdict::Covered, "{answer}");
        }
        assert_eq!(grade(0, "Free the space."), Verdict::Missed);
        // What is not stated names both ways.
        let items = items(&texts);
        let stems: Vec<&str> = items.iter().flat_map(|i| i.model.stems()).collect();
        let reason = grade_item(
            &items[0],
            &Answer::new("We need to free the space.", &stems),
            Settings::default(),
        )
        .reason;
        assert!(
            reason.contains("either truncating, open, file or restarting"),
            "{reason}"
        );
    }

    #[test]
    fn an_idea_only_asked_about_is_not_credited() {
        let grade = grader(&FIELD);
        assert_eq!(
            grade(
                3,
                "I would compare the replication replay lag between the replicas."
            ),
            Verdict::Covered
        );
        assert_eq!(
            grade(
                3,
                "Maybe compare the replication replay lag between the replicas?"
            ),
            Verdict::Missed
        );
    }

    #[test]
    fn an_authors_phrase_counts_only_where_the_answer_states_it() {
        let md = "# Scenario: S\n\n## The Prompt\n\nGo.\n\n## What a Strong Answer Includes\n\n\
                  - Cancels the blocking query <!-- also: \"stop that one query\" -->\n";
        let site = crate::content::Site::build(&[crate::content::SourceFile {
            path: "s.md".into(),
            bytes: md.as_bytes().to_vec(),
        }]);
        let rubric = Rubric::of("s", site.scenario("s").unwrap().scenario.as_ref().unwrap());
        let verdict = |answer: &str| rubric.grade(answer).items[0].verdict;
        assert_eq!(
            verdict("I would stop that one query first."),
            Verdict::Covered
        );
        assert_ne!(verdict("Should we stop that one query?"), Verdict::Covered);
        assert_ne!(
            verdict("I would not stop that one query."),
            Verdict::Covered
        );
    }

    #[test]
    fn an_outright_rejection_is_missed_and_mixed_evidence_goes_to_review() {
        let grade = grader(&FIELD);
        assert_eq!(
            grade(
                1,
                "No need to roll back to the previous release; it will settle."
            ),
            Verdict::Missed
        );
        assert_eq!(
            grade(
                1,
                "Roll back to the previous release now. Later I would not roll back to the \
                 previous release again without a canary."
            ),
            Verdict::Covered,
            "affirmed where it counts"
        );
    }

    #[test]
    fn an_item_naming_parallel_ideas_is_partly_covered_by_one_of_them() {
        let grade = grader(&[
            "Adds alerting on certificate readiness and expiry well before the deadline",
            "Verifies the served certificate's expiry date with openssl s_client first",
        ]);
        assert_eq!(
            grade(
                0,
                "Add an alert when a certificate is close to expiry, 14 days before."
            ),
            Verdict::Partial
        );
        assert_eq!(
            grade(
                0,
                "Alert when a certificate has not been Ready for an hour, and on expiry 14 days before."
            ),
            Verdict::Covered
        );
    }

    #[test]
    fn explaining_the_harm_of_a_forbidden_action_rejects_it() {
        let grade = grader(&[
            "Does not force-delete the StatefulSet pod on an unreachable node, to avoid two brokers with one identity",
            "Reads kubelet logs on the node with journalctl",
        ]);
        assert_eq!(
            grade(
                0,
                "Leave the StatefulSet's broker pod on the unreachable node alone. Force-deleting it would start two brokers with one identity."
            ),
            Verdict::Covered
        );
        assert_ne!(
            grade(
                0,
                "Force delete the Kafka pod so it reschedules on a healthy node."
            ),
            Verdict::Covered
        );
    }

    /// The ten-item rubric of `benches/grading.rs`.
    fn ten_items() -> Rubric {
        let items = [
            "Quick identification of the HPA vs ArgoCD conflict",
            "Knowledge of `ignoreDifferences` to resolve sync loops",
            "Understanding that this is a common GitOps pitfall (not a bug)",
            "The fix should be made in Git (not just via argocd CLI) to be durable",
            "Mention of other sync loop causes: server-side defaults, mutating webhooks",
            "Post-incident: audit all ArgoCD-managed deployments that also have HPAs",
            "Reads kubelet logs on the node with journalctl instead of only kubectl",
            "Verifies the served certificate's expiry date with openssl s_client first",
            "Uses the version skew policy: rolling kubelet back is safe and quick",
            "Adds alerting on certificate readiness and expiry well before the deadline",
        ];
        let text = format!(
            "# Scenario: Ten\n\n## The Prompt\n\nProduction is flapping.\n\n\
             ## What a Strong Answer Includes\n\n- {}\n",
            items.join("\n- ")
        );
        let site = crate::content::Site::build(&[crate::content::SourceFile {
            path: "ten.md".into(),
            bytes: text.into_bytes(),
        }]);
        let page = site.scenario("ten").unwrap();
        Rubric::of(&page.slug, page.scenario.as_ref().unwrap())
    }

    /// `phrase` repeated to 20,000 characters.
    fn repeated(phrase: &str) -> String {
        phrase.repeat(20_000 / phrase.len())
    }

    #[test]
    fn a_20000_character_answer_repeating_a_phrase_keeps_the_verdicts_of_the_quadratic_grader() {
        let rubric = ten_items();
        // Verdicts per item as the grader gave them before window selection became linear.
        let (c, p, m) = ("covered", "partial", "missed");
        let cases: [(&str, [&str; 10]); 6] = [
            (
                "ArgoCD fights the HPA over replicas; a common GitOps pitfall, not a bug. ",
                [c, m, c, m, m, m, m, m, m, m],
            ),
            // Was `review`; an outright rejection is `missed` since issue 15.
            (
                "I would not use ignoreDifferences. ",
                [m, m, m, m, m, m, m, m, m, m],
            ),
            (
                "Roll the kubelet back, check journalctl -u kubelet on the node, then openssl \
                 s_client the cert. ",
                // The ninth is `partial`: rolling the kubelet back names two of its ideas but
                // not its point, the version skew policy.
                [m, m, m, m, m, m, c, c, p, m],
            ),
            (
                "Add ignoreDifferences for /spec/replicas to the Application in Git, not via the \
                 argocd CLI.\n",
                // In Git, not via the CLI: the fourth item, since its aside and contrast are
                // context and covered is at half of its weight.
                [m, c, m, c, m, m, m, m, m, m],
            ),
            (
                "First I would confirm what ArgoCD sees with argocd app diff: the only drift is \
                 spec.replicas, 3 in Git against 8 live, because the HPA scales on CPU and ArgoCD \
                 self-heal keeps reverting it. That is a sync loop, a well known GitOps gotcha \
                 rather than a bug. The durable fix goes into the Application manifest in the \
                 repo: ignoreDifferences with a jsonPointer for /spec/replicas, plus \
                 RespectIgnoreDifferences. I would not just patch it with the CLI. ",
                // The first is missed: the lexicon reviewed for generality no longer reads
                // "keeps reverting it" as the conflict ("revert" is as often a rollback).
                [m, c, c, c, m, m, m, m, m, m],
            ),
            ("fix ", [m; 10]),
        ];
        for (phrase, expected) in cases {
            let grade = rubric.grade(&repeated(phrase));
            let verdicts: Vec<&str> = grade.items.iter().map(|i| i.verdict.as_str()).collect();
            assert_eq!(verdicts, expected, "{phrase}");
            assert!(grade.items.iter().all(|i| i.evidence.len() <= MAX_EVIDENCE));
        }
    }

    #[test]
    fn naming_only_the_ideas_an_item_shares_with_others_is_not_partial() {
        let items = items(&[
            "Quick identification of the HPA vs ArgoCD conflict",
            "Post-incident: audit all ArgoCD-managed deployments that also have HPAs",
        ]);
        let stems: Vec<&str> = items.iter().flat_map(|i| i.model.stems()).collect();
        let grade = |answer: &str| {
            let answer = Answer::new(answer, &stems);
            grade_item(&items[1], &answer, Settings::default()).verdict
        };
        assert_eq!(
            grade("The HPA scales the deployment up and Argo scales it down."),
            Verdict::Missed
        );
        assert_ne!(
            grade("Afterwards, audit every Argo app that has an HPA."),
            Verdict::Missed
        );
    }
}
