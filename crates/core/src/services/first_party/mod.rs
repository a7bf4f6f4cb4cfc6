//! kordon's own web clients, the console (`/console`) and the account page (`/account`): each a
//! public, trusted client registered at every start under a fixed id ([`client`]), signing its
//! people in through kordon's code flow with PKCE and keeping the access token as its session,
//! with a CSRF token bound to it ([`session`]). Who may use which is each page family's own rule.

pub(crate) mod client;
pub(crate) mod session;

pub use client::{ACCOUNT, CONSOLE, FirstPartyClient, FirstPartySpec, is_builtin};
pub use session::{FirstPartySession, FirstPartyStart, FirstPartyTokens};
