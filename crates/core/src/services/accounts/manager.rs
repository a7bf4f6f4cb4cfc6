//! The contract's manager: the contact person assigned to the caller's account.

use crate::error::{Error, Result};
use crate::services::{Core, Principal};
use crate::types::Manager;

impl Core {
    /// The manager of the caller's account; NotFound when none is assigned.
    pub async fn manager(&self, principal: &Principal) -> Result<Manager> {
        self.store.account_manager(principal.user.account_id).await?.ok_or(Error::NotFound)
    }
}
