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

/// Where the cabinet's routes are nested (`lib.rs` nests [`routes`] here).
pub(crate) const PREFIX: &str = "/api/v1";

use crate::AppState;
use axum::Router;
use axum::routing::{delete, get, post};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/flashcall", post(flashcall::flashcall))
        .route("/register", post(sessions::register))
        .route("/login", post(sessions::login))
        .route("/authuser", get(sessions::authuser))
        .route("/authuser/flashcall", post(flashcall::flashcall_self))
        .route("/update-password", post(sessions::update_password))
        .route("/refresh", post(sessions::refresh))
        .route("/restore-token", post(password_reset::restore_token))
        .route("/change-password", post(password_reset::change_password))
        .route("/logout", post(sessions::logout))
        .route("/tokens", get(api_tokens::list).post(api_tokens::create))
        .route("/tokens/{token_id}", delete(api_tokens::delete))
        .route("/manager", get(manager::manager))
        .route("/applications", get(applications::list).post(applications::create))
        .route("/applications/{id}", delete(applications::delete))
}
