//! The ports: what the core needs from a database and from the outside world.
//! Adapters (kordon-store, kordon-delivery) implement them; services only see these traits.

mod admin;
mod audit;
mod biometrics;
mod contacts;
mod mfa;
mod passkeys;
mod telephony;

pub use admin::AdminStore;
pub use audit::{AuditStore, FlashcallCount};
pub use biometrics::BiometricsStore;
pub use contacts::{ContactStore, EmailConfirmed, EmailPurpose, PendingEmail};
pub use mfa::{AppPassword, AppPasswordOwner, MfaStore, SecondFactorRule, TotpFactor};
pub use passkeys::{Ceremony, NewPasskey, PasskeyStore, StoredPasskey};
pub use telephony::{StoredTelephonySecret, TelephonyStore};

use crate::types::*;
use async_trait::async_trait;

/// Storage failures, translated at the store boundary.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A unique rule was broken; the value names the column (`email`, `phone`, `id`, …).
    #[error("conflict on {0}")]
    Conflict(&'static str),
    /// A referenced row does not exist.
    #[error("not found")]
    NotFound,
    /// The database cannot be reached now (a dropped connection, a restart, an exhausted pool):
    /// logged, and answered 503 as a full hashing queue is (with `Retry-After` where the dialect's
    /// busy answer carries one: the cabinet and biometrics APIs).
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error("database: {0}")]
    Other(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

impl From<StoreError> for crate::Error {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound => crate::Error::NotFound,
            StoreError::Unavailable(detail) => {
                tracing::warn!(error = %detail, "the database is unavailable: answered 503");
                crate::Error::Busy
            }
            other => crate::Error::internal(other),
        }
    }
}

/// One store for every dialect. Each method is one statement or one transaction:
/// a call either happens whole or not at all.
#[async_trait]
pub trait Store:
    TokenStore
    + DefenderStore
    + OAuthStore
    + OidcStore
    + LifecycleStore
    + BiometricsStore
    + AuditStore
    + AdminStore
    + MfaStore
    + PasskeyStore
    + ContactStore
    + TelephonyStore
    + Send
    + Sync
    + 'static
{
    /// Is the database reachable?
    async fn ping(&self) -> StoreResult<()>;
    /// The connection pool now: (open connections, idle ones).
    fn pool_connections(&self) -> (u32, u32);

    // --- clients
    async fn client(&self, id: i64) -> StoreResult<Option<Client>>;
    /// The client and its secret hash (client authentication).
    async fn client_secret_hash(&self, id: i64) -> StoreResult<Option<String>>;
    /// Creates a client, with `audit`'s line (subject `client:<id>`) in the same transaction.
    async fn create_client(&self, client: &NewClient, audit: Option<&crate::audit::AuditEvent>) -> StoreResult<i64>;
    async fn set_client_secret(&self, id: i64, secret_hash: &str) -> StoreResult<()>;

    // --- accounts and users
    /// Creates the user (and, without `account_id`, a new account); returns (user id, account id).
    async fn create_user(&self, user: &NewUser) -> StoreResult<(i64, i64)>;
    async fn user(&self, id: i64) -> StoreResult<Option<User>>;
    async fn user_by_email(&self, email_key: &str) -> StoreResult<Option<User>>;
    async fn user_by_phone(&self, phone: &str) -> StoreResult<Option<User>>;
    /// Sets a user's names (None: none); false when there is no such user.
    async fn set_names(
        &self,
        user_id: i64,
        first: Option<&str>,
        last: Option<&str>,
        middle: Option<&str>,
    ) -> StoreResult<bool>;

    /// Sets the password hash, revokes every session of the user, spends every outstanding
    /// reset token of the user
    /// and records `successor` (the caller's new session, if any), in one transaction.
    async fn set_password(&self, user_id: i64, hash: &str, successor: Option<&NewSession>, now: i64)
    -> StoreResult<()>;

    /// Replaces the password hash `old` with `new` (the same password, stronger parameters),
    /// touching nothing else; false when the hash is no longer `old`.
    async fn upgrade_password_hash(&self, user_id: i64, old: &str, new: &str) -> StoreResult<bool>;

    // --- PBX domains and roles
    async fn domain(&self, account_id: i64) -> StoreResult<Option<Domain>>;
    async fn domain_by_name(&self, name: &str) -> StoreResult<Option<Domain>>;
    async fn update_domain(&self, domain: &Domain) -> StoreResult<()>;
    async fn role(&self, id: i64) -> StoreResult<Option<PbxRole>>;

    // --- housekeeping
    /// Deletes what has been dead long enough to matter to no one (expired sessions, PINs,
    /// reset tokens, counters, stale Defender rows); the number of rows deleted.
    async fn purge_expired(&self, now: i64) -> StoreResult<u64>;

    // --- managers
    async fn create_manager(&self, name: &str, email: &str, phone: &str) -> StoreResult<i64>;
    async fn set_account_manager(&self, account_id: i64, manager_id: i64) -> StoreResult<()>;
    async fn account_manager(&self, account_id: i64) -> StoreResult<Option<Manager>>;
}

/// The store's cache epochs: `all` moves on every change a bearer check could read, `sessions`
/// when only sessions ended (a refresh rotation, a reused family).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheEpoch {
    pub all: i64,
    pub sessions: i64,
}

/// What kordon issues, spends and counts: sessions, personal API tokens, FlashCall verifications,
/// reset tokens and rate-limit counters.
#[async_trait]
pub trait TokenStore: Send + Sync + 'static {
    // --- cache coherence (see `crate::cache`)
    /// The cache epoch: moves whenever something a bearer check reads is revoked or changed.
    async fn cache_epoch(&self) -> StoreResult<CacheEpoch>;
    /// Moves the cache epoch: every instance drops what it cached at its next poll.
    async fn bump_cache_epoch(&self) -> StoreResult<()>;

    // --- sessions (access + refresh token pairs)
    async fn create_session(&self, session: &NewSession) -> StoreResult<i64>;
    /// A live (not expired, rotated or revoked) session of this kind by its access-token digest.
    async fn session_by_access(&self, digest: &str, kind: &str, now: i64) -> StoreResult<Option<SessionAuth>>;
    /// Spends a refresh token (keeping `salt` on it) and records its successor in one
    /// transaction. Among concurrent calls with one token exactly one rotates; a spent token
    /// presented again revokes the family, unless it was rotated at or after `grace_since`: then
    /// the answer is [`Rotation::Retry`] and nothing is revoked yet. A rotation or a revoked
    /// family moves the sessions' cache epoch in the same transaction.
    async fn rotate_session(
        &self,
        refresh_digest: &str,
        client_id: i64,
        successor: &NewSession,
        salt: &str,
        grace_since: Option<i64>,
        now: i64,
    ) -> StoreResult<Rotation>;
    /// The expiries and scope of the live, unrotated session of this family whose refresh digest
    /// is `digest`.
    async fn live_successor(
        &self,
        digest: &str,
        family_id: &str,
        client_id: i64,
        now: i64,
    ) -> StoreResult<Option<(i64, i64, String)>>;
    /// A server-wide secret by name: `candidate` becomes it if none exists yet (first caller wins).
    async fn server_secret(&self, name: &str, candidate: &str) -> StoreResult<String>;
    /// The family of the live session whose access or refresh digest is `digest`, if it is the user's.
    async fn family_of_token(&self, digest: &str, user_id: i64, now: i64) -> StoreResult<Option<String>>;
    async fn revoke_family(&self, family_id: &str, now: i64) -> StoreResult<()>;

    // --- personal API tokens
    /// Stores a token's digest; `made_from` is the IP and user agent that made it.
    async fn create_api_token(
        &self,
        user_id: i64,
        digest: &str,
        prefix: &str,
        made_from: (Option<&str>, Option<&str>),
        now: i64,
    ) -> StoreResult<i64>;
    async fn api_token_by_digest(&self, digest: &str) -> StoreResult<Option<ApiTokenAuth>>;
    /// Records use, at most once a minute per token.
    async fn touch_api_token(&self, id: i64, now: i64) -> StoreResult<()>;
    /// One page of the user's tokens (oldest first) and the total count.
    async fn list_api_tokens(&self, user_id: i64, offset: i64, limit: i64) -> StoreResult<(Vec<ApiTokenRow>, i64)>;
    async fn delete_api_token(&self, id: i64, user_id: i64) -> StoreResult<bool>;

    // --- rate limits
    /// Takes the per-key cool-down: true when the last take was at least `seconds` ago (or never).
    async fn take_cooldown(&self, key: &str, seconds: i64, now: i64) -> StoreResult<bool>;
    async fn release_cooldown(&self, key: &str) -> StoreResult<()>;
    /// Counts one hit in the fixed window starting at `window_start`; false (and no count) at `limit`.
    async fn count_hit(&self, key: &str, window_start: i64, limit: i64) -> StoreResult<bool>;

    // --- FlashCall verifications
    async fn create_verification(&self, v: &NewVerification) -> StoreResult<i64>;
    async fn delete_verification(&self, id: i64) -> StoreResult<()>;
    /// The newest unspent, unexpired verification of this phone and purpose
    /// (or, with `token_digest`, exactly that one).
    async fn open_verification(
        &self,
        phone: &str,
        purpose: &str,
        token_digest: Option<&str>,
        now: i64,
    ) -> StoreResult<Option<Verification>>;
    /// Counts a try; false when the verification has no tries left (or is spent).
    async fn try_verification(&self, id: i64, max_attempts: i64) -> StoreResult<bool>;
    /// Spends the verification; false when another request spent it first.
    async fn spend_verification(&self, id: i64, now: i64) -> StoreResult<bool>;

    // --- password resets
    /// Records a reset token.
    async fn create_reset(&self, user_id: i64, digest: &str, expires_at: i64, now: i64) -> StoreResult<()>;
    /// Spends every unspent reset token of the user but `keep` (once the newer one's mail is out).
    async fn spend_other_resets(&self, user_id: i64, keep: &str, now: i64) -> StoreResult<()>;
    /// Forgets a reset token whose mail could not be sent.
    async fn delete_reset(&self, digest: &str) -> StoreResult<()>;
    /// Spends a live reset token, sets the new password and revokes every session, in one
    /// transaction; the user id, or None for an unknown, spent or expired token.
    async fn redeem_reset(&self, digest: &str, password_hash: &str, now: i64) -> StoreResult<Option<i64>>;
    /// Whether a reset token is live (unspent, unexpired), spending nothing: the new-password
    /// page says a dead link is dead before anyone types a password.
    async fn reset_is_live(&self, digest: &str, now: i64) -> StoreResult<bool>;
}

/// Which capped logins to list (see [`DefenderStore::capped_accounts`]).
#[derive(Debug, Clone)]
pub struct CappedQuery<'a> {
    /// The cap of an email's password checks (`account_max_failures`).
    pub email_max: i64,
    /// The cap of a phone's PINs (`pin_max_failures`).
    pub phone_max: i64,
    /// The cap of a person's second-factor codes (`mfa_max_failures`).
    pub mfa_max: i64,
    /// Windows that began at or before this are over.
    pub since: i64,
    /// Only the logins of this account's users (operators not included); all when None.
    pub tenant: Option<i64>,
    /// Only this login (`email:…`, `phone:…`).
    pub login: Option<&'a str>,
    pub limit: i64,
}

/// A capped login: its key, failures in the window, when the window began, and its user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CappedRow {
    pub login: String,
    pub failures: i64,
    pub window_start: i64,
    pub user_id: Option<i64>,
}

/// The Defender's state: failure counters, blocks and the audit log. Every method is one atomic
/// statement or transaction, so instances on one database share all of it.
#[async_trait]
pub trait DefenderStore: Send + Sync + 'static {
    /// The host's block expiry, if it is blocked now.
    async fn host_blocked_until(&self, host: &str, now: i64) -> StoreResult<Option<i64>>;
    /// Admits one credential check from `host` while its failures in the window plus its checks
    /// in flight stay below `limit` (a check in flight counts for `lease` seconds at most, so a
    /// crashed instance's checks lapse); one atomic statement, shared by every instance.
    async fn admit_host(&self, host: &str, limit: i64, window: i64, lease: i64, now: i64) -> StoreResult<Admission>;
    /// Ends an admitted check: one less in flight and, if it failed, one more failure; the
    /// failures now counted.
    async fn release_host(&self, host: &str, failed: bool) -> StoreResult<i64>;
    /// Counts a failure of a check that was not admitted first (a cheap one, like a client
    /// secret); the failures in the window.
    async fn host_failure(&self, host: &str, window: i64, now: i64) -> StoreResult<i64>;
    /// Blocks the host (if not blocked already) for `base` seconds doubled per earlier offence,
    /// at most `max`, and writes the audit line; the block's expiry when this call set it.
    async fn block_host(
        &self,
        host: &str,
        base: i64,
        max: i64,
        reason: &str,
        account: Option<&str>,
        now: i64,
    ) -> StoreResult<Option<i64>>;
    /// Lifts a block and writes the audit line; false when the host was not blocked.
    async fn unblock_host(&self, host: &str, actor: &str, now: i64) -> StoreResult<bool>;
    async fn blocks(&self, now: i64) -> StoreResult<Vec<Block>>;
    /// How many hosts are blocked at `now`.
    async fn count_blocks(&self, now: i64) -> StoreResult<i64>;
    /// Records which login a failed check from `host` attacked ("" when no login was named).
    async fn record_failure(&self, host: &str, account: &str, now: i64) -> StoreResult<()>;
    /// The logins attacked from `host` between `since` and `until`.
    async fn attacked_accounts(&self, host: &str, since: i64, until: i64) -> StoreResult<Vec<String>>;
    /// Admits one check against a login: side by side while its failures plus checks in flight
    /// stay below `limit`, one at a time past it, none once it has `max_failures` in the window.
    async fn admit_account(
        &self,
        account: &str,
        limit: i64,
        max_failures: i64,
        window: i64,
        lease: i64,
        now: i64,
    ) -> StoreResult<Admission>;
    /// Ends an admitted check against a login (a passed one clears its failures).
    async fn release_account(&self, account: &str, outcome: Outcome) -> StoreResult<()>;
    /// Forgets a login's failures (its owner proved themselves another way).
    async fn clear_account_failures(&self, account: &str) -> StoreResult<()>;
    /// An operator forgives a login: its failures are forgotten, with an audit line; false when
    /// it had none.
    async fn forgive_account(&self, account: &str, actor: &str, now: i64) -> StoreResult<bool>;
    /// The logins whose failures in the window that began after `since` reached their cap,
    /// newest first, at most `limit`, each with the user who has it (disabled or not).
    async fn capped_accounts(&self, q: &CappedQuery<'_>) -> StoreResult<Vec<CappedRow>>;
}

/// Operators' user lifecycle: disable, enable, delete, and a user's sessions. Every change is
/// one transaction with its audit line.
#[async_trait]
pub trait LifecycleStore: Send + Sync + 'static {
    /// The user with this email whatever its state, and whether it is disabled.
    async fn user_any_state(&self, email_key: &str) -> StoreResult<Option<(User, bool)>>;
    /// Disables a user (ending every session and deleting every API token) or, with `disabled`
    /// false, enables it; false when it already was so.
    async fn set_user_disabled(&self, user_id: i64, disabled: bool, actor: &str, now: i64) -> StoreResult<bool>;
    /// Deletes a user with its sessions, API tokens, PINs, reset links and applications (their
    /// sessions too), and its account's biometric persons when it was the account's last user.
    async fn delete_user(&self, user_id: i64, actor: &str, now: i64) -> StoreResult<bool>;
    /// The user's live sessions and API tokens.
    async fn user_sessions(&self, user_id: i64, now: i64) -> StoreResult<(Vec<SessionInfo>, Vec<ApiTokenInfo>)>;
    /// Ends one session (its whole family); false when no live session has this id.
    async fn revoke_session(&self, id: i64, actor: &str, now: i64) -> StoreResult<bool>;
}

/// OAuth's state: signing keys, token lookups and revocation, applications of an account.
#[async_trait]
pub trait OAuthStore: Send + Sync + 'static {
    async fn signing_keys(&self) -> StoreResult<Vec<StoredKey>>;
    /// The longest per-client access-token lifetime, if any client has one.
    async fn longest_client_ttl(&self) -> StoreResult<Option<i64>>;
    /// Adds a key; keys still current get `not_after = retire_others_at` (published until then).
    /// With `audit`, its line (subject `key:<kid>`) is written in the same transaction.
    async fn add_signing_key(
        &self,
        key: &StoredKey,
        retire_others_at: Option<i64>,
        audit: Option<&crate::audit::AuditEvent>,
    ) -> StoreResult<()>;
    /// Replaces stored private keys, each `(kid, row it had, row it gets)`, in one transaction with
    /// `audit`'s line (subject `keys`); a row that changed meanwhile is left. The rows replaced.
    async fn reseal_signing_keys(
        &self,
        rows: &[(String, String, String)],
        audit: Option<&crate::audit::AuditEvent>,
    ) -> StoreResult<u64>;
    /// Revokes the session family of a token (access digest or refresh digest) issued to `client_id`.
    async fn revoke_token(&self, digest: &str, client_id: i64, now: i64) -> StoreResult<bool>;
    /// Lists a row-less token's `jti` as revoked until `expires_at`; false when it already was.
    async fn revoke_jti(&self, jti: &str, client_id: i64, expires_at: i64) -> StoreResult<bool>;
    /// Whether a row-less token's `jti` was revoked.
    async fn jti_revoked(&self, jti: &str) -> StoreResult<bool>;
    /// A live token by its access or refresh digest.
    async fn token_info(&self, digest: &str, now: i64) -> StoreResult<Option<TokenInfo>>;
    /// The applications owned by users of this account, oldest first.
    async fn applications(&self, account_id: i64) -> StoreResult<Vec<Application>>;
    /// Deletes an application of this account and revokes its sessions; false when not its own.
    async fn delete_application(&self, id: i64, account_id: i64, now: i64) -> StoreResult<bool>;
}

/// The OpenID Connect login's state: browser sign-ins, authorization codes, consents, and the
/// operator's changes to a client's registration.
#[async_trait]
pub trait OidcStore: Send + Sync + 'static {
    async fn create_login_session(&self, session: &crate::oidc_types::LoginSession) -> StoreResult<()>;
    /// A live sign-in (not ended, not expired, its user not disabled) by its cookie's digest.
    async fn login_session(&self, digest: &str, now: i64) -> StoreResult<Option<crate::oidc_types::LoginSession>>;
    /// Records that a code was issued for a sign-in at `now` ("last used" on the account page).
    async fn touch_login_session(&self, digest: &str, now: i64) -> StoreResult<()>;
    /// Ends a sign-in; false when it was not live.
    async fn end_login_session(&self, digest: &str, now: i64) -> StoreResult<bool>;
    /// Spends a sign-in's freshness for the request `flow` names; false when it was not (or no
    /// longer) that request's.
    async fn spend_login_flow(&self, digest: &str, flow: &str) -> StoreResult<bool>;
    /// Stores a code, first deleting its sign-in's unspent codes for the client that are expired
    /// at `now` or beyond the newest `keep - 1`, so that at most `keep` are ever live.
    async fn create_code(&self, code: &crate::oidc_types::AuthorizationCode, now: i64, keep: i64) -> StoreResult<()>;
    /// An unspent code by its digest whose sign-in is still live (expired codes too: the caller
    /// checks).
    async fn code(&self, digest: &str) -> StoreResult<Option<crate::oidc_types::AuthorizationCode>>;
    /// Spends the code and writes `session` (its first tokens) in one transaction; false (and
    /// nothing written) when another exchange spent it first.
    async fn redeem_code(&self, digest: &str, session: &NewSession, now: i64) -> StoreResult<bool>;
    /// The token family a spent code was exchanged for (read only: an unknown code takes no
    /// write lock).
    async fn spent_code_family(&self, digest: &str) -> StoreResult<Option<String>>;
    /// The scopes `user_id` allowed `client_id`, if any.
    async fn consent(&self, user_id: i64, client_id: i64) -> StoreResult<Option<String>>;
    async fn grant_consent(&self, user_id: i64, client_id: i64, scope: &str, now: i64) -> StoreResult<()>;
    /// Changes a client's registration, with `audit`'s line (subject `client:<id>`) in the same
    /// transaction; false (and nothing written) when there is no such client.
    async fn update_client(
        &self,
        id: i64,
        patch: &crate::oidc_types::ClientPatch,
        audit: Option<&crate::audit::AuditEvent>,
    ) -> StoreResult<bool>;
}

/// An email to send.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub text: String,
}

/// A FlashCall to place: the PIN is the last digits of the calling number.
#[derive(Clone, serde::Serialize)]
pub struct FlashCall {
    pub phone: String,
    pub pin: String,
    /// Names the verification (the `token` of the cabinet's flashcall answer).
    pub token: String,
    /// Unix seconds.
    pub created_at: i64,
}

impl std::fmt::Debug for FlashCall {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FlashCall").field("phone", &self.phone).finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct DeliveryError(pub String);

/// Sends mail (outbox file, SMTP).
#[async_trait]
pub trait Mailer: Send + Sync + 'static {
    async fn send(&self, mail: &Mail) -> Result<(), DeliveryError>;
}

/// Places FlashCalls (outbox file, webhook to a telephony provider).
#[async_trait]
pub trait Caller: Send + Sync + 'static {
    async fn call(&self, call: &FlashCall) -> Result<(), DeliveryError>;
}
