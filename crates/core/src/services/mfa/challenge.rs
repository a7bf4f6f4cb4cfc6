//! The login page's second step. After a right first factor, a person with a second factor gets
//! a challenge instead of a sign-in: a token that says who passed which first factor, until
//! when, MACed with the server-wide key and bound to the browser's CSRF cookie and to the
//! authorization request, so it is good for that browser and that request only, on any instance,
//! for [`CHALLENGE_TTL`]. It proves the first factor and nothing more: the sign-in is made only
//! when a second-factor code is right (each code works once, and wrong ones are capped per
//! person and per host by the Defender), so no table is needed to make it single-use.

use crate::error::{Error, Result};
use crate::secrets::{equal, keyed_digest};
use crate::services::audit::events::Via;
use crate::services::mfa::flashcall::callable_phone;
use crate::services::mfa::passkeys::PasskeyPurpose;
use crate::services::oidc::signin::{AMR_FLASHCALL, AMR_PASSWORD, SecondStep, SignedIn};
use crate::services::{Core, Origin};
use crate::types::User;

/// How long a second step may take, seconds.
pub const CHALLENGE_TTL: i64 = 300;

/// What a person gives in the second step.
#[derive(Debug, Clone, Copy)]
pub enum Proof<'a> {
    /// An authenticator's code or a recovery code.
    Code(&'a str),
    /// The PIN of the call "Call me" placed, and that call's token.
    Pin { pin: &'a str, token: &'a str },
    /// The password, after a FlashCall PIN.
    Password(&'a str),
    /// A passkey's answer (`PublicKeyCredential.toJSON()`) to the options the page carried.
    Passkey(&'a str),
}

impl Core {
    /// A challenge for `user_id`, who passed `first_amr` (`pwd` or `tel`) in the browser whose
    /// CSRF token is `csrf`, for the authorization request `flow`.
    pub(crate) async fn second_step_challenge(
        &self,
        user_id: i64,
        first_amr: &str,
        flow: &str,
        csrf: &str,
    ) -> Result<String> {
        let expires = self.now() + CHALLENGE_TTL;
        let mac = self.challenge_mac(user_id, first_amr, expires, flow, csrf).await?;
        Ok(format!("{user_id}.{first_amr}.{expires}.{mac}"))
    }

    /// The second step of `user`, who passed `first_amr`: the ways it offers.
    pub(crate) async fn second_step_of(&self, user: &User, first_amr: &str, challenge: String) -> Result<SecondStep> {
        let state = self.mfa_state(user.id).await?;
        let call = match first_amr {
            AMR_PASSWORD => callable_phone(user, state.flashcall),
            _ => None,
        };
        let passkey = match state.passkeys > 0 {
            true => Some(self.passkey_options(Some(user.id), PasskeyPurpose::Second).await?),
            false => None,
        };
        Ok(SecondStep {
            challenge,
            passkey,
            app: state.totp,
            recovery: state.recovery_left > 0,
            call,
            password: first_amr == AMR_FLASHCALL,
        })
    }

    /// The person and first factor of a challenge good for this browser and request; else
    /// `Unauthenticated` (the page starts again).
    async fn challenged(&self, challenge: &str, csrf: &str, flow: &str) -> Result<(User, String)> {
        let (user_id, first_amr) = self.challenge_of(challenge, csrf, flow).await?.ok_or(Error::Unauthenticated)?;
        let user = self.user_by_id(user_id).await?.ok_or(Error::Unauthenticated)?;
        Ok((user, first_amr))
    }

    /// The second step a challenge stands for, to show its page again.
    pub async fn browser_second_step(&self, challenge: &str, csrf: &str, flow: &str) -> Result<SecondStep> {
        let (user, first_amr) = self.challenged(challenge, csrf, flow).await?;
        self.second_step_of(&user, &first_amr, challenge.to_owned()).await
    }

    /// "Call me" in a second step that offers it: calls the person's phone (the whole toll-fraud
    /// guard applies); answers the step and the call's verification token.
    pub async fn browser_second_call(
        &self,
        challenge: &str,
        csrf: &str,
        flow: &str,
        origin: &Origin,
    ) -> Result<(SecondStep, String)> {
        let (user, first_amr) = self.challenged(challenge, csrf, flow).await?;
        let step = self.second_step_of(&user, &first_amr, challenge.to_owned()).await?;
        if step.call.is_none() {
            return Err(Error::Unauthenticated);
        }
        let (_, token) = self.call_second_factor(&user, origin).await?;
        Ok((step, token))
    }

    /// The login page's second step: the challenge the first step gave this browser, and a
    /// proof it offers. A challenge that is not this browser's and request's, or expired, or a
    /// proof it does not offer, is `Unauthenticated` (the page starts again); a wrong proof is
    /// `Credential`.
    pub async fn browser_second_factor(
        &self,
        challenge: &str,
        proof: Proof<'_>,
        csrf: &str,
        flow: &str,
        origin: &Origin,
    ) -> Result<SignedIn> {
        let (user, first_amr) = self.challenged(challenge, csrf, flow).await?;
        let second = match proof {
            Proof::Code(code) => self.verify_second_factor(&user, code, origin).await?,
            Proof::Passkey(response) => {
                self.passkey_assertion(response, PasskeyPurpose::Second, Some(user.id), origin).await?.1
            }
            Proof::Pin { pin, token } if first_amr == AMR_PASSWORD => {
                self.verify_second_pin(&user, pin, token, origin).await?
            }
            Proof::Password(password) if first_amr == AMR_FLASHCALL => {
                self.password_as_second_factor(&user, password, Via::LOGIN_PAGE, origin).await?;
                AMR_PASSWORD
            }
            _ => return Err(Error::Unauthenticated),
        };
        self.open_browser_session(&user, &format!("{first_amr} {second}"), flow, origin).await
    }

    /// Who a challenge names and their first factor, if it is good for this browser and request.
    async fn challenge_of(&self, challenge: &str, csrf: &str, flow: &str) -> Result<Option<(i64, String)>> {
        let mut parts = challenge.splitn(4, '.');
        let (Some(user), Some(first), Some(expires), Some(mac)) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Ok(None);
        };
        let (Ok(user_id), Ok(expires)) = (user.parse::<i64>(), expires.parse::<i64>()) else { return Ok(None) };
        if !matches!(first, "pwd" | "tel") || expires <= self.now() || expires > self.now() + CHALLENGE_TTL {
            return Ok(None);
        }
        let right = self.challenge_mac(user_id, first, expires, flow, csrf).await?;
        Ok(equal(mac, &right).then(|| (user_id, first.to_owned())))
    }

    async fn challenge_mac(
        &self,
        user_id: i64,
        first_amr: &str,
        expires: i64,
        flow: &str,
        csrf: &str,
    ) -> Result<String> {
        let key = self.server_key().await?;
        let (user, expires) = (user_id.to_string(), expires.to_string());
        Ok(keyed_digest(key.as_bytes(), &["mfa second step", &user, first_amr, &expires, flow, csrf]))
    }
}
