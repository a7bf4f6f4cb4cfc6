//! The admin JSON API under `/api/admin/v1` (issue 20): the Defender's blocks, users (search,
//! disable, enable, forgive), a user's sessions of every kind, and applications, for a bearer
//! token of the platform's operator (every tenant) or of an account's `lk_admin` (that tenant
//! only). The work is the core's (`services::admin`), shared with the console; this module only
//! reads requests and shapes answers.
//!
//! Every failure answers `{"error","message"}` ([`error`]): 400 bad input, 401 no or a bad
//! token (with `WWW-Authenticate`), 403 a role that may not, 404 nothing in scope (another
//! tenant's objects look missing), 405, 413. The contract is docs/admin-api.md.

mod applications;
mod audit;
mod audit_views;
mod bodies;
mod defender;
mod error;
mod extract;
pub(crate) mod openapi;
mod responses;
mod sessions;
mod users;
mod views;

/// Where the admin API's routes are nested (`lib.rs` nests [`routes`] here).
pub(crate) const PREFIX: &str = "/api/admin/v1";

use crate::AppState;
use axum::Router;
use axum::routing::{delete, get, post};
use error::method_not_allowed;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/defender/blocks", get(defender::list).fallback(method_not_allowed))
        .route("/defender/blocks/{ip}", delete(defender::unblock).fallback(method_not_allowed))
        .route("/defender/capped", get(defender::capped).fallback(method_not_allowed))
        .route("/defender/capped/{login}", delete(defender::forgive).fallback(method_not_allowed))
        .route("/users", get(users::search).fallback(method_not_allowed))
        .route("/users/{id}", get(users::show).patch(users::update).fallback(method_not_allowed))
        .route("/users/{id}/disable", post(users::disable).fallback(method_not_allowed))
        .route("/users/{id}/enable", post(users::enable).fallback(method_not_allowed))
        .route("/users/{id}/forgive", post(users::forgive).fallback(method_not_allowed))
        .route("/users/{id}/mfa-reset", post(users::mfa_reset).fallback(method_not_allowed))
        .route("/users/{id}/sessions", get(sessions::list).fallback(method_not_allowed))
        .route("/sessions/{id}", delete(sessions::revoke).fallback(method_not_allowed))
        .route("/applications", get(applications::list).post(applications::create).fallback(method_not_allowed))
        .route(
            "/applications/{id}",
            axum::routing::patch(applications::update).delete(applications::delete).fallback(method_not_allowed),
        )
        .route("/applications/{id}/secret", post(applications::rotate_secret).fallback(method_not_allowed))
        .route("/audit", get(audit::list).fallback(method_not_allowed))
        .route("/flashcalls/stats", get(audit::flashcall_stats).fallback(method_not_allowed))
        .fallback(error::not_found)
}
