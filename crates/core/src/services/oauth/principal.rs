//! Who an OAuth access token (a JWT) speaks for: checked by signature and claims, then against
//! its live session (so a revoked or logged-out JWT is refused although its signature is valid),
//! or, for an application's row-less client_credentials token, against what can end it: its
//! `jti` revoked, its client gone (or no longer allowed the grant, or owned by someone else), its
//! owner gone, disabled or with every session ended since (the owner's token generation moved).

use crate::claims::{Claims, GTY_APP};
use crate::error::{Error, Result};
use crate::secrets::digest;
use crate::services::Core;
use crate::services::oauth::scopes::scope_has;
use crate::services::oauth::{KIND_OAUTH, KIND_OAUTH_APP};
use crate::types::User;

/// The bearer of a valid OAuth access token.
#[derive(Debug, Clone)]
pub struct OAuthPrincipal {
    /// The user the token acts for: the signed-in user (password grant) or the application's
    /// owner (client_credentials).
    pub user: User,
    /// The client the token was issued to.
    pub client_id: i64,
    /// True for a client_credentials token (an application acting for its owner).
    pub application: bool,
    pub jti: String,
    /// The scopes the token carries (space-separated; empty outside the code flow).
    pub scope: String,
}

impl OAuthPrincipal {
    /// A token of the authorization code flow: it carries the scopes the user consented to
    /// (never none), and only what those scopes name accepts it. Password and client_credentials
    /// tokens carry no scope and stay the dialects' full bearers.
    pub fn delegated(&self) -> bool {
        !self.scope.is_empty()
    }

    pub fn has_scope(&self, scope: &str) -> bool {
        scope_has(&self.scope, scope)
    }
}

impl Core {
    /// Checks an OAuth access token (JWT). Any failure is `Error::Unauthenticated`.
    pub async fn oauth_authenticate(&self, bearer: Option<&str>) -> Result<OAuthPrincipal> {
        let token = bearer.filter(|t| !t.is_empty() && t.len() <= 8192).ok_or(Error::Unauthenticated)?;
        let claims = self.verify_access_token(token, false).await.ok_or(Error::Unauthenticated)?;
        if claims.is_app_token() {
            let (user, client_id) = self.live_app_token(&claims).await?.ok_or(Error::Unauthenticated)?;
            return Ok(OAuthPrincipal { user, client_id, application: true, jti: claims.jti, scope: claims.scope });
        }
        let key = digest(&claims.jti);
        let now = self.now();
        let found = self.live_session(&key, &[KIND_OAUTH, KIND_OAUTH_APP], now).await?.ok_or(Error::Unauthenticated)?;
        let (session, application) = (found.session, found.kind == KIND_OAUTH_APP);
        if session.user_id.to_string() != claims.sub {
            return Err(Error::Unauthenticated);
        }
        let user = self.user_by_id(session.user_id).await?.ok_or(Error::Unauthenticated)?;
        Ok(OAuthPrincipal { user, client_id: session.client_id, application, jti: claims.jti, scope: claims.scope })
    }

    /// The owner and client of a live row-less application token (its claims already verified).
    pub(crate) async fn live_app_token(&self, claims: &Claims) -> Result<Option<(User, i64)>> {
        let (Some(generation), Ok(client_id)) = (claims.generation, claims.client_id.parse::<i64>()) else {
            return Ok(None);
        };
        let Some(client) = self.client_by_id(client_id).await? else { return Ok(None) };
        let owner = client.owner_user_id.filter(|owner| owner.to_string() == claims.sub);
        let Some(owner) = owner.filter(|_| client.allows(GTY_APP)) else { return Ok(None) };
        let Some(user) = self.user_by_id(owner).await? else { return Ok(None) };
        if user.token_generation != generation || self.jti_revoked(&claims.jti).await? {
            return Ok(None);
        }
        Ok(Some((user, client_id)))
    }
}
