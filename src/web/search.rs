//! The site search: `GET /search` (the header's search box, results with filters) and
//! `GET /search.json` (the same results for tools).

use axum::extract::{Query as QueryString, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use crate::app::AppState;
use crate::content::catalogue::Facets;
use crate::content::meta::Reader;
use crate::error::AppError;
use crate::search::{Hit, Kind, Query, QueryError, Results};
use crate::templates::{self, Layout, search::SearchPage};
use crate::web::identity::Visitor;
use crate::web::published::Published;
use crate::web::view;

/// The query string of both routes; every field may be left out.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct SearchForm {
    pub q: String,
    /// `scenario`, `walkthrough`, `gauntlet` or `wiki`.
    pub kind: String,
    /// A level's code: `L2`.
    pub level: String,
    pub topic: String,
}

impl TryFrom<&SearchForm> for Query {
    type Error = QueryError;

    fn try_from(form: &SearchForm) -> Result<Self, QueryError> {
        Query::parse(&form.q, &form.kind, &form.level, &form.topic)
    }
}

/// GET /search: the results page. An empty search shows the form with a hint; a query that
/// cannot be run shows it with the problem, answered 422.
pub async fn page(
    State(state): State<AppState>,
    visitor: Visitor,
    QueryString(form): QueryString<SearchForm>,
) -> Result<Response, AppError> {
    let content = state.content();
    let reader = visitor.reader();
    let parsed = Query::try_from(&form);
    let results = match &parsed {
        Ok(query) if !query.is_empty() => Some(run(&content, query, reader)?),
        _ => None,
    };
    let page = SearchPage {
        layout: Layout::in_section("search"),
        form: &form,
        kinds: &Kind::ALL,
        facets: Facets::of(content.site.pages().iter().filter(|p| reader.sees(&p.meta))),
        error: parsed.as_ref().err().map(ToString::to_string),
        results,
    };
    let response = templates::page_for(visitor.0.as_ref(), &page);
    Ok(match parsed {
        Ok(_) => response,
        Err(_) => (StatusCode::UNPROCESSABLE_ENTITY, response).into_response(),
    })
}

/// The JSON answer of `/search.json`.
#[derive(Debug, Serialize)]
pub struct JsonResults<'a> {
    pub query: &'a str,
    /// How many pages matched; at most [`crate::search::LIMIT`] are listed.
    pub total: usize,
    pub results: Vec<JsonHit<'a>>,
}

/// One result in JSON: `title` as plain text, `snippet` as HTML (escaped, with `<mark>`s).
#[derive(Debug, Serialize)]
pub struct JsonHit<'a> {
    pub kind: Kind,
    pub slug: &'a str,
    pub url: &'a str,
    pub title: &'a str,
    pub level: Option<&'a str>,
    pub topics: &'a [String],
    pub score: f32,
    pub snippet: &'a str,
}

impl<'a> From<&'a Hit<'a>> for JsonHit<'a> {
    fn from(hit: &'a Hit<'a>) -> Self {
        let entry = hit.entry;
        Self {
            kind: entry.kind,
            slug: &entry.slug,
            url: &entry.url,
            title: &entry.title,
            level: entry.level.as_deref(),
            topics: &entry.topics,
            score: hit.score,
            snippet: &hit.snippet_html,
        }
    }
}

/// GET /search.json: the results as JSON; a query that cannot be run is answered 422 with
/// `{"error": "..."}`.
pub async fn json(
    State(state): State<AppState>,
    visitor: Visitor,
    QueryString(form): QueryString<SearchForm>,
) -> Result<Response, AppError> {
    let query = match Query::try_from(&form) {
        Ok(query) => query,
        Err(err) => {
            let body = serde_json::json!({ "error": err.to_string() });
            return Ok(json_response(StatusCode::UNPROCESSABLE_ENTITY, &body));
        }
    };
    let content = state.content();
    let results = match query.is_empty() {
        true => Results::default(),
        false => run(&content, &query, visitor.reader())?,
    };
    let body = JsonResults {
        query: &form.q,
        total: results.total,
        results: results.hits.iter().map(JsonHit::from).collect(),
    };
    let response = json_response(StatusCode::OK, &body);
    // Signed in, the results may hold drafts or hidden pages: no shared cache may keep them.
    Ok(match visitor.account() {
        Some(_) => view::no_store(response),
        None => response,
    })
}

fn run<'c>(content: &'c Published, query: &Query, reader: Reader) -> Result<Results<'c>, AppError> {
    let index = content
        .search()
        .ok_or_else(|| anyhow::anyhow!("the search index is not available"))?;
    index
        .search(query, reader)
        .map_err(|err| anyhow::Error::new(err).context("search failed").into())
}

fn json_response(status: StatusCode, body: &impl Serialize) -> Response {
    match serde_json::to_string(body) {
        Ok(json) => (status, [(header::CONTENT_TYPE, "application/json")], json).into_response(),
        Err(err) => AppError::from(anyhow::Error::from(err)).into_response(),
    }
}
