//! A PBX administrator's view of the Defender: the blocks its domain may see and lift, a bounded
//! page at a time.

use crate::error::{Error, Result};
use crate::services::defender::tenants::Owners;
use crate::services::{Core, PbxAdmin};
use crate::types::Block;

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
            if !self.block_owned_by(admin.account_id, &block, &mut owners).await? {
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
        if !self.block_owned_by(admin.account_id, &block, &mut Owners::new()).await? {
            return Err(Error::NotFound);
        }
        self.defender_unblock(ip, &format!("pbx:{}", admin.actor)).await
    }
}
