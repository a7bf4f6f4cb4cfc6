//! The passkeys' port (WebAuthn): a person's user handle, their registered credentials, and the
//! ceremonies under way. A ceremony is taken once (`DELETE … RETURNING`) and a credential's
//! counter and flags move by compare-and-set, so two instances never accept the same assertion.

use crate::ports::StoreResult;
use async_trait::async_trait;

/// A registered passkey as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPasskey {
    pub id: i64,
    pub user_id: i64,
    /// The credential id, base64url.
    pub credential_id: String,
    /// The public key and static flags, base64url of the crate's encoding.
    pub public_key: String,
    /// The signature counter and dynamic flags, base64url of the crate's encoding.
    pub state: String,
    pub name: String,
    /// `platform` (a key in the device) or `cross-platform` (a security key, a phone).
    pub attachment: String,
    pub created_at: i64,
    pub last_used: Option<i64>,
}

/// A passkey about to be stored.
#[derive(Debug, Clone)]
pub struct NewPasskey<'a> {
    pub user_id: i64,
    pub credential_id: &'a str,
    pub public_key: &'a str,
    pub state: &'a str,
    pub name: &'a str,
    pub attachment: &'a str,
}

/// A ceremony under way: who it is for (none: a password-less sign-in), what for, and the
/// crate's encoded server state.
#[derive(Debug, Clone)]
pub struct Ceremony {
    pub user_id: Option<i64>,
    pub purpose: String,
    pub state: String,
    pub expires_at: i64,
}

#[async_trait]
pub trait PasskeyStore: Send + Sync + 'static {
    /// The person's user handle, made now from `fresh` when they have none (one statement: two
    /// ceremonies begun at once agree on one).
    async fn webauthn_handle(&self, user_id: i64, fresh: &str) -> StoreResult<String>;
    /// Whose user handle this is.
    async fn user_of_webauthn_handle(&self, handle: &str) -> StoreResult<Option<i64>>;
    /// Stores a ceremony keyed by the challenge it sent.
    async fn put_ceremony(&self, challenge: &str, ceremony: &Ceremony, now: i64) -> StoreResult<()>;
    /// Takes (deletes and answers) the ceremony of `challenge`, live or not.
    async fn take_ceremony(&self, challenge: &str) -> StoreResult<Option<Ceremony>>;
    /// The person's passkeys, oldest first.
    async fn passkeys(&self, user_id: i64) -> StoreResult<Vec<StoredPasskey>>;
    /// The passkey with this credential id.
    async fn passkey_by_credential(&self, credential_id: &str) -> StoreResult<Option<StoredPasskey>>;
    /// Stores a passkey unless the person holds `cap` already, and `recovery` (digests) when they
    /// had no unused recovery codes left, in one transaction. None at the cap; else whether the
    /// codes were stored. A credential id registered before is `Conflict`.
    async fn add_passkey(
        &self,
        passkey: &NewPasskey<'_>,
        cap: i64,
        recovery: &[String],
        now: i64,
    ) -> StoreResult<Option<bool>>;
    /// Moves a passkey's dynamic state from `old` to `new` and stamps its use; false when it no
    /// longer holds `old` (another instance accepted an assertion meanwhile).
    async fn use_passkey(&self, id: i64, old: &str, new: &str, now: i64) -> StoreResult<bool>;
    /// Removes one of the person's passkeys, and the recovery codes when no second factor is
    /// left; false when it is not theirs.
    async fn remove_passkey(&self, user_id: i64, id: i64) -> StoreResult<bool>;
}
