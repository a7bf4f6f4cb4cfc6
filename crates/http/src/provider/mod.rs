//! The provider API v1.0 (seed 003): `GET /api/ver1.0/user/` answers the profile of the user a
//! bearer acts for — an application's owner for a client_credentials token. Errors as RFC 6750.

pub(crate) mod openapi;
mod user;

use crate::AppState;
use crate::docs::openapi::tag;
use crate::oauth::error::{ErrorCode, SERVER_ERROR, answer};
use crate::oauth::openapi::{OAuthServerError, OAuthUnavailable};
use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use kordon_core::Error;
use openapi::BearerInvalid;
use user::ProviderUser;

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/api/ver1.0/user/", get(user)).route("/api/ver1.0/user", get(user))
}

/// The user the access token belongs to
///
/// Send the access token as `Authorization: Bearer <access_token>`. For an application's token
/// (client_credentials) this is the application's owner. A user's OAuth token or a cabinet
/// personal API token works too. `/api/ver1.0/user` (no trailing slash) answers the same.
#[utoipa::path(get, path = "/api/ver1.0/user/", tag = tag::PROVIDER, operation_id = "providerUser",
    security(("oauthBearer" = []), ("oauth2" = [])),
    responses(
        (status = 200, description = "The user and their account.", body = ProviderUser),
        (status = 401, response = BearerInvalid),
        (status = 403, description = "A token of the authorization code flow without the `profile`, `email` and `phone` scopes \
            (`insufficient_scope`).", body = crate::oauth::error::ErrorBody),
        (status = 500, response = OAuthServerError),
        (status = 503, response = OAuthUnavailable),
    ))]
async fn user(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let bearer = crate::edge::bearer_token(&headers);
    let user = match state.core.provider_user(bearer).await {
        Ok(user) => user,
        Err(Error::Unauthenticated) => return unauthorized(bearer.is_some()),
        Err(Error::InsufficientScope(message)) => return insufficient_scope(&message, "profile email phone"),
        Err(err) => return failure(err),
    };
    let domain = match state.core.account_domain_name(user.account_id).await {
        Ok(domain) => domain,
        Err(err) => return failure(err),
    };
    Json(ProviderUser::new(user, domain)).into_response()
}

/// RFC 6750 §3: no token → a bare challenge; a bad one → `invalid_token`.
pub(crate) fn unauthorized(presented: bool) -> Response {
    let (challenge, description) = match presented {
        true => ("Bearer realm=\"kordon\", error=\"invalid_token\"", "The access token is invalid or expired."),
        false => ("Bearer realm=\"kordon\"", "An access token is required."),
    };
    let mut response = answer(StatusCode::UNAUTHORIZED, ErrorCode::InvalidToken, description);
    response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static(challenge));
    response
}

/// RFC 6750 §3.1: a valid token without the scopes this resource needs.
pub(crate) fn insufficient_scope(message: &str, scope: &'static str) -> Response {
    let mut response = answer(StatusCode::FORBIDDEN, ErrorCode::InsufficientScope, message);
    let challenge = format!("Bearer realm=\"kordon\", error=\"insufficient_scope\", scope=\"{scope}\"");
    if let Ok(value) = HeaderValue::from_str(&challenge) {
        response.headers_mut().insert(header::WWW_AUTHENTICATE, value);
    }
    response
}

pub(crate) fn failure(err: Error) -> Response {
    tracing::error!(error = %err, "provider API request failed");
    answer(StatusCode::INTERNAL_SERVER_ERROR, ErrorCode::ServerError, SERVER_ERROR)
}
