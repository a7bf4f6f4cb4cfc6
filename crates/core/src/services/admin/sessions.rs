//! A user's sessions of every kind as an administrator sees and ends them: token families
//! (cabinet, PBX, OAuth), browser sign-ins at kordon (SSO), consents and personal API tokens.
//! Each has a stable id that says its kind — `cabinet-<family>`, `pbx-<family>`,
//! `oauth-<family>`, `browser-<digest>`, `consent-<user id>-<client id>`, `token-<id>` — so one
//! revocation ends exactly that one.

use super::scope::Admin;
use super::{By, audit_as};
use crate::error::{Error, Result};
use crate::services::Core;
use crate::services::oauth::{KIND_OAUTH, KIND_OAUTH_APP};
use crate::services::sessions::{KIND_CABINET, KIND_PBX};
use crate::types::admin::GrantRef;

/// What a session is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionKind {
    /// A cabinet login (`/api/v1/login`, `register`), with its refreshes.
    Cabinet,
    /// A PBX `auth` session.
    Pbx,
    /// An OAuth token family (password or code grant), with its refreshes.
    Oauth,
    /// A browser's sign-in at kordon's login page (SSO).
    Browser,
    /// What the user allowed an application (its code-flow tokens end with it).
    Consent,
    /// A personal API token.
    ApiToken,
}

impl SessionKind {
    /// The id's prefix.
    pub(crate) fn prefix(self) -> &'static str {
        match self {
            SessionKind::Cabinet => "cabinet",
            SessionKind::Pbx => "pbx",
            SessionKind::Oauth => "oauth",
            SessionKind::Browser => "browser",
            SessionKind::Consent => "consent",
            SessionKind::ApiToken => "token",
        }
    }

    /// The kind of a token family's sessions.
    fn of_family(kind: &str) -> Option<Self> {
        match kind {
            KIND_CABINET => Some(SessionKind::Cabinet),
            KIND_PBX => Some(SessionKind::Pbx),
            KIND_OAUTH | KIND_OAUTH_APP => Some(SessionKind::Oauth),
            _ => None,
        }
    }
}

/// One live session of a user. Times are Unix seconds.
#[derive(Debug, Clone)]
pub struct AdminSession {
    /// Stable while the session lives (refreshes keep it); `DELETE /api/admin/v1/sessions/{id}`.
    pub id: String,
    pub kind: SessionKind,
    /// The application (none for a browser sign-in and an API token; 0 for a PBX session).
    pub client_id: Option<i64>,
    /// The login, the sign-in, the consent, the token's creation.
    pub started_at: i64,
    /// The last refresh (a family), the token's last use (at most a minute off), or the start.
    pub last_active_at: Option<i64>,
    /// When it ends unless refreshed (none: never, an API token or a consent).
    pub expires_at: Option<i64>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// The scopes granted (a code-flow family, a consent).
    pub scope: Option<String>,
    /// How the browser signed in: `pwd`, or `tel` for a FlashCall PIN.
    pub method: Option<String>,
    /// The browser sign-in a code-flow family came from, by its session id (`browser-<digest>`).
    pub sign_in: Option<String>,
}

impl Core {
    /// Every live session of a user in scope: token families (newest first), browser sign-ins,
    /// consents, API tokens.
    pub async fn admin_sessions_of(&self, admin: &Admin, user_id: i64) -> Result<Vec<AdminSession>> {
        self.user_record(admin, user_id).await?;
        self.sessions_of(user_id).await
    }

    /// Every live session of a user, whoever asks (the caller has checked they may).
    pub(crate) async fn sessions_of(&self, user_id: i64) -> Result<Vec<AdminSession>> {
        let grants = self.store.user_grants(user_id, self.now()).await?;
        let mut sessions = Vec::new();
        for f in grants.families {
            let Some(kind) = SessionKind::of_family(&f.kind) else { continue };
            sessions.push(AdminSession {
                id: format!("{}-{}", kind.prefix(), f.family_id),
                kind,
                client_id: Some(f.client_id),
                started_at: f.started_at,
                last_active_at: Some(f.refreshed_at),
                expires_at: Some(f.expires_at),
                ip: f.ip,
                user_agent: f.user_agent,
                scope: Some(f.scope).filter(|s| !s.is_empty()),
                method: None,
                sign_in: f.login_session.map(|digest| format!("{}-{digest}", SessionKind::Browser.prefix())),
            });
        }
        for b in grants.browsers {
            sessions.push(AdminSession {
                id: format!("{}-{}", SessionKind::Browser.prefix(), b.digest),
                kind: SessionKind::Browser,
                client_id: None,
                started_at: b.auth_time,
                last_active_at: b.last_used_at,
                expires_at: Some(b.expires_at),
                ip: b.ip,
                user_agent: b.user_agent,
                scope: None,
                method: Some(b.amr),
                sign_in: None,
            });
        }
        for c in grants.consents {
            sessions.push(AdminSession {
                id: format!("{}-{user_id}-{}", SessionKind::Consent.prefix(), c.client_id),
                kind: SessionKind::Consent,
                client_id: Some(c.client_id),
                started_at: c.granted_at,
                last_active_at: None,
                expires_at: None,
                ip: None,
                user_agent: None,
                scope: Some(c.scope),
                method: None,
                sign_in: None,
            });
        }
        for t in grants.api_tokens {
            sessions.push(AdminSession {
                id: format!("{}-{}", SessionKind::ApiToken.prefix(), t.id),
                kind: SessionKind::ApiToken,
                client_id: None,
                started_at: t.created_at,
                last_active_at: t.last_used,
                expires_at: None,
                ip: t.ip,
                user_agent: t.user_agent,
                scope: None,
                method: None,
                sign_in: None,
            });
        }
        Ok(sessions)
    }

    /// Ends one session by its id (see the module), if its user is in scope; an unknown id, one
    /// of another kind's spelling, or one out of scope is NotFound. Audited (`session.revoke`,
    /// its detail naming the session and its kind).
    pub async fn admin_revoke_session_id(&self, admin: &Admin, id: &str) -> Result<()> {
        let (kind, grant, user_id) = self.session_owner(id).await?;
        self.user_record(admin, user_id).await?;
        let actor = admin.actor();
        self.end_session(id, kind, &grant, By { actor: &actor, dialect: admin.dialect() }).await?;
        tracing::info!(user_id, actor = admin.actor(), kind = kind.prefix(), "a session was revoked");
        Ok(())
    }

    /// The kind, grant and user of a live session by its id; NotFound for an id that is
    /// malformed, names nothing live, or spells another kind.
    pub(crate) async fn session_owner(&self, id: &str) -> Result<(SessionKind, GrantRef, i64)> {
        let (kind, grant) = parse_session_id(id).ok_or(Error::NotFound)?;
        let (user_id, family_kind) = self.store.grant_owner(&grant, self.now()).await?.ok_or(Error::NotFound)?;
        if let Some(family_kind) = family_kind
            && SessionKind::of_family(&family_kind) != Some(kind)
        {
            return Err(Error::NotFound);
        }
        Ok((kind, grant, user_id))
    }

    /// Ends one session, audited (`session.revoke`, its detail naming the session and its kind)
    /// as done `by` someone; NotFound when it ended meanwhile.
    pub(crate) async fn end_session(&self, id: &str, kind: SessionKind, grant: &GrantRef, by: By<'_>) -> Result<()> {
        let now = self.now();
        let detail = serde_json::json!({ "session": id, "kind": kind });
        let line = audit_as(now, crate::audit::kind::SESSION_REVOKE, by, &detail);
        if !self.store.revoke_grant(grant, &line, now).await? {
            return Err(Error::NotFound);
        }
        self.forget().await;
        Ok(())
    }
}

/// The kind and grant a session id names; None for anything malformed.
pub(crate) fn parse_session_id(id: &str) -> Option<(SessionKind, GrantRef)> {
    let (prefix, rest) = id.split_once('-')?;
    let token = |s: &str| !s.is_empty() && s.len() <= 128 && s.bytes().all(|b| b.is_ascii_alphanumeric());
    let number = |s: &str| s.parse::<i64>().ok().filter(|n| *n >= 0 && s.bytes().all(|b| b.is_ascii_digit()));
    let kind = [
        SessionKind::Cabinet,
        SessionKind::Pbx,
        SessionKind::Oauth,
        SessionKind::Browser,
        SessionKind::Consent,
        SessionKind::ApiToken,
    ]
    .into_iter()
    .find(|k| k.prefix() == prefix)?;
    let grant = match kind {
        SessionKind::Cabinet | SessionKind::Pbx | SessionKind::Oauth => {
            token(rest).then(|| GrantRef::Family(rest.to_owned()))?
        }
        SessionKind::Browser => token(rest).then(|| GrantRef::Browser(rest.to_owned()))?,
        SessionKind::Consent => {
            let (user, client) = rest.split_once('-')?;
            GrantRef::Consent { user_id: number(user)?, client_id: number(client)? }
        }
        SessionKind::ApiToken => GrantRef::ApiToken(number(rest)?),
    };
    Some((kind, grant))
}

#[cfg(test)]
mod tests {
    use super::{GrantRef, SessionKind, parse_session_id};

    #[test]
    fn ids_name_their_kind() {
        assert_eq!(parse_session_id("cabinet-Ab12"), Some((SessionKind::Cabinet, GrantRef::Family("Ab12".into()))));
        assert_eq!(parse_session_id("oauth-x"), Some((SessionKind::Oauth, GrantRef::Family("x".into()))));
        assert_eq!(parse_session_id("browser-ff00"), Some((SessionKind::Browser, GrantRef::Browser("ff00".into()))));
        let consent = GrantRef::Consent { user_id: 3, client_id: 10554 };
        assert_eq!(parse_session_id("consent-3-10554"), Some((SessionKind::Consent, consent)));
        assert_eq!(parse_session_id("token-7"), Some((SessionKind::ApiToken, GrantRef::ApiToken(7))));
        for bad in
            ["", "cabinet", "cabinet-", "12", "family-x", "token-x", "token-+1", "consent-3", "pbx-a b", "oauth-a-b"]
        {
            assert_eq!(parse_session_id(bad), None, "{bad}");
        }
    }
}
