//! The edges of signing in, hardened after a security review: redirect targets, sign-in
//! limits, secrets, cookies, passwords, security logging, the Origin check and the sessions
//! list on the account page.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use axum_extra::extract::SignedCookieJar;
use axum_extra::extract::cookie::{Cookie, Key};
use firedrill::accounts::{Password, Role};
use firedrill::app::Settings;
use firedrill::secrets::{Keys, Secret, Source};
use firedrill::store::Store;
use firedrill::web::limits::Rates;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::helpers::TestApp;

const SEED: &str = "/scenarios/gitops-drift-causing-outage";

/// Every way of writing "another site" that a browser would follow, and what the server
/// must answer instead.
const OFF_SITE: &[&str] = &[
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example",
    "/\t/evil.example",
    "/\u{b}/evil.example",
    "/\0/evil.example",
    "/.//evil.example",
    "%2F%2Fevil.example",
    "/\r\n/evil.example",
];

#[tokio::test]
async fn a_next_target_that_leaves_the_site_signs_in_and_goes_home_never_500() {
    let app = TestApp::fixtures().await;
    let password = app.add_user("ana", Role::Learner).await;
    for next in OFF_SITE {
        let browser = app.another_browser();
        let res = browser
            .post_form(
                "/sign-in",
                &[
                    ("csrf", "new"),
                    ("name", "ana"),
                    ("password", &password),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(
            res.status,
            StatusCode::SEE_OTHER,
            "next={next:?}: {}",
            res.body
        );
        assert_eq!(res.header(header::LOCATION), "/", "next={next:?}");
    }
    // A page of this site is kept, in the parser's (percent-encoded) form.
    let res = app
        .post_form(
            "/sign-in",
            &[
                ("csrf", "new"),
                ("name", "ana"),
                ("password", &password),
                ("next", "/%09/x?q=a b#top"),
            ],
        )
        .await;
    assert_eq!(res.header(header::LOCATION), "/%09/x?q=a%20b#top");
}

#[tokio::test]
async fn an_encoded_next_in_the_query_is_decoded_once_and_still_refused() {
    let app = TestApp::fixtures().await;
    app.add_user("ana", Role::Learner).await;
    for query in [
        "%2F%09%2Fevil.example",
        "%2F%0B%2Fevil",
        "%2F%00",
        "%2F%2Fevil",
    ] {
        let page = app.get(&format!("/sign-in?next={query}")).await;
        assert_eq!(page.status, StatusCode::OK, "next={query}");
        assert!(
            page.body.contains(r#"name="next" value="/""#),
            "next={query}: the form returns home"
        );
        let up = app.get(&format!("/sign-up?next={query}")).await;
        assert_eq!(up.status, StatusCode::OK, "next={query}");
    }
}

#[tokio::test]
async fn signing_up_with_an_off_site_next_lands_on_the_attempts_page() {
    let app = TestApp::fixtures_with(Settings {
        rates: Rates {
            sign_up: 0,
            ..Rates::default()
        },
        ..Settings::default()
    })
    .await;
    for (i, next) in OFF_SITE.iter().enumerate() {
        let browser = app.another_browser();
        let name = format!("learner{i}");
        let res = browser
            .post_form(
                "/sign-up",
                &[
                    ("csrf", "new"),
                    ("name", &name),
                    ("password", "correct horse battery"),
                    ("confirm", "correct horse battery"),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(
            res.status,
            StatusCode::SEE_OTHER,
            "next={next:?}: {}",
            res.body
        );
        assert_eq!(res.header(header::LOCATION), "/attempts", "next={next:?}");
    }
}

/// A sign-in form post as a browser at `client` sends it through a proxy that appends the
/// client's address to `X-Forwarded-For`.
fn sign_in_from(client: &str, name: &str, password: &str) -> Request<Body> {
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs([("csrf", "new"), ("name", name), ("password", password)])
        .finish();
    Request::post("/sign-in")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("x-forwarded-for", client)
        .body(Body::from(body))
        .unwrap()
}

fn behind_proxy(sign_in: u32) -> Settings {
    Settings {
        behind_proxy: true,
        rates: Rates {
            sign_in,
            ..Rates::default()
        },
        ..Settings::default()
    }
}

#[tokio::test]
async fn guessing_from_one_address_cannot_lock_the_owner_out_from_another() {
    let app = TestApp::fixtures_with(behind_proxy(3)).await;
    let password = app.add_user("ana", Role::Learner).await;
    let attacker = app.another_browser();
    for _ in 0..3 {
        let res = attacker
            .request(sign_in_from("203.0.113.7", "ana", "wrong password guess"))
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let res = attacker
        .request(sign_in_from("203.0.113.7", "ana", &password))
        .await;
    assert_eq!(
        res.status,
        StatusCode::TOO_MANY_REQUESTS,
        "the guesser is refused"
    );

    let started = Instant::now();
    let res = app
        .request(sign_in_from("198.51.100.1", "ana", &password))
        .await;
    assert_eq!(
        res.status,
        StatusCode::SEE_OTHER,
        "the owner gets in: {}",
        res.body
    );
    assert!(
        started.elapsed() >= Duration::from_millis(500),
        "but slowed, as the name was tried often: {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn addresses_in_one_ipv6_64_share_their_sign_in_limit() {
    let app = TestApp::fixtures_with(behind_proxy(2)).await;
    app.add_user("ana", Role::Learner).await;
    for client in ["2001:db8:1:2::1", "2001:db8:1:2::2"] {
        let res = app
            .request(sign_in_from(client, "ana", "wrong guess"))
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let res = app
        .request(sign_in_from("2001:db8:1:2:ffff::3", "ana", "wrong guess"))
        .await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn a_password_longer_than_sign_up_allows_is_refused_before_hashing() {
    let app = TestApp::fixtures().await;
    let long = "x".repeat(firedrill::accounts::PASSWORD_CHARS.1 + 1);
    let user = firedrill::store::NewUser {
        name: "ana".to_owned(),
        password_hash: firedrill::accounts::hash_now(&Password(long.clone())),
        role: "learner".to_owned(),
        created_at: 1,
    };
    app.store.create_user(user).await.unwrap();
    let res = app.sign_in("ana", &long).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    res.assert_contains(&["do not match an account"]);
}

#[tokio::test]
async fn common_passwords_are_refused_at_sign_up_and_password_change() {
    let app = TestApp::fixtures().await;
    for common in ["password123", "1234567890", "qwertyuiop"] {
        let res = app
            .post_form(
                "/sign-up",
                &[
                    ("csrf", "new"),
                    ("name", "ana"),
                    ("password", common),
                    ("confirm", common),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{common}");
        res.assert_contains(&["most common passwords"]);
    }
    assert!(app.store.user("ana").await.unwrap().is_none());

    let password = app.add_user("bo", Role::Learner).await;
    app.sign_in("bo", &password).await;
    let csrf = TestApp::csrf_in(&app.get("/account").await);
    let res = app
        .post_form(
            "/account/password",
            &[
                ("csrf", &csrf),
                ("current", &password),
                ("password", "Password123"),
                ("confirm", "Password123"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    res.assert_contains(&["most common passwords"]);
}

fn over_https() -> Settings {
    Settings {
        sessions: firedrill::web::identity::SessionPolicy {
            https: true,
            ..Default::default()
        },
        ..Settings::default()
    }
}

/// The `Set-Cookie` headers of a response.
fn set_cookies(res: &crate::helpers::TestResponse) -> Vec<String> {
    res.headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect()
}

#[track_caller]
fn assert_host_prefixed(cookie: &str) {
    assert!(cookie.starts_with("__Host-"), "{cookie}");
    for flag in ["Secure", "Path=/", "HttpOnly", "SameSite=Lax"] {
        assert!(cookie.contains(flag), "{flag} missing in {cookie}");
    }
    assert!(!cookie.contains("Domain"), "{cookie}");
}

#[tokio::test]
async fn over_https_both_cookies_are_secure_and_host_prefixed_and_read_back() {
    let app = TestApp::fixtures_with(over_https()).await;
    let page = app.get(SEED).await;
    let res = app
        .post_form(
            "/reveals",
            &[
                ("csrf", &TestApp::csrf_in(&page)),
                ("scenario", "gitops-drift-causing-outage"),
            ],
        )
        .await;
    let cookies = set_cookies(&res);
    assert_eq!(cookies.len(), 1, "{cookies:?}");
    assert!(cookies[0].starts_with("__Host-firedrill_learner="));
    assert_host_prefixed(&cookies[0]);
    // The anonymous learner is recognised by the prefixed cookie: the answers stay open.
    let revealed = app.get(SEED).await;
    assert_ne!(
        TestApp::csrf_in(&revealed),
        "new",
        "the learner is known again"
    );

    let password = app.add_user("ana", Role::Learner).await;
    let res = app.sign_in("ana", &password).await;
    let cookies = set_cookies(&res);
    let session = cookies
        .iter()
        .find(|c| c.starts_with("__Host-firedrill_session="))
        .expect("a session cookie");
    assert_host_prefixed(session);
    let removal = cookies
        .iter()
        .find(|c| c.starts_with("__Host-firedrill_learner="))
        .expect("the anonymous cookie removed");
    assert!(
        removal.contains("Max-Age=0") && removal.contains("Secure"),
        "{removal}"
    );
    let account = app.get("/account").await;
    assert_eq!(
        account.status,
        StatusCode::OK,
        "signed in by the prefixed cookie"
    );
    account.assert_contains(&["ana"]);
}

#[tokio::test]
async fn over_https_a_cookie_without_the_host_prefix_is_not_read() {
    let app = TestApp::fixtures_with(over_https()).await;
    let password = app.add_user("ana", Role::Learner).await;
    app.sign_in("ana", &password).await;
    let token = app.cookie("__Host-firedrill_session").expect("signed in");
    let planted = app.another_browser();
    planted.set_cookie("firedrill_session", &token);
    let res = planted.get("/account").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "sent to sign in");
}

#[tokio::test]
async fn over_plain_http_the_anonymous_cookie_is_neither_secure_nor_prefixed() {
    let app = TestApp::fixtures().await;
    let page = app.get(SEED).await;
    let res = app
        .post_form(
            "/reveals",
            &[
                ("csrf", &TestApp::csrf_in(&page)),
                ("scenario", "gitops-drift-causing-outage"),
            ],
        )
        .await;
    let cookies = set_cookies(&res);
    assert!(cookies[0].starts_with("firedrill_learner="), "{cookies:?}");
    assert!(!cookies[0].contains("Secure"));
}

#[tokio::test]
async fn a_post_from_the_same_host_over_another_scheme_is_refused() {
    let app = TestApp::fixtures_with(over_https()).await;
    let request = Request::post("/sign-in")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::HOST, "drill.example")
        .header(header::ORIGIN, "http://drill.example")
        .body(Body::from("csrf=new&name=ana&password=whatever-it-is"))
        .unwrap();
    let res = app.request(request).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    res.assert_contains(&["sent from another site"]);
}

/// A cookie value signed with `key`, as the server's signed jar writes it.
fn signed(key: &Key, name: &str, value: &str) -> String {
    let jar = SignedCookieJar::new(key.clone()).add(Cookie::new(name.to_owned(), value.to_owned()));
    let response = axum::response::IntoResponse::into_response((jar, ()));
    let set = response.headers()[header::SET_COOKIE].to_str().unwrap();
    set.split(';').next().unwrap().to_owned()
}

/// An interview started by a signed-in interviewer; returns its console's path and the
/// candidate link's token shown there.
async fn start_interview(app: &TestApp) -> (String, String) {
    let interviewer = app.another_browser();
    interviewer.signed_in_as("ivy", Role::Interviewer).await;
    let page = interviewer.get(SEED).await;
    let started = interviewer
        .post_form(
            "/interviews",
            &[
                ("csrf", &TestApp::csrf_in(&page)),
                ("scenario", "gitops-drift-causing-outage"),
                ("candidate", "Sam"),
            ],
        )
        .await;
    let console_path = started.header(header::LOCATION).to_owned();
    let console = interviewer.get(&console_path).await;
    let at = console.body.find("/i/").expect("the candidate link") + 3;
    (console_path, console.body[at..at + 64].to_owned())
}

/// Every value in the database's `settings` table.
async fn settings_values(url: &str) -> Vec<Vec<u8>> {
    let mut conn = <sqlx::SqliteConnection as sqlx::Connection>::connect(url)
        .await
        .unwrap();
    sqlx::query_scalar("SELECT value FROM settings")
        .fetch_all(&mut conn)
        .await
        .unwrap()
}

/// The form token a page shows a browser sending `cookie`: `new` when it is not recognised.
async fn token_seen_with(app: &TestApp, cookie: &str) -> String {
    let page = app.get_with(SEED, header::COOKIE, cookie).await;
    TestApp::csrf_in(&page)
}

/// A candidate token made the old way: an HMAC under the cookie key's signing half.
fn old_style_token(key: &Key, public_id: &str) -> String {
    let mut mac = <Hmac<Sha256>>::new_from_slice(key.signing()).unwrap();
    mac.update(b"firedrill candidate link\0");
    mac.update(public_id.as_bytes());
    firedrill::random::hex(&mac.finalize().into_bytes())
}

#[tokio::test]
async fn a_candidate_link_and_learner_cookie_forged_from_the_database_alone_are_refused() {
    let app = TestApp::fixtures_on_sqlite().await;
    let (console, token) = start_interview(&app).await;
    let public_id = console.trim_start_matches("/interviews/").to_owned();
    assert_eq!(app.get(&format!("/i/{token}")).await.status, StatusCode::OK);
    let (id, csrf) = ("a".repeat(32), "b".repeat(32));
    let learner = format!("{id}.{csrf}");

    // Whatever the database holds, used as a key the old way or as the secret, forges nothing.
    let values = settings_values(&app.database_url()).await;
    assert!(!values.is_empty(), "the database has settings to try");
    for value in values {
        let mut keys = vec![
            Keys::derive(&Secret::from_bytes(value.clone()), None)
                .cookie()
                .clone(),
        ];
        let mut tokens = vec![
            Keys::derive(&Secret::from_bytes(value.clone()), None).candidate_token(&public_id),
        ];
        if value.len() >= 64 {
            keys.push(Key::from(&value));
            tokens.push(old_style_token(&Key::from(&value), &public_id));
        }
        for forged in tokens {
            let res = app.another_browser().get(&format!("/i/{forged}")).await;
            assert_eq!(res.status, StatusCode::NOT_FOUND);
        }
        for key in keys {
            let cookie = signed(&key, "firedrill_learner", &learner);
            assert_eq!(token_seen_with(&app, &cookie).await, "new");
        }
    }

    // The same forgery with the key file's secret works: the test would catch a leak.
    let text = std::fs::read_to_string(format!(
        "{}.key",
        app.database_url().trim_start_matches("sqlite://")
    ))
    .unwrap();
    let hex = text
        .lines()
        .find_map(|l| l.strip_prefix("secret = "))
        .unwrap();
    let bytes = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect();
    let real = Keys::derive(&Secret::from_bytes(bytes), None);
    assert_eq!(real.candidate_token(&public_id), token);
    let cookie = signed(real.cookie(), "firedrill_learner", &learner);
    assert_eq!(token_seen_with(&app, &cookie).await, csrf);
}

#[tokio::test]
async fn an_older_databases_cookie_key_moves_to_the_key_file_and_its_cookies_still_work() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("old.db");
    let url = format!("sqlite://{}", db.display());
    let legacy = vec![42u8; 64];
    let store = Store::open(&url).await.unwrap();
    let mut conn = <sqlx::SqliteConnection as sqlx::Connection>::connect(&url)
        .await
        .unwrap();
    sqlx::query("INSERT INTO settings (key, value) VALUES ('cookie_key', $1)")
        .bind(&legacy)
        .execute(&mut conn)
        .await
        .unwrap();
    store.close().await;
    let (id, csrf) = ("c".repeat(32), "d".repeat(32));
    let cookie = signed(
        &Key::from(&legacy),
        "firedrill_learner",
        &format!("{id}.{csrf}"),
    );

    let (store, router, _) = TestApp::reopen(&url).await;
    let page = oneshot_get(&router, SEED, &cookie).await;
    assert!(page.contains(&csrf), "the anonymous learner is still known");
    assert_eq!(
        store.legacy_cookie_key().await.unwrap(),
        None,
        "gone from the database"
    );
    let key_file = std::fs::read_to_string(dir.path().join("old.db.key")).unwrap();
    assert!(key_file.contains(&format!("legacy-cookie-key = {}", "2a".repeat(64))));

    // Rotating drops it.
    firedrill::secrets::rotate(&store, &Source::default())
        .await
        .unwrap();
    store.close().await;
    let (_store, router, _) = TestApp::reopen(&url).await;
    let page = oneshot_get(&router, SEED, &cookie).await;
    assert!(
        !page.contains(&csrf),
        "after a rotation the old key signs nobody in"
    );
}

async fn oneshot_get(router: &axum::Router, uri: &str, cookie: &str) -> String {
    use http_body_util::BodyExt as _;
    use tower::ServiceExt as _;
    let request = Request::get(uri)
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .unwrap();
    let response = router.clone().oneshot(request).await.unwrap();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    String::from_utf8_lossy(&bytes).into_owned()
}

#[tokio::test]
async fn rotating_the_secret_signs_everyone_out_and_changes_every_candidate_link() {
    let app = TestApp::fixtures_on_sqlite().await;
    let password = app.add_user("ana", Role::Learner).await;
    app.sign_in("ana", &password).await;
    let session = format!(
        "firedrill_session={}",
        app.cookie("firedrill_session").unwrap()
    );
    let (console, old_token) = start_interview(&app).await;
    let public_id = console.trim_start_matches("/interviews/");

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_firedrill"))
        .args(["secret", "rotate", "--database", &app.database_url()])
        .env_remove("FIREDRILL_SECRET")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("everyone is signed out"), "{stdout}");

    let (_store, router, state) = TestApp::reopen(&app.database_url()).await;
    let account = oneshot_get(&router, "/account", &session).await;
    assert!(!account.contains("ana"), "signed out: {account}");
    let old = oneshot_get(&router, &format!("/i/{old_token}"), "").await;
    assert!(old.contains("Page not found"), "the old link is dead");
    let new_token = state.keys().candidate_token(public_id);
    assert_ne!(new_token, old_token);
    let new = oneshot_get(&router, &format!("/i/{new_token}"), "").await;
    assert!(
        !new.contains("Page not found"),
        "the console's new link works"
    );
}

#[tokio::test]
async fn a_secret_in_the_environment_cannot_be_rotated_by_the_command() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("x.db").display());
    firedrill::store::Store::open(&url)
        .await
        .unwrap()
        .close()
        .await;
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_firedrill"))
        .args(["secret", "rotate", "--database", &url])
        .env("FIREDRILL_SECRET", "k".repeat(40))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("set a new value there"), "{stderr}");
    assert!(!dir.path().join("x.db.key").exists());
}

#[tokio::test]
async fn a_secret_from_the_environment_needs_no_key_file_and_a_short_one_is_refused() {
    let with = |text: &str| Settings {
        secret: Source::from_config(None, Some(text.to_owned())),
        ..Settings::default()
    };
    let app = TestApp::fixtures_with(with(&"s".repeat(40))).await;
    let path = app
        .database_url()
        .trim_start_matches("sqlite://")
        .to_owned();
    assert!(!std::path::Path::new(&format!("{path}.key")).exists());
    let expected = Keys::derive(&Secret::from_text(&"s".repeat(40)), None);
    assert_eq!(
        app.state.keys().candidate_token("x"),
        expected.candidate_token("x")
    );

    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("y.db").display());
    let store = Store::open(&url).await.unwrap();
    let site = firedrill::content::Site::build(&[]);
    let err = firedrill::app::AppState::new(site, store, with("short"))
        .await
        .unwrap_err();
    assert!(format!("{err:#}").contains("at least 32"), "{err:#}");
}

/// Everything logged while a test runs (a current-thread runtime keeps it to this test).
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Log {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Log {
    fn start() -> (Self, tracing::subscriber::DefaultGuard) {
        let log = Log::default();
        let writer = log.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::INFO)
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish();
        (log, tracing::subscriber::set_default(subscriber))
    }

    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }

    /// The one line holding `needle`, which must name the client and a server-made request id.
    #[track_caller]
    fn line(&self, needle: &str, client: &str) -> String {
        let text = self.text();
        let line = text
            .lines()
            .find(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("no {needle:?} in the log:\n{text}"))
            .to_owned();
        assert!(line.contains(&format!("client={client}")), "{line}");
        let id = line
            .split("request_id=")
            .nth(1)
            .and_then(|rest| rest.split(' ').next())
            .unwrap_or_else(|| panic!("no request id in {line}"));
        assert!(id.parse::<u64>().is_ok(), "a server-made id: {line}");
        line
    }
}

/// A request from `client` through the proxy, with a request id of the client's choosing.
fn from(client: &str, request: Request<Body>) -> Request<Body> {
    let (mut parts, body) = request.into_parts();
    parts
        .headers
        .insert("x-forwarded-for", client.parse().unwrap());
    parts
        .headers
        .insert("x-request-id", "client-chosen".parse().unwrap());
    Request::from_parts(parts, body)
}

fn form(uri: &str, body: &str) -> Request<Body> {
    Request::post(uri)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body.to_owned()))
        .unwrap()
}

#[tokio::test(flavor = "current_thread")]
async fn refusals_are_logged_with_the_client_address_and_a_server_made_request_id() {
    let (log, _guard) = Log::start();
    let app = TestApp::fixtures_with(behind_proxy(2)).await;
    let password = app.add_user("ana", Role::Learner).await;
    let client = "203.0.113.9";

    // A failed sign-in, for an account that exists and for a name that does not.
    let res = app
        .request(from(
            client,
            sign_in_from(client, "ana", "not her password at all"),
        ))
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_ne!(
        res.header(header::HeaderName::from_static("x-request-id")),
        "client-chosen"
    );
    let line = log.line("refused: sign-in failed", client);
    assert!(
        line.contains("account=ana") && line.contains("status=422"),
        "{line}"
    );
    app.request(from(
        client,
        sign_in_from(client, "nobody", "x-guess-x-guess"),
    ))
    .await;
    assert!(log.text().contains("account=-"), "{}", log.text());
    // A rate limit: the third try on one name from one client in a minute.
    app.request(from(
        client,
        sign_in_from(client, "ana", "still not her password"),
    ))
    .await;
    let res = app
        .request(from(client, sign_in_from(client, "ana", &password)))
        .await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
    log.line("refused: rate limited", client);
    // A form without this browser's token.
    let res = app
        .request(from(client, form("/sign-out", "csrf=forged")))
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    log.line(
        "refused: form from another site or without its token",
        client,
    );
    // A role that does not allow the page, and a protected route that is not there.
    let learner = app.another_browser();
    learner.signed_in_as("bo", Role::Learner).await;
    let admin = Request::get("/admin/users").body(Body::empty()).unwrap();
    assert_eq!(
        learner.request(from(client, admin)).await.status,
        StatusCode::FORBIDDEN
    );
    log.line("refused: role does not allow this", client);
    let link = format!("/i/{}", "f".repeat(64));
    let guess = Request::get(link.as_str()).body(Body::empty()).unwrap();
    assert_eq!(
        app.request(from(client, guess)).await.status,
        StatusCode::NOT_FOUND
    );
    let line = log.line("refused: not found on a protected route", client);
    assert!(
        line.contains("path=/i/<token>"),
        "the token is masked: {line}"
    );

    let text = log.text();
    for secret in [
        "client-chosen",
        &password,
        "not her password at all",
        &"f".repeat(64),
    ] {
        assert!(!text.contains(secret), "{secret:?} is in the log:\n{text}");
    }
}

/// The session handles the account page offers to end, in order, and which one is this
/// browser's.
fn session_handles(page: &crate::helpers::TestResponse) -> (Vec<String>, Option<usize>) {
    let marker = r#"name="session" value=""#;
    let mut handles = Vec::new();
    let mut current = None;
    for (at, _) in page.body.match_indices(marker) {
        let start = at + marker.len();
        let end = start + page.body[start..].find('"').unwrap();
        let row_start = page.body[..at].rfind("<tr").unwrap();
        if page.body[row_start..at].contains("this browser") {
            current = Some(handles.len());
        }
        handles.push(page.body[start..end].to_owned());
    }
    (handles, current)
}

#[tokio::test]
async fn the_account_page_lists_the_users_sessions_and_ends_another_one() {
    let app = TestApp::fixtures().await;
    let password = app.add_user("ana", Role::Learner).await;
    let laptop = app.another_browser();
    laptop.sign_in("ana", &password).await;
    let phone = app.another_browser();
    phone.sign_in("ana", &password).await;
    let someone = app.another_browser();
    someone.signed_in_as("bo", Role::Learner).await;

    let page = phone.get("/account").await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains(&[
        "Where you are signed in",
        "this browser",
        "Last used",
        " UTC",
    ]);
    let (handles, current) = session_handles(&page);
    assert_eq!(handles.len(), 2, "ana's two sessions, not bo's");
    let current = current.expect("this browser is marked");
    let laptops = handles[1 - current].clone();

    let csrf = TestApp::csrf_in(&page);
    let res = phone
        .post_form(
            "/account/sessions/end",
            &[("csrf", &csrf), ("session", &laptops)],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.header(header::LOCATION), "/account?ended=1");
    assert_eq!(
        laptop.get("/account").await.status,
        StatusCode::SEE_OTHER,
        "laptop signed out"
    );
    let page = phone.get("/account?ended=1").await;
    page.assert_contains(&["That session has ended"]);
    assert_eq!(session_handles(&page).0.len(), 1);
    assert_eq!(
        someone.get("/account").await.status,
        StatusCode::OK,
        "bo is untouched"
    );

    // Ending this browser's own session signs it out.
    let (handles, _) = session_handles(&page);
    let csrf = TestApp::csrf_in(&page);
    let res = phone
        .post_form(
            "/account/sessions/end",
            &[("csrf", &csrf), ("session", &handles[0])],
        )
        .await;
    assert_eq!(res.header(header::LOCATION), "/");
    assert_eq!(phone.get("/account").await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_session_of_another_user_or_without_the_form_token_cannot_be_ended() {
    let app = TestApp::fixtures().await;
    let ana = app.another_browser();
    ana.signed_in_as("ana", Role::Learner).await;
    let bo = app.another_browser();
    bo.signed_in_as("bo", Role::Learner).await;
    let bos_page = bo.get("/account").await;
    let bos_handle = session_handles(&bos_page).0.remove(0);

    let anas_page = ana.get("/account").await;
    let res = ana
        .post_form(
            "/account/sessions/end",
            &[
                ("csrf", &TestApp::csrf_in(&anas_page)),
                ("session", &bos_handle),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND, "not ana's session");
    let res = bo
        .post_form(
            "/account/sessions/end",
            &[("csrf", "forged"), ("session", &bos_handle)],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(
        bo.get("/account").await.status,
        StatusCode::OK,
        "bo still signed in"
    );
    let signed_out = app.another_browser();
    let res = signed_out
        .post_form(
            "/account/sessions/end",
            &[("csrf", "new"), ("session", &bos_handle)],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(res.header(header::LOCATION).starts_with("/sign-in"));
}
