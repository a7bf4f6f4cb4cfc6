//! What a biometrics request carries: the OAuth bearer token, the record id in the path and a
//! JSON object body, each failing in Laravel's shapes.

use super::error::ApiError;
use crate::AppState;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRef, FromRequestParts, RawPathParams};
use axum::http::StatusCode;
use axum::http::request::Parts;
use kordon_core::Error;
use kordon_core::services::OAuthPrincipal;
use serde_json::{Map, Value};

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
        Ok(Self(state.core.oauth_authenticate(Some(token)).await?))
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

/// A JSON object body, read after the caller is authenticated (so a stranger gets 401 whatever
/// they send). An empty body reads as `{}`, so every field is reported missing.
pub(crate) fn object(body: Result<Bytes, BytesRejection>) -> Result<Map<String, Value>, ApiError> {
    let bytes = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::Plain(StatusCode::PAYLOAD_TOO_LARGE, "The request body is too large.")
        } else {
            ApiError::Plain(StatusCode::BAD_REQUEST, "The request body could not be read.")
        }
    })?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(ApiError::Plain(StatusCode::BAD_REQUEST, "The request body is not valid JSON.")),
    }
}
