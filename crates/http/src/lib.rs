//! kordon's HTTP edge: one module per API dialect over the shared core, and the layers every
//! request passes (request log, body limit, panic guard, JSON 404/405).

mod account;
mod admin;
mod bearer;
pub mod biometrics;
pub mod cabinet;
mod console;
mod cookies;
pub mod docs;
mod edge;
mod first_party;
mod guard;
mod health;
mod html;
mod https;
pub mod metrics;
pub mod oauth;
mod oidc;
pub mod openapi;
mod openapi_names;
pub mod origin;
mod pages;
pub mod pbx;
mod plain_error;
pub mod provider;
mod qr;
mod rfc6749;
mod telephony;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use kordon_core::Core;
use std::sync::Arc;

/// Request bodies larger than this are refused with 413 before they are parsed.
pub const BODY_LIMIT: usize = 64 * 1024;

/// What every handler can reach: one shared allocation, so the router's clone of it for each
/// request (every route and stateful middleware holds one) is one reference count, not one for
/// each of the core's parts (those clones were 6-9 % of a busy server's perf samples).
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

/// What [`AppState`] shares.
pub struct Shared {
    pub core: Core,
    pub web: WebSettings,
}

impl AppState {
    pub fn new(core: Core, web: WebSettings) -> Self {
        Self(Arc::new(Shared { core, web }))
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// Edge-only settings.
#[derive(Debug, Clone, Default)]
pub struct WebSettings {
    /// The public base URL (`https://auth.example.com`) used in links such as pagination;
    /// without it the request's Host header is used over http.
    pub public_url: Option<String>,
    /// Proxies whose forwarding headers name the client.
    pub trusted_proxies: kordon_core::net::Cidrs,
    /// The one forwarding header those proxies set.
    pub forwarded: origin::ForwardedHeader,
    /// `version.software` of the PBX dialect.
    pub pbx_software: String,
    /// When this process started (the PBX dialect's `version.last_update`), Unix seconds.
    pub started_at: f64,
    /// A request still running after this long is answered 503 and its work dropped; zero: never.
    pub request_timeout: std::time::Duration,
    /// The Prometheus exporter's handle; None: no `/metrics`.
    pub metrics: Option<metrics_exporter_prometheus::PrometheusHandle>,
    /// Serve `/metrics` on the main listener (false when it has a listener of its own).
    pub metrics_on_main: bool,
    /// The SHA-256 digest of `metrics.token`: `/metrics` then answers only requests that carry
    /// the token as `Authorization: Bearer`.
    pub metrics_token: Option<String>,
    /// The console's built-in client as registered at start; None: the console cannot sign
    /// anyone in (the issuer is no base a browser can return to), and says so.
    pub console: Option<kordon_core::services::FirstPartyClient>,
    /// The account page's built-in client, likewise.
    pub account: Option<kordon_core::services::FirstPartyClient>,
}

/// The whole router: every dialect, health checks, and the shared layers.
pub fn router(state: AppState) -> Router {
    let request_timeout = state.web.request_timeout;
    Router::new()
        .merge(health::routes())
        .merge(metrics::routes())
        // The hot APIs' routes are whole paths rather than nested: a nested route rebuilds each
        // request's URI without its prefix (`strip_prefix`, 4 % of a bearer request's samples,
        // 2026-12-07). The admin API stays nested for its own JSON 404 under its prefix.
        .merge(cabinet::routes())
        .nest("/api/admin/v1", admin::routes())
        .merge(telephony::routes())
        .merge(pbx::routes())
        .merge(biometrics::routes())
        .merge(oauth::routes())
        .merge(oidc::routes())
        .merge(console::routes())
        .merge(account::routes())
        .merge(provider::routes())
        .merge(docs::routes(openapi::OPENAPI_JSON.as_str()))
        .fallback(edge::not_found)
        .method_not_allowed_fallback(edge::method_not_allowed)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(edge::panic_response))
        .layer(axum::middleware::from_fn_with_state(request_timeout, guard::guard))
        .layer(axum::middleware::from_fn_with_state(state.clone(), https::layer))
        .layer(axum::middleware::from_fn(edge::log_request))
        .with_state(state)
}

/// `/metrics` alone, for a listener of its own (`metrics.listen`), with the main router's guards
/// (deadline, panic answer, body limit) but not its request log or counts.
pub fn metrics_router(state: AppState) -> Router {
    let request_timeout = state.web.request_timeout;
    metrics::own_routes()
        .fallback(edge::not_found)
        .method_not_allowed_fallback(edge::method_not_allowed)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(edge::panic_response))
        .layer(axum::middleware::from_fn_with_state(request_timeout, guard::guard))
        .with_state(state)
}
