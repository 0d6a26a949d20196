//! Parser tests on the wiki's other formats (`tests/fixtures/formats`): investigation
//! walkthroughs, interview gauntlets and multi-scenario runbooks, with and without front matter
//! and with the quirks real pages have, and each shape's problems at their line.

use super::scenario::{ScenarioKind, Shape, TrapKind};
use super::site::{Page, Site};

const OOM: &str =
    include_str!("../../tests/fixtures/formats/walkthrough-oom-killed-nightly-export.md");
const TLS: &str =
    include_str!("../../tests/fixtures/formats/walkthrough-tls-handshake-failures.md");
const KAFKA: &str =
    include_str!("../../tests/fixtures/formats/gauntlet-disk-full-on-a-kafka-broker.md");
const DNS: &str = include_str!("../../tests/fixtures/formats/gauntlet-dns-outage.md");
const RUNBOOK: &str = include_str!("../../tests/fixtures/formats/runbook-database-failover.md");

fn site() -> Site {
    Site::of_texts(&[
        ("scenarios/oom.md", OOM),
        ("scenarios/tls.md", TLS),
        ("gauntlets/kafka.md", KAFKA),
        ("gauntlets/dns.md", DNS),
        ("runbooks/failover.md", RUNBOOK),
    ])
}

/// `path:line: severity: message` for each problem of `path`.
fn problems(site: &Site, path: &str) -> Vec<String> {
    site.diagnostics_of(path)
        .map(|d| format!("{}: {}: {}", d.line, d.severity, d.message))
        .collect()
}

fn line_of(text: &str, needle: &str) -> usize {
    let at = text.find(needle).expect("needle in text");
    1 + text[..at].matches('\n').count()
}

#[test]
fn a_walkthrough_without_front_matter_loads_as_a_scenario() {
    let site = site();
    let page = site.scenario("oom").expect("loads cleanly");
    assert_eq!(page.meta.level.as_ref().unwrap().code, "L2");
    assert_eq!(page.meta.topics, ["Kubernetes", "Memory"]);
    assert_eq!(
        page.short_title(),
        "Nightly Export Job Keeps Getting OOMKilled"
    );
    let s = page.scenario.as_ref().unwrap();
    assert_eq!(s.kind, ScenarioKind::Walkthrough);
    assert!(
        s.prompt
            .as_ref()
            .unwrap()
            .text
            .starts_with("The nightly orders-export CronJob")
    );
    assert_eq!(s.evidence.len(), 4);
    assert_eq!(
        s.evidence[2].text,
        "The export image was rebuilt last week with a newer JDK"
    );
    let problems = problems(&site, "scenarios/oom.md");
    assert!(
        problems.iter().all(|p| p.contains("link to missing page")),
        "{problems:?}"
    );
}

#[test]
fn walkthrough_steps_carry_titles_commands_and_what_to_look_for() {
    let site = site();
    let s = site.scenario("oom").unwrap().scenario.as_ref().unwrap();
    let titles: Vec<_> = s
        .investigation
        .iter()
        .map(|st| (st.number, st.title.as_str()))
        .collect();
    assert_eq!(
        titles,
        [
            (1, "Check the job's pods and their exit reason"),
            (2, "Check the kernel log for OOM kills"),
            (3, "Compare the JVM heap with the container limit"),
            (4, "Measure what the export needs"),
        ]
    );
    let kernel = &s.investigation[1];
    assert_eq!(kernel.line, line_of(OOM, "### 2. Check the kernel log"));
    // Both code blocks under `**Command(s):**`, comments kept; only commands from `commands()`.
    assert!(kernel.code.contains("journalctl -k") && kernel.code.contains("--field-selector"));
    let commands: Vec<_> = kernel.commands().collect();
    assert_eq!(commands.len(), 2, "{commands:?}");
    assert!(commands[0].starts_with("journalctl -k --since"));
    assert_eq!(
        kernel.shows,
        [
            "Memory cgroup out of memory: Killed process 41233 (java). The kill came from the container's cgroup limit (512Mi), not from node memory pressure."
        ]
    );
    assert!(!s.investigation[0].shows[0].contains("What to look for"));
}

#[test]
fn walkthrough_fix_mistakes_and_interview_angle_are_typed() {
    let site = site();
    let s = site.scenario("oom").unwrap().scenario.as_ref().unwrap();
    assert!(
        s.root_cause
            .as_ref()
            .unwrap()
            .text
            .starts_with("The rebuilt image's JVM")
    );
    let fix = s.fix.as_ref().unwrap();
    assert_eq!(
        fix.options,
        [
            "raise the memory limit and rerun last night's export",
            "cap the heap at a fixed size until the limit is raised"
        ]
    );
    assert!(
        fix.immediate
            .as_ref()
            .unwrap()
            .html
            .contains("kubectl patch cronjob")
    );
    // `- ` lines straight under `**Preventive:**`, with no blank line before them.
    let preventive: Vec<_> = fix.preventive.iter().map(|i| i.text.as_str()).collect();
    assert_eq!(
        preventive,
        [
            "Set memory requests equal to limits for batch jobs, sized from measured peaks",
            "Alert when a CronJob's last run failed, not only when it stops running",
            "Pin JVM memory flags in the Dockerfile and review them on every base image change"
        ]
    );
    assert_eq!(
        fix.preventive[0].line,
        line_of(OOM, "- Set memory requests")
    );
    let traps: Vec<_> = s.traps.iter().map(|t| (t.kind, t.claim.as_str())).collect();
    assert_eq!(
        traps,
        [
            (TrapKind::Trap, "Raising the limit without measuring"),
            (TrapKind::Trap, "Blaming a memory leak in the exporter"),
            (TrapKind::Trap, "Looking only at node memory"),
        ]
    );
    assert_eq!(
        s.follow_ups[0].text,
        "How do you tell a container OOM kill from the node running out of memory?"
    );
    let answer = &s.follow_up_answers[0];
    assert_eq!(answer.follow_up, 0);
    assert!(
        answer
            .answer
            .text
            .starts_with("A cgroup kill shows OOMKilled")
    );
    assert_eq!(answer.answer.line, line_of(OOM, "**Good answer shape:**"));
}

#[test]
fn a_walkthrough_without_a_checklist_is_scored_on_derived_items() {
    let site = site();
    let s = site.scenario("oom").unwrap().scenario.as_ref().unwrap();
    assert_eq!(s.shape(), Shape::Derived);
    assert!(s.rubric.iter().all(|r| r.derived));
    let items: Vec<_> = s.rubric.iter().map(|r| (r.text.as_str(), r.line)).collect();
    assert_eq!(
        items,
        [
            // The three steps that share most words with the root cause, as what the learner does.
            (
                "Checks the kernel log for OOM kills",
                line_of(OOM, "### 2.")
            ),
            (
                "Compares the JVM heap with the container limit",
                line_of(OOM, "### 3.")
            ),
            ("Measures what the export needs", line_of(OOM, "### 4.")),
            // The cause itself: its first sentence, cut at a clause boundary.
            (
                "The rebuilt image's JVM sizes its heap at 90% of the container limit",
                line_of(OOM, "The rebuilt image's JVM")
            ),
            // The immediate fix's options, as one item.
            (
                "Raises the memory limit and rerun last night's export, or caps the heap at a fixed size until the limit is raised",
                line_of(OOM, "**Immediate:**")
            ),
            (
                "Sets memory requests equal to limits for batch jobs, sized from measured peaks",
                line_of(OOM, "- Set memory requests")
            ),
            (
                "Alerts when a CronJob's last run failed, not only when it stops running",
                line_of(OOM, "- Alert when")
            ),
            (
                "Pins JVM memory flags in the Dockerfile and review them on every base image change",
                line_of(OOM, "- Pin JVM")
            ),
        ]
    );
    assert_eq!(s.rubric[0].id, "checks-the-kernel-log-for-oom");
    assert_eq!(s.rubric[4].also, ["raise the memory limit", "cap the heap"]);
}

#[test]
fn a_walkthrough_with_front_matter_and_a_checklist_uses_only_the_checklist() {
    let site = site();
    let page = site
        .scenario("tls-handshake-after-rotation")
        .expect("slug from front matter");
    assert_eq!(page.meta.level.as_ref().unwrap().label(), "L3: Advanced");
    assert_eq!(page.meta.tags, ["certificates"]);
    let s = page.scenario.as_ref().unwrap();
    assert_eq!(s.shape(), Shape::Checklist);
    let rubric: Vec<_> = s
        .rubric
        .iter()
        .map(|r| (r.text.as_str(), r.derived))
        .collect();
    assert_eq!(
        rubric,
        [
            (
                "Checks the chain each ingress replica serves with openssl s_client",
                false
            ),
            (
                "Restarts the replica that serves the leaf without its intermediate",
                false
            ),
        ]
    );
    // `## What You Know:` ends with a colon and is still the evidence.
    assert_eq!(s.evidence.len(), 3);
    assert_eq!(
        s.fix.as_ref().unwrap().options,
        ["Restart the stale ingress replica so it loads the full chain from the secret."]
    );
    assert_eq!(
        problems(&site, "scenarios/tls.md"),
        [format!(
            "{}: warning: step `Compare the secret with what the replica loaded` has no command: add `**Commands:**` and a code block with what the learner runs",
            line_of(TLS, "### 2.")
        )]
    );
}

fn kafka(site: &Site) -> &Page {
    site.gauntlet("kafka").expect("a gauntlet")
}

#[test]
fn a_gauntlet_is_a_page_kind_of_its_own_with_metadata_from_its_header() {
    let site = site();
    let page = kafka(&site);
    assert!(page.scenario.is_none());
    assert!(site.scenario("kafka").is_none());
    assert!(site.wiki_pages().all(|p| p.gauntlet.is_none()));
    assert_eq!(site.gauntlets().count(), 2);
    assert_eq!(page.short_title(), "Disk Full on a Kafka Broker");
    // `L2-L3` is the lower level; the domains are the topics, the first the domain.
    assert_eq!(page.meta.level.as_ref().unwrap().code, "L2");
    assert_eq!(page.meta.topics, ["Data & Storage", "Kafka", "Linux"]);
    assert_eq!(page.meta.domain.as_deref(), Some("Data & Storage"));
    let g = page.gauntlet.as_ref().unwrap();
    assert_eq!(g.header.category.as_deref(), Some("Incident Response"));
    assert_eq!(g.header.duration.as_deref(), Some("15-20 minutes"));
    assert!(g.tested_html.as_ref().unwrap().contains("<table>"));
    let problems = problems(&site, "gauntlets/kafka.md");
    assert!(
        problems.iter().all(|p| p.contains("link to missing page")),
        "{problems:?}"
    );
}

#[test]
fn gauntlets_are_listed_and_filtered_like_scenarios_but_their_questions_are_not_searched() {
    use super::catalogue::{Filter, gauntlets};
    use super::meta::Reader;
    let site = site();
    let titles = |filter: &Filter| -> Vec<String> {
        gauntlets(&site, filter, Reader::Learner)
            .iter()
            .map(|p| p.short_title().to_owned())
            .collect()
    };
    assert_eq!(
        titles(&Filter::default()),
        [
            "Disk Full on a Kafka Broker",
            "Internal DNS Stops Resolving"
        ]
    );
    let kafka = Filter {
        topic: "kafka".into(),
        ..Filter::default()
    };
    assert_eq!(titles(&kafka), ["Disk Full on a Kafka Broker"]);
    let category = Filter {
        q: "incident response".into(),
        ..Filter::default()
    };
    assert_eq!(titles(&category), ["Disk Full on a Kafka Broker"]);
    // Round 4's question mentions 2031: a search must not reveal what a later round asks.
    let question = Filter {
        q: "2031".into(),
        ..Filter::default()
    };
    assert!(titles(&question).is_empty());
}

#[test]
fn gauntlet_rounds_carry_question_note_strong_answer_and_the_optional_parts() {
    let site = site();
    let g = kafka(&site).gauntlet.as_ref().unwrap();
    let rounds: Vec<_> = g
        .rounds
        .iter()
        .map(|r| (r.number, r.name.as_str()))
        .collect();
    assert_eq!(
        rounds,
        [
            (1, "The Opening"),
            (2, "The Probe"),
            (3, "The Constraint"),
            (4, "The Curveball"),
            (5, "The Synthesis")
        ]
    );
    let opening = &g.rounds[0];
    assert_eq!(opening.line, line_of(KAFKA, "## Round 1"));
    assert!(
        opening
            .question
            .as_ref()
            .unwrap()
            .starts_with("One of our three Kafka brokers")
    );
    assert!(!opening.question.as_ref().unwrap().contains('"'));
    assert!(
        opening
            .testing
            .as_ref()
            .unwrap()
            .starts_with("whether the candidate stabilises")
    );
    assert_eq!(opening.weak_answers.len(), 2);
    assert!(
        opening.weak_answers[0]
            .text
            .contains("corrupts its indexes")
    );
    assert!(opening.trap_alert.is_none() && opening.senior_signal.is_none());
    // A code block inside the quoted strong answer is rendered, and not made into items.
    let probe = &g.rounds[1];
    assert!(
        probe
            .strong_answer
            .as_ref()
            .unwrap()
            .html
            .contains("kafka-configs")
    );
    assert!(
        probe
            .rubric
            .iter()
            .all(|r| !r.text.contains("kafka-configs"))
    );
    assert!(
        probe
            .trap_alert
            .as_ref()
            .unwrap()
            .text
            .contains("retention.bytes")
    );
    assert!(
        g.rounds[2]
            .senior_signal
            .as_ref()
            .unwrap()
            .text
            .contains("throttle")
    );
    assert!(
        g.rounds[3]
            .trap_variant
            .as_ref()
            .unwrap()
            .text
            .contains("NTP drift")
    );
    assert!(probe.testing.is_none() && probe.weak_answers.is_empty());
}

#[test]
fn each_round_is_scored_against_three_to_five_ideas_of_its_strong_answer() {
    let site = site();
    let g = kafka(&site).gauntlet.as_ref().unwrap();
    for round in &g.rounds {
        assert!(
            (3..=5).contains(&round.rubric.len()),
            "round {}: {:?}",
            round.number,
            round.rubric
        );
        assert!(
            round
                .rubric
                .iter()
                .all(|r| r.derived && r.line > round.line)
        );
    }
    let opening: Vec<_> = g.rounds[0].rubric.iter().map(|r| r.text.as_str()).collect();
    assert_eq!(
        opening,
        [
            // A sentence over 22 words is split at its clauses.
            "Confirms it is really the Kafka data directory filling",
            "Sees which topic partitions are largest",
            "Checks whether retention is running, because a broker normally deletes old segments on its own",
            "Looks for a producer that changed its volume",
            "Does not delete segment files by hand, since the broker still indexes them and it can refuse to start",
        ]
    );
}

#[test]
fn a_gauntlet_with_front_matter_and_missing_optional_parts_loads() {
    let site = site();
    let page = site
        .gauntlet("dns-outage-gauntlet")
        .expect("slug from front matter");
    assert_eq!(page.meta.level.as_ref().unwrap().code, "L3");
    let g = page.gauntlet.as_ref().unwrap();
    assert_eq!(g.rounds.len(), 2);
    // `## Round 1: The Opening:` ends with a colon.
    assert_eq!(g.rounds[0].name, "The Opening");
    assert!(g.rounds[0].weak_answers.is_empty() && g.rounds[0].testing.is_none());
    assert_eq!(g.rounds[1].weak_answers.len(), 1);
    assert!(g.tested_html.is_none());
    assert!(problems(&site, "gauntlets/dns.md").is_empty());
}

#[test]
fn a_runbook_with_scenario_sections_is_a_wiki_page_with_contents_and_read_only_task_lists() {
    let site = site();
    let page = site.by_url("/runbooks/failover").unwrap();
    assert!(page.scenario.is_none() && page.gauntlet.is_none());
    let contents: Vec<_> = page
        .table_of_contents()
        .iter()
        .map(|s| s.heading.as_str())
        .collect();
    assert_eq!(
        contents,
        [
            "Prerequisites",
            "Scenario 1: Planned Switchover",
            "Scenario 2: Leader Lost",
            "Scenario 3: Replica Too Far Behind"
        ]
    );
    let html: String = page.sections.iter().map(|s| s.html.as_str()).collect();
    assert_eq!(
        html.matches(r#"<input disabled="" type="checkbox""#)
            .count(),
        6,
        "{html}"
    );
    assert_eq!(html.matches("checked").count(), 1, "{html}");
    assert!(html.contains("<table>") && html.contains("<code>patronictl list</code>"));
    assert!(problems(&site, "runbooks/failover.md").is_empty());
}

#[test]
fn each_shapes_problems_are_reported_at_their_line() {
    let no_question = "# Interview Gauntlet: G\n\n**Difficulty:** L2\n\n## Round 1: The Opening\n\n> *What the interviewer is testing:* triage.\n\n### Strong Answer:\n\n> \"I'd check the logs first and the dashboards next.\"\n\n## Round 2: The Probe\n\n**Interviewer:** \"And then?\"\n\n### Trap Alert:\n\n> Guessing.\n";
    let no_rounds = "# Interview Gauntlet: Empty\n\n**Category:** Networking\n\n## Prerequisite Topic Packs\n\n- DNS (Topic Pack, L1)\n";
    let no_cause = "# Scenario: W\n\n## Situation\n\nThe API is slow.\n\n## Investigation Steps\n\n### 1. Look at the dashboards\n\n**What to look for:**\nLatency by route.\n";
    let inline_command = "# Scenario: W3\n\n## Situation\n\nSlow.\n\n## Root Cause\n\nA hot key.\n\n## Investigation Steps\n\n### 1. Find the hot key\n\n**Command:** `redis-cli --hotkeys` on the primary\n";
    let no_situation = "# Scenario: W2\n\n## What You Know\n\n- It is slow\n";
    let no_steps = "# Scenario: W4\n\n## Situation\n\nSlow.\n\n## Investigation Steps\n\nLook around.\n\n## Root Cause\n\nA hot key.\n";
    let site = Site::of_texts(&[
        ("gauntlets/q.md", no_question),
        ("gauntlets/e.md", no_rounds),
        ("scenarios/c.md", no_cause),
        ("scenarios/s.md", no_situation),
        ("scenarios/i.md", inline_command),
        ("scenarios/n.md", no_steps),
    ]);
    assert_eq!(
        problems(&site, "gauntlets/q.md"),
        [
            "5: error: round 1 has no question: add a line `**Interviewer:** \"...\"` under its heading",
            "13: warning: round 2 has no strong answer, so answers to it cannot be scored: add `### Strong Answer:` with a quoted model answer",
        ]
    );
    assert_eq!(
        problems(&site, "gauntlets/e.md"),
        [
            "1: error: gauntlet without rounds: add `## Round 1: The Opening` sections, each with an `**Interviewer:**` question and a `### Strong Answer:`"
        ]
    );
    assert_eq!(
        problems(&site, "scenarios/c.md"),
        [
            "1: warning: walkthrough without a root cause: add a `## Root Cause` section; answers are scored on it",
            "9: warning: step `Look at the dashboards` has no command: add `**Commands:**` and a code block with what the learner runs",
        ]
    );
    assert_eq!(
        problems(&site, "scenarios/s.md"),
        [
            "1: error: walkthrough without a situation: add a `## Situation` section saying what the learner faces"
        ]
    );
    assert!(problems(&site, "scenarios/i.md").is_empty());
    assert_eq!(
        problems(&site, "scenarios/n.md"),
        [
            "7: warning: the investigation steps have no recognisable steps: start each with a `### 1. Title` heading, then `**Commands:**` and a code block"
        ]
    );
    let step = &site
        .scenario("i")
        .unwrap()
        .scenario
        .as_ref()
        .unwrap()
        .investigation[0];
    assert_eq!(step.code, "redis-cli --hotkeys");
    // Pages with errors are not served; the others are.
    assert!(site.gauntlet("q").is_none() && site.gauntlet("e").is_none());
    assert!(site.scenario("c").is_some() && site.scenario("s").is_none());
}

#[test]
fn gauntlets_have_slugs_of_their_own() {
    let scenario = "# Scenario: Same\n\n## The Prompt\n\nGo.\n\n## Strong Answer\n\nCheck the logs before anything else.\n";
    let gauntlet = "# Interview Gauntlet: Same\n\n## Round 1: The Opening\n\n**Interviewer:** \"Go.\"\n\n### Strong Answer:\n\n> \"I'd check the logs. Then I'd read the dashboards. I would not restart anything yet.\"\n";
    let site = Site::of_texts(&[
        ("scenarios/same.md", scenario),
        ("gauntlets/same.md", gauntlet),
        ("more/same.md", gauntlet),
    ]);
    assert_eq!(site.scenario("same").unwrap().path, "scenarios/same.md");
    assert_eq!(site.gauntlet("same").unwrap().path, "gauntlets/same.md");
    assert!(site.gauntlet("more/same.md").is_none());
    assert_eq!(
        problems(&site, "more/same.md"),
        [
            "1: error: duplicate slug `same`: `gauntlets/same.md` already uses it; rename the file or set `slug:` in front matter"
        ]
    );
    let rubric = &site
        .gauntlet("same")
        .unwrap()
        .gauntlet
        .as_ref()
        .unwrap()
        .rounds[0]
        .rubric;
    let items: Vec<_> = rubric.iter().map(|r| r.text.as_str()).collect();
    assert_eq!(
        items,
        [
            "Checks the logs",
            "Reads the dashboards",
            "Does not restart anything yet"
        ]
    );
}

#[test]
fn front_matter_can_make_a_page_a_gauntlet_and_its_header_gives_way_to_front_matter() {
    let text = "---\nkind: gauntlet\nlevel: L4\n---\n# Mock: Queue Backlog\n\n**Difficulty:** L1-L2\n**Domains:** Messaging\n\n## Round 1: The Opening\n\n**Interviewer:** \"The queue is at a million messages.\"\n\n### Strong Answer:\n\n> \"I'd check the consumers first.\"\n";
    let site = Site::of_texts(&[("mock.md", text)]);
    let page = site.gauntlet("mock").expect("a gauntlet by front matter");
    assert_eq!(page.meta.level.as_ref().unwrap().code, "L4");
    assert_eq!(page.meta.topics, ["Messaging"]);
    assert_eq!(
        page.gauntlet.as_ref().unwrap().rounds[0]
            .question
            .as_deref(),
        Some("The queue is at a million messages.")
    );
}

#[test]
fn a_code_block_inside_a_list_item_of_the_fix_is_kept_and_its_comments_are_the_options() {
    let text = "# Scenario: Certificates\n\n## Situation\n\nThe site shows a certificate error.\n\n## Root Cause\n\nThe renewal job lost its DNS credentials.\n\n## Fix\n\n**Immediate:**\n1. Renew by hand:\n   ```bash\n   # renew the certificate with the DNS challenge\n   certbot renew --force-renewal\n   ```\n2. Or serve the backup certificate:\n   ```bash\n   # switch the ingress to the backup secret\n   kubectl patch ingress web -p '{}'\n   ```\n\n**Preventive:**\n    - Alert thirty days before expiry\n    - Test the renewal job weekly\n";
    let site = Site::of_texts(&[("scenarios/cert.md", text)]);
    let s = site.scenario("cert").unwrap().scenario.as_ref().unwrap();
    let fix = s.fix.as_ref().unwrap();
    assert_eq!(
        fix.options,
        [
            "renew the certificate with the DNS challenge",
            "switch the ingress to the backup secret"
        ]
    );
    let html = &fix.immediate.as_ref().unwrap().html;
    assert!(
        html.contains("<li>") && html.contains("certbot renew --force-renewal"),
        "{html}"
    );
    // `- ` lines indented into the paragraph under `**Preventive:**` are still its bullets.
    let preventive: Vec<_> = fix.preventive.iter().map(|i| i.text.as_str()).collect();
    assert_eq!(
        preventive,
        [
            "Alert thirty days before expiry",
            "Test the renewal job weekly"
        ]
    );
    let items: Vec<_> = s.rubric.iter().map(|r| r.text.as_str()).collect();
    assert_eq!(
        items,
        [
            "The renewal job lost its DNS credentials",
            "Renews the certificate with the DNS challenge, or switches the ingress to the backup secret",
            "Alerts thirty days before expiry",
            "Tests the renewal job weekly",
        ]
    );
}
