//! The key-encryption key that seals the JWT signing keys in the database: from
//! `signing_keys.encryption_key` (configuration or environment), else from a key file — by default
//! `DATA_DIR/signing-keys.key`, made with a fresh key (mode 0600) when it does not exist, so the
//! embedded default needs no setup and a copy of the database alone holds no private key.

use crate::config::Config;
use kordon_core::services::{KeyEncryptionKey, KeySealer};
use secrecy::{ExposeSecret, SecretString};
use std::path::{Path, PathBuf};

/// The default key file's name in the data directory.
pub const KEY_FILE: &str = "signing-keys.key";

/// The sealer the configuration names (making the key file on first start).
pub fn sealer(config: &Config) -> Result<KeySealer, String> {
    let keys = &config.signing_keys;
    let current = match configured(&keys.encryption_key) {
        Some(text) => KeyEncryptionKey::parse(text).map_err(|why| format!("signing_keys.encryption_key: {why}"))?,
        None => from_file(&key_file(config))?,
    };
    let previous = configured(&keys.previous_encryption_key)
        .map(|text| KeyEncryptionKey::parse(text).map_err(|why| format!("signing_keys.previous_encryption_key: {why}")))
        .transpose()?;
    Ok(KeySealer::new(current, previous))
}

/// Where the key lives when it is not configured.
pub fn key_file(config: &Config) -> PathBuf {
    match config.signing_keys.encryption_key_file.trim() {
        "" => config.server.data_dir.join(KEY_FILE),
        path => PathBuf::from(path),
    }
}

fn configured(secret: &Option<SecretString>) -> Option<&str> {
    secret.as_ref().map(|s| s.expose_secret().trim()).filter(|s| !s.is_empty())
}

/// Reads the key file, or makes it with a fresh key when it does not exist. Two processes
/// starting at once agree: the file is created exclusively, and the loser reads the winner's.
fn from_file(path: &Path) -> Result<KeyEncryptionKey, String> {
    let shown = path.display();
    match std::fs::read_to_string(path) {
        Ok(text) => {
            crate::key_file::warn_if_readable_by_others(path, "signing key");
            return KeyEncryptionKey::parse(&text).map_err(|why| format!("signing key file {shown}: {why}"));
        }
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
        Err(err) => return Err(format!("signing key file {shown}: {err}")),
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| format!("signing key file {shown}: {e}"))?;
    }
    let key = KeyEncryptionKey::generate().map_err(|e| format!("signing key file {shown}: {e}"))?;
    match crate::key_file::write_new(path, &format!("{}\n", key.encode())) {
        Ok(()) => {
            tracing::info!(
                file = %shown,
                fingerprint = key.fingerprint(),
                "made the key-encryption key of the signing keys; back it up apart from the database"
            );
            Ok(key)
        }
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {
            let text = std::fs::read_to_string(path).map_err(|e| format!("signing key file {shown}: {e}"))?;
            KeyEncryptionKey::parse(&text).map_err(|why| format!("signing key file {shown}: {why}"))
        }
        Err(err) => Err(format!("signing key file {shown}: {err}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_file_is_made_once_private_and_then_read() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut config = Config::default();
        config.server.data_dir = dir.path().join("data");
        let made = sealer(&config).expect("made");
        let path = dir.path().join("data").join(KEY_FILE);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("file").permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        assert_eq!(sealer(&config).expect("read").fingerprint(), made.fingerprint(), "the same key next time");
        // A configured key wins over the file; a malformed one is refused by name.
        let other = KeyEncryptionKey::generate().expect("key");
        config.signing_keys.encryption_key = Some(other.encode().into());
        assert_eq!(sealer(&config).expect("configured").fingerprint(), other.fingerprint());
        config.signing_keys.encryption_key = Some("c2hvcnQ=".into());
        assert!(sealer(&config).expect_err("short").starts_with("signing_keys.encryption_key: 5 bytes"));
    }
}
