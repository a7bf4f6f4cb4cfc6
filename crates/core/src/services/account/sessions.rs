//! A person's own sessions: every way they are signed in (token families of every dialect,
//! browser sign-ins at kordon, personal API tokens), each with its application, where it began
//! and when it was last used; each can be ended, and "everywhere else" ends all but this
//! browser's. Consents are the Apps page's ([`super::apps`]).

use super::{AccountSession, actor, by};
use crate::error::{Error, Result};
use crate::services::Core;
use crate::services::admin::sessions::{AdminSession, SessionKind, parse_session_id};
use crate::services::oauth::KIND_OAUTH;

/// One of a person's sessions as their account page lists it.
#[derive(Debug, Clone)]
pub struct AccountEntry {
    pub session: AdminSession,
    /// The application's name (none: a browser sign-in or an API token).
    pub client_name: Option<String>,
    /// This very page's session, or the browser sign-in it came from.
    pub this_device: bool,
}

impl Core {
    /// The person's live sessions but consents, newest families first, then browser sign-ins,
    /// then API tokens.
    pub async fn account_sessions(&self, session: &AccountSession) -> Result<Vec<AccountEntry>> {
        let (all, device) = self.listed_with_device(session).await?;
        let mut entries = Vec::new();
        for s in all {
            if s.kind == SessionKind::Consent {
                continue;
            }
            let client_name = match s.client_id {
                Some(id) => self.client_by_id(id).await?.map(|c| c.name),
                None => None,
            };
            let this_device = device.contains(&s.id);
            entries.push(AccountEntry { session: s, client_name, this_device });
        }
        Ok(entries)
    }

    /// How many sessions (the Sessions page's rows) and connected apps (consents: a deleted
    /// client's go with it) the person has, from one read of their grants: the Overview's figures.
    pub async fn account_counts(&self, session: &AccountSession) -> Result<(usize, usize)> {
        let all = self.sessions_of(session.user.id).await?;
        let apps = all.iter().filter(|s| s.kind == SessionKind::Consent).count();
        Ok((all.len() - apps, apps))
    }

    /// The person's live sessions, and the ids of this page's own session and of the browser
    /// sign-in it came from ("this device").
    async fn listed_with_device(&self, session: &AccountSession) -> Result<(Vec<AdminSession>, Vec<String>)> {
        let all = self.sessions_of(session.user.id).await?;
        let now = self.now();
        let mut device = Vec::new();
        if let Some(auth) = self.store.session_by_access(&session.access_digest(), KIND_OAUTH, now).await? {
            let family = format!("{}-{}", SessionKind::Oauth.prefix(), auth.family_id);
            device.extend(all.iter().find(|s| s.id == family).and_then(|s| s.sign_in.clone()));
            device.push(family);
        }
        Ok((all, device))
    }

    /// Ends one of the person's own sessions by its id; another person's, or one that is not
    /// live, is NotFound. This page's own session is ended too when asked (it is the same as
    /// signing out).
    pub async fn account_end_session(&self, session: &AccountSession, id: &str) -> Result<()> {
        let (kind, grant, owner) = self.session_owner(id).await?;
        if owner != session.user.id {
            return Err(Error::NotFound);
        }
        let actor = actor(session);
        self.end_session(id, kind, &grant, by(&actor)).await?;
        tracing::info!(user_id = owner, kind = ?kind, "a person ended one of their sessions");
        Ok(())
    }

    /// "Sign out everywhere else": ends every token family and browser sign-in of the person
    /// but this page's session and the browser sign-in it came from. API tokens and consents
    /// stay (they are not sign-ins of a device). Answers how many ended.
    pub async fn account_end_others(&self, session: &AccountSession) -> Result<usize> {
        let (all, device) = self.listed_with_device(session).await?;
        let actor = actor(session);
        let mut ended = 0;
        for s in all {
            if matches!(s.kind, SessionKind::Consent | SessionKind::ApiToken) || device.contains(&s.id) {
                continue;
            }
            let Some((kind, grant)) = parse_session_id(&s.id) else { continue };
            match self.end_session(&s.id, kind, &grant, by(&actor)).await {
                Ok(()) => ended += 1,
                Err(Error::NotFound) => {} // ended meanwhile
                Err(err) => return Err(err),
            }
        }
        tracing::info!(user_id = session.user.id, ended, "a person signed out everywhere else");
        Ok(ended)
    }
}
