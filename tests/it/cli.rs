//! The command-line contract: `check` output and exit codes.

use std::process::Command;

fn firedrill(args: &[&str]) -> (i32, String) {
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
fn check_on_bundled_content_passes_with_warnings_only() {
    let content = crate::helpers::repo("content");
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
    assert_eq!(out.trim(), format!("wrote {}", path.display()));

    let (code, out) = firedrill(&["check", "--content", content]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.ends_with("checked 1 file: 0 errors, 0 warnings\n"),
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
    let seed = std::fs::read(crate::helpers::repo(
        "content/scenarios/gitops-drift-causing-outage.md",
    ))
    .unwrap();
    std::fs::write(dir.path().join("scenarios/seed.md"), seed).unwrap();
    let tests = "- answer: |\n    The HPA and ArgoCD fight over replicas.\n  expect:\n    quick-identification-of-the-hpa-vs: covered\n    post-incident-audit-all-argocd-managed: covered\n";
    std::fs::write(dir.path().join("scenarios/seed.tests.yaml"), tests).unwrap();
    std::fs::write(dir.path().join("scenarios/orphan.tests.yaml"), "[]").unwrap();
    let (code, out) = firedrill(&["check", "--content", dir.path().to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("scenarios/orphan.tests.yaml:1: error: rubric tests for `scenarios/orphan.md`, which is not a scenario"), "{out}");
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
    let content = crate::helpers::repo("content");
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
    assert!(out.ends_with("1 attempts checked: 1 graded against an older rubric would be rescored (run with --apply to store them); 1 scores change\n"), "{out}");
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
    assert!(out.ends_with("1 attempts checked: 0 graded against an older rubric would be rescored (run with --apply to store them); 0 scores change\n"), "{out}");
}

/// Runs `firedrill` with `stdin` as standard input; returns the exit code and all output.
fn firedrill_with_input(args: &[&str], stdin: &str) -> (i32, String) {
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

#[tokio::test]
async fn rescore_keeps_the_learners_corrections_in_the_score_it_shows_and_stores() {
    let content = tempfile::tempdir().unwrap();
    std::fs::create_dir(content.path().join("scenarios")).unwrap();
    std::fs::write(
        content.path().join("scenarios/disk-full.md"),
        "# Scenario: Disk Full\n\n## The Prompt\n\nWrites fail.\n\n## What a Strong Answer Includes\n\n\
         - Find what filled the disk with du before deleting anything\n\
         - Rotate or cap the write-ahead log archive so it cannot fill the disk again\n",
    )
    .unwrap();
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
    assert_eq!(store.attempts_of("lee", 5).await.unwrap()[0].score, 0.5);
    store.close().await;
}
