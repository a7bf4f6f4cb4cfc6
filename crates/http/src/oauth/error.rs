//! The OAuth endpoints' error answers: a core `OAuthError` as RFC 6749 §5.2 answers it, in the
//! shape of [`crate::rfc6749`]; `invalid_client` is 401 with `WWW-Authenticate`.

use crate::rfc6749::{BUSY, ErrorCode, SERVER_ERROR, answer};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use kordon_core::Error;
use kordon_core::services::OAuthError;

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
                answer(StatusCode::SERVICE_UNAVAILABLE, Code::TemporarilyUnavailable, BUSY)
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
