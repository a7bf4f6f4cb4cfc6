//! Layers and fallbacks shared by every dialect: one log line per request, JSON for unknown
//! routes and methods, and a JSON 500 instead of a dropped connection when a handler panics.

use axum::body::Body;
use axum::extract::{ConnectInfo, MatchedPath, Request};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use std::net::SocketAddr;
use std::time::Instant;

pub(crate) use crate::plain_error::{PlainError, plain_error};

/// The token of an `Authorization: Bearer …` header (the scheme is case-insensitive, RFC 6750).
pub(crate) fn bearer_token(headers: &axum::http::HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim())
}

/// The `page` of a query string, as Laravel reads it: missing, non-numeric or below 1 is page 1.
pub(crate) fn page_param(query: Option<&str>) -> i64 {
    query
        .unwrap_or_default()
        .split('&')
        .find_map(|pair| pair.strip_prefix("page="))
        .and_then(|p| p.trim().parse::<i64>().ok())
        .unwrap_or(1)
        .max(1)
}

pub(crate) async fn not_found() -> Response {
    plain_error(StatusCode::NOT_FOUND, "Not Found.")
}

pub(crate) async fn method_not_allowed() -> Response {
    plain_error(StatusCode::METHOD_NOT_ALLOWED, "Method Not Allowed.")
}

pub(crate) fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response<Body> {
    tracing::error!("a request handler panicked");
    plain_error(StatusCode::INTERNAL_SERVER_ERROR, "Server Error")
}

/// One line per request: method, path (never the query, which may carry tokens), status,
/// latency and client address. Bodies and headers are never logged.
pub(crate) async fn log_request(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let client =
        request.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip().to_string()).unwrap_or_default();
    let dialect = crate::metrics::dialect(&method, &path);
    let route = request.extensions().get::<MatchedPath>().cloned();
    // The core labels what it counts (logins) with the dialect of the request it serves.
    let mut response = kordon_core::metrics::DIALECT.scope(dialect, next.run(request)).await;
    crate::metrics::record(dialect, route.as_ref(), response.status(), started.elapsed());
    let status = response.status().as_u16();
    tracing::info!(
        target: "kordon::request",
        %method,
        path,
        status,
        latency_ms = started.elapsed().as_secs_f64() * 1000.0,
        client,
        "answered"
    );
    // Tokens travel in these answers: no cache may keep them.
    response.headers_mut().entry(header::CACHE_CONTROL).or_insert(header::HeaderValue::from_static("no-store"));
    response
}
