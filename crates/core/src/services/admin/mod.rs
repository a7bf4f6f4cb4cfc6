//! Operator commands (the `kordon admin` CLI): clients, users, managers.

pub(crate) mod blocks;
pub(crate) mod capped;
pub(crate) mod clients;
pub(crate) mod domains;
pub(crate) mod events;
pub(crate) mod lifecycle;
pub(crate) mod scope;
pub(crate) mod sessions;
pub(crate) mod users;

use crate::audit::AuditEvent;
use crate::error::{Error, Result};
use crate::ports::StoreError;
use crate::secrets::random_token;
use crate::services::Core;
use crate::types::{AccountChoice, Email, NewClient, NewUser, Phone, Role, User};

/// Client secrets carry ≈190 bits of randomness, so a SHA-256 digest keeps them as safe as a slow
/// hash would, without letting anyone queue argon2 work by presenting made-up client ids.
pub(crate) const CLIENT_SECRET_LEN: usize = 32;

#[derive(Debug, serde::Serialize)]
pub struct CreatedClient {
    pub client_id: i64,
    /// Shown once; a public client has none.
    pub client_secret: Option<String>,
}

/// What only an operator may set on a client, and its registration for the code flow.
#[derive(Debug, Default, Clone)]
pub struct ClientOptions {
    /// This client's access-token lifetime, seconds (none: `oauth.access_ttl`).
    pub access_ttl: Option<i64>,
    /// May introspect tokens (RFC 7662).
    pub introspect: bool,
    /// Where the authorization endpoint may return (see [`crate::redirect_uris`]).
    pub redirect_uris: Vec<String>,
    /// Where RP-initiated logout may return.
    pub post_logout_redirect_uris: Vec<String>,
    /// No secret (a browser or mobile app); PKCE is its proof.
    pub public: bool,
    /// First-party: no consent page.
    pub trusted: bool,
}

/// Who owns a new client (its `client_credentials` tokens act for them).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Owner<'a> {
    None,
    /// The user with this email (the CLI's `--owner-email`), looked up once the rest is valid.
    Email(&'a str),
    Id(i64),
}

/// Grants a public client may not have: they need a secret it does not hold.
const SECRET_GRANTS: [&str; 2] = ["client_credentials", "password"];

#[derive(Debug)]
pub struct NewUserCommand<'a> {
    pub email: &'a str,
    pub password: &'a str,
    pub phone: Option<&'a str>,
    pub role: Role,
    /// The PBX role ([`crate::types::PbxRole`] ids).
    pub role_id: i64,
    /// Join this PBX domain's account (created on first use); none: a new account.
    pub domain: Option<&'a str>,
}

impl Core {
    pub async fn admin_create_client(
        &self,
        name: &str,
        id: Option<i64>,
        grants: Vec<String>,
        owner_email: Option<&str>,
    ) -> Result<CreatedClient> {
        self.admin_create_client_with(name, id, grants, owner_email, ClientOptions::default()).await
    }

    /// As [`Core::admin_create_client`], with the client's own access-token lifetime (seconds).
    pub async fn admin_create_client_with_ttl(
        &self,
        name: &str,
        id: Option<i64>,
        grants: Vec<String>,
        owner_email: Option<&str>,
        access_ttl: Option<i64>,
    ) -> Result<CreatedClient> {
        let options = ClientOptions { access_ttl, ..ClientOptions::default() };
        self.admin_create_client_with(name, id, grants, owner_email, options).await
    }

    /// As [`Core::admin_create_client`], with the operator's options.
    pub async fn admin_create_client_with(
        &self,
        name: &str,
        id: Option<i64>,
        grants: Vec<String>,
        owner_email: Option<&str>,
        options: ClientOptions,
    ) -> Result<CreatedClient> {
        let owner = owner_email.map_or(Owner::None, Owner::Email);
        self.create_client_as(name, id, grants, owner, options, CLI).await
    }

    /// Creates a client, audited as made `by` someone (see [`Core::admin_create_client_with`]).
    pub(crate) async fn create_client_as(
        &self,
        name: &str,
        id: Option<i64>,
        grants: Vec<String>,
        owner: Owner<'_>,
        options: ClientOptions,
        by: By<'_>,
    ) -> Result<CreatedClient> {
        let ClientOptions { access_ttl, introspect, redirect_uris, post_logout_redirect_uris, public, trusted } =
            options;
        if access_ttl.is_some_and(|t| !(60..=10 * 365 * 86400).contains(&t)) {
            return Err(Error::validation("access_ttl", "The access_ttl must be between 60 seconds and 10 years."));
        }
        if name.trim().is_empty() {
            return Err(Error::required("name"));
        }
        let redirect_uris = crate::redirect_uris::check("redirect_uris", &redirect_uris)?;
        let post_logout_redirect_uris =
            crate::redirect_uris::check("post_logout_redirect_uris", &post_logout_redirect_uris)?;
        check_code_flow(&grants, &redirect_uris, public)?;
        let owner_user_id = match owner {
            Owner::None => None,
            Owner::Email(email) => Some(self.admin_user(email).await?.id),
            Owner::Id(id) => Some(id),
        };
        // A public client gets no secret; its empty hash matches no presented one.
        let secret = (!public).then(|| random_token(CLIENT_SECRET_LEN));
        let client = NewClient {
            id,
            name: name.trim().to_owned(),
            secret_hash: secret.as_deref().map(crate::secrets::digest).unwrap_or_default(),
            grants,
            owner_user_id,
            access_ttl,
            introspect,
            redirect_uris,
            post_logout_redirect_uris,
            public,
            trusted,
            created_at: self.now(),
        };
        // What the operator registered, for the audit log (never the secret).
        let detail = serde_json::json!({
            "name": client.name,
            "grants": client.grants,
            "owner_user_id": client.owner_user_id,
            "access_ttl": client.access_ttl,
            "introspect": client.introspect,
            "redirect_uris": client.redirect_uris,
            "post_logout_redirect_uris": client.post_logout_redirect_uris,
            "public": client.public,
            "trusted": client.trusted,
        });
        let audit = audit_as(self.now(), crate::audit::kind::CLIENT_CREATE, by, &detail);
        let client_id = self.store.create_client(&client, Some(&audit)).await.map_err(|e| match e {
            StoreError::Conflict(_) => Error::validation("id", "The id has already been taken."),
            other => other.into(),
        })?;
        Ok(CreatedClient { client_id, client_secret: secret })
    }

    /// Creates a user with a password the operator chose (the policy still applies).
    pub async fn admin_create_user(&self, cmd: NewUserCommand<'_>) -> Result<(i64, i64)> {
        let email = Email::parse("email", cmd.email)?;
        let phone = cmd.phone.map(|p| Phone::parse("phone", p)).transpose()?;
        let password = crate::types::NewPassword::parse(Some(cmd.password), Some(cmd.password))?;
        let user = NewUser {
            email,
            phone,
            password_hash: self.passwords.hash(password.expose()).await?,
            role: cmd.role,
            role_id: cmd.role_id,
            account: match cmd.domain.map(str::trim) {
                Some("") => return Err(Error::required("domain")),
                Some(domain) => AccountChoice::Domain(domain.to_lowercase()),
                None => AccountChoice::New { promocode: None },
            },
            created_at: self.now(),
        };
        let (user_id, account_id) =
            self.store.create_user(&user).await.map_err(crate::services::accounts::login::conflict)?;
        let detail = serde_json::json!({ "role": cmd.role.as_str(), "role_id": cmd.role_id, "domain": cmd.domain });
        let event = operator_audit(self.now(), crate::audit::kind::USER_CREATE, &detail);
        self.audit_change(event.user_id(user_id, Some(account_id)).subject(format!("user:{user_id}"))).await;
        Ok((user_id, account_id))
    }

    pub async fn admin_user(&self, email: &str) -> Result<User> {
        let email = Email::parse("email", email)?;
        self.store.user_by_email(&email.key()).await?.ok_or(Error::NotFound)
    }

    pub async fn admin_create_manager(&self, name: &str, email: &str, phone: &str) -> Result<i64> {
        if name.trim().is_empty() {
            return Err(Error::required("name"));
        }
        let email = Email::parse("email", email)?;
        if phone.trim().is_empty() {
            return Err(Error::required("phone"));
        }
        Ok(self.store.create_manager(name.trim(), email.as_str(), phone.trim()).await?)
    }

    /// Deletes long-dead rows and audit events past their retention (run periodically by the
    /// server).
    pub async fn purge_expired(&self) -> Result<u64> {
        Ok(self.store.purge_expired(self.now()).await? + self.purge_audit().await?)
    }

    pub async fn admin_set_manager(&self, account_id: i64, manager_id: i64) -> Result<()> {
        Ok(self.store.set_account_manager(account_id, manager_id).await?)
    }
}

/// Who the audit log names for the operator's commands: `kordon admin` runs them on the
/// operator's behalf (the same actor the user lifecycle commands pass).
pub(crate) const OPERATOR: &str = "cli";

/// The audit line of an operator's command; `detail` is JSON and never holds a secret.
pub(crate) fn operator_audit(at: i64, event: &'static str, detail: &serde_json::Value) -> AuditEvent {
    audit_as(at, event, CLI, detail)
}

/// Who made an operator's change, for its audit line.
#[derive(Debug, Clone, Copy)]
pub(crate) struct By<'a> {
    /// `cli`, `admin-api:<user id>`, `console:<user id>`.
    pub actor: &'a str,
    /// `cli`, `admin`, `console`.
    pub dialect: &'static str,
}

/// The `kordon admin` commands.
pub(crate) const CLI: By<'static> = By { actor: OPERATOR, dialect: "cli" };

/// The audit line of a change made `by` someone; `detail` is JSON and never holds a secret.
pub(crate) fn audit_as(at: i64, event: &'static str, by: By<'_>, detail: &serde_json::Value) -> AuditEvent {
    AuditEvent::new(event, crate::audit::SUCCESS).at(at).actor(by.actor).dialect(by.dialect).detail(detail)
}

/// What `patch` changes in `current`, field by field: `{"trusted": {"from": false, "to": true}, …}`
/// (a field given with its old value is no change and is left out).
fn client_changes(current: &crate::types::Client, patch: &crate::oidc_types::ClientPatch) -> serde_json::Value {
    let mut changes = serde_json::Map::new();
    let mut note = |field: &str, from: serde_json::Value, to: Option<serde_json::Value>| {
        if let Some(to) = to.filter(|to| *to != from) {
            changes.insert(field.to_owned(), serde_json::json!({ "from": from, "to": to }));
        }
    };
    use serde_json::json;
    note("name", json!(current.name), patch.name.as_ref().map(|v| json!(v)));
    note("grants", json!(current.grants), patch.grants.as_ref().map(|v| json!(v)));
    note("redirect_uris", json!(current.redirect_uris), patch.redirect_uris.as_ref().map(|v| json!(v)));
    let post_logout = patch.post_logout_redirect_uris.as_ref().map(|v| json!(v));
    note("post_logout_redirect_uris", json!(current.post_logout_redirect_uris), post_logout);
    note("trusted", json!(current.trusted), patch.trusted.map(|v| json!(v)));
    note("require_mfa", json!(current.require_mfa), patch.require_mfa.map(|v| json!(v)));
    serde_json::Value::Object(changes)
}

/// A client of the authorization code flow needs somewhere to return to, and a public one may
/// hold only grants that need no secret.
fn check_code_flow(grants: &[String], redirect_uris: &[String], public: bool) -> Result<()> {
    if grants.iter().any(|g| g == "authorization_code") && redirect_uris.is_empty() {
        return Err(Error::validation(
            "redirect_uris",
            "A client with the authorization_code grant needs at least one redirect URI.",
        ));
    }
    if let Some(grant) = grants.iter().find(|g| public && SECRET_GRANTS.contains(&g.as_str())) {
        return Err(Error::validation(
            "grants",
            format!("A public client cannot use the {grant} grant: it holds no secret."),
        ));
    }
    Ok(())
}

impl Core {
    /// Changes a client's name, grants, redirect URIs or trust (`kordon admin client update`);
    /// every instance drops the client it cached. Whether it is public does not change: that
    /// would need a secret issued or withdrawn.
    pub async fn admin_update_client(
        &self,
        id: i64,
        patch: crate::oidc_types::ClientPatch,
    ) -> Result<crate::types::Client> {
        self.update_client_as(id, patch, CLI).await
    }

    /// As [`Core::admin_update_client`], audited as made `by` someone.
    pub(crate) async fn update_client_as(
        &self,
        id: i64,
        patch: crate::oidc_types::ClientPatch,
        by: By<'_>,
    ) -> Result<crate::types::Client> {
        let current = self.store.client(id).await?.ok_or(Error::NotFound)?;
        if patch.require_mfa == Some(true) && id == crate::services::first_party::ACCOUNT.id {
            // People set a second factor up there: it is reachable with one factor.
            return Err(Error::refused("The account page cannot require a second factor."));
        }
        let mut patch = patch;
        if let Some(name) = &patch.name {
            if name.trim().is_empty() {
                return Err(Error::required("name"));
            }
            patch.name = Some(name.trim().to_owned());
        }
        if let Some(uris) = &patch.redirect_uris {
            patch.redirect_uris = Some(crate::redirect_uris::check("redirect_uris", uris)?);
        }
        if let Some(uris) = &patch.post_logout_redirect_uris {
            patch.post_logout_redirect_uris = Some(crate::redirect_uris::check("post_logout_redirect_uris", uris)?);
        }
        let grants = patch.grants.as_ref().unwrap_or(&current.grants);
        let redirect_uris = patch.redirect_uris.as_ref().unwrap_or(&current.redirect_uris);
        check_code_flow(grants, redirect_uris, current.public)?;
        let audit = audit_as(self.now(), crate::audit::kind::CLIENT_UPDATE, by, &client_changes(&current, &patch));
        if !self.store.update_client(id, &patch, Some(&audit)).await? {
            return Err(Error::NotFound);
        }
        self.forget().await;
        self.store.client(id).await?.ok_or(Error::NotFound)
    }
}
