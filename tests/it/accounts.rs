//! Accounts through the router: sign-up, sign-in, sessions, roles and the admin page.

use axum::http::{StatusCode, header};
use firedrill::accounts::Role;
use firedrill::app::Settings;

use crate::helpers::{TestApp, TestResponse};

const SEED: &str = "/scenarios/gitops-drift-causing-outage";
const ANSWER: &str = "ArgoCD self-heal fights the HPA over spec.replicas; add ignoreDifferences.";

/// The `Set-Cookie` header that sets `name`.
fn set_cookie<'a>(response: &'a TestResponse, name: &str) -> &'a str {
    response
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .unwrap_or_else(|| panic!("no Set-Cookie for {name}: {:?}", response.headers))
}

async fn sign_up(app: &TestApp, name: &str, password: &str) -> TestResponse {
    let form = app.get("/sign-up").await;
    let csrf = TestApp::csrf_in(&form);
    app.post_form(
        "/sign-up",
        &[
            ("csrf", &csrf),
            ("name", name),
            ("password", password),
            ("confirm", password),
        ],
    )
    .await
}

async fn submit(app: &TestApp, answer: &str) -> TestResponse {
    let page = app.get(SEED).await;
    let csrf = TestApp::csrf_in(&page);
    app.post_form(
        "/attempts",
        &[
            ("csrf", &csrf),
            ("scenario", "gitops-drift-causing-outage"),
            ("answer", answer),
        ],
    )
    .await
}

#[tokio::test]
async fn sign_up_stores_an_argon2id_hash_and_signs_the_new_learner_in() {
    let app = TestApp::fixtures().await;
    let res = sign_up(&app, "ana", "correct horse battery").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let user = app
        .store
        .user("ANA")
        .await
        .unwrap()
        .expect("the user is stored");
    assert!(
        user.password_hash
            .starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{}",
        user.password_hash
    );
    assert!(!user.password_hash.contains("correct horse"));
    assert_eq!(user.role, "learner");
    let home = app.get("/").await;
    home.assert_contains(&[
        r#"<a class="account-name" href="/account""#,
        ">ana</a>",
        "Sign out",
    ]);
}

#[tokio::test]
async fn sign_up_explains_what_is_wrong_with_the_form() {
    let app = TestApp::fixtures().await;
    let short = sign_up(&app, "ana", "short").await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    short.assert_contains(&["at least 10 characters"]);
    let hostile = sign_up(&app, "<img src=x>", "correct horse battery").await;
    assert_eq!(hostile.status, StatusCode::UNPROCESSABLE_ENTITY);
    hostile.assert_contains(&["not `&#60;`", r#"value="&#60;img src=x&#62;""#]);
    assert!(!hostile.body.contains("<img src=x>"));
    app.add_user("bo", Role::Learner).await;
    let taken = sign_up(&app, "BO", "correct horse battery").await;
    assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);
    taken.assert_contains(&["The name “BO” is taken"]);
    assert_eq!(app.store.users().await.unwrap().len(), 1);
}

#[tokio::test]
async fn sign_up_can_be_closed() {
    let settings = Settings {
        signup_open: false,
        ..Settings::default()
    };
    let app = TestApp::fixtures_with(settings).await;
    app.get("/sign-up")
        .await
        .assert_contains(&["Sign-up is closed on this portal"]);
    let res = app
        .post_form(
            "/sign-up",
            &[
                ("csrf", "new"),
                ("name", "ana"),
                ("password", "correct horse battery"),
                ("confirm", "correct horse battery"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(app.store.users().await.unwrap().is_empty());
}

#[tokio::test]
async fn the_session_cookie_is_http_only_lax_and_secure_only_over_https() {
    let app = TestApp::fixtures().await;
    let password = app.add_user("ana", Role::Learner).await;
    let res = app.sign_in("ana", &password).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let cookie = set_cookie(&res, "firedrill_session");
    for flag in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=604800"] {
        assert!(cookie.contains(flag), "{flag} missing in {cookie}");
    }
    assert!(!cookie.contains("Secure"), "plain HTTP: {cookie}");
    let token = app.cookie("firedrill_session").unwrap();
    assert_eq!(token.len(), 64, "256 random bits in hex");

    // Served over HTTPS (the public URL says so): Secure.
    let settings = Settings {
        sessions: firedrill::web::identity::SessionPolicy {
            https: true,
            ..Default::default()
        },
        ..Settings::default()
    };
    let https = TestApp::fixtures_with(settings).await;
    let password = https.add_user("bo", Role::Learner).await;
    let res = https.sign_in("bo", &password).await;
    assert!(set_cookie(&res, "__Host-firedrill_session").contains("Secure"));
}

#[tokio::test]
async fn a_proxy_saying_https_makes_the_session_cookie_secure() {
    let app = TestApp::fixtures().await;
    let password = app.add_user("ana", Role::Learner).await;
    let request = axum::http::Request::post("/sign-in")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("x-forwarded-proto", "https")
        .body(axum::body::Body::from(format!(
            "csrf=new&name=ana&password={}",
            password.replace(' ', "+")
        )))
        .unwrap();
    let res = app.request(request).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert!(set_cookie(&res, "__Host-firedrill_session").contains("Secure"));
}

#[tokio::test]
async fn signing_in_again_rotates_the_session_and_ends_the_old_one() {
    let app = TestApp::fixtures().await;
    let password = app.add_user("ana", Role::Admin).await;
    app.sign_in("ana", &password).await;
    let first = app.cookie("firedrill_session").unwrap();
    app.sign_in("ana", &password).await;
    let second = app.cookie("firedrill_session").unwrap();
    assert_ne!(first, second, "a new session id at sign-in");
    assert_eq!(app.get("/admin/users").await.status, StatusCode::OK);
    // The first session's cookie no longer signs anyone in.
    let replay = app.another_browser();
    replay.set_cookie("firedrill_session", &first);
    let res = replay.get("/admin/users").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(
        res.header(header::LOCATION),
        "/sign-in?next=%2Fadmin%2Fusers"
    );
}

#[tokio::test]
async fn a_signed_out_cookie_replayed_is_refused() {
    let app = TestApp::fixtures().await;
    let password = app.add_user("ana", Role::Admin).await;
    app.sign_in("ana", &password).await;
    let token = app.cookie("firedrill_session").unwrap();
    let page = app.get("/admin/users").await;
    assert_eq!(page.status, StatusCode::OK);
    let csrf = TestApp::csrf_in(&page);
    let out = app.post_form("/sign-out", &[("csrf", &csrf)]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert!(set_cookie(&out, "firedrill_session").contains("Max-Age=0"));
    assert_eq!(app.cookie("firedrill_session"), None);

    let replay = app.another_browser();
    replay.set_cookie("firedrill_session", &token);
    assert_eq!(
        replay.get("/admin/users").await.status,
        StatusCode::SEE_OTHER
    );
    replay
        .get("/")
        .await
        .assert_contains(&[r#"<a href="/sign-in">Sign in</a>"#]);
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_name_get_the_same_answer() {
    let app = TestApp::fixtures().await;
    app.add_user("ana", Role::Learner).await;
    let wrong = app.sign_in("ana", "not the password").await;
    let unknown = app.sign_in("nobody", "not the password").await;
    for res in [&wrong, &unknown] {
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        res.assert_contains(&["That user name and password do not match an account."]);
    }
    assert_eq!(app.cookie("firedrill_session"), None);
}

#[tokio::test]
async fn anonymous_attempts_move_to_the_account_at_sign_in() {
    let app = TestApp::fixtures().await;
    let password = app.add_user("ana", Role::Learner).await;
    let attempt = submit(&app, ANSWER)
        .await
        .header(header::LOCATION)
        .to_owned();
    let reveal_page = app.get("/scenarios/tls-certificate-expired").await;
    let csrf = TestApp::csrf_in(&reveal_page);
    app.post_form(
        "/reveals",
        &[("csrf", &csrf), ("scenario", "tls-certificate-expired")],
    )
    .await;
    assert!(app.cookie("firedrill_learner").is_some());

    let res = app.sign_in("ana", &password).await;
    assert!(set_cookie(&res, "firedrill_learner").contains("Max-Age=0"));
    assert_eq!(app.cookie("firedrill_learner"), None);
    assert_eq!(app.get(&attempt).await.status, StatusCode::OK);

    // On another browser, signed in as ana, the attempt and the reveal are there too.
    let other = app.another_browser();
    other.sign_in("ana", &password).await;
    assert_eq!(other.get(&attempt).await.status, StatusCode::OK);
    other.get("/attempts").await.assert_contains(&[&attempt]);
    other
        .get("/scenarios/tls-certificate-expired")
        .await
        .assert_contains(&[r#"id="answer""#]);
    assert!(
        !other
            .get("/scenarios/tls-certificate-expired")
            .await
            .body
            .contains("Reveal the answers without answering"),
        "the reveal moved to the account"
    );
}

#[tokio::test]
async fn sign_up_adopts_this_browsers_attempts_too() {
    let app = TestApp::fixtures().await;
    let attempt = submit(&app, ANSWER)
        .await
        .header(header::LOCATION)
        .to_owned();
    sign_up(&app, "ana", "correct horse battery").await;
    app.get("/attempts").await.assert_contains(&[&attempt]);
}

#[tokio::test]
async fn learner_b_cannot_see_or_change_learner_as_attempt() {
    let a = TestApp::fixtures().await;
    a.signed_in_as("ana", Role::Learner).await;
    let attempt = submit(&a, ANSWER).await.header(header::LOCATION).to_owned();
    assert_eq!(a.get(&attempt).await.status, StatusCode::OK);

    let b = a.another_browser();
    b.signed_in_as("bo", Role::Learner).await;
    let res = b.get(&attempt).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert!(!res.body.contains("ArgoCD self-heal fights"));
    let mine = b.get("/attempts").await;
    assert!(!mine.body.contains(&attempt));
    let csrf = TestApp::csrf_in(&b.get("/attempts").await);
    let changed = b
        .post_form(
            &format!("{attempt}/overrides"),
            &[
                ("csrf", &csrf),
                ("item", "quick-identification-of-the-hpa-vs"),
                ("verdict", "covered"),
            ],
        )
        .await;
    assert_eq!(changed.status, StatusCode::NOT_FOUND);
    // A made-up id answers the same as a real one that is not yours.
    let made_up = b.get("/attempts/0123456789abcdef0123456789abcdef").await;
    assert_eq!(made_up.status, res.status);
    assert_eq!(made_up.body, res.body);
}

/// Every protected page for every kind of visitor: signed-out visitors are sent to sign in,
/// signed-in users without the role are refused, the rest see the page.
#[tokio::test]
async fn every_protected_page_checks_the_role() {
    let app = TestApp::fixtures().await;
    let pages = [
        (
            "/stats/gitops-drift-causing-outage",
            Role::is_author as fn(Role) -> bool,
        ),
        ("/admin/users", Role::is_admin),
    ];
    let anonymous = app.another_browser();
    for (page, _) in pages {
        let res = anonymous.get(page).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{page}");
        assert!(res.header(header::LOCATION).starts_with("/sign-in?next="));
    }
    for role in Role::ALL {
        let browser = app.another_browser();
        browser.signed_in_as(&format!("user-{role}"), role).await;
        for (page, allowed) in pages {
            let res = browser.get(page).await;
            let expected = if allowed(role) {
                StatusCode::OK
            } else {
                StatusCode::FORBIDDEN
            };
            assert_eq!(res.status, expected, "{role} on {page}");
            if expected == StatusCode::FORBIDDEN {
                res.assert_contains(&["Your account&#39;s role does not allow this page"]);
            }
        }
        // Changing a role is the admin's too.
        let res = browser
            .post_form(
                "/admin/users/user-learner/role",
                &[("csrf", &csrf_of(&browser).await), ("role", "admin")],
            )
            .await;
        let expected = if role.is_admin() {
            StatusCode::SEE_OTHER
        } else {
            StatusCode::FORBIDDEN
        };
        assert_eq!(res.status, expected, "{role} changing a role");
        if role.is_admin() {
            browser
                .post_form(
                    "/admin/users/user-learner/role",
                    &[("csrf", &csrf_of(&browser).await), ("role", "learner")],
                )
                .await;
        }
    }
    let learner = app.store.user("user-learner").await.unwrap().unwrap();
    assert_eq!(learner.role, "learner");
}

/// The form token of a signed-in browser (from the sign-out form in the header).
async fn csrf_of(browser: &TestApp) -> String {
    TestApp::csrf_in(&browser.get("/").await)
}

#[tokio::test]
async fn an_admin_changes_roles_but_never_removes_the_last_admin() {
    let app = TestApp::fixtures().await;
    app.signed_in_as("root", Role::Admin).await;
    app.add_user("ana", Role::Learner).await;
    let page = app.get("/admin/users").await;
    page.assert_contains(&[
        r#"<th scope="row">ana</th>"#,
        r#"<th scope="row">root</th>"#,
        r#"<option value="author""#,
    ]);
    let csrf = TestApp::csrf_in(&page);
    let res = app
        .post_form(
            "/admin/users/ana/role",
            &[("csrf", &csrf), ("role", "author")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(app.store.user("ana").await.unwrap().unwrap().role, "author");

    let last = app
        .post_form(
            "/admin/users/root/role",
            &[("csrf", &csrf), ("role", "learner")],
        )
        .await;
    assert_eq!(last.status, StatusCode::CONFLICT);
    last.assert_contains(&["root is the only admin"]);
    let bad = app
        .post_form(
            "/admin/users/ana/role",
            &[("csrf", &csrf), ("role", "root")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let nobody = app
        .post_form(
            "/admin/users/nobody/role",
            &[("csrf", &csrf), ("role", "author")],
        )
        .await;
    assert_eq!(nobody.status, StatusCode::NOT_FOUND);
    let forged = app
        .post_form(
            "/admin/users/ana/role",
            &[("csrf", "new"), ("role", "admin")],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_eq!(app.store.user("ana").await.unwrap().unwrap().role, "author");
}

#[tokio::test]
async fn a_session_ends_after_its_idle_time() {
    let settings = Settings {
        sessions: firedrill::web::identity::SessionPolicy {
            idle: std::time::Duration::from_millis(300),
            ..Default::default()
        },
        ..Settings::default()
    };
    let app = TestApp::fixtures_with(settings).await;
    app.signed_in_as("root", Role::Admin).await;
    assert_eq!(app.get("/admin/users").await.status, StatusCode::OK);
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    assert_eq!(app.get("/admin/users").await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_session_ends_at_its_absolute_limit_however_busy() {
    let settings = Settings {
        sessions: firedrill::web::identity::SessionPolicy {
            absolute: std::time::Duration::from_millis(1500),
            ..Default::default()
        },
        ..Settings::default()
    };
    let app = TestApp::fixtures_with(settings).await;
    app.signed_in_as("root", Role::Admin).await;
    for _ in 0..3 {
        assert_eq!(app.get("/admin/users").await.status, StatusCode::OK);
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    tokio::time::sleep(std::time::Duration::from_millis(1000)).await;
    assert_eq!(app.get("/admin/users").await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn sign_in_returns_to_a_local_page_only() {
    let app = TestApp::fixtures().await;
    let password = app.add_user("ana", Role::Learner).await;
    for (next, expected) in [
        ("/attempts", "/attempts"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
    ] {
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
        assert_eq!(res.header(header::LOCATION), expected, "next={next}");
    }
}

#[tokio::test]
async fn changing_the_password_needs_the_current_one_and_ends_other_sessions() {
    let app = TestApp::fixtures().await;
    let password = app.add_user("ana", Role::Learner).await;
    app.sign_in("ana", &password).await;
    let elsewhere = app.another_browser();
    elsewhere.sign_in("ana", &password).await;
    assert_eq!(elsewhere.get("/account").await.status, StatusCode::OK);

    let page = app.get("/account").await;
    page.assert_contains(&[
        "<h1 id=\"account-heading\">ana</h1>",
        "Role: <strong>learner</strong>",
    ]);
    let csrf = TestApp::csrf_in(&page);
    let change = async |current: &str, new: &str, confirm: &str| {
        let fields = [
            ("csrf", csrf.as_str()),
            ("current", current),
            ("password", new),
            ("confirm", confirm),
        ];
        app.post_form("/account/password", &fields).await
    };
    let wrong = change(
        "not it at all",
        "a brand new passphrase",
        "a brand new passphrase",
    )
    .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    wrong.assert_contains(&["Your current password is not right."]);
    let differ = change(&password, "a brand new passphrase", "another one entirely").await;
    differ.assert_contains(&["The two passwords differ"]);
    let done = change(
        &password,
        "a brand new passphrase",
        "a brand new passphrase",
    )
    .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(done.header(header::LOCATION), "/account?changed=1");

    // This session goes on; the other one has ended; only the new password signs in.
    app.get("/account?changed=1")
        .await
        .assert_contains(&["Your password is changed"]);
    assert_eq!(
        elsewhere.get("/account").await.status,
        StatusCode::SEE_OTHER
    );
    let third = app.another_browser();
    assert_eq!(
        third.sign_in("ana", &password).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        third.sign_in("ana", "a brand new passphrase").await.status,
        StatusCode::SEE_OTHER
    );
    // Signed out, the page sends you to sign in.
    let res = app.another_browser().get("/account").await;
    assert_eq!(res.header(header::LOCATION), "/sign-in?next=%2Faccount");
}

#[tokio::test]
async fn the_header_offers_sign_up_while_it_is_open() {
    let app = TestApp::fixtures().await;
    app.get("/").await.assert_contains(&[
        r#"<a href="/sign-in">Sign in</a>"#,
        r#"<a class="sign-up-link" href="/sign-up">Sign up</a>"#,
    ]);
    // Signed in, the header shows the account instead.
    app.signed_in_as("ana", Role::Learner).await;
    let page = app.get("/").await;
    assert!(!page.body.contains("sign-up-link"), "{}", page.body);
}

#[tokio::test]
async fn signing_in_from_a_page_returns_to_that_page() {
    let app = TestApp::fixtures().await;
    let password = app.add_user("ana", Role::Learner).await;
    let from = |page: &str| format!("http://localhost{page}");
    let form = app
        .request(
            axum::http::Request::get("/sign-in")
                .header(header::HOST, "localhost")
                .header(
                    header::REFERER,
                    from("/scenarios/tls-certificate-expired?x=1#step-2"),
                )
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    form.assert_contains(&[
        r#"<input type="hidden" name="next" value="/scenarios/tls-certificate-expired?x=1">"#,
        // Creating an account instead keeps the way back.
        r#"<a href="/sign-up?next=/scenarios/tls-certificate-expired%3Fx%3D1">Create one</a>"#,
    ]);
    let csrf = TestApp::csrf_in(&form);
    let res = app
        .post_form(
            "/sign-in",
            &[
                ("csrf", &csrf),
                ("name", "ana"),
                ("password", &password),
                ("next", "/scenarios/tls-certificate-expired?x=1"),
            ],
        )
        .await;
    assert_eq!(
        res.header(header::LOCATION),
        "/scenarios/tls-certificate-expired?x=1"
    );
    // Another site's page, or the sign-in page itself, is not somewhere to return to.
    for referer in [
        "https://evil.example/scenarios/x",
        &from("/sign-in?next=/x"),
    ] {
        let other = app.another_browser();
        let form = other
            .request(
                axum::http::Request::get("/sign-in")
                    .header(header::HOST, "localhost")
                    .header(header::REFERER, referer)
                    .body(axum::body::Body::empty())
                    .unwrap(),
            )
            .await;
        form.assert_contains(&[r#"<input type="hidden" name="next" value="/">"#]);
    }
}

#[tokio::test]
async fn signing_up_from_a_page_returns_to_that_page() {
    let app = TestApp::fixtures().await;
    let form = app.get("/sign-up?next=/wiki").await;
    form.assert_contains(&[r#"<input type="hidden" name="next" value="/wiki">"#]);
    let csrf = TestApp::csrf_in(&form);
    let password = "correct horse battery";
    let res = app
        .post_form(
            "/sign-up",
            &[
                ("csrf", &csrf),
                ("name", "ana"),
                ("password", password),
                ("confirm", password),
                ("next", "/wiki"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.header(header::LOCATION), "/wiki");
}

#[tokio::test]
async fn a_password_reset_from_the_command_line_ends_the_servers_sessions_within_two_seconds() {
    use std::io::Write;
    let app = TestApp::fixtures().await;
    app.signed_in_as("ana", Role::Learner).await;
    assert_eq!(app.get("/account").await.status, StatusCode::OK);
    // `firedrill user password` is another process on the same database file.
    let mut reset = std::process::Command::new(env!("CARGO_BIN_EXE_firedrill"))
        .args(["user", "password", "ana", "--database", &app.database_url()])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = reset.stdin.take().unwrap();
    input.write_all(b"a brand new passphrase\n").unwrap();
    drop(input);
    let out = reset.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let reset_at = std::time::Instant::now();
    tokio::time::sleep(firedrill::store::SESSION_FRESH_FOR).await;
    let res = app.get("/account").await;
    assert_eq!(
        res.status,
        StatusCode::SEE_OTHER,
        "signed out {:?} after the reset",
        reset_at.elapsed()
    );
}

#[tokio::test]
async fn signing_out_ends_the_session_at_once_even_just_after_a_page_view() {
    let app = TestApp::fixtures().await;
    app.signed_in_as("ana", Role::Learner).await;
    let cookie = app.cookie("firedrill_session").unwrap();
    assert_eq!(app.get("/account").await.status, StatusCode::OK);
    let csrf = TestApp::csrf_in(&app.get("/account").await);
    let out = app.post_form("/sign-out", &[("csrf", &csrf)]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    let replay = app.another_browser();
    let res = replay
        .get_with(
            "/account",
            header::COOKIE,
            &format!("firedrill_session={cookie}"),
        )
        .await;
    assert_eq!(
        res.status,
        StatusCode::SEE_OTHER,
        "the ended session signs nobody in"
    );
}

#[tokio::test]
async fn the_users_page_shows_a_hundred_accounts_at_a_time_by_name() {
    let app = TestApp::fixtures().await;
    app.signed_in_as("aaadmin", Role::Admin).await;
    for n in 0..249 {
        let user = firedrill::store::NewUser {
            name: format!("user{n:03}"),
            password_hash: "not-a-real-hash".to_owned(),
            role: "learner".to_owned(),
            created_at: 1,
        };
        app.store.create_user(user).await.unwrap().unwrap();
    }
    let names = |body: &str| -> Vec<String> {
        body.split(r#"<th scope="row">"#)
            .skip(1)
            .map(|row| row.split('<').next().unwrap().to_owned())
            .collect()
    };
    let first = app.get("/admin/users").await;
    let shown = names(&first.body);
    assert_eq!(shown.len(), 100);
    assert_eq!(
        (shown[0].as_str(), shown[99].as_str()),
        ("aaadmin", "user098")
    );
    first.assert_contains(&[r#"<a href="/admin/users?after=user098" rel="next">Next page →</a>"#]);
    // An account made meanwhile does not shift the next page.
    app.add_user("aardvark", Role::Learner).await;
    let second = app.get("/admin/users?after=user098").await;
    assert_eq!(names(&second.body)[0], "user099");
    let last = app.get("/admin/users?after=user198").await;
    let shown = names(&last.body);
    assert_eq!((shown.len(), shown[49].as_str()), (50, "user248"));
    assert!(!last.body.contains("Next page"), "no page after the last");
    last.assert_contains(&[r#"<a href="/admin/users">First page</a>"#]);
}
