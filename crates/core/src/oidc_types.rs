//! What the OpenID Connect login keeps: browser sign-ins (SSO), authorization codes, consents,
//! and the operator's changes to a client's registration.

/// A browser's sign-in at kordon, found by the digest of its cookie.
#[derive(Debug, Clone)]
pub struct LoginSession {
    pub digest: String,
    pub user_id: i64,
    /// When the user last proved who they are (OIDC `auth_time`), Unix seconds.
    pub auth_time: i64,
    /// How: `pwd`, or `tel` for a FlashCall PIN (RFC 8176 names).
    pub amr: String,
    pub expires_at: i64,
    /// The digest of the authorization request this sign-in was made for, until a code issued
    /// for that request spends it: the sign-in is fresh for that request only, and once.
    pub flow: Option<String>,
    /// Where the sign-in was made (shown on the person's account page).
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// When a code was last issued for it (at most a minute off), Unix seconds.
    pub last_used_at: Option<i64>,
}

/// An authorization code as stored (by digest): what it was issued for.
#[derive(Debug, Clone)]
pub struct AuthorizationCode {
    pub digest: String,
    pub client_id: i64,
    pub user_id: i64,
    pub redirect_uri: String,
    pub scope: String,
    pub nonce: Option<String>,
    /// The S256 PKCE challenge, when the authorization request had one.
    pub code_challenge: Option<String>,
    pub auth_time: i64,
    pub amr: String,
    pub login_session: String,
    pub expires_at: i64,
}

/// The operator's change to a client (`kordon admin client update`); `None` leaves a field.
#[derive(Debug, Clone, Default)]
pub struct ClientPatch {
    pub name: Option<String>,
    pub grants: Option<Vec<String>>,
    pub redirect_uris: Option<Vec<String>>,
    pub post_logout_redirect_uris: Option<Vec<String>>,
    pub trusted: Option<bool>,
    pub require_mfa: Option<bool>,
}
