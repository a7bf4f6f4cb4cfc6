//! Reading OAuth parameters: a JSON object (as seed 002 sends them) or a form
//! (`application/x-www-form-urlencoded`, as RFC 6749 requires), and client credentials from HTTP
//! Basic (form-decoded id and secret, RFC 6749 §2.3.1) or from the parameters.

use super::error::OAuthResponse;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, StatusCode, header};
use base64::Engine as _;
use kordon_core::services::{ClientCredentials, OAuthError};
use serde_json::Value;
use std::collections::HashMap;

pub(super) struct Params(HashMap<String, String>);

fn invalid(message: &str) -> OAuthResponse {
    OAuthResponse(OAuthError::InvalidRequest(message.into()))
}

impl Params {
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
        let mut map = HashMap::new();
        if json {
            let value: Value =
                serde_json::from_slice(&bytes).map_err(|_| invalid("The request body is not valid JSON."))?;
            let Value::Object(object) = value else { return Err(invalid("The request body must be a JSON object.")) };
            for (key, value) in object {
                let text = match value {
                    Value::String(s) => s,
                    Value::Number(n) => n.to_string(),
                    Value::Null => continue,
                    _ => return Err(invalid(&format!("The {key} parameter must be a string."))),
                };
                map.insert(key, text);
            }
        } else {
            for (key, value) in form_urlencoded::parse(&bytes) {
                // RFC 6749 §3.2: parameters must not be repeated.
                if map.insert(key.to_string(), value.to_string()).is_some() {
                    return Err(invalid(&format!("The {key} parameter is repeated.")));
                }
            }
        }
        Ok(Self(map))
    }

    pub fn get(&self, key: &str) -> Option<String> {
        self.0.get(key).cloned()
    }

    /// The client's credentials: HTTP Basic, or `client_id` / `client_secret` — not both.
    pub fn client(&self, headers: &HeaderMap) -> Result<ClientCredentials, OAuthResponse> {
        let basic = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Basic ").or_else(|| v.strip_prefix("basic ")));
        let Some(basic) = basic else {
            return Ok(ClientCredentials { id: self.get("client_id"), secret: self.get("client_secret") });
        };
        if self.0.contains_key("client_secret") {
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
        if let (Some(body_id), Some(basic_id)) = (self.get("client_id"), id.as_ref())
            && body_id != *basic_id
        {
            return Err(invalid("The client_id does not match the authenticated client."));
        }
        Ok(ClientCredentials { id, secret: decode(secret) })
    }
}
