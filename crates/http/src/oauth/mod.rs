//! The OAuth 2 endpoints: `POST /oauth/token` (RFC 6749, JSON as seed 002 sends it or form as the
//! RFC requires), `/oauth/introspect` (RFC 7662), `/oauth/revoke` (RFC 7009), the discovery
//! document and the JWKS.

mod error;
mod params;

use crate::AppState;
use crate::origin::RequestOrigin;
use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use error::OAuthResponse;
use kordon_core::services::TokenRequest;
use serde_json::json;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/oauth/token", post(token))
        .route("/oauth/introspect", post(introspect))
        .route("/oauth/revoke", post(revoke))
        .route("/.well-known/openid-configuration", get(discovery))
        .route("/.well-known/jwks.json", get(jwks))
}

type Body = Result<Bytes, axum::extract::rejection::BytesRejection>;

async fn token(
    State(state): State<AppState>,
    RequestOrigin(origin): RequestOrigin,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, OAuthResponse> {
    let params = params::Params::read(&headers, body)?;
    let request = TokenRequest {
        grant_type: params.get("grant_type"),
        client: params.client(&headers)?,
        username: params.get("username"),
        password: params.get("password"),
        refresh_token: params.get("refresh_token"),
    };
    let issued = state.core.oauth_token(request, &origin).await?;
    let mut body =
        json!({ "token_type": "Bearer", "expires_in": issued.expires_in, "access_token": issued.access_token });
    if let Some(refresh) = issued.refresh_token {
        body["refresh_token"] = refresh.into();
    }
    Ok(([("pragma", "no-cache")], Json(body)).into_response())
}

async fn introspect(
    State(state): State<AppState>,
    RequestOrigin(origin): RequestOrigin,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, OAuthResponse> {
    let params = params::Params::read(&headers, body)?;
    let client = params.client(&headers)?;
    let answer = state.core.oauth_introspect(&client, params.get("token").as_deref(), &origin).await?;
    Ok(Json(answer).into_response())
}

async fn revoke(
    State(state): State<AppState>,
    RequestOrigin(origin): RequestOrigin,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, OAuthResponse> {
    let params = params::Params::read(&headers, body)?;
    state.core.oauth_revoke(&params.client(&headers)?, params.get("token").as_deref(), &origin).await?;
    Ok((StatusCode::OK, Json(json!({}))).into_response())
}

async fn discovery(State(state): State<AppState>) -> Response {
    Json(state.core.discovery()).into_response()
}

async fn jwks(State(state): State<AppState>) -> Result<Response, OAuthResponse> {
    let set = state.core.jwks().await.map_err(kordon_core::services::OAuthError::from)?;
    Ok(Json(set).into_response())
}
