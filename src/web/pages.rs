//! Catalogue, scenario pages, wiki pages and the 404 page.

use axum::extract::{Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};

use crate::app::AppState;
use crate::content::catalogue::{self, Facets, Filter};
use crate::templates::{
    self, CataloguePage, ErrorPage, Layout, ScenarioPage, WikiIndexPage, WikiPage,
};

pub async fn catalogue(State(state): State<AppState>, Query(filter): Query<Filter>) -> Response {
    let site = state.site();
    let page = CataloguePage {
        layout: Layout::in_section("scenarios"),
        scenarios: catalogue::scenarios(&site, &filter),
        facets: Facets::of(site.scenarios()),
        total: site.scenarios().count(),
        filter: &filter,
    };
    templates::page(&page)
}

pub async fn wiki_index(State(state): State<AppState>) -> Response {
    let site = state.site();
    let mut pages: Vec<_> = site.wiki_pages().collect();
    pages.sort_by_key(|p| p.title.to_lowercase());
    templates::page(&WikiIndexPage {
        layout: Layout::in_section("wiki"),
        pages,
    })
}

/// Any page of the content tree, at its path without `.md`; otherwise the helpful 404.
pub async fn page(State(state): State<AppState>, uri: Uri) -> Response {
    let site = state.site();
    let path = uri.path();
    match site.by_url(path.strip_suffix(".md").unwrap_or(path)) {
        Some(page) if page.scenario.is_some() => templates::page(&ScenarioPage {
            layout: Layout::in_section("scenarios"),
            page,
        }),
        Some(page) => templates::page(&WikiPage {
            layout: Layout::in_section("wiki"),
            page,
        }),
        None => not_found(path),
    }
}

/// The helpful 404 for any address nothing is published at.
fn not_found(path: &str) -> Response {
    let page = ErrorPage {
        layout: Layout::default(),
        status: 404,
        title: "Page not found",
        message: "There is no page at this address.",
        path: Some(path),
    };
    (StatusCode::NOT_FOUND, templates::page(&page)).into_response()
}
