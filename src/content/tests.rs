//! Parser tests on the fixture content (`tests/fixtures/content`, a frozen copy of the seed and
//! each section variant) and on every diagnostic, with the exact line reported.

use super::scenario::{Shape, TrapKind};
use super::site::{Site, SourceFile};

fn file(path: &str, text: &str) -> SourceFile {
    SourceFile {
        path: path.to_owned(),
        bytes: text.as_bytes().to_vec(),
    }
}

fn fixtures() -> Site {
    Site::build(&[
        file(
            "scenarios/gitops-drift-causing-outage.md",
            include_str!("../../tests/fixtures/content/scenarios/gitops-drift-causing-outage.md"),
        ),
        file(
            "scenarios/config-drift-detected.md",
            include_str!("../../tests/fixtures/content/scenarios/config-drift-detected.md"),
        ),
        file(
            "scenarios/nodes-notready-after-upgrade.md",
            include_str!("../../tests/fixtures/content/scenarios/nodes-notready-after-upgrade.md"),
        ),
        file(
            "scenarios/tls-certificate-expired.md",
            include_str!("../../tests/fixtures/content/scenarios/tls-certificate-expired.md"),
        ),
        file(
            "topics/gitops.md",
            include_str!("../../tests/fixtures/content/topics/gitops.md"),
        ),
        file(
            "runbooks/argocd-out-of-sync.md",
            include_str!("../../tests/fixtures/content/runbooks/argocd-out-of-sync.md"),
        ),
    ])
}

#[test]
fn seed_metadata_comes_from_the_breadcrumb() {
    let site = fixtures();
    let page = site.scenario("gitops-drift-causing-outage").unwrap();
    assert_eq!(page.title, "Scenario: GitOps Drift Causing Outage");
    assert_eq!(page.short_title(), "GitOps Drift Causing Outage");
    assert_eq!(page.url, "/scenarios/gitops-drift-causing-outage");
    assert_eq!(page.meta.level.as_ref().unwrap().label(), "L2: Operations");
    assert_eq!(page.meta.topics, ["GitOps"]);
    assert_eq!(page.meta.domain.as_deref(), Some("DevOps & Tooling"));
    assert!(
        site.diagnostics.iter().all(|d| !d.is_error()),
        "{:?}",
        site.diagnostics
    );
}

#[test]
fn seed_sections_are_typed() {
    let site = fixtures();
    let scenario = site
        .scenario("gitops-drift-causing-outage")
        .unwrap()
        .scenario
        .as_ref()
        .unwrap();
    assert_eq!(scenario.format, "Scenario");
    assert!(
        scenario
            .prompt
            .as_ref()
            .unwrap()
            .text
            .contains("self-heal is fighting with an HPA")
    );
    assert!(
        scenario
            .initial_report
            .as_ref()
            .unwrap()
            .text
            .contains("flapping between 3 and 10 replicas")
    );
    assert_eq!(scenario.constraints.len(), 2);
    assert_eq!(scenario.evidence.len(), 4);
    assert_eq!(
        scenario.evidence[0].text,
        "ArgoCD UI shows the app as OutOfSync with a diff on spec.replicas"
    );
    assert!(
        scenario
            .root_cause
            .as_ref()
            .unwrap()
            .text
            .contains("infinite loop")
    );
    assert!(scenario.root_causes.is_empty());
    let rubric: Vec<&str> = scenario.rubric.iter().map(|r| r.text.as_str()).collect();
    assert_eq!(rubric.len(), 6);
    assert_eq!(
        rubric[1],
        "Knowledge of ignoreDifferences to resolve sync loops"
    );
    assert_eq!(scenario.rubric[0].id, "quick-identification-of-the-hpa-vs");
    assert_eq!(scenario.rubric[0].line, 57);
    assert!(scenario.model_answer.is_none() && scenario.traps.is_empty());
}

#[test]
fn seed_investigation_path_has_six_steps_with_fix_labels() {
    let site = fixtures();
    let steps = &site
        .scenario("gitops-drift-causing-outage")
        .unwrap()
        .scenario
        .as_ref()
        .unwrap()
        .investigation;
    let titles: Vec<_> = steps
        .iter()
        .map(|s| (s.number, s.label.as_deref(), s.title.as_str()))
        .collect();
    assert_eq!(
        titles,
        [
            (1, None, "Check ArgoCD app status"),
            (2, None, "View the diff"),
            (3, None, "Check HPA"),
            (4, Some("IMMEDIATE FIX"), "Tell ArgoCD to ignore replicas"),
            (5, Some("PERMANENT FIX"), "Update the Application in Git"),
            (6, None, "Verify stabilization"),
        ]
    );
    assert_eq!(steps[0].line, 28);
    assert_eq!(
        steps[1].shows,
        ["spec.replicas: 3 (Git) vs 8 (live, set by HPA)"]
    );
    assert!(steps[4].code.contains("#     ignoreDifferences:"));
    assert_eq!(
        steps[5].code,
        "kubectl get pods -n grokdevops -w\nargocd app get grokdevops # Should be Synced now"
    );
}

#[test]
fn seed_navigation_resolves_some_links_and_marks_the_rest_missing() {
    let site = fixtures();
    let page = site.scenario("gitops-drift-causing-outage").unwrap();
    assert_eq!(page.related.len(), 10);
    let gitops = page.related.iter().find(|r| r.title == "GitOps").unwrap();
    assert_eq!(
        (
            gitops.url.as_deref(),
            gitops.kind.as_deref(),
            gitops.level.as_deref()
        ),
        (Some("/topics/gitops"), Some("Topic Pack"), Some("L1"))
    );
    let interview = page
        .related
        .iter()
        .find(|r| r.title == "Interview: Config Drift Detected")
        .unwrap();
    assert_eq!(
        interview.url.as_deref(),
        Some("/scenarios/config-drift-detected")
    );
    let drills = page
        .related
        .iter()
        .find(|r| r.title == "GitOps & ArgoCD Drills")
        .unwrap();
    assert!(drills.missing && drills.url.is_none());
    let track = page
        .related
        .iter()
        .find(|r| r.title.starts_with("Track:"))
        .unwrap();
    assert!(!track.missing && track.target.is_none());
    assert_eq!(page.related.iter().filter(|r| r.missing).count(), 6);
    // The 14 listed backlinks, plus pages found to link here that the list did not name.
    assert!(page.backlinks.len() >= 14);
    assert!(
        page.backlinks
            .iter()
            .any(|b| b.title == "Runbook: ArgoCD Out of Sync"
                && b.url.as_deref() == Some("/runbooks/argocd-out-of-sync"))
    );
    assert!(
        page.backlinks
            .iter()
            .any(|b| b.title == "Master Curriculum: 40 Weeks" && b.url.is_none())
    );
}

#[test]
fn strong_answer_variant_has_model_answer_concepts_red_flags_and_follow_ups() {
    let site = fixtures();
    let page = site.scenario("config-drift-detected").unwrap();
    let s = page.scenario.as_ref().unwrap();
    assert_eq!(s.format, "Interview");
    assert!(s.rubric.is_empty());
    let answer = &s.model_answer.as_ref().unwrap().text;
    let words = answer.split_whitespace().count();
    assert!((80..=200).contains(&words), "{words} words");
    assert!(s.key_concepts.len() >= 5);
    assert!(
        s.key_concepts
            .iter()
            .all(|c| !c.name.is_empty() && !c.explanation.is_empty())
    );
    assert!(
        s.traps.len() >= 4
            && s.traps
                .iter()
                .all(|t| t.kind == TrapKind::RedFlag && !t.claim.is_empty())
    );
    assert!(s.follow_ups.len() >= 4);
    assert!(
        s.investigation.len() >= 4,
        "the numbered response path becomes steps"
    );
    assert!(s.investigation.iter().all(|step| !step.html.is_empty()));
    assert!(s.is_gradeable());
}

#[test]
fn root_cause_possibilities_variant_lists_candidates() {
    let site = fixtures();
    let page = site.scenario("nodes-notready-after-upgrade").unwrap();
    let s = page.scenario.as_ref().unwrap();
    assert_eq!(page.meta.level.as_ref().unwrap().code, "L3");
    assert_eq!(page.meta.topics, ["Kubernetes", "Upgrades"]);
    assert!(s.root_causes.len() >= 4);
    assert!(
        s.investigation
            .iter()
            .any(|st| st.label.as_deref() == Some("IMMEDIATE FIX"))
    );
    assert!(
        s.investigation
            .iter()
            .any(|st| st.label.as_deref() == Some("PERMANENT FIX"))
    );
    assert_eq!(s.rubric.len(), 6);
    assert!(
        page.sections
            .iter()
            .any(|sec| sec.heading == "Practice and Links")
    );
}

#[test]
fn common_traps_variant_with_front_matter() {
    let site = fixtures();
    let page = site.scenario("tls-certificate-expired").unwrap();
    assert_eq!(page.meta.level.as_ref().unwrap().label(), "L1: Foundations");
    assert_eq!(page.meta.topics, ["TLS", "Ingress"]);
    assert_eq!(page.meta.domain.as_deref(), Some("Networking & Security"));
    assert_eq!(page.meta.tags, ["certificates", "cert-manager", "outage"]);
    let s = page.scenario.as_ref().unwrap();
    assert!(s.traps.len() >= 4 && s.traps.iter().all(|t| t.kind == TrapKind::Trap));
    assert!(s.root_causes.len() >= 3);
    assert_eq!(s.follow_ups.len(), 3);
    assert!(page.sections.iter().any(|sec| sec.heading == "Next Steps"));
}

#[test]
fn wiki_pages_get_computed_backlinks() {
    let site = fixtures();
    let topic = site.by_url("/topics/gitops").unwrap();
    assert!(topic.scenario.is_none());
    assert!(
        topic
            .backlinks
            .iter()
            .any(|b| b.url.as_deref() == Some("/scenarios/gitops-drift-causing-outage"))
    );
    assert_eq!(site.wiki_pages().count(), 2);
    assert_eq!(site.scenarios().count(), 4);
}

#[test]
fn unknown_sections_are_kept_in_order() {
    let site = Site::build(&[file(
        "s.md",
        "# Scenario: X\n\n## Timeline\n\nfirst\n\n## The Prompt\n\nGo.\n\n## Strong Answer\n\n> I would.\n\n## Appendix\n\nlast\n",
    )]);
    let page = site.scenario("s").unwrap();
    let headings: Vec<_> = page.sections.iter().map(|s| s.heading.as_str()).collect();
    assert_eq!(
        headings,
        ["Timeline", "The Prompt", "Strong Answer", "Appendix"]
    );
    assert!(page.sections[3].html.contains("last"));
}

fn report(files: &[SourceFile]) -> String {
    let site = Site::build(files);
    let mut lines: Vec<String> = site.diagnostics.iter().map(ToString::to_string).collect();
    lines.push(site.summary().to_string());
    lines.join("\n")
}

#[test]
fn missing_title_is_reported_at_the_first_line_of_content() {
    let out = report(&[file("a.md", "\n\nJust text, no heading.\n")]);
    assert!(out.starts_with("a.md:3: error: missing title"), "{out}");
}

#[test]
fn scenario_without_prompt_is_an_error_at_its_title() {
    let out = report(&[file(
        "s.md",
        "intro\n\n# Scenario: No Prompt\n\n## Initial Report\n\nx\n",
    )]);
    assert!(
        out.starts_with("s.md:3: error: scenario without a prompt"),
        "{out}"
    );
}

#[test]
fn scenario_without_checklist_or_strong_answer_is_a_warning() {
    let out = report(&[file(
        "s.md",
        "# Scenario: Ungraded\n\n## The Prompt\n\nWhat now?\n",
    )]);
    assert!(
        out.starts_with(
            "s.md:1: warning: scenario has no checklist, strong answer or key concepts"
        ),
        "{out}"
    );
    assert!(
        out.ends_with("checked 1 file: 0 errors, 1 warning"),
        "{out}"
    );
}

#[test]
fn link_to_missing_page_is_a_warning_at_its_line() {
    let out = report(&[file(
        "w/a.md",
        "# A\n\nSee\n[B](b.md) and [ok](../w/a.md) and [web](https://example.com).\n",
    )]);
    assert_eq!(
        out,
        "w/a.md:4: warning: link to missing page `b.md`: write that page or fix the link (it is shown as not written yet)\nchecked 1 file: 0 errors, 1 warning"
    );
}

#[test]
fn duplicate_slug_is_an_error_naming_the_first_file() {
    let body = "# Scenario: Same\n\n## The Prompt\n\nGo.\n\n## Strong Answer\n\n> Yes.\n";
    let out = report(&[file("a/same.md", body), file("b/same.md", body)]);
    assert!(
        out.starts_with("b/same.md:1: error: duplicate slug `same`: `a/same.md` already uses it"),
        "{out}"
    );
}

#[test]
fn invalid_front_matter_is_reported_with_its_line() {
    let out = report(&[file(
        "f.md",
        "---\nlevel: L2\ntopics: [GitOps\n---\n# Page\n",
    )]);
    assert!(
        out.starts_with("f.md:3: error: invalid front matter")
            || out.starts_with("f.md:4: error: invalid front matter"),
        "{out}"
    );
    let out = report(&[file("g.md", "---\nlevel: L2\ncolour: red\n---\n# Page\n")]);
    assert!(
        out.starts_with("g.md:3: error: invalid front matter: unknown field `colour`"),
        "{out}"
    );
    let out = report(&[file("h.md", "---\nlevel: L2\n# Page\n")]);
    assert!(
        out.starts_with("h.md:1: error: front matter is not closed"),
        "{out}"
    );
}

#[test]
fn file_that_is_not_utf8_is_an_error_at_the_bad_line() {
    let files = [SourceFile {
        path: "bin.md".into(),
        bytes: b"# Title\n\nok\ncaf\xe9\n".to_vec(),
    }];
    let out = report(&files);
    assert!(
        out.starts_with("bin.md:4: error: file is not valid UTF-8"),
        "{out}"
    );
}

#[test]
fn pages_with_errors_are_left_out_and_the_rest_served() {
    let site = Site::build(&[
        file("good.md", "# Good\n\n[bad](bad.md)\n"),
        file("bad.md", "no title here\n"),
    ]);
    assert_eq!(site.pages().len(), 1);
    assert!(site.by_url("/good").unwrap().sections.is_empty());
    assert!(
        site.by_url("/good")
            .unwrap()
            .intro_html
            .contains("not written yet"),
        "a link to a broken page is shown as missing"
    );
    assert_eq!(site.summary().errors, 1);
}

#[test]
fn parallel_build_gives_the_same_site_as_one_thread() {
    let mut files: Vec<SourceFile> = (0..600)
        .map(|i| {
            let text = match i % 7 {
                0 => format!("# Topic {i}\n\nSee [next](s{}.md) and [gone](nowhere.md).\n", i + 1),
                1 => "no title\n".to_owned(),
                _ => format!("# Scenario: S{i}\n\n## The Prompt\n\nGo [back](s{}.md).\n\n## Strong Answer\n\n> Fix it.\n", i.max(1) - 1),
            };
            file(&format!("s{i}.md"), &text)
        })
        .collect();
    files.push(file(
        "dup/s5.md",
        "# Scenario: Again\n\n## The Prompt\n\nGo.\n",
    ));
    let one = Site::build_with_threads(&files, 1);
    let two = Site::build_with_threads(&files, 2);
    assert_eq!(one.diagnostics, two.diagnostics);
    let html = |site: &Site| {
        site.pages()
            .iter()
            .map(|p| (p.url.clone(), p.intro_html.clone(), p.backlinks.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(html(&one), html(&two));
    assert!(
        one.diagnostics
            .iter()
            .any(|d| d.message.starts_with("duplicate slug `s5`"))
    );
    // s7.md links on to s8.md, which has no title: shown as missing in both builds, although
    // s8 was only found broken after s7 was rendered.
    let s7 = one.by_url("/s7").unwrap();
    assert!(
        s7.intro_html.contains(r#"<span class="link-missing""#),
        "{}",
        s7.intro_html
    );
    assert!(one.by_url("/s8").is_none());
}

#[test]
fn annotations_are_honoured() {
    let text = "# Scenario: Tuned\n\n## The Prompt\n\nGo.\n\n## What a Strong Answer Includes\n\n\
- Scales the deployment back down <!-- weight: 3; also: \"kubectl scale\"; not: \"scale to zero\" -->\n\
- Checks the rollout history first\n";
    let site = Site::build(&[file("t.md", text)]);
    assert!(site.diagnostics.is_empty(), "{:?}", site.diagnostics);
    let rubric = &site
        .scenario("t")
        .unwrap()
        .scenario
        .as_ref()
        .unwrap()
        .rubric;
    assert_eq!(rubric[0].weight, 3.0);
    assert_eq!(rubric[0].also, ["kubectl scale"]);
    assert_eq!(rubric[0].not, ["scale to zero"]);
    assert_eq!(rubric[0].text, "Scales the deployment back down");

    let page = site.scenario("t").unwrap();
    let grader = crate::grading::Rubric::of("t", page.scenario.as_ref().unwrap());
    let grade = grader
        .grade("I'd run kubectl scale deploy/web --replicas=3 and check the rollout history.");
    assert_eq!(grade.items[0].verdict, crate::grading::Verdict::Covered);
    assert_eq!(
        grade.items[0].reason,
        "the answer says “kubectl scale”, which the author counts as this item"
    );
}

#[test]
fn a_malformed_annotation_is_an_error_at_its_item() {
    let text = "# Scenario: Tuned\n\n## The Prompt\n\nGo.\n\n## What a Strong Answer Includes\n\n\
- Scales the deployment back down\n\
- Checks the rollout history first <!-- colour: red -->\n";
    let out = report(&[file("t.md", text)]);
    assert!(
        out.starts_with("t.md:10: error: unknown annotation `colour`: use weight, also or not"),
        "{out}"
    );
    assert!(
        out.ends_with("checked 1 file: 1 error, 0 warnings"),
        "{out}"
    );
}

#[test]
fn investigation_path_without_steps_is_a_warning_at_its_heading() {
    let text = "# Scenario: S\n\n## The Prompt\n\nGo.\n\n## Expected Investigation Path\n\nLook around and think hard.\n\n## Strong Answer\n\n> I would.\n";
    let out = report(&[file("s.md", text)]);
    assert!(
        out.starts_with("s.md:7: warning: the investigation path has no recognisable steps"),
        "{out}"
    );
}

#[test]
fn vague_and_duplicate_checklist_items_are_warnings_at_their_lines() {
    let text = "# Scenario: S\n\n## The Prompt\n\nGo.\n\n## What a Strong Answer Includes\n\n\
- Rollback\n\
- Identifies the bad deploy from the rollout history\n\
- Identifies the bad deploy from the rollout history\n";
    let out = report(&[file("s.md", text)]);
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].starts_with(
            "s.md:9: warning: checklist item `Rollback` is too vague to grade (1 word)"
        ),
        "{out}"
    );
    assert!(lines[1].starts_with("s.md:11: warning: checklist item `Identifies the bad deploy from the rollout history` repeats the item on line 10"), "{out}");
}

#[test]
fn related_content_lines_that_do_not_parse_are_warnings() {
    let text = "# Page\n\n## Wiki Navigation\n\n### Related Content\n\n- [GitOps](gitops.md) (Topic Pack, L1) — GitOps\n- just some words\n";
    let out = report(&[file("p.md", text), file("gitops.md", "# GitOps\n")]);
    assert!(
        out.starts_with("p.md:8: warning: related-content line `just some words` does not parse"),
        "{out}"
    );
    assert!(
        out.ends_with("checked 2 files: 0 errors, 1 warning"),
        "{out}"
    );
}

#[test]
fn a_scenario_with_only_a_model_answer_is_graded_against_its_sentences() {
    let text = "# Interview: Bare\n\n## The Prompt\n\nGo.\n\n## Strong Answer\n\n> \"First I would check the kubelet logs on the node with journalctl. Then I would roll the kubelet back to the previous minor version. Short.\"\n";
    let site = Site::build(&[file("b.md", text)]);
    let page = site.scenario("b").unwrap();
    let rubric = crate::grading::Rubric::of("b", page.scenario.as_ref().unwrap());
    let texts: Vec<_> = rubric.items.iter().map(|i| i.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "First I would check the kubelet logs on the node with journalctl.",
            "Then I would roll the kubelet back to the previous minor version."
        ]
    );
    let grade = rubric.grade("journalctl -u kubelet on the node shows the logs");
    assert_eq!(grade.items[0].verdict, crate::grading::Verdict::Covered);
}

#[test]
fn pages_at_the_portals_own_addresses_are_errors() {
    for path in [
        "attempts/x.md",
        "stats.md",
        "wiki.md",
        "static/a.md",
        "account.md",
        "i/x.md",
    ] {
        let out = report(&[file(path, "# A page\n")]);
        assert!(
            out.starts_with(&format!("{path}:1: error: `/"))
                && out.contains("is reserved for the portal"),
            "{out}"
        );
    }
}

#[test]
fn pages_whose_names_only_start_like_a_reserved_one_are_fine() {
    for path in ["ideas.md", "i-x/a.md", "statistics.md", "wikis/a.md"] {
        let out = report(&[file(path, "# A page\n")]);
        assert_eq!(out, "checked 1 file: 0 errors, 0 warnings", "{path}");
    }
}

/// The first path segment of every route and nested router in the route table.
fn top_level_routes() -> std::collections::BTreeSet<&'static str> {
    let table = include_str!("../app.rs");
    [".route(\"/", ".nest(\"/"]
        .iter()
        .flat_map(|call| table.split(call).skip(1))
        .map(|rest| rest.split(['/', '"']).next().unwrap_or_default())
        .filter(|name| !name.is_empty())
        .collect()
}

#[test]
fn a_scenario_is_scored_against_its_checklist_else_its_strong_answer_else_nothing() {
    let prompt = "## The Prompt\n\nWhat do you do?\n";
    let concepts = "## Key Concepts Tested\n\n- **Drift**: the cluster differs from Git\n";
    let both = "## Strong Answer\n\n> I would diff the cluster against Git first.\n\n## What a Strong Answer Includes\n\n- Diffs the cluster against Git\n";
    let site = Site::of_texts(&[
        ("both.md", &format!("# Scenario: Both\n\n{prompt}\n{both}")),
        (
            "concepts.md",
            &format!("# Scenario: Concepts\n\n{prompt}\n{concepts}"),
        ),
        ("none.md", &format!("# Scenario: None\n\n{prompt}")),
    ]);
    let shape = |slug| {
        site.scenario(slug)
            .unwrap()
            .scenario
            .as_ref()
            .unwrap()
            .shape()
    };
    assert_eq!(shape("both"), Shape::Checklist);
    assert_eq!(shape("concepts"), Shape::StrongAnswer);
    assert_eq!(shape("none"), Shape::Ungraded);
    let fixtures = fixtures();
    let shape = |slug| {
        fixtures
            .scenario(slug)
            .unwrap()
            .scenario
            .as_ref()
            .unwrap()
            .shape()
    };
    assert_eq!(shape("config-drift-detected"), Shape::StrongAnswer);
    assert_eq!(shape("gitops-drift-causing-outage"), Shape::Checklist);
}

#[test]
fn the_reserved_names_are_exactly_the_top_level_routes() {
    let reserved: std::collections::BTreeSet<_> = super::site::reserved_names().collect();
    let routes = top_level_routes();
    assert!(
        routes.contains("admin") && routes.contains("i"),
        "{routes:?}"
    );
    assert_eq!(reserved, routes, "update src/content/reserved.txt");
}

#[test]
fn the_authoring_guide_lists_every_reserved_name() {
    let guide = include_str!("../../docs/authoring.md");
    let sentence = guide
        .split("\n\n")
        .find(|p| p.contains("own addresses are reserved"))
        .expect("docs/authoring.md says which names are reserved");
    for name in super::site::reserved_names() {
        assert!(
            sentence.contains(&format!("`{name}`")),
            "docs/authoring.md does not list `{name}` as reserved: {sentence}"
        );
    }
}

#[test]
fn a_byte_order_mark_is_not_part_of_the_page() {
    let text = "\u{feff}---\ntags: [x]\n---\nPortal | Level: L1\n\n# Title After a BOM\n\nBody.\n";
    let site = Site::build(&[file("bom.md", text)]);
    assert!(site.diagnostics.is_empty(), "{:?}", site.diagnostics);
    let page = site.by_url("/bom").unwrap();
    assert_eq!(page.title, "Title After a BOM");
    assert_eq!(
        (page.title_line, page.meta.tags.as_slice()),
        (6, &["x".to_owned()][..])
    );
    let bad = [SourceFile {
        path: "bad.md".into(),
        bytes: b"\xef\xbb\xbf# T\n\xff\n".to_vec(),
    }];
    assert!(
        report(&bad)
            .starts_with("bad.md:2: error: file is not valid UTF-8 (invalid byte at offset 7)"),
        "offsets count the mark: {}",
        report(&bad)
    );
}

#[test]
fn a_broken_file_keeps_its_last_good_page_and_a_new_broken_file_stays_out() {
    let good = Site::build(&[file("a.md", "# A\n\nGood.\n"), file("b.md", "# B\n")]);
    let broken = Site::build(&[
        file("a.md", "no title any more\n"),
        file("b.md", "# B\n"),
        file("c.md", "also broken\n"),
    ]);
    let site = broken.keep_last_good(&good);
    assert!(site.by_url("/a").unwrap().intro_html.contains("Good."));
    assert!(site.by_url("/c").is_none());
    assert_eq!(
        site.diagnostics_of("a.md").count(),
        1,
        "the problem is still reported"
    );
}
