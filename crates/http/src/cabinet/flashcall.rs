//! FlashCall: a call whose caller number carries the PIN, to any phone or to the user's own.

use super::error::CabinetError;
use super::extract::{Bearer, Body, CabinetClient, lenient_text};
use crate::AppState;
use crate::origin::RequestOrigin;
use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};

#[derive(Deserialize)]
pub(super) struct FlashcallBody {
    #[serde(default, deserialize_with = "lenient_text")]
    phone: Option<String>,
}

#[derive(Serialize)]
pub(super) struct Called {
    phone: String,
    token: String,
    success: bool,
}

pub(super) async fn flashcall(
    State(state): State<AppState>,
    _client: CabinetClient,
    RequestOrigin(origin): RequestOrigin,
    Body(body): Body<FlashcallBody>,
) -> Result<Json<Called>, CabinetError> {
    let (phone, token) = state.core.flashcall(body.phone.as_deref(), origin.ip.as_deref()).await?;
    Ok(Json(Called { phone: phone.as_str().to_owned(), token, success: true }))
}

pub(super) async fn flashcall_self(
    State(state): State<AppState>,
    _client: CabinetClient,
    RequestOrigin(origin): RequestOrigin,
    auth: Bearer,
) -> Result<Json<Called>, CabinetError> {
    let (phone, token) = state.core.flashcall_self(&auth.principal, origin.ip.as_deref()).await?;
    Ok(Json(Called { phone: phone.as_str().to_owned(), token, success: true }))
}
