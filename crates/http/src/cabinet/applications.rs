//! Applications for the provider API: a signed-in lk_admin registers, lists and deletes its
//! account's applications (OAuth clients with client_credentials); the secret is shown once.

use super::PREFIX;
use super::error::CabinetError;
use super::extract::{Bearer, Body, CabinetClient};
use super::openapi::{Always, CabinetForbidden, CabinetNotFound, SignedIn, WithBody};
use super::views::{SUCCESS, Success, always_true};
use crate::AppState;
use crate::openapi_names::tag;
use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use kordon_core::clock::format_datetime;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What `POST /applications` reads.
#[derive(Deserialize, ToSchema)]
#[schema(as = ApplicationCreate, example = json!({"name": "CRM integration"}))]
pub(super) struct NewApplication {
    /// A name to recognize the application by: 1 to 255 characters once trimmed.
    #[schema(required, nullable = false, min_length = 1, max_length = 255)]
    name: Option<String>,
    /// kordon's addition: where the OpenID Connect authorization code flow may return to (exact
    /// URIs: `https`, `http` to a loopback host, or a private-use scheme). With them the
    /// application also signs in the users who consent (grants `authorization_code` and
    /// `refresh_token`).
    #[serde(default)]
    #[schema(example = json!(["https://crm.example.com/oauth/callback"]))]
    redirect_uris: Option<Vec<String>>,
}

/// A registered application: its credentials for `POST /oauth/token`.
#[derive(Serialize, ToSchema)]
#[schema(as = ApplicationCreated, example = json!({
    "application_id": 10554, "application_secret": "Zs8tJc0pWq3Lr6Yv1Nb4Xh7Kd2Gm5Ff9", "name": "CRM integration",
    "success": true}))]
pub(super) struct Created {
    /// Application_ID: the OAuth `client_id`.
    application_id: i64,
    /// Application_Secret: the OAuth `client_secret`, shown only this once.
    application_secret: String,
    /// The name, trimmed.
    name: String,
    #[schema(schema_with = always_true)]
    success: bool,
}

/// Register an application: its Application_ID and Application_Secret
///
/// Only for the account's administrator (`lk_admin`), at most `limits.applications_per_account`
/// (50) per account (beyond, a plain 400). The application gets the `client_credentials` grant;
/// its secret is shown once. Use them as client_id / client_secret at `POST /oauth/token`.
#[utoipa::path(post, path = "/applications", context_path = PREFIX, tag = tag::CABINET,
    operation_id = "cabinetCreateApplication", security(("cabinetBearer" = [])), params(CabinetClient),
    request_body = NewApplication,
    responses(
        (status = 200, description = "Registered.", body = Created),
        Always, SignedIn, WithBody,
        (status = 403, response = CabinetForbidden),
    ))]
pub(super) async fn create(
    State(state): State<AppState>,
    _client: CabinetClient,
    auth: Bearer,
    Body(body): Body<NewApplication>,
) -> Result<Json<Created>, CabinetError> {
    let redirect_uris = body.redirect_uris.unwrap_or_default();
    let created = state.core.create_application(&auth.principal, body.name.as_deref(), &redirect_uris).await?;
    let name = body.name.unwrap_or_default().trim().to_owned();
    Ok(Json(Created {
        application_id: created.client_id,
        application_secret: created.client_secret.unwrap_or_default(),
        name,
        success: true,
    }))
}

/// An application of the account.
#[derive(Serialize, ToSchema)]
#[schema(as = Application)]
pub(super) struct Item {
    /// Application_ID: the OAuth `client_id`.
    id: i64,
    name: String,
    /// `YYYY-MM-DD hh:mm:ss`, UTC.
    #[schema(example = "2024-05-01 10:00:00")]
    created_at: String,
}

/// The account's applications.
#[derive(Serialize, ToSchema)]
#[schema(as = ApplicationList, example = json!({
    "data": [{"id": 10554, "name": "CRM integration", "created_at": "2024-05-01 10:00:00"}], "success": true}))]
pub(super) struct List {
    data: Vec<Item>,
    #[schema(schema_with = always_true)]
    success: bool,
}

/// List the account's applications (OAuth clients)
///
/// Only for the account's administrator (`lk_admin`). Secrets are never shown again.
#[utoipa::path(get, path = "/applications", context_path = PREFIX, tag = tag::CABINET,
    operation_id = "cabinetListApplications", security(("cabinetBearer" = [])), params(CabinetClient),
    responses(
        (status = 200, description = "The applications.", body = List),
        Always, SignedIn,
        (status = 403, response = CabinetForbidden),
    ))]
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

/// Delete an application (its tokens stop working)
///
/// Only for the account's administrator (`lk_admin`).
#[utoipa::path(delete, path = "/applications/{id}", context_path = PREFIX, tag = tag::CABINET,
    operation_id = "cabinetDeleteApplication", security(("cabinetBearer" = [])),
    params(CabinetClient,
        ("id" = i64, Path, description = "The application's `id` (its Application_ID); anything else is 404.")),
    responses(
        (status = 200, description = "Deleted.", body = Success),
        Always, SignedIn,
        (status = 403, response = CabinetForbidden),
        (status = 404, response = CabinetNotFound),
    ))]
pub(super) async fn delete(
    State(state): State<AppState>,
    _client: CabinetClient,
    auth: Bearer,
    id: Result<Path<String>, PathRejection>,
) -> Result<Json<Success>, CabinetError> {
    // An id that is not a number (or not even UTF-8) names nothing: 404, in the cabinet's shape.
    let id: i64 =
        id.ok().and_then(|Path(id)| id.parse().ok()).ok_or(CabinetError::Core(kordon_core::Error::NotFound))?;
    state.core.delete_application(&auth.principal, id).await?;
    Ok(Json(SUCCESS))
}
