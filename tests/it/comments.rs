//! HTML comments never reach a page, whatever their shape, nor anything graded; a comment that
//! Markdown would not treat as one is an error at its line, and its page is not served.

use axum::http::StatusCode;
use firedrill::accounts::Role;

use crate::cli::{content, firedrill};
use crate::helpers::{TestApp, TestResponse};

/// Comments of every shape, each on a page of its own: the page's Markdown, and the text around
/// the comment that must still show. Every comment holds the word `SECRET`.
const SHAPES: &[(&str, &str, &[&str])] = &[
    (
        "one line, own block",
        "# Shape\n\nBefore.\n\n<!-- SECRET -->\n\nAfter.\n",
        &["<p>Before.</p>", "<p>After.</p>"],
    ),
    (
        "several lines, continuation indented (the stub's first comment)",
        "# Shape\n\n<!-- Guidance SECRET like this one. Replace every stub, then run\n     `firedrill check` SECRET until it reports no errors. -->\n\n## The Prompt\n\nAfter.\n",
        &["<h2>The Prompt</h2>", "<p>After.</p>"],
    ),
    (
        "several lines, continuation not indented",
        "# Shape\n\n<!-- SECRET\nSECRET\n-->\n\nAfter.\n",
        &["<p>After.</p>"],
    ),
    (
        "continuation indented with a tab",
        "# Shape\n\n<!-- SECRET\n\tSECRET -->\nAfter.\n",
        &["<p>After.</p>"],
    ),
    (
        "the comment indented three spaces",
        "# Shape\n\n   <!-- SECRET\n   SECRET -->\n\nAfter.\n",
        &["<p>After.</p>"],
    ),
    (
        "at the start of the file",
        "<!-- SECRET\n     SECRET -->\n# Shape\n\nAfter.\n",
        &["<h1>Shape</h1>", "<p>After.</p>"],
    ),
    (
        "at the start of the file, above the breadcrumb",
        "<!-- SECRET -->\nPortal | Level: L1 | Topics: Comments\n\n# Shape\n\nAfter.\n",
        &["<h1>Shape</h1>", "L1", "<p>After.</p>"],
    ),
    (
        "blank lines and a heading inside a block comment",
        "# Shape\n\n<!-- SECRET\n\n## SECRET heading\n\nSECRET\n-->\n\nAfter.\n",
        &["<p>After.</p>"],
    ),
    (
        "after a paragraph without a blank line",
        "# Shape\n\nBefore.\n<!-- SECRET -->\nAfter.\n",
        &["<p>Before.</p>", "<p>After.</p>"],
    ),
    (
        "after a paragraph without a blank line, several lines",
        "# Shape\n\nBefore.\n<!-- SECRET\n  SECRET -->\n\nAfter.\n",
        &["<p>Before.</p>", "<p>After.</p>"],
    ),
    (
        "inline at the end of a paragraph",
        "# Shape\n\nBefore <!-- SECRET --> after.\n",
        &["Before", "after."],
    ),
    (
        "inline over two lines of a paragraph",
        "# Shape\n\nBefore <!-- SECRET\nSECRET --> after.\n",
        &["Before", "after."],
    ),
    (
        "two on one line",
        "# Shape\n\n<!-- SECRET --> <!-- SECRET -->\n\nAfter.\n",
        &["<p>After.</p>"],
    ),
    (
        "with dashes inside",
        "# Shape\n\nBefore <!-- SECRET -- SECRET --> after.\n",
        &["Before", "after."],
    ),
    (
        "empty comments",
        "# Shape\n\nBefore <!----> <!--> <!---> after.\n",
        &["Before", "after."],
    ),
    (
        "inside a list item",
        "# Shape\n\n- one <!-- SECRET -->\n- two\n",
        &["<li>one", "<li>two</li>"],
    ),
    (
        "after a list item, indented into it, several lines",
        "# Shape\n\n- one\n  <!-- SECRET;\n  SECRET -->\n- two\n",
        &["<li>one", "<li>two</li>"],
    ),
    (
        "after a list item without indentation",
        "# Shape\n\n1. one\n<!-- SECRET -->\n\nAfter.\n",
        &["<li>one</li>", "<p>After.</p>"],
    ),
    (
        "between paragraphs of a loose list item",
        "# Shape\n\n- one\n\n  <!-- SECRET\n  SECRET -->\n  still one\n- two\n",
        &["<p>one</p>", "<p>still one</p>", "two"],
    ),
    (
        "in a nested list and a task list",
        "# Shape\n\n- one\n  - nested <!-- SECRET -->\n- [ ] task <!-- SECRET -->\n",
        &["nested", "task"],
    ),
    (
        "inside a blockquote",
        "# Shape\n\n> Quoted.\n> <!-- SECRET -->\n",
        &["<blockquote>", "Quoted."],
    ),
    (
        "inside a blockquote, several lines",
        "# Shape\n\n> <!-- SECRET\n> SECRET -->\n> Quoted.\n",
        &["<blockquote>", "Quoted."],
    ),
    (
        "inline in a blockquote over two lines",
        "# Shape\n\n> Quoted <!-- SECRET\n> SECRET --> on.\n",
        &["Quoted", "on."],
    ),
    (
        "in a heading",
        "# Shape <!-- SECRET -->\n\n## Part <!-- SECRET -->\n\nAfter.\n",
        &["<h1>Shape</h1>", "<h2>Part</h2>"],
    ),
    (
        "in a table cell",
        "# Shape\n\n| a | b |\n|---|---|\n| c <!-- SECRET --> | d |\n",
        &["<td>c", "<td>d</td>"],
    ),
    (
        "in a link's text",
        "# Shape\n\n[one <!-- SECRET --> two](https://example.com)\n",
        &[r#"<a href="https://example.com">one"#, "two</a>"],
    ),
    (
        "followed by HTML on its closing line",
        "# Shape\n\n<!-- SECRET\n--> <b>bold</b>\n\nAfter.\n",
        &["&lt;b&gt;bold&lt;/b&gt;", "<p>After.</p>"],
    ),
    (
        "in the wiki navigation",
        "# Shape\n\n## Wiki Navigation\n\n<!-- SECRET -->\n\n### Related Content\n\n<!-- SECRET\n     SECRET -->\n- [Other](https://example.com) (Topic Pack, L1) — Comments <!-- SECRET -->\n\n### Pages that link here\n\n- Another <!-- SECRET -->\n",
        &["Related content", "Another"],
    ),
    (
        "with Windows line ends",
        "# Shape\r\n\r\n<!-- SECRET\r\n     SECRET -->\r\n\r\nAfter.\r\n",
        &["<p>After.</p>"],
    ),
    (
        "at the end of the file, without a final line end",
        "# Shape\n\nAfter.\n\n<!-- SECRET\n  SECRET -->",
        &["<p>After.</p>"],
    ),
];

#[track_caller]
fn assert_no_comment(what: &str, page: &TestResponse) {
    for needle in ["SECRET", "&lt;!--", "--&gt;", "<!--"] {
        assert!(
            !page.body.contains(needle),
            "{what}: {needle:?} in:\n{}",
            page.body
        );
    }
}

#[tokio::test]
async fn no_comment_of_any_shape_shows_on_its_page_as_text_or_html() {
    let paths: Vec<String> = (0..SHAPES.len())
        .map(|i| format!("shapes/{i}.md"))
        .collect();
    let files: Vec<(&str, &str)> = paths
        .iter()
        .zip(SHAPES)
        .map(|(path, (_, markdown, _))| (path.as_str(), *markdown))
        .collect();
    let app = TestApp::with_files(&files).await;
    assert!(
        app.state.content().site.diagnostics.is_empty(),
        "{:?}",
        app.state.content().site.diagnostics
    );
    for (i, (shape, _, visible)) in SHAPES.iter().enumerate() {
        let page = app.get(&format!("/shapes/{i}")).await;
        assert_eq!(page.status, StatusCode::OK, "{shape}: {}", page.body);
        assert_no_comment(shape, &page);
        for text in *visible {
            assert!(
                page.body.contains(text),
                "{shape}: no {text:?} in:\n{}",
                page.body
            );
        }
    }
}

#[tokio::test]
async fn a_comment_in_code_is_code_and_stays_visible_escaped() {
    let app = TestApp::with_files(&[(
        "code.md",
        "# Code\n\nWrite `<!-- note -->` to hide a note.\n\n```html\n<!-- kept\n     as code -->\n```\n",
    )])
    .await;
    let page = app.get("/code").await;
    page.assert_contains(&[
        "<code>&lt;!-- note --&gt;</code>",
        "&lt;!-- kept\n     as code --&gt;",
    ]);
}

const SCENARIO: &str = r#"# Scenario: Commented Drill

<!-- Guidance SECRET for the author. Replace every stub, then run
     `firedrill check` SECRET until it reports no errors. -->

## The Prompt

<!-- SECRET what the learner is asked -->
> "The orders database is full." <!-- SECRET -->

## Observable Evidence

- The disk is at 100% <!-- SECRET -->
- The WAL folder is large
  <!-- SECRET
       SECRET -->

## Root Cause

A stale replication slot.
<!-- SECRET root cause note -->

## What a Strong Answer Includes

<!-- One bullet per item. SECRET
     SECRET -->
- Finds the stale replication slot that retains WAL <!-- weight: 3; also: "stale slot" -->
- Grows the volume so writes work again
  <!-- weight: 2;
       also: "growpart the disk" -->
- Alerts on disk usage before it is full

## Common Traps

- **Delete files in pg_wal** <!-- SECRET --> — the database will not start again.

## Follow-ups

1. How would you size the slot limit? <!-- SECRET -->
"#;

#[tokio::test]
async fn comments_never_reach_a_prompt_a_checklist_item_a_trap_or_anything_graded() {
    let site = firedrill::content::Site::of_texts(&[("scenarios/commented.md", SCENARIO)]);
    assert!(site.diagnostics.is_empty(), "{:?}", site.diagnostics);
    let page = site.scenario("commented").unwrap();
    let scenario = page.scenario.as_ref().unwrap();
    let texts: Vec<&str> = scenario
        .rubric
        .iter()
        .flat_map(|i| [i.text.as_str(), i.html.as_str()])
        .chain(
            scenario
                .traps
                .iter()
                .flat_map(|t| [&*t.claim, &*t.explanation, &*t.html]),
        )
        .chain(scenario.evidence.iter().flat_map(|e| [&*e.text, &*e.html]))
        .chain(scenario.follow_ups.iter().map(|f| f.text.as_str()))
        .chain(scenario.prompt.iter().map(|b| b.text.as_str()))
        .chain(scenario.root_cause.iter().map(|b| b.text.as_str()))
        .chain([page.search_text.as_str()])
        .collect();
    for text in &texts {
        assert!(
            !text.contains("SECRET") && !text.contains("<!--"),
            "{text:?}"
        );
    }
    let items: Vec<(&str, f32)> = scenario
        .rubric
        .iter()
        .map(|i| (i.text.as_str(), i.weight))
        .collect();
    assert_eq!(
        items,
        [
            ("Finds the stale replication slot that retains WAL", 3.0),
            ("Grows the volume so writes work again", 2.0),
            ("Alerts on disk usage before it is full", 1.0),
        ]
    );
    // An annotation over two lines is read whole.
    assert_eq!(scenario.rubric[1].also, ["growpart the disk"]);

    let app = TestApp::with_files(&[("scenarios/commented.md", SCENARIO)]).await;
    app.signed_in_as("ivy", Role::Admin).await;
    for uri in ["/scenarios/commented", "/interviews/keys/commented"] {
        let page = app.get(uri).await;
        assert_eq!(page.status, StatusCode::OK, "{uri}");
        assert_no_comment(uri, &page);
    }
    let csrf = TestApp::csrf_in(&app.get("/scenarios/commented").await);
    let posted = app
        .post_form(
            "/attempts",
            &[
                ("csrf", &csrf),
                ("scenario", "commented"),
                (
                    "answer",
                    "I would growpart the disk and find the stale slot.",
                ),
            ],
        )
        .await;
    assert_eq!(posted.status, StatusCode::SEE_OTHER, "{}", posted.body);
    let attempt = app.get(posted.header(axum::http::header::LOCATION)).await;
    assert_no_comment("attempt", &attempt);
    attempt.assert_contains(&["Grows the volume so writes work again"]);
}

#[test]
fn a_comment_markdown_would_not_hide_is_an_error_at_its_line_and_its_page_is_not_served() {
    let dir = content(&[
        ("fine.md", "# Fine\n\n<!-- closed -->\n"),
        (
            "end.md",
            "# End\n\nText.\n\n<!-- never closed\nstill the comment\n",
        ),
        (
            "blank.md",
            "# Blank\n\nText <!-- an inline comment\n\nacross a blank line -->\n",
        ),
        ("item.md", "# Item\n\n- one <!-- weight: 2\n- two\n"),
        (
            "swallowed.md",
            "# Scenario: Swallowed\n\n<!-- guidance never closed\n\n## The Prompt\n\nGo.\n",
        ),
        (
            "escaped.md",
            "# Escaped\n\nWrite \\<!-- or &lt;!-- to show it.\n",
        ),
    ]);
    let (code, out) = firedrill(&["check", "--content", dir.path().to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    let unclosed = "error: comment is never closed, so everything after `<!--` would be hidden: close it with `-->`";
    let as_text = "error: `<!--` does not start a comment here, so it would show as text: close the comment with `-->` before the next blank line, or start it on a line of its own (to show `<!--` itself, write it as code)";
    assert_eq!(
        out,
        format!(
            "blank.md:3: {as_text}\nend.md:5: {unclosed}\nitem.md:3: {as_text}\nswallowed.md:3: {unclosed}\nchecked 6 files: 4 errors, 0 warnings\n"
        )
    );
    let site = firedrill::content::load(dir.path()).unwrap();
    let served: Vec<&str> = site.pages().iter().map(|p| p.url.as_str()).collect();
    assert_eq!(served.len(), 2, "{served:?}");
    assert!(served.contains(&"/fine") && served.contains(&"/escaped"));
}
