//! The stylesheet, script and icon: read into memory once at start, served from there with a
//! charset and a year of caching (their URLs carry a hash of their contents, so a change is a
//! new URL).

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::Path;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Path as UrlPath, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use bytes::Bytes;

use crate::error::AppError;

/// The static files, by name.
#[derive(Debug, Default)]
pub struct Assets {
    files: HashMap<String, (HeaderValue, Bytes)>,
    /// A short hash of every file, appended to their URLs.
    pub version: String,
}

const IMMUTABLE: HeaderValue = HeaderValue::from_static("public, max-age=31536000, immutable");

impl Assets {
    /// Reads the files of `dir` (not its subfolders). A missing folder gives no assets: pages
    /// still work, unstyled, and the problem is logged.
    pub fn load(dir: &Path) -> Self {
        let mut paths: Vec<_> = match std::fs::read_dir(dir) {
            Ok(entries) => entries.flatten().map(|e| e.path()).collect(),
            Err(err) => {
                tracing::error!(dir = %dir.display(), %err, "cannot read the static files");
                Vec::new()
            }
        };
        paths.sort();
        let mut hasher = DefaultHasher::new();
        let mut files = HashMap::new();
        for path in paths {
            let (Some(name), Ok(bytes)) = (
                path.file_name().and_then(|n| n.to_str()),
                std::fs::read(&path),
            ) else {
                continue;
            };
            name.hash(&mut hasher);
            bytes.hash(&mut hasher);
            files.insert(name.to_owned(), (content_type(name), Bytes::from(bytes)));
        }
        Self {
            files,
            version: format!("{:08x}", hasher.finish() as u32),
        }
    }

    /// The routes under `/static`.
    pub fn router<S>(self) -> Router<S> {
        Router::new()
            .route("/{file}", get(serve))
            .with_state(Arc::new(self))
    }
}

fn content_type(name: &str) -> HeaderValue {
    let extension = name.rsplit_once('.').map_or("", |(_, e)| e);
    HeaderValue::from_static(match extension {
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "svg" => "image/svg+xml; charset=utf-8",
        "png" => "image/png",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    })
}

async fn serve(
    State(assets): State<Arc<Assets>>,
    UrlPath(file): UrlPath<String>,
) -> Result<Response, AppError> {
    let (content_type, bytes) = assets.files.get(&file).ok_or(AppError::NotFound)?;
    Ok((
        [
            (header::CONTENT_TYPE, content_type.clone()),
            (header::CACHE_CONTROL, IMMUTABLE),
        ],
        bytes.clone(),
    )
        .into_response())
}
