//! What the telephony API answers: minted SIP and TURN credentials.

use kordon_core::services::{SipCredentials, TurnCredentials};
use serde::Serialize;
use utoipa::ToSchema;

/// SIP credentials for Kamailio's `auth_ephemeral`.
#[derive(Serialize, ToSchema)]
#[schema(as = TelephonySipCredentials, example = json!({
    "username": "1796641200:101", "password": "Cq5e7yfusbf2gf9faEVs0r++CnQ=", "ttl": 43200,
    "expires_at": "2026-12-07T12:00:00Z", "realm": "pbx.example.com", "uris": ["sip:pbx.example.com;transport=tls"]}))]
pub(super) struct SipCredentialsView {
    /// `<expiry (Unix seconds)>:<sip user>`: the digest username.
    pub username: String,
    /// The digest password.
    pub password: String,
    /// Seconds they live.
    pub ttl: i64,
    /// RFC 3339.
    pub expires_at: String,
    /// The person's PBX domain: the SIP domain and digest realm.
    pub realm: String,
    /// The SIP server's URIs (`telephony.sip.uris`); maybe none.
    pub uris: Vec<String>,
}

impl From<SipCredentials> for SipCredentialsView {
    fn from(c: SipCredentials) -> Self {
        let expires_at = kordon_core::clock::format_rfc3339(c.expires_at);
        Self { username: c.username, password: c.password, ttl: c.ttl, expires_at, realm: c.realm, uris: c.uris }
    }
}

/// TURN credentials (the TURN REST API's answer).
#[derive(Serialize, ToSchema)]
#[schema(as = TelephonyTurnCredentials, example = json!({
    "username": "1796641200:42", "password": "Cq5e7yfusbf2gf9faEVs0r++CnQ=", "ttl": 43200,
    "uris": ["turn:turn.example.com:3478?transport=udp"]}))]
pub(super) struct TurnCredentialsView {
    /// `<expiry (Unix seconds)>:<user id>`.
    pub username: String,
    pub password: String,
    /// Seconds they live.
    pub ttl: i64,
    /// The TURN servers' URIs (`telephony.turn.uris`); maybe none.
    pub uris: Vec<String>,
}

impl From<TurnCredentials> for TurnCredentialsView {
    fn from(c: TurnCredentials) -> Self {
        Self { username: c.username, password: c.password, ttl: c.ttl, uris: c.uris }
    }
}
