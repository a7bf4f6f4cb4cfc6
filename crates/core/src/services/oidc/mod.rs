//! The OpenID Connect provider: the authorization endpoint's logic, the browser's sign-in at
//! kordon, and the token side (authorization code grant, ID token, UserInfo, logout).

pub(crate) mod authorize;
pub(crate) mod publisher;
pub(crate) mod register;
pub(crate) mod signin;
pub(crate) mod tokens;

/// The account page's built-in client (`first_party::ACCOUNT`): never under a rule that requires
/// a second factor, since people switch one on there.
pub const ACCOUNT_CLIENT_ID: i64 = 10551;

/// The authentication context class of a sign-in with one factor.
pub const ACR_1FA: &str = "urn:kordon:acr:1fa";
/// The authentication context class of a sign-in with two factors (its `amr` has `mfa`).
pub const ACR_MFA: &str = "urn:kordon:acr:mfa";

/// Whether a sign-in's methods (stored space-separated) are two factors.
pub(crate) fn two_factors(stored: &str) -> bool {
    stored.split_whitespace().count() > 1
}
