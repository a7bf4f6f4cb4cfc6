//! What a biometrics request carries: the OAuth bearer token, the record id in the path and a
//! JSON object body, each failing in Laravel's shapes.

use super::error::ApiError;
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{FromRef, FromRequest, FromRequestParts, RawPathParams, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use kordon_core::Error;
use kordon_core::services::OAuthPrincipal;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use utoipa::IntoParams;
use utoipa::openapi::Required;
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, SchemaType, Type};

/// The bearer of a valid OAuth access token (`Authorization: Bearer …`); 401 otherwise.
pub(crate) struct Caller(pub OAuthPrincipal);

impl Caller {
    /// The account whose records the caller sees.
    pub(crate) fn account_id(&self) -> i64 {
        self.0.user.account_id
    }
}

impl<S> FromRequestParts<S> for Caller
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(state);
        let token = crate::edge::bearer_token(&parts.headers)
            .filter(|token| !token.is_empty())
            .ok_or(ApiError::Core(Error::Unauthenticated))?;
        let principal = state.core.oauth_authenticate(Some(token)).await?;
        // A code-flow token holds only what the user consented to, and no scope names these records.
        if principal.delegated() {
            return Err(ApiError::Core(Error::Unauthenticated));
        }
        Ok(Self(principal))
    }
}

/// The `{id}` of the path: decimal digits, else 404 (as a record that does not exist).
pub(crate) struct RecordId(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for RecordId {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let not_found = || ApiError::Core(Error::NotFound);
        let params = RawPathParams::from_request_parts(parts, state).await.map_err(|_| not_found())?;
        let raw = params.iter().find(|(name, _)| *name == "id").map(|(_, value)| value).ok_or_else(not_found)?;
        if raw.is_empty() || !raw.bytes().all(|b| b.is_ascii_digit()) {
            return Err(not_found());
        }
        raw.parse().map(Self).map_err(|_| not_found())
    }
}

impl IntoParams for RecordId {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let schema = ObjectBuilder::new()
            .schema_type(Type::Integer)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
            .minimum(Some(1));
        let id = ParameterBuilder::new()
            .name("id")
            .parameter_in(ParameterIn::Path)
            .required(Required::True)
            .description(Some(
                "The record's id. Anything else (not a number, negative, too large) answers 404 like a \
                 record that does not exist, or one of another account.",
            ))
            .schema(Some(schema))
            .build();
        vec![id]
    }
}

/// The `?page=N` of a list (1-based), read as Laravel's paginator reads it: missing, not an
/// integer, or below 1 is page 1.
pub(crate) struct Page(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for Page {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(crate::edge::page_param(parts.uri.query())))
    }
}

impl IntoParams for Page {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let page = ParameterBuilder::new()
            .name("page")
            .parameter_in(ParameterIn::Query)
            .required(Required::False)
            .description(Some(
                "The page: an integer from 1; a page holds at most `limits.persons_per_page` (1000) persons. \
                 As Laravel's paginator reads it, any other value (not an integer, below 1, out of range) is \
                 page 1, so no value is refused and the schema admits any.",
            ))
            .schema(Some(ObjectBuilder::new().schema_type(SchemaType::AnyValue).examples([2])))
            .build();
        vec![page]
    }
}

/// A JSON object body read into `T`, after the caller is authenticated and the path's id read
/// (extractors run in order, this one last: a stranger gets 401 whatever they send). An empty
/// body reads as `{}`, so every field is reported missing; anything but a JSON object is 400,
/// over [`crate::BODY_LIMIT`] 413.
pub(crate) struct JsonObject<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonObject<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(request, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::Plain(StatusCode::PAYLOAD_TOO_LARGE, "The request body is too large.")
            } else {
                ApiError::Plain(StatusCode::BAD_REQUEST, "The request body could not be read.")
            }
        })?;
        let object = object(&bytes)?;
        serde_json::from_value(Value::Object(object))
            .map(Self)
            .map_err(|_| ApiError::Plain(StatusCode::BAD_REQUEST, NOT_JSON))
    }
}

const NOT_JSON: &str = "The request body is not valid JSON.";

fn object(bytes: &[u8]) -> Result<Map<String, Value>, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(ApiError::Plain(StatusCode::BAD_REQUEST, NOT_JSON)),
    }
}
