//! A console session: a first-party session ([`crate::services::first_party`]) whose user
//! passed the console's access rule ([`Core::console_access`]).

use crate::error::Result;
use crate::services::Core;
use crate::services::console::access::ConsoleOperator;
use crate::services::first_party::{FirstPartyClient, FirstPartySession};

/// A live console session: who is signed in, how far they see, and the session itself (its
/// CSRF token, its end).
#[derive(Debug, Clone)]
pub struct ConsoleSession {
    pub operator: ConsoleOperator,
    pub signed_in: FirstPartySession,
}

impl Core {
    /// The console session an access token names: `Unauthenticated` when there is none (no
    /// token, expired, revoked, or another client's), `Forbidden` when its user may not use the
    /// console.
    pub async fn console_session(&self, client: &FirstPartyClient, token: Option<&str>) -> Result<ConsoleSession> {
        let signed_in = self.first_party_session(client, token).await?;
        let operator = self.console_access(signed_in.user.clone())?;
        Ok(ConsoleSession { operator, signed_in })
    }
}
