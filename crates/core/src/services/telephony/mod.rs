//! Telephony: short-lived SIP and TURN credentials derived from shared secrets (Kamailio's
//! `auth_ephemeral`, coturn's TURN REST API), the secrets themselves (sealed at rest, rotated by
//! the operator), and a person's SIP user in their PBX domain. See `docs/telephony.md`.

pub(crate) mod edge;
pub(crate) mod mint;
pub(crate) mod secrets;
pub(crate) mod sip_users;

pub use edge::SipFailure;
pub use mint::{CredentialKind, SipCredentials, TurnCredentials, credential_password};
pub use secrets::{SecretEntry, ServerKind};
pub use sip_users::{SIP_USER_MAX, parse_sip_user};
