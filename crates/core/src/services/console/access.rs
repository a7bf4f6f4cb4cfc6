//! Who may enter the console, and how far they see. Every console page passes this one rule
//! ([`Core::console_access`]) on every request, server-side.

use crate::error::{Error, Result};
use crate::services::Core;
use crate::services::admin::scope::{Admin, AdminScope};
use crate::types::{Role, User};

/// The channel the audit log names for the console's actions.
const CHANNEL: &str = "console";

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
    /// The same person as the admin services take them (their `admin_*` functions scope by it).
    admin: Admin,
}

impl ConsoleOperator {
    /// This operator as the admin services take them, acting through the console.
    pub fn admin(&self) -> &Admin {
        &self.admin
    }

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

    /// How the audit log names this operator's actions: `console:<user id>`, as the admin API
    /// names its (`admin-api:<user id>`).
    pub fn actor(&self) -> String {
        format!("{CHANNEL}:{}", self.user.id)
    }
}

impl Core {
    /// The console's one access rule, the admin API's ([`Admin::of`]): an operator enters with
    /// the whole platform, an `lk_admin` with their own tenant; every other role is refused
    /// (`Forbidden`).
    pub fn console_access(&self, user: User) -> Result<ConsoleOperator> {
        let admin = Admin::of(user, CHANNEL)?;
        let scope = match admin.scope {
            AdminScope::Platform => ConsoleScope::Platform,
            AdminScope::Tenant(account_id) => ConsoleScope::Tenant { account_id },
        };
        Ok(ConsoleOperator { user: admin.user.clone(), scope, admin })
    }
}

/// `Forbidden` unless the operator sees the whole platform.
pub(crate) fn platform_only(op: &ConsoleOperator) -> Result<()> {
    match op.platform() {
        true => Ok(()),
        false => Err(Error::forbidden("Only an operator of the platform may do this.")),
    }
}
