//! The OAuth 2 token service (RFC 6749): client authentication, the password, client_credentials
//! and refresh_token grants, and RFC 7662 introspection and RFC 7009 revocation. Access tokens are
//! RS256 JWTs (RFC 9068). A user's token (password, refresh_token grants) is bound to a session
//! row, so revoking the session kills the JWT; an application's client_credentials token has no
//! row at all (issuing one writes nothing) and is ended by a revocation list and its owner's token
//! generation instead (see `principal`).

pub(crate) mod applications;
pub(crate) mod discovery;
pub(crate) mod introspection;
pub(crate) mod key_seal;
pub(crate) mod keys;
pub(crate) mod principal;
pub(crate) mod scopes;

use crate::audit::kind::TOKEN_ISSUED;
use crate::audit::{AuditEvent, SUCCESS};
use crate::claims::{Claims, GTY_APP};
use crate::durations::after;
use crate::error::Error;
use crate::secrets::{digest, random_token};
use crate::services::sessions::TOKEN_LEN;
use crate::services::{Core, Origin};
use crate::types::{Client, Email, NewSession, Rotation, User};
use jsonwebtoken::{Algorithm, Header};

/// Session kinds of OAuth tokens.
pub const KIND_OAUTH: &str = "oauth";
pub const KIND_OAUTH_APP: &str = "oauth-app";

/// RFC 6749 §5.2 errors, plus the core's own (busy, blocked, internal).
#[derive(Debug)]
pub enum OAuthError {
    InvalidRequest(String),
    InvalidClient,
    InvalidGrant(String),
    UnauthorizedClient(String),
    UnsupportedGrantType,
    /// An authenticated client asked for what it may not do (403).
    Forbidden(String),
    Core(Error),
}

impl From<Error> for OAuthError {
    fn from(err: Error) -> Self {
        match err {
            Error::Validation { message, .. } => Self::InvalidRequest(message),
            Error::Credential { .. } => Self::InvalidGrant("The user credentials were incorrect.".into()),
            Error::AppPasswordRequired { page } => Self::InvalidGrant(format!(
                "This user signs in with a second factor, which the password grant cannot take: use an app \
                 password from {page} as the password, or the authorization code flow."
            )),
            other => Self::Core(other),
        }
    }
}

impl From<crate::ports::StoreError> for OAuthError {
    fn from(err: crate::ports::StoreError) -> Self {
        Self::Core(err.into())
    }
}

type OAuthResult<T> = Result<T, OAuthError>;

/// Client credentials as presented (HTTP Basic or the body); `id` may have been a JSON number.
#[derive(Debug, Default, Clone)]
pub struct ClientCredentials {
    pub id: Option<String>,
    pub secret: Option<String>,
}

/// A token request, still unvalidated.
#[derive(Debug, Default)]
pub struct TokenRequest {
    pub grant_type: Option<String>,
    pub client: ClientCredentials,
    pub username: Option<String>,
    pub password: Option<String>,
    pub refresh_token: Option<String>,
    /// The authorization code grant's parameters.
    pub code: Option<String>,
    pub redirect_uri: Option<String>,
    pub code_verifier: Option<String>,
}

/// A token response (`token_type` is always Bearer).
#[derive(Debug)]
pub struct IssuedToken {
    pub access_token: String,
    pub expires_in: i64,
    pub refresh_token: Option<String>,
    /// The OpenID Connect ID token (the code grant with the `openid` scope).
    pub id_token: Option<String>,
    /// The scopes granted, when the grant had any.
    pub scope: Option<String>,
}

impl Core {
    /// `iss` of every token, the discovery document and RFC 9207's `iss` parameter: one spelling
    /// (no trailing slash), however the operator wrote it.
    pub fn issuer(&self) -> &str {
        self.settings.oauth.issuer.trim_end_matches('/')
    }

    /// Authenticates a client by its secret (a SHA-256 digest compared in constant time); every
    /// failure is `invalid_client`.
    pub async fn authenticate_client(&self, creds: &ClientCredentials) -> OAuthResult<Client> {
        let id = creds.id.as_deref().map(str::trim).filter(|i| !i.is_empty()).ok_or(OAuthError::InvalidClient)?;
        let secret = creds.secret.as_deref().filter(|s| !s.is_empty() && s.len() <= 256);
        let id: i64 = id.parse().map_err(|_| OAuthError::InvalidClient)?;
        let cache = &self.cache;
        let stored = cache.through(&cache.secret_digests, &id, self.store.client_secret_hash(id)).await?;
        let stored = stored.filter(|h| !h.is_empty());
        match (stored, secret) {
            (Some(stored), Some(secret)) if crate::secrets::equal(&digest(secret), &stored) => {}
            // Secrets stored by earlier builds as argon2id hashes: checked once, then re-stored as a
            // digest. Only an existing client's id gets here, so made-up ids queue no hashing.
            (Some(stored), Some(secret)) if stored.starts_with("$argon2") => {
                if !self.passwords.verify(secret, Some(&stored)).await? {
                    return Err(OAuthError::InvalidClient);
                }
                self.store.set_client_secret(id, &digest(secret)).await?;
                self.forget().await;
            }
            _ => return Err(OAuthError::InvalidClient),
        }
        self.client_by_id(id).await?.ok_or(OAuthError::InvalidClient)
    }

    /// Client authentication under the Defender, for every OAuth endpoint: a blocked host is
    /// refused first, and a wrong secret for a well-formed client id counts as a failed check (a
    /// missing or malformed id is not an attack on anyone).
    async fn authenticate_client_from(&self, creds: &ClientCredentials, origin: &Origin) -> OAuthResult<Client> {
        self.refuse_if_blocked(origin.ip.as_deref()).await?;
        match self.authenticate_client(creds).await {
            Err(OAuthError::InvalidClient) => {
                let id = creds.id.as_deref().map(str::trim).and_then(|id| id.parse::<i64>().ok());
                if let (Some(id), Some(_)) = (id, creds.secret.as_deref().filter(|s| !s.is_empty())) {
                    self.failed_check(origin.ip.as_deref(), Some(&format!("client:{id}"))).await?;
                }
                Err(OAuthError::InvalidClient)
            }
            other => other,
        }
    }

    /// `POST /oauth/token`.
    pub async fn oauth_token(&self, req: TokenRequest, origin: &Origin) -> OAuthResult<IssuedToken> {
        let grant = req.grant_type.as_deref().filter(|g| !g.is_empty());
        let grant = grant.ok_or_else(|| OAuthError::InvalidRequest("The grant_type parameter is required.".into()))?;
        if !matches!(grant, "password" | "client_credentials" | "refresh_token" | "authorization_code") {
            return Err(OAuthError::UnsupportedGrantType);
        }
        let client = self.client_of(&req.client, origin).await?;
        if !client.allows(grant) {
            return Err(OAuthError::UnauthorizedClient(format!("The client may not use the {grant} grant.")));
        }
        match grant {
            "password" => {
                let username = required(req.username.as_deref(), "username")?;
                let password = required(req.password.as_deref(), "password")?;
                let email = Email::parse("username", username)?;
                // No place for a second factor here (the code flow has one): a person with one
                // uses an app password.
                let via = crate::services::audit::events::Via::client(client.id);
                let user = self.check_machine_password(&email, password, via, origin).await?;
                Ok(self.issue_oauth(&user, &client, origin).await?)
            }
            "client_credentials" => {
                let owner = client
                    .owner_user_id
                    .ok_or_else(|| OAuthError::UnauthorizedClient("The client has no owner to act for.".into()))?;
                let user = self.user_by_id(owner).await?.ok_or(OAuthError::InvalidClient)?;
                Ok(self.issue_app_token(&user, &client, origin).await?)
            }
            "authorization_code" => self.code_grant(&client, &req, origin).await,
            _ => self.oauth_refresh(&client, required(req.refresh_token.as_deref(), "refresh_token")?, origin).await,
        }
    }

    /// The client of a token-endpoint request: a public one by its id (through the Defender's
    /// block), any other by its secret.
    async fn client_of(&self, creds: &ClientCredentials, origin: &Origin) -> OAuthResult<Client> {
        match self.public_client(creds).await? {
            Some(public) => {
                self.refuse_if_blocked(origin.ip.as_deref()).await?;
                Ok(public)
            }
            None => self.authenticate_client_from(creds, origin).await,
        }
    }

    /// A public client identifies itself by `client_id` alone (no secret, no Basic header): it
    /// has none to prove, PKCE binds its codes instead. Any other shape is `None` here, and a
    /// secret presented for a public client fails as a wrong one would.
    async fn public_client(&self, creds: &ClientCredentials) -> OAuthResult<Option<Client>> {
        if creds.secret.as_deref().is_some_and(|s| !s.is_empty()) {
            return Ok(None);
        }
        let Some(id) = creds.id.as_deref().map(str::trim).and_then(|id| id.parse::<i64>().ok()) else {
            return Ok(None);
        };
        Ok(self.client_by_id(id).await?.filter(|c| c.public))
    }

    pub(crate) fn access_ttl(&self, client: &Client) -> i64 {
        client.access_ttl.unwrap_or(self.settings.oauth.access_ttl)
    }

    /// A user's session row, its JWT and its refresh token.
    async fn issue_oauth(&self, user: &User, client: &Client, origin: &Origin) -> crate::Result<IssuedToken> {
        let tokens = (random_token(TOKEN_LEN), random_token(TOKEN_LEN));
        let ((session, jti), refresh) =
            self.oauth_session(user.id, client, random_token(TOKEN_LEN), tokens, "", origin);
        self.store.create_session(&session).await?;
        crate::metrics::token_issued(KIND_OAUTH);
        self.audit_token(TOKEN_ISSUED, KIND_OAUTH, user, Some(client.id), Some(origin));
        let access_token = self.sign_access_token(user.id, client, &jti, session.access_expires, "", None).await?;
        let expires_in = self.access_ttl(client);
        Ok(IssuedToken { access_token, expires_in, refresh_token: Some(refresh), id_token: None, scope: None })
    }

    /// An application's client_credentials token: a JWT for its owner with a fresh `jti` and the
    /// owner's token generation, and no session row (nothing is written; see `oauth_principal`).
    async fn issue_app_token(&self, owner: &User, client: &Client, origin: &Origin) -> crate::Result<IssuedToken> {
        let expires_in = self.access_ttl(client);
        let exp = after(self.now(), expires_in);
        let jti = random_token(TOKEN_LEN);
        let access_token =
            self.sign_access_token(owner.id, client, &jti, exp, "", Some(owner.token_generation)).await?;
        crate::metrics::token_issued(KIND_OAUTH_APP);
        let event = AuditEvent::new(TOKEN_ISSUED, SUCCESS).user(owner).client(client.id).origin(origin);
        self.audit(event.method(KIND_OAUTH_APP));
        Ok(IssuedToken { access_token, expires_in, refresh_token: None, id_token: None, scope: None })
    }

    /// A session for a user's OAuth token: (session, jti) and its refresh token.
    pub(crate) fn oauth_session(
        &self,
        user_id: i64,
        client: &Client,
        family_id: String,
        (jti, refresh): (String, String),
        scope: &str,
        origin: &Origin,
    ) -> ((NewSession, String), String) {
        let now = self.now();
        let access_expires = after(now, self.access_ttl(client));
        let family_expires = after(now, self.settings.oauth.family_ttl);
        let session = NewSession {
            kind: KIND_OAUTH,
            user_id,
            client_id: client.id,
            family_id,
            access_digest: digest(&jti),
            access_expires,
            refresh_digest: digest(&refresh),
            refresh_expires: after(now, self.settings.oauth.refresh_ttl).min(family_expires),
            family_expires,
            created_at: now,
            ip: origin.ip.clone(),
            user_agent: origin.user_agent.clone(),
            scope: scope.to_owned(),
        };
        ((session, jti), refresh)
    }

    /// Rotates an OAuth refresh token. As in the cabinet, a second presentation within
    /// `tokens.refresh_grace` (two workers of one client refreshing at once, a retry after a lost
    /// answer) gets the same successor (the same `jti`, a fresh signature), and after it is reuse.
    async fn oauth_refresh(&self, client: &Client, token: &str, origin: &Origin) -> OAuthResult<IssuedToken> {
        let now = self.now();
        let crate::services::sessions::Successor { salt, tokens, grace_since } = self.successor_of(token).await?;
        // The store fills in the user and the family from the spent session.
        let ((successor, jti), refresh) = self.oauth_session(0, client, String::new(), tokens, "", origin);
        let invalid = || OAuthError::InvalidGrant("The refresh token is invalid.".into());
        let rotation =
            self.store.rotate_session(&digest(token), client.id, &successor, &salt, grace_since, now).await?;
        if matches!(rotation, Rotation::Rotated { .. } | Rotation::Reused { .. }) {
            self.forget_sessions(); // the store moved the epoch with the rotation
        }
        let (user_id, jti, refresh, access_expires, scope) = match rotation {
            Rotation::Rotated { user_id, access_expires, scope, .. } => {
                (user_id, jti, Some(refresh), access_expires, scope)
            }
            Rotation::Retry { family_id, salt, user_id } => {
                let (jti, refresh) = self.successor_tokens(&salt, token).await?;
                match self.store.live_successor(&digest(&refresh), &family_id, client.id, now).await? {
                    Some((access_expires, _, scope)) => (user_id, jti, Some(refresh), access_expires, scope),
                    None => {
                        // The successor has moved on (or is another client's): this is reuse.
                        self.store.revoke_family(&family_id, now).await?;
                        self.forget().await;
                        self.audit_reuse(user_id, &family_id, client.id, origin).await;
                        return Err(oauth_reuse(client.id));
                    }
                }
            }
            Rotation::Reused { family_id, user_id } => {
                self.audit_reuse(user_id, &family_id, client.id, origin).await;
                return Err(oauth_reuse(client.id));
            }
            Rotation::Invalid => return Err(invalid()),
        };
        let access_token = self.sign_access_token(user_id, client, &jti, access_expires, &scope, None).await?;
        crate::metrics::token_issued("refresh");
        self.audit_refreshed(user_id, KIND_OAUTH, client.id, origin).await;
        let expires_in = access_expires.saturating_sub(now).max(0);
        let scope = (!scope.is_empty()).then_some(scope);
        Ok(IssuedToken { access_token, expires_in, refresh_token: refresh, id_token: None, scope })
    }

    /// An RS256 access token; `generation` makes it an application's row-less token.
    pub(crate) async fn sign_access_token(
        &self,
        user_id: i64,
        client: &Client,
        jti: &str,
        exp: i64,
        scope: &str,
        generation: Option<i64>,
    ) -> crate::Result<String> {
        let key = self.signing_key().await?;
        let mut header = Header::new(Algorithm::RS256);
        header.typ = Some("at+jwt".into());
        header.kid = Some(key.kid.clone());
        let claims = Claims {
            iss: self.issuer().to_owned(),
            sub: user_id.to_string(),
            aud: client.id.to_string(),
            exp,
            iat: self.now(),
            jti: jti.to_owned(),
            client_id: client.id.to_string(),
            scope: scope.to_owned(),
            nbf: None,
            gty: generation.map(|_| GTY_APP.to_owned()),
            generation,
        };
        crate::jws::sign_rs256(&header, &claims, &key.signer)
    }

    /// Verifies a JWT's signature and claims (not yet its session): RS256, `typ: at+jwt` (RFC 9068
    /// §4; no other JWT passes for an access token), and `nbf` and `exp` read on kordon's clock
    /// (`exp` not when `allow_expired`), both without leeway.
    pub(crate) async fn verify_access_token(&self, token: &str, allow_expired: bool) -> Option<Claims> {
        // A token's signature, issuer and claims are checked once; its times on every use.
        let key = digest(token);
        let cache = &self.cache;
        let verify = async { Ok(self.verify_signature(token).await) };
        let claims = cache.through(&cache.verified, key.as_str(), verify).await.ok().flatten()?;
        let now = self.now();
        let live = allow_expired || claims.exp > now;
        let started = claims.nbf.is_none_or(|nbf| nbf <= now);
        (live && started && claims.aud == claims.client_id).then_some(claims)
    }

    /// The claims of a JWT signed by one of kordon's keys for this issuer (RS256, `typ: at+jwt`);
    /// its times are not checked here.
    async fn verify_signature(&self, token: &str) -> Option<Claims> {
        let header = jsonwebtoken::decode_header(token).ok()?;
        let typ = header.typ.as_deref().unwrap_or_default().to_ascii_lowercase();
        if header.alg != Algorithm::RS256 || !matches!(typ.as_str(), "at+jwt" | "application/at+jwt") {
            return None;
        }
        self.signed_claims(token, header.kid.as_deref(), &["exp", "iss", "sub", "aud"]).await
    }

    /// The claims of an RS256 JWT (its header already checked) signed by the key `kid` of this
    /// issuer, with `required` present; its times are not checked here.
    pub(crate) async fn signed_claims<T: serde::de::DeserializeOwned>(
        &self,
        token: &str,
        kid: Option<&str>,
        required: &[&str],
    ) -> Option<T> {
        let key = self.verifying_key(kid?).await.ok()??;
        let mut validation = jsonwebtoken::Validation::new(Algorithm::RS256);
        validation.validate_exp = false;
        validation.validate_aud = false;
        validation.set_issuer(&[self.issuer()]);
        validation.set_required_spec_claims(required);
        Some(jsonwebtoken::decode::<T>(token, &key.decoding, &validation).ok()?.claims)
    }

    /// `POST /oauth/revoke` (RFC 7009): ends the session of an access or refresh token issued to
    /// this client. Unknown tokens, and other clients' tokens, are answered the same (no oracle).
    pub async fn oauth_revoke(
        &self,
        creds: &ClientCredentials,
        token: Option<&str>,
        origin: &Origin,
    ) -> OAuthResult<()> {
        // A public client may revoke its own tokens too (RFC 7009 §2.1).
        let client = self.client_of(creds, origin).await?;
        let token = required(token, "token")?;
        let key = match self.verify_access_token(token, true).await {
            // A row-less token is listed as revoked until it expires (another client's is ignored).
            Some(claims) if claims.is_app_token() => {
                if claims.client_id == client.id.to_string()
                    && self.store.revoke_jti(&claims.jti, client.id, claims.exp).await?
                {
                    self.forget().await;
                    self.audit_revoked(claims.sub.parse().ok(), KIND_OAUTH_APP, client.id, origin).await;
                }
                return Ok(());
            }
            Some(claims) => digest(&claims.jti),
            None => digest(token),
        };
        // Whose session it was, read before it ends (only when the audit records it).
        let owner = match self.audit.enabled() {
            true => self.store.token_info(&key, self.now()).await.ok().flatten().map(|info| info.user_id),
            false => None,
        };
        if self.store.revoke_token(&key, client.id, self.now()).await? {
            self.forget().await;
            self.audit_revoked(owner, KIND_OAUTH, client.id, origin).await;
        }
        Ok(())
    }
}

pub(super) fn required<'a>(value: Option<&'a str>, name: &str) -> OAuthResult<&'a str> {
    value
        .filter(|v| !v.is_empty())
        .ok_or_else(|| OAuthError::InvalidRequest(format!("The {name} parameter is required.")))
}

/// A spent refresh token presented again: its family is revoked (logged once, here).
fn oauth_reuse(client_id: i64) -> OAuthError {
    tracing::warn!(client_id, "a spent OAuth refresh token was presented again: family revoked");
    crate::metrics::refresh_reuse();
    OAuthError::InvalidGrant("The refresh token is invalid.".into())
}
