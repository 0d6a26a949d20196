//! Every query's plan, pinned: `EXPLAIN QUERY PLAN` of each SQL const the store runs, on a
//! migrated database without statistics and again on one with data and `ANALYZE` statistics.
//! A query fails when it scans a table it was not expected to scan, sorts in a temporary
//! B-tree, or searches with another index than the one named here (such as a one-column index
//! where a composite one fits).

use sqlx::{Connection as _, Row as _, SqliteConnection};

use super::sqlite::{
    attempts, figures, gauntlets, interviews, investigations, overrides, reveals, settings, users,
};

/// A query and the plan it must have.
struct Case {
    name: &'static str,
    sql: &'static str,
    /// The indexes its searches use (`rowid` for an integer primary key, `primary key` for a
    /// `WITHOUT ROWID` table's, `a|b` for either), all of them and no others.
    uses: &'static [&'static str],
    /// Tables (or aliases) it may read whole, each for a reason given where it is listed.
    scans: &'static [&'static str],
}

const fn case(name: &'static str, sql: &'static str, uses: &'static [&'static str]) -> Case {
    Case {
        name,
        sql,
        uses,
        scans: &[],
    }
}

const CASES: &[Case] = &[
    // The simulated investigation.
    case(
        "investigations::INSERT_COMMAND",
        investigations::INSERT_COMMAND,
        &[],
    ),
    case(
        "investigations::CURRENT",
        investigations::CURRENT,
        &["investigation_current"],
    ),
    case(
        "investigations::OF_ATTEMPT",
        investigations::OF_ATTEMPT,
        &["investigation_of_attempt"],
    ),
    case(
        "investigations::CLAIM",
        investigations::CLAIM,
        &["investigation_current"],
    ),
    case(
        "investigations::ADOPT",
        investigations::ADOPT,
        &["investigation_current"],
    ),
    case(
        "investigations::INSERT_HINT",
        investigations::INSERT_HINT,
        &["hints_current"],
    ),
    case(
        "investigations::CURRENT_BOTH",
        investigations::CURRENT_BOTH,
        &["investigation_current", "hints_current"],
    ),
    case(
        "investigations::HINTS_OF_ATTEMPT",
        investigations::HINTS_OF_ATTEMPT,
        &["hints_of_attempt"],
    ),
    case(
        "investigations::PENDING",
        investigations::PENDING,
        &["hints_current", "investigation_current"],
    ),
    case(
        "investigations::CLAIM_HINTS",
        investigations::CLAIM_HINTS,
        &["hints_current"],
    ),
    case(
        "investigations::ADOPT_HINTS",
        investigations::ADOPT_HINTS,
        &["hints_current"],
    ),
    // Gauntlet practice.
    case(
        "gauntlets::LATEST_RUN",
        gauntlets::LATEST_RUN,
        &["gauntlet_runs_latest"],
    ),
    case(
        "gauntlets::RUN_ANSWERS",
        gauntlets::RUN_ANSWERS,
        &["primary key"],
    ),
    // A new run is checked against answers that would point at its id.
    case(
        "gauntlets::START_RUN",
        gauntlets::START_RUN,
        &["primary key"],
    ),
    case(
        "gauntlets::LAST_ROUND",
        gauntlets::LAST_ROUND,
        &["primary key"],
    ),
    case("gauntlets::INSERT_ANSWER", gauntlets::INSERT_ANSWER, &[]),
    case(
        "gauntlets::ADOPT_RUNS",
        gauntlets::ADOPT_RUNS,
        &["gauntlet_runs_latest"],
    ),
    // Attempts and rubric versions.
    case(
        "attempts::INSERT_RUBRIC_VERSION",
        attempts::INSERT_RUBRIC_VERSION,
        &[],
    ),
    case("attempts::REGRADE", attempts::REGRADE, &["rowid"]),
    case(
        "attempts::SETTLE_VERDICTS",
        attempts::SETTLE_VERDICTS,
        &["rowid"],
    ),
    case(
        "attempts::SETTLE_OVERRIDES",
        attempts::SETTLE_OVERRIDES,
        &["sqlite_autoindex_overrides_1"],
    ),
    case("attempts::SETTLE", attempts::SETTLE, &["rowid"]),
    case(
        "attempts::ID_OF",
        attempts::ID_OF,
        &["sqlite_autoindex_attempts_1"],
    ),
    // Foreign keys pointing at attempts (and below, at interviews) checked through indexes.
    case(
        "attempts::INSERT_ATTEMPT",
        attempts::INSERT_ATTEMPT,
        &[
            "investigation_of_attempt",
            "hints_of_attempt",
            "sqlite_autoindex_overrides_1",
        ],
    ),
    case(
        "attempts::FIND",
        attempts::FIND,
        &["sqlite_autoindex_attempts_1"],
    ),
    case(
        "attempts::EXISTS_FOR",
        attempts::EXISTS_FOR,
        &["attempts_by_learner_scenario"],
    ),
    case(
        "attempts::PAGE_OF_LEARNER",
        attempts::PAGE_OF_LEARNER,
        &["attempts_by_learner"],
    ),
    case(
        "attempts::BEST_OF_LEARNER",
        attempts::BEST_OF_LEARNER,
        &["attempts_by_learner_scenario"],
    ),
    case(
        "attempts::NEWEST_OF_SCENARIO",
        attempts::NEWEST_OF_SCENARIO,
        &["attempts_by_scenario_newest"],
    ),
    case(
        "attempts::OTHER_VERSIONS",
        attempts::OTHER_VERSIONS,
        &["sqlite_autoindex_rubric_versions_1"],
    ),
    case(
        "attempts::COUNT_GRADED_BY",
        attempts::COUNT_GRADED_BY,
        &["attempts_by_scenario_version"],
    ),
    case(
        "attempts::GRADED_BY",
        attempts::GRADED_BY,
        &["attempts_by_scenario_version"],
    ),
    case(
        "attempts::PAGE_OVERRIDES",
        attempts::PAGE_OVERRIDES,
        &["sqlite_autoindex_overrides_1"],
    ),
    // Interviews and their events.
    case(
        "interviews::INSERT_INTERVIEW",
        interviews::INSERT_INTERVIEW,
        &["sqlite_autoindex_interview_events_1"],
    ),
    case("interviews::APPEND_SEQ", interviews::APPEND_SEQ, &["rowid"]),
    case("interviews::INSERT_EVENT", interviews::INSERT_EVENT, &[]),
    case("interviews::SAVE_NOTES", interviews::SAVE_NOTES, &["rowid"]),
    case(
        "interviews::STORE_NOTES_GRADE",
        interviews::STORE_NOTES_GRADE,
        &["rowid"],
    ),
    case(
        "interviews::BY_PUBLIC_ID",
        interviews::BY_PUBLIC_ID,
        &["sqlite_autoindex_interviews_1", "rowid"],
    ),
    case(
        "interviews::BY_TOKEN_HASH",
        interviews::BY_TOKEN_HASH,
        &["sqlite_autoindex_interviews_2", "rowid"],
    ),
    case(
        "interviews::EVENTS",
        interviews::EVENTS,
        &["sqlite_autoindex_interview_events_1"],
    ),
    case(
        "interviews::PAGE_OF_INTERVIEWER",
        interviews::PAGE_OF_INTERVIEWER,
        &["interviews_by_interviewer", "rowid"],
    ),
    case(
        "interviews::PAGE_OF_ALL",
        interviews::PAGE_OF_ALL,
        &["interviews_by_start", "rowid"],
    ),
    case(
        "interviews::SET_TOKEN_HASH",
        interviews::SET_TOKEN_HASH,
        &["sqlite_autoindex_interviews_1"],
    ),
    // Figures: a few rows per scenario, kept with every write.
    case("figures::ATTEMPT_ROW", figures::ATTEMPT_ROW, &["rowid"]),
    case(
        "figures::ATTEMPT_OVERRIDES",
        figures::ATTEMPT_OVERRIDES,
        &["sqlite_autoindex_overrides_1"],
    ),
    case("figures::ADD_TO_SCENARIO", figures::ADD_TO_SCENARIO, &[]),
    case("figures::ADD_TO_ITEM", figures::ADD_TO_ITEM, &[]),
    case(
        "figures::SCENARIO_DECILES",
        figures::SCENARIO_DECILES,
        &["primary key"],
    ),
    case(
        "figures::SCENARIO_ITEMS",
        figures::SCENARIO_ITEMS,
        &["primary key"],
    ),
    Case {
        // Ten rows per scenario: the whole table is the answer (/stats).
        scans: &["scenario_figures"],
        ..case("figures::PER_SCENARIO", figures::PER_SCENARIO, &[])
    },
    // Overrides, reveals, settings.
    case(
        "overrides::UPSERT_OVERRIDE",
        overrides::UPSERT_OVERRIDE,
        &[],
    ),
    case(
        "overrides::OVERRIDES_OF_ATTEMPT",
        overrides::OVERRIDES_OF_ATTEMPT,
        &["sqlite_autoindex_overrides_1"],
    ),
    case("reveals::RECORD_REVEAL", reveals::RECORD_REVEAL, &[]),
    case(
        "reveals::REVEALED",
        reveals::REVEALED,
        &["sqlite_autoindex_reveals_1"],
    ),
    case(
        "reveals::PROGRESS",
        reveals::PROGRESS,
        &["attempts_by_learner_scenario", "sqlite_autoindex_reveals_1"],
    ),
    case(
        "settings::GET_SETTING",
        settings::GET_SETTING,
        &["sqlite_autoindex_settings_1"],
    ),
    case("settings::SET_SETTING", settings::SET_SETTING, &[]),
    case(
        "settings::DELETE_SETTING",
        settings::DELETE_SETTING,
        &["sqlite_autoindex_settings_1"],
    ),
    // Accounts and sessions.
    // Foreign keys pointing at users are checked through their indexes.
    case(
        "users::INSERT_USER",
        users::INSERT_USER,
        &["interviews_by_interviewer", "sessions_by_user"],
    ),
    case(
        "users::USER_BY_NAME",
        users::USER_BY_NAME,
        &["sqlite_autoindex_users_1"],
    ),
    Case {
        // `firedrill user list`: a command that lists every account, in name order.
        scans: &["users"],
        ..case("users::ALL_USERS", users::ALL_USERS, &[])
    },
    case(
        "users::USERS_PAGE",
        users::USERS_PAGE,
        &["sqlite_autoindex_users_1"],
    ),
    case(
        "users::ROLE_OF",
        users::ROLE_OF,
        &["sqlite_autoindex_users_1"],
    ),
    Case {
        // Only when an admin is demoted, to keep one admin: rare, and by an admin.
        scans: &["users"],
        ..case("users::SET_ROLE_ADMINS", users::SET_ROLE_ADMINS, &[])
    },
    case(
        "users::SET_ROLE",
        users::SET_ROLE,
        &["sqlite_autoindex_users_1"],
    ),
    case(
        "users::DELETE_EXPIRED_SESSIONS",
        users::DELETE_EXPIRED_SESSIONS,
        &["sessions_by_last_seen"],
    ),
    case("users::INSERT_SESSION", users::INSERT_SESSION, &[]),
    case(
        "users::SET_LAST_SIGN_IN",
        users::SET_LAST_SIGN_IN,
        &["rowid"],
    ),
    case(
        "users::ADOPT_ATTEMPTS",
        users::ADOPT_ATTEMPTS,
        &["attempts_by_learner|attempts_by_learner_scenario"],
    ),
    case(
        "users::ADOPT_REVEALS",
        users::ADOPT_REVEALS,
        &["sqlite_autoindex_reveals_1"],
    ),
    case(
        "users::DROP_ADOPTED_REVEALS",
        users::DROP_ADOPTED_REVEALS,
        &["sqlite_autoindex_reveals_1"],
    ),
    case(
        "users::SESSION",
        users::SESSION,
        &["sqlite_autoindex_sessions_1", "rowid"],
    ),
    Case {
        // A user's few sessions, sorted after the index found them.
        scans: &["temp b-tree"],
        ..case(
            "users::SESSIONS_OF",
            users::SESSIONS_OF,
            &["sessions_by_user"],
        )
    },
    case(
        "users::TOUCH_SESSION",
        users::TOUCH_SESSION,
        &["sqlite_autoindex_sessions_1"],
    ),
    case(
        "users::END_SESSION",
        users::END_SESSION,
        &["sqlite_autoindex_sessions_1"],
    ),
    Case {
        // `firedrill secret rotate` signs everyone out.
        scans: &["sessions"],
        ..case("users::END_ALL_SESSIONS", users::END_ALL_SESSIONS, &[])
    },
    case(
        "users::SET_PASSWORD",
        users::SET_PASSWORD,
        &["sqlite_autoindex_users_1"],
    ),
    case(
        "users::END_OTHER_SESSIONS",
        users::END_OTHER_SESSIONS,
        &["sessions_by_user"],
    ),
];

/// What is wrong with the query's plan, if anything.
async fn check(conn: &mut SqliteConnection, case: &Case) -> Option<String> {
    let explain = format!("EXPLAIN QUERY PLAN {}", case.sql);
    let rows = match sqlx::raw_sql(&explain).fetch_all(&mut *conn).await {
        Ok(rows) => rows,
        Err(err) => return Some(format!("{}: does not prepare: {err}", case.name)),
    };
    let details: Vec<String> = rows.iter().map(|r| r.get::<String, _>("detail")).collect();
    let mut used = Vec::new();
    let mut problems = Vec::new();
    for detail in &details {
        if detail.contains("USE TEMP B-TREE") && !case.scans.contains(&"temp b-tree") {
            problems.push(format!("sorts in a temporary B-tree: {detail}"));
        }
        if let Some(rest) = detail.strip_prefix("SCAN ") {
            let table = rest.split_whitespace().next().unwrap_or_default();
            // `SCAN CONSTANT ROW` is the one row of a `SELECT` without `FROM`.
            if table != "CONSTANT" && !case.scans.contains(&table) {
                problems.push(format!("reads all of `{table}`: {detail}"));
            }
        }
        if detail.starts_with("SEARCH ") {
            let index = if let Some((_, after)) = detail.split_once(" INDEX ") {
                after.split_whitespace().next().unwrap_or_default()
            } else if detail.contains("INTEGER PRIMARY KEY") {
                "rowid"
            } else if detail.contains("USING PRIMARY KEY") {
                "primary key"
            } else {
                "no index"
            };
            // Either index of an `a|b` entry will do: both fit the query equally.
            let index = case
                .uses
                .iter()
                .find(|want| want.split('|').any(|w| w == index))
                .copied()
                .unwrap_or(index);
            if !used.contains(&index) {
                used.push(index);
            }
        }
    }
    let mut want: Vec<&str> = case.uses.to_vec();
    want.sort_unstable();
    used.sort_unstable();
    if used != want {
        problems.push(format!("searches with {used:?}, expected {want:?}"));
    }
    (!problems.is_empty()).then(|| {
        format!(
            "{}: {}\n    plan: {details:?}",
            case.name,
            problems.join("; ")
        )
    })
}

async fn check_all(conn: &mut SqliteConnection, when: &str) {
    let mut failures = Vec::new();
    for case in CASES {
        failures.extend(check(conn, case).await);
    }
    assert!(failures.is_empty(), "{when}:\n{}", failures.join("\n"));
}

/// Rows shaped like a busy portal's, skewed the way real use is: most attempts on a few
/// scenarios, most learners with a handful each, a few interviewers with many interviews.
const POPULATE: &str = "
WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < 4000)
INSERT INTO rubric_versions (scenario, version, rubric, created_at)
SELECT 'scenario-' || k, 'v' || (k % 3), '{}', 1 FROM n WHERE k <= 30;
WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < 4000)
INSERT INTO attempts (public_id, learner, scenario, rubric_version, answer, verdicts, score,
    covered, total, revealed_before, started_at, submitted_at)
SELECT printf('%032x', k), 'learner-' || (k % 700),
    'scenario-' || CASE WHEN k % 10 < 7 THEN 1 ELSE 1 + k % 30 END,
    'v' || ((CASE WHEN k % 10 < 7 THEN 1 ELSE 1 + k % 30 END) % 3), 'answer', '{\"items\":[]}',
    (k % 100) / 100.0, 1, 2, 0, NULL, k FROM n;
INSERT INTO overrides (attempt_id, item_id, verdict, by_whom, at)
SELECT id, 'item-' || (id % 5), 'covered', learner, 1 FROM attempts WHERE id % 4 = 0;
INSERT INTO reveals (learner, scenario, at)
SELECT DISTINCT learner, scenario, 1 FROM attempts WHERE id % 3 = 0;
WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < 500)
INSERT INTO users (name, password_hash, role, created_at)
SELECT 'user-' || k, 'hash', CASE WHEN k <= 5 THEN 'interviewer' ELSE 'learner' END, 1 FROM n;
INSERT INTO sessions (token_hash, user_id, csrf, created_at, last_seen_at)
SELECT randomblob(32), id, 'csrf', id, id FROM users;
INSERT INTO sessions (token_hash, user_id, csrf, created_at, last_seen_at)
SELECT randomblob(32), id, 'csrf', id, id FROM users WHERE id <= 50;
WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < 300)
INSERT INTO interviews (public_id, candidate_token_hash, interviewer_id, candidate, scenario,
    rubric_version, started_at, last_seq)
SELECT printf('%032x', k), randomblob(32), 1 + k % 5, 'Candidate', 'scenario-1', 'v1', k, 3
FROM n;
INSERT INTO interview_events (interview_id, seq, at, kind, data)
SELECT id, s.seq, 1, 'noted', '{}' FROM interviews, (SELECT 1 AS seq UNION SELECT 2 UNION SELECT 3) s;
INSERT INTO settings (key, value) VALUES ('a', x'00');
ANALYZE;
";

/// Rows of planner statistics (opening a store may create the empty table).
async fn statistics(conn: &mut SqliteConnection) -> i64 {
    let table: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
            .fetch_one(&mut *conn)
            .await
            .unwrap();
    if table == 0 {
        return 0;
    }
    sqlx::query_scalar("SELECT COUNT(*) FROM sqlite_stat1 WHERE stat IS NOT NULL")
        .fetch_one(conn)
        .await
        .unwrap()
}

#[tokio::test]
async fn every_query_searches_with_the_index_made_for_it_with_statistics_and_without() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("plans.db").display());
    let store = super::Store::open(&url).await.unwrap();
    store.close().await;
    // Opening a store may already have analysed the empty tables: start from none at all.
    let mut conn = SqliteConnection::connect(&url).await.unwrap();
    if statistics(&mut conn).await > 0 {
        sqlx::query("DELETE FROM sqlite_stat1")
            .execute(&mut conn)
            .await
            .unwrap();
    }
    conn.close().await.unwrap();
    let mut conn = SqliteConnection::connect(&url).await.unwrap();
    assert_eq!(statistics(&mut conn).await, 0);
    check_all(&mut conn, "without statistics").await;

    sqlx::raw_sql(POPULATE).execute(&mut conn).await.unwrap();
    conn.close().await.unwrap();
    let mut conn = SqliteConnection::connect(&url).await.unwrap();
    assert!(statistics(&mut conn).await > 5, "ANALYZE wrote statistics");
    check_all(&mut conn, "with statistics").await;
}

#[tokio::test]
async fn a_full_scan_or_the_wrong_index_is_caught() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("plans.db").display());
    let store = super::Store::open(&url).await.unwrap();
    store.close().await;
    let mut conn = SqliteConnection::connect(&url).await.unwrap();
    let scan = case("scan", "SELECT * FROM attempts WHERE answer = $1", &[]);
    let found = check(&mut conn, &scan).await.unwrap();
    assert!(found.contains("reads all of `attempts`"), "{found}");
    // The (learner, submitted_at) index where (learner, scenario) was expected.
    let wrong = case(
        "wrong",
        "SELECT id FROM attempts WHERE learner = $1 ORDER BY submitted_at DESC",
        &["attempts_by_learner_scenario"],
    );
    let found = check(&mut conn, &wrong).await.unwrap();
    assert!(
        found.contains("expected [\"attempts_by_learner_scenario\"]"),
        "{found}"
    );
    let sorted = case("sorted", "SELECT id FROM attempts ORDER BY answer", &[]);
    let found = check(&mut conn, &sorted).await.unwrap();
    assert!(found.contains("temporary B-tree"), "{found}");
}
