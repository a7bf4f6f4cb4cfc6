//! Who stands behind an application, as its consent page names it: the platform's operator (a
//! client made with `kordon admin client create` and no owner), or the account of the customer
//! who registered it (RFC 9700 §4.11.2: the user decides whom to trust, so say who it is).

use crate::error::Result;
use crate::services::Core;
use crate::types::Client;

/// The owner of a client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Publisher {
    /// The operator's own application (no owner).
    Platform,
    /// A customer's: the account, its domain name if it has one, and the registrant's email.
    Account { account_id: i64, domain: Option<String>, contact: String },
    /// Owned by a user kordon no longer finds.
    Unknown,
}

impl Core {
    /// Who registered `client`.
    pub async fn client_publisher(&self, client: &Client) -> Result<Publisher> {
        let Some(owner) = client.owner_user_id else { return Ok(Publisher::Platform) };
        let Some(user) = self.user_by_id(owner).await? else { return Ok(Publisher::Unknown) };
        let domain = self.store.domain(user.account_id).await?.and_then(|d| d.name);
        Ok(Publisher::Account { account_id: user.account_id, domain, contact: user.email })
    }
}
