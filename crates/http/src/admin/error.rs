//! The admin API's one error shape, `{"error": <code>, "message": <for people>}` (with `field`
//! when one input field is at fault), for every failure it answers itself: 400 bad input, 401 no
//! or a bad token (with RFC 6750's `WWW-Authenticate` challenge), 403 a role or token that may
//! not, 404 nothing in the caller's scope, 405, 413, 429, 500 and 503 (with `Retry-After`).
//! Internal detail is only logged.

use crate::edge::PlainError;
use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use kordon_core::Error;
use serde::Serialize;
use utoipa::ToSchema;

/// What went wrong, as a code to branch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = AdminErrorCode)]
pub(crate) enum Code {
    /// 400: the request's input is wrong (`field` names it when one field is).
    InvalidRequest,
    /// 401: no bearer token, or one that is unknown, expired or revoked.
    InvalidToken,
    /// 403: the caller's role (or token kind) may not do this.
    Forbidden,
    /// 404: no such object in the caller's scope (another tenant's looks missing too).
    NotFound,
    /// 405: the path takes other methods.
    MethodNotAllowed,
    /// 413: the body is over 64 KiB.
    TooLarge,
    /// 429: the caller's host is blocked or rate-limited.
    TooManyRequests,
    /// 503: the store or the hashing queue is busy; retry after `Retry-After`.
    TemporarilyUnavailable,
    /// 500: details only in the server log.
    ServerError,
}

/// The admin API's error body.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = AdminError, example = json!({"error": "not_found", "message": "Not found."}))]
pub(crate) struct ErrorBody {
    #[schema(inline)]
    pub error: Code,
    /// For people; not meant to be parsed.
    pub message: String,
    /// The input field at fault (400 only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<&'static str>,
}

/// A failure the admin API answers, or one the shared edge answers for every route in the
/// cabinet's plain shape (a request past its deadline, a panicking handler).
#[derive(ToSchema)]
#[serde(untagged)]
#[allow(dead_code)] // Documents the two shapes; each is serialized by its own type.
pub(crate) enum Failure<'a> {
    Admin(ErrorBody),
    Edge(PlainError<'a>),
}

/// An admin API failure: a core error, or one of the request itself.
#[derive(Debug)]
pub(crate) enum AdminError {
    Core(Error),
    /// A bearer check failed; whether a token was presented (the challenge differs).
    Unauthenticated {
        presented: bool,
    },
    Plain(StatusCode, Code, &'static str),
}

impl From<Error> for AdminError {
    fn from(err: Error) -> Self {
        Self::Core(err)
    }
}

impl AdminError {
    pub(crate) fn bad_request(message: &'static str) -> Self {
        Self::Plain(StatusCode::BAD_REQUEST, Code::InvalidRequest, message)
    }
}

/// `status` with an [`ErrorBody`].
pub(crate) fn answer(status: StatusCode, error: Code, message: &str, field: Option<&'static str>) -> Response {
    (status, Json(ErrorBody { error, message: message.to_owned(), field })).into_response()
}

fn with_retry_after(mut response: Response, seconds: u64) -> Response {
    response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds.max(1)));
    response
}

/// RFC 6750 §3: no token → a bare challenge; a bad one → `invalid_token`.
fn unauthorized(presented: bool) -> Response {
    let (challenge, message) = match presented {
        true => ("Bearer realm=\"kordon\", error=\"invalid_token\"", "The access token is invalid or expired."),
        false => ("Bearer realm=\"kordon\"", "An access token is required."),
    };
    let mut response = answer(StatusCode::UNAUTHORIZED, Code::InvalidToken, message, None);
    response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static(challenge));
    response
}

impl IntoResponse for AdminError {
    fn into_response(self) -> Response {
        let err = match self {
            Self::Unauthenticated { presented } => return unauthorized(presented),
            Self::Plain(status, code, message) => return answer(status, code, message, None),
            Self::Core(err) => err,
        };
        match err {
            Error::Validation { field, message } => {
                answer(StatusCode::BAD_REQUEST, Code::InvalidRequest, &message, Some(field))
            }
            Error::Refused(message) | Error::Credential { message, .. } => {
                answer(StatusCode::BAD_REQUEST, Code::InvalidRequest, &message, None)
            }
            Error::Unauthenticated => unauthorized(true),
            Error::SecondFactorRequired | Error::AppPasswordRequired { .. } | Error::SecondFactorMissing { .. } => {
                answer(StatusCode::FORBIDDEN, Code::Forbidden, "A second factor is required.", None)
            }
            Error::Forbidden(message) | Error::InsufficientScope(message) => {
                answer(StatusCode::FORBIDDEN, Code::Forbidden, &message, None)
            }
            Error::NotFound | Error::UnknownEmail => answer(StatusCode::NOT_FOUND, Code::NotFound, "Not found.", None),
            Error::Blocked { retry_after } => with_retry_after(
                answer(StatusCode::TOO_MANY_REQUESTS, Code::TooManyRequests, "Too many attempts.", None),
                retry_after,
            ),
            Error::RateLimited { retry_after, message } => with_retry_after(
                answer(StatusCode::TOO_MANY_REQUESTS, Code::TooManyRequests, &message, None),
                retry_after,
            ),
            Error::Busy => with_retry_after(
                answer(StatusCode::SERVICE_UNAVAILABLE, Code::TemporarilyUnavailable, "Server busy, try again.", None),
                1,
            ),
            Error::Delivery(detail) | Error::Internal(detail) => {
                tracing::error!(%detail, "an admin API request failed");
                answer(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    Code::ServerError,
                    "The server could not answer the request.",
                    None,
                )
            }
        }
    }
}

/// 405 in the admin shape (a path's other methods).
pub(crate) async fn method_not_allowed() -> Response {
    answer(StatusCode::METHOD_NOT_ALLOWED, Code::MethodNotAllowed, "Method not allowed.", None)
}

/// 404 in the admin shape (an unknown path under `/api/admin/v1`).
pub(crate) async fn not_found() -> Response {
    answer(StatusCode::NOT_FOUND, Code::NotFound, "Not found.", None)
}
