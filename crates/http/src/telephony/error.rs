//! How the telephony API answers a core error: RFC 6750's answers ([`crate::bearer`]), and
//! `access_denied` (403) and `invalid_request` (400) in the same shape.

use crate::rfc6749::{ErrorCode, answer};
use axum::http::StatusCode;
use axum::response::Response;
use kordon_core::Error;

/// `err` as this API answers it, for a resource that needs `scope`.
pub(super) fn refusal(err: Error, presented: bool, scope: &'static str) -> Response {
    match err {
        Error::Forbidden(message) => answer(StatusCode::FORBIDDEN, ErrorCode::AccessDenied, &message),
        Error::Validation { message, .. } => answer(StatusCode::BAD_REQUEST, ErrorCode::InvalidRequest, &message),
        other => crate::bearer::refusal(other, presented, scope),
    }
}
