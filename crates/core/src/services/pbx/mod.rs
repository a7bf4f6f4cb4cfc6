//! The PBX dialect's services: login into a domain session, its bearer check, logout, and the
//! administrator's capability (the tenant's view of the Defender is in `defender`).

mod defender;

use crate::error::{Error, Result};
use crate::secrets::random_token;
use crate::services::sessions::{KIND_PBX, TOKEN_LEN};
use crate::services::{Core, Origin, Principal};
use crate::types::{Domain, Email, PbxRole, User};

/// A PBX login: the user, their domain and role, and the session token.
#[derive(Debug)]
pub struct PbxSession {
    pub user: User,
    pub domain: Domain,
    pub role: PbxRole,
    pub token: String,
    pub expires: i64,
}

impl Core {
    /// `auth` on `User`: login (the user's email) and password, under the Defender like every login.
    /// The session lives as long as the domain's `token_ttl`.
    pub async fn pbx_auth(&self, login: Option<&str>, password: Option<&str>, origin: &Origin) -> Result<PbxSession> {
        let email = Email::parse("login", login.unwrap_or_default())?;
        let password = password.filter(|p| !p.is_empty()).ok_or_else(|| Error::required("password"))?;
        // The action API has no place for a second factor: a person with one uses an app password.
        let user = self.check_machine_password(&email, password, Default::default(), origin).await?;
        let (domain, role) = self.domain_and_role(&user).await?;
        let family = random_token(TOKEN_LEN);
        let (pair, mut session) = self.new_session(user.id, 0, family, origin);
        let expires = crate::durations::after(self.now(), domain.token_ttl);
        session.kind = KIND_PBX;
        session.access_expires = expires;
        session.refresh_expires = expires;
        self.store.create_session(&session).await?;
        crate::metrics::token_issued(KIND_PBX);
        self.audit_token(crate::audit::kind::TOKEN_ISSUED, KIND_PBX, &user, None, Some(origin));
        Ok(PbxSession { user, domain, role, token: pair.access, expires })
    }

    pub(crate) async fn domain_and_role(&self, user: &User) -> Result<(Domain, PbxRole)> {
        let domain =
            self.store.domain(user.account_id).await?.ok_or_else(|| Error::internal("user without account"))?;
        let role = self.store.role(user.role_id).await?.ok_or_else(|| Error::internal("user without role"))?;
        Ok((domain, role))
    }

    /// The user a PBX session token stands for.
    pub async fn pbx_authenticate(&self, bearer: Option<&str>) -> Result<Principal> {
        self.authenticate_as(bearer, KIND_PBX, false).await
    }

    /// Ends the PBX session of this principal.
    pub async fn pbx_logout(&self, principal: &Principal, origin: &Origin) -> Result<()> {
        match &principal.kind {
            crate::services::PrincipalKind::Session { family_id, .. } => {
                self.store.revoke_family(family_id, self.now()).await?;
                self.forget().await;
                self.audit_token(crate::audit::kind::TOKEN_REVOKED, KIND_PBX, &principal.user, None, Some(origin));
                Ok(())
            }
            crate::services::PrincipalKind::ApiToken { .. } => Err(Error::Unauthenticated),
        }
    }

    /// A PBX administrator's capability: only a principal whose role is "PBX administrator" gets one.
    pub async fn pbx_administrator(&self, principal: &Principal) -> Result<PbxAdmin> {
        let (_, role) = self.domain_and_role(&principal.user).await?;
        if role.role_type != 1 {
            return Err(Error::forbidden("Permission denied."));
        }
        Ok(PbxAdmin { account_id: principal.user.account_id, actor: principal.user.email.clone() })
    }
}

/// Proof that the caller administers a PBX domain (see [`Core::pbx_administrator`]).
#[derive(Debug)]
pub struct PbxAdmin {
    pub(super) account_id: i64,
    pub(super) actor: String,
}
