//! The biometrics dialect's errors in Laravel's JSON shapes: `{"message":…}`, and for validation
//! 422 `{"message":"The given data was invalid.","errors":{"field":["…"]}}` with every invalid
//! field, in the order the fields are checked. Internal detail is only logged.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use kordon_core::Error;
use kordon_core::biometrics::{BiometricsError, Invalid};
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};
use utoipa::ToSchema;

#[derive(Debug)]
pub(crate) enum ApiError {
    /// 422 with every invalid field.
    Invalid(Invalid),
    /// A core failure, mapped to its status.
    Core(Error),
    /// A failure of the request itself (body unreadable, too large, not JSON).
    Plain(StatusCode, &'static str),
}

impl From<BiometricsError> for ApiError {
    fn from(err: BiometricsError) -> Self {
        match err {
            BiometricsError::Invalid(invalid) => Self::Invalid(invalid),
            BiometricsError::Core(err) => Self::Core(err),
        }
    }
}

impl From<Error> for ApiError {
    fn from(err: Error) -> Self {
        Self::Core(err)
    }
}

/// Laravel's JSON for every error but validation.
#[derive(Serialize, ToSchema)]
#[schema(as = LaravelMessage, example = json!({ "message": "Unauthenticated." }))]
pub(crate) struct Message<'a> {
    /// What went wrong, for people: `Unauthenticated.`, `Not Found.`, `Server Error`, …
    message: &'a str,
}

/// `{"message": …}` with `status`.
pub(crate) fn message(status: StatusCode, message: &str) -> Response {
    (status, Json(Message { message })).into_response()
}

/// Laravel's validation body (422): every invalid field with its messages, in the order the
/// fields are checked.
#[derive(Serialize, ToSchema)]
#[schema(
    as = LaravelValidationError,
    example = json!({ "message": "The given data was invalid.",
                      "errors": { "name": ["The name field is required."] } })
)]
pub(crate) struct ValidationBody<'a> {
    /// Always `The given data was invalid.`
    message: &'static str,
    /// The invalid fields, each with its messages.
    #[schema(value_type = std::collections::BTreeMap<String, Vec<String>>)]
    errors: Fields<'a>,
}

/// The invalid fields as a JSON object, keys in the order the fields were checked.
pub(crate) struct Fields<'a>(&'a Invalid);

impl Serialize for Fields<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.fields.len()))?;
        for (field, messages) in &self.0.fields {
            map.serialize_entry(field, messages)?;
        }
        map.end()
    }
}

fn invalid(invalid: &Invalid) -> Response {
    let body = ValidationBody { message: "The given data was invalid.", errors: Fields(invalid) };
    (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response()
}

/// The schemas of the error bodies, for the document.
pub(crate) type MessageSchema = Message<'static>;
pub(crate) type ValidationSchema = ValidationBody<'static>;

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self {
            Self::Invalid(fields) => invalid(&fields),
            Self::Plain(status, text) => message(status, text),
            Self::Core(err) => match err {
                Error::Validation { field, message } => {
                    let mut fields = Invalid::default();
                    fields.add(field, message);
                    invalid(&fields)
                }
                Error::Unauthenticated | Error::Credential { .. } => {
                    message(StatusCode::UNAUTHORIZED, "Unauthenticated.")
                }
                Error::NotFound => message(StatusCode::NOT_FOUND, "Not Found."),
                Error::Refused(text) => message(StatusCode::BAD_REQUEST, &text),
                Error::Forbidden(text) | Error::InsufficientScope(text) => message(StatusCode::FORBIDDEN, &text),
                // (No sign-in here: bearer tokens only. A second factor is a sign-in's.)
                Error::SecondFactorRequired | Error::AppPasswordRequired { .. } | Error::SecondFactorMissing { .. } => {
                    message(StatusCode::FORBIDDEN, "A second factor is required.")
                }
                err @ Error::UnknownEmail => message(StatusCode::INTERNAL_SERVER_ERROR, &err.to_string()),
                Error::Blocked { retry_after } => {
                    with_retry_after(message(StatusCode::TOO_MANY_REQUESTS, "Too Many Attempts."), retry_after)
                }
                Error::RateLimited { retry_after, message: text } => {
                    with_retry_after(message(StatusCode::TOO_MANY_REQUESTS, &text), retry_after)
                }
                Error::Busy => with_retry_after(message(StatusCode::SERVICE_UNAVAILABLE, "Service Unavailable"), 1),
                Error::Delivery(detail) | Error::Internal(detail) => {
                    tracing::error!(%detail, "internal error");
                    message(StatusCode::INTERNAL_SERVER_ERROR, "Server Error")
                }
            },
        }
    }
}

fn with_retry_after(mut response: Response, seconds: u64) -> Response {
    if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}
