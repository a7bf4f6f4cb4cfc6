//! The cabinet REST API v1 (seed 000): registration with a FlashCall PIN, login, tokens,
//! password reset, personal API tokens and the contract's manager, under `/api/v1`.

mod api_tokens;
mod applications;
mod error;
mod extract;
mod flashcall;
mod manager;
pub(crate) mod openapi;
mod password_reset;
mod sessions;
mod views;

pub use error::CabinetError;

/// Where the cabinet's routes live: each path in [`routes`] begins with it (written whole, not
/// nested), and the OpenAPI paths take it as their context.
pub(crate) const PREFIX: &str = "/api/v1";

use crate::AppState;
use axum::Router;
use axum::routing::{delete, get, post};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/flashcall", post(flashcall::flashcall))
        .route("/api/v1/register", post(sessions::register))
        .route("/api/v1/login", post(sessions::login))
        .route("/api/v1/authuser", get(sessions::authuser))
        .route("/api/v1/authuser/flashcall", post(flashcall::flashcall_self))
        .route("/api/v1/update-password", post(sessions::update_password))
        .route("/api/v1/refresh", post(sessions::refresh))
        .route("/api/v1/restore-token", post(password_reset::restore_token))
        .route("/api/v1/change-password", post(password_reset::change_password))
        .route("/api/v1/logout", post(sessions::logout))
        .route("/api/v1/tokens", get(api_tokens::list).post(api_tokens::create))
        .route("/api/v1/tokens/{token_id}", delete(api_tokens::delete))
        .route("/api/v1/manager", get(manager::manager))
        .route("/api/v1/applications", get(applications::list).post(applications::create))
        .route("/api/v1/applications/{id}", delete(applications::delete))
}
