//! Self-registration on the login page (`oauth.registration`, off by default): the address and
//! the phone, kordon calls the phone, then the call's PIN and a new password open a new account
//! whose person is its `lk_admin` — the cabinet's `register` whole (its rules, the toll-fraud
//! guard, the PIN before anyone learns whether the address or the phone is taken) — and the
//! browser is signed in, so the authorization request goes on. A link to prove the address is
//! mailed at once. Off, every step answers `NotFound`.

use super::signin::{AMR_PASSWORD, SignedIn};
use crate::error::{Error, Result};
use crate::ports::EmailPurpose;
use crate::services::accounts::login::RegisterInput;
use crate::services::{Core, Origin};
use crate::types::{Email, Phone};

impl Core {
    /// Whether the login page offers "Create an account".
    pub fn registration_open(&self) -> bool {
        self.settings.oauth.registration
    }

    /// The first step: the address is checked for its form only (whether it is taken is told
    /// after the PIN), and the phone is called as the cabinet's `flashcall` calls it (a phone
    /// with an account gets a sign-in PIN, which here only tells that the phone is taken).
    /// Answers the phone and the call's token.
    pub async fn registration_call(&self, email: &str, phone: &str, origin: &Origin) -> Result<(Phone, String)> {
        if !self.registration_open() {
            return Err(Error::NotFound);
        }
        Email::parse("email", email)?;
        self.flashcall(Some(phone), origin.ip.as_deref()).await
    }

    /// The second step: the PIN and the new password. A new account, the browser signed in with
    /// it (`amr` `pwd`) in the authorization request `flow`, and a link mailed to prove the
    /// address (a mail that cannot be sent is logged: the account stands).
    pub async fn browser_register(&self, input: RegisterInput<'_>, flow: &str, origin: &Origin) -> Result<SignedIn> {
        if !self.registration_open() {
            return Err(Error::NotFound);
        }
        let user = self.open_account(input, origin).await?;
        tracing::info!(user_id = user.id, "a person opened an account on the login page");
        let signed = self.open_browser_session(&user, AMR_PASSWORD, flow, origin).await?;
        let mailed = match Email::parse("email", &user.email) {
            Ok(email) => self.mail_email_link(&user, &email, EmailPurpose::Verify, origin).await,
            Err(err) => Err(err),
        };
        if let Err(err) = mailed {
            tracing::warn!(user_id = user.id, error = %err, "the new account's address link was not mailed");
        }
        Ok(signed)
    }
}
