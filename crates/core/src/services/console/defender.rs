//! The console's Defender page: the hosts blocked now with the logins tried from them, and
//! unblocking one. An operator sees every block; an account administrator only the blocks earned
//! wholly on its own account's logins (the rule the PBX API's Defender follows: a block earned on
//! anyone else's login is the operator's alone).

use crate::error::{Error, Result};
use crate::services::Core;
use crate::services::console::access::{ConsoleOperator, ConsoleScope};
use crate::services::defender::tenants::Owners;
use crate::types::Block;

/// A block as the console shows it.
#[derive(Debug, Clone)]
pub struct ConsoleBlock {
    pub block: Block,
    /// The logins tried from the host (Defender keys: `email:…`, `phone:…`).
    pub logins: Vec<String>,
}

impl Core {
    /// The blocks this operator may see and lift, newest first as the store lists them.
    pub async fn console_blocks(&self, op: &ConsoleOperator) -> Result<Vec<ConsoleBlock>> {
        let mut owners = Owners::new();
        let mut shown = Vec::new();
        for block in self.defender_blocks().await? {
            let visible = match op.scope {
                ConsoleScope::Platform => true,
                ConsoleScope::Tenant { account_id } => self.block_owned_by(account_id, &block, &mut owners).await?,
            };
            if visible {
                let logins = self.block_logins(&block).await?;
                shown.push(ConsoleBlock { block, logins });
            }
        }
        Ok(shown)
    }

    /// One block this operator may see (`NotFound` otherwise, and for a host not blocked).
    pub async fn console_block(&self, op: &ConsoleOperator, ip: &str) -> Result<ConsoleBlock> {
        let key = crate::net::host_key(ip.trim()).ok_or(Error::NotFound)?;
        let block = self.defender_blocks().await?.into_iter().find(|b| b.ip == key).ok_or(Error::NotFound)?;
        if let ConsoleScope::Tenant { account_id } = op.scope
            && !self.block_owned_by(account_id, &block, &mut Owners::new()).await?
        {
            return Err(Error::NotFound);
        }
        let logins = self.block_logins(&block).await?;
        Ok(ConsoleBlock { block, logins })
    }

    /// Lifts a block this operator may see, audited as `console:<user id>`.
    pub async fn console_unblock(&self, op: &ConsoleOperator, ip: &str) -> Result<()> {
        let shown = self.console_block(op, ip).await?;
        self.defender_unblock(&shown.block.ip, &op.actor()).await
    }
}
