//! An authenticator app (RFC 6238: HMAC-SHA-1, 6 digits, 30-second steps, one step of skew
//! either way, by `totp-rs`). Enrolment makes a 160-bit secret, seals it under the
//! key-encryption key (`totp:<user id>`, so a row moved to another person does not open) and
//! shows it once as base32 and as an `otpauth://` URI; it is off until a code confirms it. A
//! step is accepted once (the store moves `last_step` forward in one statement), so a code seen
//! over a shoulder or replayed on another instance is refused.

use super::MfaState;
use crate::audit::{AuditEvent, SUCCESS, kind};
use crate::error::{Error, Result};
use crate::services::{Core, Origin};
use crate::types::User;
use totp_rs::{Builder, Secret, Totp};

/// Seconds a code lives.
pub const STEP: u64 = 30;
/// The issuer an authenticator app shows above the account.
const ISSUER: &str = "kordon";
/// Secret length, bytes (RFC 4226 §4 recommends 160 bits).
const SECRET_LEN: usize = 20;

/// An enrolment just begun: what the person types or scans into their app (shown once).
#[derive(Debug, Clone)]
pub struct TotpEnrolment {
    /// The secret in base32 (RFC 4648, no padding), as apps take it typed.
    pub secret: String,
    /// `otpauth://totp/kordon:<email>?secret=…&issuer=kordon&algorithm=SHA1&digits=6&period=30`.
    pub uri: String,
}

/// Whether a typed code is shaped like an authenticator's (six digits).
pub(crate) fn shaped(code: &str) -> bool {
    code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit())
}

fn label(user_id: i64) -> String {
    format!("totp:{user_id}")
}

fn enrolment(user: &User, secret: String) -> TotpEnrolment {
    let account: String = url::form_urlencoded::byte_serialize(format!("{ISSUER}:{}", user.email).as_bytes()).collect();
    let uri = format!("otpauth://totp/{account}?secret={secret}&issuer={ISSUER}&algorithm=SHA1&digits=6&period={STEP}");
    TotpEnrolment { secret, uri }
}

fn generator(secret: &str) -> Result<Totp> {
    let bytes =
        Secret::try_from_base32(secret).map_err(|_| Error::internal("an authenticator secret is not base32"))?;
    Builder::new()
        .with_secret(bytes.as_ref().to_vec())
        .build()
        .map_err(|e| Error::internal(format!("an authenticator secret is unusable: {e}")))
}

impl Core {
    /// Begins (or begins again) enrolling an authenticator: a fresh secret replaces an
    /// unconfirmed one. Refused while one is on (remove it first).
    pub async fn totp_begin(&self, user: &User) -> Result<TotpEnrolment> {
        let mut bytes = [0u8; SECRET_LEN];
        aws_lc_rs::rand::fill(&mut bytes).map_err(|_| Error::internal("the OS random source failed"))?;
        let secret = Secret::from(bytes.to_vec()).to_base32();
        let sealed = self.sealer()?.seal_secret(&label(user.id), &secret)?;
        if !self.store.begin_totp(user.id, &sealed, self.now()).await? {
            return Err(Error::refused("An authenticator app is on already: remove it first."));
        }
        Ok(enrolment(user, secret))
    }

    /// The enrolment under way, to show again (a confirmation that failed); NotFound when none is.
    pub async fn totp_pending(&self, user: &User) -> Result<TotpEnrolment> {
        let factor = self.store.totp_factor(user.id).await?.filter(|f| f.confirmed_at.is_none());
        let factor = factor.ok_or(Error::NotFound)?;
        let (secret, _) = self.sealer()?.open_secret(&label(user.id), &factor.secret)?;
        Ok(enrolment(user, secret))
    }

    /// Switches the begun authenticator on with its first code, after the current password
    /// (checked like a login). Answers the recovery codes made with it (shown once) when the
    /// person had none left, else none. A wrong code counts like a wrong second factor.
    pub async fn totp_confirm(
        &self,
        user: &User,
        code: &str,
        current_password: &str,
        origin: &Origin,
    ) -> Result<Option<Vec<String>>> {
        let event = || AuditEvent::new(kind::MFA_ENROLLED, SUCCESS).user(user).method("totp");
        self.current_password_ok(user, current_password, origin, event).await?;
        let code = super::typed_code(code);
        let factor = self.store.totp_factor(user.id).await?;
        let Some(factor) = factor.filter(|f| f.confirmed_at.is_none()) else {
            return Err(Error::refused("No authenticator app is being set up: begin again."));
        };
        let key = super::mfa_key(user.id);
        let step = self
            .defended(origin.ip.as_deref(), Some(&key), async {
                self.totp_step(user.id, &factor.secret, &code)?.ok_or_else(super::wrong_code)
            })
            .await?;
        // Made here, stored only if the person has none left (decided in the store's transaction).
        let codes = super::recovery::fresh_codes()?;
        let digests: Vec<String> = codes.iter().map(|c| super::recovery::code_digest(c)).collect();
        let stored = self.store.confirm_totp(user.id, &factor.secret, step, &digests, self.now()).await?;
        let Some(stored) = stored else {
            return Err(Error::refused("No authenticator app is being set up: begin again."));
        };
        self.audit(event().origin(origin));
        tracing::info!(user_id = user.id, "an authenticator app was switched on");
        Ok(stored.then_some(codes))
    }

    /// Removes the authenticator (and the recovery codes), after the current password.
    pub async fn totp_remove(&self, user: &User, current_password: &str, origin: &Origin) -> Result<MfaState> {
        let event = || AuditEvent::new(kind::MFA_REMOVED, SUCCESS).user(user).method("totp");
        self.current_password_ok(user, current_password, origin, event).await?;
        if !self.store.remove_totp(user.id).await? {
            return Err(Error::NotFound);
        }
        self.audit(event().origin(origin));
        tracing::info!(user_id = user.id, "an authenticator app was removed");
        self.mfa_state(user.id).await
    }

    /// Whether `code` is a right authenticator code of `user` for a step not accepted before;
    /// that step is then spent. Not defended here (`verify_second_factor` is).
    pub(crate) async fn spend_totp_code(&self, user: &User, code: &str) -> Result<bool> {
        let Some(factor) = self.store.totp_factor(user.id).await?.filter(|f| f.confirmed_at.is_some()) else {
            return Ok(false);
        };
        match self.totp_step(user.id, &factor.secret, code)? {
            Some(step) if step > factor.last_step => Ok(self.store.spend_totp_step(user.id, step).await?),
            _ => Ok(false),
        }
    }

    /// The step (within one either way of now) a code is right for, if any.
    fn totp_step(&self, user_id: i64, sealed: &str, code: &str) -> Result<Option<i64>> {
        if !shaped(code) {
            return Ok(None);
        }
        let (secret, _) = self.sealer()?.open_secret(&label(user_id), sealed)?;
        let now = u64::try_from(self.now()).unwrap_or(0);
        Ok(generator(&secret)?.check(code, now).and_then(|step| i64::try_from(step).ok()))
    }

    /// `kordon admin keys rewrap`'s part for authenticators: every secret sealed under the
    /// previous key-encryption key moves to the current one; how many moved, and how many
    /// still need it (none after a rewrap).
    pub(crate) async fn reseal_totp_secrets(&self, rewrap: bool) -> Result<(u64, u64)> {
        let sealer = self.sealer()?;
        let mut changes = Vec::new();
        let mut under_previous = 0;
        for (user_id, stored) in self.store.totp_secrets().await? {
            let (secret, sealing) = match sealer.open_secret(&label(user_id), &stored) {
                Ok(opened) => opened,
                // At start, one person's damaged row must not stop the server: their codes fail
                // until they set the app up again. A rewrap stops and says so.
                Err(err) if !rewrap => {
                    tracing::error!(user_id, error = %err, "an authenticator secret does not open");
                    continue;
                }
                Err(err) => return Err(err),
            };
            match (sealing, rewrap) {
                (crate::services::oauth::key_seal::Sealing::Previous, true) => {
                    changes.push((user_id, stored, sealer.seal_secret(&label(user_id), &secret)?));
                }
                (crate::services::oauth::key_seal::Sealing::Previous, false) => under_previous += 1,
                _ => {}
            }
        }
        let moved = match changes.is_empty() {
            true => 0,
            false => self.store.reseal_totp_secrets(&changes).await?,
        };
        Ok((moved, under_previous))
    }
}

#[cfg(test)]
mod tests {
    use super::{generator, shaped};

    #[test]
    fn codes_follow_rfc_6238() {
        // RFC 6238 appendix B, SHA-1 seed "12345678901234567890", 6 digits.
        let secret = totp_rs::Secret::from(b"12345678901234567890".to_vec()).to_base32();
        let totp = generator(&secret).expect("generator");
        assert_eq!(totp.generate(59).to_string(), "287082");
        assert_eq!(totp.generate(1111111109).to_string(), "081804");
        assert_eq!(totp.check("081804", 1111111109 + 30), Some(1111111109 / 30), "one step of skew");
        assert_eq!(totp.check("081804", 1111111109 + 90), None, "not two");
        assert!(shaped("081804") && !shaped("81804") && !shaped("08180a") && !shaped("0818-04"));
    }
}
