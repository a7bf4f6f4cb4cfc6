//! kordon's HTML pages (the login pages, the console): rendering a template with the headers
//! every page carries — no caching, no framing, no referrer, and a Content-Security-Policy that
//! lets a page load only kordon's own stylesheets and post only to kordon (and, for a login page,
//! to the client's redirect URI, which the post may be redirected to). No page runs a script but
//! the passkey steps, which run kordon's one static file `passkey.js` ([`page_with_script`]).

use askama::Template;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

/// A rendered page with kordon's page headers; `form_target` is where a form on it may post
/// beyond kordon itself (the origin of the client's redirect URI).
pub(crate) fn page(status: StatusCode, template: &impl Template, form_target: Option<&str>) -> Response {
    let body = match template.render() {
        Ok(body) => body,
        Err(err) => {
            tracing::error!(error = %err, "a page could not be rendered");
            return (StatusCode::INTERNAL_SERVER_ERROR, "kordon could not render this page").into_response();
        }
    };
    let mut response = (status, Html(body)).into_response();
    secure(response.headers_mut(), form_target);
    response
}

/// A page that runs `passkey.js` (a WebAuthn ceremony needs `navigator.credentials`): as
/// [`page`], with `script-src 'self'` in its policy. No inline script runs even here (ADR 28).
pub(crate) fn page_with_script(status: StatusCode, template: &impl Template, form_target: Option<&str>) -> Response {
    let mut response = page(status, template, form_target);
    if response.status() == status {
        policy(response.headers_mut(), form_target, "; script-src 'self'");
    }
    response
}

/// The headers of every page and of the redirects between them.
pub(crate) fn secure(headers: &mut HeaderMap, form_target: Option<&str>) {
    policy(headers, form_target, "");
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
}

/// The Content-Security-Policy of a page (`script` adds the one script source a passkey step
/// needs).
fn policy(headers: &mut HeaderMap, form_target: Option<&str>, script: &str) {
    let target = form_target.map(source).unwrap_or_default();
    let csp = format!(
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'{target}; \
         frame-ancestors 'none'; base-uri 'none'{script}"
    );
    if let Ok(value) = HeaderValue::from_str(&csp) {
        headers.insert(header::CONTENT_SECURITY_POLICY, value);
    }
}

/// `303 See Other` to a page of kordon (a GET after a form's POST, and a sign-in's redirects),
/// with the page headers.
pub(crate) fn see_other(location: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    secure(response.headers_mut(), None);
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// An RFC 3339 time as a person reads it: `2026-12-06 07:15 UTC`.
pub(crate) fn shown_time(rfc3339: &str) -> String {
    match (rfc3339.get(..10), rfc3339.get(11..16)) {
        (Some(day), Some(time)) => format!("{day} {time} UTC"),
        _ => rfc3339.to_owned(),
    }
}

/// A Unix time as a person reads it (see [`shown_time`]).
pub(crate) fn shown_unix(at: i64) -> String {
    shown_time(&kordon_core::clock::format_rfc3339(at))
}

/// How long to wait, as a page says it after `text`: minutes, or whole hours from two hours on (a
/// daily cap reads "24 h", not "1440 min.").
pub(crate) fn wait_words(text: &str, retry_after: u64, minutes: &str, hours: &str) -> String {
    let m = retry_after.div_ceil(60).max(1);
    match m {
        0..120 => format!("{text} {m} {minutes}"),
        _ => format!("{text} {} {hours}", m.div_ceil(60)),
    }
}

/// A page form's body: its fields, the first value of each name.
pub(crate) struct Form(std::collections::HashMap<String, String>);

impl Form {
    pub fn parse(body: &[u8]) -> Self {
        let mut fields = std::collections::HashMap::new();
        for (k, v) in form_urlencoded::parse(body) {
            fields.entry(k.into_owned()).or_insert_with(|| v.into_owned());
        }
        Self(fields)
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }
}

/// A CSP source for a redirect URI: its origin (`https://app.example.com:8443`), or its scheme
/// for a private-use one (`com.example.app:`).
fn source(uri: &str) -> String {
    match url::Url::parse(uri) {
        Ok(url) if url.has_host() => format!(" {}", url.origin().ascii_serialization()),
        Ok(url) => format!(" {}:", url.scheme()),
        Err(_) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::{shown_time, source};

    #[test]
    fn times_are_shown_to_the_minute_in_utc() {
        assert_eq!(shown_time("2026-12-06T07:15:42Z"), "2026-12-06 07:15 UTC");
        assert_eq!(shown_time("soon"), "soon");
    }

    #[test]
    fn a_form_may_post_to_the_redirect_origin_only() {
        assert_eq!(source("https://app.example.com:8443/cb?x=1"), " https://app.example.com:8443");
        assert_eq!(source("http://127.0.0.1:5173/cb"), " http://127.0.0.1:5173");
        assert_eq!(source("com.example.app:/cb"), " com.example.app:");
    }
}
