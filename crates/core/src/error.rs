//! The core's one error type; each HTTP dialect maps it to its own wire shape.

/// What went wrong, in domain terms. Messages here are safe to show a client;
/// internal detail goes to the log through [`Error::Internal`], never to a response.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad input for one field (Laravel-style validation).
    #[error("{field}: {message}")]
    Validation { field: &'static str, message: String },
    /// A well-formed request refused as it stands, with a plain message (e.g. a cap reached:
    /// "You may have at most 10 API tokens: delete one first."). Dialects answer 400.
    #[error("{0}")]
    Refused(String),
    /// The caller's role may not take this action ("Permission denied."). Dialects answer 403.
    #[error("{0}")]
    Forbidden(String),
    /// The bearer token was not granted the scope this resource needs (RFC 6750 §3.1). Bearer
    /// dialects answer 403 `insufficient_scope`, the others a plain 403.
    #[error("{0}")]
    InsufficientScope(String),
    /// `restore-token` named an address no user has, and the operator chose to say so
    /// (`reset.reveal_unknown_email`). The cabinet answers as the seed does: 500 "User not found.".
    #[error("User not found.")]
    UnknownEmail,
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
    /// The first factor was right, and this person signs in with a second one too, which the
    /// request did not carry (or which this dialect cannot take). Each dialect words it.
    #[error("second factor required")]
    SecondFactorRequired,
    /// A password alone was right, and this person signs in with a second factor, which this
    /// dialect has no place for (the PBX API, the OAuth password grant): an app password made on
    /// `page` (the account page's) stands in for both. Each dialect words it.
    #[error("app password required")]
    AppPasswordRequired { page: String },
    /// A right first factor of a person whose tenant requires a second factor and who has none
    /// yet: they switch one on at `page` (the account page's Security). Each dialect words it.
    #[error("second factor missing")]
    SecondFactorMissing { page: String },
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
    pub fn refused(message: impl Into<String>) -> Self {
        Self::Refused(message.into())
    }
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::Forbidden(message.into())
    }
    pub fn insufficient_scope(message: impl Into<String>) -> Self {
        Self::InsufficientScope(message.into())
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
