//! What the telephony API answers: minted SIP and TURN credentials.

use crate::rfc6749::{ErrorCode, SERVER_ERROR, answer};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use kordon_core::services::{SipCredentials, TurnCredentials};
use serde::Serialize;
use utoipa::ToSchema;

/// Room for an answer: a SIP answer without URIs is ~150 bytes, each URI adds its length.
/// axum's `Json` starts at 128 bytes and grows, a reallocation and copy that was 2 % of a
/// mint's samples (2026-12-07 profile).
const ROOM: usize = 512;

/// `view` as a JSON answer, written into a buffer with [`ROOM`].
fn json<T: Serialize>(view: &T) -> Response {
    let mut body = Vec::with_capacity(ROOM);
    match serde_json::to_writer(&mut body, view) {
        Ok(()) => ([(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], body).into_response(),
        Err(err) => {
            tracing::error!(error = %err, "a telephony answer could not be written");
            answer(StatusCode::INTERNAL_SERVER_ERROR, ErrorCode::ServerError, SERVER_ERROR)
        }
    }
}

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

impl IntoResponse for SipCredentialsView {
    fn into_response(self) -> Response {
        json(&self)
    }
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

impl IntoResponse for TurnCredentialsView {
    fn into_response(self) -> Response {
        json(&self)
    }
}

impl From<TurnCredentials> for TurnCredentialsView {
    fn from(c: TurnCredentials) -> Self {
        Self { username: c.username, password: c.password, ttl: c.ttl, uris: c.uris }
    }
}
