//! Who may enter the console, and how far they see. Every console page passes this one rule
//! ([`Core::console_access`]) on every request, server-side.

use crate::error::{Error, Result};
use crate::services::Core;
use crate::types::{Role, User};

/// How far a console user sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsoleScope {
    /// The whole platform (the `operator` role).
    Platform,
    /// One tenant: the account an `lk_admin` administers (its users, the blocks earned on its
    /// logins).
    Tenant { account_id: i64 },
}

/// A user allowed into the console, with the scope of what they see.
#[derive(Debug, Clone)]
pub struct ConsoleOperator {
    pub user: User,
    pub scope: ConsoleScope,
}

impl ConsoleOperator {
    /// Sees the whole platform (keys, every tenant).
    pub fn platform(&self) -> bool {
        self.scope == ConsoleScope::Platform
    }

    /// Whether `user` is within this operator's scope: everyone for the platform; for a tenant,
    /// its account's users but an operator.
    pub fn sees(&self, user: &User) -> bool {
        match self.scope {
            ConsoleScope::Platform => true,
            ConsoleScope::Tenant { account_id } => user.account_id == account_id && user.role != Role::Operator,
        }
    }

    /// How the audit log names this operator's actions.
    pub fn actor(&self) -> String {
        format!("console:{}", self.user.email)
    }
}

impl Core {
    /// The console's one access rule: an operator enters with the whole platform, an `lk_admin`
    /// with their own tenant; every other role is refused (`Forbidden`).
    // TODO(console): the same rule as the admin API's `Admin::of` (h/adminapi); once both are in
    // main, this becomes `Admin::of(user, "console")` and ConsoleOperator that `Admin`.
    pub fn console_access(&self, user: User) -> Result<ConsoleOperator> {
        let scope = match user.role {
            Role::Operator => ConsoleScope::Platform,
            Role::LkAdmin => ConsoleScope::Tenant { account_id: user.account_id },
            Role::LkUser => return Err(Error::forbidden("The console is for operators and account administrators.")),
        };
        Ok(ConsoleOperator { user, scope })
    }
}

/// `Forbidden` unless the operator sees the whole platform.
pub(crate) fn platform_only(op: &ConsoleOperator) -> Result<()> {
    match op.platform() {
        true => Ok(()),
        false => Err(Error::forbidden("Only an operator of the platform may do this.")),
    }
}
