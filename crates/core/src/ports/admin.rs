//! The admin API's and the console's reads and changes: users whatever their state, a user's
//! grants of every kind, and clients with their owners. Every change is one transaction with its
//! audit line.

use super::StoreResult;
use crate::audit::AuditEvent;
use crate::types::admin::{ClientRecord, GrantRef, UserGrants, UserRecord};
use async_trait::async_trait;

#[async_trait]
pub trait AdminStore: Send + Sync + 'static {
    /// The users (disabled ones too) whose email key, phone or id is the one given (each unique,
    /// so at most three), by id.
    async fn users_matching(
        &self,
        email_key: Option<&str>,
        phone: Option<&str>,
        id: Option<i64>,
    ) -> StoreResult<Vec<UserRecord>>;
    /// Everything live that lets the user in: token families, browser sign-ins, consents, API
    /// tokens.
    async fn user_grants(&self, user_id: i64, now: i64) -> StoreResult<UserGrants>;
    /// The user a live grant belongs to, and (for a family) its session kind.
    async fn grant_owner(&self, grant: &GrantRef, now: i64) -> StoreResult<Option<(i64, Option<String>)>>;
    /// Ends a grant with `audit`'s line (subject `user:<id>`, the user and tenant filled in) in the
    /// same transaction; false when it was not live.
    async fn revoke_grant(&self, grant: &GrantRef, audit: &AuditEvent, now: i64) -> StoreResult<bool>;
    /// The clients whose owner is of `account_id` (every client without it), by id.
    async fn client_records(&self, account_id: Option<i64>) -> StoreResult<Vec<ClientRecord>>;
    async fn client_record(&self, id: i64) -> StoreResult<Option<ClientRecord>>;
    /// Replaces a client's secret digest, with `audit`'s line (subject `client:<id>`).
    async fn rotate_client_secret(&self, id: i64, secret_hash: &str, audit: &AuditEvent) -> StoreResult<bool>;
    /// Deletes a client with its consents and codes and revokes its sessions, with `audit`'s line.
    async fn delete_client(&self, id: i64, audit: &AuditEvent, now: i64) -> StoreResult<bool>;
}
