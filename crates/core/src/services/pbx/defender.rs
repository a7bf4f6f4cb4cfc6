//! A PBX administrator's view of the Defender: the blocks its domain may see and lift, a bounded
//! page at a time.

use crate::error::{Error, Result};
use crate::services::{Core, PbxAdmin};
use crate::types::Block;
use std::collections::HashMap;

/// Which account each attacked login belongs to, looked up once per request.
pub(crate) type Owners = HashMap<String, Option<i64>>;

impl Core {
    /// One page (1-based) of the blocks a tenant may see and lift, at most
    /// `limits.blocks_per_page`, and whether more follow. A tenant sees only blocks caused by
    /// attacks on its own users: a block whose failures touched any other login (another
    /// domain's, an unknown one, or none) is the operator's, so nobody can lift a block earned by
    /// guessing someone else's password.
    pub async fn pbx_blocks(&self, admin: &PbxAdmin, page: i64) -> Result<(Vec<Block>, bool)> {
        let per_page = self.settings.limits.blocks_per_page.max(1);
        let skip = page.max(1).saturating_sub(1).saturating_mul(per_page);
        let mut owners = Owners::new();
        let (mut seen, mut mine) = (0_i64, Vec::new());
        for block in self.defender_blocks().await? {
            if !self.tenant_owns(admin, &block, &mut owners).await? {
                continue;
            }
            seen += 1;
            if seen <= skip {
                continue;
            }
            if mine.len() as i64 == per_page {
                return Ok((mine, true));
            }
            mine.push(block);
        }
        Ok((mine, false))
    }

    /// Lifts a block the tenant may see (audited with the administrator's login).
    pub async fn pbx_unblock(&self, admin: &PbxAdmin, ip: Option<&str>) -> Result<()> {
        let ip = ip.map(str::trim).filter(|i| !i.is_empty()).ok_or_else(|| Error::required("ip"))?;
        let key =
            crate::net::host_key(ip).ok_or_else(|| Error::validation("ip", "The ip must be a valid IP address."))?;
        let block = self.defender_blocks().await?.into_iter().find(|b| b.ip == key).ok_or(Error::NotFound)?;
        if !self.tenant_owns(admin, &block, &mut Owners::new()).await? {
            return Err(Error::NotFound);
        }
        self.defender_unblock(ip, &format!("pbx:{}", admin.actor)).await
    }

    /// Did every failure behind the block (since the window before it began, including any still
    /// in flight then) attack this domain's users?
    async fn tenant_owns(&self, admin: &PbxAdmin, block: &Block, owners: &mut Owners) -> Result<bool> {
        let attacked = self.block_logins(block).await?;
        self.logins_of_account(admin.account_id, &attacked, owners).await
    }

    /// The logins attacked from the block's host since the window before the block began (the
    /// failures that earned it, and any still in flight then), as Defender keys (`email:…`).
    pub(crate) async fn block_logins(&self, block: &Block) -> Result<Vec<String>> {
        let since = block.blocked_at.saturating_sub(self.settings.defender.window);
        Ok(self.store.attacked_accounts(&block.ip, since, self.now()).await?)
    }

    /// Whether every one of `logins` (Defender keys) belongs to a user of `account_id`; none is
    /// no (a block earned on no login is the operator's). `owners` caches the lookups.
    pub(crate) async fn logins_of_account(
        &self,
        account_id: i64,
        logins: &[String],
        owners: &mut Owners,
    ) -> Result<bool> {
        if logins.is_empty() {
            return Ok(false);
        }
        for account in logins {
            let owner = match owners.get(account) {
                Some(owner) => *owner,
                None => {
                    let owner = self.login_account_id(account).await?;
                    owners.insert(account.clone(), owner);
                    owner
                }
            };
            if owner != Some(account_id) {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// The account of the user a Defender login key (`email:…`, `phone:…`) names.
    async fn login_account_id(&self, key: &str) -> Result<Option<i64>> {
        let user = if let Some(email) = key.strip_prefix("email:") {
            self.store.user_by_email(email).await?
        } else if let Some(phone) = key.strip_prefix("phone:") {
            self.store.user_by_phone(phone).await?
        } else {
            None
        };
        Ok(user.map(|u| u.account_id))
    }
}
