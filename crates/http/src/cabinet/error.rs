//! The cabinet's two error shapes, with the HTTP status equal to `code`:
//! validation `{"message":{"message":…,"field":…},"code":400}` and plain `{"message":…,"code":…}`.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use kordon_core::Error;
use serde_json::json;

#[derive(Debug)]
pub struct CabinetError(pub Error);

impl From<Error> for CabinetError {
    fn from(err: Error) -> Self {
        Self(err)
    }
}

impl CabinetError {
    pub(crate) fn plain(status: StatusCode, message: &str) -> Self {
        Self(Error::refused(status.as_u16(), message))
    }
}

fn plain(status: StatusCode, message: &str) -> Response {
    crate::edge::plain_error(status, message)
}

impl IntoResponse for CabinetError {
    fn into_response(self) -> Response {
        match self.0 {
            Error::Validation { field, message } | Error::Credential { field: Some(field), message } => {
                let body = json!({ "message": { "message": message, "field": field }, "code": 400 });
                (StatusCode::BAD_REQUEST, axum::Json(body)).into_response()
            }
            Error::Credential { field: None, message } => plain(StatusCode::BAD_REQUEST, &message),
            Error::Blocked { retry_after } => with_retry_after(
                plain(StatusCode::TOO_MANY_REQUESTS, "Too many failed attempts: this host is blocked."),
                retry_after,
            ),
            Error::Refused { status, message } => {
                plain(StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST), &message)
            }
            Error::Unauthenticated => plain(StatusCode::UNAUTHORIZED, "Unauthenticated."),
            Error::NotFound => plain(StatusCode::NOT_FOUND, "Not Found."),
            Error::RateLimited { retry_after, message } => {
                with_retry_after(plain(StatusCode::TOO_MANY_REQUESTS, &message), retry_after)
            }
            Error::Busy => with_retry_after(plain(StatusCode::SERVICE_UNAVAILABLE, "Server busy, try again."), 1),
            Error::Delivery(message) => plain(StatusCode::BAD_GATEWAY, &message),
            Error::Internal(detail) => {
                tracing::error!(%detail, "internal error");
                plain(StatusCode::INTERNAL_SERVER_ERROR, "Server Error")
            }
        }
    }
}

fn with_retry_after(mut response: Response, seconds: u64) -> Response {
    if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}
