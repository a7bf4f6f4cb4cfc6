//! The core's settings: token lifetimes, FlashCall limits, reset and password rules.
//! Defaults here are the documented defaults; the binary layers TOML and env over them.

use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Deserialize, Serialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    pub tokens: TokenSettings,
    pub flashcall: FlashcallLimits,
    pub reset: ResetSettings,
    pub passwords: PasswordSettings,
    pub defender: DefenderSettings,
    pub oauth: OAuthSettings,
    pub limits: LimitSettings,
    pub audit: AuditSettings,
    pub telephony: TelephonySettings,
    /// The server's public base URL (`server.public_url`); empty when not configured. Without
    /// configured prefixes it is the one place reset links may point to.
    pub public_url: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct TokenSettings {
    /// Access token lifetime, seconds.
    pub access_ttl: i64,
    /// Refresh token lifetime, seconds.
    pub refresh_ttl: i64,
    /// Seconds after a rotation during which presenting the spent refresh token again (a client's
    /// concurrent retry, a second tab) answers the same successor pair instead of revoking the
    /// family; 0: off.
    pub refresh_grace: i64,
    /// A refresh family's absolute lifetime, seconds: rotation never extends a login past it.
    pub family_ttl: i64,
}

impl Default for TokenSettings {
    fn default() -> Self {
        Self { access_ttl: 3600, refresh_ttl: 86400, refresh_grace: 10, family_ttl: 30 * 86400 }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct FlashcallLimits {
    /// How long a PIN is valid, seconds.
    pub pin_ttl: i64,
    /// Wrong PINs after which a verification is dead.
    pub max_attempts: i64,
    /// At most one call per phone in this many seconds.
    pub phone_cooldown: i64,
    /// Calls per phone per hour.
    pub per_phone_hourly: i64,
    /// Calls per client IP per hour.
    pub per_ip_hourly: i64,
    /// Calls per hour in all (the toll-fraud ceiling).
    pub global_hourly: i64,
    /// Country prefixes (digits) a call may go to.
    pub country_prefixes: Vec<String>,
    /// Number prefixes (digits, with the country code) never called, whatever the allowlist
    /// says: premium-rate and other ranges where a call earns its owner money (toll fraud).
    pub denied_prefixes: Vec<String>,
    /// Calls per number prefix (the first `prefix_digits` digits) per UTC day: toll fraud pumps
    /// calls into the ranges it owns, which no per-phone cap sees.
    pub per_prefix_daily: i64,
    /// How many leading digits (country code included) make the prefix of `per_prefix_daily`.
    pub prefix_digits: usize,
    /// A country or number prefix whose calls are verified less often than this (0–1) is marked
    /// in the console and the `kordon_flashcall_low_conversion` metric: calls that nobody
    /// answers with their PIN are the mark of toll fraud.
    pub alert_conversion: f64,
    /// Calls placed (in the window looked at) before a prefix's conversion counts.
    pub alert_min_calls: i64,
    /// The HMAC key of stored PIN digests (at least 32 characters); empty in the configuration:
    /// the binary reads or makes `<data_dir>/pin.key`. Never serialized.
    #[serde(skip_serializing)]
    pub pin_key: SecretString,
}

/// The default `flashcall.denied_prefixes` (sources in docs/security.md):
/// Russia's (+7) non-geographic service codes 800–809, among them 809, premium rate (no personal
/// phone is numbered there); and the ITU's non-geographic codes of costly international
/// services: Inmarsat (870), satellite (881), international networks (882, 883) and the
/// International Premium Rate Service (979).
pub const DENIED_PREFIXES: &[&str] = &["780", "870", "881", "882", "883", "979"];

impl FlashcallLimits {
    /// The shortest PIN key accepted (`flashcall.pin_key`, or the key file).
    pub const PIN_KEY_MIN_LEN: usize = 32;
}

impl Default for FlashcallLimits {
    fn default() -> Self {
        Self {
            pin_ttl: 300,
            max_attempts: 3,
            phone_cooldown: 60,
            per_phone_hourly: 5,
            per_ip_hourly: 20,
            global_hourly: 1000,
            country_prefixes: vec!["7".into()],
            denied_prefixes: DENIED_PREFIXES.iter().map(|p| p.to_string()).collect(),
            per_prefix_daily: 50,
            prefix_digits: 7,
            alert_conversion: 0.2,
            alert_min_calls: 20,
            pin_key: SecretString::default(),
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct ResetSettings {
    /// Reset token lifetime, seconds.
    pub ttl: i64,
    /// URL prefixes a reset link may start with, for every client; empty: `server.public_url`
    /// (or, without it, none at all unless `allow_any_url`).
    pub url_prefixes: Vec<String>,
    /// Per-client URL prefixes (client id → prefixes); a client listed here uses only its own.
    pub client_url_prefixes: BTreeMap<String, Vec<String>>,
    /// Seed compatibility: answer an unknown email with 500 "User not found." as the seed does.
    pub reveal_unknown_email: bool,
    /// Language of the mail when the request has no Accept-Language: "ru" or "en".
    pub default_locale: String,
    /// Reset mails per email address per clock hour (mail-bombing guard).
    pub per_email_hourly: i64,
    /// Reset requests per client address per clock hour.
    pub per_ip_hourly: i64,
    /// With no prefix configured for a client, accept any http(s) URL (the seed's behaviour). Off:
    /// only `server.public_url` is allowed, and without it every `url` is refused.
    pub allow_any_url: bool,
    /// Reset mails waiting to be sent; past this restore-token answers 503.
    pub mail_queue: usize,
    /// Retries of a reset mail after a failed attempt (≤ 10).
    pub mail_retries: u32,
    /// Pause before the first retry, milliseconds; doubled each time.
    pub mail_backoff_ms: u64,
}

impl Default for ResetSettings {
    fn default() -> Self {
        Self {
            ttl: 3600,
            url_prefixes: Vec::new(),
            client_url_prefixes: BTreeMap::new(),
            reveal_unknown_email: false,
            default_locale: "ru".into(),
            per_email_hourly: 5,
            per_ip_hourly: 20,
            allow_any_url: false,
            mail_queue: 256,
            mail_retries: 3,
            mail_backoff_ms: 500,
        }
    }
}

/// Where a client's reset links may point.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResetTargets<'a> {
    /// Any http(s) URL: the operator said so (`reset.allow_any_url`) and configured no prefix.
    Any,
    /// Only URLs under one of these prefixes (none at all when the list is empty).
    Under(Vec<&'a str>),
}

impl ResetSettings {
    /// The prefixes in force for this client: its own (`client_url_prefixes`), else the common
    /// ones (`url_prefixes`), else `public_url`; with none of them, any URL only when
    /// `allow_any_url` is on, and no URL at all otherwise.
    pub fn targets<'a>(&'a self, client_id: i64, public_url: &'a str) -> ResetTargets<'a> {
        if let Some(own) = self.client_url_prefixes.get(&client_id.to_string()) {
            return ResetTargets::Under(own.iter().map(String::as_str).collect());
        }
        if !self.url_prefixes.is_empty() {
            return ResetTargets::Under(self.url_prefixes.iter().map(String::as_str).collect());
        }
        if self.allow_any_url {
            return ResetTargets::Any;
        }
        match public_url.trim() {
            "" => ResetTargets::Under(Vec::new()),
            public => ResetTargets::Under(vec![public]),
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct PasswordSettings {
    /// argon2id memory, KiB (at least 19456).
    pub memory_kib: u32,
    /// argon2id iterations (at least 2).
    pub iterations: u32,
    /// argon2id lanes (at least 1).
    pub parallelism: u32,
    /// Hashes running at once; 0 = one per core.
    pub workers: usize,
    /// Hash requests allowed to wait for a worker; past this the server answers 503.
    pub queue: usize,
    /// The workers' nice value on Linux (0..=19; 0 leaves it): hashing yields to requests.
    pub worker_nice: i32,
}

impl Default for PasswordSettings {
    fn default() -> Self {
        Self { memory_kib: 19456, iterations: 2, parallelism: 1, workers: 0, queue: 64, worker_nice: 10 }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct DefenderSettings {
    /// Failed credential checks from one host within `window` that block it.
    pub host_failures: i64,
    /// The counting window, seconds.
    pub window: i64,
    /// First block, seconds; each repeat offence doubles it, up to `max_block`.
    pub block: i64,
    pub max_block: i64,
    /// Failures against one login (from any hosts) within `account_window` after which its
    /// checks are slowed and run one at a time.
    pub account_failures: i64,
    /// The window of a login's failures, seconds.
    pub account_window: i64,
    /// Failed password checks against one login within `account_window` after which its password
    /// checks are suspended until the window lapses (NIST SP 800-63B §5.2.2: at most 100).
    pub account_max_failures: i64,
    /// Wrong PINs for one phone (from any hosts, over all verifications) within `account_window`
    /// after which PIN logins for that phone are suspended; password logins are unaffected.
    pub pin_max_failures: i64,
    /// Wrong second-factor codes (authenticator codes, recovery codes) for one person within
    /// `account_window`, from any hosts, after which their second-factor checks are refused.
    pub mfa_max_failures: i64,
    /// First delay once an account is under attack, milliseconds; doubles per further failure.
    pub account_delay_ms: u64,
    /// The longest delay, milliseconds.
    pub account_max_delay_ms: u64,
    /// Proxies (CIDR) whose forwarding header is believed.
    pub trusted_proxies: Vec<String>,
    /// Which header the trusted proxies set: `x-forwarded-for` or `forwarded` (RFC 7239). Only
    /// that one is read: a proxy passes the other through untouched, so a client could forge it.
    pub forwarded_header: String,
    /// Hosts (CIDR) never counted nor blocked.
    pub allowlist: Vec<String>,
    /// Failed SIP registrations the SIP edge reports (`/api/telephony/v1/auth-failures`).
    pub sip: SipDefenderSettings,
}

/// The Defender's thresholds for reported SIP failures: scanners send hundreds a second, so they
/// are counted apart from credential checks made here, with a threshold of their own; crossing
/// it blocks the host for every dialect (reason `sip`), as `block` and `max_block` say.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct SipDefenderSettings {
    /// Reported failures from one host within `window` that block it.
    pub host_failures: i64,
    /// The counting window, seconds.
    pub window: i64,
}

impl Default for SipDefenderSettings {
    fn default() -> Self {
        Self { host_failures: 100, window: 60 }
    }
}

impl Default for DefenderSettings {
    fn default() -> Self {
        Self {
            host_failures: 10,
            window: 600,
            block: 1800,
            max_block: 86400,
            account_failures: 5,
            account_window: 86400,
            account_max_failures: 100,
            pin_max_failures: 10,
            mfa_max_failures: 10,
            account_delay_ms: 250,
            account_max_delay_ms: 4000,
            trusted_proxies: Vec::new(),
            forwarded_header: "x-forwarded-for".into(),
            allowlist: Vec::new(),
            sip: SipDefenderSettings::default(),
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct OAuthSettings {
    /// `iss` of the JWTs and the discovery document; empty: `server.public_url`, else
    /// `http://` + the listening address.
    pub issuer: String,
    /// Access-token lifetime, seconds, for clients without their own.
    pub access_ttl: i64,
    /// Refresh-token lifetime, seconds.
    pub refresh_ttl: i64,
    /// A refresh family's absolute lifetime, seconds (RFC 9700 §4.14.2).
    pub family_ttl: i64,
    /// How long a browser's sign-in at kordon's login page lasts (single sign-on), seconds.
    pub login_ttl: i64,
    /// The login page offers "Create an account" (`/oauth/register`): anyone with a phone opens
    /// a new account as its `lk_admin`, as the cabinet's `register` does. Off by default.
    pub registration: bool,
}

impl Default for OAuthSettings {
    fn default() -> Self {
        Self {
            issuer: String::new(),
            access_ttl: 3600,
            refresh_ttl: 30 * 86400,
            family_ttl: 30 * 86400,
            login_ttl: 12 * 3600,
            registration: false,
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct LimitSettings {
    /// Personal API tokens one user may hold (`POST /api/v1/tokens` beyond: 400).
    pub api_tokens_per_user: i64,
    /// App passwords one person may hold (the account page refuses more).
    pub app_passwords_per_user: i64,
    /// Applications one account may register (`POST /api/v1/applications` beyond: 400).
    pub applications_per_account: i64,
    /// Persons in one answer of `GET /api/users` (`?page=N` for the next ones).
    pub persons_per_page: i64,
    /// Blocks in one answer of the PBX `Defender` `list` (`params.page` for the next ones).
    pub blocks_per_page: i64,
}

impl Default for LimitSettings {
    fn default() -> Self {
        Self {
            api_tokens_per_user: 100,
            app_passwords_per_user: 20,
            applications_per_account: 50,
            persons_per_page: 1000,
            blocks_per_page: 100,
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuditSettings {
    /// Record authentication events (operators' changes are recorded either way).
    pub enabled: bool,
    /// Days an event is kept; the janitor deletes older ones.
    pub retention_days: i64,
    /// Events waiting to be written at most; past it an event is dropped and counted, never waited for.
    pub queue: usize,
    /// Events written in one transaction at most.
    pub batch: usize,
}

impl Default for AuditSettings {
    /// A writer's throughput is about its batch over one write's latency: with 500-event batches
    /// PostgreSQL kept a fifth of 45,000 events a second (a commit's round trips and flush each
    /// time), with 4,096 all of them; a batch is that large only under such a load (the writer
    /// writes what 200 ms brought), and SQLite's store CPU an event fell by a quarter with it
    /// (bench/results/2026-12-07-telephony-mint-notes.md).
    fn default() -> Self {
        Self { enabled: true, retention_days: 90, queue: 20_000, batch: 4_096 }
    }
}

/// The shortest `telephony.hook_token` kordon starts with.
pub const HOOK_TOKEN_MIN_LEN: usize = 16;

/// The longest lifetime of a SIP or TURN credential (a week), seconds.
pub const TELEPHONY_MAX_TTL: i64 = 7 * 86400;

#[derive(Debug, Clone, Deserialize, Serialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct TelephonySettings {
    pub sip: SipSettings,
    pub turn: TurnSettings,
    /// The bearer token the SIP edge sends to report failed registrations and read the blocked
    /// hosts (`/api/telephony/v1/auth-failures`, `…/blocked-hosts`); empty: those answer 401.
    /// Never serialized.
    #[serde(skip_serializing)]
    pub hook_token: SecretString,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct SipSettings {
    /// Lifetime of minted SIP credentials, seconds (at most a week).
    pub ttl: i64,
    /// The HMAC of the password: `sha1` (Kamailio's default) or `sha256` (its
    /// `sha_algorithm` 1).
    pub hash: String,
    /// The SIP server's URIs the mint answers with; `{realm}` stands for the person's PBX domain.
    pub uris: Vec<String>,
}

impl Default for SipSettings {
    fn default() -> Self {
        Self { ttl: 12 * 3600, hash: "sha1".into(), uris: Vec::new() }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct TurnSettings {
    /// Lifetime of minted TURN credentials, seconds (at most a week).
    pub ttl: i64,
    /// The TURN and STUN servers' URIs the mint answers with (`turn:host:3478?transport=udp`).
    pub uris: Vec<String>,
}

impl Default for TurnSettings {
    fn default() -> Self {
        Self { ttl: 12 * 3600, uris: Vec::new() }
    }
}
