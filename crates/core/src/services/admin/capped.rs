//! Logins at their daily cap: once a login's failed checks in `defender.account_window` reach
//! `account_max_failures` (a phone's PINs: `pin_max_failures`), the Defender refuses every
//! check of it, from any host, until the window lapses. An administrator sees these logins and
//! forgives one (its owner has been reached another way); a tenant only its own users' logins,
//! chosen in the store (so other tenants' or unknown logins never crowd its list out).

use super::scope::Admin;
use crate::error::{Error, Result};
use crate::ports::CappedQuery;
use crate::services::Core;

/// How many capped logins a list shows at most (newest first).
const CAPPED_SHOWN: i64 = 200;

/// A login the Defender refuses until `until`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CappedLogin {
    /// The Defender's key: `email:<address>` or `phone:<digits>`.
    pub login: String,
    /// Failed checks counted in the window.
    pub failures: i64,
    /// When the window lapses and checks are admitted again (Unix seconds).
    pub until: i64,
    /// The user who has this login, if anyone does (disabled or not).
    pub user_id: Option<i64>,
}

impl Core {
    /// The logins at their cap now, within the administrator's scope (a tenant: its own users'
    /// logins; a login nobody has, or an operator's, is the operator's alone).
    pub async fn admin_capped_logins(&self, admin: &Admin) -> Result<Vec<CappedLogin>> {
        self.capped_in_scope(admin, None, CAPPED_SHOWN).await
    }

    /// Forgives one capped login in scope (audited `defender.forgive`, the administrator as
    /// actor); a login not at its cap, or not the tenant's, is NotFound.
    pub async fn admin_forgive_login(&self, admin: &Admin, login: &str) -> Result<()> {
        let login = crate::services::defender::login_key(login).map_err(|_| {
            Error::validation("login", "The login must be email:<address>, phone:<digits> or mfa:<user id>.")
        })?;
        let found = self.capped_in_scope(admin, Some(&login), 1).await?.into_iter().next().ok_or(Error::NotFound)?;
        if self.store.forgive_account(&found.login, &admin.actor(), self.now()).await? {
            tracing::info!(actor = admin.actor(), "a capped login was forgiven");
        }
        Ok(())
    }

    async fn capped_in_scope(&self, admin: &Admin, login: Option<&str>, limit: i64) -> Result<Vec<CappedLogin>> {
        let s = &self.settings.defender;
        let query = CappedQuery {
            email_max: s.account_max_failures,
            phone_max: s.pin_max_failures,
            mfa_max: s.mfa_max_failures,
            since: self.now().saturating_sub(s.account_window),
            tenant: admin.account(),
            login,
            limit,
        };
        let rows = self.store.capped_accounts(&query).await?;
        Ok(rows
            .into_iter()
            .map(|r| CappedLogin {
                until: r.window_start.saturating_add(s.account_window),
                login: r.login,
                failures: r.failures,
                user_id: r.user_id,
            })
            .collect())
    }
}
