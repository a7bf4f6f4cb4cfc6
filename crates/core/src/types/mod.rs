//! Validated input types (parsed once at the edge) and the records the store hands back.

pub mod admin;
pub mod biometrics;
pub mod common_passwords;

use crate::error::{Error, Result};
use serde::Serialize;

/// An email address, trimmed; compared and looked up in lower case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(field: &'static str, raw: &str) -> Result<Self> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(Error::required(field));
        }
        if raw.len() > 254 || !email_address::EmailAddress::is_valid(raw) {
            return Err(Error::validation(field, format!("The {field} must be a valid email address.")));
        }
        Ok(Self(raw.to_string()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// The lookup key: unique case-insensitively.
    pub fn key(&self) -> String {
        self.0.to_lowercase()
    }
}

/// A phone number kept as digits with its country code (`79993332210`).
/// Russian forms `+7 (999) 333-22-10` and `8 999 333 22 10` normalize to the same digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone(String);

impl Phone {
    pub fn parse(field: &'static str, raw: &str) -> Result<Self> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(Error::required(field));
        }
        let allowed = |c: char| c.is_ascii_digit() || " +-().".contains(c);
        let invalid = || Error::validation(field, format!("The {field} format is invalid."));
        if !raw.chars().all(allowed) || raw.matches('+').count() > 1 {
            return Err(invalid());
        }
        let mut digits: String = raw.chars().filter(char::is_ascii_digit).collect();
        if !raw.starts_with('+') && digits.len() == 11 && digits.starts_with('8') {
            digits.replace_range(0..1, "7");
        }
        if !(10..=15).contains(&digits.len()) || digits.starts_with('0') {
            return Err(invalid());
        }
        Ok(Self(digits))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number as pages and mails show it to its owner: the country and operator code and the
    /// last two digits (`+7 999 •••-••-10`).
    pub fn masked(&self) -> String {
        let digits = &self.0;
        let n = digits.len();
        match digits.strip_prefix('7') {
            Some(rest) if n == 11 => format!("+7 {} •••-••-{}", &rest[..3], &digits[n - 2..]),
            _ => format!("+{}•••{}", &digits[..4], &digits[n - 2..]),
        }
    }
}

/// Why a new password does not pass the policy, in [`NewPassword::problem`]'s order of checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordProblem {
    Missing,
    Short,
    Long,
    Mismatch,
    Common,
}

/// A new password that passed the policy: 8 to 128 characters, not among the most common ones.
#[derive(Clone)]
pub struct NewPassword(String);

impl NewPassword {
    pub const MIN: usize = 8;
    pub const MAX: usize = 128;

    /// Checks `password` and its confirmation the way Laravel words it.
    pub fn parse(password: Option<&str>, confirmation: Option<&str>) -> Result<Self> {
        let message = match Self::problem(password, confirmation) {
            None => return Ok(Self(password.unwrap_or_default().to_string())),
            Some(PasswordProblem::Missing) => return Err(Error::required("password")),
            Some(PasswordProblem::Short) => format!("The password must be at least {} characters.", Self::MIN),
            Some(PasswordProblem::Long) => format!("The password must not be greater than {} characters.", Self::MAX),
            Some(PasswordProblem::Mismatch) => "The password confirmation does not match.".into(),
            Some(PasswordProblem::Common) => {
                "The given password is too common. Please choose a different password.".into()
            }
        };
        Err(Error::validation("password", message))
    }

    /// What is wrong with `password` under the policy, if anything: the one check, which each
    /// dialect words its own way (the cabinet as Laravel, the login pages in the reader's language).
    pub fn problem(password: Option<&str>, confirmation: Option<&str>) -> Option<PasswordProblem> {
        let password = password.unwrap_or_default();
        let length = password.chars().count();
        match () {
            _ if password.is_empty() => Some(PasswordProblem::Missing),
            _ if length < Self::MIN => Some(PasswordProblem::Short),
            _ if length > Self::MAX => Some(PasswordProblem::Long),
            _ if confirmation != Some(password) => Some(PasswordProblem::Mismatch),
            _ if common_passwords::is_common(&password.to_lowercase()) => Some(PasswordProblem::Common),
            _ => None,
        }
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

/// The cabinet roles (the PBX roles map onto these later), and the platform's operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    LkAdmin,
    LkUser,
    /// Runs the platform (`kordon admin user create --role operator`): the admin API and the
    /// console act on every tenant. In the dialects' answers an operator is the `lk_admin` of
    /// their own account ([`Role::dialect_name`]).
    Operator,
}

impl Role {
    /// How the store and the admin API spell the role.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::LkAdmin => "lk_admin",
            Role::LkUser => "lk_user",
            Role::Operator => "operator",
        }
    }
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "lk_admin" => Some(Role::LkAdmin),
            "lk_user" => Some(Role::LkUser),
            "operator" => Some(Role::Operator),
            _ => None,
        }
    }
    /// The role as the cabinet and provider documents know roles (`lk_admin` or `lk_user`): an
    /// operator administers their own account there, so they read `lk_admin`.
    pub fn dialect_name(self) -> &'static str {
        match self {
            Role::LkAdmin | Role::Operator => "lk_admin",
            Role::LkUser => "lk_user",
        }
    }
    /// Administers an account (its applications): an `lk_admin`, or an operator.
    pub fn administers_account(self) -> bool {
        matches!(self, Role::LkAdmin | Role::Operator)
    }
}

#[derive(Debug, Clone)]
pub struct User {
    pub id: i64,
    pub account_id: i64,
    pub email: String,
    pub phone: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub middle_name: Option<String>,
    pub role: Role,
    /// The PBX role (see [`PbxRole`]).
    pub role_id: i64,
    pub password_hash: String,
    /// Moves whenever every session of the user is ended; an application's client_credentials
    /// token (which has no session row) carries the generation it was issued under.
    pub token_generation: i64,
    /// The person proved they read mail at `email` (a followed link; a password reset proves nothing).
    pub email_verified: bool,
    /// Their SIP user (an extension or a SIP user name) in their account's PBX domain, if any:
    /// what SIP credentials are minted for (see `services::telephony`).
    pub sip_user: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: Email,
    pub phone: Option<Phone>,
    pub password_hash: String,
    pub role: Role,
    pub role_id: i64,
    pub account: AccountChoice,
    pub created_at: i64,
}

/// Which account (contract / PBX domain) a new user joins.
#[derive(Debug, Clone)]
pub enum AccountChoice {
    /// Open a new account with this user (registration); the promocode is kept with it.
    New { promocode: Option<String> },
    /// The account of this PBX domain, created on first use.
    Domain(String),
}

/// An application that calls kordon (the cabinet front-end is client 10553).
#[derive(Debug, Clone)]
pub struct Client {
    pub id: i64,
    pub name: String,
    pub grants: Vec<String>,
    pub owner_user_id: Option<i64>,
    /// OAuth access-token lifetime for this client, seconds (none: the default).
    pub access_ttl: Option<i64>,
    /// May call `POST /oauth/introspect` (set by the operator only).
    pub introspect: bool,
    /// Where the authorization endpoint may send the browser back (exact strings).
    pub redirect_uris: Vec<String>,
    /// Where RP-initiated logout may send the browser back (exact strings).
    pub post_logout_redirect_uris: Vec<String>,
    /// Has no secret (a browser or mobile app): PKCE is required, `client_id` alone identifies it.
    pub public: bool,
    /// First-party: its users are not asked for consent.
    pub trusted: bool,
    /// Its sign-ins must carry a second factor (the code flow does not answer with one factor).
    pub require_mfa: bool,
}

impl Client {
    pub fn allows(&self, grant: &str) -> bool {
        self.grants.iter().any(|g| g == grant)
    }
}

#[derive(Debug, Clone)]
pub struct NewClient {
    pub id: Option<i64>,
    pub name: String,
    pub secret_hash: String,
    pub grants: Vec<String>,
    pub owner_user_id: Option<i64>,
    pub access_ttl: Option<i64>,
    pub introspect: bool,
    pub redirect_uris: Vec<String>,
    pub post_logout_redirect_uris: Vec<String>,
    pub public: bool,
    pub trusted: bool,
    pub created_at: i64,
}

/// One issued token pair (or a rotation's successor), as the store records it.
#[derive(Debug, Clone)]
pub struct NewSession {
    /// Which dialect's session: `cabinet` or `pbx`.
    pub kind: &'static str,
    pub user_id: i64,
    pub client_id: i64,
    pub family_id: String,
    pub access_digest: String,
    pub access_expires: i64,
    pub refresh_digest: String,
    pub refresh_expires: i64,
    /// The family's absolute end (the first login's time plus the family lifetime); a rotation
    /// keeps it, and no refresh expiry passes it.
    pub family_expires: i64,
    pub created_at: i64,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// The scopes granted (OAuth sessions of the code flow; empty otherwise); a rotation keeps them.
    pub scope: String,
}

/// A live session found by its access-token digest.
#[derive(Debug, Clone)]
pub struct SessionAuth {
    pub session_id: i64,
    pub family_id: String,
    pub user_id: i64,
    pub client_id: i64,
    pub access_expires: i64,
    pub refresh_expires: i64,
}

/// What presenting a refresh token did.
#[derive(Debug, Clone)]
pub enum Rotation {
    /// The token was live; it is now spent and `successor` stands in its place.
    /// Rotated; the successor's access and refresh expiries (capped by the family's end).
    Rotated { user_id: i64, access_expires: i64, refresh_expires: i64, scope: String },
    /// The token had already been rotated, within the grace window: perhaps a client's retry.
    /// The caller re-derives the successor from `salt` and answers it again if it is still live.
    Retry { family_id: String, salt: String, user_id: i64 },
    /// The token had already been rotated: the whole family (of this user) is now revoked.
    Reused { family_id: String, user_id: i64 },
    /// Unknown, expired, revoked or another client's.
    Invalid,
}

#[derive(Debug, Clone)]
pub struct ApiTokenAuth {
    pub id: i64,
    pub user_id: i64,
    pub last_used: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct ApiTokenRow {
    pub id: i64,
    pub prefix: String,
    pub created_at: i64,
}

#[derive(Debug, Clone)]
pub struct NewVerification {
    pub phone: String,
    pub purpose: String,
    pub user_id: Option<i64>,
    pub token_digest: String,
    pub pin_digest: String,
    pub ip: Option<String>,
    pub expires_at: i64,
    pub created_at: i64,
}

#[derive(Debug, Clone)]
pub struct Verification {
    pub id: i64,
    pub phone: String,
    pub purpose: String,
    pub token_digest: String,
    pub pin_digest: String,
    pub expires_at: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Manager {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub phone: String,
}

/// An account as a PBX domain (tenant): the settings the PBX dialect answers with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Domain {
    pub account_id: i64,
    /// The domain name; accounts opened by cabinet registration have none.
    pub name: Option<String>,
    pub mode: i64,
    /// Unix seconds, or none.
    pub test_until: Option<i64>,
    /// An exact decimal, as text ("1000.0").
    pub balance: String,
    pub block_inbound: bool,
    pub block_outbound: bool,
    pub block_face: bool,
    /// IANA time zone name.
    pub tz: String,
    pub locale: String,
    /// Lifetime of a PBX session token, seconds ("platform parameters"; default 4 h).
    pub token_ttl: i64,
    /// Every person of the tenant must sign in with a second factor.
    pub require_mfa: bool,
}

/// A PBX role; the cabinet's lk_admin / lk_user map onto these.
#[derive(Debug, Clone)]
pub struct PbxRole {
    pub id: i64,
    pub name: String,
    pub role_type: i64,
    /// JSON object texts.
    pub perms: String,
    pub visible: String,
    pub filters: String,
}

impl PbxRole {
    /// The PBX owner's role id ("PBX administrator").
    pub const ADMINISTRATOR: i64 = 2;
    pub const OPERATOR: i64 = 3;
    pub const USER: i64 = 4;
}

/// A live login session of a user, as an operator sees it.
#[derive(Debug, Clone, Serialize)]
pub struct SessionInfo {
    pub id: i64,
    /// `cabinet`, `pbx`, `oauth` or `oauth_app`.
    pub kind: String,
    pub client_id: i64,
    /// When the login happened (the family's first session), RFC 3339.
    pub started_at: String,
    /// When this session was issued (the last refresh), RFC 3339.
    pub refreshed_at: String,
    /// When its refresh token (or, without one, its access token) expires, RFC 3339.
    pub expires_at: String,
    pub ip: Option<String>,
}

/// A personal API token of a user, as an operator sees it (never the token).
#[derive(Debug, Clone, Serialize)]
pub struct ApiTokenInfo {
    pub id: i64,
    pub created_at: String,
    pub last_used: Option<String>,
}

/// The Defender's answer to "may this credential check run now?".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    /// Yes; `failures` already counted in the window.
    Admitted { failures: i64 },
    /// Not now: too many checks in flight; try again shortly.
    Full,
    /// No: blocked (or suspended) until this Unix time.
    Refused { until: i64 },
}

/// How an admitted credential check ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Passed,
    Failed,
    /// Cancelled, or failed for a reason other than the credential.
    Undecided,
}

/// A host the Defender has blocked.
#[derive(Debug, Clone, Serialize)]
pub struct Block {
    pub ip: String,
    pub reason: String,
    pub failures: i64,
    pub blocked_until: i64,
    /// When the block began (Unix seconds; not shown).
    #[serde(skip)]
    pub blocked_at: i64,
    /// The login last tried from this host (not shown to tenants).
    #[serde(skip)]
    pub account: Option<String>,
}

/// A JWT signing key as stored.
#[derive(Clone)]
pub struct StoredKey {
    pub kid: String,
    pub algorithm: String,
    /// The PKCS#8 PEM sealed under the key-encryption key (`kordon-sealed-v1:…`, see
    /// `services::oauth::key_seal`); a row from before sealing holds the PEM itself until the
    /// next start seals it. The column is still named `private_pem`.
    pub private_key: String,
    pub created_at: i64,
    /// Published until then; none: the current key.
    pub not_after: Option<i64>,
}

impl std::fmt::Debug for StoredKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredKey").field("kid", &self.kid).field("not_after", &self.not_after).finish_non_exhaustive()
    }
}

/// What the store knows of a live token (introspection).
#[derive(Debug, Clone)]
pub struct TokenInfo {
    pub user_id: i64,
    pub client_id: i64,
    pub kind: String,
    /// Whether the digest matched the refresh token (else the access token).
    pub refresh: bool,
    pub expires: i64,
    pub issued: i64,
}

/// An application (OAuth client) as its owner's account sees it.
#[derive(Debug, Clone)]
pub struct Application {
    pub id: i64,
    pub name: String,
    pub created_at: i64,
}
