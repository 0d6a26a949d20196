//! The command-line contract: `check` output and exit codes.

use std::process::Command;

pub(crate) fn firedrill(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_firedrill"))
        .args(args)
        .output()
        .expect("binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn check_on_the_fixture_content_passes_with_warnings_only() {
    let content = crate::helpers::fixtures();
    let (code, out) = firedrill(&["check", "--content", content.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.lines()
            .last()
            .unwrap()
            .starts_with("checked 10 files: 0 errors,"),
        "{out}"
    );
    assert!(out.contains("scenarios/gitops-drift-causing-outage.md:70: warning: link to missing page `../drills/gitops-argocd.md`"), "{out}");
}

#[test]
fn check_exits_1_and_lists_every_error_like_a_compiler() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    std::fs::write(dir.path().join("no-title.md"), "just text\n").unwrap();
    std::fs::write(
        dir.path().join("sub/no-prompt.md"),
        "# Scenario: Broken\n\n## Initial Report\n\nx\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("binary.md"), b"# T\n\xff\xfe\n").unwrap();
    std::fs::write(dir.path().join("ok.md"), "# Fine\n").unwrap();
    let (code, out) = firedrill(&["check", "--content", dir.path().to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    insta::assert_snapshot!(out, @r"
    binary.md:2: error: file is not valid UTF-8 (invalid byte at offset 4): save it as UTF-8
    no-title.md:1: error: missing title: add a `# Title` heading (a `Scenario:` or `Interview:` prefix makes the page a scenario)
    sub/no-prompt.md:1: error: scenario without a prompt: add a `## The Prompt` section saying what the learner is asked
    checked 4 files: 3 errors, 0 warnings
    ");
}

#[test]
fn check_reads_the_content_folder_from_the_environment_and_prints_json() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.md"), "# A\n\n[x](missing.md)\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_firedrill"))
        .args(["check", "--format", "json"])
        .env("FIREDRILL_CONTENT", dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        report["summary"],
        serde_json::json!({"files": 1, "errors": 0, "warnings": 1})
    );
    assert_eq!(report["diagnostics"][0]["line"], 3);
    assert_eq!(report["diagnostics"][0]["severity"], "warning");
}

#[test]
fn new_scenario_writes_a_file_that_passes_check_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().to_str().unwrap();
    let args = [
        "new",
        "scenario",
        "DNS TTL Too Long During Failover",
        "--content",
        content,
        "--level",
        "L3: Advanced",
        "--topic",
        "DNS",
    ];
    let (code, out) = firedrill(&args);
    assert_eq!(code, 0, "{out}");
    let path = dir
        .path()
        .join("scenarios/dns-ttl-too-long-during-failover.md");
    assert_eq!(
        out.lines().next(),
        Some(format!("wrote {}", path.display()).as_str())
    );

    // No errors; a warning for each stub line left and one for the draft.
    let (code, out) = firedrill(&["check", "--content", content]);
    assert_eq!(code, 0, "{out}");
    let warnings = firedrill::content::stub::placeholder::all().count() + 1;
    assert!(
        out.ends_with(&format!("checked 1 file: 0 errors, {warnings} warnings\n")),
        "{out}"
    );
    let site = firedrill::content::load(dir.path()).unwrap();
    let page = site.scenario("dns-ttl-too-long-during-failover").unwrap();
    assert_eq!(page.meta.level.as_ref().unwrap().code, "L3");
    let scenario = page.scenario.as_ref().unwrap();
    assert_eq!(
        (
            scenario.rubric.len(),
            scenario.investigation.len(),
            scenario.evidence.len()
        ),
        (4, 3, 3)
    );

    std::fs::write(&path, "edited by the author").unwrap();
    let (code, _) = firedrill(&args);
    assert_eq!(code, 1);
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "edited by the author",
        "never overwritten"
    );
}

#[test]
fn check_reports_a_wrong_rubric_test_expectation_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("scenarios")).unwrap();
    let seed = std::fs::read(crate::helpers::fixture(
        "scenarios/gitops-drift-causing-outage.md",
    ))
    .unwrap();
    std::fs::write(dir.path().join("scenarios/seed.md"), seed).unwrap();
    let tests = "- answer: |\n    The HPA and ArgoCD fight over replicas.\n  expect:\n    quick-identification-of-the-hpa-vs: covered\n    post-incident-audit-all-argocd-managed: covered\n";
    std::fs::write(dir.path().join("scenarios/seed.tests.yaml"), tests).unwrap();
    std::fs::write(dir.path().join("scenarios/orphan.tests.yaml"), "[]").unwrap();
    let (code, out) = firedrill(&["check", "--content", dir.path().to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("scenarios/orphan.tests.yaml:1: error: rubric tests for `scenarios/orphan.md`, which does not exist: name the file after its scenario"), "{out}");
    assert!(out.contains("scenarios/seed.tests.yaml:5: error: sample 1 expects `covered` for `post-incident-audit-all-argocd-managed` but the grader says `missed`"), "{out}");
    assert!(
        !out.contains("seed.tests.yaml:4:"),
        "the met expectation is not reported: {out}"
    );
}

/// Stores one attempt graded against an older rubric, as if the scenario had since been edited.
async fn stored_attempt(url: &str) -> String {
    let store = firedrill::store::Store::open(url).await.unwrap();
    let stored = store
        .submit_attempt(firedrill::store::NewAttempt {
            learner: "learner".into(),
            scenario: "gitops-drift-causing-outage".into(),
            rubric_version: "000000000000".into(),
            rubric_json: "{}".into(),
            answer: "ArgoCD and the HPA are fighting over spec.replicas. Add ignoreDifferences to the Application manifest in Git so it is durable.".into(),
            verdicts_json: r#"{"score":0.0,"covered":0,"total":6,"items":[],"traps":[]}"#.into(),
            score: 0.0,
            covered: 0,
            total: 6,
            revealed_before: false,
            started_at: None,
            submitted_at: 1,
        })
        .await
        .unwrap();
    store.close().await;
    stored.public_id
}

#[tokio::test]
async fn rescore_shows_changes_and_stores_them_only_with_apply() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("r.db").display());
    let id = stored_attempt(&url).await;
    let content = crate::helpers::fixtures();
    let args = |apply: bool| {
        let mut args = vec![
            "rescore",
            "--content",
            content.to_str().unwrap(),
            "--database",
            &url,
        ];
        if apply {
            args.push("--apply");
        }
        args.into_iter().map(str::to_owned).collect::<Vec<_>>()
    };
    let run = |args: Vec<String>| firedrill(&args.iter().map(String::as_str).collect::<Vec<_>>());

    let (code, out) = run(args(false));
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains(&format!("{id} gitops-drift-causing-outage: 0% -> ")),
        "{out}"
    );
    assert!(out.ends_with("1 attempt checked: 1 graded against an older rubric would be rescored (run with --apply to store them); 1 score changes; 0 item verdicts change\n"), "{out}");
    let store = firedrill::store::Store::open(&url).await.unwrap();
    let before = store.attempt(&id, "learner").await.unwrap().unwrap();
    assert_eq!(
        (before.rubric_version.as_str(), before.score),
        ("000000000000", 0.0),
        "a dry run changes nothing"
    );
    store.close().await;

    let (code, out) = run(args(true));
    assert_eq!(code, 0, "{out}");
    let store = firedrill::store::Store::open(&url).await.unwrap();
    let after = store.attempt(&id, "learner").await.unwrap().unwrap();
    assert_ne!(after.rubric_version, "000000000000");
    assert!(after.score > 0.0 && after.covered > 0, "{after:?}");
    store.close().await;
    let (_, out) = run(args(false));
    assert!(out.ends_with("1 attempt checked: 0 graded against an older rubric would be rescored (run with --apply to store them); 0 scores change; 0 item verdicts change\n"), "{out}");
}

/// Runs `firedrill` with `stdin` as standard input; returns the exit code and all output.
pub(crate) fn firedrill_with_input(args: &[&str], stdin: &str) -> (i32, String) {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_firedrill"))
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .or_else(|err| match err.kind() {
            // The command may exit before reading its input.
            std::io::ErrorKind::BrokenPipe => Ok(()),
            _ => Err(err),
        })
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

#[tokio::test]
async fn user_add_and_role_manage_accounts_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("users.db").display());
    let db = ["--database", url.as_str()];
    let with = |rest: &[&'static str]| [&rest[..2], &db[..], &rest[2..]].concat();

    // A password on standard input is used, never printed.
    let (code, out) = firedrill_with_input(
        &with(&["user", "add", "root", "--role", "admin"]),
        "correct horse battery\n",
    );
    assert_eq!(code, 0, "{out}");
    assert_eq!(out, "created `root` (admin)\n");

    // With nothing on standard input, a password is generated and printed once.
    let (code, out) = firedrill_with_input(&with(&["user", "add", "ana"]), "");
    assert_eq!(code, 0, "{out}");
    let generated = out
        .lines()
        .find_map(|l| l.strip_prefix("password: "))
        .expect("the generated password is printed")
        .to_owned();
    assert_eq!(generated.len(), 24);
    assert!(out.starts_with("created `ana` (learner)\n"), "{out}");

    let (code, out) = firedrill_with_input(&with(&["user", "add", "ANA"]), "another password\n");
    assert_eq!(code, 1);
    assert!(out.contains("error: the name `ANA` is taken"), "{out}");
    let (code, out) = firedrill_with_input(&with(&["user", "add", "bo"]), "short\n");
    assert_eq!(code, 1);
    assert!(out.contains("at least 10 characters"), "{out}");
    let (code, out) = firedrill_with_input(&with(&["user", "add", "bo", "--role", "root"]), "");
    assert_ne!(code, 0);
    assert!(out.contains("invalid value 'root'"), "{out}");

    let (code, out) = firedrill_with_input(&with(&["user", "role", "ana", "author"]), "");
    assert_eq!((code, out.as_str()), (0, "`ana` is now author\n"));
    let (code, out) = firedrill_with_input(&with(&["user", "role", "root", "learner"]), "");
    assert_eq!(code, 1);
    assert!(out.contains("`root` is the only admin"), "{out}");
    let (code, out) = firedrill_with_input(&with(&["user", "role", "nobody", "author"]), "");
    assert_eq!(code, 1);
    assert!(out.contains("no user `nobody`"), "{out}");

    // The stored hashes are Argon2id, and the passwords work for signing in.
    let store = firedrill::store::Store::open(&url).await.unwrap();
    let ana = store.user("ana").await.unwrap().unwrap();
    assert_eq!(ana.role, "author");
    assert!(ana.password_hash.starts_with("$argon2id$"));
    let hasher = firedrill::accounts::Hasher::start(1);
    let verify = |password: &str, hash: &str| {
        hasher.verify(
            firedrill::accounts::Password(password.to_owned()),
            Some(hash.to_owned()),
        )
    };
    assert!(verify(&generated, &ana.password_hash).await.unwrap());
    let root = store.user("root").await.unwrap().unwrap();
    assert!(
        verify("correct horse battery", &root.password_hash)
            .await
            .unwrap()
    );
    store.close().await;
    // An admin resets a password from the command line.
    let (code, out) =
        firedrill_with_input(&with(&["user", "password", "ana"]), "a fresh passphrase\n");
    assert_eq!(
        (code, out.as_str()),
        (0, "new password for `ana`; their sessions have ended\n")
    );
    let store = firedrill::store::Store::open(&url).await.unwrap();
    let ana = store.user("ana").await.unwrap().unwrap();
    assert!(
        verify("a fresh passphrase", &ana.password_hash)
            .await
            .unwrap()
    );
    store.close().await;
    let (code, out) = firedrill_with_input(
        &with(&["user", "password", "nobody"]),
        "a fresh passphrase\n",
    );
    assert_eq!(code, 1);
    assert!(out.contains("no user `nobody`"), "{out}");
    let (_, out) = firedrill_with_input(&with(&["user", "list"]), "");
    assert!(out.contains("ana\tauthor\tlast sign-in: never"), "{out}");
}

/// A content folder with one scenario, `disk-full`, of two checklist items.
fn disk_full_content() -> tempfile::TempDir {
    let content = tempfile::tempdir().unwrap();
    std::fs::create_dir(content.path().join("scenarios")).unwrap();
    std::fs::write(
        content.path().join("scenarios/disk-full.md"),
        "# Scenario: Disk Full\n\n## The Prompt\n\nWrites fail.\n\n## What a Strong Answer Includes\n\n\
         - Find what filled the disk with du before deleting anything\n\
         - Rotate or cap the write-ahead log archive so it cannot fill the disk again\n",
    )
    .unwrap();
    content
}

#[tokio::test]
async fn rescore_keeps_the_learners_corrections_in_the_score_it_shows_and_stores() {
    let content = disk_full_content();
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("r.db").display());
    // An attempt stored under an older rubric (and scoring rule), corrected by its learner
    // before scores followed corrections.
    let store = firedrill::store::Store::open(&url).await.unwrap();
    let stored = store
        .submit_attempt(firedrill::store::NewAttempt {
            learner: "lee".into(),
            scenario: "disk-full".into(),
            rubric_version: "000000000000".into(),
            rubric_json: "{}".into(),
            answer: "I would restart it and see.".into(),
            verdicts_json: r#"{"score":0.0,"covered":0,"total":2,"items":[],"traps":[]}"#.into(),
            score: 0.0,
            covered: 0,
            total: 2,
            revealed_before: false,
            started_at: None,
            submitted_at: 1,
        })
        .await
        .unwrap();
    let correction = firedrill::store::NewOverride {
        item_id: "rotate-or-cap-the-write-ahead".into(),
        verdict: "covered".into(),
        by_whom: "self".into(),
        at: 2,
    };
    let untouched: firedrill::store::Settle = |_, _| None;
    assert!(
        store
            .set_override(&stored.public_id, "lee", correction, untouched)
            .await
            .unwrap()
    );
    store.close().await;

    let content = content.path().to_str().unwrap();
    let (code, out) = firedrill(&["rescore", "--content", content, "--database", &url]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains(&format!(
            "{} disk-full: 0% -> 50% (+50), 1 of 2 covered",
            stored.public_id
        )),
        "{out}"
    );
    let (code, out) = firedrill(&[
        "rescore",
        "--apply",
        "--content",
        content,
        "--database",
        &url,
    ]);
    assert_eq!(code, 0, "{out}");
    let store = firedrill::store::Store::open(&url).await.unwrap();
    let after = store
        .attempt(&stored.public_id, "lee")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (after.score, after.covered, after.machine_score),
        (0.5, 1, 0.0)
    );
    assert_eq!(
        store
            .attempts_of("lee", firedrill::store::Position::NEWEST, 5)
            .await
            .unwrap()[0]
            .score,
        0.5
    );
    store.close().await;
}

#[tokio::test]
async fn rescore_keeps_what_hints_cost_in_the_score_it_shows_and_stores() {
    let content = disk_full_content();
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("h.db").display());
    let store = firedrill::store::Store::open(&url).await.unwrap();
    store
        .take_hint(firedrill::store::NewHint {
            learner: "lee".into(),
            scenario: "disk-full".into(),
            step: 0,
            level: firedrill::store::HintLevel::Title,
            cost: 0.2,
            at: 1,
        })
        .await
        .unwrap();
    // Graded under an older rubric that found nothing: 0 %, and the hint's 20 points.
    let stored = store
        .submit_attempt(firedrill::store::NewAttempt {
            learner: "lee".into(),
            scenario: "disk-full".into(),
            rubric_version: "000000000000".into(),
            rubric_json: "{}".into(),
            answer: "Found what filled the disk with du before deleting anything.".into(),
            verdicts_json: r#"{"score":0.0,"covered":0,"total":2,"items":[],"traps":[]}"#.into(),
            score: 0.0,
            covered: 0,
            total: 2,
            revealed_before: false,
            started_at: None,
            submitted_at: 2,
        })
        .await
        .unwrap();
    let before = store
        .attempt(&stored.public_id, "lee")
        .await
        .unwrap()
        .unwrap();
    assert_eq!((before.score, before.hint_penalty), (0.0, 0.2));
    store.close().await;

    let content = content.path().to_str().unwrap();
    let (code, out) = firedrill(&["rescore", "--content", content, "--database", &url]);
    assert_eq!(code, 0, "{out}");
    // The checklist now scores 50 %; less the hint's 20 points.
    assert!(
        out.contains(&format!("{} disk-full: 0% -> 30% (+30)", stored.public_id)),
        "{out}"
    );
    let args = [
        "rescore",
        "--apply",
        "--content",
        content,
        "--database",
        &url,
    ];
    assert_eq!(firedrill(&args).0, 0);
    let store = firedrill::store::Store::open(&url).await.unwrap();
    let after = store
        .attempt(&stored.public_id, "lee")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (after.score, after.machine_score, after.hint_penalty),
        (0.3, 0.5, 0.2)
    );
    // Rescoring again changes nothing.
    let (_, out) = firedrill(&["rescore", "--content", content, "--database", &url]);
    assert!(out.contains("0 scores change"), "{out}");
    store.close().await;
}

/// What one run of the binary printed, each stream on its own.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs `firedrill` in `dir` with `stdin` as standard input.
fn run_in(dir: &std::path::Path, args: &[&str], stdin: &str) -> Run {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_firedrill"))
        .args(args)
        .current_dir(dir)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    // A command that does not read its input (a wrong slug, say) may exit before we write.
    match input.write_all(stdin.as_bytes()) {
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => {}
        written => written.unwrap(),
    }
    drop(input);
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A content folder of `files` (path, text) in a fresh temporary directory.
pub(crate) fn content(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

/// A small gradeable scenario with two checklist items.
const KUBELET: &str = "# Scenario: Kubelet Upgrade\n\n## The Prompt\n\nNodes are NotReady.\n\n## What a Strong Answer Includes\n\n- Rolls the kubelet back to the previous version\n- Adds a canary node to the upgrade process\n";

/// Scenarios of every shape, level and metadata source, a wiki page and a broken scenario.
fn listed_content() -> tempfile::TempDir {
    content(&[
        (
            "scenarios/pager.md",
            "Portal | Level: L2: Operations | Topics: Alerting, On-call | Domain: Operations\n\n# Scenario: Pager Storm at 3 AM\n\n## The Prompt\n\nTwo hundred alerts fire at once.\n\n## What a Strong Answer Includes\n\n- Groups the alerts by their common cause\n",
        ),
        (
            "scenarios/alerts.md",
            "Portal | Level: L2: Operations | Topics: Alerting | Domain: Operations\n\n# Interview: Alert Fatigue\n\n## The Prompt\n\nThe on-call ignores pages.\n\n## Key Concepts Tested\n\n- **Signal**: page only on symptoms users feel\n",
        ),
        (
            "scenarios/dns.md",
            "---\nlevel: \"L1: Foundations\"\ntopics: [DNS]\ndomain: Networking\nhidden: true\n---\n# Interview: resolv_conf | ndots\n\n## The Prompt\n\nLookups are slow.\n\n## Strong Answer\n\n> I would read resolv.conf and count the search domains tried before the real name.\n",
        ),
        (
            "scenarios/archive.md",
            "# Scenario: Archive Restore\n\n## The Prompt\n\nRestore yesterday's archive.\n",
        ),
        (
            "scenarios/broken.md",
            "# Scenario: Broken\n\n## Initial Report\n\nNo prompt.\n",
        ),
        ("topics/dns.md", "# DNS\n\nA wiki page, not a scenario.\n"),
    ])
}

#[test]
fn list_prints_every_scenario_by_level_then_title_in_aligned_columns() {
    let dir = listed_content();
    let run = run_in(dir.path(), &["list", "--content", "."], "");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "Title                Slug     Level            Domain      Topics             Shape\n\
         Archive Restore      archive  -                -           -                  ungraded\n\
         resolv_conf | ndots  dns      L1: Foundations  Networking  DNS                strong answer, hidden\n\
         Alert Fatigue        alerts   L2: Operations   Operations  Alerting           strong answer\n\
         Pager Storm at 3 AM  pager    L2: Operations   Operations  Alerting, On-call  checklist\n"
    );
    assert_eq!(
        run.stderr,
        "warning: 1 file with errors not listed: `scenarios/broken.md` (details: firedrill check --content .)\n"
    );
}

#[test]
fn list_prints_a_markdown_table_and_a_json_array() {
    let dir = listed_content();
    let markdown = run_in(
        dir.path(),
        &["list", "--content", ".", "--format", "markdown"],
        "",
    );
    assert_eq!(markdown.code, 0, "{}", markdown.stderr);
    assert_eq!(
        markdown.stdout,
        "| Title | Slug | Level | Domain | Topics | Shape |\n\
         | --- | --- | --- | --- | --- | --- |\n\
         | Archive Restore | archive | - | - | - | ungraded |\n\
         | resolv\\_conf \\| ndots | dns | L1: Foundations | Networking | DNS | strong answer, hidden |\n\
         | Alert Fatigue | alerts | L2: Operations | Operations | Alerting | strong answer |\n\
         | Pager Storm at 3 AM | pager | L2: Operations | Operations | Alerting, On-call | checklist |\n"
    );
    let json = run_in(
        dir.path(),
        &["list", "--content", ".", "--format", "json"],
        "",
    );
    assert_eq!(json.code, 0, "{}", json.stderr);
    let rows: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(
        rows,
        serde_json::json!([
            {"title": "Archive Restore", "slug": "archive", "level": null, "domain": null,
             "topics": [], "shape": "ungraded", "hidden": false, "draft": false},
            {"title": "resolv_conf | ndots", "slug": "dns", "level": "L1: Foundations",
             "domain": "Networking", "topics": ["DNS"], "shape": "strong answer", "hidden": true, "draft": false},
            {"title": "Alert Fatigue", "slug": "alerts", "level": "L2: Operations",
             "domain": "Operations", "topics": ["Alerting"], "shape": "strong answer",
             "hidden": false, "draft": false},
            {"title": "Pager Storm at 3 AM", "slug": "pager", "level": "L2: Operations",
             "domain": "Operations", "topics": ["Alerting", "On-call"], "shape": "checklist",
             "hidden": false, "draft": false},
        ])
    );
}

#[test]
fn list_says_what_is_wrong_with_a_format_or_a_folder() {
    let dir = content(&[("scenarios/k.md", KUBELET), ("empty/.keep", "")]);
    let format = run_in(
        dir.path(),
        &["list", "--content", ".", "--format", "yaml"],
        "",
    );
    assert_eq!(format.code, 2);
    assert!(
        format
            .stderr
            .starts_with("error: invalid value 'yaml' for '--format <FORMAT>'\n  [possible values: text, markdown, json]\n"),
        "{}",
        format.stderr
    );
    let missing = run_in(dir.path(), &["list", "--content", "nope"], "");
    assert_eq!(
        (
            missing.code,
            missing.stderr.as_str(),
            missing.stdout.as_str()
        ),
        (
            1,
            "error: cannot read the content folder `nope` (give another with --content DIR): no such file or directory (os error 2)\n",
            ""
        )
    );
    let file = run_in(dir.path(), &["list", "--content", "scenarios/k.md"], "");
    assert_eq!(
        (file.code, file.stderr.as_str()),
        (
            1,
            "error: the content folder `scenarios/k.md` is a file, not a folder (give another with --content DIR)\n"
        )
    );
    let empty = run_in(
        dir.path(),
        &["list", "--content", "empty", "--format", "json"],
        "",
    );
    assert_eq!(
        (empty.code, empty.stdout.as_str(), empty.stderr.as_str()),
        (
            0,
            "[]\n",
            "warning: no scenarios in `empty`: a scenario is a page whose `# ` title starts with `Scenario:` or `Interview:`\n"
        )
    );
}

#[test]
fn check_file_reports_only_that_files_problems_with_links_resolved_against_the_whole_folder() {
    let dir = content(&[
        ("a.md", "# A\n\n[B](sub/b.md) and [gone](missing.md)\n"),
        ("sub/b.md", "# B\n\n[nowhere](nowhere.md)\n"),
        ("broken.md", "no title\n"),
    ]);
    let root = dir.path().to_str().unwrap();
    let (code, out) = firedrill(&["check", "--content", root, "a.md"]);
    assert_eq!(code, 0, "the error in another file does not count: {out}");
    insta::assert_snapshot!(out, @r"
    a.md:3: warning: link to missing page `missing.md`: write that page or fix the link (it is shown as not written yet)
    checked 1 file: 0 errors, 1 warning
    ");
    // A path from the working directory works too, and several files may be given.
    let b = dir.path().join("sub/b.md");
    let (code, out) = firedrill(&["check", "--content", root, b.to_str().unwrap(), "broken.md"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("sub/b.md:3: warning: link to missing page `nowhere.md`"),
        "{out}"
    );
    assert!(out.contains("broken.md:1: error: missing title"), "{out}");
    assert!(
        out.ends_with("checked 2 files: 1 error, 1 warning\n"),
        "{out}"
    );

    let outside = run_in(dir.path(), &["check", "--content", "sub", "a.md"], "");
    assert_eq!(outside.code, 1);
    assert_eq!(
        outside.stderr,
        "error: `a.md` is outside the content folder `sub`: pass `--content DIR` for another folder\n"
    );
}

#[test]
fn a_byte_order_mark_at_the_start_of_a_file_is_ignored() {
    let bom = "\u{feff}";
    let dir = content(&[
        (
            "scenarios/k.md",
            &format!("{bom}---\ntags: [kubelet]\n---\n{KUBELET}"),
        ),
        ("topics/t.md", &format!("{bom}# Kubelet Topic\n\nText.\n")),
        (
            "scenarios/k.tests.yaml",
            &format!(
                "{bom}- answer: Roll the kubelet back to the previous version.\n  expect:\n    rolls-the-kubelet-back-to-the: covered\n"
            ),
        ),
    ]);
    let (code, out) = firedrill(&["check", "--content", dir.path().to_str().unwrap()]);
    assert_eq!(
        (code, out.as_str()),
        (
            0,
            "scenarios/k.tests.yaml:1: note: 1 expectations: 1 hold before the grader learns from these samples, 1 after (0 lessons); `check --lessons` lists them\nchecked 3 files: 0 errors, 0 warnings\n"
        )
    );
    let site = firedrill::content::load(dir.path()).unwrap();
    assert_eq!(site.by_url("/topics/t").unwrap().title, "Kubelet Topic");
    assert_eq!(site.scenario("k").unwrap().meta.tags, ["kubelet"]);
}

#[test]
fn rubric_tests_say_why_they_cannot_run_against_a_broken_scenario_or_a_wiki_page() {
    let dir = content(&[
        ("scenarios/broken.md", "# Scenario: Broken\n\nNo prompt.\n"),
        ("scenarios/broken.tests.yaml", "[]"),
        ("topics/wiki.md", "# Wiki\n"),
        ("topics/wiki.tests.yaml", "[]"),
    ]);
    let (code, out) = firedrill(&["check", "--content", dir.path().to_str().unwrap()]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(out, @r"
    scenarios/broken.md:1: error: scenario without a prompt: add a `## The Prompt` section saying what the learner is asked
    scenarios/broken.tests.yaml:1: error: rubric tests for `scenarios/broken.md`, which has 1 error: fix the scenario and these tests run
    topics/wiki.tests.yaml:1: error: rubric tests for `topics/wiki.md`, which is a wiki page, not a scenario: give it a `# Scenario: ...` title, or remove this file
    checked 4 files: 3 errors, 0 warnings
    ");
}

#[test]
fn errors_say_each_os_error_once_in_lowercase_and_name_no_rust_types() {
    let dir = content(&[
        ("scenarios/k.md", KUBELET),
        ("eval/k.yaml", "- not a map\n"),
    ]);
    let missing = run_in(dir.path(), &["check", "--content", "nope"], "");
    assert_eq!(
        (missing.code, missing.stderr.as_str()),
        (
            1,
            "error: cannot read the content folder `nope` (give another with --content DIR): no such file or directory (os error 2)\n"
        )
    );
    let answer = run_in(
        dir.path(),
        &["grade", "--content", ".", "k", "answer.md"],
        "",
    );
    assert_eq!(
        answer.stderr,
        "error: cannot read the answer file `answer.md`: no such file or directory (os error 2)\n"
    );
    let eval = run_in(dir.path(), &["eval", "--content", ".", "eval"], "");
    assert_eq!(
        eval.stderr,
        "error: `eval/k.yaml` is not a valid answer set: invalid type: sequence, expected a map with `scenario:` (a slug) and `answers:` (a list)\n"
    );
    // sqlx's error displays its source and returns it too.
    let db = "sqlite:///nonexistent-folder/x.db";
    let database = run_in(dir.path(), &["user", "add", "ann", "--database", db], "");
    assert_eq!(database.code, 1);
    assert_eq!(
        database
            .stderr
            .matches("unable to open database file")
            .count(),
        1,
        "{}",
        database.stderr
    );
    let front = content(&[("f.md", "---\n- a list\n---\n# F\n")]);
    let (_, out) = firedrill(&["check", "--content", front.path().to_str().unwrap()]);
    assert!(
        out.starts_with("f.md:2: error: invalid front matter: invalid type: sequence, expected a map of `key: value` lines\n"),
        "{out}"
    );
}

#[test]
fn grade_reads_the_answer_from_stdin_and_warns_when_it_is_empty() {
    let dir = content(&[("k.md", KUBELET)]);
    let grade = |answer: &str| {
        let args = ["grade", "--content", ".", "k", "-", "--format", "json"];
        run_in(dir.path(), &args, answer)
    };
    let rolled = grade("I roll the kubelet back to the previous version.\n");
    assert_eq!((rolled.code, rolled.stderr.as_str()), (0, ""));
    let report: serde_json::Value = serde_json::from_str(&rolled.stdout).unwrap();
    assert_eq!(report["covered"], 1);
    assert_eq!(
        report["items"][0]["evidence"][0]["start"], 2,
        "offsets into standard input"
    );
    assert_eq!(report["score"].as_f64(), Some(0.5), "the answer was graded");

    let empty = grade(" \n");
    assert_eq!(empty.code, 0, "an empty answer is still graded");
    assert_eq!(
        empty.stderr,
        "warning: the answer on standard input is empty: every item is missed\n"
    );
    let report: serde_json::Value = serde_json::from_str(&empty.stdout).unwrap();
    assert_eq!(
        (report["score"].as_f64(), report["covered"].as_u64()),
        (Some(0.0), Some(0))
    );
}

#[test]
fn json_scores_have_four_decimals() {
    // Three items, one covered: 1/3 would print as 0.3333333333333333.
    let three = KUBELET.to_owned() + "- Pages the platform team about the failed upgrade\n";
    let dir = content(&[("k.md", &three)]);
    let args = ["grade", "--content", ".", "k", "-", "--format", "json"];
    let run = run_in(
        dir.path(),
        &args,
        "Roll the kubelet back to the previous version.\n",
    );
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        (report["covered"].as_u64(), report["total"].as_u64()),
        (Some(1), Some(3))
    );
    assert!(run.stdout.contains("\"score\": 0.3333,"), "{}", run.stdout);
}

#[test]
fn grade_suggests_the_closest_slugs_and_says_when_a_page_is_a_wiki_page() {
    let dir = content(&[
        ("scenarios/kubelet-upgrade.md", KUBELET),
        (
            "scenarios/kubelet-certificates.md",
            &KUBELET.replace("Upgrade", "Certificates"),
        ),
        ("topics/kubelet.md", "# Kubelet\n"),
    ]);
    let grade =
        |name: &str| run_in(dir.path(), &["grade", "--content", ".", name, "-"], "x").stderr;
    assert_eq!(
        grade("kubelet-upgarde"),
        "error: no scenario `kubelet-upgarde`: did you mean `kubelet-upgrade`?\n"
    );
    assert_eq!(
        grade("kubelet-"),
        "error: no scenario `kubelet-`: did you mean `kubelet-upgrade` or `kubelet-certificates`?\n"
    );
    assert_eq!(
        grade("postgres-disk-full"),
        "error: no scenario `postgres-disk-full`: the scenarios are `kubelet-certificates` and `kubelet-upgrade`\n"
    );
    let wiki = "is a wiki page, not a scenario: only a page titled `Scenario: ...` or `Interview: ...` has a checklist to grade against\n";
    assert_eq!(
        grade("topics/kubelet.md"),
        format!("error: `topics/kubelet.md` {wiki}")
    );
    assert_eq!(
        grade("kubelet"),
        format!("error: `kubelet` (`topics/kubelet.md`) {wiki}")
    );
}

#[test]
fn new_scenario_makes_an_ascii_file_name_from_any_title() {
    let dir = tempfile::tempdir().unwrap();
    let run = run_in(
        dir.path(),
        &["new", "scenario", "Über Größe", "--content", "c"],
        "",
    );
    assert_eq!(
        (run.code, run.stdout.lines().next()),
        (0, Some("wrote c/scenarios/uber-grosse.md"))
    );
    let text = std::fs::read_to_string(dir.path().join("c/scenarios/uber-grosse.md")).unwrap();
    assert!(
        text.contains("# Scenario: Über Größe\n"),
        "the title keeps its letters"
    );
}

#[test]
fn eval_explains_its_columns_and_a_slice_too_alike_to_have_a_kappa() {
    let labels = |a: &str, b: &str| {
        format!(
            "    labels:\n      rolls-the-kubelet-back-to-the: {a}\n      adds-a-canary-node-to-the: {b}\n"
        )
    };
    let set = format!(
        "scenario: k\nanswers:\n  - id: s1\n    slices: [strong]\n    answer: Roll the kubelet back to the previous version and add a canary node to the upgrade process.\n{}  - id: w1\n    slices: [weak]\n    answer: Reboot everything.\n{}",
        labels("covered", "covered"),
        labels("missed", "partial"),
    );
    let dir = content(&[("k.md", KUBELET), ("eval/k.yaml", &set)]);
    let run = run_in(dir.path(), &["eval", "--content", ".", "eval"], "");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let row = |name: &str| {
        let line = run.stdout.lines().find(|l| l.starts_with(name)).unwrap();
        line.split_whitespace()
            .skip(name.split(' ').count())
            .collect::<Vec<_>>()
    };
    assert_eq!(row("slice strong"), ["2", "1.000", "1.000", "1.000", "n/a"]);
    assert_eq!(row("slice weak"), ["2", "n/a", "n/a", "n/a", "0.000"]);
    assert!(!run.stdout.contains("NaN"), "{}", run.stdout);
    for legend in [
        "\npairs: ",
        "\nprecision: ",
        "\nrecall: ",
        "\nF1: ",
        "\nkappa: ",
        "\nn/a: ",
    ] {
        assert!(
            run.stdout.contains(legend),
            "no legend for {legend:?}: {}",
            run.stdout
        );
    }
}

#[test]
fn bind_takes_a_host_name_and_rejects_what_is_not_host_and_port() {
    let run = run_in(
        std::path::Path::new("."),
        &["serve", "--bind", "localhost"],
        "",
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("invalid value 'localhost' for '--bind <BIND>': expected HOST:PORT, e.g. 127.0.0.1:8080, localhost:8080 or [::1]:8080"),
        "{}",
        run.stderr
    );
    let dir = content(&[("a.md", "# A\n")]);
    let mut server = Served::start(dir.path(), &["--bind", "localhost:0"]);
    let listening = server.wait_for("listening on http://");
    let address = listening.rsplit("http://").next().unwrap();
    assert!(
        address.starts_with("127.0.0.1:"),
        "localhost is IPv4 first: {listening}"
    );
    assert_eq!(http_get(address, "/healthz"), "ok");
}

#[test]
fn an_installed_binary_serves_the_stylesheet_from_any_folder() {
    let dir = content(&[("a.md", "# A\n")]);
    let elsewhere = tempfile::tempdir().unwrap();
    let mut server = Served::start_in(elsewhere.path(), dir.path(), &["--bind", "127.0.0.1:0"]);
    let listening = server.wait_for("listening on http://");
    let address = listening.rsplit("http://").next().unwrap();
    let css = http_get(address, "/static/style.css");
    let stylesheet = std::fs::read_to_string(crate::helpers::repo("static/style.css")).unwrap();
    assert_eq!(css, stylesheet, "{:?}", server.seen);
}

/// `GET path` over plain HTTP/1.0; the body.
fn http_get(address: &str, path: &str) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    write!(stream, "GET {path} HTTP/1.0\r\nHost: {address}\r\n\r\n").unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
        .split("\r\n\r\n")
        .nth(1)
        .unwrap_or_default()
        .to_owned()
}

/// `firedrill serve` running on a content folder, its log lines read as they come.
struct Served {
    child: std::process::Child,
    lines: std::sync::mpsc::Receiver<String>,
    /// Every line read so far.
    seen: Vec<String>,
}

impl Served {
    fn start(content: &std::path::Path, args: &[&str]) -> Self {
        Self::start_in(&crate::helpers::repo(""), content, args)
    }

    /// Started with `cwd` as the working directory.
    fn start_in(cwd: &std::path::Path, content: &std::path::Path, args: &[&str]) -> Self {
        let db = content.join("serve.db");
        let mut child = Command::new(env!("CARGO_BIN_EXE_firedrill"))
            .args(["serve", "--content", content.to_str().unwrap()])
            .args(["--database", &format!("sqlite://{}", db.display())])
            .args(args)
            .current_dir(cwd)
            .env("FIREDRILL_LOG", "info")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let (tx, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            use std::io::BufRead;
            for line in std::io::BufReader::new(stderr)
                .lines()
                .map_while(Result::ok)
            {
                let _ = tx.send(line);
            }
        });
        Self {
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// The next line containing `needle`, within ten seconds.
    fn wait_for(&mut self, needle: &str) -> String {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while let Some(left) = deadline.checked_duration_since(std::time::Instant::now()) {
            let Ok(line) = self.lines.recv_timeout(left) else {
                break;
            };
            self.seen.push(line.clone());
            if line.contains(needle) {
                return line;
            }
        }
        panic!("no line with {needle:?} in:\n{}", self.seen.join("\n"));
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn serve_logs_json_lines_with_log_format_json() {
    let dir = content(&[("a.md", "# A\n\n[x](x.md)\n")]);
    let mut server = Served::start(
        dir.path(),
        &["--bind", "127.0.0.1:0", "--log-format", "json"],
    );
    server.wait_for("listening on http://");
    assert!(server.seen.len() >= 2, "{:?}", server.seen);
    for line in &server.seen {
        let v: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        assert!(v["timestamp"].is_string(), "{line}");
        assert!(v["level"].is_string(), "{line}");
        assert!(v["fields"]["message"].is_string(), "{line}");
    }
    let summary = &server.seen[0];
    assert!(summary.contains(r#""level":"WARN""#), "{summary}");
    assert!(
        summary.contains("content: 1 page; 0 errors, 1 warning"),
        "{summary}"
    );
}

#[test]
fn serve_logs_one_line_about_content_problems_and_watch_mode_only_what_changed() {
    let dir = content(&[
        ("a.md", "# A\n\n[x](x.md)\n"),
        ("b.md", "# B\n\n[y](y.md)\n"),
        ("broken.md", "no title\n"),
    ]);
    let root = dir.path().to_str().unwrap();
    let mut server = Served::start(dir.path(), &["--bind", "127.0.0.1:0", "--watch"]);
    server.wait_for("listening on http://");
    // The log lines' text, after the time, level and module.
    let start: Vec<_> = server
        .seen
        .iter()
        .map(|l| l.split_once(": ").unwrap().1)
        .collect();
    let summary = format!(
        "content: 2 pages; 1 error, 2 warnings in 3 files (details: firedrill check --content {root})"
    );
    let watching = format!("watching `{root}` for changes");
    assert_eq!(
        start[..2],
        [summary.as_str(), watching.as_str()],
        "one line about the content's problems, none for each problem"
    );
    assert_eq!(start.len(), 3, "{start:?}");

    std::fs::write(dir.path().join("c.md"), "# C\n\n[z](z.md)\n").unwrap();
    let reloaded = server.wait_for("content reloaded: added /c;");
    assert!(
        reloaded.ends_with(
            "content reloaded: added /c; 1 new problem; now 3 pages; 1 error, 3 warnings in 4 files"
        ),
        "{reloaded}"
    );
    std::fs::write(dir.path().join("a.md"), "# A\n\nNo link now.\n").unwrap();
    server.wait_for("problem fixed;");
    let after_start = server.seen.iter().skip_while(|l| !l.contains("listening"));
    let problems: Vec<_> = after_start.filter(|l| l.contains("missing page")).collect();
    assert_eq!(
        problems.len(),
        2,
        "only the new and the fixed problem: {problems:?}"
    );
    assert!(
        problems[0].contains(" WARN ")
            && problems[0].contains("c.md:3: warning: link to missing page `z.md`"),
        "{}",
        problems[0]
    );
    assert!(
        problems[1].contains("fixed: a.md:3: warning: link to missing page `x.md`"),
        "{}",
        problems[1]
    );
}

/// The kept statistics equal a full recount (the score sum to within rounding).
async fn assert_figures_match_a_recount(store: &firedrill::store::Store, scenario: &str) {
    let kept = store.figures(scenario).await.unwrap();
    let counted = store.recount_figures(scenario).await.unwrap();
    assert_eq!(
        (kept.attempts, kept.histogram, &kept.items),
        (counted.attempts, counted.histogram, &counted.items)
    );
    assert!((kept.score_sum - counted.score_sum).abs() < 1e-6);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rescore_killed_mid_run_leaves_the_statistics_equal_to_a_recount() {
    let folder = content(&[("scenarios/kubelet-upgrade.md", KUBELET)]);
    let site = firedrill::content::Site::build(&[firedrill::content::SourceFile {
        path: "scenarios/kubelet-upgrade.md".into(),
        bytes: KUBELET.as_bytes().to_vec(),
    }]);
    let page = site.scenario("kubelet-upgrade").unwrap();
    let v1 = firedrill::grading::Rubric::of(&page.slug, page.scenario.as_ref().unwrap());
    let db = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", db.path().join("k.db").display());
    let store = firedrill::store::Store::open(&url).await.unwrap();
    let answers = [
        "Roll the kubelet back to the previous version.",
        "Roll the kubelet back, then add a canary node to the upgrade process.",
        "Restart everything.",
    ];
    let grades: Vec<_> = answers.iter().map(|a| (a, v1.grade(a))).collect();
    const ATTEMPTS: usize = 3000;
    let mut tasks = Vec::new();
    for i in 0..ATTEMPTS {
        let (answer, grade) = &grades[i % grades.len()];
        let attempt = firedrill::store::NewAttempt {
            learner: format!("learner-{i}"),
            scenario: v1.scenario.clone(),
            rubric_version: v1.version.clone(),
            rubric_json: serde_json::to_string(&v1).unwrap(),
            answer: answer.to_string(),
            verdicts_json: serde_json::to_string(grade).unwrap(),
            score: grade.score,
            covered: grade.covered as i64,
            total: grade.total as i64,
            revealed_before: false,
            started_at: None,
            submitted_at: i as i64,
        };
        let store = store.clone();
        tasks.push(tokio::spawn(
            async move { store.submit_attempt(attempt).await },
        ));
    }
    let mut stored = Vec::new();
    for task in tasks {
        stored.push(task.await.unwrap().unwrap());
    }
    for (i, s) in stored.iter().enumerate().step_by(7) {
        let o = firedrill::store::NewOverride {
            item_id: v1.items[i % 2].id.clone(),
            verdict: "covered".into(),
            by_whom: "learner".into(),
            at: 1,
        };
        let learner = format!("learner-{i}");
        assert!(
            store
                .set_override(&s.public_id, &learner, o, firedrill::grading::settle_stored)
                .await
                .unwrap()
        );
    }
    assert_figures_match_a_recount(&store, &v1.scenario).await;

    // The author edits an item; `rescore --apply` is killed once its first pages are stored.
    std::fs::write(
        folder.path().join("scenarios/kubelet-upgrade.md"),
        KUBELET.replace("Adds a canary node", "Adds one canary node"),
    )
    .unwrap();
    let args = [
        "rescore",
        "--apply",
        "--content",
        folder.path().to_str().unwrap(),
        "--database",
        &url,
    ];
    let mut child = Command::new(env!("CARGO_BIN_EXE_firedrill"))
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let left = loop {
        let left = store
            .count_graded_by(&v1.scenario, &v1.version)
            .await
            .unwrap();
        if left < ATTEMPTS as i64 {
            child.kill().unwrap();
            break left;
        }
        assert!(
            child.try_wait().unwrap().is_none(),
            "rescore ended before any page was stored"
        );
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    };
    child.wait().unwrap();
    let now = store
        .count_graded_by(&v1.scenario, &v1.version)
        .await
        .unwrap();
    assert!(
        now > 0,
        "killed before the end: {left} then {now} of {ATTEMPTS} left"
    );
    assert_figures_match_a_recount(&store, &v1.scenario).await;

    // Run again to the end: nothing is left on the old rubric and the figures still agree.
    let (code, out) = firedrill(&args);
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        store
            .count_graded_by(&v1.scenario, &v1.version)
            .await
            .unwrap(),
        0
    );
    assert_figures_match_a_recount(&store, &v1.scenario).await;
    assert_eq!(
        store.figures(&v1.scenario).await.unwrap().attempts,
        ATTEMPTS as i64
    );
    store.close().await;
}

#[test]
fn eval_measures_the_split_it_is_asked_for_and_the_raters_agreement() {
    let second = KUBELET.replace("Kubelet Upgrade", "Kubelet Again");
    let set = |scenario: &str| {
        format!(
            "scenario: {scenario}\nanswers:\n  - id: {scenario}-1\n    answer: Roll the kubelet back to the previous version.\n    labels:\n      rolls-the-kubelet-back-to-the: covered\n      adds-a-canary-node-to-the: missed\n"
        )
    };
    let rater = |scenario: &str, rater: &str, verdict: &str| {
        format!(
            "scenario: {scenario}\nrater: {rater}\nlabels:\n  {scenario}-1:\n    rolls-the-kubelet-back-to-the: covered\n    adds-a-canary-node-to-the: {verdict}\n"
        )
    };
    let dir = content(&[
        ("scenarios/k.md", KUBELET),
        ("scenarios/k2.md", &second),
        ("eval/k.yaml", &set("k")),
        ("eval/k2.yaml", &set("k2")),
        ("eval/split.yaml", "dev: [k]\ntest: [k2]\n"),
        ("eval/raters/k2.a.yaml", &rater("k2", "a", "missed")),
        ("eval/raters/k2.b.yaml", &rater("k2", "b", "partial")),
    ]);
    let run = |split: &str| {
        run_in(
            dir.path(),
            &["eval", "--content", ".", "eval", "--split", split],
            "",
        )
    };
    let dev = run("dev");
    assert_eq!(dev.code, 0, "{}", dev.stderr);
    assert!(
        dev.stdout.contains("scenario k ") && !dev.stdout.contains("scenario k2"),
        "{}",
        dev.stdout
    );
    assert!(
        !dev.stdout.contains("Raters:"),
        "no second rater for k: {}",
        dev.stdout
    );
    let test = run("test");
    assert!(
        test.stdout.contains("scenario k2") && !test.stdout.contains("scenario k "),
        "{}",
        test.stdout
    );
    let raters = test
        .stdout
        .lines()
        .find(|l| l.starts_with("raters overall"))
        .unwrap();
    assert_eq!(raters.split_whitespace().nth(2), Some("2"), "{raters}");
    assert!(run("all").stdout.contains("scenario k2"));

    std::fs::write(
        dir.path().join("eval/split.yaml"),
        "dev: [k, k2]\ntest: [k2]\n",
    )
    .unwrap();
    let both = run("test");
    assert_ne!(both.code, 0);
    assert!(
        both.stderr.contains("puts `k2` in both dev and test"),
        "{}",
        both.stderr
    );
    std::fs::remove_file(dir.path().join("eval/split.yaml")).unwrap();
    let missing = run("dev");
    assert_ne!(missing.code, 0);
    assert!(
        missing
            .stderr
            .contains("which names the dev and test scenarios"),
        "{}",
        missing.stderr
    );
}

#[tokio::test]
async fn rescore_counts_the_item_verdicts_a_newer_grader_changes_and_keeps_versions_until_applied()
{
    let folder = content(&[("scenarios/kubelet-upgrade.md", KUBELET)]);
    let db = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", db.path().join("g.db").display());
    let store = firedrill::store::Store::open(&url).await.unwrap();
    // What an older grader stored: both items missed, under a version of its own.
    let old = r#"{"score":0.0,"covered":0,"total":2,"items":[
        {"id":"rolls-the-kubelet-back-to-the","text":"","weight":1.0,"verdict":"missed","evidence":[],"reason":""},
        {"id":"adds-a-canary-node-to-the","text":"","weight":1.0,"verdict":"missed","evidence":[],"reason":""}],"traps":[]}"#;
    let stored = store
        .submit_attempt(firedrill::store::NewAttempt {
            learner: "learner".into(),
            scenario: "kubelet-upgrade".into(),
            rubric_version: "0ldgrader000".into(),
            rubric_json: "{}".into(),
            answer: "Roll the kubelet back to the previous version on the broken nodes.".into(),
            verdicts_json: old.into(),
            score: 0.0,
            covered: 0,
            total: 2,
            revealed_before: false,
            started_at: None,
            submitted_at: 1,
        })
        .await
        .unwrap();
    store.close().await;
    let args = [
        "rescore",
        "--content",
        folder.path().to_str().unwrap(),
        "--database",
        &url,
    ];
    let (code, out) = firedrill(&args);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.ends_with("1 score changes; 1 item verdict changes\n"),
        "the rollback item goes from missed to covered: {out}"
    );
    let store = firedrill::store::Store::open(&url).await.unwrap();
    let seen = store
        .attempt(&stored.public_id, "learner")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        seen.rubric_version, "0ldgrader000",
        "a dry run keeps the stored version"
    );
    store.close().await;
}

#[test]
fn new_walkthrough_and_new_gauntlet_write_drafts_that_check_accepts_with_stub_warnings() {
    use firedrill::content::stub_shapes::placeholder;
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().to_str().unwrap();
    for (kind, title, path) in [
        (
            "walkthrough",
            "Disk Full on Build Agents",
            "scenarios/disk-full-on-build-agents.md",
        ),
        (
            "gauntlet",
            "Kafka Broker Disk Full",
            "gauntlets/kafka-broker-disk-full.md",
        ),
    ] {
        let (code, out) = firedrill(&["new", kind, title, "--content", content]);
        assert_eq!(code, 0, "{out}");
        let written = dir.path().join(path);
        assert_eq!(
            out.lines().next(),
            Some(format!("wrote {}", written.display()).as_str())
        );
        let (code, _) = firedrill(&["new", kind, title, "--content", content]);
        assert_eq!(code, 1, "never overwrites");
    }

    // No errors; a warning for each stub line left and one for each draft.
    let (code, out) = firedrill(&["check", "--content", content]);
    assert_eq!(code, 0, "{out}");
    let warnings = placeholder::walkthrough().count() + placeholder::gauntlet().count() + 2;
    assert!(
        out.ends_with(&format!("checked 2 files: 0 errors, {warnings} warnings\n")),
        "{out}"
    );
    assert!(out.contains("scenarios/disk-full-on-build-agents.md:2: warning: `draft: true`"));

    let site = firedrill::content::load(dir.path()).unwrap();
    let walkthrough = site.scenario("disk-full-on-build-agents").unwrap();
    assert!(walkthrough.meta.draft);
    let scenario = walkthrough.scenario.as_ref().unwrap();
    assert_eq!(
        (
            scenario.investigation.len(),
            scenario.evidence.len(),
            scenario.follow_ups.len()
        ),
        (2, 2, 1)
    );
    assert!(!scenario.rubric.is_empty() && scenario.rubric.iter().all(|r| r.derived));
    let gauntlet = site.gauntlet("kafka-broker-disk-full").unwrap();
    let rounds = &gauntlet.gauntlet.as_ref().unwrap().rounds;
    assert_eq!(rounds.len(), 5);
    assert!(
        rounds
            .iter()
            .all(|r| r.question.is_some() && !r.rubric.is_empty())
    );
    assert_eq!(gauntlet.meta.level.as_ref().unwrap().code, "L2");
}

#[test]
fn check_reports_each_shapes_problems_at_their_line_and_fails_on_errors() {
    let dir = content(&[
        (
            "scenarios/walk.md",
            "# Scenario: Slow API\n\n## Situation\n\nThe API is slow.\n\n## Investigation Steps\n\n### 1. Read the dashboards\n\n**What to look for:**\nLatency by route.\n",
        ),
        (
            "gauntlets/g.md",
            "# Interview Gauntlet: G\n\n## Round 1: The Opening\n\n### Strong Answer:\n\n> \"I'd check the logs first.\"\n\n## Round 2: The Probe\n\n**Interviewer:** \"Then?\"\n",
        ),
    ]);
    let (code, out) = firedrill(&["check", "--content", dir.path().to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(
        out,
        "gauntlets/g.md:3: error: round 1 has no question: add a line `**Interviewer:** \"...\"` under its heading\n\
         gauntlets/g.md:9: warning: round 2 has no strong answer, so answers to it cannot be scored: add `### Strong Answer:` with a quoted model answer\n\
         scenarios/walk.md:1: warning: walkthrough without a root cause: add a `## Root Cause` section; answers are scored on it\n\
         scenarios/walk.md:9: warning: step `Read the dashboards` has no command: add `**Commands:**` and a code block with what the learner runs\n\
         checked 2 files: 1 error, 3 warnings\n"
    );
}

#[test]
fn a_walkthrough_read_unedited_is_graded_on_its_derived_items_with_evidence() {
    let dir = content(&[(
        "scenarios/oom.md",
        include_str!("../fixtures/formats/walkthrough-oom-killed-nightly-export.md"),
    )]);
    let answer = "journalctl -k shows the cgroup OOM killer killed java at the 512Mi limit.\nI'd raise the memory limit and rerun the export.\n";
    let args = [
        "grade",
        "--content",
        dir.path().to_str().unwrap(),
        "oom",
        "-",
        "--format",
        "json",
    ];
    let (code, out) = firedrill_with_input(&args, answer);
    assert_eq!(code, 0, "{out}");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["total"], 8);
    let item = |id: &str| {
        json["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == id)
            .unwrap_or_else(|| panic!("no item {id}: {out}"))
            .clone()
    };
    let kernel = item("checks-the-kernel-log-for-oom");
    assert_ne!(kernel["verdict"], "missed", "{kernel}");
    let fix = item("raises-the-memory-limit-and-rerun");
    assert_eq!(fix["verdict"], "covered", "{fix}");
    // The fix's options are the page's words, not an author's annotation.
    assert!(
        fix["reason"]
            .as_str()
            .unwrap()
            .ends_with("which the page names as one way to do this"),
        "{fix}"
    );
    let evidence = &fix["evidence"][0];
    let (start, end) = (
        evidence["start"].as_u64().unwrap() as usize,
        evidence["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(&answer[start..end], evidence["text"].as_str().unwrap());
    assert_eq!(
        item("sets-memory-requests-equal-to-limits")["verdict"],
        "missed"
    );
}

#[test]
fn grade_says_when_a_name_is_a_gauntlet() {
    let dir = content(&[(
        "gauntlets/dns.md",
        include_str!("../fixtures/formats/gauntlet-dns-outage.md"),
    )]);
    let grade =
        |name: &str| run_in(dir.path(), &["grade", "--content", ".", name, "-"], "x").stderr;
    let gauntlet = "is an interview gauntlet, not a scenario: its rounds are scored one at a time, each against its strong answer\n";
    assert_eq!(
        grade("dns-outage-gauntlet"),
        format!("error: `dns-outage-gauntlet` (`gauntlets/dns.md`) {gauntlet}")
    );
    assert_eq!(
        grade("gauntlets/dns.md"),
        format!("error: `gauntlets/dns.md` {gauntlet}")
    );
}

#[test]
fn commands_that_read_the_database_refuse_a_missing_one_and_every_command_an_unknown_scheme() {
    let dir = tempfile::tempdir().unwrap();
    let typo = dir.path().join("firedril.db");
    let url = format!("sqlite://{}", typo.display());
    let content = crate::helpers::fixtures();
    let content = content.to_str().unwrap();
    for args in [
        vec!["user", "list", "--database", &url],
        vec!["user", "role", "ann", "admin", "--database", &url],
        vec!["rescore", "--content", content, "--database", &url],
        vec!["secret", "rotate", "--database", &url],
    ] {
        let Run {
            code, stderr: out, ..
        } = run_in(dir.path(), &args, "");
        assert_eq!(code, 1, "{args:?}: {out}");
        assert!(
            out.contains(&format!("there is no database at `{}`", typo.display())),
            "{args:?}: {out}"
        );
        assert!(!typo.exists(), "{args:?} made a new empty database");
    }
    for (url, says) in [
        (
            "mysql://db/firedrill",
            "unsupported database scheme `mysql:`",
        ),
        ("mongodb://db/firedrill", "or a PostgreSQL one"),
    ] {
        for args in [
            vec!["user", "list", "--database", url],
            vec!["serve", "--database", url, "--bind", "127.0.0.1:0"],
        ] {
            let Run {
                code, stderr: out, ..
            } = run_in(dir.path(), &args, "");
            // Refused while reading the arguments, before any content or file is touched.
            assert_eq!(code, 2, "{args:?}: {out}");
            assert!(out.contains(says), "{args:?}: {out}");
            assert!(out.contains("--database"), "{args:?}: {out}");
            assert!(!out.contains("unable to open database file"), "{out}");
        }
    }
    // The first account still makes the database.
    let (code, out) = firedrill_with_input(
        &["user", "add", "ann", "--role", "admin", "--database", &url],
        "a long enough passphrase\n",
    );
    assert_eq!(code, 0, "{out}");
    assert!(typo.exists());
    let (code, out) = firedrill(&["user", "list", "--database", &url]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("ann"), "{out}");
}
