//! Sessions: issuing token pairs, refresh rotation with reuse detection, bearer checks, logout.

pub(crate) mod api_tokens;
pub(crate) mod cached;
pub(crate) mod clients;

use crate::audit::kind::{TOKEN_ISSUED, TOKEN_REVOKED};
use crate::error::{Error, Result};
use crate::secrets::{digest, random_token};
use crate::services::{Core, Origin};
use crate::types::{NewSession, Rotation, User};

/// Session kinds: each dialect accepts its own sessions' access tokens.
pub const KIND_CABINET: &str = "cabinet";
pub const KIND_PBX: &str = "pbx";

/// Length of every opaque token kordon issues (≈190 bits).
pub const TOKEN_LEN: usize = 32;

/// An access token and a refresh token with their expiries (Unix seconds).
#[derive(Debug, Clone)]
pub struct TokenPair {
    pub access: String,
    pub access_expires: i64,
    pub refresh: String,
    pub refresh_expires: i64,
}

/// A refresh token's successor: the salt kept on the spent row, the new (access, refresh)
/// tokens, and since when a spent token's second presentation is a retry (None: never).
pub(crate) struct Successor {
    pub salt: String,
    pub tokens: (String, String),
    pub grace_since: Option<i64>,
}

/// Who a bearer token speaks for.
#[derive(Debug, Clone)]
pub struct Principal {
    pub user: User,
    pub kind: PrincipalKind,
}

#[derive(Debug, Clone)]
pub enum PrincipalKind {
    /// A login session's access token.
    Session { family_id: String, access_expires: i64, refresh_expires: i64 },
    /// A personal API token (no expiry).
    ApiToken { id: i64 },
}

impl Core {
    /// A fresh pair for a new login (a new session family).
    pub async fn issue_session(&self, user: &User, client_id: i64, origin: &Origin) -> Result<TokenPair> {
        let (pair, session) = self.new_session(user.id, client_id, random_token(TOKEN_LEN), origin);
        self.store.create_session(&session).await?;
        crate::metrics::token_issued(KIND_CABINET);
        self.audit_token(TOKEN_ISSUED, KIND_CABINET, user, Some(client_id), Some(origin));
        Ok(pair)
    }

    pub(crate) fn new_session(
        &self,
        user_id: i64,
        client_id: i64,
        family_id: String,
        origin: &Origin,
    ) -> (TokenPair, NewSession) {
        let tokens = (random_token(TOKEN_LEN), random_token(TOKEN_LEN));
        self.session_with(user_id, client_id, family_id, tokens, origin)
    }

    fn session_with(
        &self,
        user_id: i64,
        client_id: i64,
        family_id: String,
        (access, refresh): (String, String),
        origin: &Origin,
    ) -> (TokenPair, NewSession) {
        let now = self.now();
        let tokens = &self.settings.tokens;
        let family_expires = now.saturating_add(tokens.family_ttl);
        let pair = TokenPair {
            access,
            access_expires: now.saturating_add(tokens.access_ttl),
            refresh,
            refresh_expires: now.saturating_add(tokens.refresh_ttl).min(family_expires),
        };
        let session = NewSession {
            kind: KIND_CABINET,
            user_id,
            client_id,
            family_id,
            access_digest: digest(&pair.access),
            access_expires: pair.access_expires,
            refresh_digest: digest(&pair.refresh),
            refresh_expires: pair.refresh_expires,
            family_expires,
            created_at: now,
            ip: origin.ip.clone(),
            user_agent: origin.user_agent.clone(),
            scope: String::new(),
        };
        (pair, session)
    }

    /// Spends a refresh token for a new pair. A token already spent revokes its whole family
    /// (RFC 9700 §4.14.2); both that and an unknown token answer the same error.
    pub async fn refresh(&self, refresh_token: Option<&str>, client_id: i64, origin: &Origin) -> Result<TokenPair> {
        let token =
            refresh_token.filter(|t| !t.is_empty() && t.len() <= 512).ok_or_else(|| Error::required("token"))?;
        self.refuse_if_blocked(origin.ip.as_deref()).await?;
        let now = self.now();
        let Successor { salt, tokens, grace_since } = self.successor_of(token).await?;
        // User and family are filled in by the store from the spent session.
        let (pair, successor) = self.session_with(0, client_id, String::new(), tokens, origin);
        let rotation =
            self.store.rotate_session(&digest(token), client_id, &successor, &salt, grace_since, now).await?;
        if matches!(rotation, Rotation::Rotated { .. } | Rotation::Reused { .. }) {
            // The spent session's access token is dead now (and on reuse its whole family); the
            // store moved the epoch in the same transaction.
            self.forget_sessions();
        }
        match rotation {
            Rotation::Rotated { user_id, access_expires, refresh_expires, .. } => {
                crate::metrics::token_issued("refresh");
                self.audit_refreshed(user_id, KIND_CABINET, client_id, origin).await;
                Ok(TokenPair { access_expires, refresh_expires, ..pair })
            }
            Rotation::Retry { family_id, salt, user_id } => {
                let (access, refresh) = self.successor_tokens(&salt, token).await?;
                match self.store.live_successor(&digest(&refresh), &family_id, client_id, now).await? {
                    Some((access_expires, refresh_expires, _)) => {
                        Ok(TokenPair { access, access_expires, refresh, refresh_expires })
                    }
                    None => {
                        // The successor has moved on (or is another client's): this is reuse.
                        self.store.revoke_family(&family_id, now).await?;
                        self.forget().await;
                        self.audit_reuse(user_id, &family_id, client_id, origin).await;
                        Err(reuse_detected(client_id))
                    }
                }
            }
            Rotation::Reused { family_id, user_id } => {
                self.audit_reuse(user_id, &family_id, client_id, origin).await;
                Err(reuse_detected(client_id))
            }
            Rotation::Invalid => Err(invalid_token()),
        }
    }

    /// The user a cabinet bearer token (session access token or API token) stands for.
    pub async fn authenticate(&self, bearer: Option<&str>) -> Result<Principal> {
        self.authenticate_as(bearer, KIND_CABINET, true).await
    }

    /// The user a bearer token stands for: an access token of a session of `kind`, or (when
    /// `api_tokens`) a personal API token.
    pub(crate) async fn authenticate_as(
        &self,
        bearer: Option<&str>,
        kind: &'static str,
        api_tokens: bool,
    ) -> Result<Principal> {
        let token = bearer.filter(|t| !t.is_empty() && t.len() <= 512).ok_or(Error::Unauthenticated)?;
        let key = digest(token);
        let now = self.now();
        // An API token already cached is known without asking for a session first.
        let cached_token = api_tokens.then(|| self.cache.cached(&self.cache.api_tokens, key.as_str())).flatten();
        let session = match cached_token {
            Some(_) => None,
            None => self.live_session_of(&key, kind, now).await?,
        };
        let api_token = match (&session, cached_token) {
            (Some(_), _) => None,
            (None, Some(token)) => Some(token),
            (None, None) if api_tokens => self.api_token(&key).await?,
            (None, None) => None,
        };
        let (user_id, kind) = if let Some(s) = session {
            let kind = PrincipalKind::Session {
                family_id: s.family_id,
                access_expires: s.access_expires,
                refresh_expires: s.refresh_expires,
            };
            (s.user_id, kind)
        } else if let Some(t) = api_token {
            if t.last_used.is_none_or(|at| at <= now - 60) {
                self.store.touch_api_token(t.id, now).await?;
                self.api_token_used(&key, crate::types::ApiTokenAuth { last_used: Some(now), ..t.clone() });
            }
            (t.user_id, PrincipalKind::ApiToken { id: t.id })
        } else {
            return Err(Error::Unauthenticated);
        };
        let user = self.user_by_id(user_id).await?.ok_or(Error::Unauthenticated)?;
        Ok(Principal { user, kind })
    }

    /// Ends the session that `token` (an access or refresh token of the caller's) belongs to.
    pub async fn logout(&self, principal: &Principal, token: Option<&str>, origin: &Origin) -> Result<()> {
        let token = token.filter(|t| !t.is_empty()).ok_or_else(|| Error::required("token"))?;
        let now = self.now();
        match self.store.family_of_token(&digest(token), principal.user.id, now).await? {
            Some(family) => {
                self.store.revoke_family(&family, now).await?;
                self.forget().await;
                self.audit_token(TOKEN_REVOKED, KIND_CABINET, &principal.user, None, Some(origin));
                Ok(())
            }
            None => Err(Error::validation("token", "Not logout user.")),
        }
    }
}

impl Core {
    /// The successor pair of a refresh token rotated with `salt`: HMAC-SHA256 under a server-wide
    /// key, so the same token and salt always yield the same pair, and nobody can predict it
    /// without the key and the salt (drawn at rotation time).
    /// How a refresh token's successor is made. Without a grace window it is simply random.
    /// With one, it is derived from the spent token and a salt drawn now (kept on the spent row),
    /// so a second presentation can be answered with the same successor and a database snapshot
    /// cannot predict later successors.
    pub(crate) async fn successor_of(&self, token: &str) -> Result<Successor> {
        let grace = self.settings.tokens.refresh_grace;
        if grace == 0 {
            let tokens = (random_token(TOKEN_LEN), random_token(TOKEN_LEN));
            return Ok(Successor { salt: String::new(), tokens, grace_since: None });
        }
        let salt = random_token(16);
        let tokens = self.successor_tokens(&salt, token).await?;
        Ok(Successor { salt, tokens, grace_since: Some(self.now() - grace) })
    }

    /// The server-wide secret every instance shares (made by the first to ask, kept in the
    /// store): refresh successors are derived from it, and second-step challenges are MACed
    /// with it, each under a label of its own.
    pub(crate) async fn server_key(&self) -> Result<&String> {
        self.successor_key
            .get_or_try_init(|| async {
                let candidate = random_token(43);
                self.store.server_secret("refresh-successor", &candidate).await.map_err(Error::from)
            })
            .await
    }

    pub(crate) async fn successor_tokens(&self, salt: &str, refresh_token: &str) -> Result<(String, String)> {
        let key = self.server_key().await?;
        let input = format!("{salt}:{refresh_token}");
        Ok((derive(key, "access", &input), derive(key, "refresh", &input)))
    }
}

/// `TOKEN_LEN` characters of `[A-Za-z0-9]` from HMAC-SHA256(key, label ‖ block ‖ input), by
/// rejection sampling (unbiased), as many blocks as it takes.
fn derive(key: &str, label: &str, input: &str) -> String {
    use hmac::{Hmac, Mac};
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut out = String::with_capacity(TOKEN_LEN);
    for block in 0u32.. {
        let Ok(mut mac) = Hmac::<sha2::Sha256>::new_from_slice(key.as_bytes()) else { break };
        mac.update(label.as_bytes());
        mac.update(&block.to_be_bytes());
        mac.update(input.as_bytes());
        for b in mac.finalize().into_bytes() {
            if b < 248 && out.len() < TOKEN_LEN {
                out.push(ALPHABET[(b % 62) as usize] as char);
            }
        }
        if out.len() == TOKEN_LEN {
            break;
        }
    }
    out
}

/// A spent refresh token came back (its family is revoked by now): logged, answered as invalid.
fn reuse_detected(client_id: i64) -> Error {
    tracing::warn!(client_id, "a spent refresh token was presented again: its session family is revoked");
    crate::metrics::refresh_reuse();
    invalid_token()
}

fn invalid_token() -> Error {
    Error::validation("token", "The token is invalid.")
}

#[cfg(test)]
mod tests {
    use super::derive;

    #[test]
    fn successors_are_deterministic_per_key_and_token() {
        let a = derive("key", "refresh", "token-1");
        assert_eq!(a.len(), super::TOKEN_LEN);
        assert!(a.chars().all(|c| c.is_ascii_alphanumeric()));
        assert_eq!(a, derive("key", "refresh", "token-1"));
        assert_ne!(a, derive("key", "access", "token-1"));
        assert_ne!(a, derive("key", "refresh", "token-2"));
        assert_ne!(a, derive("other key", "refresh", "token-1"));
    }
}
