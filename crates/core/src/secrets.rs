//! Randomness and digests for every secret kordon hands out: tokens from the OS CSPRNG,
//! stored only as SHA-256 digests (low-entropy ones, PINs, as HMACs under a server key),
//! compared in constant time.

use rand::TryRngCore;
use rand::rngs::OsRng;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

const ALPHANUMERIC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// `len` characters of `[A-Za-z0-9]` from the OS CSPRNG (32 characters ≈ 190 bits).
pub fn random_token(len: usize) -> String {
    random_from(ALPHANUMERIC, len)
}

/// `len` decimal digits from the OS CSPRNG (FlashCall PINs).
pub fn random_digits(len: usize) -> String {
    random_from(b"0123456789", len)
}

fn random_from(alphabet: &[u8], len: usize) -> String {
    // Rejection sampling keeps every symbol equally likely.
    let limit = 256 - (256 % alphabet.len());
    let mut out = String::with_capacity(len);
    let mut buf = [0u8; 64];
    while out.len() < len {
        OsRng.try_fill_bytes(&mut buf).expect("the OS random source failed");
        for &b in &buf {
            if (b as usize) < limit && out.len() < len {
                out.push(alphabet[b as usize % alphabet.len()] as char);
            }
        }
    }
    out
}

/// Hex SHA-256 of a secret: the only form in which tokens are stored and looked up.
pub fn digest(secret: &str) -> String {
    // Into a buffer: `hex::encode` collects the digits one at a time through an iterator (0.4 %
    // of a bearer-checked mint's samples on its own, 2026-12-07 profile).
    let mut text = [0u8; 64];
    let Ok(()) = hex::encode_to_slice(Sha256::digest(secret.as_bytes()), &mut text) else {
        unreachable!("a SHA-256 is 32 bytes, 64 hex digits")
    };
    String::from_utf8_lossy(&text).into_owned()
}

/// Hex HMAC-SHA256 under `key` of `parts`, each length-prefixed (so no two lists of parts
/// collide). For secrets too small to survive an unkeyed digest in a database dump (a 4-digit PIN
/// falls in 10^4 tries): without the key, the digest says nothing.
pub fn keyed_digest(key: &[u8], parts: &[&str]) -> String {
    use hmac::{Hmac, Mac};
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key) else { unreachable!("HMAC takes keys of any length") };
    for part in parts {
        mac.update(&(part.len() as u64).to_be_bytes());
        mac.update(part.as_bytes());
    }
    hex::encode(mac.finalize().into_bytes())
}

/// Constant-time equality of two strings (digests, PINs).
pub fn equal(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_have_the_asked_shape_and_differ() {
        let a = random_token(32);
        let b = random_token(32);
        assert_eq!(a.len(), 32);
        assert!(a.chars().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(a, b);
        let pin = random_digits(4);
        assert_eq!(pin.len(), 4);
        assert!(pin.chars().all(|c| c.is_ascii_digit()));
    }

    #[test]
    fn digest_is_hex_sha256_and_comparison_is_exact() {
        assert_eq!(digest("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert!(equal("abc", "abc"));
        assert!(!equal("abc", "abd"));
        assert!(!equal("abc", "abcd"));
    }

    #[test]
    fn keyed_digest_is_hmac_sha256_of_length_prefixed_parts() {
        // python3 -c 'import hmac,hashlib,struct; p=lambda s: struct.pack(">Q",len(s))+s;
        //   print(hmac.new(b"k"*32, p(b"login")+p(b"7999"), hashlib.sha256).hexdigest())'
        let key = [b'k'; 32];
        assert_eq!(
            keyed_digest(&key, &["login", "7999"]),
            "ee8ca7517def70171dacf58c3834cd1a642bdc05a0f7d1a1cd70ff283f42093a"
        );
        assert_ne!(keyed_digest(&key, &["ab", "c"]), keyed_digest(&key, &["a", "bc"]));
        assert_ne!(keyed_digest(&key, &["login", "7999"]), keyed_digest(&[b'j'; 32], &["login", "7999"]));
    }
}
