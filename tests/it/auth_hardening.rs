//! The edges of signing in, hardened after a security review: redirect targets, sign-in
//! limits, secrets, cookies, passwords, security logging, the Origin check and the sessions
//! list on the account page.

use axum::http::{StatusCode, header};
use firedrill::accounts::Role;
use firedrill::app::Settings;
use firedrill::web::limits::Rates;

use crate::helpers::TestApp;

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
    let app = TestApp::bundled().await;
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
    let app = TestApp::bundled().await;
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
    let app = TestApp::bundled_with(Settings {
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
