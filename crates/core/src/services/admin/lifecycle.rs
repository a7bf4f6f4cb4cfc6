//! Operators' user lifecycle: disable, enable and delete a user, list and end their sessions.
//! A disabled or deleted user is refused by every dialect at once (the store's sign-in lookups
//! skip it, so the answer is a wrong password's), and every token of theirs dies.

use crate::error::{Error, Result};
use crate::services::Core;
use crate::types::{ApiTokenInfo, Email, SessionInfo, User};

/// A user as an operator sees it, with its live sessions and API tokens.
#[derive(Debug)]
pub struct UserSessions {
    pub user: User,
    pub disabled: bool,
    pub sessions: Vec<SessionInfo>,
    pub api_tokens: Vec<ApiTokenInfo>,
}

impl Core {
    /// The user with this email, disabled or not.
    pub async fn admin_find_user(&self, email: &str) -> Result<(User, bool)> {
        let email = Email::parse("email", email)?;
        self.store.user_any_state(&email.key()).await?.ok_or(Error::NotFound)
    }

    /// Disables (`true`) or enables a user; false when it already was so. Audited as `actor`.
    pub async fn admin_set_user_disabled(&self, email: &str, disabled: bool, actor: &str) -> Result<bool> {
        let (user, _) = self.admin_find_user(email).await?;
        let changed = self.store.set_user_disabled(user.id, disabled, actor, self.now()).await?;
        if changed {
            self.forget().await;
            tracing::info!(
                user_id = user.id,
                disabled,
                actor,
                "a user was {}",
                if disabled { "disabled" } else { "enabled" }
            );
        }
        Ok(changed)
    }

    /// Deletes a user and all that is theirs (see the store's `delete_user`). Audited.
    pub async fn admin_delete_user(&self, email: &str, actor: &str) -> Result<()> {
        let (user, _) = self.admin_find_user(email).await?;
        match self.store.delete_user(user.id, actor, self.now()).await? {
            true => {
                self.forget().await;
                tracing::info!(user_id = user.id, actor, "a user was deleted");
                Ok(())
            }
            false => Err(Error::NotFound),
        }
    }

    /// Removes a user's second factors (the CLI's `user mfa-reset`); whether they had any. Audited.
    pub async fn admin_mfa_reset(&self, email: &str, actor: &str) -> Result<bool> {
        let (user, _) = self.admin_find_user(email).await?;
        self.reset_second_factors(&user, actor).await
    }

    /// The user's live sessions and API tokens.
    pub async fn admin_user_sessions(&self, email: &str) -> Result<UserSessions> {
        let (user, disabled) = self.admin_find_user(email).await?;
        let (sessions, api_tokens) = self.store.user_sessions(user.id, self.now()).await?;
        Ok(UserSessions { user, disabled, sessions, api_tokens })
    }

    /// Ends one session (its whole family). Audited.
    pub async fn admin_revoke_session(&self, id: i64, actor: &str) -> Result<()> {
        match self.store.revoke_session(id, actor, self.now()).await? {
            true => {
                self.forget().await;
                Ok(())
            }
            false => Err(Error::NotFound),
        }
    }
}
