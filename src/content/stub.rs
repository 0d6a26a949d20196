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

/// The Markdown of a new scenario. Guidance lives in HTML comments, which never show on the page.
pub fn scenario(meta: &StubMeta<'_>) -> String {
    let StubMeta {
        title,
        level,
        topic,
        domain,
    } = meta;
    format!(
        r#"Portal | Level: {level} | Topics: {topic} | Domain: {domain}

# Scenario: {title}

<!-- Guidance in comments like this one never shows on the page. Replace every stub, then run
     `firedrill check` until it reports no errors. -->

## The Prompt

<!-- What the learner is asked, as they would hear it: who reports it, what they see. -->

> "Describe the situation as the on-call engineer first hears it, and ask what they would do."

## Initial Report

<!-- The alert or first message, with the numbers on the dashboard. -->

Alert: "Paste the alert text here, with the error rate, latency or counts the engineer would see."

## Constraints

- **Time pressure**: What makes this urgent?
- **Limits**: What the learner cannot do (no restarts, a change freeze, no access to production).

## Observable Evidence

<!-- One bullet per fact the learner can observe. Interviewers reveal these one at a time. -->

- What the dashboards show
- What the logs say
- What changed recently

## Expected Investigation Path

<!-- One fenced block. `# 1. Title` starts a step; the commands follow; `# Shows: ...` says what
     the output tells you. Labels such as IMMEDIATE FIX: or PERMANENT FIX: go before the title. -->

```bash
# 1. Confirm what is actually broken
kubectl get pods -n app
# Shows: which pods are failing and since when
# 2. IMMEDIATE FIX: Stop the bleeding
kubectl rollout undo deployment/app -n app
# 3. PERMANENT FIX: Make the fix durable
# Describe the change that goes into Git, configuration or the runbook.
```

## Root Cause

<!-- What actually happened, and why it looked the way it did. -->

Explain the cause in two or three sentences.

## What a Strong Answer Includes

<!-- One bullet per checklist item; answers are scored against these. Write each as what a strong
     answer does, in at least three words. To tune an item, put a comment after it on the same
     line with any of: weight: 2; also: "another way to say it"; not: "a phrase that must not count" -->

- Identifies the cause from the evidence before changing anything
- Mitigates the impact quickly with a safe, reversible step
- Makes the fix durable so the next deploy does not undo it
- Follows up by checking other services for the same failure

## Common Traps

- **A tempting wrong move** — why it makes things worse.

## Follow-ups

1. What would you monitor to catch this earlier next time?

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
}
