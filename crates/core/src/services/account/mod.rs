//! A person's own account page (`/account`): anyone whose user is enabled may sign in to it
//! through its first-party client ([`crate::services::first_party::ACCOUNT`]) and there see and
//! end their own sessions ([`sessions`]), see and withdraw what they allowed applications
//! ([`apps`]), change their names and password ([`profile`]), and their email and phone
//! ([`contacts`]). Every change is audited with
//! the actor `account:<user id>`; nothing here reaches another person's data.

pub(crate) mod apps;
pub(crate) mod contacts;
mod mails;
pub(crate) mod profile;
pub(crate) mod sessions;

use crate::error::Result;
use crate::services::Core;
use crate::services::admin::By;
use crate::services::first_party::{FirstPartyClient, FirstPartySession};

/// The channel the audit log names for a person's own changes.
const CHANNEL: &str = "account";

/// A live account-page session: a first-party session of the account client.
pub type AccountSession = FirstPartySession;

/// How the audit log names what a person did on their account page.
pub(crate) fn actor(session: &AccountSession) -> String {
    format!("{CHANNEL}:{}", session.user.id)
}

pub(crate) fn by(actor: &str) -> By<'_> {
    By { actor, dialect: CHANNEL }
}

impl Core {
    /// The account session an access token names: `Unauthenticated` when there is none (no
    /// token, expired, revoked, another client's, or its user disabled).
    pub async fn account_session(&self, client: &FirstPartyClient, token: Option<&str>) -> Result<AccountSession> {
        self.first_party_session(client, token).await
    }
}
