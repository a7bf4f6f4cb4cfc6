//! Applications (OAuth clients) as an administrator handles them: list, register, rotate the
//! secret (shown once), change the name, redirect URIs and grants, mark trusted (the operator
//! only: a trusted client skips consent and may act for the admin API), delete. A tenant handles
//! the applications its account's users own; the operator every client.

use super::scope::Admin;
use super::{By, CLIENT_SECRET_LEN, ClientOptions, Owner, audit_as};
use crate::audit::kind;
use crate::error::{Error, Result};
use crate::oidc_types::ClientPatch;
use crate::secrets::{digest, random_token};
use crate::services::Core;
use crate::types::admin::ClientRecord;

/// The grants an administrator may give an application.
const GRANTS: [&str; 4] = ["authorization_code", "refresh_token", "client_credentials", "password"];

/// An application to register.
#[derive(Debug, Clone, Default)]
pub struct NewApplication {
    /// 1 to 255 characters once trimmed.
    pub name: Option<String>,
    pub redirect_uris: Vec<String>,
    pub post_logout_redirect_uris: Vec<String>,
    /// No secret: a browser or mobile app (PKCE is its proof).
    pub public: bool,
    /// The operator only: first-party, no consent page.
    pub trusted: bool,
    /// The operator only; by default `client_credentials` (not for a public client), and
    /// `authorization_code` and `refresh_token` when there are redirect URIs.
    pub grants: Option<Vec<String>>,
}

impl Core {
    /// The applications in scope, by id.
    pub async fn admin_applications(&self, admin: &Admin) -> Result<Vec<ClientRecord>> {
        Ok(self.store.client_records(admin.account()).await?)
    }

    /// One application in scope; NotFound otherwise.
    pub async fn admin_application(&self, admin: &Admin, id: i64) -> Result<ClientRecord> {
        let record = self.store.client_record(id).await?.ok_or(Error::NotFound)?;
        match admin.account() {
            Some(account) if record.owner_account_id != Some(account) => Err(Error::NotFound),
            _ => Ok(record),
        }
    }

    /// Registers an application owned by the administrator; its secret (none for a public one) is
    /// in the answer only. A tenant holds at most `limits.applications_per_account`. Audited
    /// (`client.create`).
    pub async fn admin_create_application(
        &self,
        admin: &Admin,
        new: NewApplication,
    ) -> Result<(ClientRecord, Option<String>)> {
        if new.trusted || new.grants.is_some() {
            admin.require_operator()?;
        }
        let name = new.name.as_deref().map(str::trim).unwrap_or_default();
        check_name(name)?;
        if let Some(account) = admin.account() {
            let cap = self.settings.limits.applications_per_account;
            if self.store.client_records(Some(account)).await?.len() as i64 >= cap {
                return Err(Error::refused(format!(
                    "An account may have at most {cap} applications: delete one first."
                )));
            }
        }
        let grants = match new.grants {
            Some(grants) => check_grants(grants)?,
            None => {
                let mut grants = Vec::new();
                if !new.public {
                    grants.push("client_credentials".to_owned());
                }
                if !new.redirect_uris.is_empty() || new.public {
                    grants.extend(["authorization_code".to_owned(), "refresh_token".to_owned()]);
                }
                grants
            }
        };
        let options = ClientOptions {
            redirect_uris: new.redirect_uris,
            post_logout_redirect_uris: new.post_logout_redirect_uris,
            public: new.public,
            trusted: new.trusted,
            ..ClientOptions::default()
        };
        let actor = admin.actor();
        let by = By { actor: &actor, dialect: admin.dialect() };
        let created = self.create_client_as(name, None, grants, Owner::Id(admin.user.id), options, by).await?;
        let record = self.store.client_record(created.client_id).await?.ok_or(Error::NotFound)?;
        Ok((record, created.client_secret))
    }

    /// A new secret for an application in scope, shown only in this answer; the old one stops
    /// working at once (tokens already issued live on). A public client has none (refused).
    /// Audited (`client.secret`, never the secret).
    pub async fn admin_rotate_application_secret(&self, admin: &Admin, id: i64) -> Result<String> {
        let record = self.admin_application(admin, id).await?;
        if record.client.public {
            return Err(Error::refused("A public client has no secret."));
        }
        let secret = random_token(CLIENT_SECRET_LEN);
        let actor = admin.actor();
        let by = By { actor: &actor, dialect: admin.dialect() };
        let line = audit_as(self.now(), kind::CLIENT_SECRET, by, &serde_json::json!({ "rotated": true }));
        if !self.store.rotate_client_secret(id, &digest(&secret), &line).await? {
            return Err(Error::NotFound);
        }
        self.forget().await;
        Ok(secret)
    }

    /// Changes an application in scope: name, redirect URIs, post-logout URIs, and (the
    /// operator only) grants and trust. A trusted application's redirect URIs are the
    /// operator's too: trust skips the consent page, so whoever moves its redirect collects its
    /// users' codes. An application given its first redirect URIs gains the code flow, as one
    /// registered with them does. Audited (`client.update`, what changed).
    pub async fn admin_update_application(&self, admin: &Admin, id: i64, patch: ClientPatch) -> Result<ClientRecord> {
        if patch.trusted.is_some() || patch.grants.is_some() {
            admin.require_operator()?;
        }
        let record = self.admin_application(admin, id).await?;
        let moves_redirects = patch.redirect_uris.as_ref().is_some_and(|uris| *uris != record.client.redirect_uris);
        if record.client.trusted && moves_redirects && !admin.is_operator() {
            return Err(Error::forbidden("A trusted application's redirect URIs are the operator's to change."));
        }
        if let Some(name) = &patch.name {
            check_name(name.trim())?;
        }
        let first_redirects = record.client.redirect_uris.is_empty()
            && patch.redirect_uris.as_ref().is_some_and(|uris| !uris.is_empty())
            && !record.client.grants.iter().any(|g| g == "authorization_code");
        let grants = match (patch.grants, first_redirects) {
            (Some(grants), _) => Some(grants),
            (None, true) => {
                let mut grants = record.client.grants.clone();
                grants.extend(["authorization_code".to_owned(), "refresh_token".to_owned()]);
                Some(grants)
            }
            (None, false) => None,
        };
        let patch = ClientPatch { grants: grants.map(check_grants).transpose()?, ..patch };
        let actor = admin.actor();
        self.update_client_as(id, patch, By { actor: &actor, dialect: admin.dialect() }).await?;
        self.admin_application(admin, id).await
    }

    /// Deletes an application in scope with its consents and codes; its tokens die with it.
    /// Audited (`client.delete`).
    pub async fn admin_delete_application(&self, admin: &Admin, id: i64) -> Result<()> {
        let record = self.admin_application(admin, id).await?;
        let detail = serde_json::json!({ "name": record.client.name, "owner_user_id": record.client.owner_user_id });
        let actor = admin.actor();
        let line = audit_as(self.now(), kind::CLIENT_DELETE, By { actor: &actor, dialect: admin.dialect() }, &detail);
        if !self.store.delete_client(id, &line, self.now()).await? {
            return Err(Error::NotFound);
        }
        self.forget().await;
        Ok(())
    }
}

fn check_name(name: &str) -> Result<()> {
    if name.is_empty() {
        return Err(Error::required("name"));
    }
    if name.chars().count() > 255 {
        return Err(Error::validation("name", "The name must not be greater than 255 characters."));
    }
    Ok(())
}

/// Known grants, each once, in the order given.
fn check_grants(grants: Vec<String>) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for grant in grants {
        if !GRANTS.contains(&grant.as_str()) {
            return Err(Error::validation("grants", format!("The grant {grant:?} is not one kordon knows.")));
        }
        if !out.contains(&grant) {
            out.push(grant);
        }
    }
    Ok(out)
}
