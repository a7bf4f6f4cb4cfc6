//! The console's built-in client: public (PKCE is its proof), trusted (first-party: no consent
//! page), the authorization code grant only. Registered at every start under a fixed id with the
//! redirect URIs of the server's issuer (`server.public_url`, else `oauth.issuer`, else the
//! address bound), so a changed public URL is followed at the next start.

use crate::error::{Error, Result};
use crate::oidc_types::ClientPatch;
use crate::ports::StoreError;
use crate::services::Core;
use crate::services::oidc::authorize::GRANT_CODE;
use crate::types::{Client, NewClient};

/// The console client's id: below the seeded cabinet client (10553), so no id the counter hands
/// out can take it.
pub const CONSOLE_CLIENT_ID: i64 = 10552;
/// The console client's name (shown nowhere: it is trusted, so no consent page names it).
pub const CONSOLE_CLIENT_NAME: &str = "kordon console";
/// Where the authorization endpoint sends the browser back with a code.
pub const CONSOLE_CALLBACK: &str = "/console/callback";
/// Where RP-initiated logout sends the browser after the console's sign-out.
pub const CONSOLE_SIGNED_OUT: &str = "/console/signed-out";

/// The console client as registered for this server.
#[derive(Debug, Clone)]
pub struct ConsoleClient {
    pub id: i64,
    /// `<issuer>/console/callback`.
    pub redirect_uri: String,
    /// `<issuer>/console/signed-out`.
    pub signed_out_uri: String,
}

impl Core {
    /// Registers the console client, or brings its registration up to date (idempotent; two
    /// instances starting at once agree). Fails when the issuer is not a base browsers can be
    /// sent back to (http to a host other than loopback: set `server.public_url` to https), or
    /// when the id is held by a client that is not the console's.
    pub async fn register_console(&self) -> Result<ConsoleClient> {
        let base = self.issuer();
        let wanted = ConsoleClient {
            id: CONSOLE_CLIENT_ID,
            redirect_uri: format!("{base}{CONSOLE_CALLBACK}"),
            signed_out_uri: format!("{base}{CONSOLE_SIGNED_OUT}"),
        };
        let redirect_uris = crate::redirect_uris::check("redirect_uris", std::slice::from_ref(&wanted.redirect_uri))?;
        let signed_out =
            crate::redirect_uris::check("post_logout_redirect_uris", std::slice::from_ref(&wanted.signed_out_uri))?;
        let grants = vec![GRANT_CODE.to_owned()];
        for _ in 0..2 {
            let Some(current) = self.store.client(CONSOLE_CLIENT_ID).await? else {
                let client = NewClient {
                    id: Some(CONSOLE_CLIENT_ID),
                    name: CONSOLE_CLIENT_NAME.to_owned(),
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
            if !is_console(&current) {
                return Err(Error::internal(format!(
                    "client {CONSOLE_CLIENT_ID} is not the console's (a client created with --id {CONSOLE_CLIENT_ID}?): \
                     the console cannot sign anyone in"
                )));
            }
            let patch = ClientPatch {
                name: None,
                grants: (current.grants != grants).then(|| grants.clone()),
                redirect_uris: (current.redirect_uris != redirect_uris).then(|| redirect_uris.clone()),
                post_logout_redirect_uris: (current.post_logout_redirect_uris != signed_out)
                    .then(|| signed_out.clone()),
                trusted: (!current.trusted).then_some(true),
            };
            let unchanged = patch.grants.is_none()
                && patch.redirect_uris.is_none()
                && patch.post_logout_redirect_uris.is_none()
                && patch.trusted.is_none();
            if !unchanged {
                self.store.update_client(CONSOLE_CLIENT_ID, &patch, None).await?;
                self.forget().await;
                tracing::info!(redirect_uri = %wanted.redirect_uri, "the console client's registration was updated");
            }
            return Ok(wanted);
        }
        Err(Error::internal("the console client could not be registered"))
    }
}

/// The console's own registration: its name, public and nobody's.
fn is_console(client: &Client) -> bool {
    client.name == CONSOLE_CLIENT_NAME && client.public && client.owner_user_id.is_none()
}
