//! `TestApp`: the router over some content, and small request helpers.

use std::path::Path;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use firedrill::app::{AppState, router};
use firedrill::content::{Site, SourceFile};
use firedrill::store::Store;
use http_body_util::BodyExt;
use tower::ServiceExt;

pub struct TestApp {
    router: Router,
    pub store: Store,
    /// Holds the database file for the test's lifetime.
    _dir: tempfile::TempDir,
    /// The learner cookie, once the app has set one (like a browser keeps it).
    cookie: std::sync::Mutex<Option<String>>,
}

pub struct TestResponse {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl TestApp {
    /// The bundled `content/` folder.
    pub async fn bundled() -> Self {
        Self::with_site(firedrill::content::load(&repo("content")).expect("bundled content loads"))
            .await
    }

    /// The bundled content with author statistics closed, as on a non-loopback bind.
    pub async fn bundled_closed_statistics() -> Self {
        let mut app = Self::bundled().await;
        let site = firedrill::content::load(&repo("content")).unwrap();
        let state = AppState::new(site, app.store.clone()).await.unwrap();
        app.router = router(state, &repo("static"));
        app
    }

    /// Content made of `(path, markdown)` pairs.
    pub async fn with_files(files: &[(&str, &str)]) -> Self {
        let files: Vec<SourceFile> = files
            .iter()
            .map(|(p, t)| SourceFile {
                path: (*p).into(),
                bytes: t.as_bytes().to_vec(),
            })
            .collect();
        Self::with_site(Site::build(&files)).await
    }

    /// A fresh SQLite file in a temporary folder for each app.
    async fn with_site(site: Site) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("test.db").display());
        let store = Store::open(&url).await.unwrap();
        let state = AppState::new(site, store.clone())
            .await
            .unwrap()
            .with_open_statistics(true);
        Self {
            router: router(state, &repo("static")),
            store,
            _dir: dir,
            cookie: std::sync::Mutex::new(None),
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

    /// Sends a request with this client's cookie, keeping any cookie the response sets.
    pub async fn request(&self, mut request: Request<Body>) -> TestResponse {
        if let Some(cookie) = self.cookie.lock().unwrap().clone() {
            request
                .headers_mut()
                .entry(header::COOKIE)
                .or_insert(cookie.parse().unwrap());
        }
        let response = self.router.clone().oneshot(request).await.unwrap();
        if let Some(set) = response.headers().get(header::SET_COOKIE) {
            let pair = set.to_str().unwrap().split(';').next().unwrap().to_owned();
            *self.cookie.lock().unwrap() = Some(pair);
        }
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

impl TestApp {
    /// POSTs a urlencoded form.
    pub async fn post_form(&self, uri: &str, fields: &[(&str, &str)]) -> TestResponse {
        let body = serde_urlencoded_body(fields);
        let request = Request::post(uri)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        self.request(request).await
    }

    /// The learner cookie's value, if one was set.
    pub fn cookie_value(&self) -> Option<String> {
        let pair = self.cookie.lock().unwrap().clone()?;
        Some(pair.split_once('=')?.1.to_owned())
    }

    /// The learner id inside the cookie: the signed value ends `<id>.<csrf>`, 32 hex digits each.
    pub fn learner_id(&self) -> String {
        let value = self.cookie_value().expect("a learner cookie");
        let (head, _csrf) = value.rsplit_once('.').unwrap();
        head[head.len() - 32..].to_owned()
    }

    /// Forgets the cookie, like another browser.
    pub fn forget_cookie(&self) {
        *self.cookie.lock().unwrap() = None;
    }

    /// The form token in a page.
    pub fn csrf_in(page: &TestResponse) -> String {
        let marker = r#"name="csrf" value=""#;
        let at = page.body.find(marker).expect("page has a form token") + marker.len();
        let end = page.body[at..].find('"').unwrap();
        page.body[at..at + end].to_owned()
    }
}

fn serde_urlencoded_body(fields: &[(&str, &str)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish()
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
