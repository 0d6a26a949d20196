//! Who is asking: until accounts exist, a learner is an anonymous random id kept in a signed,
//! HttpOnly cookie, together with the token their forms must send back (cross-site request
//! forgery protection: another site can neither read the cookie nor forge its signature).
//!
//! The identity is made on a visitor's first form post, not on every page view: pages for
//! visitors without one carry [`NEW_VISITOR`] as their token, which is accepted only from a
//! browser that has no identity yet and only from this site's own pages (the `Origin` and
//! `Sec-Fetch-Site` headers browsers send on every POST).

use axum_extra::extract::SignedCookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};

use axum::http::{HeaderMap, header};

use crate::random;

/// Whether a POST comes from this site's own pages: browsers send `Sec-Fetch-Site` and `Origin`
/// with every POST; other clients (tests, scripts) send neither and are judged by the token.
fn same_site(headers: &HeaderMap) -> bool {
    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    if fetch_site.is_some_and(|site| site != "same-origin" && site != "none") {
        return false;
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    origin
        .split_once("://")
        .is_some_and(|(_, authority)| authority == host)
}

const COOKIE: &str = "firedrill_learner";

/// The form token on pages served to a browser without an identity.
pub const NEW_VISITOR: &str = "new";

/// An anonymous learner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Learner {
    pub id: String,
    /// The token forms carry in their `csrf` field.
    pub csrf: String,
    /// Made for this request: the learner has no attempts or reveals yet.
    pub fresh: bool,
}

impl Learner {
    /// The learner of this browser, or `None` when it has no valid cookie.
    pub fn from_jar(jar: &SignedCookieJar) -> Option<Self> {
        let value = jar.get(COOKIE)?;
        let (id, csrf) = value.value().split_once('.')?;
        let valid = |s: &str| s.len() == 32 && s.bytes().all(|b| b.is_ascii_hexdigit());
        (valid(id) && valid(csrf)).then(|| Self {
            id: id.to_owned(),
            csrf: csrf.to_owned(),
            fresh: false,
        })
    }

    /// A visitor without an identity yet, as shown in pages.
    pub fn visitor() -> Self {
        Self {
            id: String::new(),
            csrf: NEW_VISITOR.to_owned(),
            fresh: true,
        }
    }

    /// The learner behind a form post: this browser's, if its token matches; or, for a browser
    /// without one posting [`NEW_VISITOR`], a new identity whose cookie is added to the jar.
    /// Posts from other sites are refused either way.
    pub fn for_post(
        jar: SignedCookieJar,
        headers: &HeaderMap,
        token: &str,
    ) -> Result<(Self, SignedCookieJar), &'static str> {
        if !same_site(headers) {
            return Err("This form was sent from another site, so it was refused.");
        }
        match Self::from_jar(&jar) {
            Some(learner) if learner.accepts(token) => Ok((learner, jar)),
            None if token == NEW_VISITOR => {
                // One read from the OS random source for both values. It does not fail on a
                // running system, and a predictable id is no option.
                let bytes =
                    random::bytes::<32>().expect("the operating system's random source failed");
                let learner = Self {
                    id: random::hex(&bytes[..16]),
                    csrf: random::hex(&bytes[16..]),
                    fresh: true,
                };
                let jar = jar.add(learner.cookie());
                Ok((learner, jar))
            }
            _ => Err(
                "The form did not come from this browser's session. Reload the page and submit again.",
            ),
        }
    }

    fn cookie(&self) -> Cookie<'static> {
        Cookie::build((COOKIE, format!("{}.{}", self.id, self.csrf)))
            .path("/")
            .http_only(true)
            .same_site(SameSite::Lax)
            // Max-Age alone: no date to format on every new visitor's first page.
            .max_age(time::Duration::days(400))
            .build()
    }

    /// Whether a submitted form token is this learner's.
    pub fn accepts(&self, token: &str) -> bool {
        // Constant time, so response timing does not reveal how much of a guess was right.
        token.len() == self.csrf.len()
            && token
                .bytes()
                .zip(self.csrf.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0
    }
}
