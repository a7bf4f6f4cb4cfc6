//! Who an OAuth access token (a JWT) speaks for: checked by signature and claims, then against
//! its live session (so a revoked or logged-out JWT is refused although its signature is valid).

use super::Core;
use super::oauth::{KIND_OAUTH, KIND_OAUTH_APP};
use crate::error::{Error, Result};
use crate::secrets::digest;
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
}

impl Core {
    /// Checks an OAuth access token (JWT). Any failure is `Error::Unauthenticated`.
    pub async fn oauth_authenticate(&self, bearer: Option<&str>) -> Result<OAuthPrincipal> {
        let token = bearer.filter(|t| !t.is_empty() && t.len() <= 8192).ok_or(Error::Unauthenticated)?;
        let claims = self.verify_access_token(token, false).await.ok_or(Error::Unauthenticated)?;
        let key = digest(&claims.jti);
        let now = self.now();
        let found = self.live_session(&key, &[KIND_OAUTH, KIND_OAUTH_APP], now).await?.ok_or(Error::Unauthenticated)?;
        let (session, application) = (found.session, found.kind == KIND_OAUTH_APP);
        if session.user_id.to_string() != claims.sub {
            return Err(Error::Unauthenticated);
        }
        let user = self.user_by_id(session.user_id).await?.ok_or(Error::Unauthenticated)?;
        Ok(OAuthPrincipal { user, client_id: session.client_id, application, jti: claims.jti })
    }
}
