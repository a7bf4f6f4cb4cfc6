//! The OAuth error shape `{"error","error_description"}` (RFC 6749 §5.2, RFC 6750 §3.1), shared
//! by every dialect that answers in it (OAuth, OpenID Connect's UserInfo, the provider API), and
//! its 500 and 503 answers as components of the document.

use crate::edge::PlainError;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::{ToResponse, ToSchema};

/// The shared schema and answers, merged into `/openapi.json` by [`crate::openapi`].
#[derive(utoipa::OpenApi)]
#[openapi(components(schemas(ErrorBody), responses(OAuthUnavailable, OAuthServerError)))]
pub(crate) struct Components;

/// The error codes kordon answers: RFC 6749 §5.2, RFC 6750 §3.1 (`invalid_token`) and §4.1.2.1
/// (`access_denied`, `temporarily_unavailable`, `server_error`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum ErrorCode {
    InvalidRequest,
    InvalidClient,
    InvalidGrant,
    UnauthorizedClient,
    UnsupportedGrantType,
    InvalidToken,
    InsufficientScope,
    AccessDenied,
    TemporarilyUnavailable,
    ServerError,
}

/// RFC 6749 §5.2 error: what went wrong as a code, and in words.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = OAuthError, example = json!({"error": "invalid_client", "error_description": "Client authentication failed."}))]
pub(crate) struct ErrorBody {
    #[schema(inline)]
    pub error: ErrorCode,
    /// For people; not meant to be parsed.
    pub error_description: String,
}

/// The server-failure description every OAuth, UserInfo and provider 500 carries.
pub(crate) const SERVER_ERROR: &str = "The server could not answer the request.";

/// The description of every busy answer (`temporarily_unavailable`, 503).
pub(crate) const BUSY: &str = "Server busy, try again.";

/// `status` with an [`ErrorBody`].
pub(crate) fn answer(status: StatusCode, error: ErrorCode, description: &str) -> Response {
    (status, Json(ErrorBody { error, error_description: description.to_owned() })).into_response()
}

/// A failure the dialect answers itself (`OAuthError`), or one the shared edge answers for every
/// route in the cabinet's plain shape (`CabinetPlainError`): a request past its deadline (503), a
/// handler that panicked (500).
#[derive(ToSchema)]
#[serde(untagged)]
#[allow(dead_code)] // Documents the two shapes; each is serialized by its own type.
pub(crate) enum Failure<'a> {
    OAuth(ErrorBody),
    Edge(PlainError<'a>),
}

/// The password-hashing queue is full (`temporarily_unavailable`), or the request ran past its
/// deadline (the edge's `{"message","code":503}`, with `Retry-After`).
#[derive(ToResponse)]
#[allow(dead_code)] // A response component: its field names the body's schema.
#[response(
    headers(("Retry-After" = u64, description = "Seconds to wait (with the edge's answer).")),
    examples(
        ("busy" = (value = json!({"error": "temporarily_unavailable", "error_description": "Server busy, try again."}))),
        ("deadline" = (value = json!({"message": "Server busy, try again.", "code": 503}))),
    ),
)]
pub(crate) struct OAuthUnavailable<'a>(#[to_schema] Failure<'a>);

/// `server_error`; details only in the server log. A panicking handler is answered by the edge
/// (`{"message":"Server Error","code":500}`).
#[derive(ToResponse)]
#[allow(dead_code)] // A response component: its field names the body's schema.
#[response(examples(
    ("server_error" = (value = json!({"error": "server_error", "error_description": "The server could not answer the request."}))),
    ("panic" = (value = json!({"message": "Server Error", "code": 500}))),
))]
pub(crate) struct OAuthServerError<'a>(#[to_schema] Failure<'a>);
