//! The OAuth 2 endpoints: `POST /oauth/token` (RFC 6749, JSON as seed 002 sends it or form as the
//! RFC requires), `/oauth/introspect` (RFC 7662), `/oauth/revoke` (RFC 7009), the discovery
//! document and the JWKS.

mod bodies;
mod error;
mod extract;
pub(crate) mod openapi;
mod views;

use crate::AppState;
use crate::openapi_names::tag;
use crate::origin::RequestOrigin;
use crate::rfc6749::{OAuthServerError, OAuthUnavailable};
use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use bodies::{TokenForm, TokenOperation, TokenOperationForm, TokenRequest};
use error::OAuthResponse;
use extract::Params;
use kordon_core::services::OAuthError;
use openapi::{OAuthBadRequest, OAuthForbidden, OAuthInvalidClient, OAuthTooManyRequests, Revoked};
use views::{Introspection, Jwks, OpenIdConfiguration, TokenResponse, TokenType, typed};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/oauth/token", post(token))
        .route("/oauth/introspect", post(introspect))
        .route("/oauth/revoke", post(revoke))
        .route("/.well-known/openid-configuration", get(discovery))
        .route("/.well-known/jwks.json", get(jwks))
}

type Body = Result<Bytes, axum::extract::rejection::BytesRejection>;

/// Get an access token (Try it out! with client_id / client_secret)
///
/// RFC 6749. For an application: `grant_type=client_credentials` with its Application_ID as
/// `client_id` and Application_Secret as `client_secret`; copy `access_token` from the answer, then
/// **Authorize** → `oauthBearer` ("Set Token") to call the provider API. `password` signs a user in
/// (seed 002), `refresh_token` trades a refresh token for a new pair. JSON and form bodies are both
/// accepted; the client authenticates in the body or with HTTP Basic (`clientBasic`), not both.
#[utoipa::path(post, path = "/oauth/token", tag = tag::OAUTH, operation_id = "oauthToken",
    security((), ("clientBasic" = [])),
    request_body(description = "The grant and its parameters.", content(
        (TokenForm = "application/x-www-form-urlencoded"),
        (TokenRequest = "application/json", examples(
            ("client_credentials" = (value = json!({
                "grant_type": "client_credentials", "client_id": 10554,
                "client_secret": "Zs8tJc0pWq3Lr6Yv1Nb4Xh7Kd2Gm5Ff9"
            }))),
            ("password" = (summary = "Seed 002's request", value = json!({
                "grant_type": "password", "client_id": 1, "client_secret": "ea135929105c4f29a0f5117d2960926f",
                "username": "test@test.test", "password": "verysecretpassword"
            }))),
            ("refresh_token" = (value = json!({
                "grant_type": "refresh_token", "client_id": 1, "client_secret": "ea135929105c4f29a0f5117d2960926f",
                "refresh_token": "hsU0XgtVX4sxkLoHZEGk6gheXvDnD8ti"
            }))),
        )),
    )),
    responses(
        (status = 200, description = "The token.", body = TokenResponse, headers(
            ("Cache-Control" = String, description = "`no-store`: tokens are not to be cached."),
            ("Pragma" = String, description = "`no-cache` (RFC 6749 §5.1)."),
        )),
        (status = 400, response = OAuthBadRequest),
        (status = 401, response = OAuthInvalidClient),
        (status = 429, response = OAuthTooManyRequests),
        (status = 500, response = OAuthServerError),
        (status = 503, response = OAuthUnavailable),
    ))]
async fn token(
    State(state): State<AppState>,
    RequestOrigin(origin): RequestOrigin,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, OAuthResponse> {
    let TokenRequest {
        grant_type,
        client_id,
        client_secret,
        username,
        password,
        refresh_token,
        scope: _,
        code,
        redirect_uri,
        code_verifier,
    } = TokenRequest::read(&Params::read(&headers, body)?)?;
    let request = kordon_core::services::TokenRequest {
        grant_type,
        client: extract::client(&headers, client_id, client_secret)?,
        username,
        password,
        refresh_token,
        code,
        redirect_uri,
        code_verifier,
    };
    let issued = state.core.oauth_token(request, &origin).await?;
    let answer = TokenResponse {
        token_type: TokenType::Bearer,
        expires_in: issued.expires_in,
        access_token: issued.access_token,
        refresh_token: issued.refresh_token,
        id_token: issued.id_token,
        scope: issued.scope,
    };
    Ok(([(header::PRAGMA, "no-cache")], Json(answer)).into_response())
}

/// Token introspection (RFC 7662)
///
/// The client authenticates with HTTP Basic (`clientBasic`) or `client_id` + `client_secret` in the
/// body. Only clients the operator created with `--introspect` may ask (others: 403); one with an
/// owner sees only tokens of its owner's account (others: `{"active":false}`).
#[utoipa::path(post, path = "/oauth/introspect", tag = tag::OAUTH, operation_id = "oauthIntrospect",
    security((), ("clientBasic" = [])),
    request_body(description = "The token to describe.", content(
        (TokenOperationForm = "application/x-www-form-urlencoded"),
        (TokenOperation = "application/json"),
    )),
    responses(
        (status = 200, description = "The token's state.", body = Introspection),
        (status = 400, response = OAuthBadRequest),
        (status = 401, response = OAuthInvalidClient),
        (status = 403, response = OAuthForbidden),
        (status = 429, response = OAuthTooManyRequests),
        (status = 500, response = OAuthServerError),
        (status = 503, response = OAuthUnavailable),
    ))]
async fn introspect(
    State(state): State<AppState>,
    RequestOrigin(origin): RequestOrigin,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, OAuthResponse> {
    let request = TokenOperation::read(&Params::read(&headers, body)?)?;
    let client = extract::client(&headers, request.client_id, request.client_secret)?;
    let answer = state.core.oauth_introspect(&client, request.token.as_deref(), &origin).await?;
    Ok(Json(answer).into_response())
}

/// Token revocation (RFC 7009)
///
/// The client authenticates with HTTP Basic (`clientBasic`) or `client_id` + `client_secret` in the
/// body. An unknown or already revoked token, or another client's, answers 200 too.
#[utoipa::path(post, path = "/oauth/revoke", tag = tag::OAUTH, operation_id = "oauthRevoke",
    security((), ("clientBasic" = [])),
    request_body(description = "The token to revoke.", content(
        (TokenOperationForm = "application/x-www-form-urlencoded"),
        (TokenOperation = "application/json"),
    )),
    responses(
        (status = 200, description = "Revoked (or nothing to revoke).", body = Revoked, example = json!({})),
        (status = 400, response = OAuthBadRequest),
        (status = 401, response = OAuthInvalidClient),
        (status = 429, response = OAuthTooManyRequests),
        (status = 500, response = OAuthServerError),
        (status = 503, response = OAuthUnavailable),
    ))]
async fn revoke(
    State(state): State<AppState>,
    RequestOrigin(origin): RequestOrigin,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, OAuthResponse> {
    let request = TokenOperation::read(&Params::read(&headers, body)?)?;
    let client = extract::client(&headers, request.client_id, request.client_secret)?;
    state.core.oauth_revoke(&client, request.token.as_deref(), &origin).await?;
    Ok(Json(Revoked {}).into_response())
}

/// Authorization server metadata
///
/// RFC 8414 (with OpenID Connect Discovery's names): the issuer, the endpoints and what they support.
#[utoipa::path(get, path = "/.well-known/openid-configuration", tag = tag::OAUTH,
    operation_id = "openidConfiguration", security(()),
    responses(
        (status = 200, description = "The metadata.", body = OpenIdConfiguration),
        (status = 500, response = OAuthServerError),
    ))]
async fn discovery(State(state): State<AppState>) -> Result<Response, OAuthResponse> {
    Ok(Json(state.core.discovery()).into_response())
}

/// The public keys access tokens are signed with
///
/// RFC 7517. Every key still inside its publication window: after `kordon admin keys rotate` the old
/// key stays until the tokens it signed have expired.
#[utoipa::path(get, path = "/.well-known/jwks.json", tag = tag::OAUTH, operation_id = "jwks", security(()),
    responses(
        (status = 200, description = "The key set.", body = Jwks),
        (status = 500, response = OAuthServerError),
        (status = 503, response = OAuthUnavailable),
    ))]
async fn jwks(State(state): State<AppState>) -> Result<Response, OAuthResponse> {
    let set = state.core.jwks().await.map_err(OAuthError::from)?;
    let set = serde_json::to_value(set).map_err(|e| OAuthError::Core(kordon_core::Error::internal(e)))?;
    let set: Jwks = typed("the key set", set).map_err(OAuthError::Core)?;
    Ok(Json(set).into_response())
}
