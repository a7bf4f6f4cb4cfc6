//! This dialect's part of the OpenAPI document: its operations, the schemas they name, and its
//! answers as components, their examples written by the code that answers them.

use super::bodies::{Envelope, Params};
use super::cors;
use super::error::{Failure, unknown};
use super::views::auth::AuthBody;
use super::views::blocks::{BlockPage, PbxBlock};
use super::views::{Body, Empty, Notify, Reply, Success};
use crate::edge::PlainError;
use axum::http::StatusCode;
use kordon_core::Error;
use serde_json::Value;
use utoipa::openapi::example::ExampleBuilder;
use utoipa::openapi::response::{Response as ResponseDoc, ResponseBuilder};
use utoipa::openapi::schema::{OneOfBuilder, Ref};
use utoipa::openapi::{ContentBuilder, RefOr};
use utoipa::{ToResponse, ToSchema};

/// The dialect's operations and components, merged into `/openapi.json`.
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(super::action, super::cors::preflight),
    components(
        schemas(Envelope, Params, Reply, Notify, AuthBody, BlockPage, PbxBlock, Success, PlainError),
        responses(Done, Failure, ServerFailure, super::cors::Preflight),
    )
)]
pub(crate) struct Api;

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
                example("400 malformed envelope", Reply::bare(StatusCode::BAD_REQUEST, super::bodies::NOT_JSON)),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::openapi_names::scheme;
    use utoipa::OpenApi;

    #[test]
    fn the_bearer_is_the_pbx_scheme() {
        let doc = serde_json::to_value(Api::openapi()).expect("json");
        let security = &doc["paths"]["/api/"]["post"]["security"];
        assert_eq!(security, &serde_json::json!([{}, { scheme::PBX_BEARER: [] }]));
    }
}
