//! Password reset: a mailed single-use link (`restore-token`), redeemed by `change-password`.

use super::PREFIX;
use super::error::CabinetError;
use super::extract::{Body, CabinetClient};
use super::openapi::{Always, CabinetBadGateway, CabinetTooMany, WithBody};
use super::views::{SUCCESS, Success};
use crate::AppState;
use crate::edge::PlainError;
use crate::openapi_names::tag;
use crate::origin::RequestOrigin;
use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use utoipa::ToSchema;

/// What `restore-token` reads.
#[derive(Deserialize, ToSchema)]
#[schema(as = CabinetRestoreInput, example = json!({"email": "user@mail.ru", "url": "https://lk.example/reset"}))]
pub(super) struct RestoreBody {
    /// Whose password to reset.
    #[schema(required, nullable = false, format = Email, max_length = 254)]
    email: Option<String>,
    /// The page of the link: `{url}?token=…`. An http(s) URL under a prefix the operator allowed
    /// (`reset.client_url_prefixes`, `reset.url_prefixes`, `server.public_url`), without
    /// credentials, a fragment or whitespace.
    #[schema(required, nullable = false, format = "uri", min_length = 1)]
    url: Option<String>,
}

/// Mail a password reset link
///
/// Mails `{url}?token=…` (the token is valid once). An unknown email answers the same and mails
/// nothing; the mail is sent off the request path. With `reset.reveal_unknown_email` (the seed's
/// behaviour) an unknown email answers 500 `User not found.` and a failed mail 502.
#[utoipa::path(post, path = "/restore-token", context_path = PREFIX, tag = tag::CABINET,
    operation_id = "cabinetRestoreToken", security(()), params(CabinetClient),
    request_body = RestoreBody,
    responses(
        (status = 200, description = "Mailed (or nothing to mail).", body = Success),
        Always, WithBody,
        (status = 429, response = CabinetTooMany),
        (status = 500, description = "With `reset.reveal_unknown_email`: no user has this email. Otherwise details \
            only in the server log.", body = PlainError, examples(
            ("unknown" = (value = json!({"message": "User not found.", "code": 500}))),
            ("error" = (value = json!({"message": "Server Error", "code": 500}))),
        )),
        (status = 502, response = CabinetBadGateway),
    ))]
pub(super) async fn restore_token(
    State(state): State<AppState>,
    CabinetClient(client_id): CabinetClient,
    RequestOrigin(origin): RequestOrigin,
    Body(body): Body<RestoreBody>,
) -> Result<Json<Success>, CabinetError> {
    state.core.restore_token(client_id, body.email.as_deref(), body.url.as_deref(), &origin).await?;
    Ok(Json(SUCCESS))
}

/// What `change-password` reads.
#[derive(Deserialize, ToSchema)]
#[schema(as = CabinetChangePasswordInput)]
pub(super) struct ChangeBody {
    /// The token of the mailed link.
    #[schema(required, nullable = false, min_length = 1)]
    token: Option<String>,
    /// The new password: 8 to 128 characters, not among the most common passwords.
    #[schema(required, nullable = false, format = Password, min_length = 8, max_length = 128)]
    password: Option<String>,
    /// The new password again.
    #[schema(required, nullable = false, format = Password)]
    password_confirmation: Option<String>,
}

/// Set a new password with a reset token (ends every session)
///
/// Spends the token; personal API tokens survive.
#[utoipa::path(post, path = "/change-password", context_path = PREFIX, tag = tag::CABINET,
    operation_id = "cabinetChangePassword", security(()), params(CabinetClient),
    request_body = ChangeBody,
    responses(
        (status = 200, description = "Changed.", body = Success),
        Always, WithBody,
        (status = 429, response = CabinetTooMany),
    ))]
pub(super) async fn change_password(
    State(state): State<AppState>,
    _client: CabinetClient,
    RequestOrigin(origin): RequestOrigin,
    Body(body): Body<ChangeBody>,
) -> Result<Json<Success>, CabinetError> {
    let (token, password) = (body.token.as_deref(), body.password.as_deref());
    state.core.change_password(token, password, body.password_confirmation.as_deref(), &origin).await?;
    Ok(Json(SUCCESS))
}
