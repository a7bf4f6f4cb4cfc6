//! Logins at their daily cap: once a login's failed checks in `defender.account_window` reach
//! `account_max_failures` (a phone's PINs: `pin_max_failures`), the Defender refuses every
//! check of it, from any host, until the window lapses. An administrator sees these logins and
//! forgives one (its owner has been reached another way); a tenant only its own users' logins.

use super::scope::Admin;
use crate::error::{Error, Result};
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
    /// The user who has this login, if anyone does.
    pub user_id: Option<i64>,
}

impl Core {
    /// The logins at their cap now, within the administrator's scope (a tenant: its own users'
    /// logins; a login nobody has is the operator's alone).
    pub async fn admin_capped_logins(&self, admin: &Admin) -> Result<Vec<CappedLogin>> {
        let s = &self.settings.defender;
        let since = self.now().saturating_sub(s.account_window);
        let rows = self.store.capped_accounts(s.account_max_failures, s.pin_max_failures, since, CAPPED_SHOWN).await?;
        let mut shown = Vec::with_capacity(rows.len());
        for (login, failures, window_start) in rows {
            let user = self.login_user(&login).await?;
            if admin.account().is_some() && !user.as_ref().is_some_and(|u| admin.sees(u)) {
                continue;
            }
            let until = window_start.saturating_add(s.account_window);
            shown.push(CappedLogin { login, failures, until, user_id: user.map(|u| u.id) });
        }
        Ok(shown)
    }

    /// Forgives one capped login in scope (audited `defender.forgive`, the administrator as
    /// actor); a login not at its cap, or not the tenant's, is NotFound.
    pub async fn admin_forgive_login(&self, admin: &Admin, login: &str) -> Result<()> {
        let login = login.trim();
        if !(login.starts_with("email:") || login.starts_with("phone:")) {
            return Err(Error::validation("login", "The login must be email:<address> or phone:<digits>."));
        }
        let capped = self.admin_capped_logins(admin).await?;
        let found = capped.iter().find(|c| c.login == login).ok_or(Error::NotFound)?;
        if self.store.forgive_account(&found.login, &admin.actor(), self.now()).await? {
            tracing::info!(actor = admin.actor(), "a capped login was forgiven");
        }
        Ok(())
    }
}
