//! `/api/phrases`: a person's voice phrases, served by [`super::identifiers`].

use super::bodies::PhraseBody;
use super::error::ApiError;
use super::extract::{Caller, JsonObject, RecordId};
use super::identifiers;
use super::kinds::Phrases;
use super::openapi::{Always, WithBody, WithId};
use super::views::PhraseView;
use crate::AppState;
use crate::openapi_names::tag;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

/// Create a phrase of a user
///
/// 201 Created with the phrase as Laravel echoes a model it just created (`{phrase, user_id,
/// updated_at, created_at, id}`). `user_id` must name a user of the caller's account.
#[utoipa::path(post, path = "/api/phrases", tag = tag::BIOMETRICS, operation_id = "bioCreatePhrase",
    request_body = PhraseBody,
    responses((status = 201, description = "Created.", body = PhraseView), Always, WithBody))]
pub(crate) async fn create(
    state: State<AppState>,
    caller: Caller,
    body: JsonObject<PhraseBody>,
) -> Result<(StatusCode, Json<PhraseView>), ApiError> {
    identifiers::create::<Phrases>(state, caller, body).await
}

/// A phrase
///
/// `{id, user_id, phrase, created_at, updated_at}`.
#[utoipa::path(get, path = "/api/phrases/{id}", tag = tag::BIOMETRICS, operation_id = "bioGetPhrase",
    params(RecordId),
    responses((status = 200, description = "The phrase.", body = PhraseView), Always, WithId))]
pub(crate) async fn show(state: State<AppState>, caller: Caller, id: RecordId) -> Result<Json<PhraseView>, ApiError> {
    identifiers::show::<Phrases>(state, caller, id).await
}

/// Update a phrase
///
/// 200 with the phrase as saved (`{phrase, user_id, updated_at, created_at, id}`, as the seed
/// shows it). A missing record is 404 before the body is looked at.
#[utoipa::path(put, path = "/api/phrases/{id}", tag = tag::BIOMETRICS, operation_id = "bioUpdatePhrase",
    params(RecordId), request_body = PhraseBody,
    responses((status = 200, description = "Updated.", body = PhraseView), Always, WithId, WithBody))]
pub(crate) async fn update(
    state: State<AppState>,
    caller: Caller,
    id: RecordId,
    body: JsonObject<PhraseBody>,
) -> Result<Json<PhraseView>, ApiError> {
    identifiers::update::<Phrases>(state, caller, id, body).await
}

/// Update a phrase (as PUT)
///
/// Laravel's resource routes take `PATCH` as `PUT`: both fields are required.
#[utoipa::path(patch, path = "/api/phrases/{id}", tag = tag::BIOMETRICS, operation_id = "bioPatchPhrase",
    params(RecordId), request_body = PhraseBody,
    responses((status = 200, description = "Updated.", body = PhraseView), Always, WithId, WithBody))]
pub(crate) async fn patch(
    state: State<AppState>,
    caller: Caller,
    id: RecordId,
    body: JsonObject<PhraseBody>,
) -> Result<Json<PhraseView>, ApiError> {
    identifiers::update::<Phrases>(state, caller, id, body).await
}

/// Delete a phrase
///
/// 204 without a body.
#[utoipa::path(delete, path = "/api/phrases/{id}", tag = tag::BIOMETRICS, operation_id = "bioDeletePhrase",
    params(RecordId),
    responses((status = 204, description = "Deleted; no body."), Always, WithId))]
pub(crate) async fn delete(state: State<AppState>, caller: Caller, id: RecordId) -> Result<StatusCode, ApiError> {
    identifiers::delete::<Phrases>(state, caller, id).await
}
