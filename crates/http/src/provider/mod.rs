//! The provider API v1.0 (seed 003): `GET /api/ver1.0/user/` answers the profile of the user a
//! bearer acts for — an application's owner for a client_credentials token. Errors as RFC 6750.

use crate::AppState;
use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use kordon_core::Error;
use serde_json::json;

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/api/ver1.0/user/", get(user)).route("/api/ver1.0/user", get(user))
}

async fn user(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let bearer = crate::edge::bearer_token(&headers);
    let user = match state.core.provider_user(bearer).await {
        Ok(user) => user,
        Err(Error::Unauthenticated) => return unauthorized(bearer.is_some()),
        Err(err) => return failure(err),
    };
    let domain = match state.core.store.domain(user.account_id).await {
        Ok(domain) => domain.and_then(|d| d.name),
        Err(err) => return failure(err.into()),
    };
    Json(json!({
        "id": user.id,
        "email": user.email,
        "phone": user.phone,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "middle_name": user.middle_name,
        "role": user.role.as_str(),
        "account": { "id": user.account_id, "domain": domain },
    }))
    .into_response()
}

/// RFC 6750 §3: no token → a bare challenge; a bad one → `invalid_token`.
fn unauthorized(presented: bool) -> Response {
    let (challenge, body) = if presented {
        (
            "Bearer realm=\"kordon\", error=\"invalid_token\"",
            json!({ "error": "invalid_token", "error_description": "The access token is invalid or expired." }),
        )
    } else {
        (
            "Bearer realm=\"kordon\"",
            json!({ "error": "invalid_token", "error_description": "An access token is required." }),
        )
    };
    let mut response = (StatusCode::UNAUTHORIZED, Json(body)).into_response();
    response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static(challenge));
    response
}

fn failure(err: Error) -> Response {
    tracing::error!(error = %err, "provider API request failed");
    (StatusCode::INTERNAL_SERVER_ERROR, Json(json!({ "error": "server_error" }))).into_response()
}
