//! The action API's envelope: parsing requests, and answers that echo `action`, `action_id` and
//! `obj` with `code` (= the HTTP status), `notifies` and `body` — for failures too.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use kordon_core::Error;
use serde_json::{Map, Value, json};

/// A parsed request envelope.
pub(super) struct Envelope {
    pub action: String,
    pub obj: String,
    pub action_id: Value,
    pub params: Map<String, Value>,
}

/// What a handler answers: a body, or a status with a notify.
pub(super) type Outcome = Result<Value, Failure>;

pub(super) struct Failure {
    pub status: StatusCode,
    pub message: String,
}

impl Failure {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self { status, message: message.into() }
    }
}

impl From<Error> for Failure {
    fn from(err: Error) -> Self {
        match err {
            Error::Validation { message, .. } => Self::new(StatusCode::BAD_REQUEST, message),
            Error::Credential { .. } => Self::new(StatusCode::UNAUTHORIZED, "Wrong login or password."),
            Error::Unauthenticated => Self::new(StatusCode::UNAUTHORIZED, "Unauthenticated."),
            Error::Blocked { retry_after } => Self::new(
                StatusCode::FORBIDDEN,
                format!("This host is blocked by the Defender after too many failed logins; retry in {retry_after} s."),
            ),
            Error::NotFound => Self::new(StatusCode::NOT_FOUND, "Not found."),
            Error::Refused { status, message } => {
                Self::new(StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST), message)
            }
            Error::RateLimited { message, .. } => Self::new(StatusCode::TOO_MANY_REQUESTS, message),
            Error::Busy => Self::new(StatusCode::SERVICE_UNAVAILABLE, "Server busy, try again."),
            Error::Delivery(message) => Self::new(StatusCode::BAD_GATEWAY, message),
            Error::Internal(detail) => {
                tracing::error!(%detail, "internal error");
                Self::new(StatusCode::INTERNAL_SERVER_ERROR, "Server error.")
            }
        }
    }
}

pub(super) fn unknown(obj: &str, action: &str) -> Failure {
    Failure::new(StatusCode::NOT_FOUND, format!("Unknown action \"{action}\" for obj \"{obj}\"."))
}

impl Envelope {
    pub fn parse(bytes: &[u8]) -> Result<Self, Box<Reply>> {
        let bad = |message: &str| Box::new(Reply::bare(StatusCode::BAD_REQUEST, message));
        let value: Value = serde_json::from_slice(bytes).map_err(|_| bad("The request body is not valid JSON."))?;
        let Value::Object(mut map) = value else { return Err(bad("The request body must be a JSON object.")) };
        let text = |map: &Map<String, Value>, key: &str| map.get(key).and_then(Value::as_str).map(str::to_owned);
        let action_id = map.remove("action_id").unwrap_or(Value::Null);
        let (action, obj) = (text(&map, "action"), text(&map, "obj"));
        let (raw_action, raw_obj) = (map.get("action").cloned(), map.get("obj").cloned());
        let echo = |message: &str| {
            Box::new(Reply {
                status: StatusCode::BAD_REQUEST,
                action: raw_action.clone().unwrap_or(Value::Null),
                action_id: action_id.clone(),
                obj: raw_obj.clone().unwrap_or(Value::Null),
                notifies: vec![notify("error", message)],
                body: json!({}),
            })
        };
        let (Some(action), Some(obj)) = (action, obj) else {
            return Err(echo("The envelope needs \"action\" and \"obj\" strings."));
        };
        let params = match map.remove("params") {
            None | Some(Value::Null) => Map::new(),
            Some(Value::Object(params)) => params,
            Some(_) => return Err(echo("\"params\" must be an object.")),
        };
        Ok(Self { action, obj, action_id, params })
    }

    /// A string parameter (numbers are taken as their text).
    pub fn param(&self, key: &str) -> Option<String> {
        match self.params.get(key)? {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }

    pub fn reply(&self, outcome: Outcome) -> Reply {
        let (status, notifies, body) = match outcome {
            Ok(body) => (StatusCode::OK, Vec::new(), body),
            Err(failure) => (failure.status, vec![notify("error", &failure.message)], json!({})),
        };
        Reply {
            status,
            action: Value::String(self.action.clone()),
            action_id: self.action_id.clone(),
            obj: Value::String(self.obj.clone()),
            notifies,
            body,
        }
    }
}

fn notify(kind: &str, message: &str) -> Value {
    json!({ "type": kind, "message": message })
}

/// An answer in the envelope.
pub(super) struct Reply {
    status: StatusCode,
    action: Value,
    action_id: Value,
    obj: Value,
    notifies: Vec<Value>,
    body: Value,
}

impl Reply {
    /// An answer to a request whose envelope could not be read at all.
    pub fn bare(status: StatusCode, message: &str) -> Self {
        Self {
            status,
            action: Value::Null,
            action_id: Value::Null,
            obj: Value::Null,
            notifies: vec![notify("error", message)],
            body: json!({}),
        }
    }
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        let body = json!({
            "action": self.action,
            "action_id": self.action_id,
            "obj": self.obj,
            "code": self.status.as_u16(),
            "notifies": self.notifies,
            "body": self.body,
        });
        (self.status, axum::Json(body)).into_response()
    }
}
