//! Prometheus: `GET /metrics` renders every kordon series (the gauges read at scrape time), and
//! the request layer counts each answer by dialect, route template and status — route templates,
//! never raw paths, so the label sets stay bounded.

use crate::AppState;
use axum::Router;
use axum::extract::{MatchedPath, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::time::Duration;

/// The `/metrics` route alone (mounted on the main router, or on its own listener).
pub fn routes() -> Router<AppState> {
    Router::new().route("/metrics", get(scrape))
}

/// `/metrics` in the document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(scrape))]
pub(crate) struct Api;

/// Prometheus metrics (text exposition format 0.0.4)
///
/// Every kordon series: requests by dialect, route template and status, latency, logins by
/// result, tokens issued, the Defender, the password queue, FlashCalls, mail, the database pool and
/// build info. 404 when `metrics.enabled` is false or `metrics.listen` moves it to a listener of
/// its own.
#[utoipa::path(get, path = "/metrics", tag = crate::openapi_names::tag::HEALTH, operation_id = "metrics",
    security(()),
    responses(
        (status = 200, description = "The exposition.", content_type = "text/plain; version=0.0.4", body = String),
        (status = 404, description = "Not served here.", body = crate::plain_error::PlainError),
    ))]
async fn scrape(State(state): State<AppState>) -> Response {
    let Some(handle) = state.web.metrics.as_ref() else {
        return crate::plain_error::plain_error(StatusCode::NOT_FOUND, "Not Found.");
    };
    let core = &state.core;
    let blocked = match core.defender_blocks().await {
        Ok(blocks) => blocks.len(),
        Err(err) => {
            tracing::warn!(error = %err, "metrics: the Defender's blocks could not be read");
            0
        }
    };
    kordon_core::metrics::gauges(core.passwords.queue_depth(), blocked, core.store.pool_connections());
    let mut answer = handle.render().into_response();
    answer.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; version=0.0.4"));
    answer
}

/// The dialect a request speaks, from its path (and method, for the PBX action API).
pub(crate) fn dialect(method: &Method, path: &str) -> &'static str {
    // On every request: compare in place, allocate nothing.
    let under = |prefix: &str| path.strip_prefix(prefix).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'));
    if under("/api/v1") {
        "cabinet"
    } else if under("/api/ver1.0") {
        "provider"
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
        assert_eq!(dialect(&Method::GET, "/docs/"), "docs");
        assert_eq!(dialect(&Method::GET, "/metrics"), "ops");
        assert_eq!(dialect(&Method::GET, "/api/v10"), "other");
    }
}
