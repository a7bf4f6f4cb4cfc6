//! FlashCall as a second factor: possession of the phone on the account, proved by a call whose
//! number's last digits are the PIN. A person with a phone switches it on with the current
//! password (audited, with recovery codes when they have none); the login page's second step
//! after a password then offers "Call me". The call goes through the whole toll-fraud guard
//! (cool-down, per-phone, per-host, per-prefix and global caps) with a purpose of its own
//! (`mfa`), so a PIN of a login or a registration call never passes here, nor this one there;
//! a wrong PIN counts for the phone's own cap (`phone:<phone>`, `defender.pin_max_failures`)
//! and the host's block, as a sign-in by PIN does.

use crate::audit::{AuditEvent, FAILURE, SUCCESS, kind};
use crate::error::{Error, Result};
use crate::services::accounts::flashcall::PURPOSE_SECOND_FACTOR;
use crate::services::{Core, Origin};
use crate::types::{Phone, User};

/// What a FlashCall second factor adds to `amr` (RFC 8176: confirmation by telephone).
pub const AMR_TEL: &str = "tel";

/// The person's phone, when FlashCall is `on` for them and they have a (valid) one.
pub(crate) fn callable_phone(user: &User, on: bool) -> Option<Phone> {
    let raw = user.phone.as_deref().filter(|p| on && !p.is_empty())?;
    Phone::parse("phone", raw).ok()
}

impl Core {
    /// Switches FlashCall on as the person's second factor, after the current password. Answers
    /// the recovery codes made with it (shown once) when the person had none left. Refused
    /// without a phone, or when it is on already.
    pub async fn flashcall_factor_on(
        &self,
        user: &User,
        current_password: &str,
        origin: &Origin,
    ) -> Result<Option<Vec<String>>> {
        let event = || AuditEvent::new(kind::MFA_ENROLLED, SUCCESS).user(user).method("flashcall");
        self.current_password_ok(user, current_password, origin, event).await?;
        if user.phone.as_deref().is_none_or(str::is_empty) {
            return Err(Error::refused("FlashCall needs a phone on the account."));
        }
        let codes = super::recovery::fresh_codes()?;
        let digests: Vec<String> = codes.iter().map(|c| super::recovery::code_digest(c)).collect();
        let stored = self.store.add_flashcall_factor(user.id, &digests, self.now()).await?;
        let stored = stored.ok_or_else(|| Error::refused("FlashCall is on already."))?;
        self.audit(event().origin(origin));
        Ok(stored.then_some(codes))
    }

    /// Switches FlashCall off, after the current password (the recovery codes go with it unless an
    /// authenticator app stays on).
    pub async fn flashcall_factor_off(&self, user: &User, current_password: &str, origin: &Origin) -> Result<()> {
        let event = || AuditEvent::new(kind::MFA_REMOVED, SUCCESS).user(user).method("flashcall");
        self.current_password_ok(user, current_password, origin, event).await?;
        if !self.store.remove_flashcall_factor(user.id).await? {
            return Err(Error::refused("FlashCall is off already."));
        }
        self.audit(event().origin(origin));
        Ok(())
    }

    /// The phone a second step may call: the person's, when FlashCall is on for them.
    pub(crate) async fn second_factor_phone(&self, user: &User) -> Result<Option<Phone>> {
        if user.phone.as_deref().is_none_or(str::is_empty) {
            return Ok(None);
        }
        Ok(callable_phone(user, self.store.flashcall_factor(user.id).await?))
    }

    /// Calls the person's phone for a second step; answers the call's verification token.
    pub(crate) async fn call_second_factor(&self, user: &User, origin: &Origin) -> Result<(Phone, String)> {
        let phone = self.second_factor_phone(user).await?.ok_or_else(|| Error::refused("FlashCall is off."))?;
        let token = self.place_call(&phone, PURPOSE_SECOND_FACTOR, Some(user.id), origin.ip.as_deref()).await?;
        Ok((phone, token))
    }

    /// Checks the PIN of a second step's call to the person's phone (under the Defender: the host,
    /// and the phone's own cap) and spends it. A wrong one is `Credential` (field `pin`).
    pub(crate) async fn verify_second_pin(
        &self,
        user: &User,
        pin: &str,
        token: &str,
        origin: &Origin,
    ) -> Result<&'static str> {
        let phone = self.second_factor_phone(user).await?.ok_or(Error::Unauthenticated)?;
        let key = format!("phone:{}", phone.as_str());
        let result = self
            .defended(origin.ip.as_deref(), Some(&key), async {
                let unspent = self.check_pin(&phone, PURPOSE_SECOND_FACTOR, pin.trim(), Some(token)).await?;
                self.spend_pin(unspent, &phone).await
            })
            .await;
        // The PIN's own `signin` line, after the first factor's (as a code's).
        if self.audit.enabled() {
            let event = match &result {
                Ok(()) => AuditEvent::new(kind::SIGNIN, SUCCESS).user(user),
                Err(err) => AuditEvent::new(kind::SIGNIN, FAILURE)
                    .user(user)
                    .subject(&key)
                    .reason(crate::services::audit::events::reason(err)),
            };
            self.audit(event.method("pin").origin(origin));
        }
        result.map(|()| AMR_TEL)
    }
}
