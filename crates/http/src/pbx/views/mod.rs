//! The answer envelope: `action`, `action_id` and `obj` echoed, `code` (= the HTTP status),
//! `notifies` and `body`, for failures ([`super::error`]) too.

pub(super) mod auth;
pub(super) mod blocks;

use super::error::Failure;
use auth::AuthBody;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use blocks::BlockPage;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

/// What a handler answers: a body, or a failure.
pub(super) type Outcome = Result<Body, Failure>;

/// Every answer, failures too: `action`, `action_id` and `obj` echoed, `code` = the HTTP status,
/// the reasons of a failure in `notifies`, and the action's `body`. Fields in the seed's order.
#[derive(Serialize, ToSchema)]
#[schema(as = PbxReply)]
pub(super) struct Reply {
    /// The request's `action`; null when the request had no string there.
    #[schema(required = true)]
    action: Option<String>,
    /// The request's `action_id` (any JSON value), echoed; null when it had none.
    #[schema(value_type = Value, required = true)]
    action_id: Value,
    /// The request's `obj`; null when the request had no string there.
    #[schema(required = true)]
    obj: Option<String>,
    /// The HTTP status of the answer.
    #[schema(minimum = 200, maximum = 599)]
    code: u16,
    /// Empty on success; one error on failure.
    notifies: Vec<Notify>,
    #[schema(inline)]
    body: Body,
}

/// One message for the user: `{"type":"error","message":…}`.
#[derive(Serialize, ToSchema)]
#[schema(as = PbxNotify)]
pub(super) struct Notify {
    #[serde(rename = "type")]
    #[schema(inline)]
    kind: NotifyKind,
    /// What went wrong, for people.
    message: String,
}

/// The kind of a notify (this server sends errors only).
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
enum NotifyKind {
    Error,
}

/// The `body` of an answer: the action's result (`User.auth`, `Defender.list`,
/// `Defender.unblock`), or `{}` (`User.logout`, and every failure).
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
pub(super) enum Body {
    Auth(Box<AuthBody>),
    Blocks(BlockPage),
    Success(Success),
    Empty(#[schema(inline)] Empty),
}

/// `{"success":true}`.
#[derive(Serialize, ToSchema)]
#[schema(as = PbxSuccess)]
pub(super) struct Success {
    /// Always true.
    success: bool,
}

impl Success {
    pub fn new() -> Self {
        Self { success: true }
    }
}

/// `{}`: nothing to answer.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct Empty {}

impl Reply {
    /// The answer to a request with these echoed fields.
    pub fn new(action: Option<String>, action_id: Value, obj: Option<String>, outcome: Outcome) -> Self {
        let (status, notifies, body) = match outcome {
            Ok(body) => (StatusCode::OK, Vec::new(), body),
            Err(failure) => (failure.status, vec![Notify::error(failure.message)], Body::Empty(Empty {})),
        };
        Self { action, action_id, obj, code: status.as_u16(), notifies, body }
    }

    /// An answer to a request whose envelope could not be read at all.
    pub fn bare(status: StatusCode, message: &str) -> Self {
        Self::new(None, Value::Null, None, Err(Failure::new(status, message)))
    }
}

impl Notify {
    fn error(message: String) -> Self {
        Self { kind: NotifyKind::Error, message }
    }
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        (status, axum::Json(self)).into_response()
    }
}
