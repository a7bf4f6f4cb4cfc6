//! Hourly caps: so many of a thing per key each clock hour, counted in the store, so every
//! instance spends one allowance. What mails or writes on a stranger's request (reset links,
//! passkey options, address links) is capped this way.

use crate::error::{Error, Result};
use crate::services::{Core, Origin};

impl Core {
    /// Counts one use of `key` in this clock hour; once `limit` are spent, `RateLimited` until
    /// the hour ends (and nothing counted).
    pub(crate) async fn hourly_cap(&self, key: &str, limit: i64) -> Result<()> {
        let now = self.now();
        let hour = now - now.rem_euclid(3600);
        if self.store.count_hit(key, hour, limit).await? {
            return Ok(());
        }
        let retry_after = (hour + 3600 - now).max(1) as u64;
        Err(Error::RateLimited { retry_after, message: "Too Many Attempts.".into() })
    }
}

/// How an hourly cap names the caller's host (its /64 for IPv6): `unknown` when there is none.
pub(crate) fn host_of(origin: &Origin) -> String {
    origin.ip.as_deref().and_then(crate::net::host_key).unwrap_or_else(|| "unknown".into())
}
