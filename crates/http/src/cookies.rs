//! The browser pages' cookies (the login pages', the console's), read and set one way. All are
//! HttpOnly and SameSite=Lax. Over https (a public URL or issuer of https, or a trusted proxy's
//! word: `crate::https`) they are `Secure` and carry the `__Host-` prefix with `Path=/`, so no
//! sibling subdomain can plant or shadow them (cookie tossing). Over plain http a browser keeps
//! no `__Host-` cookie (it demands `Secure`), so there they have their plain name, scoped to the
//! path of the pages that read them.

use axum::http::{HeaderMap, HeaderValue, header};

/// The cookie's name as sent: `__Host-` prefixed over https.
fn name(base: &str, secure: bool) -> String {
    match secure {
        true => format!("__Host-{base}"),
        false => base.to_owned(),
    }
}

/// The value of the cookie `base` in the request, if any (the first one wins).
pub(crate) fn read<'a>(headers: &'a HeaderMap, base: &str, secure: bool) -> Option<&'a str> {
    let name = name(base, secure);
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim_matches('"'))
        .filter(|v| !v.is_empty())
}

/// A `Set-Cookie` value; `max_age` zero deletes the cookie. `http_path` scopes it over plain
/// http (over https it is `Path=/`, as `__Host-` demands).
pub(crate) fn set(base: &str, value: &str, max_age: i64, secure: bool, http_path: &str) -> HeaderValue {
    let text = match secure {
        true => format!("{}={value}; Path=/; Secure; Max-Age={max_age}; HttpOnly; SameSite=Lax", name(base, true)),
        false => format!("{base}={value}; Path={http_path}; Max-Age={max_age}; HttpOnly; SameSite=Lax"),
    };
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static("kordon_invalid=; Max-Age=0"))
}
