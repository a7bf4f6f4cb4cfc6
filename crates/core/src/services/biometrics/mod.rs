//! Biometric identifiers (seed 002): people enrolled for recognition ("users" on the wire, persons
//! here, so they are not confused with kordon's own users), their voice phrases and face tokens.
//! Every person belongs to an account; a caller sees only its own account's records.

mod service;
mod validate;

pub use validate::{IdentifierInput, Invalid, PersonInput};

pub use crate::ports::BiometricsStore;
pub use crate::types::biometrics::{Identifier, IdentifierKind, Person};

/// A person with every identifier of theirs (oldest first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonDetail {
    pub person: Person,
    pub phrases: Vec<Identifier>,
    pub face_tokens: Vec<Identifier>,
}

/// One page of an account's persons (`GET /api/users?page=N`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonPage {
    pub persons: Vec<Person>,
    /// Whether a next page exists.
    pub more: bool,
}

/// Why a biometrics request failed.
#[derive(Debug, thiserror::Error)]
pub enum BiometricsError {
    /// Every invalid field of the request (Laravel reports them all at once).
    #[error("{0}")]
    Invalid(Invalid),
    /// Anything else: `Error::NotFound` for a missing record or another account's, internal errors.
    #[error(transparent)]
    Core(#[from] crate::Error),
}

impl From<crate::ports::StoreError> for BiometricsError {
    fn from(err: crate::ports::StoreError) -> Self {
        Self::Core(err.into())
    }
}
