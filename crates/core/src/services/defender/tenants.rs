//! Which tenant a block belongs to: a tenant (an account, a PBX domain) may see and lift a block
//! only when every failure behind it attacked that account's own users. Shared by the PBX
//! dialect's `Defender` object and the admin API.

use crate::error::Result;
use crate::services::Core;
use crate::types::Block;
use std::collections::HashMap;

/// Which account each attacked login belongs to, looked up once per request.
pub(crate) type Owners = HashMap<String, Option<i64>>;

impl Core {
    /// Did every failure behind the block (since the window before it began, including any still
    /// in flight then) attack users of `account_id`? A block with no recorded login, or with one
    /// failure on another account's (or an unknown) login, is the operator's alone.
    pub(crate) async fn block_owned_by(&self, account_id: i64, block: &Block, owners: &mut Owners) -> Result<bool> {
        let attacked = self.block_logins(block).await?;
        if attacked.is_empty() {
            return Ok(false);
        }
        for account in attacked {
            let owner = match owners.get(&account) {
                Some(owner) => *owner,
                None => {
                    let owner = self.login_account_id(&account).await?;
                    owners.insert(account, owner);
                    owner
                }
            };
            if owner != Some(account_id) {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// The logins (`email:…`, `phone:…`; "" when none was named) attacked from the block's host
    /// since the window before it began.
    pub(crate) async fn block_logins(&self, block: &Block) -> Result<Vec<String>> {
        let since = block.blocked_at.saturating_sub(self.settings.defender.window);
        Ok(self.store.attacked_accounts(&block.ip, since, self.now()).await?)
    }

    /// The account of the user a Defender login key (`email:…`, `phone:…`) names.
    async fn login_account_id(&self, key: &str) -> Result<Option<i64>> {
        Ok(self.login_user(key).await?.map(|u| u.account_id))
    }

    /// The user a Defender login key (`email:…`, `phone:…`, `mfa:<id>`, `sipuser:<id>`) names, if anyone
    /// has it.
    pub(crate) async fn login_user(&self, key: &str) -> Result<Option<crate::types::User>> {
        Ok(if let Some(email) = key.strip_prefix("email:") {
            self.store.user_by_email(email).await?
        } else if let Some(phone) = key.strip_prefix("phone:") {
            self.store.user_by_phone(phone).await?
        } else if let Some(id) = key.strip_prefix(crate::services::mfa::MFA_KEY).and_then(|id| id.parse().ok()) {
            self.store.user(id).await?
        } else if let Some(id) =
            key.strip_prefix(crate::services::telephony::edge::SIP_USER_KEY).and_then(|id| id.parse().ok())
        {
            // A SIP user a reported failure named (see `telephony::edge`).
            self.store.user(id).await?
        } else {
            None
        })
    }
}
