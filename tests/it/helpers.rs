//! `TestApp`: the router over some content, and small request helpers.

use std::collections::BTreeMap;
use std::path::Path;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use firedrill::accounts::{Password, Role};
use firedrill::app::{AppState, Settings, router};
use firedrill::content::Site;
use firedrill::store::Store;
use http_body_util::BodyExt;
use tower::ServiceExt;

pub struct TestApp {
    router: Router,
    pub state: AppState,
    pub store: Store,
    /// Holds the database for the test's lifetime.
    db: std::sync::Arc<crate::database::TestDb>,
    /// The cookies the app has set, by name (like a browser keeps them).
    cookies: std::sync::Mutex<BTreeMap<String, String>>,
}

#[derive(Clone)]
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl TestApp {
    /// The fixture content (`tests/fixtures/content`: the seed, three scenarios in the other
    /// section variants, a topic pack and a runbook), which never changes with the library.
    pub async fn fixtures() -> Self {
        Self::fixtures_with(Settings::default()).await
    }

    /// The fixture content served with these settings.
    pub async fn fixtures_with(settings: Settings) -> Self {
        Self::from_folder_with(&fixtures(), settings).await
    }

    /// The content of a folder on disk, served with these settings.
    pub async fn from_folder_with(dir: &Path, settings: Settings) -> Self {
        let site = firedrill::content::load(dir)
            .unwrap_or_else(|err| panic!("`{}` loads: {err:#}", dir.display()));
        Self::with_site_and(site, settings).await
    }

    /// Content made of `(path, markdown)` pairs.
    pub async fn with_files(files: &[(&str, &str)]) -> Self {
        Self::with_site(Site::of_texts(files)).await
    }

    /// [`TestApp::with_files`] in watch mode on a loopback address, where every visitor is shown
    /// the problems of the file behind an address.
    pub async fn watching_files(files: &[(&str, &str)]) -> Self {
        let mut app = Self::with_files(files).await;
        app.state.watching = true;
        app.state.problems_for_all = true;
        app.router = router(app.state.clone(), &repo("static"));
        app
    }

    /// Content made of `(path, markdown)` pairs, served with these settings.
    pub async fn with_files_and(files: &[(&str, &str)], settings: Settings) -> Self {
        Self::with_site_and(Site::of_texts(files), settings).await
    }

    async fn with_site(site: Site) -> Self {
        Self::with_site_and(site, Settings::default()).await
    }

    /// A fresh database for each app: a SQLite file in a temporary folder, or a PostgreSQL
    /// database with `FIREDRILL_TEST_BACKEND=postgres` (its secret in a key file in the
    /// folder, as PostgreSQL has no file to keep one beside).
    async fn with_site_and(site: Site, mut settings: Settings) -> Self {
        let db = crate::database::TestDb::new();
        let store = Store::open(&db.url).await.unwrap();
        if store.is_postgres()
            && matches!(settings.secret, firedrill::secrets::Source::BesideDatabase)
        {
            settings.secret = firedrill::secrets::Source::File(db.key_file());
        }
        let state = AppState::new(site, store.clone(), settings).await.unwrap();
        Self {
            router: router(state.clone(), &repo("static")),
            state,
            store,
            db: std::sync::Arc::new(db),
            cookies: std::sync::Mutex::new(BTreeMap::new()),
        }
    }

    /// The same app seen from another browser: no cookies.
    pub fn another_browser(&self) -> Self {
        Self {
            router: self.router.clone(),
            state: self.state.clone(),
            store: self.store.clone(),
            db: self.db.clone(),
            cookies: std::sync::Mutex::new(BTreeMap::new()),
        }
    }

    /// Creates an account straight in the store; returns its password.
    pub async fn add_user(&self, name: &str, role: Role) -> String {
        let password = format!("{name}-correct-horse");
        let user = firedrill::store::NewUser {
            name: name.to_owned(),
            password_hash: firedrill::accounts::hash_now(&Password(password.clone())),
            role: role.as_str().to_owned(),
            created_at: 1,
        };
        self.store
            .create_user(user)
            .await
            .unwrap()
            .expect("a new name");
        password
    }

    /// Signs in through the form, as a browser would; returns the response to the POST.
    pub async fn sign_in(&self, name: &str, password: &str) -> TestResponse {
        let form = self.get("/sign-in").await;
        let csrf = Self::csrf_in(&form);
        self.post_form(
            "/sign-in",
            &[("csrf", &csrf), ("name", name), ("password", password)],
        )
        .await
    }

    /// Creates an account with this role and signs in as it.
    pub async fn signed_in_as(&self, name: &str, role: Role) {
        let password = self.add_user(name, role).await;
        let response = self.sign_in(name, &password).await;
        assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
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

    /// The fixture content over an existing database file (a restarted server).
    pub async fn reopen(url: &str) -> (Store, Router, AppState) {
        let site = firedrill::content::load(&fixtures()).unwrap();
        let store = Store::open(url).await.unwrap();
        let mut settings = Settings::default();
        if store.is_postgres() {
            settings.secret = firedrill::secrets::Source::File(crate::database::key_file_for(url));
        }
        let state = AppState::new(site, store.clone(), settings).await.unwrap();
        (store, router(state.clone(), &repo("static")), state)
    }

    /// The router, as a browser without cookies reaches it.
    pub fn another_browser_router(&self) -> Router {
        self.router.clone()
    }

    /// This app's database URL.
    pub fn database_url(&self) -> String {
        self.db.url.clone()
    }

    /// Sends a request with this browser's cookies and returns the response unread (for
    /// streams).
    pub async fn open(&self, uri: &str) -> axum::http::Response<Body> {
        let mut request = Request::get(uri).body(Body::empty()).unwrap();
        let cookies = self.cookie_header();
        if !cookies.is_empty() {
            request
                .headers_mut()
                .insert(header::COOKIE, cookies.parse().unwrap());
        }
        self.router.clone().oneshot(request).await.unwrap()
    }

    /// Sends a request with this client's cookies, keeping the cookies the response sets and
    /// forgetting those it removes.
    pub async fn request(&self, mut request: Request<Body>) -> TestResponse {
        let cookies = self.cookie_header();
        if !cookies.is_empty() {
            request
                .headers_mut()
                .entry(header::COOKIE)
                .or_insert(cookies.parse().unwrap());
        }
        let response = self.router.clone().oneshot(request).await.unwrap();
        for set in response.headers().get_all(header::SET_COOKIE) {
            let set = set.to_str().unwrap();
            let (name, value) = set.split(';').next().unwrap().split_once('=').unwrap();
            let mut jar = self.cookies.lock().unwrap();
            if set.contains("Max-Age=0") {
                jar.remove(name);
            } else {
                jar.insert(name.to_owned(), value.to_owned());
            }
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

    /// The `Cookie` header this browser sends.
    pub fn cookie_header(&self) -> String {
        let jar = self.cookies.lock().unwrap();
        let pairs: Vec<String> = jar.iter().map(|(k, v)| format!("{k}={v}")).collect();
        pairs.join("; ")
    }

    /// The anonymous learner cookie's value, if one was set.
    pub fn cookie_value(&self) -> Option<String> {
        self.cookie("firedrill_learner")
    }

    /// A cookie's value, if the app set one.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.cookies.lock().unwrap().get(name).cloned()
    }

    /// Sets a cookie, as a client replaying one would.
    pub fn set_cookie(&self, name: &str, value: &str) {
        let mut jar = self.cookies.lock().unwrap();
        jar.insert(name.to_owned(), value.to_owned());
    }

    /// The learner id inside the cookie: the signed value ends `<id>.<csrf>`, 32 hex digits each.
    pub fn learner_id(&self) -> String {
        let value = self.cookie_value().expect("a learner cookie");
        let (head, _csrf) = value.rsplit_once('.').unwrap();
        head[head.len() - 32..].to_owned()
    }

    /// Forgets the cookies, like another browser.
    pub fn forget_cookie(&self) {
        self.cookies.lock().unwrap().clear();
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

    /// The ids (32 hex digits) of the links starting `prefix` (`<td><a href="/attempts/`), in
    /// page order.
    pub fn linked_ids(&self, prefix: &str) -> Vec<String> {
        self.body
            .split(prefix)
            .skip(1)
            .map(|rest| rest[..32].to_owned())
            .collect()
    }

    /// The address of the link to the next older page of a paged list, if there is one.
    pub fn older_page(&self) -> Option<String> {
        let link = self.body.split(r#"rel="next""#).next()?;
        let (_, href) = link.rsplit_once(r#"<a href=""#)?;
        (link.len() < self.body.len()).then(|| href.trim_end_matches(['"', ' ']).to_owned())
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

/// The tests' own content folder, a frozen copy of the library (`tests/fixtures/content`); only
/// `library.rs` reads the real `content/`.
pub fn fixtures() -> std::path::PathBuf {
    repo("tests/fixtures/content")
}

/// A file of the fixture content, e.g. `scenarios/gitops-drift-causing-outage.md`.
pub fn fixture(relative: &str) -> std::path::PathBuf {
    fixtures().join(relative)
}

/// Text as the templates escape it.
pub fn escape(text: &str) -> String {
    askama::filters::escape(text, askama::filters::Html)
        .unwrap()
        .to_string()
}
