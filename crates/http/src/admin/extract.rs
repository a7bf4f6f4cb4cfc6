//! What an admin API request carries: the administrator's bearer token, a numeric id in the
//! path, a query string and a JSON object body, each failing in the admin shape.

use super::error::{AdminError, Code};
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{FromRef, FromRequest, FromRequestParts, Query, RawPathParams, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use kordon_core::Error;
use kordon_core::services::Admin;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Where the admin API's actions come from, in the audit log (`admin-api:<user id>`).
pub(crate) const CHANNEL: &str = "admin-api";

/// The administrator a valid bearer token speaks for (401 without one or with a bad one, 403
/// for a role or a token kind that may not administer).
pub(crate) struct Caller(pub Admin);

impl<S> FromRequestParts<S> for Caller
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = AdminError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(state);
        let token = crate::edge::bearer_token(&parts.headers).filter(|token| !token.is_empty());
        let Some(token) = token else {
            return Err(AdminError::Unauthenticated { presented: false });
        };
        match state.core.admin_authenticate(Some(token), CHANNEL).await {
            Ok(admin) => Ok(Self(admin)),
            Err(Error::Unauthenticated) => Err(AdminError::Unauthenticated { presented: true }),
            Err(other) => Err(AdminError::Core(other)),
        }
    }
}

/// The numeric `{id}` of the path: decimal digits, else 404 (as an object that does not exist).
pub(crate) struct ObjectId(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for ObjectId {
    type Rejection = AdminError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let not_found = || AdminError::Core(Error::NotFound);
        let params = RawPathParams::from_request_parts(parts, state).await.map_err(|_| not_found())?;
        let raw = params.iter().find(|(name, _)| *name == "id").map(|(_, value)| value).ok_or_else(not_found)?;
        if raw.is_empty() || !raw.bytes().all(|b| b.is_ascii_digit()) {
            return Err(not_found());
        }
        raw.parse().map(Self).map_err(|_| not_found())
    }
}

/// The `{id}` or `{ip}` of the path as text (percent-decoded).
pub(crate) struct PathText(pub String);

impl<S: Send + Sync> FromRequestParts<S> for PathText {
    type Rejection = AdminError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let not_found = || AdminError::Core(Error::NotFound);
        let params = RawPathParams::from_request_parts(parts, state).await.map_err(|_| not_found())?;
        let (_, raw) = params.iter().next().ok_or_else(not_found)?;
        Ok(Self(raw.to_owned()))
    }
}

/// A query string read into `T`; anything it cannot read is 400.
pub(crate) struct QueryOf<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for QueryOf<T> {
    type Rejection = AdminError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(value)) => Ok(Self(value)),
            Err(_) => Err(AdminError::bad_request("The query string could not be read.")),
        }
    }
}

/// A JSON object body read into `T`, after the caller is authenticated (extractors run in
/// order, this one last: a stranger gets 401 whatever they send). No body, anything but a JSON
/// object, a value of the wrong type, or a string holding NUL is 400; over [`crate::BODY_LIMIT`]
/// 413.
pub(crate) struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = AdminError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(request, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                AdminError::Plain(StatusCode::PAYLOAD_TOO_LARGE, Code::TooLarge, "The request body is too large.")
            } else {
                AdminError::bad_request("The request body could not be read.")
            }
        })?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(AdminError::bad_request("The request body is missing: send a JSON object."));
        }
        let value: Value = serde_json::from_slice(&bytes)
            .map_err(|_| AdminError::bad_request("The request body is not valid JSON."))?;
        if !value.is_object() {
            return Err(AdminError::bad_request("The request body must be a JSON object."));
        }
        if holds_nul(&value) {
            // No field has a use for NUL, and PostgreSQL's text cannot hold one.
            return Err(AdminError::bad_request("The request body holds a NUL character."));
        }
        serde_json::from_value(value)
            .map(Self)
            .map_err(|_| AdminError::bad_request("A field of the request body is missing or of the wrong type."))
    }
}

fn holds_nul(value: &Value) -> bool {
    match value {
        Value::String(s) => s.contains('\0'),
        Value::Array(items) => items.iter().any(holds_nul),
        Value::Object(map) => map.iter().any(|(k, v)| k.contains('\0') || holds_nul(v)),
        _ => false,
    }
}
