//! A person's names and password, changed by themselves. A new password needs the current one
//! (checked under the Defender like a login) and ends every session of the person, this page's
//! too: whoever knew the old password is signed out everywhere.

use super::{AccountSession, actor};
use crate::audit::{AuditEvent, SUCCESS, kind};
use crate::error::{Error, Result};
use crate::services::{Core, Origin};
use crate::types::NewPassword;

/// The longest name kept, in characters.
pub const NAME_MAX: usize = 255;

/// A person's names as a form sends them (blank: none).
#[derive(Debug, Default)]
pub struct Names<'a> {
    pub first: Option<&'a str>,
    pub last: Option<&'a str>,
    pub middle: Option<&'a str>,
}

fn name(field: &'static str, value: Option<&str>) -> Result<Option<String>> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) if v.chars().count() > NAME_MAX || v.chars().any(char::is_control) => {
            Err(Error::validation(field, format!("The {field} may not be greater than {NAME_MAX} characters.")))
        }
        Some(v) => Ok(Some(v.to_owned())),
    }
}

impl Core {
    /// Sets the person's names (audited `user.profile` with the fields that changed).
    pub async fn account_set_names(&self, session: &AccountSession, names: &Names<'_>) -> Result<()> {
        let first = name("first_name", names.first)?;
        let last = name("last_name", names.last)?;
        let middle = name("middle_name", names.middle)?;
        let user = &session.user;
        let mut changed = serde_json::Map::new();
        for (field, before, after) in [
            ("first_name", &user.first_name, &first),
            ("last_name", &user.last_name, &last),
            ("middle_name", &user.middle_name, &middle),
        ] {
            if before != after {
                changed.insert(field.to_owned(), serde_json::json!({ "from": before, "to": after }));
            }
        }
        if changed.is_empty() {
            return Ok(());
        }
        if !self.store.set_names(user.id, first.as_deref(), last.as_deref(), middle.as_deref()).await? {
            return Err(Error::NotFound);
        }
        self.forget().await;
        let detail = serde_json::Value::Object(changed);
        let event = AuditEvent::new(kind::USER_PROFILE, SUCCESS).user(user).actor(actor(session));
        self.audit(event.dialect(super::CHANNEL).detail(&detail));
        Ok(())
    }

    /// Changes the person's password: the current one must be right (a wrong one counts like a
    /// failed login), the new one must meet the policy. Every session of the person ends.
    pub async fn account_change_password(
        &self,
        session: &AccountSession,
        current: &str,
        password: &NewPassword,
        origin: &Origin,
    ) -> Result<()> {
        let user = &session.user;
        let event = || {
            AuditEvent::new(kind::PASSWORD_CHANGED, SUCCESS).user(user).actor(actor(session)).dialect(super::CHANNEL)
        };
        self.current_password_ok(user, current, origin, event).await?;
        let hash = self.passwords.hash(password.expose()).await?;
        self.store.set_password(user.id, &hash, None, self.now()).await?;
        self.forget().await;
        self.audit(event().method("password").origin(origin));
        tracing::info!(user_id = user.id, "a person changed their password on their account page");
        Ok(())
    }
}
