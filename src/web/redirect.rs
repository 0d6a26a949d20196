//! Where a redirect may send a browser: a `next` target a client asked for is resolved the way
//! a browser would resolve it (a WHATWG URL parser) and kept only when it stays on this site;
//! the `Location` header is built from the parser's serialisation, never from the raw input.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use url::{Position, Url};

/// Stands for this site's own origin. Any fixed origin does: a target that stays on it stays on
/// the real one, and the `Host` header (which the client chooses) plays no part.
const SITE: &str = "http://firedrill.invalid/";

/// The path (with query and fragment) that `next` leads to when it is a page of this site:
/// starting with `/`, free of control and non-ASCII characters, and resolving to this site's
/// origin. `None` for anything else (`//evil.example`, `/\evil.example`, a tab that a browser
/// would drop, ...).
pub fn local(next: &str) -> Option<String> {
    let clean = next.starts_with('/') && next.bytes().all(|b| (0x20..0x7f).contains(&b));
    if !clean {
        return None;
    }
    let site = Url::parse(SITE).expect("the site's placeholder origin is a valid URL");
    let target = site.join(next).ok()?;
    if target.origin() != site.origin() {
        return None;
    }
    let path = &target[Position::BeforePath..];
    // `/.//evil.example` normalises to the path `//evil.example`, which a browser would read
    // as another host.
    (path.starts_with('/') && !path.starts_with("//")).then(|| path.to_owned())
}

/// [`local`], or the catalogue when `next` is missing or not a page of this site.
pub fn local_or_home(next: Option<&str>) -> String {
    next.and_then(local).unwrap_or_else(|| "/".to_owned())
}

/// 303 See Other to `target`, a path this server built. A value that cannot be a header sends
/// the browser to the catalogue rather than failing the request.
pub fn see_other(target: &str) -> Response {
    let location = HeaderValue::from_str(target).unwrap_or(HeaderValue::from_static("/"));
    (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_of_this_site_are_kept_with_their_query_and_fragment() {
        assert_eq!(local("/attempts").as_deref(), Some("/attempts"));
        assert_eq!(
            local("/wiki?q=argo#top").as_deref(),
            Some("/wiki?q=argo#top")
        );
        assert_eq!(
            local("/a b").as_deref(),
            Some("/a%20b"),
            "the parser's form"
        );
        assert_eq!(
            local("/%09/evil.example").as_deref(),
            Some("/%09/evil.example")
        );
    }

    #[test]
    fn targets_that_leave_the_site_or_carry_control_characters_are_refused() {
        for next in [
            "https://evil.example/",
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/\u{b}/evil.example",
            "/\0",
            "/\r\nSet-Cookie: a=b",
            "/caf\u{e9}",
            "/.//evil.example",
            "/a/..//evil.example",
            "%2F%2Fevil.example",
            "evil.example",
            "",
        ] {
            assert_eq!(local(next), None, "{next:?}");
        }
        assert_eq!(local_or_home(Some("//evil.example")), "/");
        assert_eq!(local_or_home(None), "/");
    }

    #[test]
    fn a_target_that_cannot_be_a_header_redirects_home_instead_of_failing() {
        let response = see_other("/\u{b}");
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(response.headers()[header::LOCATION], "/");
        assert_eq!(
            see_other("/attempts").headers()[header::LOCATION],
            "/attempts"
        );
    }
}
