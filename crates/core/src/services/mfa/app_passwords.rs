//! App passwords: what a person with a second factor gives the dialects that take a password and
//! nothing else (the PBX action API, the OAuth password grant). `kap_` and 32 random letters and
//! digits (≈190 bits), made on the account page with the current password, shown once, kept as a
//! SHA-256 digest (a random secret needs no slow hash: ADR 9), named, listed with their last use,
//! deleted one by one, and all ended by a password change or reset. A sign-in with one is checked
//! under the Defender's `email:` login of its person, like the password it stands in for; the
//! cabinet's login and the login page never take one (they can ask for the second factor).

use crate::audit::kind::{TOKEN_ISSUED, TOKEN_REVOKED};
use crate::error::{Error, Result};
use crate::ports::AppPassword;
use crate::secrets::{digest, random_token};
use crate::services::audit::events::Via;
use crate::services::{Core, Origin};
use crate::types::{Email, User};

/// What every app password begins with.
pub const APP_PASSWORD_PREFIX: &str = "kap_";
/// Random characters after the prefix.
const SECRET_LEN: usize = 32;
/// Characters of an app password the account page shows (the prefix and four more).
const SHOWN_LEN: usize = APP_PASSWORD_PREFIX.len() + 4;
/// A name's most characters.
const NAME_MAX: usize = 64;
/// The audit's token kind of an app password.
const KIND: &str = "app_password";
/// Where a person makes app passwords, after the issuer.
pub const APP_PASSWORDS_PAGE: &str = "/account/app-passwords";

/// A name as stored: trimmed, 1 to 64 characters, no control characters.
fn name_of(raw: &str) -> Result<String> {
    let name = raw.trim();
    if name.is_empty() {
        return Err(Error::required("name"));
    }
    if name.chars().count() > NAME_MAX || name.chars().any(char::is_control) {
        return Err(Error::validation("name", format!("The name must be at most {NAME_MAX} characters of text.")));
    }
    Ok(name.to_owned())
}

impl Core {
    /// The person's app passwords, oldest first (never their secrets).
    pub async fn app_passwords(&self, user: &User) -> Result<Vec<AppPassword>> {
        Ok(self.store.app_passwords(user.id).await?)
    }

    /// Makes an app password named `name`, after the current password; answers the secret,
    /// which is never shown again. At most `limits.app_passwords_per_user`.
    pub async fn app_password_create(
        &self,
        user: &User,
        name: &str,
        current_password: &str,
        origin: &Origin,
    ) -> Result<String> {
        let name = name_of(name)?;
        let event = || crate::audit::AuditEvent::new(TOKEN_ISSUED, crate::audit::SUCCESS).user(user).method(KIND);
        self.current_password_ok(user, current_password, origin, event).await?;
        let secret = format!("{APP_PASSWORD_PREFIX}{}", random_token(SECRET_LEN));
        let cap = self.settings.limits.app_passwords_per_user;
        let made = self
            .store
            .create_app_password(user.id, &name, &digest(&secret), &secret[..SHOWN_LEN], cap, self.now())
            .await?;
        if made.is_none() {
            return Err(Error::refused(format!("You may have at most {cap} app passwords: delete one first.")));
        }
        crate::metrics::token_issued(KIND);
        self.audit_token(TOKEN_ISSUED, KIND, user, None, Some(origin));
        Ok(secret)
    }

    /// Deletes one of the person's app passwords: the next sign-in with it fails. Anyone else's
    /// looks exactly like a missing one.
    pub async fn app_password_delete(&self, user: &User, id: i64, origin: &Origin) -> Result<()> {
        match self.store.delete_app_password(id, user.id).await? {
            true => {
                self.audit_token(TOKEN_REVOKED, KIND, user, None, Some(origin));
                Ok(())
            }
            false => Err(Error::NotFound),
        }
    }

    /// The URL of the page where app passwords are made.
    pub(crate) fn app_passwords_page(&self) -> String {
        format!("{}{APP_PASSWORDS_PAGE}", self.issuer())
    }

    /// A password sign-in of a dialect with no place for a second factor (the PBX API, the OAuth
    /// password grant). An app password of this person signs them in (it is their second factor's
    /// stand-in); the password does too, unless the person has a second factor or their tenant
    /// requires one (`AppPasswordRequired`). One check under the Defender's `email:` login either way: a wrong
    /// app password is a wrong password.
    pub(crate) async fn check_machine_password(
        &self,
        email: &Email,
        password: &str,
        via: Via,
        origin: &Origin,
    ) -> Result<User> {
        let account = format!("email:{}", email.key());
        let mut known = None;
        let mut method = "password";
        let result = self
            .defended(origin.ip.as_deref(), Some(&account), async {
                if let Some(user) = self.app_password_user(email, password, &mut known).await? {
                    method = KIND;
                    return Ok(user);
                }
                // Not one (a password may begin with `kap_` too): the password it may be.
                self.password_user(email, password, &mut known).await
            })
            .await;
        self.audit_signin_by(method, &result, &account, known, via, origin).await;
        let user = result?;
        if method != KIND {
            let rule = self.second_factor_rule(user.id).await?;
            if rule.on || rule.tenant {
                return Err(Error::AppPasswordRequired { page: self.app_passwords_page() });
            }
        }
        Ok(user)
    }

    /// The user of `email` when `password` is one of their app passwords (its use recorded, at
    /// most once a minute).
    async fn app_password_user(
        &self,
        email: &Email,
        password: &str,
        known: &mut Option<(i64, i64)>,
    ) -> Result<Option<User>> {
        if !password.starts_with(APP_PASSWORD_PREFIX) {
            return Ok(None);
        }
        let Some(found) = self.store.app_password_by_digest(&digest(password)).await? else { return Ok(None) };
        let Some(user) = self.store.user_by_email(&email.key()).await?.filter(|u| u.id == found.user_id) else {
            return Ok(None);
        };
        *known = Some((user.id, user.account_id));
        let now = self.now();
        if found.last_used.is_none_or(|at| at <= now - 60) {
            self.store.touch_app_password(found.id, now).await?;
        }
        Ok(Some(user))
    }
}

#[cfg(test)]
mod tests {
    use super::name_of;

    #[test]
    fn names_are_trimmed_text_of_at_most_64_characters() {
        assert_eq!(name_of("  Asterisk at the office ").expect("a name"), "Asterisk at the office");
        assert_eq!(name_of(&"я".repeat(64)).expect("64 characters").chars().count(), 64);
        for bad in ["", "   ", "tab\there", &"x".repeat(65)] {
            assert!(name_of(bad).is_err(), "{bad:?}");
        }
    }
}
