//! The biometric records' port: persons and their identifiers, each account's apart.

use crate::ports::StoreResult;
use crate::types::biometrics::{Identifier, IdentifierKind, Person};
use async_trait::async_trait;

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
