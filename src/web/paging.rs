//! Keyset paging for the lists kept newest first (a learner's attempts, interviews): the
//! `before` position in the address, and the links to the newest and the next older page.
//!
//! A position is the last shown row's time and id, `?before=<unix ms>.<id>`: the next page is
//! the rows before it, so rows added meanwhile never shift it, and it says nothing about whose
//! rows they are (the query still selects only the visitor's).

use axum::extract::Query;
use axum::extract::rejection::QueryRejection;
use serde::Deserialize;

use crate::error::AppError;
use crate::store::Position;
use crate::templates::Pager;

/// Rows on one page.
pub const PER_PAGE: u32 = 50;

/// Rows to fetch for a page: one more than it shows says whether an older page follows.
pub const FETCH: u32 = PER_PAGE + 1;

/// A list's query string.
#[derive(Debug, Deserialize)]
pub struct PageQuery {
    /// The position of the previous page's last row.
    before: Option<String>,
}

/// A paged list: where it is served and what it lists.
#[derive(Debug, Clone, Copy)]
pub struct List {
    /// The address of its newest page.
    pub path: &'static str,
    /// What it lists, in the plural: `attempts`.
    pub noun: &'static str,
}

impl List {
    /// Where the page asked for starts: before `?before=`, or the newest rows without one. A
    /// malformed position is a 400 that says where to start again.
    pub fn position(
        self,
        query: Result<Query<PageQuery>, QueryRejection>,
    ) -> Result<Position, AppError> {
        let start_again = format!("Start from the newest {} at {}.", self.noun, self.path);
        let Query(query) = query.map_err(|rejection| {
            AppError::BadRequest(format!(
                "The address could not be read ({}). {start_again}",
                rejection.body_text()
            ))
        })?;
        let Some(before) = query.before else {
            return Ok(Position::NEWEST);
        };
        parse(&before).ok_or_else(|| {
            AppError::BadRequest(format!(
                "“{}” is not a place in the list of {}: the link may have been cut short. \
                 {start_again}",
                shortened(&before),
                self.noun
            ))
        })
    }

    /// The page's rows out of at most [`FETCH`] fetched before `before`, and its links; `place`
    /// is a row's position.
    pub fn page<T>(
        self,
        before: Position,
        mut rows: Vec<T>,
        place: impl Fn(&T) -> Position,
    ) -> (Vec<T>, Pager) {
        let more = rows.len() > PER_PAGE as usize;
        rows.truncate(PER_PAGE as usize);
        let older = rows.last().filter(|_| more).map(|row| format(place(row)));
        let pager = Pager {
            path: self.path,
            noun: self.noun,
            newest: before == Position::NEWEST,
            older,
        };
        (rows, pager)
    }
}

/// A position as the address shows it: `<at>.<id>`.
pub fn format(position: Position) -> String {
    format!("{}.{}", position.at, position.id)
}

/// The position in `<at>.<id>`: two whole numbers from 0 to `i64::MAX`, in plain digits.
pub fn parse(text: &str) -> Option<Position> {
    let (at, id) = text.split_once('.')?;
    Some(Position {
        at: number(at)?,
        id: number(id)?,
    })
}

/// Digits only: `str::parse` alone would take a sign.
fn number(digits: &str) -> Option<i64> {
    match !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        true => digits.parse().ok(),
        false => None,
    }
}

/// At most 40 characters of what was asked for, for the message.
fn shortened(text: &str) -> String {
    match text.char_indices().nth(40) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIST: List = List {
        path: "/things",
        noun: "things",
    };

    #[test]
    fn a_position_reads_back_as_written() {
        for position in [
            Position { at: 0, id: 0 },
            Position {
                at: 1_765_000_000_123,
                id: 42,
            },
            Position::NEWEST,
        ] {
            assert_eq!(parse(&format(position)), Some(position));
        }
    }

    #[test]
    fn anything_but_two_whole_numbers_is_no_position() {
        for text in [
            "",
            ".",
            "abc",
            "1.",
            ".1",
            "1",
            "1.2.3",
            "-1.2",
            "1.-2",
            "+1.2",
            "1.+2",
            " 1.2",
            "1.2 ",
            "1,2",
            "1e3.2",
            "0x1.2",
            "١.٢",
            // One past i64::MAX, and far past it.
            "9223372036854775808.1",
            "1.9223372036854775808",
            "99999999999999999999999.1",
        ] {
            assert_eq!(parse(text), None, "{text:?}");
        }
    }

    #[test]
    fn one_row_more_than_a_page_makes_a_link_to_the_older_page_from_the_last_shown() {
        let rows: Vec<i64> = (0..i64::from(FETCH)).rev().collect();
        let place = |n: &i64| Position {
            at: 1_000 + n,
            id: *n,
        };
        let (shown, pager) = LIST.page(Position::NEWEST, rows.clone(), place);
        assert_eq!(shown, rows[..PER_PAGE as usize]);
        assert_eq!(pager.older, Some(format(place(&shown[49]))));
        assert!(pager.newest);
        let (shown, pager) = LIST.page(place(&100), rows[1..].to_vec(), place);
        assert_eq!(shown.len(), PER_PAGE as usize);
        assert_eq!((pager.older, pager.newest), (None, false));
    }

    #[test]
    fn a_malformed_position_is_a_bad_request_naming_where_to_start_again() {
        let query = |before: &str| {
            Ok(Query(PageQuery {
                before: Some(before.to_owned()),
            }))
        };
        let long = "9".repeat(60);
        for before in ["1.", long.as_str()] {
            match LIST.position(query(before)) {
                Err(AppError::BadRequest(message)) => {
                    assert!(message.contains("Start from the newest things at /things."));
                    assert!(message.chars().count() < 200, "{message}");
                }
                other => panic!("{before}: {other:?}"),
            }
        }
        assert_eq!(
            LIST.position(Ok(Query(PageQuery { before: None })))
                .unwrap(),
            Position::NEWEST
        );
    }
}
