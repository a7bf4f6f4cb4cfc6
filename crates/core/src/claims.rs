//! The claims of kordon's access tokens (RFC 9068): what the OAuth service signs and verifies and
//! what the cache keeps of a verified token. A leaf, so the cache need not know the services.

use serde::{Deserialize, Serialize};

/// The claims of kordon's access tokens (RFC 9068).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub iss: String,
    pub sub: String,
    pub aud: String,
    pub exp: i64,
    pub iat: i64,
    pub jti: String,
    pub client_id: String,
    pub scope: String,
    /// Not valid before (kordon does not set it; a token that has one is held to it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
    /// `client_credentials` on an application's row-less token; absent on session-bound ones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gty: Option<String>,
    /// The owner's [`crate::types::User::token_generation`] a row-less token was issued under.
    #[serde(default, rename = "gen", skip_serializing_if = "Option::is_none")]
    pub generation: Option<i64>,
}

/// The `gty` of an application's row-less token.
pub const GTY_APP: &str = "client_credentials";

impl Claims {
    /// An application's client_credentials token, which has no session row.
    pub fn is_app_token(&self) -> bool {
        self.gty.as_deref() == Some(GTY_APP)
    }
}
