//! Reading OAuth parameters: a JSON object (as seed 002 sends them) or a form
//! (`application/x-www-form-urlencoded`, as RFC 6749 requires), and client credentials from HTTP
//! Basic (form-decoded id and secret, RFC 6749 §2.3.1) or from the parameters.

use super::error::OAuthResponse;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, StatusCode, header};
use base64::Engine as _;
use kordon_core::services::{ClientCredentials, OAuthError};
use serde_json::{Map, Value};
use std::collections::HashMap;

/// A request's parameters as sent. Parameters nobody asks for are ignored (RFC 6749 §3.2).
pub(super) enum Params {
    /// A JSON object's members.
    Json(Map<String, Value>),
    /// A form's pairs, each name at most once (RFC 6749 §3.2).
    Form(HashMap<String, String>),
}

pub(super) fn invalid(message: &str) -> OAuthResponse {
    OAuthResponse(OAuthError::InvalidRequest(message.into()))
}

impl Params {
    /// The body as JSON when the request says `application/json`, else as a form.
    pub fn read(headers: &HeaderMap, body: Result<Bytes, BytesRejection>) -> Result<Self, OAuthResponse> {
        let bytes = body.map_err(|r| {
            if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
                invalid("The request body is too large.")
            } else {
                invalid("The request body could not be read.")
            }
        })?;
        let json = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.trim_start().starts_with("application/json"));
        if json {
            let value: Value =
                serde_json::from_slice(&bytes).map_err(|_| invalid("The request body is not valid JSON."))?;
            let Value::Object(object) = value else { return Err(invalid("The request body must be a JSON object.")) };
            return Ok(Self::Json(object));
        }
        let mut map = HashMap::new();
        for (key, value) in form_urlencoded::parse(&bytes) {
            if map.insert(key.to_string(), value.to_string()).is_some() {
                return Err(invalid(&format!("The {key} parameter is repeated.")));
            }
        }
        Ok(Self::Form(map))
    }

    /// A text parameter: a string; JSON `null` is the same as leaving it out.
    pub fn text(&self, key: &str) -> Result<Option<String>, OAuthResponse> {
        let text = match self {
            Self::Form(map) => map.get(key).cloned(),
            Self::Json(map) => match map.get(key) {
                None | Some(Value::Null) => None,
                Some(Value::String(s)) => Some(s.clone()),
                Some(_) => return Err(invalid(&format!("The {key} parameter must be a string."))),
            },
        };
        without_nul(key, text)
    }

    /// `client_id`: its text, or in JSON an integer too (seed 002 sends `"client_id": 1`).
    pub fn client_id(&self) -> Result<Option<String>, OAuthResponse> {
        const KEY: &str = "client_id";
        let text = match self {
            Self::Form(map) => map.get(KEY).cloned(),
            Self::Json(map) => match map.get(KEY) {
                None => None,
                Some(Value::String(s)) => Some(s.clone()),
                Some(Value::Number(n)) if n.is_i64() || n.is_u64() => Some(n.to_string()),
                Some(_) => return Err(invalid("The client_id parameter must be a string or an integer.")),
            },
        };
        without_nul(KEY, text)
    }
}

/// No parameter has a use for NUL (`%00` in a form), and PostgreSQL's text cannot hold one.
fn without_nul(key: &str, text: Option<String>) -> Result<Option<String>, OAuthResponse> {
    match text {
        Some(text) if text.contains('\0') => Err(invalid(&format!("The {key} parameter is malformed."))),
        text => Ok(text),
    }
}

/// The client's credentials: HTTP Basic, or `client_id` / `client_secret` from the parameters —
/// not both (a `client_id` beside Basic must name the same client).
pub(super) fn client(
    headers: &HeaderMap,
    client_id: Option<String>,
    client_secret: Option<String>,
) -> Result<ClientCredentials, OAuthResponse> {
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic ").or_else(|| v.strip_prefix("basic ")));
    let Some(basic) = basic else {
        return Ok(ClientCredentials { id: client_id, secret: client_secret });
    };
    if client_secret.is_some() {
        return Err(invalid("Use one client authentication method, not two."));
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(basic.trim())
        .ok()
        .and_then(|d| String::from_utf8(d).ok())
        .ok_or(OAuthResponse(OAuthError::InvalidClient))?;
    let (id, secret) = decoded.split_once(':').ok_or(OAuthResponse(OAuthError::InvalidClient))?;
    let decode = |s: &str| form_urlencoded::parse(format!("x={s}").as_bytes()).next().map(|(_, v)| v.to_string());
    let id = decode(id);
    if let (Some(body_id), Some(basic_id)) = (client_id, id.as_ref())
        && body_id != *basic_id
    {
        return Err(invalid("The client_id does not match the authenticated client."));
    }
    Ok(ClientCredentials { id, secret: decode(secret) })
}
