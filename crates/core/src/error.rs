//! The core's one error type; each HTTP dialect maps it to its own wire shape.

/// What went wrong, in domain terms. Messages here are safe to show a client;
/// internal detail goes to the log through [`Error::Internal`], never to a response.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad input for one field (Laravel-style validation).
    #[error("{field}: {message}")]
    Validation { field: &'static str, message: String },
    /// A refusal with a plain message and a status (e.g. "Password not right.", 400).
    #[error("{message}")]
    Refused { status: u16, message: String },
    /// A presented secret did not match (password, PIN, reset token). The Defender counts these;
    /// `field` names the input for dialects with field-level errors.
    #[error("bad credential")]
    Credential { field: Option<&'static str>, message: String },
    /// The Defender has blocked the source host; retry after this many seconds.
    #[error("host blocked")]
    Blocked { retry_after: u64 },
    /// No or bad credentials for a protected resource.
    #[error("unauthenticated")]
    Unauthenticated,
    /// The resource does not exist or is not the caller's: the two look the same.
    #[error("not found")]
    NotFound,
    /// Too many requests; retry after this many seconds.
    #[error("too many requests")]
    RateLimited { retry_after: u64, message: String },
    /// The password hashing queue is full; retry shortly.
    #[error("busy")]
    Busy,
    /// A call or a mail could not be delivered.
    #[error("delivery failed: {0}")]
    Delivery(String),
    /// Anything else: logged, answered with a generic 500.
    #[error("internal: {0}")]
    Internal(String),
}

impl Error {
    pub fn validation(field: &'static str, message: impl Into<String>) -> Self {
        Self::Validation { field, message: message.into() }
    }
    pub fn required(field: &'static str) -> Self {
        Self::validation(field, format!("The {field} field is required."))
    }
    pub fn refused(status: u16, message: impl Into<String>) -> Self {
        Self::Refused { status, message: message.into() }
    }
    /// The wrong-password answer of every login ("Password not right.", the seed's wording).
    pub fn bad_password() -> Self {
        Self::Credential { field: None, message: "Password not right.".into() }
    }
    pub fn bad_secret(field: &'static str, message: impl Into<String>) -> Self {
        Self::Credential { field: Some(field), message: message.into() }
    }
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        Self::Internal(detail.to_string())
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
