//! The telephony port: the shared secrets SIP and TURN credentials are signed with (sealed rows,
//! newest last) and a person's SIP user. Each change is one transaction with its audit line.

use crate::audit::AuditEvent;
use crate::ports::StoreResult;
use async_trait::async_trait;

/// A stored shared secret, still sealed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredTelephonySecret {
    pub id: i64,
    /// `kordon-sealed-v1:…` (see `KeySealer::seal_secret`).
    pub sealed: String,
    pub created_at: i64,
}

#[async_trait]
pub trait TelephonyStore: Send + Sync + 'static {
    /// Every secret, oldest first (the last one signs).
    async fn telephony_secrets(&self) -> StoreResult<Vec<StoredTelephonySecret>>;
    /// Adds a sealed secret with `audit`'s line; its id.
    async fn add_telephony_secret(&self, sealed: &str, now: i64, audit: &AuditEvent) -> StoreResult<i64>;
    /// Removes a secret with `audit`'s line; false when there is no such secret (nothing written).
    async fn remove_telephony_secret(&self, id: i64, audit: &AuditEvent) -> StoreResult<bool>;
    /// Replaces sealed secrets `(id, old, new)` whose row still holds `old`; how many moved.
    async fn reseal_telephony_secrets(&self, changes: &[(i64, String, String)]) -> StoreResult<u64>;
    /// Sets (or with `None` clears) a person's SIP user, with `audit`'s line. `Conflict("sip_user")`
    /// when another person of the account has it; `NotFound` when the person is gone.
    async fn set_sip_user(&self, user_id: i64, sip_user: Option<&str>, audit: &AuditEvent) -> StoreResult<()>;
    /// The person whose account's PBX domain is `domain` (lower case) and whose SIP user is
    /// `sip_user`.
    async fn user_by_sip(&self, domain: &str, sip_user: &str) -> StoreResult<Option<i64>>;
}
