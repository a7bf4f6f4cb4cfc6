//! Passkeys (WebAuthn, through [`crate::webauthn`]): a person registers several on the account
//! page (a name each, the current password first), and then uses one as the second step after a
//! password, or to sign in with nothing else ("Sign in with a passkey": a discoverable credential
//! with user verification is two factors, the device and its PIN or biometric, so its `amr` is
//! `swk`/`hwk` and `mfa`). Each ceremony's state is a row keyed by the challenge it sent, taken
//! once on whichever instance the answer reaches; each use moves the passkey's counter by
//! compare-and-set. A refused assertion counts for the person's second-factor cap and for the
//! host, like a wrong code; one naming no passkey of kordon's counts for the host.

use crate::audit::{AuditEvent, FAILURE, SUCCESS, kind};
use crate::error::{Error, Result};
use crate::ports::{Ceremony, NewPasskey, StoreError, StoredPasskey};
use crate::services::audit::events::reason;
use crate::services::{Core, Origin};
use crate::types::User;
use crate::webauthn::{CEREMONY_TTL, RelyingParty, fresh_user_handle, not_accepted};

/// How many passkeys a person may hold.
pub const PASSKEYS_PER_USER: i64 = 10;
/// The longest name of a passkey, characters.
pub const PASSKEY_NAME_MAX: usize = 64;
/// The refusal of a passkey the person registered before (the authenticator made the same
/// credential again).
pub const PASSKEY_KNOWN: &str = "This passkey is registered already.";
/// The refusal of one more passkey past [`PASSKEYS_PER_USER`].
pub const PASSKEYS_FULL: &str = "You have as many passkeys as allowed: remove one first.";

/// What a passkey kept in the device (a platform authenticator) adds to `amr` (RFC 8176).
pub const AMR_SOFTWARE_KEY: &str = "swk";
/// What a passkey on a security key or another device adds to `amr`.
pub const AMR_HARDWARE_KEY: &str = "hwk";

/// What a ceremony is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasskeyPurpose {
    /// Registering one on the account page.
    Register,
    /// The second step after a first factor.
    Second,
    /// Signing in with the passkey alone.
    SignIn,
}

impl PasskeyPurpose {
    fn as_str(self) -> &'static str {
        match self {
            Self::Register => "register",
            Self::Second => "second",
            Self::SignIn => "signin",
        }
    }
}

fn amr_of(attachment: &str) -> &'static str {
    match attachment {
        "platform" => AMR_SOFTWARE_KEY,
        _ => AMR_HARDWARE_KEY,
    }
}

/// A passkey's name as typed: trimmed, 1 to [`PASSKEY_NAME_MAX`] characters.
pub fn passkey_name(name: &str) -> Result<&str> {
    let name = name.trim();
    match name.chars().count() {
        0 => Err(Error::required("name")),
        n if n > PASSKEY_NAME_MAX => {
            Err(Error::validation("name", format!("The name may not be greater than {PASSKEY_NAME_MAX} characters.")))
        }
        _ => Ok(name),
    }
}

impl Core {
    /// The relying party: the issuer's host as RP ID, its origin as the only one answers may
    /// come from.
    fn relying_party(&self) -> Result<RelyingParty> {
        let issuer = url::Url::parse(self.issuer()).map_err(Error::internal)?;
        let host = issuer.host_str().ok_or_else(|| Error::internal("the issuer has no host"))?;
        RelyingParty::new(host, &issuer.origin().ascii_serialization())
    }

    /// The person's passkeys, oldest first.
    pub async fn passkeys(&self, user_id: i64) -> Result<Vec<StoredPasskey>> {
        Ok(self.store.passkeys(user_id).await?)
    }

    /// Begins registering a passkey, after the current password: the options the page hands to
    /// the browser. Refused at [`PASSKEYS_PER_USER`].
    pub async fn passkey_register_begin(&self, user: &User, current_password: &str, origin: &Origin) -> Result<String> {
        let event = || AuditEvent::new(kind::MFA_ENROLLED, SUCCESS).user(user).method("passkey");
        self.current_password_ok(user, current_password, origin, event).await?;
        let existing = self.store.passkeys(user.id).await?;
        if existing.len() as i64 >= PASSKEYS_PER_USER {
            return Err(Error::refused(PASSKEYS_FULL));
        }
        let handle = self.store.webauthn_handle(user.id, &fresh_user_handle()).await?;
        let exclude: Vec<String> = existing.into_iter().map(|p| p.credential_id).collect();
        let started = self.relying_party()?.start_registration(&handle, &user.email, &exclude)?;
        let ceremony = Ceremony {
            user_id: Some(user.id),
            purpose: PasskeyPurpose::Register.as_str().to_owned(),
            state: started.state,
            expires_at: self.now() + CEREMONY_TTL,
        };
        self.store.put_ceremony(&started.challenge, &ceremony, self.now()).await?;
        Ok(started.options)
    }

    /// Finishes a registration with the browser's answer and the name the person gave it.
    /// Answers the recovery codes made with it (shown once) when the person had none left.
    pub async fn passkey_register_finish(
        &self,
        user: &User,
        name: &str,
        response: &str,
        origin: &Origin,
    ) -> Result<Option<Vec<String>>> {
        let name = passkey_name(name)?;
        let challenge = RelyingParty::registration_challenge(response)?;
        let expired = || Error::refused("This passkey set-up has expired: begin again.");
        let ceremony = self.store.take_ceremony(&challenge).await?.ok_or_else(expired)?;
        if ceremony.purpose != PasskeyPurpose::Register.as_str() || ceremony.user_id != Some(user.id) {
            return Err(expired());
        }
        if ceremony.expires_at <= self.now() {
            return Err(expired());
        }
        let event = || AuditEvent::new(kind::MFA_ENROLLED, SUCCESS).user(user).method("passkey").origin(origin);
        let credential = match self.relying_party()?.finish_registration(&ceremony.state, response) {
            Ok(credential) => credential,
            Err(err) => {
                self.audit(AuditEvent { result: FAILURE, ..event() }.reason(reason(&err)));
                return Err(err);
            }
        };
        let codes = super::recovery::fresh_codes()?;
        let digests: Vec<String> = codes.iter().map(|c| super::recovery::code_digest(c)).collect();
        let new = NewPasskey {
            user_id: user.id,
            credential_id: &credential.credential_id,
            public_key: &credential.public_key,
            state: &credential.state,
            name,
            attachment: credential.attachment,
        };
        let stored = match self.store.add_passkey(&new, PASSKEYS_PER_USER, &digests, self.now()).await {
            Ok(Some(stored)) => stored,
            Ok(None) => {
                return Err(Error::refused(PASSKEYS_FULL));
            }
            Err(StoreError::Conflict(_)) => return Err(Error::refused("This passkey is registered already.")),
            Err(err) => return Err(err.into()),
        };
        self.audit(event());
        tracing::info!(user_id = user.id, "a passkey was registered");
        Ok(stored.then_some(codes))
    }

    /// Removes one of the person's passkeys, after the current password (the recovery codes go
    /// when no second factor is left). NotFound when it is not theirs.
    pub async fn passkey_remove(&self, user: &User, id: i64, current_password: &str, origin: &Origin) -> Result<()> {
        let event = || AuditEvent::new(kind::MFA_REMOVED, SUCCESS).user(user).method("passkey");
        self.current_password_ok(user, current_password, origin, event).await?;
        if !self.store.remove_passkey(user.id, id).await? {
            return Err(Error::NotFound);
        }
        self.audit(event().origin(origin));
        tracing::info!(user_id = user.id, "a passkey was removed");
        Ok(())
    }

    /// Sign-in options for a passkey of `user_id` (a second step) or of anyone (a sign-in with
    /// the passkey alone): the ceremony is stored, the options go to the page.
    pub(crate) async fn passkey_options(&self, user_id: Option<i64>, purpose: PasskeyPurpose) -> Result<String> {
        let started = self.relying_party()?.start_authentication()?;
        let ceremony = Ceremony {
            user_id,
            purpose: purpose.as_str().to_owned(),
            state: started.state,
            expires_at: self.now() + CEREMONY_TTL,
        };
        self.store.put_ceremony(&started.challenge, &ceremony, self.now()).await?;
        Ok(started.options)
    }

    /// Checks a passkey's answer to a ceremony of `purpose` begun for `user_id` (None: a sign-in
    /// with the passkey alone): the person it proves and what it adds to `amr`. A refused one is
    /// `Credential` (field `response`), counted by the Defender.
    pub(crate) async fn passkey_assertion(
        &self,
        response: &str,
        purpose: PasskeyPurpose,
        user_id: Option<i64>,
        origin: &Origin,
    ) -> Result<(User, &'static str)> {
        let ip = origin.ip.as_deref();
        self.refuse_if_blocked(ip).await?;
        let (challenge, asserted) = RelyingParty::assertion_parts(response)?;
        let passkey = match self.store.passkey_by_credential(&asserted.credential_id).await? {
            Some(p) if user_id.is_none_or(|u| u == p.user_id) => p,
            _ => {
                // The ceremony is spent all the same: an answer is good for one try.
                self.store.take_ceremony(&challenge).await?;
                self.failed_check(ip, None).await?;
                return Err(not_accepted());
            }
        };
        let key = super::mfa_key(passkey.user_id);
        let result = self
            .defended(ip, Some(&key), async {
                let now = self.now();
                let ceremony = self.store.take_ceremony(&challenge).await?;
                let live =
                    ceremony.filter(|c| c.purpose == purpose.as_str() && c.user_id == user_id && c.expires_at > now);
                let ceremony = live.ok_or_else(not_accepted)?;
                if self.store.user_of_webauthn_handle(&asserted.user_handle).await? != Some(passkey.user_id) {
                    return Err(not_accepted());
                }
                let stored = (
                    passkey.credential_id.as_str(),
                    passkey.public_key.as_str(),
                    passkey.state.as_str(),
                    asserted.user_handle.as_str(),
                );
                let (state, attachment) =
                    self.relying_party()?.finish_authentication(&ceremony.state, response, stored)?;
                match self.store.use_passkey(passkey.id, &passkey.state, &state, now).await? {
                    true => Ok(amr_of(attachment)),
                    false => Err(not_accepted()),
                }
            })
            .await;
        let user = self.user_by_id(passkey.user_id).await?.ok_or_else(not_accepted)?;
        if self.audit.enabled() {
            let event = match &result {
                Ok(_) => AuditEvent::new(kind::SIGNIN, SUCCESS).user(&user),
                Err(err) => AuditEvent::new(kind::SIGNIN, FAILURE).user(&user).subject(&key).reason(reason(err)),
            };
            self.audit(event.method("passkey").origin(origin));
        }
        Ok((user, result?))
    }
}

#[cfg(test)]
mod tests {
    use super::passkey_name;

    #[test]
    fn a_name_is_trimmed_and_bounded() {
        assert_eq!(passkey_name("  Laptop ").expect("name"), "Laptop");
        assert!(passkey_name("   ").is_err());
        assert!(passkey_name(&"ж".repeat(64)).is_ok());
        assert!(passkey_name(&"ж".repeat(65)).is_err());
    }
}
