//! `firedrill export` and `firedrill import`: a database with every kind of row round-trips
//! (counts and contents equal); an import refuses a database that holds rows and a bad file,
//! saying where, and loads nothing then.

use axum::http::{StatusCode, header};

use crate::database::TestDb;
use crate::helpers::TestApp;
use firedrill::accounts::Role;
use firedrill::store::transfer;

const SEED: &str = include_str!("../fixtures/content/scenarios/gitops-drift-causing-outage.md");
const GAUNTLET: &str = include_str!("../fixtures/formats/gauntlet-disk-full-on-a-kafka-broker.md");
const SCENARIO: &str = "/scenarios/gitops-drift-causing-outage";
const SLUG: &str = "gitops-drift-causing-outage";

async fn post(app: &TestApp, page: &str, uri: &str, fields: &[(&str, &str)]) -> StatusCode {
    let csrf = TestApp::csrf_in(&app.get(page).await);
    let mut all = vec![("csrf", csrf.as_str())];
    all.extend_from_slice(fields);
    app.post_form(uri, &all).await.status
}

const FILES: &[(&str, &str)] = &[
    ("scenarios/gitops-drift-causing-outage.md", SEED),
    ("gauntlets/kafka-disk.md", GAUNTLET),
];

/// An app whose database (of the backend under test) holds a row in every exported table, made
/// the way people make them.
async fn full_app() -> TestApp {
    full_app_on(TestDb::new()).await
}

async fn full_app_on(db: TestDb) -> TestApp {
    let app = TestApp::with_files_on(FILES, db).await;
    // A learner's investigation, a hint, an attempt, its override, a reveal, a gauntlet round.
    let learner = app.another_browser();
    learner.signed_in_as("lee", Role::Learner).await;
    let fields = [
        ("scenario", SLUG),
        ("command", "kubectl get hpa -n grokdevops"),
    ];
    assert_eq!(
        post(&learner, SCENARIO, "/investigations", &fields).await,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        post(&learner, SCENARIO, "/hints", &[("scenario", SLUG)]).await,
        StatusCode::SEE_OTHER
    );
    let csrf = TestApp::csrf_in(&learner.get(SCENARIO).await);
    let submitted = learner
        .post_form(
            "/attempts",
            &[
                ("csrf", &csrf),
                ("scenario", SLUG),
                (
                    "answer",
                    "ArgoCD self-heal fights the HPA over spec.replicas.",
                ),
            ],
        )
        .await;
    let attempt = submitted.header(header::LOCATION).to_owned();
    let page = learner.get(&attempt).await;
    let item = page
        .body
        .split(r#"name="item" value=""#)
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap()
        .to_owned();
    let fields = [("item", item.as_str()), ("verdict", "covered")];
    let overrides = format!("{attempt}/overrides");
    assert_eq!(
        post(&learner, &attempt, &overrides, &fields).await,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        post(&learner, SCENARIO, "/reveals", &[("scenario", SLUG)]).await,
        StatusCode::SEE_OTHER
    );
    let round = [
        ("round", "1"),
        ("answer", "Check which directory fills the disk with du."),
    ];
    let status = post(
        &learner,
        "/gauntlets/kafka-disk",
        "/gauntlet-runs/kafka-disk/answers",
        &round,
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);

    // An interview with events and the candidate's notes.
    app.signed_in_as("ivy", Role::Interviewer).await;
    let csrf = TestApp::csrf_in(&app.get(SCENARIO).await);
    let started = app
        .post_form(
            "/interviews",
            &[("csrf", &csrf), ("scenario", SLUG), ("candidate", "Cam")],
        )
        .await;
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.body);
    let console = started.header(header::LOCATION).to_owned();
    let item = [
        ("item", "quick-identification-of-the-hpa-vs"),
        ("verdict", "covered"),
    ];
    assert_eq!(
        post(&app, &console, &format!("{console}/ticks"), &item).await,
        StatusCode::SEE_OTHER
    );
    let page = app.get(&console).await;
    let marker = r#"id="candidate-link" readonly value=""#;
    let at = page.body.find(marker).unwrap() + marker.len();
    let link = &page.body[at..at + page.body[at..].find('"').unwrap()];
    let notes = app
        .another_browser()
        .post_form(&format!("{link}/notes"), &[("text", "HPA vs self-heal")])
        .await;
    assert!(
        notes.status.is_success() || notes.status.is_redirection(),
        "{}",
        notes.status
    );
    app
}

fn export(url: &str) -> (Vec<u8>, transfer::Counts) {
    let mut out = Vec::new();
    let counts = tokio::task::block_in_place(|| {
        tokio::runtime::Handle::current().block_on(transfer::export(url, &mut out))
    })
    .unwrap();
    (out, counts)
}

/// The rows of an export, without its header (which carries the time of the export).
fn rows(export: &[u8]) -> Vec<&str> {
    std::str::from_utf8(export)
        .unwrap()
        .lines()
        .skip(1)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_with_every_kind_of_row_round_trips_through_export_and_import() {
    let app = full_app().await;
    let (first, counts) = export(&app.database_url());
    for (table, n) in &counts {
        assert!(*n > 0, "no `{table}` row to carry: {counts:?}");
    }
    let header: serde_json::Value =
        serde_json::from_str(std::str::from_utf8(&first).unwrap().lines().next().unwrap()).unwrap();
    assert_eq!(header["firedrill_export"], 1);

    let dir = tempfile::tempdir().unwrap();
    let copy = format!("sqlite://{}", dir.path().join("copy.db").display());
    let loaded = transfer::import(&copy, first.as_slice()).await.unwrap();
    assert_eq!(loaded, counts, "rows per table");
    let (second, again) = export(&copy);
    assert_eq!(again, counts);
    assert_eq!(rows(&first), rows(&second), "every row's contents");

    // The copy serves: the learner's password hash came along, so they sign in and find their
    // attempt; the interviewer's interview is listed.
    let store = firedrill::store::Store::open(&copy).await.unwrap();
    let lee = store.user("lee").await.unwrap().unwrap();
    let original = app.store.user("lee").await.unwrap().unwrap();
    assert_eq!(lee.password_hash, original.password_hash);
    let key = firedrill::store::learner_key(lee.id);
    let attempts = store
        .attempts_of(&key, firedrill::store::Position::NEWEST, 5)
        .await
        .unwrap();
    assert_eq!(attempts.len(), 1);
    let attempt = store
        .attempt(&attempts[0].public_id, &key)
        .await
        .unwrap()
        .unwrap();
    assert!(attempt.hint_penalty > 0.0, "the hint's cost came along");
    store.close().await;

    // Into a database that holds rows: refused, nothing loaded.
    let err = transfer::import(&copy, first.as_slice()).await.unwrap_err();
    assert!(
        format!("{err:#}").contains("import loads into an empty database"),
        "{err:#}"
    );
    assert_eq!(export(&copy).1, counts);
}

#[tokio::test]
async fn an_import_of_a_bad_file_says_where_and_loads_nothing() {
    let header = r#"{"firedrill_export":1,"schema":1,"exported_at":0}"#;
    let user = r#"{"table":"users","row":{"id":1,"name":"ann","password_hash":"x","role":"admin","created_at":1}}"#;
    for (file, says) in [
        (String::new(), "line 1: the file is empty"),
        ("hello\n".to_owned(), "line 1: not a firedrill export"),
        (r#"{"firedrill_export":2}"#.to_owned(), "export format 2"),
        (
            r#"{"firedrill_export":1,"schema":99999}"#.to_owned(),
            "made by a newer firedrill",
        ),
        (format!("{header}\n{user}\nnot json\n"), "line 3: not JSON"),
        (
            format!("{header}\n{user}\n{{\"table\":\"sessions\",\"row\":{{}}}}\n"),
            "line 3: unknown table `sessions`",
        ),
        (
            format!("{header}\n{{\"table\":\"users\",\"row\":{{\"id\":1,\"nme\":\"x\"}}}}\n"),
            "line 2: cannot load the `users` row: `users` has no column `nme`",
        ),
        (
            format!("{header}\n{{\"table\":\"users\",\"row\":{{\"id\":1, \"name\":\"x\"}}}}\n"),
            "line 2: cannot load the `users` row",
        ),
        (
            format!(
                "{header}\n{{\"table\":\"reveals\",\"row\":{{\"learner\":\"x\",\"scenario\":\"s\",\"at\":1}}}}\n{user}\n"
            ),
            "out of order",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        let err = transfer::import(&url, file.as_bytes()).await.unwrap_err();
        assert!(format!("{err:#}").contains(says), "{says}: {err:#}");
        // Nothing of the file was kept.
        let mut out = Vec::new();
        let counts = transfer::export(&url, &mut out).await.unwrap();
        assert!(counts.iter().all(|(_, n)| *n == 0), "{says}: {counts:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moving_from_sqlite_to_postgresql_keeps_every_row_and_the_portal_serves_it() {
    // The steps of docs/operations.md: export the SQLite database, import into an empty
    // PostgreSQL database, serve from it.
    let old = full_app_on(TestDb::sqlite()).await;
    let (file, counts) = export(&old.database_url());
    let target = TestDb::postgres();
    let loaded = transfer::import(&target.url, file.as_slice())
        .await
        .unwrap();
    assert_eq!(loaded, counts, "rows per table");
    let (again, moved) = export(&target.url);
    assert_eq!(moved, counts);
    assert_eq!(
        rows(&file),
        rows(&again),
        "every row's contents, as SQLite had them"
    );

    // The portal on PostgreSQL: the learner signs in with their old password and finds their
    // attempt; new rows are numbered after the imported ones.
    let new = TestApp::with_files_on(FILES, target).await;
    let signed = new.sign_in("lee", "lee-correct-horse").await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
    let history = new.get("/attempts").await;
    assert_eq!(history.status, StatusCode::OK);
    assert!(history.body.contains("/attempts/"), "{}", history.body);
    let before = new.store.count_attempts().await.unwrap();
    let page = new.get(SCENARIO).await;
    let csrf = TestApp::csrf_in(&page);
    let answered = new
        .post_form(
            "/attempts",
            &[
                ("csrf", &csrf),
                ("scenario", SLUG),
                ("answer", "Roll back the HPA change."),
            ],
        )
        .await;
    assert_eq!(answered.status, StatusCode::SEE_OTHER, "{}", answered.body);
    assert_eq!(new.store.count_attempts().await.unwrap(), before + 1);
}

#[tokio::test]
async fn every_table_is_exported_or_deliberately_left_out() {
    let app = TestApp::fixtures().await;
    let url = app.database_url();
    let (_, counts) = {
        let mut out = Vec::new();
        let counts = transfer::export(&url, &mut out).await.unwrap();
        (out, counts)
    };
    assert_eq!(counts.len(), transfer::TABLES.len());
    let tables: Vec<String> = if app.store.is_postgres() {
        let conn = sqlx::PgPool::connect(&url).await.unwrap();
        sqlx::query_scalar(
            "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema() \
             ORDER BY tablename",
        )
        .fetch_all(&conn)
        .await
        .unwrap()
    } else {
        let conn = sqlx::SqlitePool::connect(&url).await.unwrap();
        sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .fetch_all(&conn)
            .await
            .unwrap()
    };
    for table in &tables {
        assert!(
            transfer::TABLES.contains(&table.as_str())
                || transfer::NOT_EXPORTED.contains(&table.as_str()),
            "a migration added `{table}`: export it (transfer::TABLES) or say why not"
        );
    }
}

#[test]
fn the_commands_write_an_owner_only_file_and_load_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("a.db").display());
    let (code, out) = crate::cli::firedrill_with_input(
        &["user", "add", "ann", "--role", "admin", "--database", &db],
        "a long enough passphrase\n",
    );
    assert_eq!(code, 0, "{out}");
    let file = dir.path().join("a.jsonl");
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_firedrill"))
            .args(args)
            .output()
            .unwrap()
    };
    let exported = run(&[
        "export",
        "--database",
        &db,
        "--output",
        file.to_str().unwrap(),
    ]);
    assert!(exported.status.success());
    assert_eq!(
        String::from_utf8_lossy(&exported.stderr),
        "exported 1 row (users: 1)\n"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // Never over an existing file.
    let again = run(&[
        "export",
        "--database",
        &db,
        "--output",
        file.to_str().unwrap(),
    ]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("never overwritten"));
    let copy = format!("sqlite://{}", dir.path().join("b.db").display());
    let imported = run(&["import", "--database", &copy, file.to_str().unwrap()]);
    assert!(
        imported.status.success(),
        "{}",
        String::from_utf8_lossy(&imported.stderr)
    );
    let listed = run(&["user", "list", "--database", &copy]);
    assert!(String::from_utf8_lossy(&listed.stdout).contains("ann"));
}
