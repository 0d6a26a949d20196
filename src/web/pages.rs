//! Catalogue, scenario pages, wiki pages and the 404 page.

use axum::extract::{Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};

use crate::app::AppState;
use crate::content::catalogue::{self, Facets, Filter};
use crate::templates::{self, CataloguePage, ErrorPage, Layout, WikiIndexPage};

pub async fn catalogue(State(state): State<AppState>, Query(filter): Query<Filter>) -> Response {
    let content = state.content();
    let site = &content.site;
    let page = CataloguePage {
        layout: Layout::in_section("scenarios"),
        scenarios: catalogue::scenarios(site, &filter),
        facets: Facets::of(site.scenarios()),
        total: site.scenarios().count(),
        filter: &filter,
    };
    templates::page(&page)
}

pub async fn wiki_index(State(state): State<AppState>) -> Response {
    let content = state.content();
    let site = &content.site;
    let mut pages: Vec<_> = site.wiki_pages().collect();
    pages.sort_by_key(|p| p.title.to_lowercase());
    templates::page(&WikiIndexPage {
        layout: Layout::in_section("wiki"),
        pages,
    })
}

/// Any page of the content tree, at its path without `.md`; otherwise the helpful 404.
pub async fn page(State(state): State<AppState>, uri: Uri) -> Response {
    let content = state.content();
    let path = uri.path();
    let Some((page, article)) = content.page(path.strip_suffix(".md").unwrap_or(path)) else {
        return not_found(path);
    };
    let (section, title) = match page.scenario {
        Some(_) => ("scenarios", page.short_title()),
        None => ("wiki", page.title.as_str()),
    };
    templates::framed(Layout::in_section(section), title, article)
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
