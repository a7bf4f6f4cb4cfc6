//! The rules a registered redirect URI (or post-logout redirect URI) follows. The authorization
//! endpoint compares them as exact strings, so what is registered must be a complete, absolute
//! URI: `https`, `http` only to a loopback host (RFC 8252 §7.3, a native app's local listener),
//! or a private-use scheme with a dot in it (RFC 8252 §7.1, `com.example.app:/callback`); never
//! a fragment (RFC 6749 §3.1.2).

use crate::error::{Error, Result};

/// At most this many URIs a list, each at most this long.
const MAX_URIS: usize = 20;
const MAX_LEN: usize = 2000;

/// The URIs as registered (trimmed, duplicates dropped), or a validation error naming `field`.
pub fn check(field: &'static str, uris: &[String]) -> Result<Vec<String>> {
    if uris.len() > MAX_URIS {
        return Err(Error::validation(field, format!("At most {MAX_URIS} URIs may be registered.")));
    }
    let mut kept: Vec<String> = Vec::with_capacity(uris.len());
    for uri in uris {
        let uri = uri.trim();
        if let Some(problem) = problem(uri) {
            return Err(Error::validation(field, format!("{uri:?} {problem}.")));
        }
        if !kept.iter().any(|k| k == uri) {
            kept.push(uri.to_owned());
        }
    }
    Ok(kept)
}

fn problem(uri: &str) -> Option<&'static str> {
    if uri.is_empty() || uri.len() > MAX_LEN || uri.chars().any(char::is_whitespace) {
        return Some("must be a URI of at most 2000 characters without spaces");
    }
    let Ok(parsed) = url::Url::parse(uri) else { return Some("is not an absolute URI") };
    if parsed.fragment().is_some() {
        return Some("must not have a fragment");
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Some("must not carry credentials");
    }
    match parsed.scheme() {
        "https" if parsed.host().is_some() => None,
        "http" if is_loopback(&parsed) => None,
        "http" => Some("may use http only to a loopback host (localhost, 127.0.0.1, [::1]); use https"),
        "https" => Some("has no host"),
        scheme if scheme.contains('.') => None,
        _ => Some("must use https, http to a loopback host, or a private-use scheme such as com.example.app"),
    }
}

fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::check;

    fn one(uri: &str) -> Result<Vec<String>, String> {
        check("redirect_uris", &[uri.to_owned()]).map_err(|e| e.to_string())
    }

    #[test]
    fn what_may_be_registered() {
        for good in [
            "https://app.example.com/callback",
            "https://app.example.com/cb?tenant=7",
            "http://127.0.0.1:8080/cb",
            "http://localhost/cb",
            "http://[::1]:9000/cb",
            "com.example.app:/oauth2redirect",
        ] {
            assert_eq!(one(good).expect(good), vec![good.to_owned()]);
        }
        for bad in [
            "",
            "/relative/path",
            "https://app.example.com/cb#frag",
            "http://app.example.com/cb",
            "http://10.0.0.1/cb",
            "javascript:alert(1)",
            "ftp://example.com/cb",
            "https://user:pass@example.com/cb",
            "https://exa mple.com/cb",
        ] {
            assert!(one(bad).is_err(), "{bad:?} must be refused");
        }
    }

    #[test]
    fn duplicates_collapse_and_the_list_is_bounded() {
        let same = vec!["https://a.example/cb".to_owned(), " https://a.example/cb ".to_owned()];
        assert_eq!(check("redirect_uris", &same).expect("ok").len(), 1);
        let many: Vec<String> = (0..21).map(|i| format!("https://a.example/{i}")).collect();
        assert!(check("redirect_uris", &many).is_err());
    }
}
