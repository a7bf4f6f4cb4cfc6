//! The console's Keys page: the JWT signing keys with their age, and rotation. The platform's
//! alone: an account administrator is refused.

use crate::error::Result;
use crate::services::Core;
use crate::services::console::access::{ConsoleOperator, platform_only};

/// A signing key as the console shows it (never its private part).
#[derive(Debug, Clone)]
pub struct ConsoleKey {
    pub kid: String,
    /// Unix seconds.
    pub created_at: i64,
    /// Published (its tokens still verify) until then; none: the key that signs now.
    pub retires_at: Option<i64>,
}

impl Core {
    /// The stored signing keys still published: the one that signs first, then newest first.
    pub async fn console_keys(&self, op: &ConsoleOperator) -> Result<Vec<ConsoleKey>> {
        platform_only(op)?;
        let now = self.now();
        let mut keys: Vec<ConsoleKey> = self
            .store
            .signing_keys()
            .await?
            .into_iter()
            .filter(|k| k.not_after.is_none_or(|t| t > now))
            .map(|k| ConsoleKey { kid: k.kid, created_at: k.created_at, retires_at: k.not_after })
            .collect();
        // The key that signs first, then the others newest first.
        keys.sort_by(|a, b| {
            (a.retires_at.is_some(), b.created_at, b.retires_at).cmp(&(
                b.retires_at.is_some(),
                a.created_at,
                a.retires_at,
            ))
        });
        Ok(keys)
    }

    /// Rotates the signing keys as `kordon admin keys rotate` does, audited as the operator;
    /// the new key's id.
    pub async fn console_rotate_keys(&self, op: &ConsoleOperator) -> Result<String> {
        platform_only(op)?;
        let longest = self.longest_client_ttl().await?;
        self.rotate_keys_as(longest, &op.actor(), "console").await
    }
}
