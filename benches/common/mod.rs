//! Generated content for benchmarks: scenarios shaped like the seed, with varied text, links
//! between them and to pages that do not exist.

use firedrill::content::SourceFile;

const SERVICES: [&str; 8] = [
    "checkout", "payments", "search", "ledger", "gateway", "catalog", "auth", "billing",
];
const TOPICS: [&str; 6] = [
    "GitOps",
    "Kubernetes",
    "Networking",
    "Databases",
    "Observability",
    "TLS",
];

/// `n` scenario files under `scenarios/`, plus one topic page per topic.
pub fn generate(n: usize) -> Vec<SourceFile> {
    let mut files: Vec<SourceFile> = (0..n).map(|i| scenario(i, n)).collect();
    for topic in TOPICS {
        let text = format!(
            "# {topic}\n\nA topic pack about {topic}.\n\n## Wiki Navigation\n\n### Related Content\n\n- [Scenario 0](../scenarios/scenario-0.md) (Scenario, L2) — {topic}\n"
        );
        files.push(SourceFile {
            path: format!("topics/{}.md", topic.to_lowercase()),
            bytes: text.into_bytes(),
        });
    }
    files
}

fn scenario(i: usize, n: usize) -> SourceFile {
    let service = SERVICES[i % SERVICES.len()];
    let topic = TOPICS[i % TOPICS.len()];
    let level = 1 + i % 3;
    let other = (i * 7 + 3) % n;
    let extra: String = (0..i % 5)
        .map(|k| format!("- Log line {k} from `{service}-{i}` shows a timeout after {k}00 ms\n"))
        .collect();
    let text = format!(
        r#"Portal | Level: L{level}: Operations | Topics: {topic} | Domain: DevOps & Tooling

# Scenario: {service} outage number {i}

## The Prompt

> "The {service} service (instance {i}) is failing health checks and ArgoCD shows it OutOfSync. Someone made manual changes, and an HPA is fighting the sync. What do you do?"

## Initial Report

Alert: "{service}-{i} deployment has been flapping between 3 and 10 replicas for the last 30 minutes. Error rate is {i}%."

## Constraints

- **Time pressure**: Error rate is elevated due to the scaling flap.
- **ArgoCD has selfHeal enabled**: Any manual fix may be reverted by ArgoCD.

## Observable Evidence

- ArgoCD UI shows the app as OutOfSync with a diff on `spec.replicas`
- HPA is trying to scale to 8 replicas based on CPU
- Pods are being created and terminated in a loop
{extra}
## Expected Investigation Path

```bash
# 1. Check ArgoCD app status
argocd app get {service}-{i}
# 2. View the diff
argocd app diff {service}-{i}
# Shows: spec.replicas: 3 (Git) vs 8 (live, set by HPA)
# 3. Check HPA
kubectl get hpa -n {service}
# Shows: desired=8, current=3 (being reverted)
# 4. IMMEDIATE FIX: Tell ArgoCD to ignore replicas
argocd app set {service}-{i} --ignore-difference '{{"group":"apps","kind":"Deployment","jsonPointers":["/spec/replicas"]}}'
# 5. PERMANENT FIX: Update the Application in Git
#   spec:
#     ignoreDifferences:
#       - group: apps
# 6. Verify stabilization
kubectl get pods -n {service} -w
```

## Root Cause

HPA manages spec.replicas dynamically. ArgoCD sees the HPA-set value as drift from Git and reverts it. This creates an infinite loop: HPA scales up -> ArgoCD reverts -> HPA scales up.

## What a Strong Answer Includes

- Quick identification of the HPA vs ArgoCD conflict on {service}
- Knowledge of `ignoreDifferences` to resolve sync loops
- Understanding that this is a common GitOps pitfall (not a bug)
- The fix should be made in Git (not just via argocd CLI) to be durable
- Mention of other sync loop causes: server-side defaults, mutating webhooks
- Post-incident: audit all ArgoCD-managed deployments that also have HPAs

## Wiki Navigation

### Related Content

- [{topic}](../topics/{topic_file}.md) (Topic Pack, L1) — {topic}
- [Scenario {other}](scenario-{other}.md) (Scenario, L2) — {topic}
- [Runbook: {service}](../runbooks/{service}.md) (Runbook, L2) — {topic}
- Track: Release Ops (Reference, L1) — {topic}

### Pages that link here

- Interview Scenarios
- Master Curriculum: 40 Weeks
"#,
        topic_file = topic.to_lowercase(),
    );
    SourceFile {
        path: format!("scenarios/scenario-{i}.md"),
        bytes: text.into_bytes(),
    }
}
