//! The bundled library (`content/`), whatever it holds: `check` finds no error and every rubric
//! test passes; every page renders through the router with its title; the README's table of
//! scenarios is what `firedrill list` prints; the grader's shipped settings are those
//! leave-one-scenario-out selection over the library's dev scenarios chooses. These are the only tests that read `content/`:
//! the rest of the suite serves its own fixtures (`tests/fixtures/content`), and a test here
//! keeps it so.

use std::path::{Path, PathBuf};
use std::process::Command;

use axum::http::StatusCode;
use firedrill::accounts::Role;
use firedrill::app::Settings;
use firedrill::content::Page;
use firedrill::grading::{Rubric, eval};

use crate::helpers::{TestApp, TestResponse, escape, fixtures, repo};

const START: &str = "<!-- scenarios:start -->\n";
const END: &str = "<!-- scenarios:end -->";

#[tokio::test]
async fn the_bundled_library_checks_clean_and_every_page_renders_with_its_title() {
    let problems = library_problems(&repo("content")).await;
    assert!(problems.is_empty(), "content/:\n{}", problems.join("\n"));
}

#[test]
fn the_readme_lists_the_bundled_scenarios_as_firedrill_list_prints_them() {
    let readme = std::fs::read_to_string(repo("README.md")).unwrap();
    let table = block(&readme).unwrap_or_else(|| {
        panic!(
            "README.md has no `{}` line followed by a `{END}` line",
            START.trim_end()
        )
    });
    assert_eq!(
        table,
        listed(&repo("content"), "markdown"),
        "README.md's table of scenarios is not `firedrill list --format markdown`'s output: run \
         scripts/readme-scenarios"
    );
}

#[tokio::test]
async fn the_library_checks_hold_with_a_scenario_added_one_removed_and_one_edited() {
    let copy = tempfile::tempdir().unwrap();
    copy_dir(&repo("content"), copy.path());
    let removed = remove_a_scenario(copy.path());
    let edited = edit_a_title(copy.path());
    let added = copy
        .path()
        .join("scenarios/slow-external-dns-lookups-from-pods.md");
    assert!(
        !added.exists(),
        "the library already has {}",
        added.display()
    );
    std::fs::write(&added, NEW_SCENARIO).unwrap();
    std::fs::write(added.with_extension("tests.yaml"), NEW_SCENARIO_TESTS).unwrap();

    let problems = library_problems(copy.path()).await;
    assert!(
        problems.is_empty(),
        "the edited copy:\n{}",
        problems.join("\n")
    );
    let rows: Vec<serde_json::Value> = serde_json::from_str(&listed(copy.path(), "json")).unwrap();
    let has = |key: &str, value: &str| rows.iter().any(|row| row[key] == value);
    assert!(
        has("slug", "slow-external-dns-lookups-from-pods"),
        "{rows:?}"
    );
    assert!(
        !has("slug", &removed),
        "{removed} is still listed: {rows:?}"
    );
    assert!(has("title", &edited), "{edited} is not listed: {rows:?}");
}

#[tokio::test]
async fn the_library_checks_report_an_error_and_a_rubric_test_the_grader_disagrees_with() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("scenarios")).unwrap();
    let scenario = dir.path().join("scenarios/dns.md");
    std::fs::write(&scenario, NEW_SCENARIO).unwrap();
    let wrong = NEW_SCENARIO_TESTS.replacen(
        "measures-the-lookup-time-from-inside: missed",
        "measures-the-lookup-time-from-inside: covered",
        1,
    );
    std::fs::write(scenario.with_extension("tests.yaml"), wrong).unwrap();
    std::fs::write(dir.path().join("broken.md"), "no title\n").unwrap();

    let problems = library_problems(dir.path()).await.join("\n");
    assert!(
        problems.contains("broken.md:1: error: missing title"),
        "{problems}"
    );
    assert!(
        problems.contains("scenarios/dns.tests.yaml:")
            && problems.contains("the grader says `missed`"),
        "{problems}"
    );
}

#[test]
fn the_readme_script_rewrites_only_the_table_between_its_markers() {
    let dir = tempfile::tempdir().unwrap();
    let readme = dir.path().join("README.md");
    std::fs::write(
        &readme,
        format!("# Intro\n\n{START}| stale |\n{END}\n\nOutro.\n"),
    )
    .unwrap();
    let run = readme_script(&readme);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let table = listed(&fixtures(), "markdown");
    assert_eq!(
        std::fs::read_to_string(&readme).unwrap(),
        format!("# Intro\n\n{START}{table}{END}\n\nOutro.\n")
    );

    std::fs::write(&readme, "# No markers\n").unwrap();
    let run = readme_script(&readme);
    assert_eq!(run.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&run.stderr).contains("one `<!-- scenarios:start -->` line"),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert_eq!(std::fs::read_to_string(&readme).unwrap(), "# No markers\n");
}

#[test]
fn no_test_but_these_reads_the_bundled_content_folder() {
    let mut found = Vec::new();
    for root in ["src", "tests"] {
        for entry in walkdir::WalkDir::new(repo(root)) {
            let path = entry.unwrap().into_path();
            let skipped = ["node_modules", "fixtures"]
                .iter()
                .any(|dir| path.components().any(|c| c.as_os_str() == *dir));
            let source = path.extension().is_some_and(|e| e == "rs" || e == "mjs");
            if source && !skipped {
                found.extend(reads_of_content(&path));
            }
        }
    }
    let this = repo("tests/it/library.rs");
    assert!(
        found.iter().any(|(path, _)| *path == this),
        "the patterns find this file's own reads: {found:?}"
    );
    let others: Vec<_> = found.iter().filter(|(path, _)| *path != this).collect();
    assert!(
        others.is_empty(),
        "tests read the bundled `content/`; use the fixture content (`TestApp::fixtures()`, \
         `helpers::fixture(...)`, `tests/fixtures/content`) instead: {others:#?}"
    );
}

/// Everything wrong with a folder as a library, one line each; none when all is well.
async fn library_problems(dir: &Path) -> Vec<String> {
    let mut problems = check_problems(dir);
    problems.extend(page_problems(dir).await);
    problems
}

/// `firedrill check`'s errors, rubric tests' disagreements included, and any disagreement
/// recorded as known: every rubric test must pass.
fn check_problems(dir: &Path) -> Vec<String> {
    let out = Command::new(env!("CARGO_BIN_EXE_firedrill"))
        .args(["check", "--format", "json", "--content"])
        .arg(dir)
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("check: {}", String::from_utf8_lossy(&out.stderr)));
    let errors = report["diagnostics"].as_array().unwrap().iter();
    let mut problems: Vec<String> = errors
        .filter(|d| {
            d["severity"] == "error"
                || d["message"]
                    .as_str()
                    .is_some_and(|m| m.contains("known disagreement"))
        })
        .map(|d| {
            format!(
                "{}:{}: {}: {}",
                d["path"].as_str().unwrap(),
                d["line"],
                d["severity"].as_str().unwrap(),
                d["message"].as_str().unwrap()
            )
        })
        .collect();
    if !out.status.success() && problems.is_empty() {
        problems.push(format!("check exited with {}", out.status));
    }
    problems
}

/// Every page as a signed-out visitor and as an admin (who sees hidden pages, answer keys and
/// statistics), the catalogue and the wiki index, and each scenario with its answers revealed.
async fn page_problems(dir: &Path) -> Vec<String> {
    let site = firedrill::content::load(dir).unwrap();
    let visitor = TestApp::from_folder_with(dir, Settings::default()).await;
    let admin = visitor.another_browser();
    admin.signed_in_as("root", Role::Admin).await;
    let listed = |page: &&Page| !page.meta.hidden;
    let catalogue = visitor.get("/").await;
    let mut problems: Vec<String> = titled("/", &catalogue, "Scenarios").into_iter().collect();
    let entries = site.scenarios().filter(listed).map(|p| p.short_title());
    problems.extend(entries.filter_map(|title| missing("/", &catalogue, title)));
    let wiki = visitor.get("/wiki").await;
    problems.extend(titled("/wiki", &wiki, "Wiki"));
    let entries = site.wiki_pages().filter(listed).map(|p| p.title.as_str());
    problems.extend(entries.filter_map(|title| missing("/wiki", &wiki, title)));
    for page in site.pages() {
        let url = page.url.as_str();
        // A wiki page is framed with its whole title, a scenario or a gauntlet with its title
        // after the prefix.
        let title = match page.scenario.is_some() || page.gauntlet.is_some() {
            true => page.short_title(),
            false => page.title.as_str(),
        };
        if !page.meta.hidden {
            problems.extend(titled(url, &visitor.get(url).await, title));
        }
        problems.extend(titled(url, &admin.get(url).await, title));
        if page.scenario.is_some() {
            problems.extend(scenario_problems(&admin, page).await);
        }
    }
    problems
}

/// A scenario's answer key and statistics, and its page with the answers revealed.
async fn scenario_problems(admin: &TestApp, page: &Page) -> Vec<String> {
    let title = page.short_title();
    let key = format!("/interviews/keys/{}", page.slug);
    let stats = format!("/stats/{}", page.slug);
    let mut problems = Vec::new();
    let answer_key = format!("Answer key: {title}");
    problems.extend(titled(&key, &admin.get(&key).await, &answer_key));
    let statistics = format!("Statistics: {title}");
    problems.extend(titled(&stats, &admin.get(&stats).await, &statistics));
    let csrf = TestApp::csrf_in(&admin.get(&page.url).await);
    let form = [("csrf", csrf.as_str()), ("scenario", page.slug.as_str())];
    let reveal = admin.post_form("/reveals", &form).await;
    if reveal.status != StatusCode::SEE_OTHER {
        problems.push(format!("revealing {}: status {}", page.url, reveal.status));
    }
    let revealed = admin.get(&page.url).await;
    problems.extend(titled(&page.url, &revealed, title));
    if !revealed.body.contains(r#"id="answer""#) {
        problems.push(format!("{}: no answers after a reveal", page.url));
    }
    problems
}

/// Unless `res` is a 200 whose `<title>` is `title`, what is wrong with it.
fn titled(url: &str, res: &TestResponse, title: &str) -> Option<String> {
    let head = format!("<title>{} · firedrill</title>", escape(title));
    match (res.status, res.body.contains(&head)) {
        (StatusCode::OK, true) => None,
        (StatusCode::OK, false) => {
            let found = res
                .body
                .split("<title>")
                .nth(1)
                .and_then(|t| t.split_once("</title>"));
            Some(format!(
                "{url}: no `{head}`; its title: {:?}",
                found.map(|(t, _)| t)
            ))
        }
        (status, _) => Some(format!("{url}: status {status}")),
    }
}

/// Unless the page lists `title`, what is wrong with it.
fn missing(url: &str, res: &TestResponse, title: &str) -> Option<String> {
    let entry = escape(title);
    (!res.body.contains(&entry)).then(|| format!("{url}: does not list `{entry}`"))
}

/// `firedrill list --format <format>` on `dir`.
fn listed(dir: &Path, format: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_firedrill"))
        .args(["list", "--format", format, "--content"])
        .arg(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The lines between the README's markers, each with its newline.
fn block(readme: &str) -> Option<&str> {
    let start = readme.find(&format!("\n{START}"))? + 1 + START.len();
    let len = readme[start..].find(&format!("\n{END}\n"))? + 1;
    Some(&readme[start..start + len])
}

/// Runs `scripts/readme-scenarios` on `readme` with the built binary and the fixture content.
fn readme_script(readme: &Path) -> std::process::Output {
    Command::new("bash")
        .arg(repo("scripts/readme-scenarios"))
        .arg(readme)
        .env("FIREDRILL_BIN", env!("CARGO_BIN_EXE_firedrill"))
        .env("FIREDRILL_CONTENT", fixtures())
        .output()
        .unwrap()
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        match entry.file_type().is_dir() {
            true => std::fs::create_dir_all(&target).unwrap(),
            false => {
                std::fs::copy(entry.path(), &target).unwrap();
            }
        }
    }
}

/// Removes the first scenario by path, with its rubric tests; returns its slug.
fn remove_a_scenario(dir: &Path) -> String {
    let site = firedrill::content::load(dir).unwrap();
    let page = site
        .scenarios()
        .min_by_key(|p| &p.path)
        .expect("a scenario");
    let path = dir.join(&page.path);
    std::fs::remove_file(&path).unwrap();
    let tests = path.with_extension("tests.yaml");
    if tests.exists() {
        std::fs::remove_file(tests).unwrap();
    }
    page.slug.clone()
}

/// Appends ` Revisited` to the title of the first scenario (by path) whose file holds its title
/// as written; returns the new title as listed.
fn edit_a_title(dir: &Path) -> String {
    let site = firedrill::content::load(dir).unwrap();
    let mut scenarios: Vec<&Page> = site.scenarios().collect();
    scenarios.sort_by_key(|p| &p.path);
    let (page, text, path) = scenarios
        .iter()
        .find_map(|page| {
            let path: PathBuf = dir.join(&page.path);
            let text = std::fs::read_to_string(&path).unwrap();
            text.contains(&page.title).then_some((page, text, path))
        })
        .expect("a scenario whose title is written as it is shown");
    let edited = format!("{} Revisited", page.title);
    std::fs::write(&path, text.replacen(&page.title, &edited, 1)).unwrap();
    format!("{} Revisited", page.short_title())
}

/// Each line of `path` that names the bundled content folder, outside the fixtures' path.
fn reads_of_content(path: &Path) -> Vec<(PathBuf, String)> {
    let text = std::fs::read_to_string(path).unwrap();
    let in_tests = path.starts_with(repo("tests"));
    let needles: &[&str] = match in_tests {
        // Product code names `"content"` as the default folder; only its tests' includes count.
        false => &["../content/", "\"/content/"],
        true => &[
            "\"content\"",
            "\"content/",
            "'content'",
            "'content/",
            "/content/",
        ],
    };
    text.lines()
        .map(|line| line.replace("fixtures/content", ""))
        .filter(|line| needles.iter().any(|needle| line.contains(needle)))
        .map(|line| (path.to_owned(), line.trim().to_owned()))
        .collect()
}

/// A complete scenario that is in no library: every section, a checklist and traps.
const NEW_SCENARIO: &str = r#"Portal | Level: L2: Operations | Topics: DNS, Kubernetes | Domain: Networking & Security

# Scenario: Slow External DNS Lookups From Pods

## The Prompt

> Calls from the checkout service to the payment provider now take two seconds longer than
> last week, and nothing in the service changed. What do you do?

## Initial Report

Latency alerts fired after Tuesday's cluster maintenance. The payment provider reports normal
response times on their side, and calls made from a laptop are fast.

## Constraints

- Checkout cannot be taken down; it runs three replicas behind a load balancer.
- You may change cluster DNS settings only through the platform repository.

## Observable Evidence

- `kubectl exec` into a checkout pod: `time getent hosts api.payments.example` takes 2.1 s.
- `/etc/resolv.conf` in the pod shows `options ndots:5` and four search domains.
- CoreDNS logs show NXDOMAIN answers for `api.payments.example.checkout.svc.cluster.local`.
- The maintenance changed the node image; the kubelet now passes an extra search domain.

## Expected Investigation Path

```bash
# 1. Measure the lookup from inside a pod
kubectl exec deploy/checkout -- sh -c 'time getent hosts api.payments.example'
# Shows: about two seconds for one name
# 2. Read the resolver configuration the pod gets
kubectl exec deploy/checkout -- cat /etc/resolv.conf
# Shows: ndots:5 and search domains tried before the real name
# 3. Confirm the wasted queries in CoreDNS
kubectl logs -n kube-system deploy/coredns | grep NXDOMAIN
# Shows: one NXDOMAIN per search domain for each external name
# 4. IMMEDIATE FIX: Use a fully qualified name with a trailing dot
# 5. PERMANENT FIX: Set dnsConfig ndots:2 for the checkout pods
```

## Root Cause

The new node image added a search domain. With `ndots:5`, every external name is first tried
against each search domain, and each miss waits on a slow upstream before the real name is
asked.

## What a Strong Answer Includes

- Measures the lookup time from inside a pod rather than from a laptop
- Reads /etc/resolv.conf and notices ndots:5 with the extra search domain
- Finds the NXDOMAIN queries for search-domain names in the CoreDNS logs
- Uses a fully qualified name with a trailing dot as the immediate fix
- Lowers ndots in the pod dnsConfig through the platform repository

## Common Traps

- **Restart CoreDNS** — the queries are answered correctly; they are simply too many.
- **Blame the payment provider** — their side is fast and a laptop lookup is fast too.

## Follow-ups

1. Why does `ndots:5` exist as the Kubernetes default?
2. How would NodeLocal DNSCache change what you saw?

## Wiki Navigation

### Related Content

- CoreDNS (Topic Pack, L2) — DNS inside the cluster
"#;

/// Rubric tests for [`NEW_SCENARIO`]: a strong answer and a wrong one.
const NEW_SCENARIO_TESTS: &str = r#"# A strong answer: every item.
- answer: |
    I would first time the lookup from inside a checkout pod with getent, since a laptop is not the same resolver.
    Then cat /etc/resolv.conf in the pod: ndots:5 plus the new search domain means every external name is tried against each search domain first.
    The CoreDNS logs would show the NXDOMAIN answers for those search-domain names.
    Immediate fix: call the provider by its fully qualified name with a trailing dot.
    Permanent fix: set dnsConfig options ndots:2 on the checkout pods, through a change in the platform repository.
  expect:
    measures-the-lookup-time-from-inside: covered
    reads-etc-resolv-conf-and-notices: covered
    finds-the-nxdomain-queries-for-search: covered
    uses-a-fully-qualified-name-with: covered
    lowers-ndots-in-the-pod-dnsconfig: covered

# Blames the provider and restarts CoreDNS: nothing.
- answer: |
    The payment provider must be slow. I would restart CoreDNS and open a ticket with them.
  expect:
    measures-the-lookup-time-from-inside: missed
    reads-etc-resolv-conf-and-notices: missed
    finds-the-nxdomain-queries-for-search: missed
    uses-a-fully-qualified-name-with: missed
    lowers-ndots-in-the-pod-dnsconfig: missed
"#;

/// The shipped thresholds are the ones leave-one-scenario-out selection over the library's dev
/// scenarios chooses, and every held-out verdict was graded with a setting chosen without its
/// own scenario: changing the thresholds by hand, or the dev material, shows here.
#[test]
fn the_shipped_thresholds_are_those_selection_over_the_dev_scenarios_chooses() {
    let site = firedrill::content::load(&repo("content")).unwrap();
    let split: serde_norway::Value =
        serde_norway::from_str(&std::fs::read_to_string(repo("eval/split.yaml")).unwrap()).unwrap();
    let mut graded = Vec::new();
    for scenario in split["dev"].as_sequence().unwrap() {
        let scenario = scenario.as_str().unwrap();
        let page = site.scenario(scenario).unwrap();
        let set: eval::EvalSet = serde_norway::from_str(
            &std::fs::read_to_string(repo(&format!("eval/{scenario}.yaml"))).unwrap(),
        )
        .unwrap();
        graded.push((set, Rubric::of(&page.slug, page.scenario.as_ref().unwrap())));
    }
    let sets: Vec<_> = graded.iter().map(|(s, r)| (s, r)).collect();
    let selection = eval::leave_one_scenario_out(&sets).unwrap();
    assert_eq!(selection.best, firedrill::grading::Settings::default());
    assert_eq!(selection.folds.len(), graded.len());
    let all: usize = graded
        .iter()
        .map(|(s, r)| eval::pairs(s, r).unwrap().len())
        .sum();
    assert_eq!(selection.held_out.len(), all);
    for (scenario, settings) in &selection.folds {
        assert!(firedrill::grading::Settings::grid().contains(settings));
        assert!(
            selection.held_out.iter().any(|p| &p.scenario == scenario),
            "{scenario} graded"
        );
    }
}

/// Every bundled scenario's investigation path through the simulated console: each step's own
/// commands and three equivalent spellings of each reach that step (or an earlier one that runs
/// the same command); unrelated commands reach none; harmful ones reach none and are named; the
/// answer to an unmatched command holds nothing of the path.
#[test]
fn every_bundled_path_answers_its_commands_and_their_variants_and_nothing_else() {
    use firedrill::console::{self, NOTHING};
    let site = firedrill::content::load(&repo("content")).unwrap();
    let mut checked = 0;
    let mut problems = Vec::new();
    for page in site.scenarios() {
        let steps = &page.scenario.as_ref().unwrap().investigation;
        for (i, step) in steps.iter().enumerate() {
            for command in console::step_commands(step) {
                for typed in std::iter::once(command.clone()).chain(variants(&command)) {
                    checked += 1;
                    match console::read(steps, &typed).step {
                        Some(j) if j <= i => {}
                        other => problems.push(format!(
                            "{}: step {} `{command}` typed as `{typed}` reads as {other:?}",
                            page.slug,
                            i + 1
                        )),
                    }
                }
            }
            for text in step.shows.iter().chain(std::iter::once(&step.title)) {
                assert!(!NOTHING.contains(text.as_str()), "{text}");
            }
        }
        if steps.is_empty() {
            continue;
        }
        for unrelated in ["echo hello", "ls ~/Downloads", "cowsay moo", "cal 2026"] {
            let reading = console::read(steps, unrelated);
            if reading.step.is_some() || reading.harm.is_some() {
                problems.push(format!("{}: `{unrelated}` reads as {reading:?}", page.slug));
            }
        }
        for harmful in [
            "kubectl delete namespace production",
            "sudo rm -rf /",
            "terraform destroy -auto-approve",
        ] {
            let reading = console::read(steps, harmful);
            if reading.step.is_some() || reading.harm.is_none() {
                problems.push(format!("{}: `{harmful}` reads as {reading:?}", page.slug));
            }
        }
    }
    assert!(checked > 400, "{checked} commands checked");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Three spellings of a command that do the same: filtered through a pipe, with `sudo` or
/// kubectl's short alias, and with a namespace flag spelled the other way or an environment
/// assignment in front.
fn variants(command: &str) -> [String; 3] {
    let piped = format!("{command} | head -50");
    let (aliased, respelled) = match command.strip_prefix("kubectl ") {
        Some(rest) => {
            let words: Vec<&str> = rest.split_whitespace().collect();
            let respelled = match words.iter().position(|w| *w == "-n") {
                Some(at) if at + 1 < words.len() => {
                    let mut w: Vec<String> = words.iter().map(|s| (*s).to_owned()).collect();
                    let ns = w.remove(at + 1);
                    w.remove(at);
                    format!("kubectl --namespace={ns} {}", w.join(" "))
                }
                _ => format!("LC_ALL=C kubectl {rest}"),
            };
            (format!("k {rest}"), respelled)
        }
        None => (
            command
                .strip_prefix("sudo ")
                .map_or_else(|| format!("sudo {command}"), str::to_owned),
            format!("LC_ALL=C {command}"),
        ),
    };
    [piped, aliased, respelled]
}
