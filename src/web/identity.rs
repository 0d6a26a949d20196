//! Who is asking. A signed-in learner is found by the random token in the session cookie, whose
//! hash is looked up in the database (so signing out ends it everywhere); anyone else is an
//! anonymous learner whose random id sits in a signed, HttpOnly cookie. Either way the learner
//! has a token their forms must send back: cross-site request forgery protection, as another
//! site can neither read the cookies nor guess the token.
//!
//! An anonymous identity is made on a visitor's first form post, not on every page view: pages
//! for visitors without one carry [`NEW_VISITOR`] as their token, which is accepted only from a
//! browser that has no identity yet and only from this site's own pages (the `Origin` and
//! `Sec-Fetch-Site` headers browsers send on every POST).
//!
//! Over HTTPS both cookies are `Secure` and named with the `__Host-` prefix, which browsers
//! keep only when set `Secure`, on `Path=/` and without `Domain`: no other site, subdomain or
//! plain-HTTP page can plant one. Each request reads the names its scheme uses.

use std::time::Duration;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use axum_extra::extract::SignedCookieJar;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use sha2::{Digest, Sha256};

use crate::accounts::Role;
use crate::app::AppState;
use crate::content::meta::Reader;
use crate::error::AppError;
use crate::random;
use crate::store::{NewSession, learner_key};
use crate::web::view;

/// The anonymous learner's cookie: over plain HTTP, then over HTTPS.
const ANONYMOUS_COOKIE: [&str; 2] = ["firedrill_learner", "__Host-firedrill_learner"];
/// The session cookie: over plain HTTP, then over HTTPS.
const SESSION_COOKIE: [&str; 2] = ["firedrill_session", "__Host-firedrill_session"];

/// The name of `cookie` in use over this scheme.
fn name(cookie: [&'static str; 2], https: bool) -> &'static str {
    cookie[usize::from(https)]
}

/// The form token on pages served to a browser without an identity.
pub const NEW_VISITOR: &str = "new";

/// A session's last use is written at most this often (idle expiry needs no finer grain).
const TOUCH_EVERY_MS: i64 = 60_000;

/// How long sessions last, and whether their cookie is `Secure`.
#[derive(Debug, Clone, Copy)]
pub struct SessionPolicy {
    /// A session unused this long has ended.
    pub idle: Duration,
    /// A session this old has ended, however busy.
    pub absolute: Duration,
    /// The site is served over HTTPS (its public URL says so).
    pub https: bool,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        Self {
            idle: Duration::from_secs(24 * 3600),
            absolute: Duration::from_secs(7 * 24 * 3600),
            https: false,
        }
    }
}

impl SessionPolicy {
    /// Whether a session started at `created` and last used at `last_seen` has ended by `now`
    /// (all Unix milliseconds).
    pub fn ended(&self, created: i64, last_seen: i64, now: i64) -> bool {
        now - last_seen > millis(self.idle) || now - created > millis(self.absolute)
    }
}

/// A signed-in user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub user_id: i64,
    pub name: String,
    pub role: Role,
    /// SHA-256 of the session token.
    session: Vec<u8>,
}

impl Account {
    /// SHA-256 of the token of the session this request came with.
    pub fn session_hash(&self) -> &[u8] {
        &self.session
    }
}

/// A learner: anonymous, or signed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Learner {
    /// The key of their attempts and reveals: a random id, or `user:<id>`.
    pub id: String,
    /// The token forms carry in their `csrf` field.
    pub csrf: String,
    /// Made for this request: the learner has no attempts or reveals yet.
    pub fresh: bool,
    pub account: Option<Account>,
}

/// The learner making a request, if the browser has an identity; extracted from the cookies.
/// The second field: whether the request came over HTTPS (the site's public URL or its proxy
/// says so), which decides the cookies' names and `Secure`.
#[derive(Debug, Clone)]
pub struct Visitor(pub Option<Learner>, bool);

impl FromRequestParts<AppState> for Visitor {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let https = state.sessions.https || forwarded_https(&parts.headers);
        // Most page views (first visits, crawlers, load tests) carry no cookie at all.
        if !parts.headers.contains_key(header::COOKIE) {
            return Ok(Visitor(None, https));
        }
        if let Some(account) = signed_in(&parts.headers, state, https).await? {
            return Ok(Visitor(Some(account), https));
        }
        let value = state
            .cookies
            .signed(&parts.headers, name(ANONYMOUS_COOKIE, https));
        Ok(Visitor(value.as_deref().and_then(anonymous), https))
    }
}

impl Visitor {
    /// The signed-in account, if any.
    pub fn account(&self) -> Option<&Account> {
        self.0.as_ref()?.account.as_ref()
    }

    /// What this visitor may read: hidden (interview-only) pages for interviewers, authors
    /// and admins; drafts for authors and admins; published pages for everyone else.
    pub fn reader(&self) -> Reader {
        match self.account().map(|a| a.role) {
            Some(Role::Author | Role::Admin) => Reader::Author,
            Some(Role::Interviewer) => Reader::Interviewer,
            Some(Role::Learner) | None => Reader::Learner,
        }
    }

    /// The learner, or a visitor without an identity as shown in pages.
    pub fn or_new(self) -> Learner {
        self.0.unwrap_or_else(|| Learner {
            id: String::new(),
            csrf: NEW_VISITOR.to_owned(),
            fresh: true,
            account: None,
        })
    }

    /// The account if it has a role `allowed` accepts. Anyone signed out is sent to sign in
    /// (and back to `here` after); a signed-in user without the role is refused.
    pub fn require(&self, allowed: fn(Role) -> bool, here: &str) -> Result<&Account, AppError> {
        match self.account() {
            Some(account) if allowed(account.role) => Ok(account),
            Some(_) => Err(AppError::NotAllowed),
            None => Err(AppError::SignIn(here.to_owned())),
        }
    }

    /// Refuses a form post that did not come from this browser's own pages: it must be
    /// same-site and carry this browser's token (or [`NEW_VISITOR`] from a browser without an
    /// identity).
    pub fn check_post(&self, headers: &HeaderMap, token: &str) -> Result<(), AppError> {
        if !same_site(headers, self.1) {
            return Err(AppError::Forbidden(
                "This form was sent from another site, so it was refused.",
            ));
        }
        match &self.0 {
            Some(learner) if learner.accepts(token) => Ok(()),
            None if token == NEW_VISITOR => Ok(()),
            _ => Err(AppError::Forbidden(
                "The form did not come from this browser's session. Reload the page and submit again.",
            )),
        }
    }

    /// The learner behind a form post (see [`Visitor::check_post`]); for a browser without an
    /// identity, a new anonymous one whose cookie is added to the jar.
    pub fn for_post(
        self,
        jar: SignedCookieJar,
        headers: &HeaderMap,
        token: &str,
    ) -> Result<(Learner, SignedCookieJar), AppError> {
        self.check_post(headers, token)?;
        match self.0 {
            Some(learner) => Ok((learner, jar)),
            None => {
                let learner = Learner::new_anonymous();
                let jar = jar.add(learner.anonymous_cookie(self.1));
                Ok((learner, jar))
            }
        }
    }
}

/// Whether a POST comes from this site's own pages: browsers send `Sec-Fetch-Site` and `Origin`
/// with every POST; other clients (tests, scripts) send neither and are judged by the token.
/// The `Origin` must be this site's: the scheme the site is served over (`https` when its
/// public URL or its proxy says so), and the host and port of the `Host` header.
pub fn same_site(headers: &HeaderMap, https: bool) -> bool {
    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    if fetch_site.is_some_and(|site| site != "same-origin" && site != "none") {
        return false;
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    let scheme = match https || forwarded_https(headers) {
        true => "https",
        false => "http",
    };
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let site = url::Url::parse(&format!("{scheme}://{host}/"));
    let origin = url::Url::parse(origin);
    match (site, origin) {
        // An opaque origin (`null`) equals nothing, not even itself.
        (Ok(site), Ok(origin)) => site.origin().is_tuple() && site.origin() == origin.origin(),
        _ => false,
    }
}

/// The anonymous learner of this browser, if its signed cookie is valid.
fn anonymous(value: &str) -> Option<Learner> {
    let (id, csrf) = value.split_once('.')?;
    (is_hex(id, 32) && is_hex(csrf, 32)).then(|| Learner {
        id: id.to_owned(),
        csrf: csrf.to_owned(),
        fresh: false,
        account: None,
    })
}

/// Whether `s` is `len` hexadecimal digits (the shape of every random token here).
pub fn is_hex(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The signed-in learner, if the session cookie names a live session.
async fn signed_in(
    headers: &HeaderMap,
    state: &AppState,
    https: bool,
) -> Result<Option<Learner>, AppError> {
    let Some(token) = crate::web::cookies::find(headers, name(SESSION_COOKIE, https)) else {
        return Ok(None);
    };
    if !is_hex(token, 64) {
        return Ok(None);
    }
    let hash = token_hash(token);
    let Some(session) = state.store.session(&hash).await? else {
        return Ok(None);
    };
    let now = view::now_ms();
    let policy = state.sessions;
    let Some(role) = Role::parse(&session.role) else {
        return Ok(None);
    };
    if policy.ended(session.created_at, session.last_seen_at, now) {
        return Ok(None);
    }
    if now - session.last_seen_at > TOUCH_EVERY_MS {
        // Bookkeeping for idle expiry; the page does not wait for it.
        let (store, hash) = (state.store.clone(), hash.clone());
        tokio::spawn(async move { store.touch_session(&hash, now).await });
    }
    Ok(Some(Learner {
        id: learner_key(session.user_id),
        csrf: session.csrf,
        fresh: false,
        account: Some(Account {
            user_id: session.user_id,
            name: session.name,
            role,
            session: hash,
        }),
    }))
}

fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// How pages name a session (its account page's list and forms): derived from its token's
/// hash, from which nobody can get back the hash, let alone the token. 96 bits, hex.
pub fn session_handle(token_hash: &[u8]) -> String {
    let digest = Sha256::new()
        .chain_update(b"firedrill session handle\0")
        .chain_update(token_hash)
        .finalize();
    random::hex(&digest[..12])
}

/// SHA-256 of a random token, as stored in place of the token (sessions, candidate links).
pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

impl Learner {
    fn new_anonymous() -> Self {
        // One read from the OS random source for both values. It does not fail on a running
        // system, and a predictable id is no option.
        let bytes = random::bytes::<32>().expect("the operating system's random source failed");
        Self {
            id: random::hex(&bytes[..16]),
            csrf: random::hex(&bytes[16..]),
            fresh: true,
            account: None,
        }
    }

    fn anonymous_cookie(&self, https: bool) -> Cookie<'static> {
        let value = format!("{}.{}", self.id, self.csrf);
        Cookie::build((name(ANONYMOUS_COOKIE, https), value))
            .path("/")
            .http_only(true)
            .same_site(SameSite::Lax)
            .secure(https)
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

/// Signs a user in: a new session (a new random token, whatever cookie the browser had),
/// adopting this browser's anonymous attempts. Returns the cookies to send: the session
/// cookie set, the anonymous one removed, and any earlier session ended.
pub async fn sign_in(
    state: &AppState,
    visitor: Visitor,
    user_id: i64,
) -> Result<CookieJar, AppError> {
    let bytes = random::bytes::<48>().map_err(|e| anyhow::anyhow!("random source: {e}"))?;
    let (token, csrf) = (random::hex(&bytes[..32]), random::hex(&bytes[32..]));
    let now = view::now_ms();
    let policy = state.sessions;
    let https = visitor.1;
    let adopt = match &visitor.0 {
        Some(learner) if learner.account.is_none() => Some(learner.id.clone()),
        _ => None,
    };
    if let Some(account) = visitor.account() {
        state.store.end_session(&account.session).await?;
    }
    state
        .store
        .start_session(NewSession {
            token_hash: token_hash(&token),
            user_id,
            csrf,
            at: now,
            adopt,
            expired_before: now - millis(policy.idle),
        })
        .await?;
    let session = Cookie::build((name(SESSION_COOKIE, https), token))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(https)
        .max_age(time::Duration::seconds(
            i64::try_from(policy.absolute.as_secs()).unwrap_or(i64::MAX),
        ))
        .build();
    let anonymous = removal(name(ANONYMOUS_COOKIE, https), https);
    Ok(CookieJar::new().add(session).add(anonymous))
}

/// Signs out: ends the session in the database, so its cookie signs nobody in any more, even
/// if a copy was kept. Returns the cookies to send (the session cookie removed).
pub async fn sign_out(state: &AppState, visitor: &Visitor) -> Result<CookieJar, AppError> {
    if let Some(account) = visitor.account() {
        state.store.end_session(&account.session).await?;
    }
    let https = visitor.1;
    Ok(CookieJar::new().add(removal(name(SESSION_COOKIE, https), https)))
}

/// A cookie that makes the browser forget the one with this name (a `__Host-` one only
/// yields to a `Secure` removal).
fn removal(name: &'static str, https: bool) -> Cookie<'static> {
    let mut cookie = Cookie::build((name, "")).path("/").secure(https).build();
    cookie.make_removal();
    cookie
}

/// Whether a proxy in front says the request came over HTTPS. Only ever adds `Secure`, so a
/// client that lies about it harms nobody but itself.
fn forwarded_https(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"https"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn tokens_are_compared_whole() {
        let learner = Learner::new_anonymous();
        assert!(learner.accepts(&learner.csrf.clone()));
        assert!(!learner.accepts(&learner.csrf[..31]));
        assert!(!learner.accepts(NEW_VISITOR));
    }

    fn with_origin(host: &'static str, origin: &'static str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, HeaderValue::from_static(host));
        headers.insert(header::ORIGIN, HeaderValue::from_static(origin));
        headers
    }

    #[test]
    fn posts_from_another_origin_or_site_are_not_same_site() {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, HeaderValue::from_static("drill.example"));
        assert!(same_site(&headers, true), "no Origin: judged by the token");
        let ours = with_origin("drill.example", "https://drill.example");
        assert!(same_site(&ours, true));
        assert!(!same_site(
            &with_origin("drill.example", "https://evil.example"),
            true
        ));
        headers.insert("sec-fetch-site", HeaderValue::from_static("cross-site"));
        assert!(!same_site(&headers, true));
    }

    #[test]
    fn the_origin_check_compares_scheme_host_and_port() {
        // Served over HTTPS: a page of the same host over plain HTTP is another origin.
        assert!(!same_site(
            &with_origin("drill.example", "http://drill.example"),
            true
        ));
        // Served over HTTP: an HTTPS page of the same name is another origin (port 443).
        assert!(!same_site(
            &with_origin("drill.example", "https://drill.example"),
            false
        ));
        assert!(same_site(
            &with_origin("drill.example", "http://drill.example"),
            false
        ));
        // Ports: explicit, default, and another one.
        let local = with_origin("127.0.0.1:8080", "http://127.0.0.1:8080");
        assert!(same_site(&local, false));
        assert!(same_site(
            &with_origin("drill.example:443", "https://drill.example"),
            true
        ));
        assert!(!same_site(
            &with_origin("127.0.0.1:8080", "http://127.0.0.1:9090"),
            false
        ));
        assert!(!same_site(&with_origin("drill.example", "null"), false));
        // A proxy saying HTTPS counts as HTTPS.
        let mut proxied = with_origin("drill.example", "https://drill.example");
        proxied.insert("x-forwarded-proto", HeaderValue::from_static("https"));
        assert!(same_site(&proxied, false));
    }
}
