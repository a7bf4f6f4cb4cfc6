//! The key files kordon makes beside its data when no key is configured (the signing keys'
//! key-encryption key, the FlashCall PIN key): written once, owner-only, and checked on read.

use std::path::Path;

/// Writes a new file readable by its owner alone (0600); fails when it already exists.
pub(crate) fn write_new(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()
}

/// Logs a warning when others than the owner may read `path` (`what` names the file).
pub(crate) fn warn_if_readable_by_others(path: &Path, what: &str) {
    #[cfg(unix)]
    if let Ok(meta) = std::fs::metadata(path) {
        use std::os::unix::fs::PermissionsExt as _;
        if meta.permissions().mode() & 0o077 != 0 {
            tracing::warn!(file = %path.display(), "the {what} file is readable by others: chmod 600 it");
        }
    }
    #[cfg(not(unix))]
    let _ = (path, what);
}
