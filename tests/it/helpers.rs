//! `TestApp`: the router over some content, and small request helpers.

use std::path::Path;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use firedrill::app::{AppState, router};
use firedrill::content::{Site, SourceFile};
use http_body_util::BodyExt;
use tower::ServiceExt;

pub struct TestApp {
    router: Router,
}

pub struct TestResponse {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl TestApp {
    /// The bundled `content/` folder.
    pub fn bundled() -> Self {
        Self::with_site(firedrill::content::load(&repo("content")).expect("bundled content loads"))
    }

    /// Content made of `(path, markdown)` pairs.
    pub fn with_files(files: &[(&str, &str)]) -> Self {
        let files: Vec<SourceFile> = files
            .iter()
            .map(|(p, t)| SourceFile {
                path: (*p).into(),
                bytes: t.as_bytes().to_vec(),
            })
            .collect();
        Self::with_site(Site::build(&files))
    }

    fn with_site(site: Site) -> Self {
        Self {
            router: router(AppState::new(site), &repo("static")),
        }
    }

    pub async fn get(&self, uri: &str) -> TestResponse {
        self.request(Request::get(uri).body(Body::empty()).unwrap())
            .await
    }

    pub async fn get_with(&self, uri: &str, name: header::HeaderName, value: &str) -> TestResponse {
        self.request(
            Request::get(uri)
                .header(name, value)
                .body(Body::empty())
                .unwrap(),
        )
        .await
    }

    pub async fn request(&self, request: Request<Body>) -> TestResponse {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        TestResponse {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }
}

impl TestResponse {
    /// Asserts the body contains every needle, showing the body when one is missing.
    #[track_caller]
    pub fn assert_contains(&self, needles: &[&str]) {
        for needle in needles {
            assert!(
                self.body.contains(needle),
                "missing {needle:?} in:\n{}",
                self.body
            );
        }
    }

    pub fn header(&self, name: header::HeaderName) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

pub fn repo(relative: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}
