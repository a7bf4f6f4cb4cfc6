//! Which application is calling: the cabinet's `Client` header names a client that must exist
//! and be allowed the grant the dialect needs.

use crate::error::{Error, Result};
use crate::services::Core;
use crate::types::Client;

impl Core {
    /// The client a request names, if it exists and may use `grant`.
    pub async fn client_for(&self, raw: Option<&str>, grant: &str) -> Result<Client> {
        let raw = raw.map(str::trim).filter(|r| !r.is_empty()).ok_or_else(|| Error::required("client"))?;
        let invalid = || Error::validation("client", "The selected client is invalid.");
        let id: i64 = raw.parse().map_err(|_| invalid())?;
        match self.client_by_id(id).await? {
            Some(client) if client.allows(grant) => Ok(client),
            _ => Err(invalid()),
        }
    }
}
