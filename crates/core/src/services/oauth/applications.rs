//! Applications (OAuth clients with client_credentials) that a cabinet lk_admin registers for
//! its own account, and the bearer check of the provider API (an OAuth JWT or a personal API token).

use crate::error::{Error, Result};
use crate::services::admin::CreatedClient;
use crate::services::{Core, Principal};
use crate::types::{Application, User};

/// Session kind that no session has: `authenticate_as` with it accepts personal API tokens only.
const NO_SESSION: &str = "-";

impl Core {
    fn require_lk_admin(principal: &Principal) -> Result<()> {
        match principal.user.role.administers_account() {
            true => Ok(()),
            false => Err(Error::forbidden("This action is unauthorized.")),
        }
    }

    /// Registers an application owned by the caller; its secret is in the answer only. With
    /// `redirect_uris` it may also run the authorization code flow for users who consent.
    pub async fn create_application(
        &self,
        principal: &Principal,
        name: Option<&str>,
        redirect_uris: &[String],
    ) -> Result<CreatedClient> {
        Self::require_lk_admin(principal)?;
        let name = name.map(str::trim).filter(|n| !n.is_empty()).ok_or_else(|| Error::required("name"))?;
        if name.chars().count() > 255 {
            return Err(Error::validation("name", "The name must not be greater than 255 characters."));
        }
        // Per account, as `GET /applications` lists them: that answer stays bounded too.
        let cap = self.settings.limits.applications_per_account;
        if self.store.applications(principal.user.account_id).await?.len() as i64 >= cap {
            return Err(Error::refused(format!("An account may have at most {cap} applications: delete one first.")));
        }
        let mut grants = vec!["client_credentials".to_owned()];
        if !redirect_uris.is_empty() {
            grants.extend(["authorization_code".to_owned(), "refresh_token".to_owned()]);
        }
        let options = crate::services::ClientOptions { redirect_uris: redirect_uris.to_vec(), ..Default::default() };
        self.admin_create_client_with(name, None, grants, Some(&principal.user.email), options).await
    }

    pub async fn applications(&self, principal: &Principal) -> Result<Vec<Application>> {
        Self::require_lk_admin(principal)?;
        Ok(self.store.applications(principal.user.account_id).await?)
    }

    /// Deletes one of the account's applications (its tokens die with it); others' look missing.
    pub async fn delete_application(&self, principal: &Principal, id: i64) -> Result<()> {
        Self::require_lk_admin(principal)?;
        match self.store.delete_application(id, principal.user.account_id, self.now()).await? {
            true => {
                self.forget().await;
                let event = crate::audit::AuditEvent::new(crate::audit::kind::CLIENT_DELETE, crate::audit::SUCCESS);
                self.audit_change(event.user(&principal.user).client(id).subject(format!("client:{id}"))).await;
                Ok(())
            }
            false => Err(Error::NotFound),
        }
    }

    /// The provider API's bearer: an OAuth access token (a user's, or an application's acting for
    /// its owner) or a personal API token.
    pub async fn provider_user(&self, bearer: Option<&str>) -> Result<User> {
        if bearer.is_some_and(|t| t.contains('.')) {
            let principal = self.oauth_authenticate(bearer).await?;
            if principal.delegated()
                && !crate::services::oauth::scopes::PROVIDER_SCOPES.iter().all(|s| principal.has_scope(s))
            {
                return Err(Error::insufficient_scope(
                    "The access token was not granted the profile, email and phone scopes.",
                ));
            }
            return Ok(principal.user);
        }
        Ok(self.authenticate_as(bearer, NO_SESSION, true).await?.user)
    }
}
