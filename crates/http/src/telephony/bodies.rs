//! What the telephony API reads: the mint's optional body and the hook's report, each taken whole
//! or refused with a JSON `invalid_request` (never axum's plain-text rejection).

use crate::rfc6749::{ErrorCode, answer};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use utoipa::ToSchema;

/// A mint's body: optional, as is each member.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = TelephonyMint, example = json!({"ttl": 3600}))]
pub(super) struct MintBody {
    /// Seconds the credentials live (≥ 1); capped by the server's `telephony.*.ttl`, which is
    /// also what none asks for.
    #[schema(minimum = 1)]
    pub ttl: Option<i64>,
}

/// The mint's body: none, or a JSON [`MintBody`].
pub(super) struct MintRequest(pub MintBody);

/// The request's bearer token, read in place (no copy of the headers).
pub(super) struct BearerToken(pub Option<String>);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for BearerToken {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(crate::edge::bearer_token(&parts.headers).map(str::to_owned)))
    }
}

impl<S: Send + Sync> FromRequest<S> for MintRequest {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        // The usual mint has no body: nothing to read.
        if req.headers().get(axum::http::header::CONTENT_LENGTH).is_some_and(|length| length == "0") {
            return Ok(Self(MintBody::default()));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|r| unread(r, "The body is too large."))?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Self(MintBody::default()));
        }
        object(&bytes).map(Self).ok_or_else(|| bad("The body must be a JSON object, {\"ttl\": seconds} or {}."))
    }
}

/// 400 `invalid_request`.
pub(super) fn bad(description: &str) -> Response {
    answer(StatusCode::BAD_REQUEST, ErrorCode::InvalidRequest, description)
}

/// A body that could not be read: 413 (saying `too_large`) past the route's limit, else 400.
pub(super) fn unread(rejection: BytesRejection, too_large: &str) -> Response {
    match rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        true => answer(StatusCode::PAYLOAD_TOO_LARGE, ErrorCode::InvalidRequest, too_large),
        false => bad("The body could not be read."),
    }
}

/// A JSON object read as `T`; none for anything else (serde would also read a struct from an
/// array, `[60]`, which no body here is).
pub(super) fn object<T: DeserializeOwned>(bytes: &[u8]) -> Option<T> {
    let is_object = bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
    serde_json::from_slice(bytes).ok().filter(|_| is_object)
}
