//! The dialect's error answers as reusable response components, and the groups of them each kind
//! of operation can give. Types for the document only, never built: the handlers answer
//! [`super::super::error`], and a component's field only names its body's schema.
#![allow(dead_code)]

use super::super::error::{MessageSchema, ValidationSchema};
use crate::edge::PlainError;
use utoipa::{IntoResponses, ToResponse};

/// No valid OAuth access token (missing, malformed, expired, revoked, or not an OAuth token).
#[derive(ToResponse)]
#[response(example = json!({ "message": "Unauthenticated." }))]
pub(crate) struct LaravelUnauthenticated(MessageSchema);

/// No such record in the caller's account (another account's records answer the same), or an
/// id that is not a positive integer.
#[derive(ToResponse)]
#[response(example = json!({ "message": "Not Found." }))]
pub(crate) struct LaravelNotFound(MessageSchema);

/// The body is not a JSON object (or could not be read).
#[derive(ToResponse)]
#[response(example = json!({ "message": "The request body is not valid JSON." }))]
pub(crate) struct LaravelBadRequest(MessageSchema);

/// The body is over 64 KiB.
#[derive(ToResponse)]
#[response(example = json!({ "message": "The request body is too large." }))]
pub(crate) struct LaravelTooLarge(MessageSchema);

/// Validation failed: every invalid field with its messages.
#[derive(ToResponse)]
#[response(example = json!({ "message": "The given data was invalid.",
                             "errors": { "user_id": ["The selected user id is invalid."] } }))]
pub(crate) struct LaravelUnprocessable(ValidationSchema);

/// Details only in the server log (a handler that panicked answers `{"message","code"}`).
#[derive(ToResponse)]
#[response(example = json!({ "message": "Server Error" }))]
pub(crate) struct LaravelServerError(MessageSchema);

/// The request ran past `server.request_timeout`; its work was dropped. Try again after
/// `Retry-After` seconds.
#[derive(ToResponse)]
#[response(
    headers(("Retry-After" = u64, description = "Seconds to wait.")),
    example = json!({ "message": "Server busy, try again.", "code": 503 })
)]
pub(crate) struct BioBusy(PlainError<'static>);

/// What any operation may answer: 401, 500, 503.
#[derive(IntoResponses)]
pub(crate) enum Always {
    #[response(status = 401)]
    Unauthenticated(#[ref_response] LaravelUnauthenticated),
    #[response(status = 500)]
    ServerError(#[ref_response] LaravelServerError),
    #[response(status = 503)]
    Busy(#[ref_response] BioBusy),
}

/// What an operation with a body may answer besides: 400, 413, 422.
#[derive(IntoResponses)]
pub(crate) enum WithBody {
    #[response(status = 400)]
    BadRequest(#[ref_response] LaravelBadRequest),
    #[response(status = 413)]
    TooLarge(#[ref_response] LaravelTooLarge),
    #[response(status = 422)]
    Unprocessable(#[ref_response] LaravelUnprocessable),
}

/// What an operation on one record may answer besides: 404.
#[derive(IntoResponses)]
pub(crate) enum WithId {
    #[response(status = 404)]
    NotFound(#[ref_response] LaravelNotFound),
}
