//! What a person allowed applications (their consents): each application's name, who published
//! it, the scopes and when. Withdrawing a consent ends that application's code-flow tokens for
//! this person in the same transaction (the store's `revoke_grant`).

use super::{AccountSession, actor, by};
use crate::error::{Error, Result};
use crate::services::Core;
use crate::services::admin::sessions::{SessionKind, parse_session_id};
use crate::services::oidc::publisher::Publisher;

/// One application a person allowed.
#[derive(Debug, Clone)]
pub struct AccountApp {
    pub client_id: i64,
    pub name: String,
    pub publisher: Publisher,
    /// The scopes allowed, as granted.
    pub scopes: Vec<String>,
    pub granted_at: i64,
}

impl Core {
    /// The applications the person allowed, newest consent first.
    pub async fn account_apps(&self, session: &AccountSession) -> Result<Vec<AccountApp>> {
        let mut apps = Vec::new();
        for s in self.sessions_of(session.user.id).await? {
            let (SessionKind::Consent, Some(client_id)) = (s.kind, s.client_id) else { continue };
            // A client deleted meanwhile took its consents with it.
            let Some(client) = self.client_by_id(client_id).await? else { continue };
            let publisher = self.client_publisher(&client).await?;
            let scopes = s.scope.unwrap_or_default().split_whitespace().map(str::to_owned).collect();
            apps.push(AccountApp { client_id, name: client.name, publisher, scopes, granted_at: s.started_at });
        }
        Ok(apps)
    }

    /// The one application the person allowed, by its client id (NotFound: never allowed, or
    /// already withdrawn).
    pub async fn account_app(&self, session: &AccountSession, client_id: i64) -> Result<AccountApp> {
        let apps = self.account_apps(session).await?;
        apps.into_iter().find(|a| a.client_id == client_id).ok_or(Error::NotFound)
    }

    /// Withdraws what the person allowed an application: the consent goes, and with it every
    /// token the application got through the code flow for this person. NotFound when there was
    /// no consent.
    pub async fn account_withdraw(&self, session: &AccountSession, client_id: i64) -> Result<()> {
        let id = format!("{}-{}-{client_id}", SessionKind::Consent.prefix(), session.user.id);
        let (kind, grant) = parse_session_id(&id).ok_or(Error::NotFound)?;
        let actor = actor(session);
        self.end_session(&id, kind, &grant, by(&actor)).await?;
        tracing::info!(user_id = session.user.id, client_id, "a person withdrew an application's access");
        Ok(())
    }
}
