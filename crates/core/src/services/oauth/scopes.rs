//! The scopes kordon knows and how a scope list is read: shared by the OAuth grants, the
//! discovery document, the OpenID Connect authorization endpoint and the provider API's check.

/// The scopes kordon knows. `openid` makes it OpenID Connect (an ID token); `offline_access`
/// asks for a refresh token; `sip` and `turn` let the token mint the person's SIP and TURN
/// credentials (`/api/telephony/v1`).
pub const SCOPES: [&str; 7] = ["openid", "email", "phone", "profile", "offline_access", "sip", "turn"];

/// Whether a space-separated scope list names `scope` (RFC 6749 §3.3).
pub(crate) fn scope_has(list: &str, scope: &str) -> bool {
    list.split_whitespace().any(|s| s == scope)
}

/// What the provider API's answer holds, and so what a delegated token needs to read it.
pub const PROVIDER_SCOPES: [&str; 3] = ["profile", "email", "phone"];
