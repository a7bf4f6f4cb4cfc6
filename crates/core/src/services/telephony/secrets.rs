//! The shared secrets of the SIP and TURN servers: made by kordon (or brought in), sealed under
//! the key-encryption key as signing keys are, listed by fingerprint, printed only as the lines an
//! operator pastes into Kamailio's or coturn's configuration. The newest secret signs; the servers
//! accept every one, so a rotation is `add`, roll the servers, wait out the credentials' lifetime,
//! `remove` the old one. The secrets open once and are re-read every few seconds, so a secret
//! added by the CLI signs on every instance shortly after.

use super::super::oauth::key_seal::Sealing;
use crate::audit::kind;
use crate::error::{Error, Result};
use crate::secrets::random_token;
use crate::services::Core;
use crate::services::admin::operator_audit;
use sha2::{Digest, Sha256};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The label every secret is sealed under (it opens as nothing else: not as an authenticator's).
const LABEL: &str = "telephony-secret";
/// How long opened secrets are used before the store is read again.
const RELOAD_EVERY: Duration = Duration::from_secs(5);
/// A secret kordon makes: 40 characters of `[A-Za-z0-9]` (≈ 238 bits), safe in any config file.
const MADE_LEN: usize = 40;

/// The opened secrets and when they were read; and the hook token's digest.
#[derive(Default)]
pub(crate) struct SecretRing {
    opened: tokio::sync::RwLock<Option<(Arc<Opened>, Instant)>>,
    /// The SHA-256 of `telephony.hook_token`, taken once; none when no token is configured.
    pub(super) hook_digest: Option<String>,
}

impl SecretRing {
    pub(crate) fn new(hook_token: &str) -> Self {
        let hook_token = hook_token.trim();
        let hook_digest = (!hook_token.is_empty()).then(|| crate::secrets::digest(hook_token));
        Self { hook_digest, ..Self::default() }
    }
}

/// The secrets, opened, oldest first; and the newest one's HMAC keys, prepared once (a key's
/// inner and outer pads are half of an HMAC's work, the same for every credential it signs).
pub(crate) struct Opened {
    pub(crate) secrets: Vec<String>,
    signer: Option<Signer>,
}

struct Signer {
    sha1: aws_lc_rs::hmac::Key,
    sha256: aws_lc_rs::hmac::Key,
}

impl Opened {
    fn new(secrets: Vec<String>) -> Self {
        use aws_lc_rs::hmac::{HMAC_SHA1_FOR_LEGACY_USE_ONLY, HMAC_SHA256, Key};
        let signer = secrets.last().map(|newest| Signer {
            sha1: Key::new(HMAC_SHA1_FOR_LEGACY_USE_ONLY, newest.as_bytes()),
            sha256: Key::new(HMAC_SHA256, newest.as_bytes()),
        });
        Self { secrets, signer }
    }

    /// The newest secret's key for SHA-256 or SHA-1; none before a secret is added.
    pub(crate) fn signing_key(&self, sha256: bool) -> Option<&aws_lc_rs::hmac::Key> {
        self.signer.as_ref().map(|signer| if sha256 { &signer.sha256 } else { &signer.sha1 })
    }
}

/// A secret as `telephony secret list` shows it: never the secret, only its fingerprint.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SecretEntry {
    pub id: i64,
    /// RFC 3339.
    pub created_at: String,
    /// The first 16 hex digits of the secret's SHA-256: to match a server's configuration.
    pub fingerprint: String,
    /// The newest secret: the one credentials are signed with.
    pub signs: bool,
}

/// The server `telephony config --for` prints the lines of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServerKind {
    Kamailio,
    Coturn,
}

impl ServerKind {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "kamailio" => Some(Self::Kamailio),
            "coturn" => Some(Self::Coturn),
            _ => None,
        }
    }
}

fn fingerprint(secret: &str) -> String {
    hex::encode(&Sha256::digest(secret.as_bytes())[..8])
}

/// A secret an operator brings: printable ASCII without spaces, quotes or backslashes (it goes
/// between the quotes of a Kamailio `modparam` and after coturn's `=`), 16 to 256 characters.
fn checked(secret: &str) -> Result<&str> {
    let secret = secret.trim();
    let fits = (16..=256).contains(&secret.len())
        && secret.bytes().all(|b| b.is_ascii_graphic() && !matches!(b, b'"' | b'\'' | b'\\'));
    match fits {
        true => Ok(secret),
        false => Err(Error::validation(
            "secret",
            "A secret is 16 to 256 printable ASCII characters, without spaces, quotes or backslashes.",
        )),
    }
}

impl Core {
    /// `kordon admin telephony secret add`: a new secret (made here, or `given`), which signs from
    /// now on. Audited (`telephony.secret`, method `add`).
    pub async fn telephony_secret_add(&self, given: Option<&str>) -> Result<SecretEntry> {
        let secret = match given {
            Some(text) => checked(text)?.to_owned(),
            None => random_token(MADE_LEN),
        };
        let sealed = self.sealer()?.seal_secret(LABEL, &secret)?;
        let now = self.now();
        let print = fingerprint(&secret);
        let audit =
            operator_audit(now, kind::TELEPHONY_SECRET, &serde_json::json!({ "fingerprint": print })).method("add");
        let id = self.store.add_telephony_secret(&sealed, now, &audit).await?;
        self.forget_telephony_secrets().await;
        let created_at = crate::clock::format_rfc3339(now);
        Ok(SecretEntry { id, created_at, fingerprint: print, signs: true })
    }

    /// `kordon admin telephony secret list`: every secret, oldest first.
    pub async fn telephony_secret_list(&self) -> Result<Vec<SecretEntry>> {
        let stored = self.store.telephony_secrets().await?;
        let sealer = self.sealer()?;
        let last = stored.len().saturating_sub(1);
        let mut entries = Vec::with_capacity(stored.len());
        for (at, row) in stored.into_iter().enumerate() {
            let (secret, _) = sealer.open_secret(LABEL, &row.sealed)?;
            let created_at = crate::clock::format_rfc3339(row.created_at);
            entries.push(SecretEntry { id: row.id, created_at, fingerprint: fingerprint(&secret), signs: at == last });
        }
        Ok(entries)
    }

    /// `kordon admin telephony secret remove`: credentials signed with it stop working at the
    /// servers once their configuration drops it. The last secret stays (nothing could be
    /// signed without one): add its successor first. Audited (`telephony.secret`, `remove`).
    pub async fn telephony_secret_remove(&self, id: i64) -> Result<()> {
        let stored = self.store.telephony_secrets().await?;
        let Some(row) = stored.iter().find(|row| row.id == id) else { return Err(Error::NotFound) };
        if stored.len() == 1 {
            return Err(Error::refused("This is the only secret: add another one first (`telephony secret add`)."));
        }
        let (secret, _) = self.sealer()?.open_secret(LABEL, &row.sealed)?;
        let detail = serde_json::json!({ "fingerprint": fingerprint(&secret) });
        let audit = operator_audit(self.now(), kind::TELEPHONY_SECRET, &detail).method("remove");
        if !self.store.remove_telephony_secret(id, &audit).await? {
            return Err(Error::NotFound);
        }
        self.forget_telephony_secrets().await;
        Ok(())
    }

    /// `kordon admin telephony config --for …`: the lines that make the server accept every
    /// secret (Kamailio tries the last one set first, so the newest comes last).
    pub async fn telephony_server_config(&self, server: ServerKind) -> Result<String> {
        let opened = self.telephony_secrets_opened().await?;
        let secrets = &opened.secrets;
        if secrets.is_empty() {
            return Err(Error::refused("There is no secret yet: run `kordon admin telephony secret add` first."));
        }
        let mut out = String::new();
        match server {
            ServerKind::Kamailio => {
                out.push_str("# kordon's SIP credentials (auth_ephemeral): every secret, the newest last\n");
                for secret in secrets.iter() {
                    out.push_str(&format!("modparam(\"auth_ephemeral\", \"secret\", \"{secret}\")\n"));
                }
                let algorithm = if self.settings.telephony.sip.hash == "sha256" { 1 } else { 0 };
                out.push_str(&format!("modparam(\"auth_ephemeral\", \"sha_algorithm\", {algorithm})\n"));
            }
            ServerKind::Coturn => {
                out.push_str("# kordon's TURN credentials (TURN REST API): every secret\nuse-auth-secret\n");
                for secret in secrets.iter() {
                    out.push_str(&format!("static-auth-secret={secret}\n"));
                }
            }
        }
        Ok(out)
    }

    /// The secrets, opened, oldest first (the last one signs); read again every few seconds.
    pub(crate) async fn telephony_secrets_opened(&self) -> Result<Arc<Opened>> {
        let fresh = |slot: &Option<(Arc<Opened>, Instant)>| {
            slot.as_ref().filter(|(_, at)| at.elapsed() < RELOAD_EVERY).map(|(secrets, _)| secrets.clone())
        };
        if let Some(secrets) = fresh(&*self.telephony.opened.read().await) {
            return Ok(secrets);
        }
        let mut slot = self.telephony.opened.write().await;
        if let Some(secrets) = fresh(&slot) {
            return Ok(secrets);
        }
        let sealer = self.sealer()?;
        let mut secrets = Vec::new();
        for row in self.store.telephony_secrets().await? {
            secrets.push(sealer.open_secret(LABEL, &row.sealed)?.0);
        }
        let secrets = Arc::new(Opened::new(secrets));
        *slot = Some((secrets.clone(), Instant::now()));
        Ok(secrets)
    }

    async fn forget_telephony_secrets(&self) {
        *self.telephony.opened.write().await = None;
    }

    /// `kordon admin keys rewrap`'s part for the telephony secrets (see the authenticators'):
    /// how many moved to the current key-encryption key, and how many still need the previous.
    pub(crate) async fn reseal_telephony_secrets(&self, rewrap: bool) -> Result<(u64, u64)> {
        let sealer = self.sealer()?;
        let mut changes = Vec::new();
        let mut under_previous = 0;
        for row in self.store.telephony_secrets().await? {
            let (secret, sealing) = sealer.open_secret(LABEL, &row.sealed)?;
            match (sealing, rewrap) {
                (Sealing::Previous, true) => changes.push((row.id, row.sealed, sealer.seal_secret(LABEL, &secret)?)),
                (Sealing::Previous, false) => under_previous += 1,
                _ => {}
            }
        }
        let moved = match changes.is_empty() {
            true => 0,
            false => self.store.reseal_telephony_secrets(&changes).await?,
        };
        Ok((moved, under_previous))
    }
}

#[cfg(test)]
mod tests {
    use super::checked;

    #[test]
    fn brought_secrets_must_fit_a_config_line() {
        assert!(checked("0123456789abcdef").is_ok());
        assert!(checked("  0123456789abcdef\n").is_ok(), "a pasted newline is not part of it");
        assert!(checked("short").is_err());
        assert!(checked("0123456789 abcdef").is_err());
        assert!(checked("0123456789\"abcdef").is_err());
        assert!(checked("0123456789\\abcdef").is_err());
        assert!(checked(&"x".repeat(257)).is_err());
    }
}
