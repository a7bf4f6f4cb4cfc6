//! The dialect's failures: a status and the notify saying why, answered in the envelope
//! ([`super::views::Reply`]); the core's errors as the seed answers them.

use axum::http::StatusCode;
use kordon_core::Error;

/// A failed action: its status and the notify saying why.
pub(super) struct Failure {
    pub status: StatusCode,
    pub message: String,
}

impl Failure {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self { status, message: message.into() }
    }
}

impl From<Error> for Failure {
    fn from(err: Error) -> Self {
        match err {
            Error::Validation { message, .. } => Self::new(StatusCode::BAD_REQUEST, message),
            Error::Credential { .. } => Self::new(StatusCode::UNAUTHORIZED, "Wrong login or password."),
            Error::AppPasswordRequired { page } => Self::new(
                StatusCode::FORBIDDEN,
                format!(
                    "This user signs in with a second factor, which this API cannot take: use an app password \
                     from {page} as the password."
                ),
            ),
            // (The action API never asks for a code: its sign-in answers the one above.)
            Error::SecondFactorRequired | Error::SecondFactorMissing { .. } => {
                Self::new(StatusCode::FORBIDDEN, "A second factor is required.")
            }
            Error::Unauthenticated => Self::new(StatusCode::UNAUTHORIZED, "Unauthenticated."),
            Error::Blocked { retry_after } => Self::new(
                StatusCode::FORBIDDEN,
                format!("This host is blocked by the Defender after too many failed logins; retry in {retry_after} s."),
            ),
            Error::NotFound => Self::new(StatusCode::NOT_FOUND, "Not found."),
            Error::Refused(message) => Self::new(StatusCode::BAD_REQUEST, message),
            Error::Forbidden(message) | Error::InsufficientScope(message) => Self::new(StatusCode::FORBIDDEN, message),
            err @ Error::UnknownEmail => Self::new(StatusCode::INTERNAL_SERVER_ERROR, err.to_string()),
            Error::RateLimited { message, .. } => Self::new(StatusCode::TOO_MANY_REQUESTS, message),
            Error::Busy => Self::new(StatusCode::SERVICE_UNAVAILABLE, "Server busy, try again."),
            Error::Delivery(message) => Self::new(StatusCode::BAD_GATEWAY, message),
            Error::Internal(detail) => {
                tracing::error!(%detail, "internal error");
                Self::new(StatusCode::INTERNAL_SERVER_ERROR, "Server error.")
            }
        }
    }
}

/// The failure of an `obj` + `action` no handler serves.
pub(super) fn unknown(obj: &str, action: &str) -> Failure {
    Failure::new(StatusCode::NOT_FOUND, format!("Unknown action \"{action}\" for obj \"{obj}\"."))
}
