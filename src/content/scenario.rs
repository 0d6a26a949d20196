//! The typed scenario model, built from a document's recognised sections.

use pulldown_cmark::{Event, Tag, TagEnd};
use serde::Serialize;

use super::investigation::{self, Step};
use super::markdown::{Rendered, Spanned, inline_text, plain_text, raw_html};
use super::section::{SectionRole, list_items};
pub use super::walkthrough::{Fix, FollowUpAnswer, Prose};

/// The plain text of a section that is a block of prose (its HTML is the section's).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Block {
    pub text: String,
    /// The line where the text starts.
    pub line: usize,
}

/// A list item: rendered, as text, and where it is in the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Item {
    pub html: String,
    pub text: String,
    pub line: usize,
}

/// One checklist item the answer is scored against.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RubricItem {
    /// Stable within a version of the page: derived from the item's first words.
    pub id: String,
    pub text: String,
    pub html: String,
    pub weight: f32,
    pub line: usize,
    /// Author-given phrases that count as evidence for the item.
    pub also: Vec<String>,
    /// Author-given phrases that must not count.
    pub not: Vec<String>,
    /// Derived from the page's other sections (a walkthrough's root cause, fix and steps, a
    /// gauntlet round's strong answer), not written as a checklist item; `line` is where the
    /// idea comes from.
    pub derived: bool,
}

/// A `**Concept**: explanation` bullet of "Key Concepts Tested". Without a checklist each one
/// is a rubric item, tuned by the same annotations as a checklist item.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Concept {
    pub name: String,
    pub explanation: String,
    pub html: String,
    pub line: usize,
    pub weight: f32,
    /// Author-given phrases that count as evidence for the concept.
    pub also: Vec<String>,
    /// Author-given phrases that must not count.
    pub not: Vec<String>,
}

/// Where an anti-pattern came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TrapKind {
    Trap,
    RedFlag,
}

/// A `**claim** — explanation` bullet of "Common Traps" or "Red Flags (Weak Answers)".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Trap {
    pub kind: TrapKind,
    pub claim: String,
    pub explanation: String,
    pub html: String,
    pub line: usize,
}

/// The shape of page a scenario was read from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ScenarioKind {
    /// `The Prompt`, `Observable Evidence`, `Expected Investigation Path`...
    #[default]
    Interview,
    /// An investigation walkthrough: `Situation`, `What You Know`, `Investigation Steps`,
    /// `Fix`, `Interview Angle`.
    Walkthrough,
}

/// Everything a scenario page says, typed.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Scenario {
    /// `Scenario` or `Interview`, from the title's prefix.
    pub format: String,
    pub kind: ScenarioKind,
    pub prompt: Option<Block>,
    pub initial_report: Option<Block>,
    pub constraints: Vec<Item>,
    pub evidence: Vec<Item>,
    pub investigation: Vec<Step>,
    /// The root cause section as written.
    pub root_cause: Option<Block>,
    /// When the root cause section is a list of possibilities.
    pub root_causes: Vec<Item>,
    pub rubric: Vec<RubricItem>,
    pub model_answer: Option<Block>,
    pub key_concepts: Vec<Concept>,
    pub traps: Vec<Trap>,
    pub follow_ups: Vec<Item>,
    /// Model answers to follow-ups (a walkthrough's `**Good answer shape:**`).
    pub follow_up_answers: Vec<FollowUpAnswer>,
    /// A walkthrough's `Fix` section.
    pub fix: Option<Fix>,
    /// Problems found in the sections (line, message), reported as warnings.
    pub problems: Vec<(usize, String)>,
    /// The rubric tests beside the page (`x.tests.yaml`): the grader learns from them.
    #[serde(skip)]
    pub samples: Vec<Sample>,
}

/// A rubric test: a sample answer and the verdict its author expects for each item (by id).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sample {
    pub answer: String,
    pub expect: Vec<(String, String)>,
}

impl Scenario {
    /// Whether the page gives the grader anything to score against.
    pub fn is_gradeable(&self) -> bool {
        !self.rubric.is_empty() || self.model_answer.is_some()
    }

    /// What answers are scored against, as the grader decides it.
    pub fn shape(&self) -> Shape {
        if !self.rubric.is_empty() && self.rubric.iter().all(|r| r.derived) {
            Shape::Derived
        } else if !self.rubric.is_empty() {
            Shape::Checklist
        } else if self.model_answer.is_some() || !self.key_concepts.is_empty() {
            Shape::StrongAnswer
        } else {
            Shape::Ungraded
        }
    }
}

/// What a scenario's answers are scored against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Shape {
    /// The `What a Strong Answer Includes` items.
    Checklist,
    /// No checklist: items derived from a walkthrough's root cause, fix and steps.
    Derived,
    /// No checklist: the `Key Concepts Tested`, else the `Strong Answer`'s sentences.
    #[serde(rename = "strong answer")]
    StrongAnswer,
    /// Nothing to score against (`check` warns).
    Ungraded,
}

impl Shape {
    /// `checklist`, `derived`, `strong answer` or `ungraded`.
    pub fn as_str(self) -> &'static str {
        match self {
            Shape::Checklist => "checklist",
            Shape::Derived => "derived",
            Shape::StrongAnswer => "strong answer",
            Shape::Ungraded => "ungraded",
        }
    }
}

/// Builds the scenario model from sections; `render` produces sanitized HTML.
#[expect(missing_debug_implementations, reason = "holds closures")]
pub struct Builder<'r> {
    pub render: &'r dyn Fn(&[Spanned<'_>]) -> String,
    pub line_of: &'r dyn Fn(usize) -> usize,
}

impl Builder<'_> {
    /// Adds what a section says; `rendered` is the section's HTML from
    /// [`markdown::render_with_items`](super::markdown::render_with_items).
    pub fn add(
        &self,
        scenario: &mut Scenario,
        role: SectionRole,
        events: &[Spanned<'_>],
        rendered: &mut Rendered,
    ) {
        match role {
            SectionRole::Prompt => scenario.prompt = Some(self.block(events)),
            SectionRole::InitialReport => scenario.initial_report = Some(self.block(events)),
            SectionRole::Constraints => scenario.constraints.extend(self.items(events, rendered)),
            SectionRole::Evidence => scenario.evidence.extend(self.items(events, rendered)),
            SectionRole::InvestigationPath => {
                scenario.investigation.extend(investigation::steps(
                    events,
                    self.render,
                    self.line_of,
                ));
            }
            SectionRole::RootCause => {
                scenario.root_cause = Some(self.block(events));
                scenario.root_causes.extend(self.items(events, rendered));
            }
            SectionRole::Checklist => {
                let annotations: Vec<_> = list_items(events)
                    .into_iter()
                    .map(|(item, _)| annotation(item))
                    .collect();
                for (item, annotation) in self.items(events, rendered).zip(annotations) {
                    let mut rubric = rubric_item(item);
                    match annotation {
                        Ok(Some(a)) => a.apply(&mut rubric),
                        Ok(None) => {}
                        Err(message) => scenario.problems.push((rubric.line, message)),
                    }
                    scenario.rubric.push(rubric);
                }
            }
            SectionRole::StrongAnswer => scenario.model_answer = Some(self.block(events)),
            SectionRole::KeyConcepts => {
                let annotations: Vec<_> = list_items(events)
                    .into_iter()
                    .map(|(item, _)| annotation(item))
                    .collect();
                let labelled = self.labelled(events, rendered);
                for ((name, explanation, item), annotation) in labelled.zip(annotations) {
                    let mut concept = Concept {
                        name,
                        explanation,
                        html: item.html,
                        line: item.line,
                        weight: 1.0,
                        also: Vec::new(),
                        not: Vec::new(),
                    };
                    match annotation {
                        Ok(Some(a)) => a.apply_to_concept(&mut concept),
                        Ok(None) => {}
                        Err(message) => scenario.problems.push((concept.line, message)),
                    }
                    scenario.key_concepts.push(concept);
                }
            }
            SectionRole::Traps | SectionRole::RedFlags => {
                let kind = if role == SectionRole::Traps {
                    TrapKind::Trap
                } else {
                    TrapKind::RedFlag
                };
                scenario.traps.extend(self.labelled(events, rendered).map(
                    |(claim, explanation, item)| Trap {
                        kind,
                        claim,
                        explanation,
                        html: item.html,
                        line: item.line,
                    },
                ));
            }
            SectionRole::FollowUps => scenario.follow_ups.extend(self.items(events, rendered)),
            SectionRole::Fix => scenario.fix = Some(super::walkthrough::fix(events, self)),
            SectionRole::InterviewAngle => super::walkthrough::add_angle(scenario, events, self),
            _ => {}
        }
    }

    fn block(&self, events: &[Spanned<'_>]) -> Block {
        Block {
            text: plain_text(events),
            line: events.first().map_or(0, |(_, r)| (self.line_of)(r.start)),
        }
    }

    fn items<'e, 'a>(
        &'e self,
        events: &'e [Spanned<'a>],
        rendered: &'e mut Rendered,
    ) -> impl Iterator<Item = Item> + 'e {
        let html = std::mem::take(&mut rendered.items);
        list_items(events)
            .into_iter()
            .zip(html)
            .map(|((item, offset), html)| Item {
                html,
                text: inline_text(item),
                line: (self.line_of)(offset),
            })
    }

    /// Items shaped `**Label**: text` or `**Label** — text`, split into label and text.
    fn labelled<'e, 'a>(
        &'e self,
        events: &'e [Spanned<'a>],
        rendered: &'e mut Rendered,
    ) -> impl Iterator<Item = (String, String, Item)> + 'e {
        list_items(events)
            .into_iter()
            .zip(self.items(events, rendered))
            .map(|((item, _), rendered)| {
                let (label, rest) = split_label(item);
                (label, rest, rendered)
            })
    }
}

/// Splits `**Label**: rest` (or with a dash) at the end of the leading bold text; without bold
/// text, at the first colon or dash.
fn split_label(item: &[Spanned<'_>]) -> (String, String) {
    let inner = match item.first() {
        Some((Event::Start(Tag::Paragraph), _)) => &item[1..],
        _ => item,
    };
    if let Some((Event::Start(Tag::Strong), _)) = inner.first()
        && let Some(end) = inner
            .iter()
            .position(|(e, _)| matches!(e, Event::End(TagEnd::Strong)))
    {
        let label = plain_text(&inner[1..end]);
        let rest = inline_text(&inner[end + 1..]);
        let rest = rest
            .trim_start_matches([':', '—', '–', '-', ' '])
            .trim()
            .to_owned();
        return (label.trim().trim_end_matches(':').to_owned(), rest);
    }
    let text = inline_text(item);
    for sep in [": ", " — ", " – ", " - "] {
        if let Some((label, rest)) = text.split_once(sep) {
            return (label.trim().to_owned(), rest.trim().to_owned());
        }
    }
    (text.trim().to_owned(), String::new())
}

/// An author's tuning of a checklist item, written as an HTML comment after it so that it does
/// not show on a code host: `<!-- weight: 2; also: "scale the deployment", "kubectl scale";
/// not: "scale to zero" -->`.
#[derive(Debug, Default, PartialEq)]
pub struct Annotation {
    pub weight: Option<f32>,
    pub also: Vec<String>,
    pub not: Vec<String>,
}

impl Annotation {
    fn apply(self, item: &mut RubricItem) {
        if let Some(weight) = self.weight {
            item.weight = weight;
        }
        item.also = self.also;
        item.not = self.not;
    }

    fn apply_to_concept(self, concept: &mut Concept) {
        if let Some(weight) = self.weight {
            concept.weight = weight;
        }
        concept.also = self.also;
        concept.not = self.not;
    }

    /// Parses the inside of the comment.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut annotation = Self::default();
        for part in text.split(';').map(str::trim).filter(|p| !p.is_empty()) {
            let (key, value) = part.split_once(':').ok_or_else(|| {
                format!(
                    "annotation `{part}` has no `:`: write `key: value` (keys: weight, also, not)"
                )
            })?;
            let phrases = || {
                value
                    .split(',')
                    .map(|p| p.trim().trim_matches('"').trim().to_owned())
                    .filter(|p| !p.is_empty())
                    .collect::<Vec<_>>()
            };
            match key.trim() {
                "weight" => {
                    let weight: f32 = value.trim().parse().map_err(|_| {
                        format!("annotation weight `{}` is not a number", value.trim())
                    })?;
                    if !(weight > 0.0 && weight <= 100.0) {
                        return Err(format!(
                            "annotation weight `{weight}` must be above 0 and at most 100"
                        ));
                    }
                    annotation.weight = Some(weight);
                }
                "also" => annotation.also = phrases(),
                "not" => annotation.not = phrases(),
                other => {
                    return Err(format!(
                        "unknown annotation `{other}`: use weight, also or not"
                    ));
                }
            }
        }
        Ok(annotation)
    }
}

/// The annotation comment inside a list item, if any: its first comment, which may span lines.
fn annotation(item: &[Spanned<'_>]) -> Result<Option<Annotation>, String> {
    let comment = raw_html(item)
        .map(|(html, _)| html)
        .find(|html| html.trim_start().starts_with("<!--"));
    let Some(comment) = comment else {
        return Ok(None);
    };
    let inside = &comment.trim_start()["<!--".len()..];
    let inner = inside.split("-->").next().unwrap_or(inside);
    Annotation::parse(inner).map(Some)
}

fn rubric_item(item: Item) -> RubricItem {
    RubricItem {
        id: item_id(&item.text),
        text: item.text,
        html: item.html,
        weight: 1.0,
        line: item.line,
        also: Vec::new(),
        not: Vec::new(),
        derived: false,
    }
}

/// `Quick identification of the HPA vs ArgoCD conflict` -> `quick-identification-of-the-hpa-vs`.
pub fn item_id(text: &str) -> String {
    let mut id = String::with_capacity(48);
    let (mut words, mut in_word) = (0, false);
    for c in text.chars() {
        if !(c.is_ascii_alphanumeric() || (!c.is_ascii() && c.is_alphanumeric())) {
            in_word = false;
            continue;
        }
        if !in_word {
            if words == 6 {
                break;
            }
            if words > 0 {
                id.push('-');
            }
            words += 1;
            in_word = true;
        }
        if c.is_ascii() {
            id.push(c.to_ascii_lowercase());
        } else {
            id.extend(c.to_lowercase());
        }
    }
    if id.is_empty() { "item".to_owned() } else { id }
}

/// Makes ids unique within a scenario by suffixing repeats with `-2`, `-3`...
pub fn dedupe_ids(items: &mut [RubricItem]) {
    let mut seen = std::collections::HashMap::new();
    for item in items {
        let n = seen.entry(item.id.clone()).or_insert(0);
        *n += 1;
        if *n > 1 {
            item.id = format!("{}-{n}", item.id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::markdown::parse;

    #[test]
    fn bold_label_and_explanation_are_split_on_colon_or_dash() {
        for md in [
            "- **Drift**: state differs from Git\n",
            "- **Drift** — state differs from Git\n",
        ] {
            let events = parse(md);
            let (item, _) = list_items(&events)[0];
            assert_eq!(
                split_label(item),
                ("Drift".to_owned(), "state differs from Git".to_owned()),
                "{md}"
            );
        }
    }

    #[test]
    fn annotations_tune_weight_and_phrases() {
        let a = Annotation::parse(
            r#" weight: 2; also: "scale the deployment", kubectl scale; not: "scale to zero" "#,
        )
        .unwrap();
        assert_eq!(
            a,
            Annotation {
                weight: Some(2.0),
                also: vec!["scale the deployment".into(), "kubectl scale".into()],
                not: vec!["scale to zero".into()]
            }
        );
        assert!(
            Annotation::parse("weight: heavy")
                .unwrap_err()
                .contains("`heavy` is not a number")
        );
        assert!(
            Annotation::parse("colour: red")
                .unwrap_err()
                .contains("unknown annotation `colour`")
        );
    }

    #[test]
    fn item_ids_are_readable_and_unique() {
        let mut items: Vec<RubricItem> = [
            "Quick identification of the HPA vs ArgoCD conflict",
            "Rollback!",
            "Rollback?",
        ]
        .iter()
        .map(|t| {
            rubric_item(Item {
                html: String::new(),
                text: (*t).to_owned(),
                line: 1,
            })
        })
        .collect();
        dedupe_ids(&mut items);
        let ids: Vec<_> = items.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "quick-identification-of-the-hpa-vs",
                "rollback",
                "rollback-2"
            ]
        );
    }
}
