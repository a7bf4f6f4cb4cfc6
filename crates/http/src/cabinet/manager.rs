//! `GET /manager`: the contact assigned to the caller's contract.

use super::PREFIX;
use super::error::CabinetError;
use super::extract::{Bearer, CabinetClient};
use super::openapi::{Always, CabinetNotFound, SignedIn};
use super::views::always_true;
use crate::AppState;
use crate::openapi_names::tag;
use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;

/// The account's manager.
#[derive(Serialize, ToSchema)]
#[schema(as = Manager, example = json!({
    "name": "Иван Иванов", "email": "ivan.ivanov@plusofon.ru", "phone": "+7 495 133-22-11", "success": true}))]
pub(super) struct ManagerView {
    name: String,
    email: String,
    /// As the operator typed it.
    phone: String,
    #[schema(schema_with = always_true)]
    success: bool,
}

/// The account's manager
///
/// 404 when the account has none.
#[utoipa::path(get, path = "/manager", context_path = PREFIX, tag = tag::CABINET,
    operation_id = "cabinetManager", security(("cabinetBearer" = [])), params(CabinetClient),
    responses(
        (status = 200, description = "The manager.", body = ManagerView),
        Always, SignedIn,
        (status = 404, response = CabinetNotFound),
    ))]
pub(super) async fn manager(
    State(state): State<AppState>,
    _client: CabinetClient,
    auth: Bearer,
) -> Result<Json<ManagerView>, CabinetError> {
    let m = state.core.manager(&auth.principal).await?;
    Ok(Json(ManagerView { name: m.name, email: m.email, phone: m.phone, success: true }))
}
