//! Signing keys at rest: every private key is sealed with AES-256-GCM (aws-lc-rs) under the
//! key-encryption key before it reaches the store, bound to its kid, so a copy of the database
//! alone holds no usable private key. A previous key-encryption key may still open rows while
//! the operator rotates it (`kordon admin keys rewrap`).
//!
//! A sealed row reads `kordon-sealed-v1:<fingerprint>:<base64(nonce ‖ ciphertext ‖ tag)>`; the
//! fingerprint names the key-encryption key that sealed it (a hash of it, not the key), so a
//! server holding the wrong key says which one the row needs. Rows written before sealing hold
//! the PEM itself; they are sealed at the next start.

use crate::error::{Error, Result};
use aws_lc_rs::aead::{AES_256_GCM, Aad, NONCE_LEN, Nonce, RandomizedNonceKey};
use base64::Engine as _;
use sha2::{Digest, Sha256};

const PREFIX: &str = "kordon-sealed-v1:";
/// Key-encryption keys are 256 bits.
pub const KEY_LEN: usize = 32;

/// A key-encryption key: 32 bytes, written as standard base64. Prints only its fingerprint.
#[derive(Clone)]
pub struct KeyEncryptionKey {
    bytes: [u8; KEY_LEN],
    fingerprint: String,
}

impl KeyEncryptionKey {
    pub fn from_bytes(bytes: [u8; KEY_LEN]) -> Self {
        let mut hash = Sha256::new();
        hash.update(b"kordon key-encryption key fingerprint\0");
        hash.update(bytes);
        let fingerprint = hex::encode(&hash.finalize()[..8]);
        Self { bytes, fingerprint }
    }

    /// A key from its base64 text (surrounding whitespace ignored).
    pub fn parse(text: &str) -> std::result::Result<Self, String> {
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(text.trim())
            .map_err(|_| "not base64 (expected 32 bytes in standard base64, e.g. `openssl rand -base64 32`)")?;
        let bytes: [u8; KEY_LEN] = decoded
            .try_into()
            .map_err(|d: Vec<u8>| format!("{} bytes long; a key-encryption key is {KEY_LEN} bytes", d.len()))?;
        Ok(Self::from_bytes(bytes))
    }

    /// A fresh key from the OS CSPRNG.
    pub fn generate() -> Result<Self> {
        let mut bytes = [0u8; KEY_LEN];
        aws_lc_rs::rand::fill(&mut bytes).map_err(|_| Error::internal("the OS random source failed"))?;
        Ok(Self::from_bytes(bytes))
    }

    /// The base64 text [`KeyEncryptionKey::parse`] reads.
    pub fn encode(&self) -> String {
        base64::engine::general_purpose::STANDARD.encode(self.bytes)
    }

    /// 16 hex digits naming the key (a domain-separated SHA-256 of it), safe to print.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    fn aead(&self) -> Result<RandomizedNonceKey> {
        RandomizedNonceKey::new(&AES_256_GCM, &self.bytes).map_err(|_| Error::internal("AES-256-GCM key setup failed"))
    }
}

impl std::fmt::Debug for KeyEncryptionKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "KeyEncryptionKey({})", self.fingerprint)
    }
}

/// How a stored row was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sealing {
    /// Under the current key-encryption key.
    Current,
    /// Under the previous one: `keys rewrap` moves it to the current key.
    Previous,
    /// Not sealed at all (written before sealing existed).
    Plain,
}

/// Seals and opens signing keys: the current key-encryption key seals, it or the previous one opens.
#[derive(Debug, Clone)]
pub struct KeySealer {
    current: KeyEncryptionKey,
    previous: Option<KeyEncryptionKey>,
}

impl KeySealer {
    pub fn new(current: KeyEncryptionKey, previous: Option<KeyEncryptionKey>) -> Self {
        let previous = previous.filter(|p| p.fingerprint != current.fingerprint);
        Self { current, previous }
    }

    /// The current key-encryption key's fingerprint.
    pub fn fingerprint(&self) -> &str {
        self.current.fingerprint()
    }

    /// The row to store for `kid`'s private key `pem`.
    pub fn seal(&self, kid: &str, pem: &str) -> Result<String> {
        self.seal_with(aad(kid), pem)
    }

    /// The row to store for another secret kordon must read back (an authenticator's secret),
    /// bound to `label` (`totp:<user id>`): it opens under that label only.
    pub fn seal_secret(&self, label: &str, secret: &str) -> Result<String> {
        self.seal_with(secret_aad(label), secret)
    }

    /// A secret [`KeySealer::seal_secret`] sealed, and how; never a plain row.
    pub fn open_secret(&self, label: &str, stored: &str) -> Result<(String, Sealing)> {
        if !stored.starts_with(PREFIX) {
            return Err(Error::internal(format!("the secret of {label} is not sealed")));
        }
        self.open_with(label, secret_aad(label), stored)
    }

    fn seal_with(&self, aad: Aad<Vec<u8>>, plain: &str) -> Result<String> {
        let mut in_out = plain.as_bytes().to_vec();
        let nonce = self
            .current
            .aead()?
            .seal_in_place_append_tag(aad, &mut in_out)
            .map_err(|_| Error::internal("sealing a secret failed"))?;
        let mut blob = nonce.as_ref().to_vec();
        blob.extend_from_slice(&in_out);
        let body = base64::engine::general_purpose::STANDARD.encode(blob);
        Ok(format!("{PREFIX}{}:{body}", self.current.fingerprint()))
    }

    /// The PEM a stored row holds, and how it was stored. An error names the key the row needs
    /// (by fingerprint) and never carries key material.
    pub fn open(&self, kid: &str, stored: &str) -> Result<(String, Sealing)> {
        if !stored.starts_with(PREFIX) {
            if stored.starts_with("-----BEGIN") {
                return Ok((stored.to_owned(), Sealing::Plain));
            }
            return Err(Error::internal(format!("signing key {kid} is neither sealed nor a PEM key")));
        }
        self.open_with(&format!("signing key {kid}"), aad(kid), stored)
    }

    /// Opens a sealed row (`what` names it in errors, which never carry key material).
    fn open_with(&self, what: &str, aad: Aad<Vec<u8>>, stored: &str) -> Result<(String, Sealing)> {
        let rest = stored.strip_prefix(PREFIX).ok_or_else(|| Error::internal(format!("{what} is not sealed")))?;
        let (fingerprint, body) =
            rest.split_once(':').ok_or_else(|| Error::internal(format!("{what}: malformed sealed row")))?;
        let (key, sealing) = if fingerprint == self.current.fingerprint() {
            (&self.current, Sealing::Current)
        } else {
            match &self.previous {
                Some(previous) if fingerprint == previous.fingerprint() => (previous, Sealing::Previous),
                _ => {
                    return Err(Error::internal(format!(
                        "{what} was sealed with the key-encryption key whose fingerprint is \
                         {fingerprint}, but this server holds {}{}: configure signing_keys.encryption_key (or \
                         signing_keys.previous_encryption_key) to that key",
                        self.current.fingerprint(),
                        self.previous.as_ref().map(|p| format!(" and {}", p.fingerprint())).unwrap_or_default(),
                    )));
                }
            }
        };
        let wrong = || Error::internal(format!("{what}: the sealed row does not open (damaged or altered)"));
        let blob = base64::engine::general_purpose::STANDARD.decode(body).map_err(|_| wrong())?;
        if blob.len() < NONCE_LEN {
            return Err(wrong());
        }
        let (nonce, sealed) = blob.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| wrong())?;
        let mut in_out = sealed.to_vec();
        let plain = key.aead()?.open_in_place(nonce, aad, &mut in_out).map_err(|_| wrong())?;
        let plain = String::from_utf8(plain.to_vec()).map_err(|_| wrong())?;
        Ok((plain, sealing))
    }
}

/// The kid is authenticated with the key, so a sealed row cannot be moved to another kid.
fn aad(kid: &str) -> Aad<Vec<u8>> {
    Aad::from([b"kordon signing key\0".as_slice(), kid.as_bytes()].concat())
}

/// Another secret's label, likewise; domain-separated from the signing keys' kids.
fn secret_aad(label: &str) -> Aad<Vec<u8>> {
    Aad::from([b"kordon secret\0".as_slice(), label.as_bytes()].concat())
}

#[cfg(test)]
mod tests {
    use super::*;

    const PEM: &str = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n";

    fn key() -> KeyEncryptionKey {
        KeyEncryptionKey::generate().expect("key")
    }

    #[test]
    fn a_sealed_secret_opens_only_under_its_label() {
        let sealer = KeySealer::new(key(), None);
        let row = sealer.seal_secret("totp:7", "JBSWY3DPEHPK3PXP").expect("seal");
        assert!(!row.contains("JBSWY3DPEHPK3PXP"), "{row}");
        assert_eq!(sealer.open_secret("totp:7", &row).expect("open").0, "JBSWY3DPEHPK3PXP");
        assert!(sealer.open_secret("totp:8", &row).is_err(), "moved to another person");
        assert!(sealer.open("7", &row).is_err() && sealer.open("totp:7", &row).is_err(), "not a signing key");
        assert!(sealer.open_secret("totp:7", "JBSWY3DPEHPK3PXP").is_err(), "a plain row is refused");
        let pem = sealer.seal("kid1", PEM).expect("seal");
        assert!(sealer.open_secret("kid1", &pem).is_err(), "a signing key is no secret");
    }

    #[test]
    fn a_sealed_key_opens_only_with_its_key_and_kid() {
        let (old, new) = (key(), key());
        let sealer = KeySealer::new(old.clone(), None);
        let row = sealer.seal("kid1", PEM).expect("seal");
        assert!(row.starts_with(&format!("kordon-sealed-v1:{}:", old.fingerprint())), "{row}");
        assert!(!row.contains("PRIVATE KEY") && !row.contains("MIIEvQIBADANBgkqhkiG9w0BAQEFAASC"), "{row}");
        assert_eq!(sealer.open("kid1", &row).expect("open"), (PEM.to_owned(), Sealing::Current));
        assert_ne!(sealer.seal("kid1", PEM).expect("seal"), row, "a fresh nonce every time");
        // Moved to another kid, it does not open.
        assert!(sealer.open("kid2", &row).is_err());
        // A server with another key says which key the row needs, and shows no key material.
        let err = KeySealer::new(new.clone(), None).open("kid1", &row).expect_err("wrong key").to_string();
        assert!(err.contains(old.fingerprint()) && err.contains(new.fingerprint()), "{err}");
        assert!(!err.contains(&old.encode()) && !err.contains(&new.encode()), "{err}");
        // During a rotation the previous key still opens it.
        let rotating = KeySealer::new(new, Some(old));
        assert_eq!(rotating.open("kid1", &row).expect("open").1, Sealing::Previous);
        // A damaged row fails cleanly.
        let mut damaged = row.clone();
        damaged.replace_range(row.len() - 6..row.len() - 2, "AAAA");
        assert!(sealer.open("kid1", &damaged).is_err());
        // A row from before sealing is recognised as such.
        assert_eq!(sealer.open("kid1", PEM).expect("plain").1, Sealing::Plain);
    }

    #[test]
    fn keys_parse_from_base64_of_32_bytes_only() {
        let k = key();
        assert_eq!(
            KeyEncryptionKey::parse(&format!(" {}\n", k.encode())).expect("parse").fingerprint(),
            k.fingerprint()
        );
        assert!(KeyEncryptionKey::parse("c2hvcnQ=").expect_err("short").contains("5 bytes"));
        assert!(KeyEncryptionKey::parse("not base64!").is_err());
        assert!(!format!("{k:?}").contains(&k.encode()));
    }
}
