//! A first-party client's sign-in and session. Sign-in is kordon's own code flow with PKCE
//! ([`Core::first_party_start`], then [`Core::first_party_exchange`] through the token service
//! itself, not over HTTP). The session is the access token that exchange issues: a JWT bound to
//! its session row, so logout, a disabled user, a password change or an operator's revocation
//! end it as they end every token. Each form of a session carries a CSRF token derived from the
//! session's secret (its `jti`), so it is bound to that session and no other.

use crate::error::{Error, Result};
use crate::secrets::{digest, equal, keyed_digest, random_token};
use crate::services::first_party::client::FirstPartyClient;
use crate::services::oauth::{ClientCredentials, OAuthError, TokenRequest};
use crate::services::oidc::authorize::{GRANT_CODE, s256, with_query};
use crate::services::{Core, Origin};
use crate::types::User;

/// A sign-in just begun: where to send the browser, and what the browser keeps until it comes
/// back (`state` and the PKCE verifier, in a short-lived cookie of the page family's).
#[derive(Debug)]
pub struct FirstPartyStart {
    pub authorize_url: String,
    pub state: String,
    pub verifier: String,
}

/// What the code exchange issued: the session's access token, and the ID token RP-initiated
/// logout presents as its hint.
#[derive(Debug)]
pub struct FirstPartyTokens {
    pub access_token: String,
    pub id_token: Option<String>,
    /// Seconds the session lives (the access token's lifetime).
    pub expires_in: i64,
}

/// A live first-party session: who is signed in and the CSRF token its forms carry. Whether
/// they may use the page family is that family's rule, checked after.
#[derive(Debug, Clone)]
pub struct FirstPartySession {
    pub user: User,
    pub csrf: String,
    jti: String,
    client_id: i64,
}

impl FirstPartySession {
    /// The digest the session's row is found by (its access token's `jti`).
    pub fn access_digest(&self) -> String {
        digest(&self.jti)
    }
}

/// `state` length and PKCE verifier length (RFC 7636: 43 to 128 characters).
const STATE_LEN: usize = 32;
const VERIFIER_LEN: usize = 64;

impl Core {
    /// Begins a sign-in: a fresh `state` and PKCE verifier, and the authorization request.
    pub fn first_party_start(&self, client: &FirstPartyClient, locale: Option<&str>) -> FirstPartyStart {
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
        FirstPartyStart { authorize_url, state, verifier }
    }

    /// Exchanges the code the callback received, with the verifier its sign-in kept,
    /// through the token service (the same checks as `POST /oauth/token`). A code that is not
    /// right is `Unauthenticated`.
    pub async fn first_party_exchange(
        &self,
        client: &FirstPartyClient,
        code: &str,
        verifier: &str,
        origin: &Origin,
    ) -> Result<FirstPartyTokens> {
        let request = TokenRequest {
            grant_type: Some(GRANT_CODE.to_owned()),
            client: ClientCredentials { id: Some(client.id.to_string()), secret: None },
            code: Some(code.to_owned()),
            redirect_uri: Some(client.redirect_uri.clone()),
            code_verifier: Some(verifier.to_owned()),
            ..TokenRequest::default()
        };
        match self.oauth_token(request, origin).await {
            Ok(issued) => Ok(FirstPartyTokens {
                access_token: issued.access_token,
                id_token: issued.id_token,
                expires_in: issued.expires_in,
            }),
            Err(OAuthError::Core(err)) => Err(err),
            Err(other) => {
                tracing::info!(error = ?other, "a first-party sign-in's code was refused");
                Err(Error::Unauthenticated)
            }
        }
    }

    /// The session an access token names: `Unauthenticated` when there is none (no token,
    /// expired, revoked, or another client's).
    pub async fn first_party_session(
        &self,
        client: &FirstPartyClient,
        token: Option<&str>,
    ) -> Result<FirstPartySession> {
        let principal = self.oauth_authenticate(token).await?;
        if principal.client_id != client.id || principal.application {
            return Err(Error::Unauthenticated);
        }
        let csrf = csrf_of(&principal.jti);
        Ok(FirstPartySession { user: principal.user, csrf, jti: principal.jti, client_id: client.id })
    }

    /// Ends the session of an access token whatever its user may do (a sign-in the page
    /// family's rule refused is not kept).
    pub async fn first_party_discard(&self, client: &FirstPartyClient, token: &str) -> Result<()> {
        let principal = self.oauth_authenticate(Some(token)).await?;
        if self.store.revoke_token(&digest(&principal.jti), client.id, self.now()).await? {
            self.forget().await;
        }
        Ok(())
    }

    /// Whether a form's CSRF field is its session's (compared in constant time).
    pub fn first_party_csrf_ok(&self, session: &FirstPartySession, field: Option<&str>) -> bool {
        field.is_some_and(|f| equal(f, &session.csrf))
    }

    /// Ends the session (its session row: the access token dies at once here and within
    /// 250 ms on every other instance).
    pub async fn first_party_sign_out(&self, session: &FirstPartySession) -> Result<()> {
        if self.store.revoke_token(&digest(&session.jti), session.client_id, self.now()).await? {
            self.forget().await;
        }
        Ok(())
    }
}

/// The CSRF token of a session: an HMAC keyed by the session's secret `jti` (which only the
/// session's cookie carries), so a page's token says nothing about the session and fits no other.
fn csrf_of(jti: &str) -> String {
    keyed_digest(jti.as_bytes(), &["kordon first-party csrf"])
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
