//! New pages of the wiki's other shapes, for `firedrill new walkthrough` and `firedrill new
//! gauntlet`: drafts like [`super::stub::scenario`], every part stubbed and explained.

use super::stub::StubMeta;

/// The example text of the walkthrough and gauntlet stubs, each a whole line the author is to
/// replace; `check` warns about each one left (see [`super::stub::placeholder::is`]).
pub mod placeholder {
    pub const SITUATION: &str =
        "Describe what is broken, who noticed, and what the learner is asked to find out.";
    pub const KNOWN: [&str; 2] = [
        "- What the alert or the first report says",
        "- What changed recently",
    ];
    /// The first step: title, command, what to look for.
    pub const STEP_1: [&str; 3] = [
        "### 1. Check what is actually failing",
        "kubectl get pods -n <namespace> -o wide",
        "Say what the output shows when this is the cause.",
    ];
    pub const STEP_2: [&str; 3] = [
        "### 2. Find the cause in the logs",
        "kubectl logs <pod> -n <namespace> --previous",
        "Say which line of the output points to the root cause.",
    ];
    pub const WALKTHROUGH_CAUSE: &str =
        "Explain what actually happened and why it looked the way it did.";
    pub const IMMEDIATE: [&str; 2] = [
        "# Option A: the quickest safe way to restore service",
        "# Option B: another way, if the first is not possible",
    ];
    pub const PREVENTIVE: [&str; 2] = [
        "- Something that stops this from happening again",
        "- Something that catches it earlier next time",
    ];
    pub const MISTAKES: [&str; 1] = ["- **A tempting wrong move** — why it does not help."];
    pub const ANGLE: [&str; 2] = [
        "**Q:** A question an interviewer would ask about this incident?",
        "**Good answer shape:** What a strong answer says, in two or three sentences.",
    ];

    /// Every placeholder line of the walkthrough stub, in its order.
    pub fn walkthrough() -> impl Iterator<Item = &'static str> {
        [SITUATION]
            .into_iter()
            .chain(KNOWN)
            .chain(STEP_1)
            .chain(STEP_2)
            .chain([WALKTHROUGH_CAUSE])
            .chain(IMMEDIATE)
            .chain(PREVENTIVE)
            .chain(MISTAKES)
            .chain(ANGLE)
    }

    /// The question of each of the five rounds.
    pub const QUESTIONS: [&str; 5] = [
        r#"**Interviewer:** "The opening question: the incident as the candidate first hears it.""#,
        r#"**Interviewer:** "A probe: what the first findings show, and what the candidate does next.""#,
        r#"**Interviewer:** "A constraint: something the candidate may not do, and how they work around it.""#,
        r#"**Interviewer:** "A curveball: a fact that breaks the obvious explanation.""#,
        r#"**Interviewer:** "The synthesis: sum up the cause and the fix in two sentences.""#,
    ];
    pub const TESTING: &str = "> *What the interviewer is testing:* the skill this round probes.";
    /// The strong answer of every round.
    pub const STRONG: &str = r#"> "What a strong candidate says, in the first person: I'd check one thing first. Then I'd confirm the cause before changing anything. I would not make an irreversible change.""#;
    pub const WEAK: &str = r#"- "A tempting but weak answer." — why it falls short."#;
    pub const TRAP_ALERT: &str = "> The wrong turn many candidates take here, and why.";
    pub const SENIOR: &str = "> What a senior candidate adds that others miss.";
    pub const VARIANT: &str =
        r#"> "A trap question an interviewer may ask instead," and the right reply."#;
    pub const TESTED: &str = "| 1 | Triage | Confirms what is broken before acting |";

    /// Every placeholder line of the gauntlet stub, as often as it is written.
    pub fn gauntlet() -> impl Iterator<Item = &'static str> {
        QUESTIONS
            .into_iter()
            .chain([TESTING, WEAK, TRAP_ALERT, SENIOR, VARIANT, TESTED])
            .chain([STRONG; 5])
    }

    /// Whether `line` (without its indentation) is a line of these stubs left as it was.
    pub fn is(line: &str) -> bool {
        walkthrough().chain(gauntlet()).any(|p| p == line)
    }
}

/// The Markdown of a new walkthrough: a draft whose guidance lives in HTML comments.
pub fn walkthrough(meta: &StubMeta<'_>) -> String {
    use placeholder::*;
    let StubMeta {
        title,
        level,
        topic,
        domain,
    } = meta;
    let [known, immediate, preventive, mistakes] =
        [&KNOWN[..], &IMMEDIATE[..], &PREVENTIVE[..], &MISTAKES[..]].map(|l| l.join("\n"));
    let [step_1, command_1, look_1] = STEP_1;
    let [step_2, command_2, look_2] = STEP_2;
    let [question, answer] = ANGLE;
    format!(
        r#"---
draft: true   # only authors and admins see this page: delete this line to publish it
---
Portal | Level: {level} | Topics: {topic} | Domain: {domain}

# Scenario: {title}

<!-- An investigation walkthrough. Guidance in comments like this one never shows on the page.
     Replace every stub, then run `firedrill check` until it reports no errors and no stub text.
     Without a `## What a Strong Answer Includes` checklist, answers are scored against items
     derived from the key steps, the root cause, the immediate fix and the preventive bullets. -->

## Situation

{SITUATION}

## What You Know

<!-- One bullet per fact the learner starts with. -->

{known}

## Investigation Steps

<!-- One `### N. Title` subsection per step: the commands in code blocks after **Commands:**
     (comment lines explain them), then what the output shows after **What to look for:**. -->

{step_1}

**Commands:**
```bash
{command_1}
```

**What to look for:**
{look_1}

{step_2}

**Commands:**
```bash
{command_2}
```

**What to look for:**
{look_2}

## Root Cause

{WALKTHROUGH_CAUSE}

## Fix

**Immediate:**
```bash
{immediate}
```

**Preventive:**
{preventive}

## Common Mistakes

{mistakes}

## Interview Angle

{question}

{answer}

## Wiki Navigation

### Prerequisites

### Related Content

<!-- Lines like: - [GitOps](../topics/gitops.md) (Topic Pack, L1) — GitOps -->
"#
    )
}

/// The Markdown of a new gauntlet: five rounds, a draft whose guidance lives in comments.
pub fn gauntlet(meta: &StubMeta<'_>) -> String {
    use placeholder::*;
    let StubMeta {
        title,
        level,
        topic,
        domain,
    } = meta;
    let names = [
        "The Opening",
        "The Probe",
        "The Constraint",
        "The Curveball",
        "The Synthesis",
    ];
    let extras = [
        format!("### Common Weak Answers:\n\n{WEAK}\n"),
        format!("### Trap Alert:\n\n{TRAP_ALERT}\n"),
        format!("### The Senior Signal:\n\n{SENIOR}\n"),
        format!("### Trap Question Variant:\n\n{VARIANT}\n"),
        format!(
            "### What This Sequence Tested:\n\n| Round | Skill | What a strong answer shows |\n|---|---|---|\n{TESTED}\n"
        ),
    ];
    let mut rounds = String::new();
    for (n, ((name, question), extra)) in names.iter().zip(QUESTIONS).zip(extras).enumerate() {
        let testing = if n == 0 {
            format!("{TESTING}\n\n")
        } else {
            String::new()
        };
        rounds.push_str(&format!(
            "## Round {}: {name}\n\n{question}\n\n{testing}### Strong Answer:\n\n{STRONG}\n\n{extra}\n",
            n + 1
        ));
    }
    format!(
        r#"---
draft: true   # only authors and admins see this page: delete this line to publish it
---
# Interview Gauntlet: {title}

<!-- A multi-round interview. Guidance in comments like this one never shows on the page.
     Each round needs an **Interviewer:** question and a ### Strong Answer: quote, which answers
     to the round are scored against; the other ### parts are optional. -->

**Category:** {topic}
**Difficulty:** {level}
**Duration:** 15-20 minutes
**Domains:** {domain}

{rounds}## Prerequisite Topic Packs

<!-- Lines like: - [GitOps](../topics/gitops.md) (Topic Pack, L1) — GitOps -->

## Related Interview Scenarios

<!-- Links to scenarios that practise the same skills. -->
"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta() -> StubMeta<'static> {
        StubMeta {
            title: "T",
            level: "L2",
            topic: "X",
            domain: "Y",
        }
    }

    /// Each line of `stub` is structure, metadata, guidance in a comment or a placeholder of
    /// `expected`, and each of those is written.
    fn only_structure_and(stub: &str, expected: &[&str]) {
        let lines: Vec<&str> = stub.lines().map(str::trim).collect();
        for placeholder in expected {
            assert!(lines.contains(placeholder), "not written: {placeholder}");
        }
        let mut in_comment = false;
        for line in lines {
            let structure = line.is_empty()
                || [
                    "# Scenario: ",
                    "# Interview Gauntlet: ",
                    "## ",
                    "### ",
                    "---",
                    "```",
                ]
                .iter()
                .any(|p| line.starts_with(p))
                || [
                    "draft: true",
                    "Portal | ",
                    "**Category:** ",
                    "**Difficulty:** ",
                ]
                .iter()
                .any(|p| line.starts_with(p))
                || ["**Duration:** ", "**Domains:** ", "| Round | ", "|---|"]
                    .iter()
                    .any(|p| line.starts_with(p))
                || [
                    "**Commands:**",
                    "**What to look for:**",
                    "**Immediate:**",
                    "**Preventive:**",
                ]
                .contains(&line);
            let comment = in_comment || line.starts_with("<!--");
            in_comment = comment && !line.ends_with("-->");
            assert!(
                structure || comment || placeholder::is(line),
                "example text not in `placeholder`: {line}"
            );
        }
    }

    #[test]
    fn every_line_of_example_text_in_the_walkthrough_stub_is_a_known_placeholder() {
        let expected: Vec<&str> = placeholder::walkthrough().collect();
        only_structure_and(&walkthrough(&meta()), &expected);
    }

    #[test]
    fn every_line_of_example_text_in_the_gauntlet_stub_is_a_known_placeholder() {
        let stub = gauntlet(&meta());
        let expected: Vec<&str> = placeholder::gauntlet().collect();
        only_structure_and(&stub, &expected);
        // As often as `gauntlet()` lists it, so the warnings can be counted.
        let strong = stub.lines().filter(|l| *l == placeholder::STRONG).count();
        assert_eq!(strong, 5);
    }
}
