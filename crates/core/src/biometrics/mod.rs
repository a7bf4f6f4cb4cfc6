//! Biometric identifiers (seed 002): people enrolled for recognition ("users" on the wire, persons
//! here, so they are not confused with kordon's own users), their voice phrases and face tokens.
//! Every person belongs to an account; a caller sees only its own account's records.

mod service;
mod validate;

pub use validate::{IdentifierInput, Invalid, PersonInput};

use crate::ports::StoreResult;
use async_trait::async_trait;

/// A person enrolled for recognition. Times are Unix seconds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub id: i64,
    pub account_id: i64,
    pub name: String,
    pub master_token: String,
    pub created_at: i64,
    pub updated_at: i64,
}

/// The two kinds of identifier a person has: each is a string attached to one person, kept in a
/// table of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdentifierKind {
    Phrase,
    FaceToken,
}

impl IdentifierKind {
    /// The name of the value's field on the wire (and of its column).
    pub fn field(self) -> &'static str {
        match self {
            Self::Phrase => "phrase",
            Self::FaceToken => "face_token",
        }
    }
}

/// A phrase or a face token of a person. Times are Unix seconds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identifier {
    pub id: i64,
    pub person_id: i64,
    /// The phrase or the face token.
    pub value: String,
    pub created_at: i64,
    pub updated_at: i64,
}

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

/// The biometric records' storage. Every method is one statement or one transaction, and each one
/// that names an account touches only that account's records: another account's look missing.
#[async_trait]
pub trait BiometricsStore: Send + Sync + 'static {
    /// At most `limit` of the account's persons, oldest first, after skipping `offset`.
    async fn persons(&self, account_id: i64, offset: i64, limit: i64) -> StoreResult<Vec<Person>>;
    async fn person(&self, account_id: i64, id: i64) -> StoreResult<Option<Person>>;
    async fn create_person(&self, account_id: i64, name: &str, master_token: &str, now: i64) -> StoreResult<Person>;
    /// Sets both fields and `updated_at`; None when the account has no such person.
    async fn update_person(
        &self,
        account_id: i64,
        id: i64,
        name: &str,
        master_token: &str,
        now: i64,
    ) -> StoreResult<Option<Person>>;
    /// Deletes the person with every phrase and face token of theirs, in one transaction;
    /// false when the account has no such person.
    async fn delete_person(&self, account_id: i64, id: i64) -> StoreResult<bool>;

    /// The person's identifiers of one kind, oldest first.
    async fn identifiers(&self, kind: IdentifierKind, person_id: i64) -> StoreResult<Vec<Identifier>>;
    /// An identifier whose person is the account's.
    async fn identifier(&self, kind: IdentifierKind, account_id: i64, id: i64) -> StoreResult<Option<Identifier>>;
    /// Attaches a new identifier to the person; None when the account has no such person.
    async fn create_identifier(
        &self,
        kind: IdentifierKind,
        account_id: i64,
        person_id: i64,
        value: &str,
        now: i64,
    ) -> StoreResult<Option<Identifier>>;
    /// Sets the identifier's person, value and `updated_at`; None when the account has no such
    /// identifier or no such person.
    async fn update_identifier(
        &self,
        kind: IdentifierKind,
        account_id: i64,
        id: i64,
        person_id: i64,
        value: &str,
        now: i64,
    ) -> StoreResult<Option<Identifier>>;
    /// False when the account has no such identifier.
    async fn delete_identifier(&self, kind: IdentifierKind, account_id: i64, id: i64) -> StoreResult<bool>;
}
