//! A person's SIP user: an extension or a SIP user name in their account's PBX domain (the realm
//! of their SIP credentials), unique within it. Set by an operator (the CLI by email, the admin
//! API and console by id, in scope); audited as `user.sip_user`.

use crate::audit::kind;
use crate::error::{Error, Result};
use crate::ports::StoreError;
use crate::services::Core;
use crate::services::admin::scope::Admin;
use crate::services::admin::users::AdminUser;
use crate::services::admin::{By, CLI, audit_as};
use crate::types::User;

/// The longest SIP user kordon takes.
pub const SIP_USER_MAX: usize = 64;

/// A SIP user as typed: `[A-Za-z0-9._-]`, 1 to 64 characters (what every SIP URI and the
/// `<expiry>:<user>` credential username carry unescaped); `None` for an empty one (clear it).
pub fn parse_sip_user(text: &str) -> Result<Option<String>> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let fits = text.len() <= SIP_USER_MAX && text.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b));
    match fits {
        true => Ok(Some(text.to_owned())),
        false => Err(Error::validation(
            "sip_user",
            format!("A SIP user is 1 to {SIP_USER_MAX} letters, digits, dots, dashes or underscores."),
        )),
    }
}

impl Core {
    /// `kordon admin user update --email … --sip-user …` (an empty one clears it).
    pub async fn admin_set_sip_user_by_email(&self, email: &str, sip_user: &str) -> Result<User> {
        let user = self.admin_find_user(email).await?.0;
        self.set_sip_user(&user, sip_user, CLI).await
    }

    /// The admin API's `PATCH /users/{id}` for a user in scope.
    pub async fn admin_set_sip_user(&self, admin: &Admin, id: i64, sip_user: &str) -> Result<AdminUser> {
        let record = self.user_record(admin, id).await?;
        let actor = admin.actor();
        self.set_sip_user(&record.user, sip_user, By { actor: &actor, dialect: admin.dialect() }).await?;
        self.admin_user_detail(admin, id).await
    }

    async fn set_sip_user(&self, user: &User, sip_user: &str, by: By<'_>) -> Result<User> {
        let sip_user = parse_sip_user(sip_user)?;
        if sip_user.is_some() && self.account_domain_name(user.account_id).await?.is_none() {
            return Err(Error::validation(
                "sip_user",
                "The user's account has no PBX domain: a SIP user needs one (it is the realm).",
            ));
        }
        if sip_user == user.sip_user {
            return Ok(user.clone());
        }
        let detail = serde_json::json!({ "sip_user": { "from": user.sip_user, "to": sip_user } });
        let audit = audit_as(self.now(), kind::USER_SIP, by, &detail).user(user).subject(format!("user:{}", user.id));
        match self.store.set_sip_user(user.id, sip_user.as_deref(), &audit).await {
            Ok(()) => {}
            Err(StoreError::Conflict("sip_user")) => {
                return Err(Error::validation("sip_user", "Another user of the account has this SIP user."));
            }
            Err(err) => return Err(err.into()),
        }
        self.forget().await;
        Ok(User { sip_user, ..user.clone() })
    }
}

#[cfg(test)]
mod tests {
    use super::parse_sip_user;

    #[test]
    fn sip_users_are_plain_uri_users() {
        assert_eq!(parse_sip_user(" 101 ").expect("ok"), Some("101".into()));
        assert_eq!(parse_sip_user("anna.k-2_x").expect("ok"), Some("anna.k-2_x".into()));
        assert_eq!(parse_sip_user("").expect("clears"), None);
        for bad in ["1:01", "a@b", "a b", "абв", "x;y"] {
            assert!(parse_sip_user(bad).is_err(), "{bad}");
        }
        assert!(parse_sip_user(&"1".repeat(65)).is_err());
    }
}
