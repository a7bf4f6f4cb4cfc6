//! The login page's second step. After a right first factor, a person with a second factor gets
//! a challenge instead of a sign-in: a token that says who passed which first factor, until
//! when, MACed with the server-wide key and bound to the browser's CSRF cookie and to the
//! authorization request, so it is good for that browser and that request only, on any instance,
//! for [`CHALLENGE_TTL`]. It proves the first factor and nothing more: the sign-in is made only
//! when a second-factor code is right (each code works once, and wrong ones are capped per
//! person and per host by the Defender), so no table is needed to make it single-use.

use crate::error::{Error, Result};
use crate::secrets::{equal, keyed_digest};
use crate::services::oidc::signin::SignedIn;
use crate::services::{Core, Origin};

/// How long a second step may take, seconds.
pub const CHALLENGE_TTL: i64 = 300;

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

    /// The login page's second step: the challenge the first step gave this browser, and a code.
    /// A challenge that is not this browser's and request's, or expired, is `Unauthenticated`
    /// (the page starts again); a wrong code is `Credential` (field `otp`).
    pub async fn browser_second_factor(
        &self,
        challenge: &str,
        code: &str,
        csrf: &str,
        flow: &str,
        origin: &Origin,
    ) -> Result<SignedIn> {
        let (user_id, first_amr) = self.challenge_of(challenge, csrf, flow).await?.ok_or(Error::Unauthenticated)?;
        let user = self.user_by_id(user_id).await?.ok_or(Error::Unauthenticated)?;
        let second = self.verify_second_factor(&user, code, origin).await?;
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
