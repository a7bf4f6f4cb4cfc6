//! Users as an administrator handles them: search by email, phone or id, a user's record,
//! disable and enable (every token of theirs dies with a disable), and forgiving their logins'
//! failed checks. A user out of the administrator's scope looks exactly like a missing one.

use super::scope::Admin;
use crate::audit::{AuditEvent, SUCCESS, kind};
use crate::error::{Error, Result};
use crate::services::Core;
use crate::types::admin::UserRecord;
use crate::types::{Email, Phone, User};

/// A user as an administrator sees them.
#[derive(Debug, Clone)]
pub struct AdminUser {
    pub user: User,
    /// When the user was disabled (Unix seconds), if they are.
    pub disabled_at: Option<i64>,
    pub created_at: i64,
    /// The PBX domain of the user's account, if it has one.
    pub domain: Option<String>,
}

impl Core {
    /// The users in scope whose email (any case), phone (any form the dialects take) or id is
    /// `query`: at most one of each. A query that is none of these is a validation error.
    pub async fn admin_search_users(&self, admin: &Admin, query: &str) -> Result<Vec<AdminUser>> {
        let query = query.trim();
        if query.is_empty() {
            return Err(Error::required("query"));
        }
        let invalid = || Error::validation("query", "The query must be an email, a phone or a user id.");
        if query.len() > 254 {
            return Err(invalid());
        }
        let (email, phone, id) = if query.contains('@') {
            (Some(Email::parse("query", query).map_err(|_| invalid())?.key()), None, None)
        } else {
            let phone = Phone::parse("query", query).ok().map(|p| p.as_str().to_owned());
            let id = query.parse::<i64>().ok().filter(|id| *id > 0);
            if phone.is_none() && id.is_none() {
                return Err(invalid());
            }
            (None, phone, id)
        };
        let found = self.store.users_matching(email.as_deref(), phone.as_deref(), id).await?;
        let mut users = Vec::with_capacity(found.len());
        for record in found.into_iter().filter(|r| admin.sees(&r.user)) {
            users.push(self.admin_user_of(record).await?);
        }
        Ok(users)
    }

    /// One user in scope, whatever their state.
    pub async fn admin_user_detail(&self, admin: &Admin, id: i64) -> Result<AdminUser> {
        let record = self.user_record(admin, id).await?;
        self.admin_user_of(record).await
    }

    /// Disables a user in scope: every sign-in path refuses them, every session, browser sign-in
    /// and API token of theirs ends (see `LifecycleStore::set_user_disabled`). Audited
    /// (`user.disable`). Nobody disables themselves. Disabling a disabled user changes nothing.
    pub async fn admin_disable_user(&self, admin: &Admin, id: i64) -> Result<AdminUser> {
        if id == admin.user.id {
            return Err(Error::refused("You cannot disable yourself."));
        }
        self.set_disabled(admin, id, true).await
    }

    /// Enables a disabled user in scope (they sign in anew). Audited (`user.enable`).
    pub async fn admin_enable_user(&self, admin: &Admin, id: i64) -> Result<AdminUser> {
        self.set_disabled(admin, id, false).await
    }

    /// Deletes a user in scope with all that is theirs (see `LifecycleStore::delete_user`: their
    /// sessions, API tokens, applications, and the account's biometric persons when they were its
    /// last user). Audited (`user.delete`). Nobody deletes themselves.
    pub async fn admin_delete_user_in_scope(&self, admin: &Admin, id: i64) -> Result<()> {
        if id == admin.user.id {
            return Err(Error::refused("You cannot delete yourself."));
        }
        self.user_record(admin, id).await?;
        let actor = admin.actor();
        if !self.store.delete_user(id, &actor, self.now()).await? {
            return Err(Error::NotFound);
        }
        self.forget().await;
        tracing::info!(user_id = id, actor, "a user was deleted");
        Ok(())
    }

    /// Lifts the caps on a user's logins: forgets the failed checks counted against their email,
    /// their phone and their second factor (audited `defender.forgive` each); whether any were.
    pub async fn admin_forgive_user(&self, admin: &Admin, id: i64) -> Result<bool> {
        let record = self.user_record(admin, id).await?;
        let actor = admin.actor();
        let login_key = crate::services::defender::login_key;
        let mut keys = vec![login_key(&record.user.email)?];
        keys.extend(record.user.phone.as_deref().map(login_key).transpose()?);
        keys.push(crate::services::mfa::mfa_key(id));
        let mut forgiven = false;
        for key in keys {
            forgiven |= self.store.forgive_account(&key, &actor, self.now()).await?;
        }
        if forgiven {
            tracing::info!(user_id = id, actor, "a user's failed checks were forgiven");
        }
        Ok(forgiven)
    }

    /// Removes a user's second factors in scope, for a person who lost them (their phone and
    /// their recovery codes): they sign in with the password alone until they switch one on again.
    /// Audited (`mfa.reset`). Nobody resets their own. Whether they had any.
    pub async fn admin_reset_second_factors(&self, admin: &Admin, id: i64) -> Result<bool> {
        if id == admin.user.id {
            return Err(Error::refused("You cannot reset your own second factors: use your account page."));
        }
        let record = self.user_record(admin, id).await?;
        self.reset_second_factors(&record.user, &admin.actor()).await
    }

    /// Removes `user`'s second factors, audited as `actor`; whether they had any.
    pub(crate) async fn reset_second_factors(&self, user: &User, actor: &str) -> Result<bool> {
        let had = self.store.reset_second_factors(user.id).await?;
        if had {
            let event = AuditEvent::new(kind::MFA_RESET, SUCCESS).user(user).actor(actor);
            self.audit(event.subject(format!("user:{}", user.id)));
            tracing::info!(user_id = user.id, actor, "a user's second factors were reset");
        }
        Ok(had)
    }

    async fn set_disabled(&self, admin: &Admin, id: i64, disabled: bool) -> Result<AdminUser> {
        self.user_record(admin, id).await?;
        let actor = admin.actor();
        if self.store.set_user_disabled(id, disabled, &actor, self.now()).await? {
            self.forget().await;
            let done = if disabled { "disabled" } else { "enabled" };
            tracing::info!(user_id = id, actor, "a user was {done}");
        }
        self.admin_user_detail(admin, id).await
    }

    /// The record of a user in scope; NotFound for anyone else.
    pub(crate) async fn user_record(&self, admin: &Admin, id: i64) -> Result<UserRecord> {
        let found = self.store.users_matching(None, None, Some(id)).await?;
        found.into_iter().find(|r| r.user.id == id && admin.sees(&r.user)).ok_or(Error::NotFound)
    }

    async fn admin_user_of(&self, record: UserRecord) -> Result<AdminUser> {
        let domain = self.account_domain_name(record.user.account_id).await?;
        Ok(AdminUser { user: record.user, disabled_at: record.disabled_at, created_at: record.created_at, domain })
    }
}
