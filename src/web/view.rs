//! Small helpers that turn stored values into what pages show: times, percentages, and the
//! answer with its evidence marked.

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
        false => crate::web::redirect::see_other(back),
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

/// A score (0 to 1) as a whole percentage.
pub fn percent(score: f64) -> u32 {
    (score.clamp(0.0, 1.0) * 100.0).round() as u32
}

/// The answer, written in Markdown, as sanitized HTML with every evidence span wrapped in
/// `<mark>`.
pub fn highlight<'e>(answer: &str, evidence: impl Iterator<Item = &'e Evidence>) -> String {
    let spans: Vec<std::ops::Range<usize>> = evidence.map(|e| e.start..e.end).collect();
    crate::content::markdown::render_marked(answer, &spans)
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
            [span(7, 24), span(31, 34), span(8, 10), span(30, 99)].iter(),
        );
        assert_eq!(
            html,
            "<p>use &lt;b&gt;<mark>ignoreDifferences</mark>&lt;/b&gt; &amp; <mark>HPA</mark></p>\n"
        );
    }

    #[test]
    fn percent_rounds_a_score_and_times_are_utc() {
        assert_eq!(percent(0.704), 70);
        assert_eq!(percent(0.705), 71);
        assert_eq!(percent(1.2), 100);
        assert_eq!(date_time(0), "1970-01-01 00:00 UTC");
    }
}
