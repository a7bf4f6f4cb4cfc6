//! The browser's sign-in at kordon (single sign-on for the authorization endpoint): by email and
//! password, or by phone and FlashCall PIN, through the same Defender and toll-fraud caps as the
//! cabinet API. The cookie holds a random value; the store keeps only its digest, and logout, a
//! password change or a disabled user ends the row.

use crate::audit::{AuditEvent, SUCCESS, kind};
use crate::error::{Error, Result};
use crate::oidc_types::LoginSession;
use crate::secrets::{digest, random_token};
use crate::services::audit::events::Via;
use crate::services::mfa::passkeys::PasskeyPurpose;
use crate::services::{Core, Origin};
use crate::types::{Email, Phone, User};

/// `amr` values (RFC 8176): a password, or a confirmation by telephone call (FlashCall).
pub const AMR_PASSWORD: &str = "pwd";
pub const AMR_FLASHCALL: &str = "tel";
/// What a sign-in by a user-verified passkey adds after its key: the device and its PIN or
/// biometric are two factors (RFC 8176 `mfa`).
pub const AMR_VERIFIED: &str = "mfa";

/// How many "Sign in with a passkey" ceremonies one host may begin in an hour.
const PASSKEY_OPTIONS_PER_HOUR: i64 = 60;

/// The store's key of a sign-in cookie (its digest); none for an empty or oversized value.
fn cookie_key(cookie: Option<&str>) -> Option<String> {
    cookie.filter(|c| !c.is_empty() && c.len() <= 128).map(digest)
}

/// What a right first factor on the login page led to.
#[derive(Debug)]
pub enum SignInStep {
    /// Signed in.
    Done(SignedIn),
    /// The person signs in with a second factor: the second step (see
    /// `Core::browser_second_factor`).
    SecondFactor(SecondStep),
}

/// A second step under way: its challenge (a hidden field of its page) and the ways it offers
/// (`Core::second_step_of`).
#[derive(Debug, Clone)]
pub struct SecondStep {
    pub challenge: String,
    /// The options of a passkey ceremony (`PublicKeyCredentialRequestOptionsJSON`): the person
    /// has passkeys.
    pub passkey: Option<String>,
    /// A code of the authenticator app.
    pub app: bool,
    /// A recovery code: the person has unused ones.
    pub recovery: bool,
    /// The phone "Call me" calls: FlashCall is on, and the first factor was the password.
    pub call: Option<Phone>,
    /// The password: the first factor was a FlashCall PIN.
    pub password: bool,
}

/// A new sign-in: the cookie value to set (shown once) and the session it names.
#[derive(Debug)]
pub struct SignedIn {
    pub cookie: String,
    pub session: LoginSession,
}

impl Core {
    /// The live sign-in a cookie names, if any.
    pub async fn browser_session(&self, cookie: Option<&str>) -> Result<Option<LoginSession>> {
        let Some(key) = cookie_key(cookie) else { return Ok(None) };
        Ok(self.store.login_session(&key, self.now()).await?)
    }

    /// The user a live sign-in belongs to (for the consent page's "signed in as").
    pub async fn browser_user(&self, session: &LoginSession) -> Result<Option<User>> {
        self.user_by_id(session.user_id).await
    }

    /// Email and password on the login page of the authorization request `flow` names, in the
    /// browser whose CSRF token is `csrf`: signed in, or (a person with a second factor) on to
    /// the second step.
    pub async fn browser_sign_in_password(
        &self,
        email: Option<&str>,
        password: Option<&str>,
        origin: &Origin,
        flow: &str,
        csrf: &str,
    ) -> Result<SignInStep> {
        let email = Email::parse("email", email.unwrap_or_default())?;
        let password = password.filter(|p| !p.is_empty()).ok_or_else(|| Error::required("password"))?;
        let user = self.check_password(&email, password, Via::LOGIN_PAGE, origin).await?;
        self.first_factor_passed(&user, AMR_PASSWORD, flow, csrf, origin).await
    }

    /// After a right first factor: a sign-in, or a second step's challenge.
    async fn first_factor_passed(
        &self,
        user: &User,
        amr: &str,
        flow: &str,
        csrf: &str,
        origin: &Origin,
    ) -> Result<SignInStep> {
        match self.second_factor_on(user.id).await? {
            true => {
                let challenge = self.second_step_challenge(user.id, amr, flow, csrf).await?;
                Ok(SignInStep::SecondFactor(self.second_step_of(user, amr, challenge).await?))
            }
            false => Ok(SignInStep::Done(self.open_browser_session(user, amr, flow, origin).await?)),
        }
    }

    /// "Sign in with a passkey": the options for the page, a ceremony any passkey of kordon's may
    /// answer. Capped per host (60 an hour), since each writes a row.
    pub async fn browser_passkey_options(&self, origin: &Origin) -> Result<String> {
        self.refuse_if_blocked(origin.ip.as_deref()).await?;
        let host = crate::services::defender::hourly::host_of(origin);
        self.hourly_cap(&format!("passkey:ip:{host}"), PASSKEY_OPTIONS_PER_HOUR).await?;
        self.passkey_options(None, PasskeyPurpose::SignIn).await
    }

    /// A passkey's answer to the options of [`Core::browser_passkey_options`]: signed in, with
    /// both factors (the device, and the PIN or biometric that unlocked it).
    pub async fn browser_sign_in_passkey(
        &self,
        response: Option<&str>,
        origin: &Origin,
        flow: &str,
    ) -> Result<SignedIn> {
        let response = response.filter(|r| !r.is_empty()).ok_or_else(|| Error::required("response"))?;
        let (user, amr) = self.passkey_assertion(response, PasskeyPurpose::SignIn, None, origin).await?;
        self.open_browser_session(&user, &format!("{amr} {AMR_VERIFIED}"), flow, origin).await
    }

    /// Phone and the last digits of the FlashCall's number on the login page (`token` names the
    /// call the page placed; `flow` the authorization request).
    pub async fn browser_sign_in_pin(
        &self,
        phone: Option<&str>,
        pin: Option<&str>,
        token: Option<&str>,
        origin: &Origin,
        flow: &str,
        csrf: &str,
    ) -> Result<SignInStep> {
        let phone = Phone::parse("phone", phone.unwrap_or_default())?;
        let pin = pin.filter(|p| !p.is_empty()).ok_or_else(|| Error::required("pin"))?;
        let user = self.check_pin_login(&phone, pin, token, Via::LOGIN_PAGE, origin).await?;
        self.first_factor_passed(&user, AMR_FLASHCALL, flow, csrf, origin).await
    }

    /// A new sign-in, fresh for the request `flow` names (see `authorize`); `amr` its methods,
    /// space-separated.
    pub(crate) async fn open_browser_session(
        &self,
        user: &User,
        amr: &str,
        flow: &str,
        origin: &Origin,
    ) -> Result<SignedIn> {
        let cookie = random_token(43);
        let now = self.now();
        let session = LoginSession {
            digest: digest(&cookie),
            user_id: user.id,
            auth_time: now,
            amr: amr.to_owned(),
            expires_at: now + self.settings.oauth.login_ttl,
            flow: Some(flow.to_owned()),
            ip: origin.ip.clone(),
            user_agent: origin.user_agent.clone(),
            last_used_at: Some(now),
        };
        self.store.create_login_session(&session).await?;
        crate::metrics::token_issued("browser");
        if self.audit.enabled() {
            let event = AuditEvent::new(kind::TOKEN_ISSUED, SUCCESS).user(user).method("browser").origin(origin);
            self.audit(event.dialect("oidc"));
        }
        Ok(SignedIn { cookie, session })
    }

    /// A browser that signed in anew holds only the new sign-in's cookie: the one its cookie
    /// named before (`previous`) is ended, so no sign-in outlives every browser that could use
    /// it (and a person's account page marks the right one as this device). Not audited: the
    /// browser's sign-in goes on.
    pub async fn browser_replaced(&self, previous: Option<&str>, signed: &SignedIn) -> Result<()> {
        match cookie_key(previous) {
            Some(key) if key != signed.session.digest => {
                self.store.end_login_session(&key, self.now()).await?;
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// Ends the sign-in a cookie names (RP-initiated logout); false when there was none.
    pub async fn browser_sign_out(&self, cookie: Option<&str>, origin: &Origin) -> Result<bool> {
        let Some(key) = cookie_key(cookie) else { return Ok(false) };
        let session = match self.audit.enabled() {
            true => self.store.login_session(&key, self.now()).await?,
            false => None,
        };
        let ended = self.store.end_login_session(&key, self.now()).await?;
        if let (true, Some(session)) = (ended, session)
            && let Ok(Some(user)) = self.user_by_id(session.user_id).await
        {
            let event = AuditEvent::new(kind::TOKEN_REVOKED, SUCCESS).user(&user).method("browser").origin(origin);
            self.audit(event.dialect("oidc"));
        }
        Ok(ended)
    }
}
