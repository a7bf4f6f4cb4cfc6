//! The Defender: one engine before and after every credential check of every dialect.
//! A host is charged an attempt *before* its credential is checked (and refunded when the check
//! passes), so a burst cannot slip more checks past the threshold than the threshold allows;
//! past it the host is blocked. A login attacked from many hosts is slowed, never locked.

use super::Core;
use crate::error::{Error, Result};
use crate::types::Block;
use std::future::Future;
use std::time::Duration;

impl Core {
    /// Runs `check` (a credential check for `account`, from `host`) under the Defender.
    /// Only [`Error::Credential`] answers count as failures.
    pub async fn defended<T>(
        &self,
        host: Option<&str>,
        account: Option<&str>,
        check: impl Future<Output = Result<T>>,
    ) -> Result<T> {
        let settings = &self.settings.defender;
        let host = self.counted_host(host);
        let host = host.as_deref();
        let now = self.now();
        let mut charged = None;
        if let Some(host) = host {
            match self.store.charge_host(host, settings.window, now).await? {
                None => return Err(self.blocked_error(host, now).await?),
                Some(n) if n > settings.host_failures => {
                    self.block(host, account, now).await?;
                    return Err(self.blocked_error(host, now).await?);
                }
                Some(n) => charged = Some(n),
            }
        }
        if let Some(account) = account {
            let failures = self.store.account_failures(account, settings.window, now).await?;
            if let Some(delay) = account_delay(failures, settings.account_failures, settings) {
                tracing::warn!(delay_ms = delay.as_millis() as u64, "login under attack: slowing its checks");
                tokio::time::sleep(delay).await;
            }
        }
        let result = check.await;
        match (&result, host) {
            (Err(Error::Credential { .. }), _) => {
                if let Some(account) = account {
                    self.store.account_failure(account, settings.window, now).await?;
                }
                if let Some(host) = host {
                    self.store.record_failure(host, account.unwrap_or_default(), now).await?;
                }
                if let (Some(host), Some(n)) = (host, charged)
                    && n >= settings.host_failures
                {
                    self.block(host, account, now).await?;
                }
            }
            (Ok(_), host) => {
                if let Some(host) = host {
                    self.store.refund_host(host).await?;
                }
                if let Some(account) = account {
                    self.store.clear_account_failures(account).await?;
                }
            }
            (Err(_), Some(host)) => self.store.refund_host(host).await?,
            (Err(_), None) => {}
        }
        result
    }

    /// Refuses a blocked host without charging it (requests that check no credential themselves).
    pub async fn refuse_if_blocked(&self, host: Option<&str>) -> Result<()> {
        let Some(host) = self.counted_host(host) else { return Ok(()) };
        match self.store.host_blocked_until(&host, self.now()).await? {
            Some(until) => Err(Error::Blocked { retry_after: (until - self.now()).max(1) as u64 }),
            None => Ok(()),
        }
    }

    /// The key a client host is counted by (see [`crate::net::host_key`]); none when allowlisted.
    pub(crate) fn counted_host(&self, host: Option<&str>) -> Option<String> {
        host.filter(|h| !self.allowlist.contains_str(h)).and_then(crate::net::host_key)
    }

    async fn block(&self, host: &str, account: Option<&str>, now: i64) -> Result<()> {
        let s = &self.settings.defender;
        let reason = format!("{} failed credential checks within {} s", s.host_failures, s.window);
        if let Some(until) = self.store.block_host(host, s.block, s.max_block, &reason, account, now).await? {
            tracing::warn!(host, blocked_until = until, "the Defender blocked a host");
        }
        Ok(())
    }

    async fn blocked_error(&self, host: &str, now: i64) -> Result<Error> {
        let until = self.store.host_blocked_until(host, now).await?.unwrap_or(now + 1);
        Ok(Error::Blocked { retry_after: (until - now).max(1) as u64 })
    }

    /// The hosts blocked now.
    pub async fn defender_blocks(&self) -> Result<Vec<Block>> {
        Ok(self.store.blocks(self.now()).await?)
    }

    /// Lifts a block (audited with `actor`); NotFound when the host is not blocked.
    pub async fn defender_unblock(&self, ip: &str, actor: &str) -> Result<()> {
        let ip = crate::net::host_key(ip)
            .ok_or_else(|| Error::validation("ip", "The ip must be a valid IP address (or an IPv6 /64)."))?;
        let ip = ip.as_str();
        match self.store.unblock_host(ip, actor, self.now()).await? {
            true => {
                tracing::info!(host = ip, actor, "a Defender block was lifted");
                Ok(())
            }
            false => Err(Error::NotFound),
        }
    }

    pub async fn audit_entries(&self, limit: i64) -> Result<Vec<crate::types::AuditEntry>> {
        Ok(self.store.audit_log(limit.clamp(1, 10_000)).await?)
    }
}

/// The growing delay for a login with `failures` recent failures (none below the threshold).
fn account_delay(failures: i64, threshold: i64, s: &crate::settings::DefenderSettings) -> Option<Duration> {
    if failures < threshold || s.account_delay_ms == 0 {
        return None;
    }
    let doublings = (failures - threshold).clamp(0, 16) as u32;
    let ms = s.account_delay_ms.saturating_mul(1 << doublings).min(s.account_max_delay_ms);
    Some(Duration::from_millis(ms))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_account_delay_grows_and_is_capped() {
        let s = crate::settings::DefenderSettings::default();
        assert_eq!(account_delay(4, 5, &s), None);
        assert_eq!(account_delay(5, 5, &s), Some(Duration::from_millis(250)));
        assert_eq!(account_delay(6, 5, &s), Some(Duration::from_millis(500)));
        assert_eq!(account_delay(60, 5, &s), Some(Duration::from_millis(4000)));
    }
}
