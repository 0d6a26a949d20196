//! A new scenario file, every section stubbed and explained, for `firedrill new scenario`.

/// Metadata for the breadcrumb of a new scenario.
#[derive(Debug, Clone)]
pub struct StubMeta<'a> {
    pub title: &'a str,
    pub level: &'a str,
    pub topic: &'a str,
    pub domain: &'a str,
}

/// `GitOps Drift: Causing Outage!` -> `gitops-drift-causing-outage`; other scripts are
/// transliterated to ASCII first (`Über Größe` -> `uber-grosse`).
pub fn slugify(title: &str) -> String {
    let ascii = deunicode::deunicode(title);
    let mut slug = String::with_capacity(ascii.len());
    for c in ascii.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').to_owned()
}

/// The stub's example text, each a whole line that the author is to replace. The template
/// writes these and `check` warns about each one still in a page, so they live here once.
pub mod placeholder {
    pub const PROMPT: &str = r#"> "Describe the situation as the on-call engineer first hears it, and ask what they would do.""#;
    pub const REPORT: &str = r#"Alert: "Paste the alert text here, with the error rate, latency or counts the engineer would see.""#;
    pub const CONSTRAINTS: [&str; 2] = [
        "- **Time pressure**: What makes this urgent?",
        "- **Limits**: What the learner cannot do (no restarts, a change freeze, no access to production).",
    ];
    pub const EVIDENCE: [&str; 3] = [
        "- What the dashboards show",
        "- What the logs say",
        "- What changed recently",
    ];
    /// The lines of the investigation path's code block.
    pub const INVESTIGATION: [&str; 7] = [
        "# 1. Confirm what is actually broken",
        "kubectl get pods -n <namespace>",
        "# Shows: which pods are failing and since when",
        "# 2. IMMEDIATE FIX: Stop the bleeding",
        "kubectl rollout undo deployment/<name> -n <namespace>",
        "# 3. PERMANENT FIX: Make the fix durable",
        "# Describe the change that goes into Git, configuration or the runbook.",
    ];
    pub const ROOT_CAUSE: &str = "Explain the cause in two or three sentences.";
    pub const CHECKLIST: [&str; 4] = [
        "- Identifies the cause from the evidence before changing anything",
        "- Mitigates the impact quickly with a safe, reversible step",
        "- Makes the fix durable so the next deploy does not undo it",
        "- Follows up by checking other services for the same failure",
    ];
    pub const TRAPS: [&str; 1] = ["- **A tempting wrong move** — why it makes things worse."];
    pub const FOLLOW_UPS: [&str; 1] =
        ["1. What would you monitor to catch this earlier next time?"];

    /// Every placeholder line, in the order the stub has them.
    pub fn all() -> impl Iterator<Item = &'static str> {
        [PROMPT, REPORT]
            .into_iter()
            .chain(CONSTRAINTS)
            .chain(EVIDENCE)
            .chain(INVESTIGATION)
            .chain([ROOT_CAUSE])
            .chain(CHECKLIST)
            .chain(TRAPS)
            .chain(FOLLOW_UPS)
    }

    /// Whether `line` (without its indentation) is a line of a stub left as it was: this
    /// one's, or a walkthrough's or a gauntlet's.
    pub fn is(line: &str) -> bool {
        all().any(|p| p == line) || super::super::stub_shapes::placeholder::is(line)
    }
}

/// The Markdown of a new scenario: a draft (front matter `draft: true`), so no learner sees it
/// before its author replaces the placeholders and removes the flag. Guidance lives in HTML
/// comments, which never show on the page.
pub fn scenario(meta: &StubMeta<'_>) -> String {
    use placeholder::*;
    let StubMeta {
        title,
        level,
        topic,
        domain,
    } = meta;
    let [
        constraints,
        evidence,
        investigation,
        checklist,
        traps,
        follow_ups,
    ] = [
        &CONSTRAINTS[..],
        &EVIDENCE[..],
        &INVESTIGATION[..],
        &CHECKLIST[..],
        &TRAPS[..],
        &FOLLOW_UPS[..],
    ]
    .map(|lines| lines.join("\n"));
    format!(
        r#"---
draft: true   # only authors and admins see this page: delete this line to publish it
---
Portal | Level: {level} | Topics: {topic} | Domain: {domain}

# Scenario: {title}

<!-- Guidance in comments like this one never shows on the page. Replace every stub, then run
     `firedrill check` until it reports no errors and no stub text. -->

## The Prompt

<!-- What the learner is asked, as they would hear it: who reports it, what they see. -->

{PROMPT}

## Initial Report

<!-- The alert or first message, with the numbers on the dashboard. -->

{REPORT}

## Constraints

{constraints}

## Observable Evidence

<!-- One bullet per fact the learner can observe. Interviewers reveal these one at a time. -->

{evidence}

## Expected Investigation Path

<!-- One fenced block. `# 1. Title` starts a step; the commands follow; `# Shows: ...` says what
     the output tells you. Labels such as IMMEDIATE FIX: or PERMANENT FIX: go before the title. -->

```bash
{investigation}
```

## Root Cause

<!-- What actually happened, and why it looked the way it did. -->

{ROOT_CAUSE}

## What a Strong Answer Includes

<!-- One bullet per checklist item; answers are scored against these. Write each as what a strong
     answer does, in at least three words. To tune an item, put a comment after it on the same
     line with any of: weight: 2; also: "another way to say it"; not: "a phrase that must not count" -->

{checklist}

## Common Traps

{traps}

## Follow-ups

{follow_ups}

## Wiki Navigation

### Related Content

<!-- Lines like: - [GitOps](../topics/gitops.md) (Topic Pack, L1) — GitOps -->
"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_become_slugs() {
        assert_eq!(
            slugify("GitOps Drift: Causing Outage!"),
            "gitops-drift-causing-outage"
        );
        assert_eq!(slugify("  DNS -- TTL  "), "dns-ttl");
        assert_eq!(slugify("Über Größe"), "uber-grosse");
        assert_eq!(slugify("Café: l'été"), "cafe-l-ete");
    }

    #[test]
    fn every_line_of_example_text_in_the_stub_is_a_known_placeholder_and_each_is_written() {
        let stub = scenario(&StubMeta {
            title: "T",
            level: "L2",
            topic: "X",
            domain: "Y",
        });
        let lines: Vec<&str> = stub.lines().map(str::trim).collect();
        for placeholder in placeholder::all() {
            assert!(lines.contains(&placeholder), "not written: {placeholder}");
        }
        // What is not a placeholder is structure, metadata the author chose, or guidance.
        let mut in_comment = false;
        for line in lines {
            let structure = line.is_empty()
                || line.starts_with("# Scenario: ")
                || line.starts_with("## ")
                || line.starts_with("### ")
                || line.starts_with("---")
                || line.starts_with("```")
                || line.starts_with("draft: true")
                || line.starts_with("Portal | ");
            let comment = in_comment || line.starts_with("<!--");
            in_comment = comment && !line.ends_with("-->");
            assert!(
                structure || comment || placeholder::is(line),
                "example text not in `placeholder`: {line}"
            );
        }
    }
}
