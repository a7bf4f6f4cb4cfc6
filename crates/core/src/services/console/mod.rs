//! The web console's domain (`/console`): its built-in sign-in client, who may enter and how far
//! they see (one rule: [`access`]), the console session (an access token of kordon's own code
//! flow, bound to its session row) with its CSRF token, and what its pages read and change, each
//! scoped to the person signed in.

pub(crate) mod access;
pub(crate) mod client;
pub(crate) mod defender;
pub(crate) mod keys;
pub(crate) mod overview;
pub(crate) mod session;
