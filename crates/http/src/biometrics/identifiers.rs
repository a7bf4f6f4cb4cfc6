//! `/api/phrases` and `/api/faceTokens`: identifiers attached to the account's persons. One set of
//! handlers serves both, told apart by a [`Kind`]; `phrases` and `face_tokens` mount and document
//! them.

use super::error::ApiError;
use super::extract::{Caller, JsonObject, RecordId};
use super::kinds::Kind;
use super::kinds::Order;
use super::views::IdentifierView;
use crate::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

/// `POST` `{phrase|face_token, user_id}`: 201 Created with `{…, user_id, updated_at, created_at,
/// id}` (see `persons::create` for the status). `user_id` must name a person of the caller's
/// account, else 422 "The selected user id is invalid.".
pub(crate) async fn create<K: Kind>(
    State(state): State<AppState>,
    caller: Caller,
    JsonObject(body): JsonObject<K::Body>,
) -> Result<(StatusCode, Json<IdentifierView<K>>), ApiError> {
    let created = state.core.create_identifier(K::KIND, caller.account_id(), &body.into()).await?;
    Ok((StatusCode::CREATED, Json(IdentifierView::new(created, Order::Saved))))
}

/// `GET …/{id}`: `{id, user_id, phrase|face_token, created_at, updated_at}`.
pub(crate) async fn show<K: Kind>(
    State(state): State<AppState>,
    caller: Caller,
    RecordId(id): RecordId,
) -> Result<Json<IdentifierView<K>>, ApiError> {
    let identifier = state.core.show_identifier(K::KIND, caller.account_id(), id).await?;
    Ok(Json(IdentifierView::new(identifier, Order::Stored)))
}

/// `PUT …/{id}` `{phrase|face_token, user_id}`: 200 with the saved identifier.
pub(crate) async fn update<K: Kind>(
    State(state): State<AppState>,
    caller: Caller,
    RecordId(id): RecordId,
    JsonObject(body): JsonObject<K::Body>,
) -> Result<Json<IdentifierView<K>>, ApiError> {
    let updated = state.core.update_identifier(K::KIND, caller.account_id(), id, &body.into()).await?;
    Ok(Json(IdentifierView::new(updated, K::UPDATED)))
}

/// `DELETE …/{id}`: 204.
pub(crate) async fn delete<K: Kind>(
    State(state): State<AppState>,
    caller: Caller,
    RecordId(id): RecordId,
) -> Result<StatusCode, ApiError> {
    state.core.delete_identifier(K::KIND, caller.account_id(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}
