//! Catalogue, scenario pages, wiki pages and the 404 page.

use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};

use crate::app::AppState;
use crate::content::catalogue::{self, Facets, Filter};
use crate::error::AppError;
use crate::templates::{
    self, CataloguePage, ErrorPage, Layout, ScenarioPage, WikiIndexPage, WikiPage,
};

pub async fn catalogue(State(state): State<AppState>, Query(filter): Query<Filter>) -> Response {
    let site = state.site();
    let page = CataloguePage {
        layout: Layout::default(),
        scenarios: catalogue::scenarios(&site, &filter),
        facets: Facets::of(site.scenarios()),
        total: site.scenarios().count(),
        filter: &filter,
    };
    templates::page(&page)
}

pub async fn scenario(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let site = state.site();
    let page = site.scenario(&slug).ok_or(AppError::NotFound)?;
    Ok(templates::page(&ScenarioPage {
        layout: Layout::default(),
        page,
    }))
}

pub async fn wiki_index(State(state): State<AppState>) -> Response {
    let site = state.site();
    let mut pages: Vec<_> = site.wiki_pages().collect();
    pages.sort_by_key(|p| p.title.to_lowercase());
    templates::page(&WikiIndexPage {
        layout: Layout::default(),
        pages,
    })
}

pub async fn wiki_page(
    State(state): State<AppState>,
    Path(path): Path<String>,
) -> Result<Response, AppError> {
    let site = state.site();
    let url = format!("/wiki/{}", path.trim_end_matches(".md"));
    let page = site
        .by_url(&url)
        .filter(|p| p.scenario.is_none())
        .ok_or(AppError::NotFound)?;
    Ok(templates::page(&WikiPage {
        layout: Layout::default(),
        page,
    }))
}

/// The helpful 404 for any address no route serves.
pub async fn not_found(uri: Uri) -> Response {
    let path = uri.path();
    let page = ErrorPage {
        layout: Layout::default(),
        status: 404,
        title: "Page not found",
        message: "There is no page at this address.",
        path: Some(path),
    };
    (StatusCode::NOT_FOUND, templates::page(&page)).into_response()
}
