//! Who may administer what: the platform's operator acts on every tenant, an account's `lk_admin`
//! on that tenant alone, anyone else on nothing. Resolved from a bearer token (the admin API) or
//! from a user already signed in (the console), and checked by every admin service.

use crate::error::{Error, Result};
use crate::services::Core;
use crate::types::{Role, User};

/// What an administrator may act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdminScope {
    /// Every tenant (a user with the `operator` role).
    Platform,
    /// One account (the `lk_admin` of it).
    Tenant(i64),
}

/// Proof that a user may administer `scope`, and where they act from (for the audit log).
#[derive(Debug, Clone)]
pub struct Admin {
    pub user: User,
    pub scope: AdminScope,
    channel: &'static str,
}

/// The answer to a user who may not administer anything, and to a tenant's try at an
/// operator's action.
const NOT_ALLOWED: &str = "Your role may not administer this.";

impl Admin {
    /// A signed-in user as an administrator, acting through `channel` (`admin-api`, `console`):
    /// an operator over the platform, an `lk_admin` over their account; anyone else is refused
    /// (`Forbidden`).
    pub fn of(user: User, channel: &'static str) -> Result<Self> {
        let scope = match user.role {
            Role::Operator => AdminScope::Platform,
            Role::LkAdmin => AdminScope::Tenant(user.account_id),
            Role::LkUser => return Err(Error::forbidden(NOT_ALLOWED)),
        };
        Ok(Self { user, scope, channel })
    }

    /// Who the audit log names: `<channel>:<user id>` (`admin-api:12`).
    pub fn actor(&self) -> String {
        format!("{}:{}", self.channel, self.user.id)
    }

    /// The dialect the audit log files the actions under: `admin` (the API), `console`.
    pub fn dialect(&self) -> &'static str {
        match self.channel {
            "admin-api" => "admin",
            other => other,
        }
    }

    pub fn is_operator(&self) -> bool {
        self.scope == AdminScope::Platform
    }

    /// Refuses a tenant an operator's action (`Forbidden`).
    pub fn require_operator(&self) -> Result<()> {
        match self.is_operator() {
            true => Ok(()),
            false => Err(Error::forbidden("Only the platform's operator may do this.")),
        }
    }

    /// The account a tenant is confined to (none: the platform).
    pub fn account(&self) -> Option<i64> {
        match self.scope {
            AdminScope::Platform => None,
            AdminScope::Tenant(account) => Some(account),
        }
    }

    /// Whether `user` is in scope: every user for an operator; for a tenant, its account's users
    /// but an operator.
    pub fn sees(&self, user: &User) -> bool {
        match self.scope {
            AdminScope::Platform => true,
            AdminScope::Tenant(account) => user.account_id == account && user.role != Role::Operator,
        }
    }
}

impl Core {
    /// The administrator a bearer token speaks for: a cabinet access token, a personal API token,
    /// or a user's OAuth access token — a code-flow token only from a trusted (first-party)
    /// client, so no partner's application can act as its users' administrator, and never an
    /// application's own (client_credentials) token. No or a bad token: `Unauthenticated`; a
    /// token or role that may not administer: `Forbidden`.
    pub async fn admin_authenticate(&self, bearer: Option<&str>, channel: &'static str) -> Result<Admin> {
        let user = if bearer.is_some_and(|t| t.contains('.')) {
            let principal = self.oauth_authenticate(bearer).await?;
            if principal.application {
                return Err(Error::forbidden("An application's token cannot administer: use a user's token."));
            }
            if principal.delegated() {
                let trusted = self.client_by_id(principal.client_id).await?.is_some_and(|c| c.trusted);
                if !trusted {
                    return Err(Error::forbidden(
                        "Only a token of a first-party (trusted) application can administer.",
                    ));
                }
            }
            principal.user
        } else {
            self.authenticate(bearer).await?.user
        };
        Admin::of(user, channel)
    }
}
