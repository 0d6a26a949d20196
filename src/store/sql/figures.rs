//! SQL for the running statistics (`scenario_figures`, `item_figures`): each write that changes an
//! attempt takes its old contribution off and adds its new one in the writer's transaction, so
//! the statistics pages read a few rows whatever the number of attempts.

use std::collections::BTreeMap;

use super::{Conn, Exec};

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
pub(in crate::store) fn decile(score: f64) -> i64 {
    ((score * 10.0) as i64).clamp(0, 9)
}

pub(in crate::store) const ATTEMPT_ROW: &str = "SELECT scenario, score, verdicts FROM attempts WHERE id = $1";
pub(in crate::store) const ATTEMPT_OVERRIDES: &str =
    "SELECT item_id, verdict FROM overrides WHERE attempt_id = $1";
pub(in crate::store) const ADD_TO_SCENARIO: &str = "INSERT INTO scenario_figures \
     (scenario, decile, attempts, score_sum) VALUES ($1, $2, $3, $4) \
     ON CONFLICT (scenario, decile) DO UPDATE \
     SET attempts = scenario_figures.attempts + excluded.attempts, \
     score_sum = scenario_figures.score_sum + excluded.score_sum";
pub(in crate::store) const ADD_TO_ITEM: &str = "INSERT INTO item_figures (scenario, item_id, covered, \
     partial, missed, review, overridden_covered, overridden_partial, overridden_missed, \
     overridden_review) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
     ON CONFLICT (scenario, item_id) DO UPDATE SET covered = item_figures.covered + excluded.covered, \
     partial = item_figures.partial + excluded.partial, missed = item_figures.missed + excluded.missed, \
     review = item_figures.review + excluded.review, \
     overridden_covered = item_figures.overridden_covered + excluded.overridden_covered, \
     overridden_partial = item_figures.overridden_partial + excluded.overridden_partial, \
     overridden_missed = item_figures.overridden_missed + excluded.overridden_missed, \
     overridden_review = item_figures.overridden_review + excluded.overridden_review";
pub(in crate::store) const SCENARIO_DECILES: &str =
    "SELECT decile, attempts, score_sum FROM scenario_figures WHERE scenario = $1";
pub(in crate::store) const SCENARIO_ITEMS: &str = "SELECT item_id, covered, partial, missed, review, \
     overridden_covered, overridden_partial, overridden_missed, overridden_review \
     FROM item_figures WHERE scenario = $1";
pub(in crate::store) const PER_SCENARIO: &str = "SELECT scenario, CAST(SUM(attempts) AS BIGINT), \
     SUM(score_sum) FROM scenario_figures GROUP BY scenario";

/// Adds (`sign` 1) or takes off (`sign` -1) the attempt's contribution to the figures, as the
/// attempt and its overrides stand now, to `tally` (written when the writer's transaction
/// ends). An attempt whose verdicts cannot be read counts in its scenario's score figures only.
pub(in crate::store) async fn count(
    conn: &mut Conn,
    tally: &mut Tally,
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
    let overrides: Vec<(String, String)> = sqlx::query_as(ATTEMPT_OVERRIDES)
        .bind(attempt_id)
        .fetch_all(&mut *conn)
        .await?;
    tally.add(&scenario, score, &verdicts, &overrides, sign);
    Ok(())
}

/// The figures' changes made by one transaction's writes, summed per row and written once,
/// just before it commits: a batch of submissions to one scenario changes each figures row
/// once, in one statement per table on PostgreSQL (where each statement is a round trip).
#[derive(Debug, Default)]
pub(in crate::store) struct Tally {
    /// (scenario, decile) -> (attempts, score sum).
    scenarios: BTreeMap<(String, i64), (i64, f64)>,
    /// (scenario, item) -> machine verdicts, then overridden verdicts.
    items: BTreeMap<(String, String), [i64; 8]>,
}

impl Tally {
    /// Counts an attempt, with its shown `score`, its machine verdicts (JSON as stored) and its
    /// overrides, `sign` times.
    pub(in crate::store) fn add(
        &mut self,
        scenario: &str,
        score: f64,
        verdicts: &str,
        overrides: &[(String, String)],
        sign: i64,
    ) {
        let deciles = self
            .scenarios
            .entry((scenario.to_owned(), decile(score)))
            .or_default();
        deciles.0 += sign;
        deciles.1 += sign as f64 * score;
        let Ok(verdicts) = serde_json::from_str::<StoredVerdicts>(verdicts) else {
            return;
        };
        for item in verdicts.items {
            let machine = VerdictCounts::one(&item.verdict, sign);
            let overridden = overrides
                .iter()
                .find(|(id, _)| *id == item.id)
                .map_or_else(VerdictCounts::default, |(_, v)| VerdictCounts::one(v, sign));
            let counts = self
                .items
                .entry((scenario.to_owned(), item.id))
                .or_default();
            for (sum, n) in counts.iter_mut().zip([
                machine.covered,
                machine.partial,
                machine.missed,
                machine.review,
                overridden.covered,
                overridden.partial,
                overridden.missed,
                overridden.review,
            ]) {
                *sum += n;
            }
        }
    }

    /// Writes the sums and empties the tally; part of the writer's transaction.
    pub(in crate::store) async fn flush(&mut self, conn: &mut Conn) -> Result<(), sqlx::Error> {
        let scenarios = std::mem::take(&mut self.scenarios);
        let items = std::mem::take(&mut self.items);
        let scenarios = scenarios.into_iter().filter(|(_, (n, sum))| *n != 0 || *sum != 0.0);
        let items = items.into_iter().filter(|(_, counts)| counts.iter().any(|n| *n != 0));
        let (scenarios, items) = (scenarios.collect(), items.collect());
        // SQLite row by row (no round trips in process), PostgreSQL one statement per table.
        if super::POSTGRES {
            super::write_sums(conn, scenarios, items).await
        } else {
            write_each(conn, scenarios, items).await
        }
    }
}

/// Adds the sums to the figures, one row at a time.
pub(in crate::store) async fn write_each(
    conn: &mut Conn,
    scenarios: ScenarioSums,
    items: ItemSums,
) -> Result<(), sqlx::Error> {
    for ((scenario, decile), (attempts, score_sum)) in scenarios {
        sqlx::query(ADD_TO_SCENARIO)
            .bind(scenario)
            .bind(decile)
            .bind(attempts)
            .bind(score_sum)
            .execute(&mut *conn)
            .await?;
    }
    for ((scenario, item), counts) in items {
        let mut query = sqlx::query(ADD_TO_ITEM).bind(scenario).bind(item);
        for n in counts {
            query = query.bind(n);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Sums per (scenario, decile): attempts, score sum.
pub(in crate::store) type ScenarioSums = Vec<((String, i64), (i64, f64))>;

/// Sums per (scenario, item): machine verdicts, then overridden verdicts.
pub(in crate::store) type ItemSums = Vec<((String, String), [i64; 8])>;

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
pub(in crate::store) async fn of_scenario(
    db: impl Exec<'_> + Copy,
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
pub(in crate::store) async fn per_scenario(
    db: impl Exec<'_>,
) -> Result<Vec<(String, i64, f64)>, sqlx::Error> {
    let rows: Vec<(String, i64, f64)> = sqlx::query_as(PER_SCENARIO).fetch_all(db).await?;
    Ok(rows
        .into_iter()
        .filter(|(_, n, _)| *n > 0)
        .map(|(scenario, n, sum)| (scenario, n, sum / n as f64))
        .collect())
}

/// The deciles of the scenario's attempts, counted from the attempts.
const RECOUNT_DECILES: &str = if super::POSTGRES {
    "SELECT CAST(LEAST(FLOOR(score * 10), 9) AS BIGINT), COUNT(*), SUM(score) FROM attempts \
     WHERE scenario = $1 GROUP BY 1"
} else {
    "SELECT MIN(CAST(score * 10 AS INTEGER), 9), COUNT(*), SUM(score) FROM attempts \
     WHERE scenario = $1 GROUP BY 1"
};

/// The verdicts on the scenario's items, counted from the attempts' verdicts JSON (read by the
/// database's JSON functions) and their overrides; verdicts that are not a JSON object count
/// nowhere.
const RECOUNT_ITEMS: &str = if super::POSTGRES {
    "SELECT j.value ->> 'id', \
     CAST(SUM(CASE WHEN j.value ->> 'verdict' = 'covered' THEN 1 ELSE 0 END) AS BIGINT), \
     CAST(SUM(CASE WHEN j.value ->> 'verdict' = 'partial' THEN 1 ELSE 0 END) AS BIGINT), \
     CAST(SUM(CASE WHEN j.value ->> 'verdict' = 'missed' THEN 1 ELSE 0 END) AS BIGINT), \
     CAST(SUM(CASE WHEN j.value ->> 'verdict' = 'review' THEN 1 ELSE 0 END) AS BIGINT), \
     CAST(SUM(CASE WHEN o.verdict = 'covered' THEN 1 ELSE 0 END) AS BIGINT), \
     CAST(SUM(CASE WHEN o.verdict = 'partial' THEN 1 ELSE 0 END) AS BIGINT), \
     CAST(SUM(CASE WHEN o.verdict = 'missed' THEN 1 ELSE 0 END) AS BIGINT), \
     CAST(SUM(CASE WHEN o.verdict = 'review' THEN 1 ELSE 0 END) AS BIGINT) \
     FROM (SELECT id, verdicts FROM attempts WHERE scenario = $1 AND verdicts LIKE '{%}') a \
     CROSS JOIN LATERAL jsonb_array_elements(CAST(a.verdicts AS jsonb) -> 'items') j \
     LEFT JOIN overrides o ON o.attempt_id = a.id AND o.item_id = j.value ->> 'id' \
     GROUP BY 1"
} else {
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
     WHERE a.scenario = $1 AND json_valid(a.verdicts) GROUP BY 1"
};

/// The scenario's figures counted again from every attempt and override, reading all of them:
/// for tests and checks, never for a page. The database's JSON functions read the verdicts.
pub(in crate::store) async fn recount(
    db: impl Exec<'_> + Copy,
    scenario: &str,
) -> Result<Figures, sqlx::Error> {
    let deciles = sqlx::query_as(RECOUNT_DECILES)
        .bind(scenario)
        .fetch_all(db)
        .await?;
    let items = sqlx::query_as(RECOUNT_ITEMS)
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
