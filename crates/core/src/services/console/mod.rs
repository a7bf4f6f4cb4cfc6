//! The web console's domain (`/console`): who may enter and how far they see (one rule:
//! [`access`]), the console session (a first-party session past that rule), and what its pages
//! read and change, each scoped to the person signed in.

pub(crate) mod access;
pub(crate) mod defender;
pub(crate) mod keys;
pub(crate) mod overview;
pub(crate) mod session;
