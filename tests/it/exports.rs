//! The scorecard's CSV export opened in a spreadsheet: nothing from content or a form runs as a
//! formula.

use axum::http::{StatusCode, header};
use firedrill::accounts::Role;

use crate::helpers::TestApp;

const FORMULAS: &str = "# Scenario: Formulas

## The Prompt

Anything.

## What a Strong Answer Includes

- =HYPERLINK(\"http://evil.example\",\"click\")
- +cmd|' /C calc'!A0
- -2+3 is checked first
- @SUM(1+1) names the owner

## Follow-ups

1. =1+1, what then?
2. @now who owns it?
";

#[tokio::test]
async fn scorecard_csv_cells_that_a_spreadsheet_would_run_start_with_a_quote() {
    let app = TestApp::with_files(&[("scenarios/formulas.md", FORMULAS)]).await;
    app.signed_in_as("ivy", Role::Interviewer).await;
    let csrf = TestApp::csrf_in(&app.get("/scenarios/formulas").await);
    // The candidate's name is not exported; were it, it would be escaped like the rest.
    let candidate = "=HYPERLINK(\"http://evil.example\")";
    let started = app
        .post_form(
            "/interviews",
            &[
                ("csrf", &csrf),
                ("scenario", "formulas"),
                ("candidate", candidate),
            ],
        )
        .await;
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.body);
    let console = started.header(header::LOCATION).to_owned();
    let csrf = TestApp::csrf_in(&app.get(&console).await);
    let asked = app
        .post_form(
            &format!("{console}/follow-ups"),
            &[("csrf", &csrf), ("index", "0")],
        )
        .await;
    assert!(asked.status.is_redirection(), "{}", asked.body);

    let export = app.get(&format!("{console}/scorecard.csv")).await;
    assert_eq!(export.status, StatusCode::OK);
    let mut reader = csv::Reader::from_reader(export.body.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    for cell in rows.iter().flatten() {
        assert!(
            !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
            "{cell:?} in:\n{}",
            export.body
        );
    }
    // Item texts, then follow-up questions, each behind its quote.
    let starts: Vec<String> = rows
        .iter()
        .map(|r| r[2].chars().take(2).collect())
        .collect();
    assert_eq!(
        starts,
        ["'=", "'+", "'-", "'@", "'=", "'@"],
        "{}",
        export.body
    );
    assert!(rows[0][2].contains("HYPERLINK"), "{}", export.body);
}
