//! The answer envelope: `action`, `action_id` and `obj` echoed, `code` (= the HTTP status),
//! `notifies` and `body` — for failures too — and the failures handlers answer with.

use super::cors;
use super::defender::BlockPage;
use super::user::AuthBody;
use crate::edge::PlainError;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use kordon_core::Error;
use serde::Serialize;
use serde_json::Value;
use utoipa::openapi::example::ExampleBuilder;
use utoipa::openapi::response::{Response as ResponseDoc, ResponseBuilder};
use utoipa::openapi::schema::{OneOfBuilder, Ref};
use utoipa::openapi::{ContentBuilder, RefOr};
use utoipa::{ToResponse, ToSchema};

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

/// A failed action: its status and the notify saying why.
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
            Error::Refused(message) => Self::new(StatusCode::BAD_REQUEST, message),
            Error::Forbidden(message) | Error::InsufficientScope(message) => Self::new(StatusCode::FORBIDDEN, message),
            err @ Error::UnknownEmail => Self::new(StatusCode::INTERNAL_SERVER_ERROR, err.to_string()),
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

/// The failure of an `obj` + `action` no handler serves.
pub(super) fn unknown(obj: &str, action: &str) -> Failure {
    Failure::new(StatusCode::NOT_FOUND, format!("Unknown action \"{action}\" for obj \"{obj}\"."))
}

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

/// An example failure, as the server writes it.
fn example(summary: &str, reply: Reply) -> utoipa::openapi::example::Example {
    let value = serde_json::to_value(reply).unwrap_or_default();
    ExampleBuilder::new().summary(summary).value(Some(value)).build()
}

/// The failure of an action with these echoed fields.
fn failed(action: &str, action_id: &str, obj: &str, failure: Failure) -> Reply {
    Reply::new(Some(action.into()), Value::from(action_id), Some(obj.into()), Err(failure))
}

/// `PbxFailure`: a failure in the envelope, its examples written by the code that answers them.
impl<'s> ToResponse<'s> for Failure {
    fn response() -> (&'s str, RefOr<ResponseDoc>) {
        let examples = [
            (
                "bad_envelope",
                example("400 malformed envelope", Reply::bare(StatusCode::BAD_REQUEST, super::envelope::NOT_JSON)),
            ),
            (
                "credentials",
                example("401 wrong credentials", failed("auth", "123", "User", Error::bad_password().into())),
            ),
            (
                "blocked",
                example("403 blocked host", failed("auth", "123", "User", Error::Blocked { retry_after: 1800 }.into())),
            ),
            (
                "permission",
                example(
                    "403 role may not",
                    failed("list", "1", "Defender", Error::forbidden("Permission denied.").into()),
                ),
            ),
            ("unknown", example("404 unknown action", failed("drop", "1", "User", unknown("User", "drop")))),
        ];
        let content = ContentBuilder::new()
            .schema(Some(Ref::from_schema_name(Reply::name())))
            .examples_from_iter(examples)
            .build();
        let response = cors::document_headers(ResponseBuilder::new())
            .description("A failure in the envelope: `code` = the status, the reason in `notifies`, `body` `{}`.")
            .content("application/json", content)
            .build();
        ("PbxFailure", RefOr::T(response))
    }
}

/// `PbxDone`: an action done, one example per action, as the server writes them.
pub(super) struct Done;

impl<'s> ToResponse<'s> for Done {
    fn response() -> (&'s str, RefOr<ResponseDoc>) {
        let done = |action: &str, action_id: &str, obj: &str, body: Body| {
            let reply = Reply::new(Some(action.into()), Value::from(action_id), Some(obj.into()), Ok(body));
            ExampleBuilder::new().value(serde_json::to_value(reply).ok()).build()
        };
        let examples = [
            ("User.auth", done("auth", "123", "User", Body::Auth(Box::new(AuthBody::example())))),
            ("User.logout", done("logout", "124", "User", Body::Empty(Empty {}))),
            ("Defender.list", done("list", "125", "Defender", Body::Blocks(BlockPage::example()))),
            ("Defender.unblock", done("unblock", "126", "Defender", Body::Success(Success::new()))),
        ];
        let content = ContentBuilder::new()
            .schema(Some(Ref::from_schema_name(Reply::name())))
            .examples_from_iter(examples)
            .build();
        let response = cors::document_headers(ResponseBuilder::new())
            .description("Done; `body` depends on the action.")
            .content("application/json", content)
            .build();
        ("PbxDone", RefOr::T(response))
    }
}

/// `PbxServerFailure`: a 500 or 503 comes in the envelope from the action, or as the plain
/// `{"message","code"}` from the server's edge (a request past its deadline, a panic).
pub(super) struct ServerFailure;

impl<'s> ToResponse<'s> for ServerFailure {
    fn response() -> (&'s str, RefOr<ResponseDoc>) {
        let schema = OneOfBuilder::new()
            .item(Ref::from_schema_name(Reply::name()))
            .item(Ref::from_schema_name(PlainError::name()));
        let busy = failed("auth", "123", "User", Error::Busy.into());
        let content = ContentBuilder::new()
            .schema(Some(schema))
            .examples_from_iter([
                ("busy", example("503 in the envelope", busy)),
                (
                    "deadline",
                    ExampleBuilder::new()
                        .summary("503 past the request deadline")
                        .value(serde_json::to_value(PlainError { message: "Server busy, try again.", code: 503 }).ok())
                        .build(),
                ),
            ])
            .build();
        let response = ResponseBuilder::new()
            .description(
                "The server could not answer: in the envelope from the action, or `{\"message\",\"code\"}` \
                 from the edge when the request ran past its deadline (503) or a handler failed (500).",
            )
            .content("application/json", content)
            .build();
        ("PbxServerFailure", RefOr::T(response))
    }
}
