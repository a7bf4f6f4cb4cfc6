//! The cabinet's plain error shape `{"message","code"}`, which the shared edge also answers
//! for routes no dialect owns; a leaf, so the edge and `/metrics` can both use it.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// The cabinet's plain error shape `{"message":…,"code":…}`, the default for routes no dialect
/// owns (unknown routes and methods, oversized bodies, a panic).
#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = CabinetPlainError)]
pub(crate) struct PlainError<'a> {
    /// What went wrong, for people.
    pub message: &'a str,
    /// The HTTP status, repeated.
    pub code: u16,
}

/// Answers [`PlainError`] with `status`.
pub(crate) fn plain_error(status: StatusCode, message: &str) -> Response {
    (status, axum::Json(PlainError { message, code: status.as_u16() })).into_response()
}
