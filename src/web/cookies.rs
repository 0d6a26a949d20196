//! Reading this site's cookies off a request without parsing (or percent-decoding) every cookie
//! the browser sends, and remembering which signed values have already been verified.

use std::collections::HashMap;
use std::sync::RwLock;

use axum::http::{HeaderMap, header};
use axum_extra::extract::SignedCookieJar;
use axum_extra::extract::cookie::Key;

/// Signed values remembered at most; past this the memory starts again empty.
const CAPACITY: usize = 100_000;

/// The raw value of the cookie `name`, as the browser sent it.
pub fn find<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| {
            let (key, value) = pair.trim().split_once('=')?;
            (key == name).then(|| value.trim_matches('"'))
        })
}

/// Signed cookie values that passed verification with one of its keys, with the value they
/// carry: a returning visitor's cookie is checked once, not on every request. The keys never
/// change while the server runs, so a value verified once stays valid.
pub struct Verified {
    keys: Vec<Key>,
    values: RwLock<HashMap<String, String>>,
}

impl std::fmt::Debug for Verified {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verified").finish_non_exhaustive()
    }
}

impl Verified {
    /// Verifies with any of `keys` (the current one first, then one kept from before).
    pub fn new(keys: Vec<Key>) -> Self {
        Self {
            keys,
            values: RwLock::default(),
        }
    }

    /// The value signed in the cookie `name` if its signature is good.
    pub fn signed(&self, headers: &HeaderMap, name: &'static str) -> Option<String> {
        let raw = find(headers, name)?;
        if let Some(value) = self.read().get(raw) {
            return Some(value.clone());
        }
        // Not seen yet: verify this one cookie the usual way.
        let mut only = HeaderMap::new();
        only.insert(header::COOKIE, format!("{name}={raw}").parse().ok()?);
        let value = self.keys.iter().find_map(|key| {
            let jar = SignedCookieJar::from_headers(&only, key.clone());
            Some(jar.get(name)?.value().to_owned())
        })?;
        let mut values = self.values.write().unwrap_or_else(|e| e.into_inner());
        if values.len() >= CAPACITY {
            values.clear();
        }
        values.insert(raw.to_owned(), value.clone());
        Some(value)
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, HashMap<String, String>> {
        self.values.read().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(cookies: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for c in cookies {
            headers.append(header::COOKIE, HeaderValue::from_str(c).unwrap());
        }
        headers
    }

    #[test]
    fn a_cookie_is_found_by_its_exact_name_in_any_cookie_header() {
        let h = headers(&["a=1; firedrill_learner_x=2", "b=3;firedrill_learner=\"4\""]);
        assert_eq!(find(&h, "firedrill_learner"), Some("4"));
        assert_eq!(find(&h, "a"), Some("1"));
        assert_eq!(find(&h, "c"), None);
    }

    #[test]
    fn only_a_correctly_signed_value_is_accepted_and_then_remembered() {
        let key = Key::generate();
        let jar = SignedCookieJar::new(key.clone())
            .add(axum_extra::extract::cookie::Cookie::new("n", "id.csrf"));
        let response = axum::response::IntoResponse::into_response((jar, ()));
        let set = response.headers()[header::SET_COOKIE].to_str().unwrap();
        let signed = set
            .trim_start_matches("n=")
            .split(';')
            .next()
            .unwrap()
            .to_owned();
        let verified = Verified::new(vec![key.clone()]);
        let good = headers(&[&format!("n={signed}")]);
        assert_eq!(verified.signed(&good, "n").as_deref(), Some("id.csrf"));
        assert_eq!(verified.signed(&good, "n").as_deref(), Some("id.csrf"));
        let forged = format!("n={}x", &signed[..signed.len() - 1]);
        assert_eq!(verified.signed(&headers(&[&forged]), "n"), None);
        assert_eq!(verified.signed(&headers(&["n=id.csrf"]), "n"), None);
        let other = Verified::new(vec![Key::generate()]);
        assert_eq!(other.signed(&good, "n"), None, "another key refuses it");
        let kept = Verified::new(vec![Key::generate(), key]);
        assert_eq!(
            kept.signed(&good, "n").as_deref(),
            Some("id.csrf"),
            "an older key"
        );
    }
}
