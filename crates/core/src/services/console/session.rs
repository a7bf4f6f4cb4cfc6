//! The console's sign-in and session. Sign-in is kordon's own code flow with PKCE for the
//! console client ([`Core::console_start`], then [`Core::console_exchange`] through the token
//! service itself, not over HTTP). The session is the access token that exchange issues: a JWT
//! bound to its session row, so logout, a disabled user, a password change or an operator's
//! revocation end it as they end every token. Each form of a session carries a CSRF token
//! derived from the session's secret (its `jti`), so it is bound to that session and no other.

use crate::error::{Error, Result};
use crate::secrets::{digest, equal, keyed_digest, random_token};
use crate::services::console::access::ConsoleOperator;
use crate::services::console::client::ConsoleClient;
use crate::services::oauth::{ClientCredentials, OAuthError, TokenRequest};
use crate::services::oidc::authorize::{GRANT_CODE, s256, with_query};
use crate::services::{Core, Origin};

/// A sign-in just begun: where to send the browser, and what the browser keeps until it comes
/// back (`state` and the PKCE verifier, in a short-lived cookie of the console's).
#[derive(Debug)]
pub struct ConsoleStart {
    pub authorize_url: String,
    pub state: String,
    pub verifier: String,
}

/// What the code exchange issued: the session's access token, and the ID token RP-initiated
/// logout presents as its hint.
#[derive(Debug)]
pub struct ConsoleTokens {
    pub access_token: String,
    pub id_token: Option<String>,
    /// Seconds the session lives (the access token's lifetime).
    pub expires_in: i64,
}

/// A live console session: who is signed in (already past [`Core::console_access`]) and the
/// CSRF token its forms carry.
#[derive(Debug, Clone)]
pub struct ConsoleSession {
    pub operator: ConsoleOperator,
    pub csrf: String,
    jti: String,
    client_id: i64,
}

/// `state` length and PKCE verifier length (RFC 7636: 43 to 128 characters).
const STATE_LEN: usize = 32;
const VERIFIER_LEN: usize = 64;

impl Core {
    /// Begins a sign-in: a fresh `state` and PKCE verifier, and the authorization request.
    pub fn console_start(&self, client: &ConsoleClient, locale: Option<&str>) -> ConsoleStart {
        let state = random_token(STATE_LEN);
        let verifier = random_token(VERIFIER_LEN);
        let challenge = s256(&verifier);
        let id = client.id.to_string();
        let mut params = vec![
            ("response_type", "code"),
            ("client_id", id.as_str()),
            ("redirect_uri", client.redirect_uri.as_str()),
            ("scope", "openid"),
            ("state", state.as_str()),
            ("code_challenge", challenge.as_str()),
            ("code_challenge_method", "S256"),
        ];
        if let Some(locale) = locale {
            params.push(("ui_locales", locale));
        }
        let authorize_url = with_query(&format!("{}/oauth/authorize", self.issuer()), &params);
        ConsoleStart { authorize_url, state, verifier }
    }

    /// Exchanges the code the console's callback received, with the verifier its sign-in kept,
    /// through the token service (the same checks as `POST /oauth/token`). A code that is not
    /// right is `Unauthenticated`.
    pub async fn console_exchange(
        &self,
        client: &ConsoleClient,
        code: &str,
        verifier: &str,
        origin: &Origin,
    ) -> Result<ConsoleTokens> {
        let request = TokenRequest {
            grant_type: Some(GRANT_CODE.to_owned()),
            client: ClientCredentials { id: Some(client.id.to_string()), secret: None },
            code: Some(code.to_owned()),
            redirect_uri: Some(client.redirect_uri.clone()),
            code_verifier: Some(verifier.to_owned()),
            ..TokenRequest::default()
        };
        match self.oauth_token(request, origin).await {
            Ok(issued) => Ok(ConsoleTokens {
                access_token: issued.access_token,
                id_token: issued.id_token,
                expires_in: issued.expires_in,
            }),
            Err(OAuthError::Core(err)) => Err(err),
            Err(other) => {
                tracing::info!(error = ?other, "a console sign-in's code was refused");
                Err(Error::Unauthenticated)
            }
        }
    }

    /// The console session an access token names: `Unauthenticated` when there is none (no
    /// token, expired, revoked, or another client's), `Forbidden` when its user may not use the
    /// console ([`Core::console_access`]).
    pub async fn console_session(&self, client: &ConsoleClient, token: Option<&str>) -> Result<ConsoleSession> {
        let principal = self.oauth_authenticate(token).await?;
        if principal.client_id != client.id || principal.application {
            return Err(Error::Unauthenticated);
        }
        let csrf = csrf_of(&principal.jti);
        let operator = self.console_access(principal.user)?;
        Ok(ConsoleSession { operator, csrf, jti: principal.jti, client_id: client.id })
    }

    /// Ends the session of a console access token whatever its user may do (a sign-in the
    /// access rule refused is not kept).
    pub async fn console_discard(&self, client: &ConsoleClient, token: &str) -> Result<()> {
        let principal = self.oauth_authenticate(Some(token)).await?;
        if self.store.revoke_token(&digest(&principal.jti), client.id, self.now()).await? {
            self.forget().await;
        }
        Ok(())
    }

    /// Whether a form's CSRF field is its session's (compared in constant time).
    pub fn console_csrf_ok(&self, session: &ConsoleSession, field: Option<&str>) -> bool {
        field.is_some_and(|f| equal(f, &session.csrf))
    }

    /// Ends the console session (its session row: the access token dies at once here and within
    /// 250 ms on every other instance).
    pub async fn console_sign_out(&self, session: &ConsoleSession) -> Result<()> {
        if self.store.revoke_token(&digest(&session.jti), session.client_id, self.now()).await? {
            self.forget().await;
        }
        Ok(())
    }
}

/// The CSRF token of a session: an HMAC keyed by the session's secret `jti` (which only the
/// session's cookie carries), so a page's token says nothing about the session and fits no other.
fn csrf_of(jti: &str) -> String {
    keyed_digest(jti.as_bytes(), &["kordon console csrf"])
}

#[cfg(test)]
mod tests {
    use super::csrf_of;

    #[test]
    fn each_session_has_its_own_csrf_token() {
        assert_eq!(csrf_of("a"), csrf_of("a"));
        assert_ne!(csrf_of("a"), csrf_of("b"));
        assert_eq!(csrf_of("a").len(), 64);
    }
}
