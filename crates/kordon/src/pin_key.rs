//! The FlashCall PIN key (the HMAC key of stored PIN digests): `flashcall.pin_key` when the
//! configuration sets it, else `<data_dir>/pin.key`, made (mode 0600) at the first start. It
//! lives outside the database on purpose: a dump of the database must not reveal PINs.

use kordon_core::settings::FlashcallLimits;
use secrecy::{ExposeSecret as _, SecretString};
use std::io::ErrorKind;
use std::path::Path;

/// The key file's name in the data folder.
pub const FILE: &str = "pin.key";

/// The key to use: the configured one, or the data folder's key file (made when missing).
/// `shared_store`: the database may serve several instances (PostgreSQL), which must then share
/// one key.
pub fn resolve(configured: &SecretString, data_dir: &Path, shared_store: bool) -> Result<SecretString, String> {
    if !configured.expose_secret().trim().is_empty() {
        check(configured.expose_secret()).map_err(|e| format!("flashcall.pin_key {e}"))?;
        return Ok(configured.clone());
    }
    let path = data_dir.join(FILE);
    if make_if_missing(data_dir)? {
        if shared_store {
            tracing::warn!(
                path = %path.display(),
                "made a FlashCall PIN key file: every instance on this database must use the same key \
                 (set flashcall.pin_key on each), or PINs placed by one fail on another"
            );
        } else {
            tracing::info!(path = %path.display(), "made a FlashCall PIN key file");
        }
    }
    let key = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    check(&key)
        .map_err(|e| format!("{} {e} (delete it to have a new one made, or set flashcall.pin_key)", path.display()))?;
    crate::key_file::warn_if_readable_by_others(&path, "FlashCall PIN key");
    Ok(SecretString::from(key.trim().to_owned()))
}

fn check(key: &str) -> Result<(), String> {
    let min = FlashcallLimits::PIN_KEY_MIN_LEN;
    match key.trim().len() {
        n if n < min => Err(format!("must be at least {min} characters (it has {n})")),
        _ => Ok(()),
    }
}

/// Makes the key file unless it exists; true when this call made it. Written under a temporary
/// name and hard-linked into place, so that two processes starting at once agree on one key
/// and nobody ever reads a half-written file.
fn make_if_missing(dir: &Path) -> Result<bool, String> {
    let path = dir.join(FILE);
    if path.exists() {
        return Ok(false);
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let temporary = dir.join(format!(".{FILE}.{}", kordon_core::secrets::random_token(12)));
    let written = crate::key_file::write_new(&temporary, &format!("{}\n", kordon_core::secrets::random_token(43)));
    let linked = written.and_then(|()| std::fs::hard_link(&temporary, &path));
    let _ = std::fs::remove_file(&temporary);
    match linked {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(format!("cannot make {}: {e} (or set flashcall.pin_key)", path.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_file_is_made_once_and_then_read() {
        let dir = tempfile::tempdir().expect("tempdir");
        let data = dir.path().join("data");
        let first = resolve(&SecretString::default(), &data, false).expect("made");
        assert_eq!(first.expose_secret().len(), 43);
        let again = resolve(&SecretString::default(), &data, false).expect("read");
        assert_eq!(first.expose_secret(), again.expose_secret());
        let leftovers: Vec<_> = std::fs::read_dir(&data).expect("dir").flatten().map(|e| e.file_name()).collect();
        assert_eq!(leftovers, [FILE], "no temporary file is left behind");
    }

    #[test]
    fn a_configured_key_wins_and_a_short_one_is_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let key = SecretString::from("k".repeat(32));
        let used = resolve(&key, dir.path(), true).expect("configured");
        assert_eq!(used.expose_secret(), key.expose_secret());
        assert!(!dir.path().join(FILE).exists(), "a configured key makes no file");
        let short = resolve(&SecretString::from("short".to_owned()), dir.path(), true).expect_err("short");
        assert!(short.contains("flashcall.pin_key must be at least 32 characters"), "{short}");
        std::fs::write(dir.path().join(FILE), "tiny\n").expect("write");
        let bad = resolve(&SecretString::default(), dir.path(), false).expect_err("short file");
        assert!(bad.contains("pin.key must be at least 32 characters"), "{bad}");
    }
}
