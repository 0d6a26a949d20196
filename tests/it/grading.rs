//! The grader against the labelled answers in `eval/` of the dev scenarios the fixture holds: a
//! ratchet against regressions on material the grader was tuned on, not a quality figure (the
//! held-out one is `firedrill eval --split test`, BENCHMARKS.md). Held to Cohen's kappa >= 0.74
//! overall, precision >= 0.9 on the keyword-stuffing and negation slices (2026-11-28: 0.750,
//! 1.000, 0.905 against the first labeller; 0.742 after adjudication, 2026-12-07).
//!
//! The answers were labelled against the four scenarios frozen in the fixture content, so they
//! are graded against those: editing the bundled library moves none of these figures.

use firedrill::grading::{Rubric, eval};

use crate::helpers::{fixtures, repo};

#[test]
fn grader_agreement_with_the_labelled_answers_does_not_regress() {
    let site = firedrill::content::load(&fixtures()).unwrap();
    let mut pairs = Vec::new();
    let mut graded = Vec::new();
    // The dev scenarios only: the test ones are measured by `eval --split test`, not tuned for.
    let split: serde_norway::Value =
        serde_norway::from_str(&std::fs::read_to_string(repo("eval/split.yaml")).unwrap()).unwrap();
    let dev: Vec<&str> = split["dev"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    for scenario in dev {
        // Answers labelled for scenarios the fixture does not hold are measured by
        // `firedrill eval` on the library, not by this ratchet.
        let Some(page) = site.scenario(scenario) else {
            continue;
        };
        let path = repo(&format!("eval/{scenario}.yaml"));
        let set: eval::EvalSet =
            serde_norway::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let rubric = Rubric::of(&page.slug, page.scenario.as_ref().unwrap());
        pairs.extend(eval::pairs(&set, &rubric).unwrap());
        graded.push(set.scenario);
    }
    assert_eq!(
        graded.len(),
        site.scenarios().count(),
        "every fixture scenario has labelled answers: {graded:?}"
    );
    assert!(pairs.len() >= 800, "{} labelled pairs", pairs.len());
    let overall = eval::Scores::of(&pairs);
    let slice =
        |name: &str| eval::Scores::of(pairs.iter().filter(|p| p.slices.iter().any(|s| s == name)));
    let (code, stuffing, negation) = (slice("code"), slice("stuffing"), slice("negation"));
    eprintln!(
        "four fixture scenarios: kappa {:.3}, F1 {:.3}, code kappa {:.3}, stuffing precision {:.3}, negation precision {:.3}",
        overall.kappa, overall.f1, code.kappa, stuffing.precision, negation.precision
    );
    // 0.750 against the first labeller alone; 0.742 with the same grader once a second rater and
    // adjudication corrected four labels (issue 15, eval/adjudication/). 0.625 since the lexicon
    // was reviewed for generality (session 9): these four scenarios are the ones its removed
    // phrases were written from; the held-out figure is `firedrill eval --split test`'s.
    assert!(overall.kappa >= 0.62, "kappa {:.3}", overall.kappa);
    assert!(overall.f1 >= 0.77, "F1 {:.3}", overall.f1);
    // Session 10 lowered the slices' floors (code 0.74, stuffing 0.66, negation 0.88 before):
    // leave-one-scenario-out selection over the eight dev scenarios of the library now picks
    // covered and partial at 0.35, trading precision for recall (dev paraphrase recall 0.40 ->
    // 0.48), which these frozen copies feel as code kappa 0.674, stuffing precision 0.500 and
    // negation precision 0.857; dev kappa rose 0.603 -> 0.633 and leave-one-scenario-out
    // 0.604 -> 0.630.
    assert!(code.kappa >= 0.67, "code slice kappa {:.3}", code.kappa);
    assert!(
        stuffing.precision >= 0.5,
        "stuffing precision {:.3}",
        stuffing.precision
    );
    assert!(
        negation.precision >= 0.85,
        "negation precision {:.3}",
        negation.precision
    );
}
