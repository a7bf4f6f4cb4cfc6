//! The browser's sign-in at kordon (single sign-on for the authorization endpoint): by email and
//! password, or by phone and FlashCall PIN, through the same Defender and toll-fraud caps as the
//! cabinet API. The cookie holds a random value; the store keeps only its digest, and logout, a
//! password change or a disabled user ends the row.

use crate::audit::{AuditEvent, SUCCESS, kind};
use crate::error::{Error, Result};
use crate::oidc_types::LoginSession;
use crate::secrets::{digest, random_token};
use crate::services::audit::events::Via;
use crate::services::{Core, Origin};
use crate::types::{Email, Phone, User};

/// `amr` values (RFC 8176): a password, or a confirmation by telephone call (FlashCall).
pub const AMR_PASSWORD: &str = "pwd";
pub const AMR_FLASHCALL: &str = "tel";

/// The store's key of a sign-in cookie (its digest); none for an empty or oversized value.
fn cookie_key(cookie: Option<&str>) -> Option<String> {
    cookie.filter(|c| !c.is_empty() && c.len() <= 128).map(digest)
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

    /// Email and password on the login page of the authorization request `flow` names.
    pub async fn browser_sign_in_password(
        &self,
        email: Option<&str>,
        password: Option<&str>,
        origin: &Origin,
        flow: &str,
    ) -> Result<SignedIn> {
        let email = Email::parse("email", email.unwrap_or_default())?;
        let password = password.filter(|p| !p.is_empty()).ok_or_else(|| Error::required("password"))?;
        let user = self.check_password(&email, password, Via::LOGIN_PAGE, origin).await?;
        self.open_browser_session(&user, AMR_PASSWORD, flow, origin).await
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
    ) -> Result<SignedIn> {
        let phone = Phone::parse("phone", phone.unwrap_or_default())?;
        let pin = pin.filter(|p| !p.is_empty()).ok_or_else(|| Error::required("pin"))?;
        let user = self.check_pin_login(&phone, pin, token, Via::LOGIN_PAGE, origin).await?;
        self.open_browser_session(&user, AMR_FLASHCALL, flow, origin).await
    }

    /// A new sign-in, fresh for the request `flow` names (see `authorize`).
    async fn open_browser_session(&self, user: &User, amr: &str, flow: &str, origin: &Origin) -> Result<SignedIn> {
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
