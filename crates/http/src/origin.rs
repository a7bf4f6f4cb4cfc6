//! Where a request comes from: the client host, its user agent and preferred language.
//! The host is the TCP peer; `Forwarded` / `X-Forwarded-For` count only when that peer is a
//! configured trusted proxy, so a spoofed header from anywhere else changes nothing.

use crate::AppState;
use axum::extract::{ConnectInfo, FromRef, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::header;
use axum::http::request::Parts;
use kordon_core::Origin;
use kordon_core::net::Cidrs;
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};

/// The request's [`Origin`].
pub struct RequestOrigin(pub Origin);

impl<S> FromRequestParts<S> for RequestOrigin
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(state);
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip().to_canonical());
        let web = &state.web;
        let ip = peer.map(|peer| client_host(peer, &parts.headers, &web.trusted_proxies, web.forwarded).to_string());
        let text = |name| parts.headers.get(name).and_then(|v| v.to_str().ok());
        let user_agent = text(header::USER_AGENT).map(|ua| ua.chars().take(256).collect());
        let locale = text(header::ACCEPT_LANGUAGE).and_then(|al| {
            let first = al.split(',').next()?.trim().to_ascii_lowercase();
            if first.starts_with("ru") {
                Some("ru".to_string())
            } else if first.starts_with("en") {
                Some("en".to_string())
            } else {
                None
            }
        });
        Ok(Self(Origin { ip, user_agent, locale }))
    }
}

/// Which forwarding header the trusted proxies set.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ForwardedHeader {
    #[default]
    XForwardedFor,
    Forwarded,
}

impl ForwardedHeader {
    pub fn parse(name: &str) -> Option<Self> {
        match name.trim().to_ascii_lowercase().as_str() {
            "x-forwarded-for" => Some(Self::XForwardedFor),
            "forwarded" => Some(Self::Forwarded),
            _ => None,
        }
    }
}

/// The client behind `peer`: the peer itself, unless it is a trusted proxy; then the nearest
/// address in the forwarding chain (of the configured header only) that is not a trusted proxy.
pub fn client_host(peer: IpAddr, headers: &HeaderMap, trusted: &Cidrs, header: ForwardedHeader) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    let chain = forwarded_chain(headers, header);
    // Right to left: each hop was added by the proxy before it; stop at the first untrusted one.
    let mut client = peer;
    for hop in chain.iter().rev() {
        client = *hop;
        if !trusted.contains(hop) {
            break;
        }
    }
    client
}

/// The addresses of the configured header, left to right: `for=` of `Forwarded` (RFC 7239), or
/// `X-Forwarded-For`.
fn forwarded_chain(headers: &HeaderMap, header: ForwardedHeader) -> Vec<IpAddr> {
    let values = |name: &str| headers.get_all(name).iter().filter_map(|v| v.to_str().ok()).collect::<Vec<_>>();
    if header == ForwardedHeader::Forwarded {
        return values("forwarded")
            .iter()
            .flat_map(|v| v.split(','))
            .filter_map(|element| {
                element.split(';').find_map(|pair| {
                    let (k, v) = pair.trim().split_once('=')?;
                    k.eq_ignore_ascii_case("for").then(|| parse_node(v))?
                })
            })
            .collect();
    }
    values("x-forwarded-for").iter().flat_map(|v| v.split(',')).filter_map(parse_node).collect()
}

/// `1.2.3.4`, `1.2.3.4:80`, `"[2001:db8::1]:443"`, `2001:db8::1`.
fn parse_node(raw: &str) -> Option<IpAddr> {
    let raw = raw.trim().trim_matches('"');
    if let Ok(ip) = raw.parse::<IpAddr>() {
        return Some(ip.to_canonical());
    }
    if let Some(rest) = raw.strip_prefix('[') {
        return rest.split(']').next()?.parse::<IpAddr>().ok().map(|ip| ip.to_canonical());
    }
    raw.parse::<SocketAddr>().ok().map(|s| s.ip().to_canonical())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn forwarding_headers_count_only_from_trusted_proxies() {
        let trusted = Cidrs::parse(&["10.0.0.0/8".into()]).expect("cidrs");
        let (xff, fwd_header) = (ForwardedHeader::XForwardedFor, ForwardedHeader::Forwarded);
        let peer: IpAddr = "203.0.113.9".parse().expect("ip");
        let spoof = headers(&[("x-forwarded-for", "1.1.1.1")]);
        assert_eq!(client_host(peer, &spoof, &trusted, xff), peer, "an untrusted peer's header is ignored");
        let proxy: IpAddr = "10.0.0.2".parse().expect("ip");
        let chain = headers(&[("x-forwarded-for", "6.6.6.6, 198.51.100.7, 10.0.0.5")]);
        assert_eq!(client_host(proxy, &chain, &trusted, xff).to_string(), "198.51.100.7");
        let fwd = headers(&[("forwarded", r#"for="[2001:db8::1]:443";proto=https, for=10.0.0.7"#)]);
        assert_eq!(client_host(proxy, &fwd, &trusted, fwd_header).to_string(), "2001:db8::1");
        assert_eq!(client_host(proxy, &HeaderMap::new(), &trusted, xff), proxy, "no header: the proxy itself");
        // A client's own Forwarded header, passed through by an X-Forwarded-For proxy, is ignored.
        let both = headers(&[("x-forwarded-for", "198.51.100.7"), ("forwarded", "for=192.0.2.1")]);
        assert_eq!(client_host(proxy, &both, &trusted, xff).to_string(), "198.51.100.7");
        assert_eq!(client_host(proxy, &both, &trusted, fwd_header).to_string(), "192.0.2.1");
    }
}
