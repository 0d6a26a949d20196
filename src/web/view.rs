//! Small helpers that turn stored values into what pages show: times, percentages, and the
//! answer with its evidence marked.

use crate::content::markdown::escape_into;
use crate::grading::{Evidence, Verdict};

/// The response, marked never to be stored by any cache (pages with form tokens or private
/// data).
pub fn no_store(response: axum::response::Response) -> axum::response::Response {
    use axum::response::IntoResponse;
    let header = [(axum::http::header::CACHE_CONTROL, "no-store")];
    (header, response).into_response()
}

/// The answer to a form post that changed something: 204 for a page script that asked for
/// JSON (the change arrives on the live stream), otherwise a redirect back to `back`.
pub fn changed(headers: &axum::http::HeaderMap, back: &str) -> axum::response::Response {
    use axum::response::IntoResponse;
    let wants_json = headers
        .get(axum::http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    match wants_json {
        true => axum::http::StatusCode::NO_CONTENT.into_response(),
        false => axum::response::Redirect::to(back).into_response(),
    }
}

/// A verdict a person gives (covered, partial or missed) from a form field.
pub fn human_verdict(value: &str) -> Result<Verdict, crate::error::AppError> {
    Verdict::parse(value)
        .filter(|v| *v != Verdict::Review)
        .ok_or_else(|| {
            crate::error::AppError::BadRequest(format!(
                "“{value}” is not a verdict: use covered, partial or missed."
            ))
        })
}

/// Now, in Unix milliseconds.
pub fn now_ms() -> i64 {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(since.as_millis()).unwrap_or(i64::MAX)
}

/// `2026-11-28 01:53 UTC`: see [`crate::utc`].
pub fn date_time(unix_ms: i64) -> String {
    crate::utc::format(unix_ms)
}

/// The weighted share of covered items, as a whole percentage.
pub fn percent(verdicts: &[Verdict], weights: &[f32]) -> u32 {
    let total: f32 = weights.iter().sum();
    let covered: f32 = verdicts
        .iter()
        .zip(weights)
        .filter(|(v, _)| **v == Verdict::Covered)
        .map(|(_, w)| w)
        .sum();
    if total > 0.0 {
        (covered / total * 100.0).round() as u32
    } else {
        0
    }
}

/// The answer as escaped HTML with every evidence span wrapped in `<mark>`.
pub fn highlight<'e>(answer: &str, evidence: impl Iterator<Item = &'e Evidence>) -> String {
    let mut spans: Vec<(usize, usize)> = evidence
        .map(|e| (e.start, e.end))
        .filter(|&(s, e)| {
            s < e && e <= answer.len() && answer.is_char_boundary(s) && answer.is_char_boundary(e)
        })
        .collect();
    spans.sort_unstable();
    let mut out = String::with_capacity(answer.len() + spans.len() * 13);
    let mut at = 0;
    for (start, end) in spans {
        let start = start.max(at);
        if start >= end {
            continue;
        }
        escape_into(&mut out, &answer[at..start]);
        out.push_str("<mark>");
        escape_into(&mut out, &answer[start..end]);
        out.push_str("</mark>");
        at = end;
    }
    escape_into(&mut out, &answer[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(start: usize, end: usize) -> Evidence {
        Evidence {
            text: String::new(),
            start,
            end,
        }
    }

    #[test]
    fn evidence_is_marked_and_everything_else_escaped() {
        let html = highlight(
            "use <b>ignoreDifferences</b> & HPA",
            [span(7, 24), span(31, 34), span(8, 10)].iter(),
        );
        assert_eq!(
            html,
            "use &lt;b&gt;<mark>ignoreDifferences</mark>&lt;/b&gt; &amp; <mark>HPA</mark>"
        );
    }

    #[test]
    fn percent_is_the_weighted_share_of_covered_items() {
        let verdicts = [
            Verdict::Covered,
            Verdict::Partial,
            Verdict::Covered,
            Verdict::Missed,
        ];
        assert_eq!(percent(&verdicts, &[1.0, 1.0, 2.0, 1.0]), 60);
        assert_eq!(date_time(0), "1970-01-01 00:00 UTC");
    }
}
