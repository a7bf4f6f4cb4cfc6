//! The login pages' two cookies: `kordon_session` names the browser's sign-in (its value is a
//! random secret; the store keeps its digest), and `kordon_csrf` is the double-submit token every
//! form repeats in a hidden field. Both are HttpOnly and SameSite=Lax. Over https (a public URL
//! or issuer of https, or a trusted proxy's word: `crate::https`) they are `Secure` and carry the
//! `__Host-` prefix with `Path=/`, so no sibling subdomain can plant or shadow them (cookie
//! tossing); over plain http they are scoped to `/oauth`.

use axum::http::{HeaderMap, HeaderValue};
use kordon_core::secrets::{equal, random_token};

pub(super) const SESSION: &str = "kordon_session";
pub(super) const CSRF: &str = "kordon_csrf";

/// The value of the cookie `base` in the request, if any (the first one wins).
pub(super) fn read<'a>(headers: &'a HeaderMap, base: &str, secure: bool) -> Option<&'a str> {
    crate::cookies::read(headers, base, secure)
}

/// A `Set-Cookie` value; `max_age` zero deletes the cookie. Over plain http: `Path=/oauth`.
pub(super) fn set(base: &str, value: &str, max_age: i64, secure: bool) -> HeaderValue {
    crate::cookies::set(base, value, max_age, secure, "/oauth")
}

/// The CSRF token of this browser: the one its cookie holds, or a new one to set.
pub(super) struct Csrf {
    pub token: String,
    pub fresh: bool,
}

impl Csrf {
    pub fn of(headers: &HeaderMap, secure: bool) -> Self {
        let cookie = read(headers, CSRF, secure);
        match cookie.filter(|t| t.len() == CSRF_LEN && t.bytes().all(|b| b.is_ascii_alphanumeric())) {
            Some(token) => Self { token: token.to_owned(), fresh: false },
            None => Self { token: random_token(CSRF_LEN), fresh: true },
        }
    }

    /// Whether a form's hidden `csrf` field repeats the cookie (a fresh token matches nothing:
    /// the cookie was missing).
    pub fn matches(&self, field: Option<&str>) -> bool {
        !self.fresh && field.is_some_and(|f| equal(f, &self.token))
    }
}

const CSRF_LEN: usize = 32;

#[cfg(test)]
mod tests {
    use super::{Csrf, read, set};
    use axum::http::{HeaderMap, HeaderValue, header};

    #[test]
    fn cookies_are_found_by_name_among_others() {
        let mut headers = HeaderMap::new();
        headers.append(header::COOKIE, HeaderValue::from_static("a=1; kordon_session=xyz"));
        headers.append(header::COOKIE, HeaderValue::from_static("kordon_csrf=\"q\"; __Host-kordon_session=h"));
        assert_eq!(read(&headers, "kordon_session", false), Some("xyz"));
        assert_eq!(read(&headers, "kordon_csrf", false), Some("q"));
        assert_eq!(read(&headers, "kordon_session", true), Some("h"), "over https only the __Host- cookie counts");
        assert_eq!(read(&headers, "kordon_csrf", true), None);
        assert_eq!(read(&headers, "kordon", false), None);
    }

    #[test]
    fn a_session_cookie_is_http_only_lax_and_host_only_on_https() {
        let c = set("kordon_session", "v", 60, true);
        assert_eq!(
            c.to_str().expect("text"),
            "__Host-kordon_session=v; Path=/; Secure; Max-Age=60; HttpOnly; SameSite=Lax"
        );
        let c = set("kordon_session", "v", 60, false);
        assert_eq!(c.to_str().expect("text"), "kordon_session=v; Path=/oauth; Max-Age=60; HttpOnly; SameSite=Lax");
    }

    #[test]
    fn a_form_without_the_cookie_or_with_another_token_is_refused() {
        let none = Csrf::of(&HeaderMap::new(), false);
        assert!(none.fresh && !none.matches(Some(&none.token.clone())));
        let mut headers = HeaderMap::new();
        let token = "a".repeat(32);
        headers.insert(header::COOKIE, HeaderValue::from_str(&format!("kordon_csrf={token}")).expect("header"));
        let csrf = Csrf::of(&headers, false);
        assert!(csrf.matches(Some(&token)));
        assert!(!csrf.matches(Some("b")) && !csrf.matches(None));
    }
}
