//! The biometric identifiers API (seed 002): `/api/users`, `/api/phrases`, `/api/faceTokens`,
//! for the bearer of an OAuth access token, over the records of the bearer's account.
//!
//! Answers as the Laravel application of the seed: records as plain JSON objects, 201 for a
//! create, 204 for a delete, and errors as `{"message":…}` (401 `Unauthenticated.`, 404
//! `Not Found.` for a missing or another account's record and for an id that is not a number,
//! 405 `Method Not Allowed.`, 400 for a body that is not a JSON object, 413 over 64 KiB, 500
//! `Server Error`) or 422 `{"message":"The given data was invalid.","errors":{…}}`. Every route
//! also answers with a trailing slash (the seed writes `api/users/`), and `PATCH` updates like
//! `PUT`, as in a Laravel resource route.

mod bodies;
mod error;
mod extract;
mod face_tokens;
mod identifiers;
mod kinds;
pub(crate) mod openapi;
mod persons;
mod phrases;
mod views;

use crate::AppState;
use axum::Router;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};

pub(crate) fn routes() -> Router<AppState> {
    let persons = || get(persons::list).post(persons::create).fallback(method_not_allowed);
    let person = || {
        get(persons::show)
            .put(persons::update)
            .patch(persons::patch)
            .delete(persons::delete)
            .fallback(method_not_allowed)
    };
    let phrases = || post(phrases::create).fallback(method_not_allowed);
    let phrase = || {
        get(phrases::show)
            .put(phrases::update)
            .patch(phrases::patch)
            .delete(phrases::delete)
            .fallback(method_not_allowed)
    };
    let face_tokens = || post(face_tokens::create).fallback(method_not_allowed);
    let face_token = || {
        get(face_tokens::show)
            .put(face_tokens::update)
            .patch(face_tokens::patch)
            .delete(face_tokens::delete)
            .fallback(method_not_allowed)
    };
    Router::new()
        .route("/api/users", persons())
        .route("/api/users/", persons())
        .route("/api/users/{id}", person())
        .route("/api/users/{id}/", person())
        .route("/api/phrases", phrases())
        .route("/api/phrases/", phrases())
        .route("/api/phrases/{id}", phrase())
        .route("/api/phrases/{id}/", phrase())
        .route("/api/faceTokens", face_tokens())
        .route("/api/faceTokens/", face_tokens())
        .route("/api/faceTokens/{id}", face_token())
        .route("/api/faceTokens/{id}/", face_token())
}

async fn method_not_allowed() -> Response {
    error::message(StatusCode::METHOD_NOT_ALLOWED, "Method Not Allowed.")
}
