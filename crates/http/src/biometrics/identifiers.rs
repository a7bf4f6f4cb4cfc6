//! `/api/phrases` and `/api/faceTokens`: identifiers attached to the account's persons. One set of
//! handlers serves both, told apart by a marker type.

use super::error::ApiError;
use super::request::{Caller, RecordId, object};
use super::views::{IdentifierView, Order};
use crate::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::StatusCode;
use kordon_core::biometrics::{IdentifierInput, IdentifierKind};
use serde_json::{Map, Value};

/// Which identifier table a route serves, and how its `PUT` answer is ordered.
pub(crate) trait Kind: Send + Sync + 'static {
    const KIND: IdentifierKind;
    /// The seed answers a phrase's `PUT` like a create, a face token's like a `GET`.
    const UPDATED: Order;
}

pub(crate) struct Phrases;
pub(crate) struct FaceTokens;

impl Kind for Phrases {
    const KIND: IdentifierKind = IdentifierKind::Phrase;
    const UPDATED: Order = Order::Saved;
}

impl Kind for FaceTokens {
    const KIND: IdentifierKind = IdentifierKind::FaceToken;
    const UPDATED: Order = Order::Stored;
}

fn input<K: Kind>(mut body: Map<String, Value>) -> IdentifierInput {
    IdentifierInput { value: body.remove(K::KIND.field()), person_id: body.remove("user_id") }
}

/// `POST` `{phrase|face_token, user_id}`: 201 Created with `{…, user_id, updated_at, created_at,
/// id}` (see `persons::create` for the status). `user_id` must name a person of the caller's
/// account, else 422 "The selected user id is invalid.".
pub(crate) async fn create<K: Kind>(
    State(state): State<AppState>,
    caller: Caller,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<IdentifierView>), ApiError> {
    let input = input::<K>(object(body)?);
    let created = state.core.create_identifier(K::KIND, caller.account_id(), &input).await?;
    Ok((StatusCode::CREATED, Json(IdentifierView::new(K::KIND, created, Order::Saved))))
}

/// `GET …/{id}`: `{id, user_id, phrase|face_token, created_at, updated_at}`.
pub(crate) async fn show<K: Kind>(
    State(state): State<AppState>,
    caller: Caller,
    RecordId(id): RecordId,
) -> Result<Json<IdentifierView>, ApiError> {
    let identifier = state.core.show_identifier(K::KIND, caller.account_id(), id).await?;
    Ok(Json(IdentifierView::new(K::KIND, identifier, Order::Stored)))
}

/// `PUT …/{id}` `{phrase|face_token, user_id}`: 200 with the saved identifier.
pub(crate) async fn update<K: Kind>(
    State(state): State<AppState>,
    caller: Caller,
    RecordId(id): RecordId,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<IdentifierView>, ApiError> {
    let body = object(body)?;
    let updated = state.core.update_identifier(K::KIND, caller.account_id(), id, &input::<K>(body)).await?;
    Ok(Json(IdentifierView::new(K::KIND, updated, K::UPDATED)))
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
