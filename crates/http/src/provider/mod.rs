//! The provider API v1.0 (seed 003): `GET /api/ver1.0/user/` answers the profile of the user a
//! bearer acts for — an application's owner for a client_credentials token. Errors as RFC 6750
//! ([`crate::bearer`]).

pub(crate) mod openapi;
mod views;

use crate::AppState;
use crate::bearer::{self, BearerInvalid, BearerUnavailable};
use crate::openapi_names::tag;
use crate::rfc6749::{ErrorBody, OAuthServerError};
use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use views::ProviderUser;

/// The scopes a token of the authorization code flow needs here.
const SCOPES: &str = "profile email phone";

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
            (`insufficient_scope`).", body = ErrorBody),
        (status = 500, response = OAuthServerError),
        (status = 503, response = BearerUnavailable),
    ))]
async fn user(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let token = crate::edge::bearer_token(&headers);
    let user = match state.core.provider_user(token).await {
        Ok(user) => user,
        Err(err) => return bearer::refusal(err, token.is_some(), SCOPES),
    };
    let domain = match state.core.account_domain_name(user.account_id).await {
        Ok(domain) => domain,
        Err(err) => return bearer::refusal(err, true, SCOPES),
    };
    Json(ProviderUser::new(user, domain)).into_response()
}
