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

mod error;
mod identifiers;
mod persons;
mod request;
mod views;

use crate::AppState;
use axum::Router;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{MethodRouter, get, post};
use identifiers::{FaceTokens, Kind, Phrases};

pub(crate) fn routes() -> Router<AppState> {
    let persons = || get(persons::list).post(persons::create).fallback(method_not_allowed);
    let person = || {
        get(persons::show)
            .put(persons::update)
            .patch(persons::update)
            .delete(persons::delete)
            .fallback(method_not_allowed)
    };
    let router = Router::new()
        .route("/api/users", persons())
        .route("/api/users/", persons())
        .route("/api/users/{id}", person())
        .route("/api/users/{id}/", person());
    let router = identifier_routes::<Phrases>(router, "/api/phrases");
    identifier_routes::<FaceTokens>(router, "/api/faceTokens")
}

/// `POST base`, and `GET`, `PUT`/`PATCH`, `DELETE` of `base/{id}`, each with a trailing slash too.
fn identifier_routes<K: Kind>(router: Router<AppState>, base: &str) -> Router<AppState> {
    let collection = || -> MethodRouter<AppState> { post(identifiers::create::<K>).fallback(method_not_allowed) };
    let one = || -> MethodRouter<AppState> {
        get(identifiers::show::<K>)
            .put(identifiers::update::<K>)
            .patch(identifiers::update::<K>)
            .delete(identifiers::delete::<K>)
            .fallback(method_not_allowed)
    };
    router
        .route(base, collection())
        .route(&format!("{base}/"), collection())
        .route(&format!("{base}/{{id}}"), one())
        .route(&format!("{base}/{{id}}/"), one())
}

async fn method_not_allowed() -> Response {
    error::message(StatusCode::METHOD_NOT_ALLOWED, "Method Not Allowed.")
}
