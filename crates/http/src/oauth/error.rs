//! OAuth error answers (RFC 6749 §5.2): `{"error","error_description"}`; `invalid_client` is 401
//! with `WWW-Authenticate`.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use kordon_core::Error;
use kordon_core::services::OAuthError;
use serde_json::json;

pub(crate) struct OAuthResponse(pub OAuthError);

impl From<OAuthError> for OAuthResponse {
    fn from(err: OAuthError) -> Self {
        Self(err)
    }
}

fn answer(status: StatusCode, error: &str, description: &str) -> Response {
    (status, Json(json!({ "error": error, "error_description": description }))).into_response()
}

impl IntoResponse for OAuthResponse {
    fn into_response(self) -> Response {
        match self.0 {
            OAuthError::InvalidRequest(d) => answer(StatusCode::BAD_REQUEST, "invalid_request", &d),
            OAuthError::InvalidClient => {
                let mut r = answer(StatusCode::UNAUTHORIZED, "invalid_client", "Client authentication failed.");
                r.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Basic realm=\"kordon\""));
                r
            }
            OAuthError::InvalidGrant(d) => answer(StatusCode::BAD_REQUEST, "invalid_grant", &d),
            OAuthError::UnauthorizedClient(d) => answer(StatusCode::BAD_REQUEST, "unauthorized_client", &d),
            OAuthError::Forbidden(d) => answer(StatusCode::FORBIDDEN, "unauthorized_client", &d),
            OAuthError::UnsupportedGrantType => answer(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                "The authorization grant type is not supported by the authorization server.",
            ),
            OAuthError::Core(Error::Blocked { retry_after }) => {
                let mut r = answer(
                    StatusCode::TOO_MANY_REQUESTS,
                    "temporarily_unavailable",
                    "Too many failed attempts: this host is blocked.",
                );
                if let Ok(v) = HeaderValue::from_str(&retry_after.to_string()) {
                    r.headers_mut().insert(header::RETRY_AFTER, v);
                }
                r
            }
            OAuthError::Core(Error::RateLimited { retry_after, message }) => {
                let mut r = answer(StatusCode::TOO_MANY_REQUESTS, "temporarily_unavailable", &message);
                if let Ok(v) = HeaderValue::from_str(&retry_after.to_string()) {
                    r.headers_mut().insert(header::RETRY_AFTER, v);
                }
                r
            }
            OAuthError::Core(Error::Busy) => {
                answer(StatusCode::SERVICE_UNAVAILABLE, "temporarily_unavailable", "Server busy, try again.")
            }
            OAuthError::Core(Error::Validation { message, .. }) => {
                answer(StatusCode::BAD_REQUEST, "invalid_request", &message)
            }
            OAuthError::Core(other) => {
                tracing::error!(error = %other, "OAuth request failed");
                answer(StatusCode::INTERNAL_SERVER_ERROR, "server_error", "The server could not answer the request.")
            }
        }
    }
}
