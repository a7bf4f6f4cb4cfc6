//! The cabinet's error responses in the document, one component each, and the groups of them
//! operations share ([`Always`], [`WithBody`], [`SignedIn`]). The response types only name the
//! schema of their body; they are never built.

use super::super::error::ErrorBody;
use crate::edge::PlainError;
use std::collections::BTreeMap;
use utoipa::openapi::{Ref, RefOr, Response};
use utoipa::{IntoResponses, ToResponse};

/// Validation (`{"message":{"message","field"},"code":400}`) or a plain 400 (a wrong password,
/// malformed JSON, a body that is not an object). A missing or unknown `Client` header is a
/// validation error of the field `client`.
#[derive(ToResponse)]
#[response(examples(
    ("validation" = (value = json!({"message": {"message": "The email field is required.", "field": "email"}, "code": 400}))),
    ("client" = (value = json!({"message": {"message": "The client field is required.", "field": "client"}, "code": 400}))),
    ("plain" = (value = json!({"message": "Password not right.", "code": 400}))),
))]
pub(crate) struct CabinetBadRequest(#[allow(dead_code)] ErrorBody<'static>);

/// No bearer token, or a dead one.
#[derive(ToResponse)]
#[response(example = json!({"message": "Unauthenticated.", "code": 401}))]
pub(crate) struct CabinetUnauthenticated(#[allow(dead_code)] PlainError<'static>);

/// Only the account's administrator (`lk_admin`) may.
#[derive(ToResponse)]
#[response(example = json!({"message": "This action is unauthorized.", "code": 403}))]
pub(crate) struct CabinetForbidden(#[allow(dead_code)] PlainError<'static>);

/// Unknown, or someone else's.
#[derive(ToResponse)]
#[response(example = json!({"message": "Not Found.", "code": 404}))]
pub(crate) struct CabinetNotFound(#[allow(dead_code)] PlainError<'static>);

/// The body is over 64 KiB.
#[derive(ToResponse)]
#[response(example = json!({"message": "The request body is too large.", "code": 413}))]
pub(crate) struct CabinetTooLarge(#[allow(dead_code)] PlainError<'static>);

/// Rate limited (the FlashCall cool-down, hourly caps, a login past its daily failures) or the
/// host is blocked by the Defender.
#[derive(ToResponse)]
#[response(example = json!({"message": "Too Many Attempts.", "code": 429}),
    headers(("Retry-After" = u64, description = "Seconds to wait.")))]
pub(crate) struct CabinetTooMany(#[allow(dead_code)] PlainError<'static>);

/// Details only in the server log.
#[derive(ToResponse)]
#[response(example = json!({"message": "Server Error", "code": 500}))]
pub(crate) struct CabinetServerError(#[allow(dead_code)] PlainError<'static>);

/// The call or the mail could not be delivered.
#[derive(ToResponse)]
#[response(example = json!({"message": "The call could not be placed.", "code": 502}))]
pub(crate) struct CabinetBadGateway(#[allow(dead_code)] PlainError<'static>);

/// The server is busy (the password-hashing queue is full, a credential check waited too long for
/// its turn) or the request ran past its deadline.
#[derive(ToResponse)]
#[response(example = json!({"message": "Server busy, try again.", "code": 503}),
    headers(("Retry-After" = u64, description = "Seconds to wait.")))]
pub(crate) struct CabinetBusy(#[allow(dead_code)] PlainError<'static>);

/// What every cabinet operation may answer: 400 (at least the `Client` header is checked), 500
/// and 503.
pub(crate) struct Always;

impl IntoResponses for Always {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        refs([
            ("400", named::<CabinetBadRequest>()),
            ("500", named::<CabinetServerError>()),
            ("503", named::<CabinetBusy>()),
        ])
    }
}

/// What an operation that reads a JSON body may answer besides: 413.
pub(crate) struct WithBody;

impl IntoResponses for WithBody {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        refs([("413", named::<CabinetTooLarge>())])
    }
}

/// What an operation for a signed-in caller may answer besides: 401.
pub(crate) struct SignedIn;

impl IntoResponses for SignedIn {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        refs([("401", named::<CabinetUnauthenticated>())])
    }
}

/// The component name of a response.
fn named<'r, T: ToResponse<'r>>() -> &'r str {
    T::response().0
}

fn refs<const N: usize>(list: [(&str, &str); N]) -> BTreeMap<String, RefOr<Response>> {
    list.into_iter().map(|(status, name)| (status.to_owned(), RefOr::Ref(Ref::from_response_name(name)))).collect()
}
