//! A first-party client's registration: public (PKCE is its proof), trusted (no consent page),
//! the authorization code grant only. Registered at every start under a fixed id with the
//! redirect URIs of the server's issuer (`server.public_url`, else `oauth.issuer`, else the
//! address bound), so a changed public URL is followed at the next start.

use crate::error::{Error, Result};
use crate::oidc_types::ClientPatch;
use crate::ports::StoreError;
use crate::services::Core;
use crate::services::oidc::authorize::GRANT_CODE;
use crate::types::{Client, NewClient};

/// What a first-party client is: its fixed id, its name and its two paths.
#[derive(Debug, Clone, Copy)]
pub struct FirstPartySpec {
    /// Below the seeded cabinet client (10553), so no id the counter hands out can take it.
    pub id: i64,
    /// Shown nowhere: the client is trusted, so no consent page names it.
    pub name: &'static str,
    /// Where the authorization endpoint sends the browser back with a code.
    pub callback: &'static str,
    /// Where RP-initiated logout sends the browser after signing out.
    pub signed_out: &'static str,
}

/// The web console's client.
pub const CONSOLE: FirstPartySpec = FirstPartySpec {
    id: 10552,
    name: "kordon console",
    callback: "/console/callback",
    signed_out: "/console/signed-out",
};

/// The account page's client.
pub const ACCOUNT: FirstPartySpec = FirstPartySpec {
    id: crate::services::oidc::ACCOUNT_CLIENT_ID,
    name: "kordon account",
    callback: "/account/callback",
    signed_out: "/account/signed-out",
};

/// Whether a client id is one of kordon's own (registered again at every start; the console
/// neither changes, rotates nor deletes it).
pub fn is_builtin(id: i64) -> bool {
    id == CONSOLE.id || id == ACCOUNT.id
}

/// A first-party client as registered for this server.
#[derive(Debug, Clone)]
pub struct FirstPartyClient {
    pub id: i64,
    /// `<issuer><callback>`.
    pub redirect_uri: String,
    /// `<issuer><signed_out>`.
    pub signed_out_uri: String,
}

impl Core {
    /// Registers a first-party client, or brings its registration up to date (idempotent; two
    /// instances starting at once agree). Fails when the issuer is not a base browsers can be
    /// sent back to (http to a host other than loopback: set `server.public_url` to https), or
    /// when the id is held by a client that is not this one.
    pub async fn register_first_party(&self, spec: &FirstPartySpec) -> Result<FirstPartyClient> {
        let base = self.issuer();
        let wanted = FirstPartyClient {
            id: spec.id,
            redirect_uri: format!("{base}{}", spec.callback),
            signed_out_uri: format!("{base}{}", spec.signed_out),
        };
        let redirect_uris = crate::redirect_uris::check("redirect_uris", std::slice::from_ref(&wanted.redirect_uri))?;
        let signed_out =
            crate::redirect_uris::check("post_logout_redirect_uris", std::slice::from_ref(&wanted.signed_out_uri))?;
        let grants = vec![GRANT_CODE.to_owned()];
        for _ in 0..2 {
            let Some(current) = self.store.client(spec.id).await? else {
                let client = NewClient {
                    id: Some(spec.id),
                    name: spec.name.to_owned(),
                    secret_hash: String::new(),
                    grants: grants.clone(),
                    owner_user_id: None,
                    access_ttl: None,
                    introspect: false,
                    redirect_uris: redirect_uris.clone(),
                    post_logout_redirect_uris: signed_out.clone(),
                    public: true,
                    trusted: true,
                    created_at: self.now(),
                };
                match self.store.create_client(&client, None).await {
                    Ok(_) => return Ok(wanted),
                    // Another instance registered it meanwhile: read it again.
                    Err(StoreError::Conflict(_)) => continue,
                    Err(err) => return Err(err.into()),
                }
            };
            if !is_registration_of(spec, &current) {
                return Err(Error::internal(format!(
                    "client {} is not the {}'s (a client created with --id {}?): it cannot sign anyone in",
                    spec.id, spec.name, spec.id
                )));
            }
            let patch = ClientPatch {
                name: None,
                grants: (current.grants != grants).then(|| grants.clone()),
                redirect_uris: (current.redirect_uris != redirect_uris).then(|| redirect_uris.clone()),
                post_logout_redirect_uris: (current.post_logout_redirect_uris != signed_out)
                    .then(|| signed_out.clone()),
                trusted: (!current.trusted).then_some(true),
                require_mfa: None,
            };
            let unchanged = patch.grants.is_none()
                && patch.redirect_uris.is_none()
                && patch.post_logout_redirect_uris.is_none()
                && patch.trusted.is_none();
            if !unchanged {
                self.store.update_client(spec.id, &patch, None).await?;
                self.forget().await;
                tracing::info!(client = spec.name, redirect_uri = %wanted.redirect_uri, "a built-in client's registration was updated");
            }
            return Ok(wanted);
        }
        Err(Error::internal(format!("the {} client could not be registered", spec.name)))
    }
}

/// The client's own registration: its name, public and nobody's.
fn is_registration_of(spec: &FirstPartySpec, client: &Client) -> bool {
    client.name == spec.name && client.public && client.owner_user_id.is_none()
}
