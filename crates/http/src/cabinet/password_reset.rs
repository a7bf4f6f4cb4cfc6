//! Password reset: a mailed single-use link (`restore-token`), redeemed by `change-password`.

use super::error::CabinetError;
use super::extract::{Body, CabinetClient};
use super::views::{SUCCESS, Success};
use crate::AppState;
use crate::origin::RequestOrigin;
use axum::Json;
use axum::extract::State;
use serde::Deserialize;

#[derive(Deserialize)]
pub(super) struct RestoreBody {
    email: Option<String>,
    url: Option<String>,
}

pub(super) async fn restore_token(
    State(state): State<AppState>,
    CabinetClient(client_id): CabinetClient,
    RequestOrigin(origin): RequestOrigin,
    Body(body): Body<RestoreBody>,
) -> Result<Json<Success>, CabinetError> {
    state.core.restore_token(client_id, body.email.as_deref(), body.url.as_deref(), &origin).await?;
    Ok(Json(SUCCESS))
}

#[derive(Deserialize)]
pub(super) struct ChangeBody {
    token: Option<String>,
    password: Option<String>,
    password_confirmation: Option<String>,
}

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
