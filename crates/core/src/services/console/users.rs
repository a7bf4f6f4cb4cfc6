//! The console's Users pages: find a user by email, their page (tenant, role, state, live
//! sessions and API tokens), disable and enable. An account administrator finds only the users
//! of its own account; anyone else's is `NotFound`, as one that does not exist.

use crate::error::{Error, Result};
use crate::services::Core;
use crate::services::admin::lifecycle::UserSessions;
use crate::services::console::access::ConsoleOperator;

impl Core {
    /// The user with this email, with their sessions, if this operator sees them.
    // TODO(console): by id, with consents and recent events, once the admin API's core has them.
    pub async fn console_user(&self, op: &ConsoleOperator, email: &str) -> Result<UserSessions> {
        let (user, _) = self.admin_find_user(email).await.map_err(|e| match e {
            Error::Validation { .. } => Error::NotFound,
            other => other,
        })?;
        if !op.sees(&user) {
            return Err(Error::NotFound);
        }
        self.admin_user_sessions(&user.email).await
    }

    /// Disables (`true`) or enables a user this operator sees, audited as `console:<user id>`;
    /// false when it already was so. Nobody disables themselves here (they would lock themselves
    /// out of the console mid-sentence).
    pub async fn console_set_user_disabled(&self, op: &ConsoleOperator, email: &str, disabled: bool) -> Result<bool> {
        let target = self.console_user(op, email).await?;
        if disabled && target.user.id == op.user.id {
            return Err(Error::refused("You cannot disable your own account."));
        }
        self.admin_set_user_disabled(&target.user.email, disabled, &op.actor()).await
    }
}
