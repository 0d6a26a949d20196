//! The one way a point in time is shown, in pages, exports and timelines alike: UTC to the
//! minute, `2026-11-28 01:53 UTC` (`static/live.js` writes the same for times it shows live).
//! Durations within an interview are shown as elapsed `mm:ss`, never as a time of day.

use serde::Serializer;

/// `2026-11-28 01:53 UTC` for Unix milliseconds.
pub fn format(unix_ms: i64) -> String {
    match time::OffsetDateTime::from_unix_timestamp(unix_ms.div_euclid(1000)) {
        Ok(t) => format!(
            "{}-{:02}-{:02} {:02}:{:02} UTC",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute()
        ),
        Err(_) => "unknown time".to_owned(),
    }
}

/// Serializes Unix milliseconds as [`format`] does (`#[serde(serialize_with = "...")]`).
pub fn serialize<S: Serializer>(unix_ms: &i64, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&format(*unix_ms))
}

/// [`serialize`] for a time that may not have come yet: `null` until then.
pub fn serialize_option<S: Serializer>(
    unix_ms: &Option<i64>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match unix_ms {
        Some(ms) => serializer.serialize_str(&format(*ms)),
        None => serializer.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_time_is_shown_in_utc_to_the_minute() {
        assert_eq!(format(0), "1970-01-01 00:00 UTC");
        assert_eq!(format(1_795_830_839_999), "2026-11-28 01:53 UTC");
        assert_eq!(format(-1), "1969-12-31 23:59 UTC");
        assert_eq!(format(i64::MAX), "unknown time");
    }

    #[test]
    fn times_serialize_in_the_same_format_and_a_missing_one_as_null() {
        #[derive(serde::Serialize)]
        struct Times {
            #[serde(serialize_with = "serialize")]
            at: i64,
            #[serde(serialize_with = "serialize_option")]
            until: Option<i64>,
        }
        let json = serde_json::to_string(&Times { at: 0, until: None }).unwrap();
        assert_eq!(json, r#"{"at":"1970-01-01 00:00 UTC","until":null}"#);
    }
}
