//! An investigation scored beside the checklist, never mixed into it: which steps of the path
//! the learner's commands reached, whether they looked before they fixed, the commands that did
//! not help and those that would have done harm.

use crate::content::investigation::Step;

/// One typed command as the score reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Typed<'a> {
    pub command: &'a str,
    pub step: Option<usize>,
    pub harm: Option<&'a str>,
}

/// How an investigation went against the expected path.
#[derive(Debug, Clone, PartialEq)]
pub struct PathScore {
    /// Per step of the path: the number (from 1) of the first command that reached it.
    pub reached: Vec<Option<usize>>,
    /// Steps reached over steps on the path, 0..=1.
    pub share: f64,
    /// Whether the first fix step reached came after a diagnosis step; `None` when no fix step
    /// was reached or the path labels none.
    pub diagnosed_first: Option<bool>,
    /// Commands that reached no step and did no harm.
    pub unhelpful: usize,
    /// Commands that would have done harm, with why.
    pub harmful: Vec<(String, String)>,
}

/// Whether a step is a fix (its label says so) rather than diagnosis.
fn is_fix(step: &Step) -> bool {
    step.label
        .as_deref()
        .is_some_and(|l| l.to_ascii_uppercase().contains("FIX"))
        || step.title.to_ascii_uppercase().contains("FIX:")
}

/// Scores `typed` (in the order typed) against `steps`.
pub fn score(steps: &[Step], typed: &[Typed<'_>]) -> PathScore {
    let mut reached: Vec<Option<usize>> = vec![None; steps.len()];
    let mut order: Vec<usize> = Vec::new();
    for (n, t) in typed.iter().enumerate() {
        if let Some(s) = t.step.filter(|&s| s < steps.len())
            && reached[s].is_none()
        {
            reached[s] = Some(n + 1);
            order.push(s);
        }
    }
    let first_fix = order.iter().position(|&s| is_fix(&steps[s]));
    let diagnosed_first = first_fix.map(|at| order[..at].iter().any(|&s| !is_fix(&steps[s])));
    let share = match steps.len() {
        0 => 0.0,
        n => reached.iter().filter(|r| r.is_some()).count() as f64 / n as f64,
    };
    PathScore {
        reached,
        share,
        diagnosed_first,
        unhelpful: typed
            .iter()
            .filter(|t| t.step.is_none() && t.harm.is_none())
            .count(),
        harmful: typed
            .iter()
            .filter_map(|t| Some((t.command.to_owned(), t.harm?.to_owned())))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(title: &str, label: Option<&str>) -> Step {
        Step {
            title: title.into(),
            label: label.map(Into::into),
            ..Step::default()
        }
    }

    #[test]
    fn reached_steps_fix_order_unhelpful_and_harmful_commands() {
        let steps = [
            step("See how pods die", None),
            step("Rule out the node", None),
            step("Roll back", Some("IMMEDIATE FIX")),
        ];
        let t = |command, step, harm| Typed {
            command,
            step,
            harm,
        };
        let typed = [
            t("ls", None, None),
            t("kubectl describe pod x", Some(0), None),
            t(
                "kubectl delete pod x",
                None,
                Some("deletes a live resource"),
            ),
            t("kubectl describe pod y", Some(0), None),
            t("helm rollback x 41", Some(2), None),
        ];
        let s = score(&steps, &typed);
        assert_eq!(s.reached, [Some(2), None, Some(5)]);
        assert!((s.share - 2.0 / 3.0).abs() < 1e-9);
        assert_eq!(s.diagnosed_first, Some(true));
        assert_eq!(s.unhelpful, 1);
        assert_eq!(s.harmful.len(), 1);
        let hasty = score(&steps, &[t("helm rollback x 41", Some(2), None)]);
        assert_eq!(hasty.diagnosed_first, Some(false));
        assert_eq!(score(&steps, &[]).diagnosed_first, None);
    }
}
