//! JWT signing keys (RS256): generated at first start and kept in the database, sealed under the
//! key-encryption key (see [`super::key_seal`]), so every instance signs with the same key and
//! publishes the same JWKS. A rotation adds a key and keeps publishing the old ones until the last
//! token they signed has expired.

use super::key_seal::{KeySealer, Sealing};
use crate::error::{Error, Result};
use crate::secrets::random_token;
use crate::services::Core;
use crate::services::admin::operator_audit;
use crate::types::StoredKey;
use base64::Engine as _;
use jsonwebtoken::jwk::{Jwk, JwkSet, KeyAlgorithm, PublicKeyUse};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey};
use std::sync::Arc;
use tokio::sync::RwLock;

/// Keys are re-read from the database this often, so rotations on another instance are seen.
const RELOAD_EVERY: i64 = 60;
/// A token naming an unknown kid re-reads the keys at most this often (forged kids are free).
const UNKNOWN_KID_RELOAD: std::time::Duration = std::time::Duration::from_secs(5);

#[derive(Default)]
pub struct KeyRing {
    loaded: RwLock<Option<Loaded>>,
    last_unknown_kid_reload: std::sync::Mutex<Option<std::time::Instant>>,
    /// Seals private keys for the store and opens them; none: keys cannot be used at all.
    sealer: Option<KeySealer>,
}

/// What [`Core::prepare_signing_keys`] found and did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct KeysAtRest {
    /// The current key-encryption key's fingerprint.
    pub fingerprint: String,
    /// Rows (re)sealed under it now (signing keys, authenticator and telephony secrets).
    pub sealed: u64,
    /// Rows still sealed under the previous key-encryption key (`keys rewrap` moves them).
    pub under_previous: u64,
}

struct Loaded {
    keys: Vec<Arc<LoadedKey>>,
    at: i64,
}

pub(crate) struct LoadedKey {
    pub kid: String,
    /// The private key, parsed and checked once (jsonwebtoken's `encode` re-parses and re-checks
    /// the DER on every signature: half the cost of a `client_credentials` token, by perf).
    pub signer: aws_lc_rs::signature::RsaKeyPair,
    pub decoding: DecodingKey,
    jwk: Jwk,
    not_after: Option<i64>,
}

impl Core {
    /// The core with the key-encryption keys its signing keys are sealed under (without them no
    /// key can be loaded, made or used).
    pub fn with_key_sealer(mut self, sealer: KeySealer) -> Self {
        self.keys = Arc::new(KeyRing { sealer: Some(sealer), ..KeyRing::default() });
        self
    }

    pub(crate) fn sealer(&self) -> Result<&KeySealer> {
        self.keys.sealer.as_ref().ok_or_else(|| Error::internal("no key-encryption key is configured"))
    }

    /// Run at start: seals rows written before sealing and checks that every row opens (a fresh
    /// store gets its first key on first use). An error names the key-encryption key a row needs.
    pub async fn prepare_signing_keys(&self) -> Result<KeysAtRest> {
        self.seal_stored_keys(false).await
    }

    /// `kordon admin keys rewrap`: moves every row to the current key-encryption key (from the
    /// previous one, or from plain PEM), in one transaction with its audit line.
    pub async fn rewrap_signing_keys(&self) -> Result<KeysAtRest> {
        self.seal_stored_keys(true).await
    }

    async fn seal_stored_keys(&self, rewrap: bool) -> Result<KeysAtRest> {
        let sealer = self.sealer()?;
        let mut changes = Vec::new();
        let mut under_previous = 0;
        let stored = self.store.signing_keys().await?;
        let any = !stored.is_empty();
        for key in stored {
            let (pem, sealing) = sealer.open(&key.kid, &key.private_key)?;
            let reseal = match sealing {
                Sealing::Current => false,
                Sealing::Plain => true,
                Sealing::Previous => rewrap,
            };
            if reseal {
                changes.push((key.kid.clone(), key.private_key.clone(), sealer.seal(&key.kid, &pem)?));
            } else if sealing == Sealing::Previous {
                under_previous += 1;
            }
        }
        // The authenticators' and the telephony secrets are sealed under the same key and move with
        // it, first: the audit line written with the signing keys' change then counts them too.
        let (moved, pending) = self.reseal_totp_secrets(rewrap).await?;
        let (telephony, telephony_pending) = self.reseal_telephony_secrets(rewrap).await?;
        let detail = serde_json::json!({
            "fingerprint": sealer.fingerprint(), "rows": changes.len(), "authenticators": moved,
            "telephony_secrets": telephony,
        });
        let audit = rewrap.then(|| operator_audit(self.now(), crate::audit::kind::KEYS_REWRAP, &detail));
        let sealed = match changes.is_empty() && audit.is_none() {
            true => 0,
            false => self.store.reseal_signing_keys(&changes, audit.as_ref()).await?,
        };
        if any {
            // Loads the keys as signing will, so a row that does not open fails here, not later.
            self.loaded_keys(true).await?;
        }
        let (sealed, under_previous) = (sealed + moved + telephony, under_previous + pending + telephony_pending);
        Ok(KeysAtRest { fingerprint: sealer.fingerprint().to_owned(), sealed, under_previous })
    }

    /// The PEM of a stored key (for tools and tests that sign as kordon does).
    pub fn open_signing_key(&self, key: &StoredKey) -> Result<String> {
        Ok(self.sealer()?.open(&key.kid, &key.private_key)?.0)
    }

    /// The key to sign with: the newest current one (the store lists current keys last).
    pub(crate) async fn signing_key(&self) -> Result<Arc<LoadedKey>> {
        let keys = self.loaded_keys(false).await?;
        keys.last().cloned().ok_or_else(|| Error::internal("no signing key"))
    }

    /// The key a token names (re-reading the database once for a kid not seen yet).
    pub(crate) async fn verifying_key(&self, kid: &str) -> Result<Option<Arc<LoadedKey>>> {
        let now = self.now();
        let find = |keys: &[Arc<LoadedKey>]| {
            keys.iter().find(|k| k.kid == kid && k.not_after.is_none_or(|t| t > now)).cloned()
        };
        if let Some(key) = find(&self.loaded_keys(false).await?) {
            return Ok(Some(key));
        }
        let reload = {
            let mut last = self.keys.last_unknown_kid_reload.lock().map_err(|_| Error::internal("key ring lock"))?;
            let due = last.is_none_or(|at| at.elapsed() >= UNKNOWN_KID_RELOAD);
            if due {
                *last = Some(std::time::Instant::now());
            }
            due
        };
        if !reload {
            return Ok(None);
        }
        Ok(find(&self.loaded_keys(true).await?))
    }

    /// The published keys (RFC 7517): every key still inside its publication window.
    pub async fn jwks(&self) -> Result<JwkSet> {
        let now = self.now();
        let keys = self.loaded_keys(false).await?;
        Ok(JwkSet {
            keys: keys.iter().filter(|k| k.not_after.is_none_or(|t| t > now)).map(|k| k.jwk.clone()).collect(),
        })
    }

    /// The longest access-token lifetime any client may hold now.
    pub async fn longest_client_ttl(&self) -> Result<i64> {
        Ok(self.store.longest_client_ttl().await?.unwrap_or(0).max(self.settings.oauth.access_ttl))
    }

    /// Adds a new signing key; the current ones stay published until every token they may have
    /// signed has expired (the longest access-token lifetime of any client).
    pub async fn rotate_keys(&self, longest_ttl: i64) -> Result<String> {
        self.rotate_keys_as(longest_ttl, crate::services::admin::OPERATOR, "cli").await
    }

    /// As [`Core::rotate_keys`], audited as `actor` acting through `dialect` (`cli`, `console`).
    pub(crate) async fn rotate_keys_as(&self, longest_ttl: i64, actor: &str, dialect: &'static str) -> Result<String> {
        let now = self.now();
        let key = generate(now, self.sealer()?).await?;
        let kid = key.kid.clone();
        let retire_at = crate::durations::after(now, longest_ttl.max(self.settings.oauth.access_ttl));
        let detail = serde_json::json!({
            "kid": kid,
            "others_published_until": crate::clock::format_rfc3339(retire_at),
        });
        let audit = operator_audit(now, crate::audit::kind::KEYS_ROTATE, &detail).actor(actor).dialect(dialect);
        self.store.add_signing_key(&key, Some(retire_at), Some(&audit)).await?;
        self.loaded_keys(true).await?;
        self.forget().await;
        Ok(kid)
    }

    async fn loaded_keys(&self, force: bool) -> Result<Vec<Arc<LoadedKey>>> {
        let now = self.now();
        {
            let loaded = self.keys.loaded.read().await;
            if let Some(l) = loaded.as_ref()
                && !force
                && now - l.at < RELOAD_EVERY
                && !l.keys.is_empty()
            {
                return Ok(l.keys.clone());
            }
        }
        let mut loaded = self.keys.loaded.write().await;
        let mut stored = self.store.signing_keys().await?;
        if stored.is_empty() {
            // First start: make the first key. Two instances racing here both add one; both are
            // published and the newest signs, so nothing breaks.
            self.store.add_signing_key(&generate(now, self.sealer()?).await?, None, None).await?;
            stored = self.store.signing_keys().await?;
        }
        let sealer = self.sealer()?;
        let keys = stored
            .iter()
            .map(|key| load(key, sealer))
            .collect::<Result<Vec<_>>>()?
            .into_iter()
            .map(Arc::new)
            .collect::<Vec<_>>();
        *loaded = Some(Loaded { keys: keys.clone(), at: now });
        Ok(keys)
    }
}

/// A fresh RSA-2048 key (generated off the async runtime: it takes a while), sealed.
async fn generate(now: i64, sealer: &KeySealer) -> Result<StoredKey> {
    let der = tokio::task::spawn_blocking(|| {
        use aws_lc_rs::encoding::AsDer;
        let pair = aws_lc_rs::rsa::KeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048)
            .map_err(|_| Error::internal("RSA key generation failed"))?;
        let der = pair.as_der().map_err(|_| Error::internal("RSA key encoding failed"))?;
        Ok::<_, Error>(der.as_ref().to_vec())
    })
    .await
    .map_err(Error::internal)??;
    let body = base64::engine::general_purpose::STANDARD.encode(der);
    let lines: Vec<&str> = body.as_bytes().chunks(64).filter_map(|c| std::str::from_utf8(c).ok()).collect();
    let pem = format!("-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n", lines.join("\n"));
    let kid = random_token(16);
    let private_key = sealer.seal(&kid, &pem)?;
    Ok(StoredKey { kid, algorithm: "RS256".into(), private_key, created_at: now, not_after: None })
}

fn load(key: &StoredKey, sealer: &KeySealer) -> Result<LoadedKey> {
    if key.algorithm != "RS256" {
        return Err(Error::internal(format!("unsupported key algorithm {}", key.algorithm)));
    }
    let (pem, _) = sealer.open(&key.kid, &key.private_key)?;
    let encoding = EncodingKey::from_rsa_pem(pem.as_bytes()).map_err(Error::internal)?;
    let mut jwk = Jwk::from_encoding_key(&encoding, Algorithm::RS256).map_err(Error::internal)?;
    jwk.common.key_id = Some(key.kid.clone());
    jwk.common.public_key_use = Some(PublicKeyUse::Signature);
    jwk.common.key_algorithm = Some(KeyAlgorithm::RS256);
    let decoding = DecodingKey::from_jwk(&jwk).map_err(Error::internal)?;
    let signer = aws_lc_rs::signature::RsaKeyPair::from_der(encoding.as_bytes()).map_err(Error::internal)?;
    Ok(LoadedKey { kid: key.kid.clone(), signer, decoding, jwk, not_after: key.not_after })
}
