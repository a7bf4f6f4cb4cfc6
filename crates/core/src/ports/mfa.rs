//! The second factors' port: a person's authenticator secret (sealed before it gets here) with
//! the newest step a code was accepted for, their recovery codes by digest, and their app
//! passwords by digest. Every spend is one conditional statement, so two instances never accept
//! the same code.

use crate::ports::StoreResult;
use async_trait::async_trait;

/// A person's authenticator app as stored.
#[derive(Debug, Clone)]
pub struct TotpFactor {
    /// The secret, sealed (`kordon-sealed-v1:…`).
    pub secret: String,
    /// The newest step a code was accepted for (0: none yet).
    pub last_step: i64,
    pub created_at: i64,
    /// None until a code confirmed the enrolment: the factor is off until then.
    pub confirmed_at: Option<i64>,
}

/// What a sign-in must know of a person's second factors.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SecondFactorRule {
    /// They have one switched on.
    pub on: bool,
    /// Their tenant requires one of everybody.
    pub tenant: bool,
}

/// An app password as its owner's page lists it (never the secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppPassword {
    pub id: i64,
    pub name: String,
    /// `kap_` and the first characters: enough to tell one from another.
    pub prefix: String,
    pub created_at: i64,
    pub last_used: Option<i64>,
}

/// An app password found by its digest: whose, and when it was last used.
#[derive(Debug, Clone, Copy)]
pub struct AppPasswordOwner {
    pub id: i64,
    pub user_id: i64,
    pub last_used: Option<i64>,
}

#[async_trait]
pub trait MfaStore: Send + Sync + 'static {
    /// The person's authenticator, confirmed or not.
    async fn totp_factor(&self, user_id: i64) -> StoreResult<Option<TotpFactor>>;
    /// Stores a new unconfirmed secret in place of an unconfirmed one; false (nothing written)
    /// when a confirmed one exists (it must be removed first).
    async fn begin_totp(&self, user_id: i64, sealed: &str, now: i64) -> StoreResult<bool>;
    /// Switches the unconfirmed authenticator on with the step its first code was for, if it
    /// still holds `sealed` (the secret the code was checked against: a set-up begun again
    /// meanwhile is not switched on), and stores `recovery` (digests) when the person had no
    /// unused codes left. None when nothing was switched on; else whether the codes were stored.
    async fn confirm_totp(
        &self,
        user_id: i64,
        sealed: &str,
        step: i64,
        recovery: &[String],
        now: i64,
    ) -> StoreResult<Option<bool>>;
    /// Accepts a code's step once: moves `last_step` forward to `step` when it is newer; false
    /// when a code of this step (or a later one) was accepted already, or none is on.
    async fn spend_totp_step(&self, user_id: i64, step: i64) -> StoreResult<bool>;
    /// Removes the authenticator, and the recovery codes when no second factor is left; false
    /// when there was none.
    async fn remove_totp(&self, user_id: i64) -> StoreResult<bool>;
    /// Whether the person signs in with a second factor (a confirmed authenticator, FlashCall
    /// with a phone, or a passkey), and whether their tenant requires one: one statement, every sign-in asks.
    async fn second_factor_rule(&self, user_id: i64) -> StoreResult<SecondFactorRule>;
    /// Whether FlashCall is switched on as the person's second factor (phone or not).
    async fn flashcall_factor(&self, user_id: i64) -> StoreResult<bool>;
    /// Switches FlashCall on and stores `recovery` (digests) when the person had no unused codes
    /// left. None when it was on already; else whether the codes were stored.
    async fn add_flashcall_factor(&self, user_id: i64, recovery: &[String], now: i64) -> StoreResult<Option<bool>>;
    /// Switches FlashCall off, and removes the recovery codes when no second factor is left; false
    /// when it was off.
    async fn remove_flashcall_factor(&self, user_id: i64) -> StoreResult<bool>;
    /// Removes every second factor of the person (authenticator, FlashCall, passkeys, recovery codes) in one
    /// transaction, for an operator; false when they had none.
    async fn reset_second_factors(&self, user_id: i64) -> StoreResult<bool>;
    /// Every authenticator secret, sealed, for resealing under a new key-encryption key.
    async fn totp_secrets(&self) -> StoreResult<Vec<(i64, String)>>;
    /// Replaces sealed secrets `(user, old, new)` whose row still holds `old`; how many moved.
    async fn reseal_totp_secrets(&self, changes: &[(i64, String, String)]) -> StoreResult<u64>;
    /// Replaces the person's recovery codes with these digests.
    async fn replace_recovery_codes(&self, user_id: i64, digests: &[String], now: i64) -> StoreResult<()>;
    /// Spends one unused recovery code; false when it is not one of the person's unused codes.
    async fn spend_recovery_code(&self, user_id: i64, digest: &str, now: i64) -> StoreResult<bool>;
    /// How many unused recovery codes the person has.
    async fn recovery_codes_left(&self, user_id: i64) -> StoreResult<i64>;

    /// Stores a new app password unless the person holds `cap` already (one statement: two
    /// at once cannot pass the cap together by more than the race of a count); its id, or None
    /// at the cap.
    async fn create_app_password(
        &self,
        user_id: i64,
        name: &str,
        digest: &str,
        prefix: &str,
        cap: i64,
        now: i64,
    ) -> StoreResult<Option<i64>>;
    /// The person's app passwords, oldest first.
    async fn app_passwords(&self, user_id: i64) -> StoreResult<Vec<AppPassword>>;
    /// The app password with this digest.
    async fn app_password_by_digest(&self, digest: &str) -> StoreResult<Option<AppPasswordOwner>>;
    /// Records use, at most once a minute per app password.
    async fn touch_app_password(&self, id: i64, now: i64) -> StoreResult<()>;
    /// Deletes one of the person's app passwords; false when it is not theirs (or gone).
    async fn delete_app_password(&self, id: i64, user_id: i64) -> StoreResult<bool>;
}
