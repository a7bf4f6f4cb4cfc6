//! Minting: SIP credentials for Kamailio's `auth_ephemeral` (username `<expiry>:<sip user>`) and
//! TURN credentials in the TURN REST API's shape (username `<expiry>:<user id>`), each password
//! `base64(HMAC(secret, username))` under the newest secret, for the person a bearer token
//! speaks for. No round trip at the servers: they recompute the HMAC with the secrets they hold.

use crate::audit::{AuditEvent, SUCCESS, kind};
use crate::error::{Error, Result};
use crate::services::{Core, Origin};
use crate::types::User;
use base64::Engine as _;

/// What a credential is for; also the scope a code-flow token needs (`sip`, `turn`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialKind {
    Sip,
    Turn,
}

impl CredentialKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sip => "sip",
            Self::Turn => "turn",
        }
    }
}

/// Minted SIP credentials.
#[derive(Debug, Clone)]
pub struct SipCredentials {
    pub username: String,
    pub password: String,
    pub ttl: i64,
    /// Unix seconds.
    pub expires_at: i64,
    /// The person's PBX domain: the SIP realm.
    pub realm: String,
    pub uris: Vec<String>,
}

/// Minted TURN credentials (the TURN REST API's answer).
#[derive(Debug, Clone)]
pub struct TurnCredentials {
    pub username: String,
    pub password: String,
    pub ttl: i64,
    pub uris: Vec<String>,
}

/// `base64(HMAC(secret, username))` with SHA-1 (the modules' default) or SHA-256.
pub fn credential_password(secret: &str, username: &str, sha256: bool) -> String {
    use aws_lc_rs::hmac;
    let algorithm = if sha256 { hmac::HMAC_SHA256 } else { hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY };
    signed(&hmac::Key::new(algorithm, secret.as_bytes()), username)
}

/// `base64(HMAC(key, username))`.
fn signed(key: &aws_lc_rs::hmac::Key, username: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(aws_lc_rs::hmac::sign(key, username.as_bytes()).as_ref())
}

impl Core {
    /// The person a bearer speaks for, if they may have `kind`'s credentials: a code-flow token
    /// with that scope (a password-grant token is a full bearer), or a cabinet access token or
    /// personal API token. An application's own token acts for no person here (403).
    pub async fn telephony_caller(&self, bearer: Option<&str>, kind: CredentialKind) -> Result<User> {
        if !bearer.is_some_and(|t| t.contains('.')) {
            return Ok(self.authenticate(bearer).await?.user);
        }
        let principal = self.oauth_authenticate(bearer).await?;
        if principal.application {
            return Err(Error::forbidden("An application's token acts for no person: use a person's token."));
        }
        if principal.delegated() && !principal.has_scope(kind.as_str()) {
            return Err(Error::insufficient_scope(format!("The token lacks the {} scope.", kind.as_str())));
        }
        Ok(principal.user)
    }

    /// SIP credentials for `user`, living `ttl` seconds (at most `telephony.sip.ttl`; that by
    /// default). A person without a SIP user, or whose account has no PBX domain, gets none.
    pub async fn mint_sip_credentials(&self, user: &User, ttl: Option<i64>, origin: &Origin) -> Result<SipCredentials> {
        let settings = &self.settings.telephony.sip;
        let ttl = lifetime(ttl, settings.ttl)?;
        let Some(sip_user) = user.sip_user.as_deref() else {
            return Err(Error::forbidden("You have no SIP account: ask your PBX administrator for one."));
        };
        let Some(realm) = self.account_domain_name(user.account_id).await? else {
            return Err(Error::forbidden("Your account has no PBX domain, so no SIP account."));
        };
        let expires_at = self.now().saturating_add(ttl);
        let username = format!("{expires_at}:{sip_user}");
        let password = self.sign(&username, settings.hash == "sha256").await?;
        let uris = settings.uris.iter().map(|uri| uri.replace("{realm}", &realm)).collect();
        self.minted(user, CredentialKind::Sip, origin);
        Ok(SipCredentials { username, password, ttl, expires_at, realm, uris })
    }

    /// TURN credentials for `user`, living `ttl` seconds (at most `telephony.turn.ttl`).
    pub async fn mint_turn_credentials(
        &self,
        user: &User,
        ttl: Option<i64>,
        origin: &Origin,
    ) -> Result<TurnCredentials> {
        let settings = &self.settings.telephony.turn;
        let ttl = lifetime(ttl, settings.ttl)?;
        let username = format!("{}:{}", self.now().saturating_add(ttl), user.id);
        let password = self.sign(&username, false).await?;
        self.minted(user, CredentialKind::Turn, origin);
        Ok(TurnCredentials { username, password, ttl, uris: settings.uris.clone() })
    }

    /// `username`'s password under the newest secret.
    async fn sign(&self, username: &str, sha256: bool) -> Result<String> {
        let opened = self.telephony_secrets_opened().await?;
        let key = opened.signing_key(sha256).ok_or_else(|| {
            Error::internal("no telephony secret: run `kordon admin telephony secret add` and configure the servers")
        })?;
        Ok(signed(key, username))
    }

    fn minted(&self, user: &User, kind: CredentialKind, origin: &Origin) {
        crate::metrics::telephony_credentials(kind.as_str());
        let event = AuditEvent::new(kind::TELEPHONY_CREDENTIALS, SUCCESS)
            .user(user)
            .ip(origin.ip.as_deref())
            .method(kind.as_str())
            .dialect("telephony");
        self.audit(event);
    }
}

/// The asked lifetime (1 s or more), capped by the configured one; that one when none is asked.
fn lifetime(asked: Option<i64>, configured: i64) -> Result<i64> {
    match asked {
        None => Ok(configured),
        Some(ttl) if ttl >= 1 => Ok(ttl.min(configured)),
        Some(_) => Err(Error::validation("ttl", "The ttl must be a whole number of seconds, 1 or more.")),
    }
}

#[cfg(test)]
mod tests {
    use super::{credential_password, lifetime};

    #[test]
    fn passwords_are_base64_hmacs_of_the_username() {
        // python3 -c 'import hmac,hashlib,base64; print(base64.b64encode(hmac.new(b"s3cr3t",
        //   b"1700000000:101", hashlib.sha1).digest()).decode())'   (and sha256)
        assert_eq!(credential_password("s3cr3t", "1700000000:101", false), "Cq5e7yfusbf2gf9faEVs0r++CnQ=");
        assert_eq!(
            credential_password("s3cr3t", "1700000000:101", true),
            "ybEPUjzJeoBFssEuMTAlNL0jBMQ/QUk1hXSohh3VZI4="
        );
    }

    #[test]
    fn lifetimes_are_capped_by_the_setting() {
        assert_eq!(lifetime(None, 600).expect("default"), 600);
        assert_eq!(lifetime(Some(5), 600).expect("shorter"), 5);
        assert_eq!(lifetime(Some(6000), 600).expect("capped"), 600);
        assert!(lifetime(Some(0), 600).is_err());
    }
}
