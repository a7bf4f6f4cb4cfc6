//! The token side of OpenID Connect: the authorization code grant (RFC 6749 §4.1.3 with RFC 7636
//! PKCE), the ID token (OIDC Core §2, §3.1.3.6), UserInfo (§5.3) and RP-initiated logout (OIDC
//! RP-Initiated Logout 1.0).

use crate::durations::after;
use crate::secrets::{digest, equal, random_token};
use crate::services::oauth::scopes::scope_has;
use crate::services::oauth::{OAuthError, TokenRequest, required};
use crate::services::oidc::authorize::{pkce_shaped, s256};
use crate::services::oidc::{ACR_1FA, ACR_MFA, two_factors};
use crate::services::sessions::TOKEN_LEN;
use crate::services::{Core, IssuedToken, Origin};
use crate::types::{Client, User};
use jsonwebtoken::{Algorithm, Header};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

type OAuthResult<T> = Result<T, OAuthError>;

/// The claims of an ID token (OIDC Core §2), with the user's claims of the granted scopes.
#[derive(Debug, Serialize, Deserialize)]
struct IdClaims {
    iss: String,
    sub: String,
    aud: String,
    exp: i64,
    iat: i64,
    auth_time: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    nonce: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    at_hash: Option<String>,
    #[serde(default)]
    amr: Vec<String>,
    /// `urn:kordon:acr:mfa` when two factors signed the person in, else `urn:kordon:acr:1fa`.
    #[serde(default)]
    acr: String,
    azp: String,
    #[serde(flatten)]
    user: Map<String, Value>,
}

/// What an RP-initiated logout request comes to.
#[derive(Debug, PartialEq, Eq)]
pub struct LogoutPlan {
    /// A valid `id_token_hint` of the signed-in user, from this sign-in or not yet expired (and of
    /// the client `client_id` names, if any): sign out without asking.
    pub hinted: bool,
    /// Where the browser goes once signed out.
    pub then: LoggedOut,
}

/// Where RP-initiated logout sends the browser.
#[derive(Debug, PartialEq, Eq)]
pub enum LoggedOut {
    /// To the client's registered post-logout redirect URI (with `state`).
    Redirect(String),
    /// Nowhere given (or nowhere valid): kordon's own "signed out" page.
    Page,
}

fn invalid_grant(message: &str) -> OAuthError {
    OAuthError::InvalidGrant(message.to_owned())
}

/// The user's claims a set of scopes releases (OIDC Core §5.4).
pub fn user_claims(user: &User, scope: &str) -> Map<String, Value> {
    let mut claims = Map::new();
    let has = |s: &str| scope_has(scope, s);
    if has("email") {
        claims.insert("email".into(), json!(user.email));
        // True once the person followed a link mailed to the address (account page, reset).
        claims.insert("email_verified".into(), json!(user.email_verified));
    }
    if let Some(phone) = user.phone.as_ref().filter(|_| has("phone")) {
        claims.insert("phone_number".into(), json!(format!("+{phone}")));
        // Registration proves the phone with a FlashCall; an operator vouches for one set by hand.
        claims.insert("phone_number_verified".into(), json!(true));
    }
    if has("profile") {
        let parts = [&user.first_name, &user.middle_name, &user.last_name];
        let name: Vec<&str> = parts.iter().filter_map(|p| p.as_deref()).filter(|p| !p.is_empty()).collect();
        if !name.is_empty() {
            claims.insert("name".into(), json!(name.join(" ")));
        }
        for (claim, value) in
            [("given_name", &user.first_name), ("middle_name", &user.middle_name), ("family_name", &user.last_name)]
        {
            if let Some(v) = value.as_deref().filter(|v| !v.is_empty()) {
                claims.insert(claim.into(), json!(v));
            }
        }
    }
    claims
}

/// `at_hash`: the left half of SHA-256 of the access token, base64url (OIDC Core §3.1.3.6).
fn at_hash(access_token: &str) -> String {
    use base64::Engine;
    use sha2::Digest;
    let hash = sha2::Sha256::digest(access_token.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&hash[..16])
}

impl Core {
    /// `grant_type=authorization_code`: the code, spent once, for the client and redirect URI it
    /// was issued to, with the PKCE verifier of its challenge. A second use revokes what the
    /// first one issued (RFC 6749 §4.1.2).
    pub(crate) async fn code_grant(
        &self,
        client: &Client,
        req: &TokenRequest,
        origin: &Origin,
    ) -> OAuthResult<IssuedToken> {
        let code = required(req.code.as_deref(), "code")?;
        let redirect_uri = required(req.redirect_uri.as_deref(), "redirect_uri")?;
        let invalid = || invalid_grant("The authorization code is invalid.");
        let key = digest(code);
        let Some(stored) = self.store.code(&key).await? else {
            return Err(self.spent_code(&key, client, origin).await?);
        };
        if stored.client_id != client.id || stored.expires_at <= self.now() {
            return Err(invalid());
        }
        if stored.redirect_uri != redirect_uri {
            return Err(invalid_grant("The redirect_uri is not the one of the authorization request."));
        }
        match (&stored.code_challenge, req.code_verifier.as_deref().filter(|v| !v.is_empty())) {
            (Some(challenge), Some(verifier)) if pkce_shaped(verifier) && equal(&s256(verifier), challenge) => {}
            (Some(_), None) => return Err(invalid_grant("The code_verifier parameter is required.")),
            (Some(_), Some(_)) => return Err(invalid_grant("The code_verifier does not match the code_challenge.")),
            (None, Some(_)) => return Err(invalid_grant("The authorization request had no code_challenge.")),
            (None, None) => {}
        }
        let user = self.user_by_id(stored.user_id).await?.ok_or_else(invalid)?;
        let tokens = (random_token(TOKEN_LEN), random_token(TOKEN_LEN));
        let ((mut session, jti), refresh) =
            self.oauth_session(user.id, client, random_token(TOKEN_LEN), tokens, &stored.scope, origin);
        // A refresh token outlives the user's presence: only for `offline_access`, asked for and
        // granted (OIDC Core §11), and only to a client holding the refresh grant (it could
        // never use one otherwise). Without one the family ends with its access token (and is
        // listed no longer, as on the person's account page).
        let refreshable = client.allows("refresh_token") && scope_has(&stored.scope, "offline_access");
        if !refreshable {
            session.refresh_expires = session.access_expires;
        }
        if !self.store.redeem_code(&key, &session, self.now()).await? {
            return Err(self.spent_code(&key, client, origin).await?); // another exchange won the race
        }
        crate::metrics::token_issued("authorization_code");
        self.audit_token(crate::audit::kind::TOKEN_ISSUED, "authorization_code", &user, Some(client.id), Some(origin));
        let access_token =
            self.sign_access_token(user.id, client, &jti, session.access_expires, &stored.scope, None).await?;
        let id_token = match scope_has(&stored.scope, "openid") {
            true => Some(self.sign_id_token(&user, client, &stored, &access_token).await?),
            false => None,
        };
        Ok(IssuedToken {
            access_token,
            expires_in: self.access_ttl(client),
            refresh_token: refreshable.then_some(refresh),
            id_token,
            scope: Some(stored.scope),
        })
    }

    /// A code that is not (or no longer) redeemable. One spent before revokes what it was
    /// exchanged for (RFC 6749 §4.1.2): someone holds a copy. One never issued writes nothing.
    async fn spent_code(&self, key: &str, client: &Client, origin: &Origin) -> OAuthResult<OAuthError> {
        if let Some(family) = self.store.spent_code_family(key).await? {
            tracing::warn!("an authorization code was presented again: its tokens are revoked");
            self.store.revoke_family(&family, self.now()).await?;
            self.forget().await;
            let event = crate::audit::AuditEvent::new(crate::audit::kind::TOKEN_REUSE, crate::audit::FAILURE)
                .client(client.id)
                .method("authorization_code")
                .origin(origin)
                .reason("code_reuse")
                .detail(&serde_json::json!({ "family": family }));
            self.audit(event);
        }
        Ok(invalid_grant("The authorization code is invalid."))
    }

    async fn sign_id_token(
        &self,
        user: &User,
        client: &Client,
        code: &crate::oidc_types::AuthorizationCode,
        access_token: &str,
    ) -> crate::Result<String> {
        let key = self.signing_key().await?;
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(key.kid.clone());
        let now = self.now();
        let claims = IdClaims {
            iss: self.issuer().to_owned(),
            sub: user.id.to_string(),
            aud: client.id.to_string(),
            exp: after(now, self.access_ttl(client)),
            iat: now,
            auth_time: code.auth_time,
            nonce: code.nonce.clone(),
            at_hash: Some(at_hash(access_token)),
            amr: amr_claim(&code.amr),
            acr: acr_of(&code.amr).to_owned(),
            azp: client.id.to_string(),
            user: user_claims(user, &code.scope),
        };
        crate::jws::sign_rs256(&header, &claims, &key.signer)
    }

    /// UserInfo (OIDC Core §5.3): `sub` and the claims of the scopes the access token carries.
    /// Only a token of the code flow with `openid` has any; others are `Unauthenticated`.
    pub async fn userinfo(&self, bearer: Option<&str>) -> crate::Result<Map<String, Value>> {
        let principal = self.oauth_authenticate(bearer).await?;
        if !principal.has_scope("openid") {
            return Err(crate::Error::insufficient_scope("The access token was not issued with the openid scope."));
        }
        let mut claims = user_claims(&principal.user, &principal.scope);
        claims.insert("sub".into(), json!(principal.user.id.to_string()));
        Ok(claims)
    }

    /// RP-initiated logout, before anything ends: whether the `id_token_hint` shows that a client
    /// of the signed-in user asked for it — one of kordon's ID tokens whose `sub` is that user's,
    /// issued to the client `client_id` names (if it names one), and either unexpired or issued
    /// during this very sign-in (RP-Initiated Logout §2 lets an expired one count while its
    /// session lives). Anything else, an attacker's own valid ID token included, and the user is
    /// asked first, so a link from anywhere cannot sign anyone out. Then where the browser goes:
    /// `post_logout_redirect_uri` only when it is registered for the client the hint or
    /// `client_id` names.
    pub async fn logout_plan(
        &self,
        signed_in: Option<&crate::oidc_types::LoginSession>,
        id_token_hint: Option<&str>,
        client_id: Option<&str>,
        post_logout_redirect_uri: Option<&str>,
        state: Option<&str>,
    ) -> crate::Result<LogoutPlan> {
        let hint = match id_token_hint.filter(|t| !t.is_empty()) {
            Some(hint) => match self.id_token_hint(hint).await {
                Some(claims) => Some(claims),
                None => return Ok(LogoutPlan { hinted: false, then: LoggedOut::Page }),
            },
            None => None,
        };
        let named = client_id.and_then(|c| c.trim().parse::<i64>().ok());
        let now = self.now();
        let hinted = match (&hint, signed_in) {
            (Some((aud, claims)), Some(session)) => {
                claims.sub == session.user_id.to_string()
                    && named.is_none_or(|named| named == *aud)
                    && (claims.exp > now || claims.auth_time >= session.auth_time)
            }
            _ => false,
        };
        let audience = hint.map(|(aud, _)| aud);
        let then = self.after_logout(audience, client_id, post_logout_redirect_uri, state).await?;
        Ok(LogoutPlan { hinted, then })
    }

    async fn after_logout(
        &self,
        hinted: Option<i64>,
        client_id: Option<&str>,
        post_logout_redirect_uri: Option<&str>,
        state: Option<&str>,
    ) -> crate::Result<LoggedOut> {
        let named = client_id.and_then(|c| c.trim().parse::<i64>().ok());
        let client_id = match (hinted, named) {
            (Some(a), Some(b)) if a != b => return Ok(LoggedOut::Page),
            (Some(id), _) | (None, Some(id)) => id,
            (None, None) => return Ok(LoggedOut::Page),
        };
        let Some(uri) = post_logout_redirect_uri.filter(|u| !u.is_empty()) else { return Ok(LoggedOut::Page) };
        let Some(client) = self.client_by_id(client_id).await? else { return Ok(LoggedOut::Page) };
        if !client.post_logout_redirect_uris.iter().any(|r| r == uri) {
            return Ok(LoggedOut::Page);
        }
        let params: Vec<(&str, &str)> = state.filter(|s| !s.is_empty()).map(|s| ("state", s)).into_iter().collect();
        Ok(LoggedOut::Redirect(crate::services::oidc::authorize::with_query(uri, &params)))
    }

    /// An ID token of this issuer and the client it was issued to (its signature checked, its
    /// expiry not: a hint may be old).
    /// The `sub` of an `id_token_hint` at the authorization endpoint (checked as at logout).
    pub(crate) async fn hinted_sub(&self, token: &str) -> Option<String> {
        self.id_token_hint(token).await.map(|(_, claims)| claims.sub)
    }

    async fn id_token_hint(&self, token: &str) -> Option<(i64, IdClaims)> {
        let header = jsonwebtoken::decode_header(token).ok()?;
        if header.alg != Algorithm::RS256 {
            return None;
        }
        let claims: IdClaims = self.signed_claims(token, header.kid.as_deref(), &["iss", "sub", "aud"]).await?;
        Some((claims.aud.parse().ok()?, claims))
    }
}

/// The `acr` claim of a sign-in's methods.
fn acr_of(stored: &str) -> &'static str {
    if two_factors(stored) { ACR_MFA } else { ACR_1FA }
}

/// The `amr` claim of a sign-in's methods (stored space-separated, first factor first): each
/// method, and `mfa` when there are two (RFC 8176).
fn amr_claim(stored: &str) -> Vec<String> {
    let mut amr: Vec<String> = stored.split_whitespace().map(str::to_owned).collect();
    if two_factors(stored) && !amr.iter().any(|m| m == "mfa") {
        amr.push("mfa".to_owned());
    }
    amr
}
