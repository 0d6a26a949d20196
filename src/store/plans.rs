//! The paged lists' query plans: each page walks its index in the list's order, never scanning
//! the table or sorting, on a new database and on one the planner has statistics for.

use sqlx::Connection as _;

use super::{Store, attempts, interviews};
use crate::store::{NewAttempt, NewInterview, NewUser, Position};

/// `EXPLAIN QUERY PLAN` of a query, its parameters bound: rows of id, parent, 0, detail.
type Explain<'q> = sqlx::query::QueryAs<
    'q,
    sqlx::Sqlite,
    (i64, i64, i64, String),
    sqlx::sqlite::SqliteArguments<'q>,
>;

/// The lines of SQLite's plan.
async fn plan(store: &Store, query: Explain<'_>) -> Vec<String> {
    query
        .fetch_all(&store.readers)
        .await
        .unwrap()
        .into_iter()
        .map(|(_, _, _, detail)| detail)
        .collect()
}

fn explain(sql: &str) -> String {
    format!("EXPLAIN QUERY PLAN {sql}")
}

/// Every plan of the paged lists, by the index it must walk.
async fn plans(store: &Store) -> Vec<(&'static str, Vec<String>)> {
    let at = Position { at: 5_000, id: 40 };
    let history = explain(attempts::PAGE_OF_LEARNER);
    let best = explain(attempts::BEST_OF_LEARNER);
    let mine = explain(interviews::PAGE_OF_INTERVIEWER);
    let all = explain(interviews::PAGE_OF_ALL);
    vec![
        (
            "attempts_by_learner",
            plan(
                store,
                sqlx::query_as(&history)
                    .bind("learner-1")
                    .bind(at.at)
                    .bind(at.id)
                    .bind(51),
            )
            .await,
        ),
        (
            "attempts_by_learner_scenario",
            plan(store, sqlx::query_as(&best).bind("learner-1")).await,
        ),
        (
            "interviews_by_interviewer",
            plan(
                store,
                sqlx::query_as(&mine)
                    .bind(1)
                    .bind(at.at)
                    .bind(at.id)
                    .bind(51),
            )
            .await,
        ),
        (
            "interviews_by_start",
            plan(store, sqlx::query_as(&all).bind(at.at).bind(at.id).bind(51)).await,
        ),
    ]
}

fn assert_walks(index: &str, plan: &[String]) {
    let text = plan.join("\n");
    assert!(
        plan.iter()
            .any(|line| line.contains(&format!("INDEX {index} ("))),
        "walks {index}:\n{text}"
    );
    assert!(
        !plan
            .iter()
            .any(|line| line.starts_with("SCAN") || line.contains("TEMP B-TREE")),
        "neither scans nor sorts:\n{text}"
    );
}

async fn seed(store: &Store) {
    for name in ["ivy", "olga"] {
        store
            .create_user(NewUser {
                name: name.to_owned(),
                password_hash: "not-a-hash".to_owned(),
                role: "interviewer".to_owned(),
                created_at: 1,
            })
            .await
            .unwrap()
            .unwrap();
    }
    for i in 0..300_i64 {
        let scenario = format!("scenario-{}", i % 7);
        store
            .submit_attempt(NewAttempt {
                learner: format!("learner-{}", i % 30),
                scenario: scenario.clone(),
                rubric_version: "v1".to_owned(),
                rubric_json: "{}".to_owned(),
                answer: "An answer.".to_owned(),
                verdicts_json: "{}".to_owned(),
                score: (i % 10) as f64 / 10.0,
                covered: 1,
                total: 2,
                revealed_before: false,
                started_at: None,
                submitted_at: 1_000 + i / 3,
            })
            .await
            .unwrap();
        if i % 5 == 0 {
            let new = NewInterview {
                candidate_token_hash: Vec::new(),
                interviewer_id: 1 + i % 2,
                candidate: format!("Candidate {i}"),
                scenario,
                rubric_version: "v1".to_owned(),
                rubric_json: "{}".to_owned(),
                at: 1_000 + i / 4,
            };
            let token = i.to_le_bytes().to_vec();
            store
                .start_interview(new, "{}".to_owned(), |_| token)
                .await
                .unwrap();
        }
    }
}

#[tokio::test]
async fn each_paged_list_walks_its_index_without_scanning_or_sorting() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plans.db");
    let url = format!("sqlite://{}", path.display());
    let store = Store::open(&url).await.unwrap();
    for (index, plan) in plans(&store).await {
        assert_walks(index, &plan);
    }
    seed(&store).await;
    store.close().await;
    let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
    sqlx::query("ANALYZE").execute(&mut conn).await.unwrap();
    conn.close().await.unwrap();
    let store = Store::open(&url).await.unwrap();
    for (index, plan) in plans(&store).await {
        assert_walks(index, &plan);
    }
}
