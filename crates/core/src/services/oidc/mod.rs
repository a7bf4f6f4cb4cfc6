//! The OpenID Connect provider: the authorization endpoint's logic, the browser's sign-in at
//! kordon, and the token side (authorization code grant, ID token, UserInfo, logout).

pub(crate) mod authorize;
pub(crate) mod publisher;
pub(crate) mod signin;
pub(crate) mod tokens;
