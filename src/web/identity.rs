//! Who is asking: until accounts exist, a learner is an anonymous random id kept in a signed,
//! HttpOnly cookie, together with the token their forms must send back (cross-site request
//! forgery protection: another site can neither read the cookie nor forge its signature).

use axum_extra::extract::SignedCookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};

use crate::random;

const COOKIE: &str = "firedrill_learner";

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

    /// The learner of this browser, made (and its cookie added to the jar) on first visit.
    pub fn get_or_create(jar: SignedCookieJar) -> (Self, SignedCookieJar) {
        if let Some(learner) = Self::from_jar(&jar) {
            return (learner, jar);
        }
        // The OS random source does not fail on a running system; a predictable id is no option.
        let hex = || {
            random::hex(
                &random::bytes::<16>().expect("the operating system's random source failed"),
            )
        };
        let learner = Self {
            id: hex(),
            csrf: hex(),
            fresh: true,
        };
        let jar = jar.add(learner.cookie());
        (learner, jar)
    }

    fn cookie(&self) -> Cookie<'static> {
        Cookie::build((COOKIE, format!("{}.{}", self.id, self.csrf)))
            .path("/")
            .http_only(true)
            .same_site(SameSite::Lax)
            .permanent()
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
