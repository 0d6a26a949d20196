//! SQL for the running statistics (`scenario_figures`, `item_figures`): each write that changes an
//! attempt takes its old contribution off and adds its new one in the writer's transaction, so
//! the statistics pages read a few rows whatever the number of attempts.

use sqlx::{SqliteConnection, SqliteExecutor};

use super::model::{Figures, ItemFigures, VerdictCounts};

/// The part of the stored verdicts JSON (a `Grade`) the figures count: each item's id and the
/// machine's verdict on it. Other fields are ignored.
#[derive(serde::Deserialize)]
struct StoredVerdicts {
    items: Vec<StoredItem>,
}

#[derive(serde::Deserialize)]
struct StoredItem {
    id: String,
    verdict: String,
}

/// The score decile an attempt counts in: 0 for 0-9 %, ..., 9 for 90-100 %. The recount's SQL
/// computes the same (`MIN(CAST(score * 10 AS INTEGER), 9)`).
pub(super) fn decile(score: f64) -> i64 {
    ((score * 10.0) as i64).clamp(0, 9)
}

pub(super) const ATTEMPT_ROW: &str = "SELECT scenario, score, verdicts FROM attempts WHERE id = $1";
pub(super) const ATTEMPT_OVERRIDES: &str =
    "SELECT item_id, verdict FROM overrides WHERE attempt_id = $1";
pub(super) const ADD_TO_SCENARIO: &str = "INSERT INTO scenario_figures \
     (scenario, decile, attempts, score_sum) VALUES ($1, $2, $3, $4) \
     ON CONFLICT (scenario, decile) DO UPDATE SET attempts = attempts + excluded.attempts, \
     score_sum = score_sum + excluded.score_sum";
pub(super) const ADD_TO_ITEM: &str = "INSERT INTO item_figures (scenario, item_id, covered, \
     partial, missed, review, overridden_covered, overridden_partial, overridden_missed, \
     overridden_review) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
     ON CONFLICT (scenario, item_id) DO UPDATE SET covered = covered + excluded.covered, \
     partial = partial + excluded.partial, missed = missed + excluded.missed, \
     review = review + excluded.review, \
     overridden_covered = overridden_covered + excluded.overridden_covered, \
     overridden_partial = overridden_partial + excluded.overridden_partial, \
     overridden_missed = overridden_missed + excluded.overridden_missed, \
     overridden_review = overridden_review + excluded.overridden_review";
pub(super) const SCENARIO_DECILES: &str =
    "SELECT decile, attempts, score_sum FROM scenario_figures WHERE scenario = $1";
pub(super) const SCENARIO_ITEMS: &str = "SELECT item_id, covered, partial, missed, review, \
     overridden_covered, overridden_partial, overridden_missed, overridden_review \
     FROM item_figures WHERE scenario = $1";
pub(super) const PER_SCENARIO: &str = "SELECT scenario, SUM(attempts), SUM(score_sum) \
     FROM scenario_figures GROUP BY scenario";

/// Adds (`sign` 1) or takes off (`sign` -1) the attempt's contribution to the figures, as the
/// attempt and its overrides stand now; part of the writer's transaction. An attempt whose
/// verdicts cannot be read counts in its scenario's score figures only.
pub(super) async fn count(
    conn: &mut SqliteConnection,
    attempt_id: i64,
    sign: i64,
) -> Result<(), sqlx::Error> {
    let row: Option<(String, f64, String)> = sqlx::query_as(ATTEMPT_ROW)
        .bind(attempt_id)
        .fetch_optional(&mut *conn)
        .await?;
    let Some((scenario, score, verdicts)) = row else {
        return Ok(());
    };
    sqlx::query(ADD_TO_SCENARIO)
        .bind(&scenario)
        .bind(decile(score))
        .bind(sign)
        .bind(sign as f64 * score)
        .execute(&mut *conn)
        .await?;
    let Ok(verdicts) = serde_json::from_str::<StoredVerdicts>(&verdicts) else {
        return Ok(());
    };
    let overrides: Vec<(String, String)> = sqlx::query_as(ATTEMPT_OVERRIDES)
        .bind(attempt_id)
        .fetch_all(&mut *conn)
        .await?;
    for item in &verdicts.items {
        let machine = VerdictCounts::one(&item.verdict, sign);
        let overridden = overrides
            .iter()
            .find(|(id, _)| *id == item.id)
            .map_or_else(VerdictCounts::default, |(_, v)| VerdictCounts::one(v, sign));
        sqlx::query(ADD_TO_ITEM)
            .bind(&scenario)
            .bind(&item.id)
            .bind(machine.covered)
            .bind(machine.partial)
            .bind(machine.missed)
            .bind(machine.review)
            .bind(overridden.covered)
            .bind(overridden.partial)
            .bind(overridden.missed)
            .bind(overridden.review)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

impl VerdictCounts {
    /// `n` of this verdict (by its stored name) and none of the others.
    fn one(verdict: &str, n: i64) -> Self {
        let mut counts = VerdictCounts::default();
        match verdict {
            "covered" => counts.covered = n,
            "partial" => counts.partial = n,
            "missed" => counts.missed = n,
            "review" => counts.review = n,
            _ => {}
        }
        counts
    }
}

/// A row of `item_figures` as read.
type ItemRow = (String, i64, i64, i64, i64, i64, i64, i64, i64);

fn item(row: ItemRow) -> ItemFigures {
    let (item_id, c, p, m, r, oc, op, om, or) = row;
    ItemFigures {
        item_id,
        machine: VerdictCounts {
            covered: c,
            partial: p,
            missed: m,
            review: r,
        },
        overridden: VerdictCounts {
            covered: oc,
            partial: op,
            missed: om,
            review: or,
        },
    }
}

/// Figures from rows of (decile, attempts, score sum) and item rows; items by id.
fn assemble(deciles: Vec<(i64, i64, f64)>, items: Vec<ItemRow>) -> Figures {
    let mut figures = Figures::default();
    for (decile, attempts, score_sum) in deciles {
        if let Some(slot) = usize::try_from(decile)
            .ok()
            .and_then(|d| figures.histogram.get_mut(d))
        {
            *slot += attempts;
        }
        figures.attempts += attempts;
        figures.score_sum += score_sum;
    }
    figures.items = items.into_iter().map(item).collect();
    // Items no attempt counts any more (every attempt graded on them was rescored) read as
    // absent, as a recount would have them.
    figures.items.retain(|i| i.graded() > 0);
    figures.items.sort_by(|a, b| a.item_id.cmp(&b.item_id));
    figures
}

/// The scenario's figures as kept.
pub(super) async fn of_scenario(
    db: impl SqliteExecutor<'_> + Copy,
    scenario: &str,
) -> Result<Figures, sqlx::Error> {
    let deciles = sqlx::query_as(SCENARIO_DECILES)
        .bind(scenario)
        .fetch_all(db)
        .await?;
    let items = sqlx::query_as(SCENARIO_ITEMS)
        .bind(scenario)
        .fetch_all(db)
        .await?;
    Ok(assemble(deciles, items))
}

/// Per scenario: how many attempts, and their mean shown score.
pub(super) async fn per_scenario(
    db: impl SqliteExecutor<'_>,
) -> Result<Vec<(String, i64, f64)>, sqlx::Error> {
    let rows: Vec<(String, i64, f64)> = sqlx::query_as(PER_SCENARIO).fetch_all(db).await?;
    Ok(rows
        .into_iter()
        .filter(|(_, n, _)| *n > 0)
        .map(|(scenario, n, sum)| (scenario, n, sum / n as f64))
        .collect())
}

/// The scenario's figures counted again from every attempt and override, reading all of them:
/// for tests and checks, never for a page. SQLite's JSON functions read the verdicts.
pub(super) async fn recount(
    db: impl SqliteExecutor<'_> + Copy,
    scenario: &str,
) -> Result<Figures, sqlx::Error> {
    let deciles = sqlx::query_as(
        "SELECT MIN(CAST(score * 10 AS INTEGER), 9), COUNT(*), SUM(score) FROM attempts \
         WHERE scenario = $1 GROUP BY 1",
    )
    .bind(scenario)
    .fetch_all(db)
    .await?;
    let items = sqlx::query_as(
        "SELECT json_extract(j.value, '$.id'), \
         SUM(json_extract(j.value, '$.verdict') = 'covered'), \
         SUM(json_extract(j.value, '$.verdict') = 'partial'), \
         SUM(json_extract(j.value, '$.verdict') = 'missed'), \
         SUM(json_extract(j.value, '$.verdict') = 'review'), \
         SUM(COALESCE(o.verdict = 'covered', 0)), SUM(COALESCE(o.verdict = 'partial', 0)), \
         SUM(COALESCE(o.verdict = 'missed', 0)), SUM(COALESCE(o.verdict = 'review', 0)) \
         FROM attempts a JOIN json_each(a.verdicts, '$.items') j \
         LEFT JOIN overrides o ON o.attempt_id = a.id \
         AND o.item_id = json_extract(j.value, '$.id') \
         WHERE a.scenario = $1 AND json_valid(a.verdicts) GROUP BY 1",
    )
    .bind(scenario)
    .fetch_all(db)
    .await?;
    Ok(assemble(deciles, items))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deciles_match_the_histogram_buckets() {
        assert_eq!(decile(0.0), 0);
        assert_eq!(decile(0.09), 0);
        assert_eq!(decile(0.1), 1);
        assert_eq!(decile(0.95), 9);
        assert_eq!(decile(1.0), 9);
    }
}
