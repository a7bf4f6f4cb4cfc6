//! `applications`: list, register, rotate the secret, change, delete.

use super::PREFIX;
use super::bodies::{ApplicationPatchBody, NewApplicationBody};
use super::error::AdminError;
use super::extract::{Caller, JsonBody, ObjectId};
use super::responses::{Always, WithBody, WithId, WithInput};
use super::views::{ApplicationCreated, ApplicationList, ApplicationView, SecretView};
use crate::AppState;
use crate::openapi_names::tag;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

/// Applications
///
/// The operator sees every client (the cabinet's own too); an account's `lk_admin` the
/// applications its users own.
#[utoipa::path(get, path = "/applications", context_path = PREFIX, tag = tag::ADMIN,
    operation_id = "adminListApplications",
    responses((status = 200, description = "The applications in scope, by id.", body = ApplicationList), Always))]
pub(super) async fn list(
    State(state): State<AppState>,
    Caller(admin): Caller,
) -> Result<Json<ApplicationList>, AdminError> {
    let records = state.core.admin_applications(&admin).await?;
    Ok(Json(ApplicationList { data: records.into_iter().map(ApplicationView::from).collect() }))
}

/// Register an application
///
/// Owned by the caller; its secret (none for a public client) is in this answer only. A tenant
/// holds at most `limits.applications_per_account` (50; beyond, 400) and may not set `trusted`
/// or `grants` (403). Audited (`client.create`).
#[utoipa::path(post, path = "/applications", context_path = PREFIX, tag = tag::ADMIN,
    operation_id = "adminCreateApplication", request_body = NewApplicationBody,
    responses((status = 201, description = "Registered.", body = ApplicationCreated), Always, WithBody))]
pub(super) async fn create(
    State(state): State<AppState>,
    Caller(admin): Caller,
    JsonBody(body): JsonBody<NewApplicationBody>,
) -> Result<(StatusCode, Json<ApplicationCreated>), AdminError> {
    let (record, client_secret) = state.core.admin_create_application(&admin, body.into()).await?;
    Ok((StatusCode::CREATED, Json(ApplicationCreated { application: record.into(), client_secret })))
}

/// Rotate an application's secret
///
/// A new `client_secret`, shown only in this answer; the old one stops working at once (tokens
/// already issued live on until they expire or are revoked). A public client has no secret (400).
/// Audited (`client.secret`; never the secret).
#[utoipa::path(post, path = "/applications/{id}/secret", context_path = PREFIX, tag = tag::ADMIN,
    operation_id = "adminRotateApplicationSecret",
    params(("id" = i64, Path, minimum = 1, description = "The application's id; anything else is 404.")),
    responses((status = 200, description = "The new secret.", body = SecretView), Always, WithId, WithInput))]
pub(super) async fn rotate_secret(
    State(state): State<AppState>,
    Caller(admin): Caller,
    ObjectId(id): ObjectId,
) -> Result<Json<SecretView>, AdminError> {
    let client_secret = state.core.admin_rotate_application_secret(&admin, id).await?;
    Ok(Json(SecretView { client_id: id, client_secret }))
}

/// Change an application
///
/// Its name, redirect URIs and post-logout redirect URIs; the operator also its grants and
/// whether it is trusted (a tenant sending either: 403). Every instance drops the client it
/// cached. Audited (`client.update`, what changed).
#[utoipa::path(patch, path = "/applications/{id}", context_path = PREFIX, tag = tag::ADMIN,
    operation_id = "adminUpdateApplication", request_body = ApplicationPatchBody,
    params(("id" = i64, Path, minimum = 1, description = "The application's id; anything else is 404.")),
    responses((status = 200, description = "The application as changed.", body = ApplicationView),
        Always, WithId, WithBody))]
pub(super) async fn update(
    State(state): State<AppState>,
    Caller(admin): Caller,
    ObjectId(id): ObjectId,
    JsonBody(body): JsonBody<ApplicationPatchBody>,
) -> Result<Json<ApplicationView>, AdminError> {
    Ok(Json(state.core.admin_update_application(&admin, id, body.into()).await?.into()))
}

/// Delete an application
///
/// With its consents and codes; its tokens die with it. Audited (`client.delete`).
#[utoipa::path(delete, path = "/applications/{id}", context_path = PREFIX, tag = tag::ADMIN,
    operation_id = "adminDeleteApplication",
    params(("id" = i64, Path, minimum = 1, description = "The application's id; anything else is 404.")),
    responses((status = 204, description = "Deleted; no body."), Always, WithId))]
pub(super) async fn delete(
    State(state): State<AppState>,
    Caller(admin): Caller,
    ObjectId(id): ObjectId,
) -> Result<StatusCode, AdminError> {
    state.core.admin_delete_application(&admin, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
