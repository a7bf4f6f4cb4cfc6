//! A person's second factors (issue 21): an authenticator app (RFC 6238, [`totp`]), passkeys
//! ([`passkeys`]), a FlashCall to their phone ([`flashcall`]), recovery codes ([`recovery`]), and app passwords for the dialects that cannot take a second factor
//! ([`app_passwords`]). Every code is checked under the Defender with the person's own login key
//! `mfa:<user id>`: a wrong code counts against the host like a wrong password, and against the
//! person (`defender.mfa_max_failures` a day, from any hosts). Switching a factor on or off, and
//! making recovery codes anew, take the current password (checked like a login) and are audited.

pub(crate) mod app_passwords;
pub(crate) mod challenge;
pub(crate) mod flashcall;
pub(crate) mod passkeys;
pub(crate) mod recovery;
pub(crate) mod totp;

use crate::audit::{AuditEvent, FAILURE, SUCCESS, kind};
use crate::error::{Error, Result};
use crate::ports::SecondFactorRule;
use crate::services::audit::events::Via;
use crate::services::audit::events::reason;
use crate::services::{Core, Origin};
use crate::types::{Email, User};

/// What second factors a person has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MfaState {
    /// An authenticator app is on (a code confirmed it).
    pub totp: bool,
    /// An authenticator's enrolment was begun and not yet confirmed.
    pub totp_pending: bool,
    /// Unused recovery codes.
    pub recovery_left: i64,
    /// FlashCall to the person's phone is on as a second factor.
    pub flashcall: bool,
    /// Registered passkeys.
    pub passkeys: i64,
}

impl MfaState {
    /// Whether the person signs in with a second factor.
    pub fn on(&self) -> bool {
        self.totp || self.flashcall || self.passkeys > 0
    }
}

/// The prefix of a person's second-factor login key for the Defender, `mfa:<user id>`: their
/// codes are capped per person, whoever asks and from wherever.
pub(crate) const MFA_KEY: &str = "mfa:";

/// The Defender's key of a person's second factor.
pub(crate) fn mfa_key(user_id: i64) -> String {
    format!("{MFA_KEY}{user_id}")
}

/// A typed code without the spaces a person or a paste puts in it ("123 456").
pub(crate) fn typed_code(code: &str) -> String {
    code.chars().filter(|c| !c.is_whitespace()).collect()
}

/// How a second-factor code proved itself (RFC 8176: both are one-time passwords).
pub const AMR_OTP: &str = "otp";

/// The answer to a wrong second-factor code, in every dialect's words for a field `otp`.
pub(crate) fn wrong_code() -> Error {
    Error::bad_secret("otp", "The otp is invalid.")
}

impl Core {
    /// The person's second factors.
    pub async fn mfa_state(&self, user_id: i64) -> Result<MfaState> {
        let (factor, recovery_left, flashcall, passkeys) = tokio::try_join!(
            self.store.totp_factor(user_id),
            self.store.recovery_codes_left(user_id),
            self.store.flashcall_factor(user_id),
            self.store.passkeys(user_id)
        )?;
        Ok(MfaState {
            totp: factor.as_ref().is_some_and(|f| f.confirmed_at.is_some()),
            totp_pending: factor.as_ref().is_some_and(|f| f.confirmed_at.is_none()),
            recovery_left,
            flashcall,
            passkeys: passkeys.len() as i64,
        })
    }

    /// Whether the person signs in with a second factor, and whether their tenant requires one
    /// (one statement: a sign-in asks).
    pub(crate) async fn second_factor_rule(&self, user_id: i64) -> Result<SecondFactorRule> {
        Ok(self.store.second_factor_rule(user_id).await?)
    }

    /// Whether the person signs in with a second factor.
    pub(crate) async fn second_factor_on(&self, user_id: i64) -> Result<bool> {
        Ok(self.second_factor_rule(user_id).await?.on)
    }

    /// The refusal of a person whose tenant requires a second factor and who has none: where to
    /// switch one on.
    pub(crate) fn second_factor_missing(&self) -> Error {
        Error::SecondFactorMissing { page: format!("{}/account/security", self.issuer()) }
    }

    /// The second step of a dialect that takes the code in the same request as the first factor
    /// (the cabinet's `otp`): nothing for a person without a second factor; for one with, the code
    /// must be there (`SecondFactorRequired`) and right.
    pub(crate) async fn second_factor_with(&self, user: &User, otp: Option<&str>, origin: &Origin) -> Result<()> {
        let rule = self.second_factor_rule(user.id).await?;
        self.second_factor_under(user, rule, otp, origin).await
    }

    /// As [`Core::second_factor_with`], with the person's rule read already.
    pub(crate) async fn second_factor_under(
        &self,
        user: &User,
        rule: SecondFactorRule,
        otp: Option<&str>,
        origin: &Origin,
    ) -> Result<()> {
        if !rule.on {
            return match rule.tenant {
                true => Err(self.second_factor_missing()),
                false => Ok(()),
            };
        }
        match otp.map(str::trim).filter(|o| !o.is_empty()) {
            None => Err(Error::SecondFactorRequired),
            Some(code) => self.verify_second_factor(user, code, origin).await.map(|_| ()),
        }
    }

    /// The password as the second factor, after a FlashCall PIN proved the phone (the cabinet's PIN
    /// login, the login page's second step): checked like a sign-in of the person's own email.
    pub(crate) async fn password_as_second_factor(
        &self,
        user: &User,
        password: &str,
        via: Via,
        origin: &Origin,
    ) -> Result<()> {
        let email = Email::parse("email", &user.email)?;
        match self.check_password(&email, password, via, origin).await?.id == user.id {
            true => Ok(()),
            false => Err(Error::bad_password()),
        }
    }

    /// Checks a second-factor code of `user`: six digits are an authenticator's code (its step
    /// accepted once, on any instance), anything else a recovery code (spent). Under the
    /// Defender (`mfa:<user id>`); a wrong one is `Credential` on the field `otp`.
    pub async fn verify_second_factor(&self, user: &User, code: &str, origin: &Origin) -> Result<&'static str> {
        let key = mfa_key(user.id);
        // An app's code pasted with a space is still the app's code.
        let code = typed_code(code);
        let result = self
            .defended(origin.ip.as_deref(), Some(&key), async {
                let right = match totp::shaped(&code) {
                    true => self.spend_totp_code(user, &code).await?,
                    false => self.spend_recovery_code(user, &code).await?,
                };
                match right {
                    true => Ok(AMR_OTP),
                    false => Err(wrong_code()),
                }
            })
            .await;
        // The code's own `signin` line (after the first factor's): a wrong one is on record at
        // once, not only when the person's cap is reached.
        if self.audit.enabled() {
            let event = match &result {
                Ok(_) => AuditEvent::new(kind::SIGNIN, SUCCESS).user(user),
                Err(err) => AuditEvent::new(kind::SIGNIN, FAILURE).user(user).subject(&key).reason(reason(err)),
            };
            self.audit(event.method(AMR_OTP).origin(origin));
        }
        result
    }
}
