//! OAuth error answers (RFC 6749 §5.2): `{"error","error_description"}`; `invalid_client` is 401
//! with `WWW-Authenticate`. The provider API answers its RFC 6750 challenges in the same shape.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use kordon_core::Error;
use kordon_core::services::OAuthError;
use serde::Serialize;
use utoipa::ToSchema;

/// The error codes kordon answers: RFC 6749 §5.2, RFC 6750 §3.1 (`invalid_token`) and §4.1.2.1
/// (`temporarily_unavailable`, `server_error`).
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

/// The server-failure description every OAuth and provider 500 carries.
pub(crate) const SERVER_ERROR: &str = "The server could not answer the request.";

/// `status` with an [`ErrorBody`].
pub(crate) fn answer(status: StatusCode, error: ErrorCode, description: &str) -> Response {
    (status, Json(ErrorBody { error, error_description: description.to_owned() })).into_response()
}

/// A core OAuth error, answered as RFC 6749 §5.2 says.
pub(crate) struct OAuthResponse(pub OAuthError);

impl From<OAuthError> for OAuthResponse {
    fn from(err: OAuthError) -> Self {
        Self(err)
    }
}

fn with_retry_after(mut response: Response, retry_after: u64) -> Response {
    response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
    response
}

impl IntoResponse for OAuthResponse {
    fn into_response(self) -> Response {
        use ErrorCode as Code;
        match self.0 {
            OAuthError::InvalidRequest(d) => answer(StatusCode::BAD_REQUEST, Code::InvalidRequest, &d),
            OAuthError::InvalidClient => {
                let mut r = answer(StatusCode::UNAUTHORIZED, Code::InvalidClient, "Client authentication failed.");
                r.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Basic realm=\"kordon\""));
                r
            }
            OAuthError::InvalidGrant(d) => answer(StatusCode::BAD_REQUEST, Code::InvalidGrant, &d),
            OAuthError::UnauthorizedClient(d) => answer(StatusCode::BAD_REQUEST, Code::UnauthorizedClient, &d),
            OAuthError::Forbidden(d) => answer(StatusCode::FORBIDDEN, Code::UnauthorizedClient, &d),
            OAuthError::UnsupportedGrantType => answer(
                StatusCode::BAD_REQUEST,
                Code::UnsupportedGrantType,
                "The authorization grant type is not supported by the authorization server.",
            ),
            OAuthError::Core(Error::Blocked { retry_after }) => with_retry_after(
                answer(
                    StatusCode::TOO_MANY_REQUESTS,
                    Code::TemporarilyUnavailable,
                    "Too many failed attempts: this host is blocked.",
                ),
                retry_after,
            ),
            OAuthError::Core(Error::RateLimited { retry_after, message }) => with_retry_after(
                answer(StatusCode::TOO_MANY_REQUESTS, Code::TemporarilyUnavailable, &message),
                retry_after,
            ),
            OAuthError::Core(Error::Busy) => {
                answer(StatusCode::SERVICE_UNAVAILABLE, Code::TemporarilyUnavailable, "Server busy, try again.")
            }
            OAuthError::Core(Error::Validation { message, .. }) => {
                answer(StatusCode::BAD_REQUEST, Code::InvalidRequest, &message)
            }
            OAuthError::Core(other) => {
                tracing::error!(error = %other, "OAuth request failed");
                answer(StatusCode::INTERNAL_SERVER_ERROR, Code::ServerError, SERVER_ERROR)
            }
        }
    }
}
