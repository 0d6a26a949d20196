//! The store against a real database per test: a SQLite file in a fresh temporary directory,
//! or with `FIREDRILL_TEST_BACKEND=postgres` a fresh PostgreSQL database (see
//! `tests/support/database.rs`). Tests of SQLite's own behaviour (files, pragmas, its
//! migrations) use SQLite on both runs.

#[path = "support/database.rs"]
mod database;

use database::TestDb;
use firedrill::secrets::{self, Source};
use firedrill::store::{NewAttempt, NewOverride, Position, Store, StoreError};

const SCENARIO: &str = "scenarios/gitops-drift-causing-outage";

/// A store on a new database of the backend under test; keep the `TestDb` alive as long as
/// the store.
async fn fresh() -> (TestDb, Store) {
    let db = TestDb::new();
    let store = Store::open(&db.url).await.unwrap();
    (db, store)
}

/// A store on a new SQLite file, whatever the backend under test.
async fn fresh_sqlite() -> (TestDb, Store) {
    let db = TestDb::sqlite();
    let store = Store::open(&db.url).await.unwrap();
    (db, store)
}

fn attempt(learner: &str, scenario: &str, submitted_at: i64) -> NewAttempt {
    NewAttempt {
        learner: learner.to_owned(),
        scenario: scenario.to_owned(),
        rubric_version: "v1".to_owned(),
        rubric_json: r#"{"items":["freeze-sync","diff-live"]}"#.to_owned(),
        answer: "Pause auto-sync, diff live against Git, then roll back.".to_owned(),
        verdicts_json: r#"{"freeze-sync":"covered","diff-live":"missed"}"#.to_owned(),
        score: 0.5,
        covered: 1,
        total: 2,
        revealed_before: false,
        started_at: Some(submitted_at - 60_000),
        submitted_at,
    }
}

/// A stand-in for the scoring rule: half a point for each item overridden as covered.
fn settle(verdicts: &str, overrides: &[(String, String)]) -> Option<(f64, i64)> {
    assert!(
        verdicts.starts_with('{'),
        "the stored verdicts are passed: {verdicts}"
    );
    let covered = overrides.iter().filter(|(_, v)| v == "covered").count() as i64;
    Some((covered as f64 / 2.0, covered))
}

fn verdict(item_id: &str, verdict: &str, at: i64) -> NewOverride {
    NewOverride {
        item_id: item_id.to_owned(),
        verdict: verdict.to_owned(),
        by_whom: "ada".to_owned(),
        at,
    }
}

#[tokio::test]
async fn attempt_is_visible_to_its_learner_only() {
    let (_dir, store) = fresh().await;
    let stored = store
        .submit_attempt(attempt("ada", SCENARIO, 1_000))
        .await
        .unwrap();

    let seen = store
        .attempt(&stored.public_id, "ada")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (seen.id, seen.public_id.as_str()),
        (stored.id, stored.public_id.as_str())
    );
    assert_eq!(
        (seen.learner.as_str(), seen.scenario.as_str()),
        ("ada", SCENARIO)
    );
    assert_eq!((seen.score, seen.covered, seen.total), (0.5, 1, 2));
    assert_eq!((seen.started_at, seen.submitted_at), (Some(-59_000), 1_000));
    assert!(!seen.revealed_before);
    assert!(
        store
            .attempt(&stored.public_id, "bob")
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .attempt("0123456789abcdef0123456789abcdef", "ada")
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn public_ids_are_32_lowercase_hex_digits() {
    let (_dir, store) = fresh().await;
    let a = store
        .submit_attempt(attempt("ada", SCENARIO, 1))
        .await
        .unwrap();
    let b = store
        .submit_attempt(attempt("ada", SCENARIO, 2))
        .await
        .unwrap();
    assert_eq!(a.public_id.len(), 32);
    assert!(
        a.public_id
            .bytes()
            .all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f'))
    );
    assert_ne!(a.public_id, b.public_id);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_concurrent_submissions_all_commit() {
    let (_dir, store) = fresh().await;
    let tasks: Vec<_> = (0..200)
        .map(|i| {
            let store = store.clone();
            let learner = format!("learner-{}", i % 7);
            tokio::spawn(async move { store.submit_attempt(attempt(&learner, SCENARIO, i)).await })
        })
        .collect();
    let mut ids = Vec::new();
    for task in tasks {
        ids.push(task.await.unwrap().unwrap().id);
    }
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 200);
    assert_eq!(store.count_attempts().await.unwrap(), 200);
}

/// Submissions committed together (one statement on PostgreSQL) each claim their own learner's
/// investigation and pay for its hints once; two of one learner and scenario at once never
/// both claim it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_submissions_each_claim_their_own_investigation_and_hints_once() {
    use firedrill::store::{HintLevel, NewCommand, NewHint};
    let (_dir, store) = fresh().await;
    let learners: Vec<String> = (0..40).map(|i| format!("learner-{i}")).collect();
    for (i, learner) in learners.iter().enumerate() {
        let command = NewCommand {
            learner: learner.clone(),
            scenario: SCENARIO.to_owned(),
            command: format!("kubectl get pods -n app-{i}"),
            step: Some(0),
            harm: None,
            at: 1,
        };
        store.type_command(command).await.unwrap();
        if i % 2 == 0 {
            let hint = NewHint {
                learner: learner.clone(),
                scenario: SCENARIO.to_owned(),
                step: 1,
                level: HintLevel::Title,
                cost: 0.2,
                at: 2,
            };
            store.take_hint(hint).await.unwrap();
        }
    }
    // Every learner submits twice at once: 80 submissions queued together.
    let tasks: Vec<_> = learners
        .iter()
        .flat_map(|l| [l.clone(), l.clone()])
        .enumerate()
        .map(|(i, learner)| {
            let store = store.clone();
            tokio::spawn(async move {
                let stored = store
                    .submit_attempt(attempt(&learner, SCENARIO, 10 + i as i64))
                    .await
                    .unwrap();
                (learner, stored)
            })
        })
        .collect();
    let mut by_learner: std::collections::BTreeMap<String, Vec<_>> = Default::default();
    for task in tasks {
        let (learner, stored) = task.await.unwrap();
        by_learner.entry(learner).or_default().push(stored);
    }
    assert_eq!(store.count_attempts().await.unwrap(), 80);
    for (i, learner) in learners.iter().enumerate() {
        let mut claimed = 0;
        for stored in &by_learner[learner] {
            let commands = store.attempt_investigation(stored.id).await.unwrap();
            let hints = store.attempt_hints(stored.id).await.unwrap();
            let found = store
                .attempt(&stored.public_id, learner)
                .await
                .unwrap()
                .unwrap();
            if !commands.is_empty() {
                claimed += 1;
                assert_eq!(commands[0].command, format!("kubectl get pods -n app-{i}"));
                assert_eq!(hints.len(), usize::from(i % 2 == 0), "{learner}");
            } else {
                assert!(hints.is_empty(), "{learner}: hints go with the commands");
            }
            let expected = if hints.is_empty() { 0.5 } else { 0.3 };
            assert!(
                (found.score - expected).abs() < 1e-9,
                "{learner}: {}",
                found.score
            );
        }
        assert_eq!(
            claimed, 1,
            "{learner}: exactly one attempt claims the investigation"
        );
    }
    assert!(
        store
            .investigation(&learners[0], SCENARIO)
            .await
            .unwrap()
            .is_empty(),
        "nothing is left under way"
    );
    // The figures, summed per transaction, equal a recount.
    let figures = store.figures(SCENARIO).await.unwrap();
    let recount = store.recount_figures(SCENARIO).await.unwrap();
    assert_eq!(figures.attempts, 80);
    assert_eq!(figures.attempts, recount.attempts);
    assert_eq!(figures.histogram, recount.histogram);
    assert_eq!(figures.items, recount.items);
    assert!((figures.score_sum - recount.score_sum).abs() < 1e-6);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_succeed_while_writes_commit() {
    let (_dir, store) = fresh().await;
    let spawn_write = |i| {
        let store = store.clone();
        tokio::spawn(async move { store.submit_attempt(attempt("ada", SCENARIO, i)).await })
    };
    let spawn_read = |_| {
        let store = store.clone();
        tokio::spawn(async move { store.attempts_of("ada", Position::NEWEST, 500).await })
    };
    let writes: Vec<_> = (0..100).map(spawn_write).collect();
    let reads: Vec<_> = (0..100).map(spawn_read).collect();
    for read in reads {
        assert!(read.await.unwrap().unwrap().len() <= 100);
    }
    for write in writes {
        write.await.unwrap().unwrap();
    }
    assert_eq!(
        store
            .attempts_of("ada", Position::NEWEST, 500)
            .await
            .unwrap()
            .len(),
        100
    );
}

#[tokio::test]
async fn attempts_of_lists_the_learners_newest_first_up_to_the_limit() {
    let (_dir, store) = fresh().await;
    for at in [30, 10, 20] {
        store
            .submit_attempt(attempt("ada", SCENARIO, at))
            .await
            .unwrap();
    }
    store
        .submit_attempt(attempt("bob", SCENARIO, 40))
        .await
        .unwrap();

    let listed = store.attempts_of("ada", Position::NEWEST, 2).await.unwrap();
    let times: Vec<i64> = listed.iter().map(|a| a.submitted_at).collect();
    assert_eq!(times, [30, 20]);
    assert_eq!(
        store
            .attempts_of("ada", Position::NEWEST, 10)
            .await
            .unwrap()
            .len(),
        3
    );
    assert!(
        store
            .attempts_of("carol", Position::NEWEST, 10)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn attempts_of_lists_those_before_a_position_ties_in_time_broken_by_id() {
    let (_dir, store) = fresh().await;
    let mut stored = Vec::new();
    for at in [10, 20, 20, 20, 30] {
        stored.push(
            store
                .submit_attempt(attempt("ada", SCENARIO, at))
                .await
                .unwrap(),
        );
    }
    let before = Position {
        at: 20,
        id: stored[2].id,
    };
    let listed = store.attempts_of("ada", before, 10).await.unwrap();
    let ids: Vec<i64> = listed.iter().map(|a| a.id).collect();
    assert_eq!(ids, [stored[1].id, stored[0].id]);
    let newest = store.attempts_of("ada", Position::NEWEST, 2).await.unwrap();
    let ids: Vec<i64> = newest.iter().map(|a| a.id).collect();
    assert_eq!(ids, [stored[4].id, stored[3].id]);
}

#[tokio::test]
async fn best_scores_are_the_learners_highest_on_each_scenario() {
    let (_dir, store) = fresh().await;
    let other = "scenarios/config-drift-detected";
    for (learner, scenario, score) in [
        ("ada", SCENARIO, 0.2),
        ("ada", SCENARIO, 0.8),
        ("ada", SCENARIO, 0.5),
        ("ada", other, 0.3),
        ("bob", SCENARIO, 1.0),
    ] {
        let new = NewAttempt {
            score,
            ..attempt(learner, scenario, 1)
        };
        store.submit_attempt(new).await.unwrap();
    }
    let mut best = store.best_scores("ada").await.unwrap();
    best.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(best, [(other.to_owned(), 0.3), (SCENARIO.to_owned(), 0.8)]);
    assert!(store.best_scores("carol").await.unwrap().is_empty());
}

#[tokio::test]
async fn has_attempted_is_per_learner_and_scenario() {
    let (_dir, store) = fresh().await;
    store
        .submit_attempt(attempt("ada", SCENARIO, 1))
        .await
        .unwrap();
    assert!(store.has_attempted("ada", SCENARIO).await.unwrap());
    assert!(!store.has_attempted("bob", SCENARIO).await.unwrap());
    assert!(!store.has_attempted("ada", "scenarios/other").await.unwrap());
    // One read for a page view: answered, and answers open (answered or revealed).
    assert_eq!(store.progress("ada", SCENARIO).await.unwrap(), (true, true));
    assert_eq!(
        store.progress("bob", SCENARIO).await.unwrap(),
        (false, false)
    );
    store.record_reveal("bob", SCENARIO, 5).await.unwrap();
    assert_eq!(
        store.progress("bob", SCENARIO).await.unwrap(),
        (false, true)
    );
}

#[tokio::test]
async fn attempts_sharing_a_rubric_version_both_commit() {
    let (_dir, store) = fresh().await;
    let mut second = attempt("bob", SCENARIO, 2);
    second.rubric_json = r#"{"items":["a different text for the same version"]}"#.to_owned();
    store
        .submit_attempt(attempt("ada", SCENARIO, 1))
        .await
        .unwrap();
    store.submit_attempt(second).await.unwrap();
    assert_eq!(store.count_attempts().await.unwrap(), 2);
}

#[tokio::test]
async fn override_replaces_the_previous_one_and_keeps_the_machine_verdict_column_untouched() {
    let (_dir, store) = fresh().await;
    let stored = store
        .submit_attempt(attempt("ada", SCENARIO, 1))
        .await
        .unwrap();
    let id = &stored.public_id;

    assert!(
        store
            .set_override(id, "ada", verdict("diff-live", "partial", 5), settle)
            .await
            .unwrap()
    );
    assert!(
        store
            .set_override(id, "ada", verdict("diff-live", "covered", 6), settle)
            .await
            .unwrap()
    );
    assert!(
        store
            .set_override(id, "ada", verdict("freeze-sync", "review", 7), settle)
            .await
            .unwrap()
    );

    let overrides = store.overrides(stored.id).await.unwrap();
    let got: Vec<_> = overrides
        .iter()
        .map(|o| (o.item_id.as_str(), o.verdict.as_str(), o.at))
        .collect();
    assert_eq!(
        got,
        [("diff-live", "covered", 6), ("freeze-sync", "review", 7)]
    );
    let seen = store.attempt(id, "ada").await.unwrap().unwrap();
    assert_eq!(seen.verdicts, attempt("ada", SCENARIO, 1).verdicts_json);
    // The shown score follows every override (here: one item covered), the machine's stays.
    assert_eq!(
        (seen.score, seen.covered, seen.machine_score),
        (0.5, 1, 0.5)
    );
    let listed = store
        .attempts_of("ada", Position::NEWEST, 10)
        .await
        .unwrap();
    assert_eq!((listed[0].score, listed[0].covered), (0.5, 1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_overrides_leave_the_score_of_all_of_them() {
    let (_dir, store) = fresh().await;
    let stored = store
        .submit_attempt(attempt("ada", SCENARIO, 1))
        .await
        .unwrap();
    let tasks: Vec<_> = (0..20)
        .map(|i| {
            let (store, id) = (store.clone(), stored.public_id.clone());
            let item = format!("item-{i}");
            tokio::spawn(async move {
                store
                    .set_override(&id, "ada", verdict(&item, "covered", i), settle)
                    .await
            })
        })
        .collect();
    for task in tasks {
        assert!(task.await.unwrap().unwrap());
    }
    let seen = store
        .attempt(&stored.public_id, "ada")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (seen.score, seen.covered, seen.machine_score),
        (10.0, 20, 0.5)
    );
}

#[tokio::test]
async fn override_of_another_learners_attempt_is_refused_and_not_recorded() {
    let (_dir, store) = fresh().await;
    let stored = store
        .submit_attempt(attempt("ada", SCENARIO, 1))
        .await
        .unwrap();

    let bob = store.set_override(
        &stored.public_id,
        "bob",
        verdict("diff-live", "covered", 5),
        settle,
    );
    assert!(!bob.await.unwrap());
    let nobody = store.set_override(
        "no-such-attempt",
        "ada",
        verdict("diff-live", "covered", 5),
        settle,
    );
    assert!(!nobody.await.unwrap());
    assert!(store.overrides(stored.id).await.unwrap().is_empty());
}

#[tokio::test]
async fn override_with_an_unknown_verdict_is_refused_by_the_database() {
    let (_dir, store) = fresh().await;
    let stored = store
        .submit_attempt(attempt("ada", SCENARIO, 1))
        .await
        .unwrap();
    let result = store
        .set_override(
            &stored.public_id,
            "ada",
            verdict("diff-live", "great", 5),
            settle,
        )
        .await;
    assert!(matches!(result, Err(StoreError::Sqlx(_))), "{result:?}");
    assert!(store.overrides(stored.id).await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_bad_write_in_a_batch_does_not_fail_the_others() {
    let (_dir, store) = fresh().await;
    let first = store
        .submit_attempt(attempt("ada", SCENARIO, 0))
        .await
        .unwrap();
    let bad = {
        let (store, id) = (store.clone(), first.public_id.clone());
        tokio::spawn(async move {
            store
                .set_override(&id, "ada", verdict("x", "great", 1), settle)
                .await
        })
    };
    let good: Vec<_> = (1..=50)
        .map(|i| {
            let store = store.clone();
            tokio::spawn(async move { store.submit_attempt(attempt("ada", SCENARIO, i)).await })
        })
        .collect();
    assert!(bad.await.unwrap().is_err());
    for task in good {
        task.await.unwrap().unwrap();
    }
    assert_eq!(store.count_attempts().await.unwrap(), 51);
}

#[tokio::test]
async fn reveal_is_recorded_once() {
    let (_dir, store) = fresh().await;
    assert!(!store.revealed("ada", SCENARIO).await.unwrap());
    store.record_reveal("ada", SCENARIO, 100).await.unwrap();
    store.record_reveal("ada", SCENARIO, 200).await.unwrap();
    assert!(store.revealed("ada", SCENARIO).await.unwrap());
    assert!(!store.revealed("bob", SCENARIO).await.unwrap());
    assert!(!store.revealed("ada", "scenarios/other").await.unwrap());
}

#[tokio::test]
async fn the_secret_survives_reopening_in_its_key_file_and_not_in_the_database() {
    let (dir, store) = fresh_sqlite().await;
    let source = Source::default();
    let keys = secrets::load(&store, &source).await.unwrap();
    let token = keys.candidate_token("abc");
    store
        .submit_attempt(attempt("ada", SCENARIO, 1))
        .await
        .unwrap();
    store.close().await;

    let reopened = Store::open(&dir.url).await.unwrap();
    let again = secrets::load(&reopened, &source).await.unwrap();
    assert_eq!(again.candidate_token("abc"), token);
    reopened.close().await;

    let key_file = dir.dir.path().join("test.db.key");
    let text = std::fs::read_to_string(&key_file).unwrap();
    let secret = text
        .lines()
        .find_map(|l| l.strip_prefix("secret = "))
        .expect("a secret line");
    let secret_bytes: Vec<u8> = (0..secret.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&secret[i..i + 2], 16).unwrap())
        .collect();
    for entry in std::fs::read_dir(dir.dir.path()).unwrap() {
        let path = entry.unwrap().path();
        if path == key_file {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        let holds = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
        assert!(!holds(&secret_bytes), "the secret is in {}", path.display());
        assert!(
            !holds(secret.as_bytes()),
            "the secret is in {}",
            path.display()
        );
    }
}

#[cfg(unix)]
#[tokio::test]
async fn the_database_its_side_files_and_the_key_file_are_owner_only() {
    use std::os::unix::fs::PermissionsExt as _;
    let mode =
        |path: &std::path::Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    let (dir, store) = fresh_sqlite().await;
    secrets::load(&store, &Source::default()).await.unwrap();
    store
        .submit_attempt(attempt("ada", SCENARIO, 1))
        .await
        .unwrap();
    for name in ["test.db", "test.db-wal", "test.db-shm", "test.db.key"] {
        let path = dir.dir.path().join(name);
        assert!(path.exists(), "{name} exists while the store is open");
        assert_eq!(mode(&path), 0o600, "{name}");
    }
    store.close().await;

    // A database made world-readable by an older version is made owner-only on opening.
    let db = dir.dir.path().join("test.db");
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
    let reopened = Store::open(&dir.url).await.unwrap();
    assert_eq!(mode(&db), 0o600);
    reopened.close().await;
}

#[tokio::test]
async fn reopening_keeps_attempts() {
    let (dir, store) = fresh().await;
    let stored = store
        .submit_attempt(attempt("ada", SCENARIO, 1))
        .await
        .unwrap();
    store.close().await;

    let reopened = Store::open(&dir.url).await.unwrap();
    assert_eq!(reopened.count_attempts().await.unwrap(), 1);
    assert!(
        reopened
            .attempt(&stored.public_id, "ada")
            .await
            .unwrap()
            .is_some()
    );
    reopened.close().await;
}

#[tokio::test]
async fn writes_after_close_fail_with_writer_gone() {
    let (_dir, store) = fresh().await;
    let other_handle = store.clone();
    store.close().await;
    let result = other_handle.record_reveal("ada", SCENARIO, 1).await;
    assert!(matches!(result, Err(StoreError::WriterGone)), "{result:?}");
    store.close().await; // closing twice is harmless
}

#[tokio::test]
async fn postgres_commits_wait_for_the_log_flush() {
    let db = TestDb::postgres();
    let store = Store::open(&db.url).await.unwrap();
    let (settings, synchronous, foreign_keys) = store.pragmas().await.unwrap();
    assert_eq!(settings, "synchronous_commit=on");
    assert_eq!(synchronous, 2);
    assert_eq!(foreign_keys, 1);
}

/// PostgreSQL restarted or failed over: the writes under way fail, and the next ones go
/// through on a new connection, with nothing acknowledged lost.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_go_on_after_the_postgresql_connections_are_cut() {
    let db = TestDb::postgres();
    let store = Store::open(&db.url).await.unwrap();
    store
        .submit_attempt(attempt("ada", SCENARIO, 1))
        .await
        .unwrap();
    db.drop_connections();
    let mut acknowledged = 1;
    let started = std::time::Instant::now();
    let mut failures = 0;
    while acknowledged < 3 {
        match store
            .submit_attempt(attempt("ada", SCENARIO, 2 + failures + acknowledged))
            .await
        {
            Ok(_) => acknowledged += 1,
            Err(_) => failures += 1,
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(10),
            "writes still fail 10 s after the connections were cut ({failures} failures)"
        );
    }
    assert!(
        failures <= 1,
        "only the write that met the cut fails: {failures}"
    );
    // Reads reconnect too (the pool replaces its connections).
    let mut counted = store.count_attempts().await;
    if counted.is_err() {
        counted = store.count_attempts().await;
    }
    assert_eq!(counted.unwrap(), acknowledged);
}

#[tokio::test]
async fn pragmas_are_wal_full_and_foreign_keys() {
    let (_dir, store) = fresh_sqlite().await;
    let (journal_mode, synchronous, foreign_keys) = store.pragmas().await.unwrap();
    assert_eq!(journal_mode, "wal");
    assert_eq!(synchronous, 2, "2 is FULL");
    assert_eq!(foreign_keys, 1);
}

#[tokio::test]
async fn opening_a_database_gives_the_query_planner_statistics_it_lacks() {
    use sqlx::Connection as _;
    let (dir, store) = fresh_sqlite().await;
    for i in 0..300 {
        let learner = format!("learner-{}", i % 40);
        store
            .submit_attempt(attempt(&learner, SCENARIO, i))
            .await
            .unwrap();
    }
    store.close().await;
    let stats = || async {
        let path = dir.dir.path().join("test.db");
        let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display()))
            .await
            .unwrap();
        let rows: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
                .fetch_one(&mut conn)
                .await
                .unwrap();
        if rows == 0 {
            return 0;
        }
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'attempts'")
            .fetch_one(&mut conn)
            .await
            .unwrap()
    };
    assert_eq!(
        stats().await,
        0,
        "nothing has analysed the new database yet"
    );
    let reopened = Store::open(&dir.url).await.unwrap();
    reopened.close().await;
    assert!(
        stats().await > 0,
        "the attempts' indexes have statistics after reopening"
    );
}

/// A two-item scenario's rubric as the grader builds it; `second` names the second item, so
/// changing it makes a new rubric version with a new item id.
fn two_item_rubric(second: &str) -> firedrill::grading::Rubric {
    let md = format!(
        "# Scenario: Disk Full\n\n## The Prompt\n\nWrites stopped at 03:10.\n\n\
         ## What a Strong Answer Includes\n\n\
         - Find what filled the disk with du before deleting anything\n- {second}\n"
    );
    let site = firedrill::content::Site::build(&[firedrill::content::SourceFile {
        path: "scenarios/disk-full.md".into(),
        bytes: md.into_bytes(),
    }]);
    let page = site.scenario("disk-full").unwrap();
    firedrill::grading::Rubric::of(&page.slug, page.scenario.as_ref().unwrap())
}

/// The answer graded by the rubric, as the app stores it.
fn graded(rubric: &firedrill::grading::Rubric, learner: &str, answer: &str, at: i64) -> NewAttempt {
    let grade = rubric.grade(answer);
    NewAttempt {
        learner: learner.to_owned(),
        scenario: rubric.scenario.clone(),
        rubric_version: rubric.version.clone(),
        rubric_json: serde_json::to_string(rubric).unwrap(),
        answer: answer.to_owned(),
        verdicts_json: serde_json::to_string(&grade).unwrap(),
        score: grade.score,
        covered: grade.covered as i64,
        total: grade.total as i64,
        revealed_before: false,
        started_at: None,
        submitted_at: at,
    }
}

/// The kept figures equal a full recount (the score sum to within rounding).
async fn assert_figures_match_a_recount(
    store: &Store,
    scenario: &str,
) -> firedrill::store::Figures {
    let kept = store.figures(scenario).await.unwrap();
    let counted = store.recount_figures(scenario).await.unwrap();
    assert_eq!(
        (kept.attempts, kept.histogram, &kept.items),
        (counted.attempts, counted.histogram, &counted.items)
    );
    assert!(
        (kept.score_sum - counted.score_sum).abs() < 1e-9,
        "{} vs {}",
        kept.score_sum,
        counted.score_sum
    );
    kept
}

const DISK_ANSWERS: [&str; 4] = [
    "Run du to find what filled the disk before deleting anything, then cap the WAL archive.",
    "I would restart the database and hope.",
    "Find what filled the disk with du first. Rotate the write-ahead log archive so it cannot fill the disk again.",
    "Delete old logs.",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_running_figures_equal_a_recount_after_attempts_overrides_and_rescores() {
    let (_dir, store) = fresh().await;
    let v1 = two_item_rubric(
        "Rotate or cap the write-ahead log archive so it cannot fill the disk again",
    );
    let scenario = v1.scenario.clone();
    let mut stored = Vec::new();
    for i in 0..24 {
        let answer = DISK_ANSWERS[i % DISK_ANSWERS.len()];
        let learner = format!("learner-{i}");
        let s = store
            .submit_attempt(graded(&v1, &learner, answer, i as i64))
            .await
            .unwrap();
        stored.push((s, learner));
    }
    let figures = assert_figures_match_a_recount(&store, &scenario).await;
    assert_eq!(figures.attempts, 24);
    assert_eq!(figures.items.len(), 2);
    assert!(figures.items.iter().all(|i| i.graded() == 24));

    // Overrides: new ones, replaced ones, each verdict; an override of someone else's attempt
    // changes nothing.
    let settle = firedrill::grading::settle_stored;
    for (n, (s, learner)) in stored.iter().enumerate().take(12) {
        let item = &v1.items[n % 2].id;
        let first = ["covered", "partial", "missed", "review"][n % 4];
        assert!(
            store
                .set_override(&s.public_id, learner, verdict(item, first, 1), settle)
                .await
                .unwrap()
        );
        if n % 3 == 0 {
            assert!(
                store
                    .set_override(&s.public_id, learner, verdict(item, "covered", 2), settle)
                    .await
                    .unwrap()
            );
        }
    }
    assert!(
        !store
            .set_override(
                &stored[0].0.public_id,
                "learner-5",
                verdict(&v1.items[0].id, "missed", 3),
                settle
            )
            .await
            .unwrap()
    );
    let figures = assert_figures_match_a_recount(&store, &scenario).await;
    let overridden: i64 = figures.items.iter().map(|i| i.overridden.total()).sum();
    assert_eq!(overridden, 12);

    // A new rubric version renames the second item: rescore half the attempts, then the rest.
    let v2 = two_item_rubric("Cap the WAL archive with a retention limit");
    assert_ne!(v1.version, v2.version);
    let regrade = |s: &firedrill::store::StoredAttempt, answer: &str| {
        let grade = v2.grade(answer);
        firedrill::store::Regraded {
            id: s.id,
            scenario: scenario.clone(),
            rubric_version: v2.version.clone(),
            rubric_json: serde_json::to_string(&v2).unwrap(),
            verdicts_json: serde_json::to_string(&grade).unwrap(),
            score: grade.score,
            total: grade.total as i64,
            at: 10,
            settle,
        }
    };
    let batch = |range: std::ops::Range<usize>| {
        range
            .map(|i| regrade(&stored[i].0, DISK_ANSWERS[i % DISK_ANSWERS.len()]))
            .collect::<Vec<_>>()
    };
    store.regrade(batch(0..12)).await.unwrap();
    let figures = assert_figures_match_a_recount(&store, &scenario).await;
    assert_eq!(
        figures.items.len(),
        3,
        "old and new second items both counted while mixed"
    );
    store.regrade(batch(12..24)).await.unwrap();
    let figures = assert_figures_match_a_recount(&store, &scenario).await;
    let ids: Vec<&str> = figures.items.iter().map(|i| i.item_id.as_str()).collect();
    let mut want = vec![v2.items[0].id.as_str(), v2.items[1].id.as_str()];
    want.sort();
    assert_eq!(
        ids, want,
        "the renamed item's figures are gone once nothing is graded on it"
    );
    assert_eq!(figures.attempts, 24);
    // Overrides keep counting where the item survived the edit.
    let kept: i64 = figures.items.iter().map(|i| i.overridden.total()).sum();
    assert_eq!(
        kept, 6,
        "overrides of the first item stay; the renamed one's do not count"
    );
}

#[tokio::test]
async fn figures_from_before_the_migration_are_counted_when_it_runs() {
    use sqlx::Connection as _;
    let (dir, store) = fresh_sqlite().await;
    let rubric = two_item_rubric(
        "Rotate or cap the write-ahead log archive so it cannot fill the disk again",
    );
    for (i, answer) in DISK_ANSWERS.iter().enumerate() {
        store
            .submit_attempt(graded(&rubric, &format!("l{i}"), answer, i as i64))
            .await
            .unwrap();
    }
    let before = assert_figures_match_a_recount(&store, &rubric.scenario).await;
    store.close().await;
    // Undo the migration as an older build left the database, then open it again.
    let path = dir.dir.path().join("test.db");
    let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    for sql in [
        "DROP TABLE scenario_figures",
        "DROP TABLE item_figures",
        "DROP INDEX attempts_by_scenario_newest",
        "DELETE FROM _sqlx_migrations WHERE version = 8",
    ] {
        sqlx::query(sql).execute(&mut conn).await.unwrap();
    }
    conn.close().await.unwrap();
    let reopened = Store::open(&dir.url).await.unwrap();
    let after = assert_figures_match_a_recount(&reopened, &rubric.scenario).await;
    assert_eq!(before, after);
    assert_eq!(after.attempts, 4);
    reopened.close().await;
}
