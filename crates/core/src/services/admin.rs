//! Operator commands (the `kordon admin` CLI): clients, users, managers.

use super::Core;
use crate::error::{Error, Result};
use crate::ports::StoreError;
use crate::secrets::random_token;
use crate::types::{AccountChoice, Email, NewClient, NewUser, Phone, Role, User};

/// Client secrets carry ≈190 bits of randomness, so a SHA-256 digest keeps them as safe as a slow
/// hash would, without letting anyone queue argon2 work by presenting made-up client ids.
const CLIENT_SECRET_LEN: usize = 32;

#[derive(Debug, serde::Serialize)]
pub struct CreatedClient {
    pub client_id: i64,
    pub client_secret: String,
}

/// What only an operator may set on a client.
#[derive(Debug, Default, Clone, Copy)]
pub struct ClientOptions {
    /// This client's access-token lifetime, seconds (none: `oauth.access_ttl`).
    pub access_ttl: Option<i64>,
    /// May introspect tokens (RFC 7662).
    pub introspect: bool,
}

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
        let ClientOptions { access_ttl, introspect } = options;
        if access_ttl.is_some_and(|t| !(60..=10 * 365 * 86400).contains(&t)) {
            return Err(Error::validation("access_ttl", "The access_ttl must be between 60 seconds and 10 years."));
        }
        if name.trim().is_empty() {
            return Err(Error::required("name"));
        }
        let owner_user_id = match owner_email {
            Some(email) => Some(self.admin_user(email).await?.id),
            None => None,
        };
        let secret = random_token(CLIENT_SECRET_LEN);
        let client = NewClient {
            id,
            name: name.trim().to_owned(),
            secret_hash: crate::secrets::digest(&secret),
            grants,
            owner_user_id,
            access_ttl,
            introspect,
            created_at: self.now(),
        };
        let client_id = self.store.create_client(&client).await.map_err(|e| match e {
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
        self.store.create_user(&user).await.map_err(super::login::conflict)
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

    /// Deletes long-dead rows (run periodically by the server).
    pub async fn purge_expired(&self) -> Result<u64> {
        Ok(self.store.purge_expired(self.now()).await?)
    }

    pub async fn admin_set_manager(&self, account_id: i64, manager_id: i64) -> Result<()> {
        Ok(self.store.set_account_manager(account_id, manager_id).await?)
    }
}
