//! Applications for the provider API: a signed-in lk_admin registers, lists and deletes its
//! account's applications (OAuth clients with client_credentials); the secret is shown once.

use super::error::CabinetError;
use super::extract::{Bearer, Body, CabinetClient};
use super::views::{SUCCESS, Success};
use crate::AppState;
use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use kordon_core::clock::format_datetime;
use serde::{Deserialize, Serialize};

#[derive(Deserialize)]
pub(super) struct NewApplication {
    name: Option<String>,
}

#[derive(Serialize)]
pub(super) struct Created {
    application_id: i64,
    application_secret: String,
    name: String,
    success: bool,
}

pub(super) async fn create(
    State(state): State<AppState>,
    _client: CabinetClient,
    auth: Bearer,
    Body(body): Body<NewApplication>,
) -> Result<Json<Created>, CabinetError> {
    let created = state.core.create_application(&auth.principal, body.name.as_deref()).await?;
    let name = body.name.unwrap_or_default().trim().to_owned();
    Ok(Json(Created {
        application_id: created.client_id,
        application_secret: created.client_secret,
        name,
        success: true,
    }))
}

#[derive(Serialize)]
pub(super) struct Item {
    id: i64,
    name: String,
    created_at: String,
}

#[derive(Serialize)]
pub(super) struct List {
    data: Vec<Item>,
    success: bool,
}

pub(super) async fn list(
    State(state): State<AppState>,
    _client: CabinetClient,
    auth: Bearer,
) -> Result<Json<List>, CabinetError> {
    let apps = state.core.applications(&auth.principal).await?;
    let data =
        apps.into_iter().map(|a| Item { id: a.id, name: a.name, created_at: format_datetime(a.created_at) }).collect();
    Ok(Json(List { data, success: true }))
}

pub(super) async fn delete(
    State(state): State<AppState>,
    _client: CabinetClient,
    auth: Bearer,
    id: Result<Path<String>, PathRejection>,
) -> Result<Json<Success>, CabinetError> {
    // An id that is not a number (or not even UTF-8) names nothing: 404, in the cabinet's shape.
    let id: i64 = id.ok().and_then(|Path(id)| id.parse().ok()).ok_or(CabinetError(kordon_core::Error::NotFound))?;
    state.core.delete_application(&auth.principal, id).await?;
    Ok(Json(SUCCESS))
}
