//! The search results page.

use askama::Template;

use super::Layout;
use crate::content::catalogue::Facets;
use crate::search::{Entry, Kind, MAX_QUERY_CHARS, Results};
use crate::web::search::SearchForm;

#[derive(Debug, Template)]
#[template(path = "search.html")]
pub struct SearchPage<'a> {
    pub layout: Layout,
    /// What was asked, as typed, for the form.
    pub form: &'a SearchForm,
    pub kinds: &'static [Kind],
    /// The levels and topics of the pages this reader may see, for the filters.
    pub facets: Facets,
    /// Why the query could not be run.
    pub error: Option<String>,
    /// `None` without a query to run.
    pub results: Option<Results<'a>>,
}

impl SearchPage<'_> {
    fn max_chars(&self) -> usize {
        MAX_QUERY_CHARS
    }

    /// Whether any filter is set.
    fn filtered(&self) -> bool {
        let form = self.form;
        [&form.kind, &form.level, &form.topic]
            .iter()
            .any(|f| !f.trim().is_empty())
    }

    fn kind_selected(&self, kind: &Kind) -> bool {
        kind.as_str().eq_ignore_ascii_case(self.form.kind.trim())
    }

    /// The badge naming what a result is: a wiki page by its group (`Runbooks`).
    fn kind_label(&self, entry: &Entry) -> String {
        match entry.kind {
            Kind::Scenario => "Scenario".to_owned(),
            Kind::Walkthrough => "Walkthrough".to_owned(),
            Kind::Gauntlet => "Gauntlet".to_owned(),
            Kind::Wiki => entry.group.clone(),
        }
    }
}
