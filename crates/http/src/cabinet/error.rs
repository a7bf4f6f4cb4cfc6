//! The cabinet's two error shapes, with the HTTP status equal to `code`:
//! validation `{"message":{"message":…,"field":…},"code":400}` and plain `{"message":…,"code":…}`.

use crate::edge::PlainError;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use kordon_core::Error;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, SchemaType, Type};

/// A cabinet failure: a core error, or a plain answer the cabinet edge gives on its own (a status
/// and a message, e.g. a `Client` header it cannot read).
#[derive(Debug)]
pub enum CabinetError {
    Core(Error),
    Plain(StatusCode, String),
}

impl From<Error> for CabinetError {
    fn from(err: Error) -> Self {
        Self::Core(err)
    }
}

impl CabinetError {
    pub(crate) fn plain(status: StatusCode, message: &str) -> Self {
        Self::Plain(status, message.to_owned())
    }
}

/// A cabinet error body: one of the seed's two shapes.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
#[schema(as = CabinetError)]
pub(crate) enum ErrorBody<'a> {
    Validation(ValidationError<'a>),
    Plain(PlainError<'a>),
}

/// A field failed validation (seed 000's first error shape); the HTTP status is 400.
#[derive(Serialize, ToSchema)]
#[schema(as = CabinetValidationError,
    example = json!({"message": {"message": "The email field is required.", "field": "email"}, "code": 400}))]
pub(crate) struct ValidationError<'a> {
    #[schema(inline)]
    message: FieldMessage<'a>,
    /// Always 400.
    #[schema(schema_with = code_400)]
    code: u16,
}

/// Which field failed, and why.
#[derive(Serialize, ToSchema)]
struct FieldMessage<'a> {
    /// What is wrong, for people (Laravel's wording).
    message: &'a str,
    /// The request field (or `client`, the `Client` header).
    field: &'a str,
}

/// The schema of `code` in a validation error: the integer 400.
fn code_400() -> impl Into<RefOr<Schema>> {
    ObjectBuilder::new().schema_type(SchemaType::new(Type::Integer)).enum_values(Some([400]))
}

impl IntoResponse for CabinetError {
    fn into_response(self) -> Response {
        let err = match self {
            Self::Core(err) => err,
            Self::Plain(status, message) => return plain(status, &message),
        };
        match err {
            Error::Validation { field, message } | Error::Credential { field: Some(field), message } => {
                let body = ValidationError { message: FieldMessage { message: &message, field }, code: 400 };
                answer(StatusCode::BAD_REQUEST, ErrorBody::Validation(body))
            }
            Error::Credential { field: None, message } => plain(StatusCode::BAD_REQUEST, &message),
            // kordon's extension of the seed's login: the seed's field-error shape, field `otp`.
            Error::SecondFactorMissing { page } => {
                let message = format!(
                    "Your organisation requires a second factor: switch one on at {page}, then send its code as otp."
                );
                let body = ValidationError { message: FieldMessage { message: &message, field: "otp" }, code: 400 };
                answer(StatusCode::BAD_REQUEST, ErrorBody::Validation(body))
            }
            Error::SecondFactorRequired | Error::AppPasswordRequired { .. } => {
                let message = "A second factor is required: send the code of your authenticator app, or a recovery \
                               code, as otp (after a PIN, your password does too).";
                let body = ValidationError { message: FieldMessage { message, field: "otp" }, code: 400 };
                answer(StatusCode::BAD_REQUEST, ErrorBody::Validation(body))
            }
            Error::Blocked { retry_after } => with_retry_after(
                plain(StatusCode::TOO_MANY_REQUESTS, "Too many failed attempts: this host is blocked."),
                retry_after,
            ),
            Error::Refused(message) => plain(StatusCode::BAD_REQUEST, &message),
            Error::Forbidden(message) | Error::InsufficientScope(message) => plain(StatusCode::FORBIDDEN, &message),
            err @ Error::UnknownEmail => plain(StatusCode::INTERNAL_SERVER_ERROR, &err.to_string()),
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

fn answer(status: StatusCode, body: ErrorBody<'_>) -> Response {
    (status, axum::Json(body)).into_response()
}

fn plain(status: StatusCode, message: &str) -> Response {
    answer(status, ErrorBody::Plain(PlainError { message, code: status.as_u16() }))
}

fn with_retry_after(mut response: Response, seconds: u64) -> Response {
    if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}
