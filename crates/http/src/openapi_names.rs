//! The names the OpenAPI document groups and secures operations by: every dialect's
//! `#[utoipa::path]` names a tag and a security scheme from here, and [`crate::openapi`] declares
//! them. A leaf: it imports nothing of the crate.

/// The tags operations are grouped by, in the order the explorer shows them.
pub mod tag {
    pub const OAUTH: &str = "OAuth 2";
    pub const OIDC: &str = "OpenID Connect";
    pub const PROVIDER: &str = "Provider API v1.0";
    pub const CABINET: &str = "Cabinet API v1";
    pub const PBX: &str = "PBX action API";
    pub const BIOMETRICS: &str = "Biometrics";
    pub const ADMIN: &str = "Admin API v1";
    pub const TELEPHONY: &str = "Telephony API v1";
    pub const HEALTH: &str = "Health";
    pub const EXPLORER: &str = "Explorer";
}

/// The names operations' `security` requirements use.
pub mod scheme {
    pub const OAUTH_BEARER: &str = "oauthBearer";
    pub const OAUTH2: &str = "oauth2";
    pub const CABINET_BEARER: &str = "cabinetBearer";
    pub const PBX_BEARER: &str = "pbxBearer";
    pub const CLIENT_BASIC: &str = "clientBasic";
    pub const ADMIN_BEARER: &str = "adminBearer";
    pub const TELEPHONY_HOOK: &str = "telephonyHook";
}
