//! Liveness and readiness: `/healthz` answers while the process runs, `/readyz` while the
//! database answers too.

use crate::AppState;
use crate::openapi_names::tag;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use utoipa::ToSchema;

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/healthz", get(healthz)).route("/readyz", get(readyz))
}

/// The health routes in the document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(healthz, readyz))]
pub(crate) struct Api;

/// `{"status":"ok"}`, and for readiness `"database"` too.
#[derive(Serialize, ToSchema)]
pub(crate) struct Health {
    #[schema(inline)]
    status: Status,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(inline)]
    database: Option<Database>,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
enum Status {
    Ok,
    Unavailable,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
enum Database {
    Ok,
    Down,
}

/// Liveness: answers while the process runs
#[utoipa::path(get, path = "/healthz", tag = tag::HEALTH, operation_id = "healthz", security(()),
    responses((status = 200, description = "Alive.", body = Health, example = json!({"status": "ok"}))))]
async fn healthz() -> Json<Health> {
    Json(Health { status: Status::Ok, database: None })
}

/// Readiness: the database answers too
#[utoipa::path(get, path = "/readyz", tag = tag::HEALTH, operation_id = "readyz", security(()),
    responses(
        (status = 200, description = "Ready.", body = Health, example = json!({"status": "ok", "database": "ok"})),
        (status = 503, description = "The database does not answer.", body = Health,
            example = json!({"status": "unavailable", "database": "down"})),
    ))]
async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    match state.core.store.ping().await {
        Ok(()) => (StatusCode::OK, Json(Health { status: Status::Ok, database: Some(Database::Ok) })),
        Err(err) => {
            tracing::error!(error = %err, "readiness: the database does not answer");
            let down = Health { status: Status::Unavailable, database: Some(Database::Down) };
            (StatusCode::SERVICE_UNAVAILABLE, Json(down))
        }
    }
}
