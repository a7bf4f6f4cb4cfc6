//! The services every dialect shares. `Core` holds the ports and the settings; each folder adds
//! the methods of one concern: `sessions` (token pairs, bearer checks, API tokens), `accounts`
//! (login, registration, FlashCall), `reset` (password reset by mail), `defender`, `pbx`,
//! `oauth`, `oidc`, `biometrics`, `admin` (the operators' commands) and `console` (the web
//! console's sign-in, access rule and scoped views).

pub(crate) mod account;
pub(crate) mod accounts;
pub(crate) mod admin;
pub(crate) mod audit;
pub mod biometrics;
pub(crate) mod console;
pub(crate) mod defender;
pub(crate) mod first_party;
pub(crate) mod mfa;
pub(crate) mod oauth;
pub(crate) mod oidc;
pub(crate) mod pbx;
pub(crate) mod reset;
pub(crate) mod sessions;
pub(crate) mod telephony;

pub use account::AccountSession;
pub use account::apps::AccountApp;
pub use account::contacts::{EMAIL_CONFIRM_PAGE, EMAIL_LINK_TTL, EmailFollowed};
pub use account::profile::{NAME_MAX, Names};
pub use account::sessions::AccountEntry;
pub use accounts::login::{RegisterInput, SecondFields};
pub use admin::blocks::AdminBlock;
pub use admin::capped::CappedLogin;
pub use admin::clients::NewApplication;
pub use admin::domains::DomainPatch;
pub use admin::events::EVENTS_PER_PAGE;
pub use admin::lifecycle::UserSessions;
pub use admin::scope::{Admin, AdminScope};
pub use admin::sessions::{AdminSession, SessionKind};
pub use admin::users::AdminUser;
pub use admin::{ClientOptions, CreatedClient, NewUserCommand};
pub use audit::{FlashcallRow, FlashcallStats, NO_TENANT};
pub use console::access::{ConsoleOperator, ConsoleScope};
pub use console::defender::ConsoleBlock;
pub use console::keys::ConsoleKey;
pub use console::overview::ConsoleOverview;
pub use console::session::ConsoleSession;
pub use first_party::{
    ACCOUNT, CONSOLE, FirstPartyClient, FirstPartySession, FirstPartySpec, FirstPartyStart, FirstPartyTokens,
    is_builtin,
};
pub use mfa::app_passwords::{APP_PASSWORD_PREFIX, APP_PASSWORDS_PAGE};
pub use mfa::challenge::Proof;
pub use mfa::flashcall::AMR_TEL;
pub use mfa::passkeys::{
    AMR_HARDWARE_KEY, AMR_SOFTWARE_KEY, PASSKEY_KNOWN, PASSKEY_NAME_MAX, PASSKEYS_FULL, PASSKEYS_PER_USER, passkey_name,
};
pub use mfa::recovery::RECOVERY_CODES;
pub use mfa::totp::{STEP as TOTP_STEP, TotpEnrolment};
pub use mfa::{AMR_OTP, MfaState};
pub use oauth::discovery::Discovery;
pub use oauth::introspection::{IntrospectedType, Introspection};
pub use oauth::key_seal::{KeyEncryptionKey, KeySealer};
pub use oauth::keys::KeysAtRest;
pub use oauth::principal::OAuthPrincipal;
pub use oauth::scopes::SCOPES;
pub use oauth::{ClientCredentials, IssuedToken, OAuthError, TokenRequest};
pub use oidc::authorize::{
    AuthorizationRequest, AuthorizeError, AuthorizeParams, AuthorizeStep, CODE_TTL, Prompt, with_query,
};
pub use oidc::publisher::Publisher;
pub use oidc::signin::{AMR_FLASHCALL, AMR_PASSWORD, SecondStep, SignInStep, SignedIn};
pub use oidc::tokens::{LoggedOut, LogoutPlan, user_claims};
pub use pbx::{PbxAdmin, PbxSession};
pub use reset::RESET_PAGE;
pub use reset::mail_queue::ResetMailQueue;
pub use sessions::api_tokens::{PER_PAGE, TokenPage};
pub use sessions::{Principal, PrincipalKind, TokenPair};
pub use telephony::{
    CredentialKind, SIP_USER_MAX, SecretEntry, ServerKind, SipCredentials, SipFailure, TurnCredentials,
    credential_password, parse_sip_user,
};

use crate::clock::Clock;
use crate::error::Result;
use crate::net::Cidrs;
use crate::passwords::Passwords;
use crate::ports::{Caller, Mailer, Store};
use crate::settings::Settings;
use std::sync::Arc;

/// The one core behind every dialect.
#[derive(Clone)]
pub struct Core {
    pub store: Arc<dyn Store>,
    pub mailer: Arc<dyn Mailer>,
    pub caller: Arc<dyn Caller>,
    pub clock: Arc<dyn Clock>,
    pub settings: Arc<Settings>,
    pub passwords: Passwords,
    /// Hosts the Defender never counts (parsed `defender.allowlist`).
    pub allowlist: Arc<Cidrs>,
    /// JWT signing keys, loaded from the store on first use.
    keys: Arc<oauth::keys::KeyRing>,
    /// The telephony secrets, opened (see `telephony::secrets`).
    telephony: Arc<telephony::secrets::SecretRing>,
    /// The key that derives refresh successors (see `sessions`), loaded on first use.
    successor_key: Arc<tokio::sync::OnceCell<String>>,
    /// Requests waiting for the Defender's admission on this instance.
    waiters: Arc<defender::waiters::Waiters>,
    /// Reset mails waiting to be sent (see `reset::mail_queue`).
    reset_mail: Arc<ResetMailQueue>,
    /// The hosts blocked now, for `/metrics` (see `defender::blocked`).
    blocked_hosts: Arc<defender::blocked::BlockedHosts>,
    /// What bearer checks read, cached and kept coherent (see [`crate::cache`]).
    pub cache: Arc<crate::cache::Cache>,
    /// Authentication events on their way to the audit log (see [`crate::audit`]).
    audit: Arc<audit::AuditQueue>,
    /// Set once this process has bumped the cache epoch (an admin command then waits a poll).
    epoch_bumped: Arc<std::sync::atomic::AtomicBool>,
}

impl Core {
    pub fn new(
        store: Arc<dyn Store>,
        mailer: Arc<dyn Mailer>,
        caller: Arc<dyn Caller>,
        clock: Arc<dyn Clock>,
        settings: Settings,
    ) -> Result<Self> {
        // Durations past a century are clamped, so `now + duration` never wraps anywhere.
        let settings = settings.bounded();
        if !(0..=60).contains(&settings.tokens.refresh_grace) {
            return Err(crate::Error::internal("tokens.refresh_grace must be between 0 and 60 seconds"));
        }
        // The janitor forgets a login's failures a day after its window began.
        if !(1..=86_400).contains(&settings.defender.account_window) {
            return Err(crate::Error::internal("defender.account_window must be between 1 and 86400 seconds"));
        }
        {
            use secrecy::ExposeSecret as _;
            let min = crate::settings::FlashcallLimits::PIN_KEY_MIN_LEN;
            if settings.flashcall.pin_key.expose_secret().trim().len() < min {
                return Err(crate::Error::internal(format!("flashcall.pin_key must be at least {min} characters")));
            }
        }
        let telephony = &settings.telephony;
        let max = crate::settings::TELEPHONY_MAX_TTL;
        for (name, ttl) in [("telephony.sip.ttl", telephony.sip.ttl), ("telephony.turn.ttl", telephony.turn.ttl)] {
            if !(1..=max).contains(&ttl) {
                return Err(crate::Error::internal(format!("{name} must be between 1 and {max} seconds")));
            }
        }
        if !matches!(telephony.sip.hash.as_str(), "sha1" | "sha256") {
            return Err(crate::Error::internal("telephony.sip.hash must be sha1 or sha256"));
        }
        {
            use secrecy::ExposeSecret as _;
            // The hook token guards the Defender's SIP counts: a short one could be guessed.
            let hook = telephony.hook_token.expose_secret().trim();
            if !hook.is_empty() && hook.len() < crate::settings::HOOK_TOKEN_MIN_LEN {
                let min = crate::settings::HOOK_TOKEN_MIN_LEN;
                return Err(crate::Error::internal(format!(
                    "telephony.hook_token must be at least {min} characters (a random one)"
                )));
            }
        }
        let passwords = Passwords::new(&settings.passwords)?;
        let allowlist = Arc::new(Cidrs::parse(&settings.defender.allowlist)?);
        Cidrs::parse(&settings.defender.trusted_proxies)?;
        let keys = Arc::default();
        let secret_ring = {
            use secrecy::ExposeSecret as _;
            Arc::new(telephony::secrets::SecretRing::new(settings.telephony.hook_token.expose_secret()))
        };
        let successor_key = Arc::default();
        let a = &settings.audit;
        let audit = Arc::new(audit::AuditQueue::new(a.enabled, a.queue, a.batch));
        Ok(Self {
            store,
            mailer,
            caller,
            clock,
            settings: Arc::new(settings),
            passwords,
            allowlist,
            keys,
            telephony: secret_ring,
            successor_key,
            waiters: Arc::default(),
            reset_mail: Arc::default(),
            blocked_hosts: Arc::default(),
            cache: Arc::default(),
            audit,
            epoch_bumped: Arc::default(),
        })
    }

    fn now(&self) -> i64 {
        self.clock.now()
    }
}

/// Where a request came from: recorded with sessions, used by rate limits and mail language.
#[derive(Debug, Clone, Default)]
pub struct Origin {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// Preferred language ("ru" or "en"), from Accept-Language.
    pub locale: Option<String>,
}
