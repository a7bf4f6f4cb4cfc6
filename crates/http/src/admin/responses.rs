//! The admin API's error answers as reusable response components of the document, and the groups
//! each kind of operation can give. Types for the document only, never built: the handlers
//! answer [`super::error`], and a component's field only names its body's schema.
#![allow(dead_code)]

use super::error::{ErrorBody, Failure};
use utoipa::{IntoResponses, ToResponse};

/// No bearer token, or one that is unknown, expired or revoked (RFC 6750 §3).
#[derive(ToResponse)]
#[response(
    headers(("WWW-Authenticate" = String, description = "`Bearer realm=\"kordon\"`, and \
        `error=\"invalid_token\"` when a token was sent.")),
    examples(
        ("invalid" = (value = json!({"error": "invalid_token", "message": "The access token is invalid or expired."}))),
        ("missing" = (value = json!({"error": "invalid_token", "message": "An access token is required."}))),
    ),
)]
pub(crate) struct AdminUnauthenticated(ErrorBody);

/// The caller's role may not: a user who is neither the platform's operator nor an account's
/// `lk_admin`, a tenant asking for an operator's action, or a token that cannot administer (an
/// application's own, or a code-flow token of an application that is not trusted).
#[derive(ToResponse)]
#[response(example = json!({"error": "forbidden", "message": "Your role may not administer this."}))]
pub(crate) struct AdminForbidden(ErrorBody);

/// No such object in the caller's scope: another tenant's looks exactly like a missing one.
#[derive(ToResponse)]
#[response(example = json!({"error": "not_found", "message": "Not found."}))]
pub(crate) struct AdminNotFound(ErrorBody);

/// The input is wrong: a query parameter, a body that is not a JSON object or has a field of the
/// wrong type, or a value the rules refuse (`field` names it).
#[derive(ToResponse)]
#[response(example = json!({"error": "invalid_request", "message": "The name field is required.", "field": "name"}))]
pub(crate) struct AdminBadRequest(ErrorBody);

/// The body is over 64 KiB.
#[derive(ToResponse)]
#[response(example = json!({"error": "too_large", "message": "The request body is too large."}))]
pub(crate) struct AdminTooLarge(ErrorBody);

/// Details only in the server log (a handler that panicked answers `{"message","code"}`).
#[derive(ToResponse)]
#[response(examples(
    ("server_error" = (value = json!({"error": "server_error", "message": "The server could not answer the request."}))),
    ("panic" = (value = json!({"message": "Server Error", "code": 500}))),
))]
pub(crate) struct AdminServerError<'a>(#[to_schema] Failure<'a>);

/// The store cannot be reached, or the request ran past `server.request_timeout` (the edge's
/// `{"message","code":503}`); try again after `Retry-After` seconds.
#[derive(ToResponse)]
#[response(
    headers(("Retry-After" = u64, description = "Seconds to wait.")),
    examples(
        ("busy" = (value = json!({"error": "temporarily_unavailable", "message": "Server busy, try again."}))),
        ("deadline" = (value = json!({"message": "Server busy, try again.", "code": 503}))),
    ),
)]
pub(crate) struct AdminUnavailable<'a>(#[to_schema] Failure<'a>);

/// What any operation may answer: 401, 403, 500, 503.
#[derive(IntoResponses)]
pub(crate) enum Always {
    #[response(status = 401)]
    Unauthenticated(#[ref_response] AdminUnauthenticated),
    #[response(status = 403)]
    Forbidden(#[ref_response] AdminForbidden),
    #[response(status = 500)]
    ServerError(#[ref_response] AdminServerError<'static>),
    #[response(status = 503)]
    Busy(#[ref_response] AdminUnavailable<'static>),
}

/// What an operation on one object may answer besides: 404.
#[derive(IntoResponses)]
pub(crate) enum WithId {
    #[response(status = 404)]
    NotFound(#[ref_response] AdminNotFound),
}

/// What an operation with input may answer besides: 400.
#[derive(IntoResponses)]
pub(crate) enum WithInput {
    #[response(status = 400)]
    BadRequest(#[ref_response] AdminBadRequest),
}

/// What an operation with a body may answer besides: 400, 413.
#[derive(IntoResponses)]
pub(crate) enum WithBody {
    #[response(status = 400)]
    BadRequest(#[ref_response] AdminBadRequest),
    #[response(status = 413)]
    TooLarge(#[ref_response] AdminTooLarge),
}
