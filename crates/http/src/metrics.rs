//! Prometheus: `GET /metrics` renders every kordon series (the gauges set from memory, so a
//! scrape costs no store query), behind a bearer token when one is configured; and the request
//! layer counts each answer by dialect, route template and status — route templates, never raw
//! paths, so the label sets stay bounded.

use crate::AppState;
use axum::Router;
use axum::extract::{MatchedPath, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::time::Duration;

/// The 404 of `/metrics` where it is not served (off, or on a listener of its own).
const NOT_HERE: &str = "Metrics are not served here.";

/// `/metrics` on the main router: always routed (so other methods are answered 405 as
/// documented), answering 404 unless `metrics.listen` is `main`.
pub fn routes() -> Router<AppState> {
    Router::new().route("/metrics", get(scrape))
}

/// `/metrics` on a listener of its own.
pub(crate) fn own_routes() -> Router<AppState> {
    Router::new().route("/metrics", get(exposition))
}

/// `/metrics` in the document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(scrape))]
pub(crate) struct Api;

/// Prometheus metrics (text exposition format 0.0.4)
///
/// Every kordon series: requests by dialect, route template and status, latency, logins by
/// result, tokens issued, the Defender, the password queue, FlashCalls, password-reset requests,
/// the database pool and build info. By default served only on a loopback listener of its own
/// (`metrics.listen`, 127.0.0.1:9464), so 404 here; served here only when `metrics.listen` is
/// `main`, and then only with `Authorization: Bearer` and `metrics.token`.
#[utoipa::path(get, path = "/metrics", tag = crate::openapi_names::tag::HEALTH, operation_id = "metrics",
    security(()),
    responses(
        (status = 200, description = "The exposition.", content_type = "text/plain; version=0.0.4", body = String),
        (status = 401, description = "`metrics.token` is set and the request did not carry it as a bearer token; \
            with `WWW-Authenticate`.", body = crate::plain_error::PlainError),
        (status = 404, description = "Not served here.", body = crate::plain_error::PlainError),
    ))]
async fn scrape(state: State<AppState>, headers: HeaderMap) -> Response {
    match state.web.metrics_on_main {
        true => exposition(state, headers).await,
        false => crate::plain_error::plain_error(StatusCode::NOT_FOUND, NOT_HERE),
    }
}

/// The exposition, once the token (if any) checks out.
async fn exposition(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Some(handle) = state.web.metrics.as_ref() else {
        return crate::plain_error::plain_error(StatusCode::NOT_FOUND, NOT_HERE);
    };
    if let Some(expected) = state.web.metrics_token.as_deref()
        && let Some(refusal) = refused(&headers, expected)
    {
        return refusal;
    }
    let core = &state.core;
    kordon_core::metrics::gauges(core.passwords.queue_depth(), core.blocked_hosts(), core.store.pool_connections());
    kordon_core::metrics::audit_queue(core.audit_queue_depth());
    let mut answer = handle.render().into_response();
    answer.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; version=0.0.4"));
    answer
}

/// The request's bearer token against `expected` (the configured token's digest), compared in
/// constant time: a 401 with its challenge when it is missing or wrong, else nothing.
fn refused(headers: &HeaderMap, expected: &str) -> Option<Response> {
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim());
    let (challenge, message) = match presented {
        Some(token) if kordon_core::secrets::equal(&kordon_core::secrets::digest(token), expected) => return None,
        Some(_) => ("Bearer realm=\"kordon metrics\", error=\"invalid_token\"", "The metrics token is wrong."),
        None => ("Bearer realm=\"kordon metrics\"", "A metrics token is required."),
    };
    let mut refusal = crate::plain_error::plain_error(StatusCode::UNAUTHORIZED, message);
    refusal.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static(challenge));
    Some(refusal)
}

/// The dialect a request speaks, from its path (and method, for the PBX action API).
pub(crate) fn dialect(method: &Method, path: &str) -> &'static str {
    // On every request: compare in place, allocate nothing.
    let under = |prefix: &str| path.strip_prefix(prefix).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'));
    if under("/api/v1") {
        "cabinet"
    } else if under("/api/ver1.0") {
        "provider"
    } else if under("/api/admin") {
        "admin"
    } else if under("/api/telephony") {
        "telephony"
    } else if (path == "/api/" || path == "/api") && (method == Method::POST || method == Method::OPTIONS) {
        "pbx"
    } else if under("/api/users") || under("/api/phrases") || under("/api/faceTokens") {
        "biometrics"
    } else if under("/oauth") || under("/.well-known") {
        "oauth"
    } else if under("/docs") || path == "/openapi.json" {
        "docs"
    } else if matches!(path, "/healthz" | "/readyz" | "/metrics") {
        "ops"
    } else {
        "other"
    }
}

/// Counts one answered request.
pub(crate) fn record(dialect: &'static str, route: Option<&MatchedPath>, status: StatusCode, took: Duration) {
    // One copy of the route for both series (the labels share it).
    let route: metrics::SharedString = match route {
        Some(route) => std::sync::Arc::<str>::from(route.as_str()).into(),
        None => metrics::SharedString::const_str("unmatched"),
    };
    let status = status.as_u16().to_string();
    metrics::counter!("kordon_http_requests_total", "dialect" => dialect, "route" => route.clone(), "status" => status)
        .increment(1);
    metrics::histogram!("kordon_http_request_duration_seconds", "dialect" => dialect, "route" => route)
        .record(took.as_secs_f64());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_dialect_is_named_by_its_path() {
        assert_eq!(dialect(&Method::POST, "/api/v1/login"), "cabinet");
        assert_eq!(dialect(&Method::POST, "/api/"), "pbx");
        assert_eq!(dialect(&Method::GET, "/api/users/5"), "biometrics");
        assert_eq!(dialect(&Method::POST, "/oauth/token"), "oauth");
        assert_eq!(dialect(&Method::GET, "/.well-known/jwks.json"), "oauth");
        assert_eq!(dialect(&Method::GET, "/api/ver1.0/user/"), "provider");
        assert_eq!(dialect(&Method::GET, "/api/admin/v1/users"), "admin");
        assert_eq!(dialect(&Method::GET, "/docs/"), "docs");
        assert_eq!(dialect(&Method::GET, "/metrics"), "ops");
        assert_eq!(dialect(&Method::GET, "/api/v10"), "other");
    }
}
