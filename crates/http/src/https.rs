//! Whether a request reached kordon over https, and the HSTS header of every such answer.
//!
//! Behind a TLS proxy kordon itself speaks plain http, so the scheme is read from what the
//! operator configured — a `server.public_url` or an `oauth.issuer` of https — or from a trusted
//! proxy's `X-Forwarded-Proto` (or `proto=` of `Forwarded`, whichever header
//! `defender.forwarded_header` names). A forwarding header can only add https, never take it
//! away: a client that claims https over plain http gets cookies its browser will not keep, and
//! nothing more. The login pages make their cookies `Secure` and `__Host-` by it.

use crate::AppState;
use crate::origin::ForwardedHeader;
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};

/// `Strict-Transport-Security` on every answer over https: a year, this host only (sibling
/// subdomains are the operator's to decide), no preload.
const HSTS: &str = "max-age=31536000";

/// Whether this request came over https (set by [`layer`]; false where the layer did not run).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Https(pub bool);

impl<S: Send + Sync> FromRequestParts<S> for Https {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        Ok(parts.extensions.get::<Https>().copied().unwrap_or_default())
    }
}

/// Decides [`Https`] for the request, and sends HSTS back when it is.
pub(crate) async fn layer(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip().to_canonical());
    let https = over_https(&state, peer, request.headers());
    request.extensions_mut().insert(Https(https));
    let mut response = next.run(request).await;
    if https {
        response.headers_mut().insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static(HSTS));
    }
    response
}

fn over_https(state: &AppState, peer: Option<IpAddr>, headers: &HeaderMap) -> bool {
    let https = |url: &str| url.trim().get(..8).is_some_and(|s| s.eq_ignore_ascii_case("https://"));
    if state.web.public_url.as_deref().is_some_and(https) || https(state.core.issuer()) {
        return true;
    }
    let trusted = peer.is_some_and(|peer| state.web.trusted_proxies.contains(&peer));
    trusted && forwarded_proto(headers, state.web.forwarded).is_some_and(|p| p.eq_ignore_ascii_case("https"))
}

/// The scheme the client used, as the nearest trusted proxy forwards it: the first value of
/// `X-Forwarded-Proto`, or the first `proto=` of `Forwarded` (RFC 7239).
fn forwarded_proto(headers: &HeaderMap, header: ForwardedHeader) -> Option<&str> {
    let first = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    match header {
        ForwardedHeader::XForwardedFor => first("x-forwarded-proto")?.split(',').next().map(str::trim),
        ForwardedHeader::Forwarded => first("forwarded")?.split(',').next()?.split(';').find_map(|pair| {
            let (k, v) = pair.trim().split_once('=')?;
            k.eq_ignore_ascii_case("proto").then(|| v.trim_matches('"'))
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::forwarded_proto;
    use crate::origin::ForwardedHeader;
    use axum::http::{HeaderMap, HeaderValue};

    #[test]
    fn the_forwarded_scheme_is_the_first_hop_of_the_configured_header() {
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-proto", HeaderValue::from_static("https, http"));
        h.insert("forwarded", HeaderValue::from_static(r#"for=192.0.2.1;proto="http", for=10.0.0.1;proto=https"#));
        assert_eq!(forwarded_proto(&h, ForwardedHeader::XForwardedFor), Some("https"));
        assert_eq!(forwarded_proto(&h, ForwardedHeader::Forwarded), Some("http"));
        assert_eq!(forwarded_proto(&HeaderMap::new(), ForwardedHeader::Forwarded), None);
    }
}
