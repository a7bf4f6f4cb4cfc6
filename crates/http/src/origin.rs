//! Where a request comes from: the TCP peer, its user agent and preferred language.

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header;
use axum::http::request::Parts;
use kordon_core::Origin;
use std::convert::Infallible;
use std::net::SocketAddr;

/// The request's [`Origin`]; the client address is the TCP peer (proxies come with the Defender).
pub struct RequestOrigin(pub Origin);

impl<S: Send + Sync> FromRequestParts<S> for RequestOrigin {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let ip = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip().to_string());
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
