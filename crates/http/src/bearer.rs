//! RFC 6750 answers of a resource that takes an OAuth access token as `Authorization: Bearer`
//! (the provider API and OpenID Connect's UserInfo): 401 with a `WWW-Authenticate` challenge,
//! 403 `insufficient_scope`, 503 `temporarily_unavailable` with `Retry-After` while the store or
//! the hashing queue is busy, and 500 `server_error`; all in the shape of [`crate::rfc6749`].

use crate::rfc6749::{BUSY, ErrorBody, ErrorCode, Failure, SERVER_ERROR, answer};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use kordon_core::Error;
use utoipa::ToResponse;

/// The shared answers, merged into `/openapi.json` by [`crate::openapi`].
#[derive(utoipa::OpenApi)]
#[openapi(components(responses(BearerInvalid, BearerUnavailable)))]
pub(crate) struct Components;

/// Seconds a client waits before it retries a busy answer (as the cabinet and biometrics say).
const RETRY_AFTER: u64 = 1;

/// A core error as RFC 6750 answers it, for a resource that needs `scope`; `presented`: the
/// request carried a token.
pub(crate) fn refusal(err: Error, presented: bool, scope: &'static str) -> Response {
    match err {
        Error::Unauthenticated => unauthorized(presented),
        Error::InsufficientScope(message) => insufficient_scope(&message, scope),
        Error::Busy => busy(),
        other => {
            tracing::error!(error = %other, "a bearer-token request failed");
            answer(StatusCode::INTERNAL_SERVER_ERROR, ErrorCode::ServerError, SERVER_ERROR)
        }
    }
}

/// RFC 6750 §3: no token → a bare challenge; a bad one → `invalid_token`.
fn unauthorized(presented: bool) -> Response {
    let (challenge, description) = match presented {
        true => ("Bearer realm=\"kordon\", error=\"invalid_token\"", "The access token is invalid or expired."),
        false => ("Bearer realm=\"kordon\"", "An access token is required."),
    };
    let mut response = answer(StatusCode::UNAUTHORIZED, ErrorCode::InvalidToken, description);
    response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static(challenge));
    response
}

/// RFC 6750 §3.1: a valid token without the scopes this resource needs.
fn insufficient_scope(message: &str, scope: &'static str) -> Response {
    let mut response = answer(StatusCode::FORBIDDEN, ErrorCode::InsufficientScope, message);
    let challenge = format!("Bearer realm=\"kordon\", error=\"insufficient_scope\", scope=\"{scope}\"");
    if let Ok(value) = HeaderValue::from_str(&challenge) {
        response.headers_mut().insert(header::WWW_AUTHENTICATE, value);
    }
    response
}

/// RFC 6749 §4.1.2.1 `temporarily_unavailable` as a 503: the store cannot be reached or the
/// hashing queue is full; retry shortly.
fn busy() -> Response {
    let mut response = answer(StatusCode::SERVICE_UNAVAILABLE, ErrorCode::TemporarilyUnavailable, BUSY);
    response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER));
    response
}

/// A missing, unknown, expired or revoked access token (RFC 6750 §3).
#[derive(ToResponse)]
#[allow(dead_code)] // A response component: its field names the body's schema.
#[response(
    headers(("WWW-Authenticate" = String, description = "`Bearer realm=\"kordon\"`, and \
        `error=\"invalid_token\"` when a token was sent (RFC 6750 §3).")),
    examples(
        ("invalid" = (value = json!({"error": "invalid_token", "error_description": "The access token is invalid or expired."}))),
        ("missing" = (value = json!({"error": "invalid_token", "error_description": "An access token is required."}))),
    ),
)]
pub(crate) struct BearerInvalid(ErrorBody);

/// The store cannot be reached or the password-hashing queue is full (`temporarily_unavailable`),
/// or the request ran past its deadline (the edge's `{"message","code":503}`); both with
/// `Retry-After`.
#[derive(ToResponse)]
#[allow(dead_code)] // A response component: its field names the body's schema.
#[response(
    headers(("Retry-After" = u64, description = "Seconds to wait.")),
    examples(
        ("busy" = (value = json!({"error": "temporarily_unavailable", "error_description": "Server busy, try again."}))),
        ("deadline" = (value = json!({"message": "Server busy, try again.", "code": 503}))),
    ),
)]
pub(crate) struct BearerUnavailable<'a>(#[to_schema] Failure<'a>);

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::to_bytes;

    async fn body(response: Response) -> serde_json::Value {
        let bytes = to_bytes(response.into_body(), 4096).await.expect("body");
        serde_json::from_slice(&bytes).expect("json")
    }

    #[tokio::test]
    async fn busy_is_503_with_retry_after() {
        let response = refusal(Error::Busy, true, "openid");
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(response.headers()[header::RETRY_AFTER], "1");
        let expected = serde_json::json!({"error": "temporarily_unavailable", "error_description": BUSY});
        assert_eq!(body(response).await, expected);
    }

    #[tokio::test]
    async fn a_failure_is_500_without_detail() {
        let response = refusal(Error::internal("the disk is on fire"), true, "openid");
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(response.headers().get(header::RETRY_AFTER).is_none());
        let expected = serde_json::json!({"error": "server_error", "error_description": SERVER_ERROR});
        assert_eq!(body(response).await, expected);
    }

    #[test]
    fn a_missing_token_gets_a_bare_challenge() {
        let response = refusal(Error::Unauthenticated, false, "openid");
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(response.headers()[header::WWW_AUTHENTICATE], "Bearer realm=\"kordon\"");
    }
}
