//! The Defender's blocks as an administrator sees and lifts them: the operator every block, a
//! tenant only the blocks earned on its own logins (the PBX dialect's rule, see
//! `defender::tenants`), each with the logins tried from the host.

use super::scope::Admin;
use crate::error::{Error, Result};
use crate::services::Core;
use crate::services::defender::tenants::Owners;
use crate::types::Block;

/// A blocked host with the logins tried from it.
#[derive(Debug, Clone)]
pub struct AdminBlock {
    /// `blocked_at` is when the block began, `blocked_until` when it ends (Unix seconds).
    pub block: Block,
    /// The logins whose checks failed from the host since the window before the block began:
    /// `email:<address>` or `phone:<digits>`.
    pub logins: Vec<String>,
}

impl Core {
    /// One page (1-based) of the blocks in scope, soonest to end first, at most
    /// `limits.blocks_per_page`, and whether more follow.
    pub async fn admin_blocks(&self, admin: &Admin, page: i64) -> Result<(Vec<AdminBlock>, bool)> {
        let per_page = self.settings.limits.blocks_per_page.max(1);
        let skip = page.max(1).saturating_sub(1).saturating_mul(per_page);
        let mut owners = Owners::new();
        let (mut seen, mut shown) = (0_i64, Vec::new());
        for block in self.defender_blocks().await? {
            if let Some(account) = admin.account()
                && !self.block_owned_by(account, &block, &mut owners).await?
            {
                continue;
            }
            seen += 1;
            if seen <= skip {
                continue;
            }
            if shown.len() as i64 == per_page {
                return Ok((shown, true));
            }
            let logins = self.block_logins(&block).await?.into_iter().filter(|l| !l.is_empty()).collect();
            shown.push(AdminBlock { block, logins });
        }
        Ok((shown, false))
    }

    /// Lifts a block in scope (audited `defender.unblock` with the administrator as actor). A host that is
    /// not blocked, or whose block is not the tenant's, is NotFound; an `ip` that is no IP address
    /// a validation error.
    pub async fn admin_unblock(&self, admin: &Admin, ip: &str) -> Result<()> {
        let key = crate::net::host_key(ip.trim())
            .ok_or_else(|| Error::validation("ip", "The ip must be a valid IP address (or an IPv6 /64)."))?;
        let block = self.defender_blocks().await?.into_iter().find(|b| b.ip == key).ok_or(Error::NotFound)?;
        if let Some(account) = admin.account()
            && !self.block_owned_by(account, &block, &mut Owners::new()).await?
        {
            return Err(Error::NotFound);
        }
        self.defender_unblock(&key, &admin.actor()).await
    }
}
