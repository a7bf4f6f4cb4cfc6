//! `POST /oauth/introspect` (RFC 7662): what a token is, as a typed answer the dialect serializes
//! as it stands.

use super::{ClientCredentials, KIND_OAUTH, KIND_OAUTH_APP, OAuthError, OAuthResult, required};
use crate::secrets::digest;
use crate::services::{Core, Origin};
use crate::types::TokenInfo;
use serde::Serialize;

/// Which token was introspected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IntrospectedType {
    AccessToken,
    RefreshToken,
}

/// RFC 7662 §2.2: `{"active":false}` for an unknown, expired or revoked token, one that is not an
/// OAuth token, or one of another account's users (for a tenant's client); otherwise what it is.
/// `scope`, `aud` and `jti` are an access token's. Members serialize in this order; absent ones
/// are left out, and `username` is null when the user is gone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Introspection {
    pub active: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// The client the token was issued to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// The user's email: `Some(None)` (null) when the user is gone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_type: Option<IntrospectedType>,
    /// Expiry, Unix seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exp: Option<i64>,
    /// Issue time, Unix seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iat: Option<i64>,
    /// The user's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub: Option<String>,
    /// The audience: the client's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aud: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iss: Option<String>,
    /// The access token's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jti: Option<String>,
}

impl Introspection {
    /// `{"active":false}`.
    pub fn inactive() -> Self {
        Self {
            active: false,
            scope: None,
            client_id: None,
            username: None,
            token_type: None,
            exp: None,
            iat: None,
            sub: None,
            aud: None,
            iss: None,
            jti: None,
        }
    }
}

impl Core {
    /// `POST /oauth/introspect` (RFC 7662): what the token is, or `{"active": false}`. Only a
    /// client the operator allowed to introspect may ask (others: 403); one with an owner (a
    /// tenant's application) sees only tokens of its owner's account, every other token is inactive.
    pub async fn oauth_introspect(
        &self,
        creds: &ClientCredentials,
        token: Option<&str>,
        origin: &Origin,
    ) -> OAuthResult<Introspection> {
        let client = self.authenticate_client_from(creds, origin).await?;
        if !client.introspect {
            return Err(OAuthError::Forbidden("The client may not introspect tokens.".into()));
        }
        let token = required(token, "token")?;
        let inactive = Introspection::inactive();
        let claims = self.verify_access_token(token, false).await;
        if claims.is_none() && token.contains('.') {
            return Ok(inactive);
        }
        let (info, user) = match &claims {
            Some(claims) if claims.is_app_token() => match self.live_app_token(claims).await? {
                Some((owner, client_id)) => {
                    let info = TokenInfo {
                        user_id: owner.id,
                        client_id,
                        kind: KIND_OAUTH_APP.into(),
                        refresh: false,
                        expires: claims.exp,
                        issued: claims.iat,
                    };
                    (info, Some(owner))
                }
                None => return Ok(inactive),
            },
            _ => {
                let key = claims.as_ref().map_or_else(|| digest(token), |claims| digest(&claims.jti));
                let Some(info) = self.store.token_info(&key, self.now()).await? else { return Ok(inactive) };
                // Only OAuth's own tokens are described; cabinet and PBX sessions are not for
                // resource servers.
                if info.kind != KIND_OAUTH && info.kind != KIND_OAUTH_APP {
                    return Ok(inactive);
                }
                let user = self.store.user(info.user_id).await?;
                (info, user)
            }
        };
        if let Some(owner) = client.owner_user_id {
            let own_account = self.store.user(owner).await?.map(|o| o.account_id);
            if own_account.is_none() || own_account != user.as_ref().map(|u| u.account_id) {
                return Ok(inactive);
            }
        }
        let (scope, aud, jti) = match claims {
            Some(claims) => (Some(claims.scope), Some(claims.aud), Some(claims.jti)),
            None => (None, None, None),
        };
        let answer = Introspection {
            active: true,
            scope,
            client_id: Some(info.client_id.to_string()),
            username: Some(user.map(|u| u.email)),
            token_type: Some(if info.refresh { IntrospectedType::RefreshToken } else { IntrospectedType::AccessToken }),
            exp: Some(info.expires),
            iat: Some(info.issued),
            sub: Some(info.user_id.to_string()),
            aud,
            iss: Some(self.issuer().to_owned()),
            jti,
        };
        Ok(answer)
    }
}
