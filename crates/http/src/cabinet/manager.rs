//! `GET /manager`: the contact assigned to the caller's contract.

use super::error::CabinetError;
use super::extract::{Bearer, CabinetClient};
use crate::AppState;
use axum::Json;
use axum::extract::State;
use serde::Serialize;

#[derive(Serialize)]
pub(super) struct ManagerView {
    name: String,
    email: String,
    phone: String,
    success: bool,
}

pub(super) async fn manager(
    State(state): State<AppState>,
    _client: CabinetClient,
    auth: Bearer,
) -> Result<Json<ManagerView>, CabinetError> {
    let m = state.core.manager(&auth.principal).await?;
    Ok(Json(ManagerView { name: m.name, email: m.email, phone: m.phone, success: true }))
}
