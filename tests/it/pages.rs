//! The catalogue, scenario pages, wiki pages, 404 and rendering of hostile content.

use axum::http::{StatusCode, header};

use crate::helpers::TestApp;

const SEED: &str = "/scenarios/gitops-drift-causing-outage";

#[tokio::test]
async fn catalogue_lists_every_scenario_with_level_topics_and_domain() {
    let res = TestApp::fixtures().await.get("/").await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.header(header::CONTENT_TYPE), "text/html; charset=utf-8");
    res.assert_contains(&[
        r#"href="/scenarios/gitops-drift-causing-outage">GitOps Drift Causing Outage</a>"#,
        r#"href="/scenarios/config-drift-detected">Config Drift Detected</a>"#,
        r#"href="/scenarios/nodes-notready-after-upgrade">"#,
        r#"href="/scenarios/tls-certificate-expired">"#,
        "L2: Operations",
        "DevOps &#38; Tooling",
        "4 scenarios",
        r#"<form class="filters" id="filters" method="get" action="/""#,
    ]);
    assert!(
        !res.body.contains("/topics/gitops\""),
        "wiki pages are not scenarios"
    );
}

#[tokio::test]
async fn catalogue_filters_by_level_topic_domain_and_search() {
    let app = TestApp::fixtures().await;
    let cases = [
        ("/?level=L1", "tls-certificate-expired", 1),
        ("/?topic=gitops", "gitops-drift-causing-outage", 2),
        (
            "/?domain=Platform+Engineering",
            "nodes-notready-after-upgrade",
            1,
        ),
        ("/?q=replicas+hpa", "gitops-drift-causing-outage", 1),
        (
            "/?level=L2&topic=GitOps&domain=DevOps+%26+Tooling",
            "config-drift-detected",
            2,
        ),
    ];
    for (uri, expected, count) in cases {
        let res = app.get(uri).await;
        assert_eq!(res.status, StatusCode::OK, "{uri}");
        res.assert_contains(&[
            &format!("/scenarios/{expected}\""),
            &format!("{count} of 4 scenario"),
        ]);
        assert_eq!(
            res.body.matches("class=\"card-title\"").count(),
            count,
            "{uri}"
        );
    }
    let none = app.get("/?q=mainframe").await;
    none.assert_contains(&[
        "0 of 4 scenarios match",
        "No scenario matches these filters",
    ]);
    let selected = app.get("/?level=L3").await;
    selected.assert_contains(&[r#"<option value="L3" selected>"#, "Clear filters"]);
}

/// What only a learner who answered or revealed may see.
const SEED_SPOILERS: [&str; 4] = [
    "Check ArgoCD app status",
    "HPA scales up -&gt; ArgoCD reverts",
    "Knowledge of <code>ignoreDifferences</code> to resolve sync loops",
    "#     ignoreDifferences:",
];

#[tokio::test]
async fn seed_page_shows_the_incident_and_hides_the_answers_until_revealed() {
    let app = TestApp::fixtures().await;
    let res = app.get(SEED).await;
    assert_eq!(res.status, StatusCode::OK);
    res.assert_contains(&[
        "<h1>GitOps Drift Causing Outage</h1>",
        "L2: Operations",
        r#"id="the-prompt""#,
        "<blockquote>",
        "self-heal is fighting with an HPA",
        r#"id="initial-report""#,
        "flapping between 3 and 10 replicas",
        r#"id="constraints""#,
        "<strong>Time pressure</strong>",
        r#"id="observable-evidence""#,
        "a diff on <code>spec.replicas</code>",
        // Spoilers are placeholders, behind an explicit reveal.
        r#"<section class="spoiler spoiler-locked" id="expected-investigation-path">"#,
        r#"<section class="spoiler spoiler-locked" id="root-cause">"#,
        r#"<section class="spoiler spoiler-locked" id="what-a-strong-answer-includes">"#,
        "Reveal the answers without answering",
        r#"<form method="post" action="/attempts" class="answer-form">"#,
        r#"id="wiki-navigation""#,
        "Related content",
        "Pages that link here",
    ]);
    for spoiler in SEED_SPOILERS {
        assert!(!res.body.contains(spoiler), "{spoiler} shown before reveal");
    }
    // No identity is made for a page view; the form carries the new-visitor token.
    assert_eq!(res.header(header::SET_COOKIE), "");
    assert_eq!(TestApp::csrf_in(&res), "new");
}

#[tokio::test]
async fn revealing_shows_every_section_of_the_seed_and_is_recorded() {
    let app = TestApp::fixtures().await;
    let page = app.get(SEED).await;
    let csrf = TestApp::csrf_in(&page);
    let res = app
        .post_form(
            "/reveals",
            &[("csrf", &csrf), ("scenario", "gitops-drift-causing-outage")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let cookie = res.header(header::SET_COOKIE);
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert_eq!(
        res.header(header::LOCATION),
        "/scenarios/gitops-drift-causing-outage#answer"
    );
    let res = app.get(SEED).await;
    res.assert_contains(&SEED_SPOILERS);
    res.assert_contains(&[
        r#"<details class="spoiler" id="expected-investigation-path" open>"#,
        r#"<details class="spoiler" id="root-cause" open>"#,
        r#"<details class="spoiler" id="what-a-strong-answer-includes" open>"#,
        // Investigation steps: numbered, labelled, commands in code blocks with a copy button.
        r#"<li class="step" id="step-1">"#, r#"<li class="step" id="step-6">"#,
        r#"<span class="step-title">Check ArgoCD app status</span>"#,
        r#"<span class="badge badge-fix badge-fix-immediate">IMMEDIATE FIX</span>"#,
        r#"<span class="badge badge-fix badge-fix-permanent">PERMANENT FIX</span>"#,
        r#"<button type="button" class="copy" hidden>Copy</button><pre tabindex="0"><code class="language-bash">argocd app get grokdevops</code></pre>"#,
        "<code>spec.replicas: 3 (Git) vs 8 (live, set by HPA)</code>",
        "Post-incident: audit all ArgoCD-managed deployments that also have HPAs",
    ]);
    assert!(!res.body.contains("Reveal the answers without answering"));
    let learner = app.learner_id();
    assert!(
        app.store
            .revealed(&learner, "gitops-drift-causing-outage")
            .await
            .unwrap()
    );
}

#[tokio::test]
async fn related_content_has_badges_and_marks_missing_targets() {
    let res = TestApp::fixtures().await.get(SEED).await;
    res.assert_contains(&[
        r#"<a href="/topics/gitops">GitOps</a>"#,
        r#"<span class="badge badge-kind">Topic pack</span>"#,
        r#"<span class="badge badge-kind">Flashcard deck</span>"#,
        r#"<a href="/runbooks/argocd-out-of-sync">Runbook: ArgoCD Out of Sync</a>"#,
        r#"<a href="/scenarios/config-drift-detected">Interview: Config Drift Detected</a>"#,
        r#"<span class="link-missing" title="This page is not written yet">GitOps &#38; ArgoCD Drills</span> <span class="missing-note">(not written yet)</span>"#,
        "<span>Track: Helm &#38; Release Ops</span>",
    ]);
    assert_eq!(res.body.matches("(not written yet)").count(), 6);
    assert!(!res.body.contains("flashcard_deck"), "kinds read as words");
}

#[tokio::test]
async fn backlinks_merge_listed_titles_with_pages_that_link_here() {
    let app = TestApp::fixtures().await;
    let seed = app.get(SEED).await;
    // The listed "Gitops" is the GitOps topic page, which links here: one entry, now linked.
    seed.assert_contains(&[
        "<li>Master Curriculum: 40 Weeks</li>",
        r#"<li><a href="/topics/gitops">Gitops</a></li>"#,
    ]);
    assert_eq!(
        seed.body
            .matches(r#"<a href="/topics/gitops">Gitops</a>"#)
            .count(),
        1
    );
    let runbook = app.get("/runbooks/argocd-out-of-sync").await;
    runbook.assert_contains(&[r#"<a href="/scenarios/gitops-drift-causing-outage">Scenario: GitOps Drift Causing Outage</a>"#]);
}

#[tokio::test]
async fn wiki_pages_render_with_navigation_and_an_index() {
    let app = TestApp::fixtures().await;
    let topic = app.get("/topics/gitops").await;
    assert_eq!(topic.status, StatusCode::OK);
    topic.assert_contains(&[
        "<h1>GitOps</h1>",
        "ignoreDifferences",
        r#"<a href="/scenarios/gitops-drift-causing-outage""#,
        "Pages that link here",
    ]);
    assert!(
        !topic.body.contains("class=\"spoiler\""),
        "wiki pages have no spoilers"
    );
    let index = app.get("/wiki").await;
    index.assert_contains(&[
        r#"href="/topics/gitops""#,
        r#"href="/runbooks/argocd-out-of-sync""#,
    ]);
    assert!(!index.body.contains("/scenarios/"));
    assert_eq!(app.get("/topics/gitops.md").await.status, StatusCode::OK);
    assert_eq!(
        app.get("/wiki/scenarios/gitops-drift-causing-outage")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn unknown_addresses_get_a_helpful_404() {
    let app = TestApp::fixtures().await;
    let res = app.get("/scenarios/no-such-drill").await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    res.assert_contains(&["Page not found", r#"<a href="/">Browse all scenarios</a>"#]);
    let res = app.get("/topics/kubernetes-upgrades").await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    res.assert_contains(&[
        "<code>/topics/kubernetes-upgrades</code>",
        r#"href="/search?q=kubernetes%20upgrades""#,
    ]);
    assert_eq!(res.header(header::CONTENT_TYPE), "text/html; charset=utf-8");
}

const HOSTILE: &str = r##"# Scenario: Hostile <script>alert('title')</script>

## The Prompt

> Hello <script>alert(1)</script> and <img src=x onerror="alert(2)"> and <a href="#" onclick="alert(3)">click</a>

<iframe src="javascript:alert(4)"></iframe>

[click me](javascript:alert(5)) [data](data:text/html;base64,PHNjcmlwdD4=) <javascript:alert(6)>
![pic](javascript:alert(7))

## What a Strong Answer Includes

- Something <b onmouseover=alert(8)>bold</b>

## Wiki Navigation

### Related Content

- [Evil](javascript:alert(9)) (Topic Pack, L1) — <svg onload=alert(10)>
"##;

#[tokio::test]
async fn hostile_page_is_rendered_inert() {
    let app = TestApp::with_files(&[("scenarios/hostile.md", HOSTILE)]).await;
    let res = app.get("/scenarios/hostile").await;
    assert_eq!(res.status, StatusCode::OK);
    for tag in tags(&res.body) {
        let lower = tag.to_lowercase();
        let name = lower[1..].split([' ', '>', '/']).next().unwrap_or("");
        assert!(
            !["script", "img", "iframe", "svg", "b"].contains(&name)
                || lower.starts_with("<script src=\"/static/"),
            "tag {tag}"
        );
        assert!(!lower.contains(" on"), "event attribute in {tag}");
        assert!(
            !lower.contains("javascript:") && !lower.contains("data:"),
            "unsafe URL in {tag}"
        );
    }
    res.assert_contains(&["&lt;script&gt;alert(1)&lt;/script&gt;", "click me"]);
    assert!(
        res.header(header::CONTENT_SECURITY_POLICY)
            .contains("default-src 'self'")
    );
}

/// Every real tag of a page (escaped text such as `&lt;b&gt;` is not a tag).
fn tags(html: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        let tail = &rest[start..];
        let end = tail.find('>').map_or(tail.len(), |e| e + 1);
        found.push(&tail[..end]);
        rest = &tail[end..];
    }
    found
}

#[tokio::test]
async fn static_files_are_cached_and_pages_compressed_with_request_ids() {
    let app = TestApp::fixtures().await;
    let css = app.get("/static/style.css").await;
    assert_eq!(css.status, StatusCode::OK);
    assert_eq!(
        css.header(header::CACHE_CONTROL),
        "public, max-age=31536000, immutable"
    );
    assert!(css.header(header::CONTENT_TYPE).starts_with("text/css"));
    let page = app.get_with(SEED, header::ACCEPT_ENCODING, "gzip").await;
    assert_eq!(page.header(header::CONTENT_ENCODING), "gzip");
    let first: u64 = page
        .header(header::HeaderName::from_static("x-request-id"))
        .parse()
        .unwrap();
    let again = app.get("/").await;
    let second: u64 = again
        .header(header::HeaderName::from_static("x-request-id"))
        .parse()
        .unwrap();
    assert!(
        second > first,
        "request ids increase: {first} then {second}"
    );
    for res in [
        &page,
        &css,
        &app.get("/nope").await,
        &app.get("/healthz").await,
    ] {
        assert_eq!(res.header(header::X_CONTENT_TYPE_OPTIONS), "nosniff");
        assert_eq!(res.header(header::REFERRER_POLICY), "same-origin");
        assert!(
            res.header(header::CONTENT_SECURITY_POLICY)
                .starts_with("default-src 'self';")
        );
    }
}

#[tokio::test]
async fn an_address_with_a_trailing_slash_redirects_to_the_page() {
    let app = TestApp::fixtures().await;
    for (from, to) in [
        ("/scenarios/gitops-drift-causing-outage/", SEED),
        ("/wiki/", "/wiki"),
        ("/?level=L2", ""),
        ("/scenarios//?q=1", "/scenarios?q=1"),
        // Never off the site: leading slashes collapse to one.
        ("//evil.example/", "/evil.example"),
    ] {
        let res = app.get(from).await;
        if to.is_empty() {
            assert_eq!(res.status, StatusCode::OK, "{from}");
            continue;
        }
        assert_eq!(res.status, StatusCode::PERMANENT_REDIRECT, "{from}");
        assert_eq!(res.header(header::LOCATION), to, "{from}");
    }
}

#[tokio::test]
async fn catalogue_filters_sit_behind_a_button_that_counts_the_active_ones() {
    let app = TestApp::fixtures().await;
    let plain = app.get("/").await;
    plain.assert_contains(&[
        r#"<button type="button" class="filters-toggle" aria-expanded="false" aria-controls="filters">Search and filter</button>"#,
        r#"<form class="filters" id="filters""#,
    ]);
    app.get("/?level=L2&q=drift")
        .await
        .assert_contains(&[r#"Search and filter <span class="filters-active">2 active</span>"#]);
}

/// A small library for the catalogue's practice panel: (path, level, topic, checklist item).
fn practice_library() -> Vec<(String, String)> {
    [
        ("disk-a", "L1", "Linux", "Finds the largest directories with du"),
        ("disk-b", "L1", "Linux", "Frees space by truncating the log file"),
        ("dns-a", "L1", "DNS", "Queries the resolver with dig"),
        ("db-a", "L1", "Databases", "Reads pg_stat_activity for blocked queries"),
        ("db-b", "L2", "Databases", "Cancels the blocking query with pg_cancel_backend"),
    ]
    .iter()
    .map(|(slug, level, topic, item)| {
        (
            format!("scenarios/{slug}.md"),
            format!(
                "---\nlevel: \"{level}\"\ntopics: [{topic}]\n---\n# Scenario: {slug}\n\n## The Prompt\n\n\
                 Something broke.\n\n## What a Strong Answer Includes\n\n- {item}\n"
            ),
        )
    })
    .collect()
}

async fn answer(app: &TestApp, slug: &str, text: &str) {
    let page = app.get(&format!("/scenarios/{slug}")).await;
    let csrf = TestApp::csrf_in(&page);
    let res = app
        .post_form(
            "/attempts",
            &[("csrf", &csrf), ("scenario", slug), ("answer", text)],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
}

#[tokio::test]
async fn the_catalogue_shows_a_learner_their_best_scores_progress_and_next_scenario() {
    let library = practice_library();
    let files: Vec<(&str, &str)> = library
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let app = TestApp::with_files(&files).await;
    // A first visit: no practice panel, no answered badge, cacheable as before.
    let first = app.get("/").await;
    assert!(!first.body.contains("Your practice"));
    assert!(!first.body.contains("badge-answered"));
    assert_ne!(first.header(header::CACHE_CONTROL), "no-store");

    answer(
        &app,
        "disk-a",
        "I would find the largest directories with du first.",
    )
    .await;
    answer(&app, "dns-a", "No idea, restart things.").await;
    let page = app.get("/").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.header(header::CACHE_CONTROL), "no-store");
    page.assert_contains(&[
        "Your practice",
        "Answered · best 100%",
        "Answered · best 0%",
        // Databases is untried, so weakest; its L1 scenario is suggested.
        r#"Next suggested: <a href="/scenarios/db-a">db-a</a>"#,
        "L1 · Databases, your weakest topic: 0 of 2 answered",
        "Linux</a> <span class=\"nowrap\">1 of 2 answered</span>",
    ]);

    // Answer it well: two L1 scenarios done well place the learner at L2, where only the
    // Databases one is left (tied with Linux as the weakest topic with a scenario left).
    answer(
        &app,
        "db-a",
        "Read pg_stat_activity for the blocked queries.",
    )
    .await;
    let page = app.get("/").await;
    page.assert_contains(&[
        r#"Next suggested: <a href="/scenarios/db-b">db-b</a>"#,
        "L2 · Databases, your weakest topic: 1 of 2 answered, best scores 100% on average",
    ]);
    // Another learner sees nothing of this one's practice.
    let other = app.another_browser();
    let theirs = other.get("/").await;
    assert!(!theirs.body.contains("Your practice"));
    assert!(!theirs.body.contains("Answered · best"));
}

#[tokio::test]
async fn the_wiki_index_groups_pages_by_kind_topic_packs_and_runbooks_first() {
    let app = TestApp::with_files(&[
        ("runbooks/disk-full.md", "# Disk Full\n\nSteps.\n"),
        ("runbooks/dns.md", "# DNS & \"Troubleshooting\"\n\nSteps.\n"),
        ("topics/linux.md", "# Linux Hosts\n\nText.\n"),
        ("postmortems/q3.md", "# Q3 Outage\n\nText.\n"),
        ("about.md", "# About\n\nText.\n"),
        ("scenarios/s.md", "# Scenario: S\n\n## The Prompt\n\nGo.\n"),
    ])
    .await;
    let page = app.get("/wiki").await;
    assert_eq!(page.status, StatusCode::OK);
    let order: Vec<usize> = [
        r#"<h2 id="topic-packs">Topic packs</h2>"#,
        r#"<h2 id="runbooks">Runbooks</h2>"#,
        r#"<h2 id="postmortems">Postmortems</h2>"#,
        r#"<h2 id="other-pages">Other pages</h2>"#,
    ]
    .iter()
    .map(|h| page.body.find(h).unwrap_or_else(|| panic!("missing {h}")))
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    page.assert_contains(&[
        r##"<a href="#runbooks">Runbooks</a> <span class="count-inline">2</span>"##,
        "DNS &#38; &#34;Troubleshooting&#34;",
    ]);
    // Scenarios are not wiki pages.
    assert!(!page.body.contains(r#"href="/scenarios/s""#));
}

#[tokio::test]
async fn error_pages_carry_the_signed_in_visitors_own_header() {
    let app = TestApp::fixtures().await;
    // Signed out: the error page offers to sign in.
    let anonymous = app.get("/stats/no-such-scenario").await;
    assert_eq!(
        anonymous.status,
        StatusCode::SEE_OTHER,
        "stats need an account"
    );
    app.signed_in_as("ana", firedrill::accounts::Role::Author)
        .await;
    let missing = app.get("/stats/no-such-scenario").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    missing.assert_contains(&["Page not found", "ana", "Sign out"]);
    assert!(
        !missing.body.contains(r#"href="/sign-in"#),
        "no sign-in link for ana"
    );
    assert_eq!(missing.header(header::CACHE_CONTROL), "no-store");
    let bad = app.get("/attempts?before=abc").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    bad.assert_contains(&["ana", "Sign out"]);

    let learner = app.another_browser();
    learner
        .signed_in_as("lee", firedrill::accounts::Role::Learner)
        .await;
    let refused = learner.get("/stats").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    refused.assert_contains(&["Not available to your account", "lee", "Sign out"]);
    assert!(!refused.body.contains("ana"), "nobody else's header");
}

#[tokio::test]
async fn a_walkthrough_page_shows_the_situation_and_hides_its_steps_fix_and_model_answer() {
    let app = TestApp::with_files(&[(
        "scenarios/oom.md",
        include_str!("../fixtures/formats/walkthrough-oom-killed-nightly-export.md"),
    )])
    .await;
    let res = app.get("/scenarios/oom").await;
    assert_eq!(res.status, StatusCode::OK);
    res.assert_contains(&[
        "<h1>Nightly Export Job Keeps Getting OOMKilled</h1>",
        r#"id="situation""#,
        "Finance noticed this morning",
        r#"id="what-you-know""#,
        "Order volume grew about 40% this quarter",
        r#"<section class="spoiler spoiler-locked" id="investigation-steps">"#,
        r#"<section class="spoiler spoiler-locked" id="root-cause">"#,
        r#"<section class="spoiler spoiler-locked" id="fix">"#,
        r#"<section class="spoiler spoiler-locked" id="common-mistakes">"#,
        r#"<section class="spoiler spoiler-locked" id="interview-angle">"#,
        r#"<form method="post" action="/attempts" class="answer-form">"#,
    ]);
    for spoiler in [
        "journalctl -k",
        "MaxRAMPercentage",
        "Option A",
        "Blaming a memory leak",
        "A cgroup kill shows",
    ] {
        assert!(!res.body.contains(spoiler), "{spoiler} shown before reveal");
    }
}

#[tokio::test]
async fn a_runbook_of_several_scenarios_has_contents_and_read_only_task_lists() {
    let app = TestApp::with_files(&[(
        "runbooks/failover.md",
        include_str!("../fixtures/formats/runbook-database-failover.md"),
    )])
    .await;
    let res = app.get("/runbooks/failover").await;
    assert_eq!(res.status, StatusCode::OK);
    res.assert_contains(&[
        r#"<nav class="toc" aria-labelledby="toc-title">"#,
        r##"<li><a href="#scenario-2-leader-lost">Scenario 2: Leader Lost</a></li>"##,
        r#"id="scenario-2-leader-lost""#,
        r#"<input disabled="" type="checkbox"/>"#,
        r#"<input disabled="" type="checkbox" checked=""/>"#,
        "<table>",
    ]);
    assert_eq!(res.body.matches(r#"type="checkbox""#).count(), 6);
    assert!(
        !res.body.contains("<input type=\"checkbox\"/>"),
        "every box is read-only"
    );
    assert!(
        res.header(header::CONTENT_SECURITY_POLICY)
            .contains("default-src 'self'")
    );
}

/// Every block of the stylesheet closes where it should: a lost `}` (a merge, an edit) nests
/// every rule after it in the block left open, and browsers then drop or misapply them.
#[test]
fn the_stylesheet_blocks_are_balanced() {
    let css = std::fs::read_to_string(crate::helpers::repo("static/style.css")).unwrap();
    // Comments may hold braces: leave them out.
    let mut text = String::new();
    let mut rest = css.as_str();
    while let Some(at) = rest.find("/*") {
        text.push_str(&rest[..at]);
        rest = &rest[at..];
        rest = &rest[rest.find("*/").expect("every comment closes") + 2..];
    }
    text.push_str(rest);
    let mut depth = 0i32;
    for (n, line) in text.lines().enumerate() {
        for ch in line.chars() {
            match ch {
                '{' => depth += 1,
                '}' => depth -= 1,
                _ => {}
            }
            assert!(depth >= 0, "a `}}` closes nothing near line {}", n + 1);
        }
        // A rule set at the top level starts at the line's first column.
        if depth > 0 && !line.is_empty() && !line.starts_with([' ', '}']) && line.ends_with('{') {
            let nested_ok = depth == 2 && line.starts_with('@');
            assert!(
                depth == 1 || nested_ok,
                "a rule at the top level opens inside a block left open, near line {}: {line}",
                n + 1
            );
        }
    }
    assert_eq!(depth, 0, "blocks left open at the end");
}
