//! The PBX dialect's services: login into a domain session, its bearer check, logout, and the
//! tenant's view of the Defender.

use super::sessions::{KIND_PBX, TOKEN_LEN};
use super::{Core, Origin, Principal};
use crate::error::{Error, Result};
use crate::secrets::random_token;
use crate::types::{Block, Domain, Email, PbxRole, User};

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
        let user = self.check_password(&email, password, origin).await?;
        let (domain, role) = self.domain_and_role(&user).await?;
        let family = random_token(TOKEN_LEN);
        let (pair, mut session) = self.new_session(user.id, 0, family, origin);
        let expires = self.now() + domain.token_ttl;
        session.kind = KIND_PBX;
        session.access_expires = expires;
        session.refresh_expires = expires;
        self.store.create_session(&session).await?;
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
    pub async fn pbx_logout(&self, principal: &Principal) -> Result<()> {
        match &principal.kind {
            super::PrincipalKind::Session { family_id, .. } => {
                Ok(self.store.revoke_family(family_id, self.now()).await?)
            }
            super::PrincipalKind::ApiToken { .. } => Err(Error::Unauthenticated),
        }
    }

    /// A PBX administrator's capability: only a principal whose role is "PBX administrator" gets one.
    pub async fn pbx_administrator(&self, principal: &Principal) -> Result<PbxAdmin> {
        let (_, role) = self.domain_and_role(&principal.user).await?;
        if role.role_type != 1 {
            return Err(Error::refused(403, "Permission denied."));
        }
        Ok(PbxAdmin { account_id: principal.user.account_id, actor: principal.user.email.clone() })
    }

    /// The blocks a tenant may see and lift: those caused only by attacks on its own users. A
    /// block whose failures touched any other login (another domain's, an unknown one, or none)
    /// is the operator's, so nobody can lift a block earned by guessing someone else's password.
    pub async fn pbx_blocks(&self, admin: &PbxAdmin) -> Result<Vec<Block>> {
        let window = self.settings.defender.window;
        let mut mine = Vec::new();
        for block in self.defender_blocks().await? {
            // Every failure since the window before the block began (including any still in flight
            // when it began): all of them must have attacked this domain's users.
            let attacked = self.store.attacked_accounts(&block.ip, block.blocked_at - window, self.now()).await?;
            let mut own = !attacked.is_empty();
            for account in &attacked {
                own = own && self.login_account_id(account).await? == Some(admin.account_id);
            }
            if own {
                mine.push(block);
            }
        }
        Ok(mine)
    }

    /// Lifts a block the tenant may see (audited with the administrator's login).
    pub async fn pbx_unblock(&self, admin: &PbxAdmin, ip: Option<&str>) -> Result<()> {
        let ip = ip.map(str::trim).filter(|i| !i.is_empty()).ok_or_else(|| Error::required("ip"))?;
        let key =
            crate::net::host_key(ip).ok_or_else(|| Error::validation("ip", "The ip must be a valid IP address."))?;
        let visible = self.pbx_blocks(admin).await?.into_iter().any(|b| b.ip == key);
        if !visible {
            return Err(Error::NotFound);
        }
        self.defender_unblock(ip, &format!("pbx:{}", admin.actor)).await
    }

    /// The account of the user a Defender login key (`email:…`, `phone:…`) names.
    async fn login_account_id(&self, key: &str) -> Result<Option<i64>> {
        let user = if let Some(email) = key.strip_prefix("email:") {
            self.store.user_by_email(email).await?
        } else if let Some(phone) = key.strip_prefix("phone:") {
            self.store.user_by_phone(phone).await?
        } else {
            None
        };
        Ok(user.map(|u| u.account_id))
    }
}

/// Proof that the caller administers a PBX domain (see [`Core::pbx_administrator`]).
#[derive(Debug)]
pub struct PbxAdmin {
    account_id: i64,
    actor: String,
}
