//! `/api/faceTokens`: a person's face tokens, served by [`super::identifiers`].

use super::bodies::FaceTokenBody;
use super::error::ApiError;
use super::extract::{Caller, JsonObject, RecordId};
use super::identifiers;
use super::kinds::FaceTokens;
use super::openapi::{Always, WithBody, WithId};
use super::views::FaceTokenView;
use crate::AppState;
use crate::openapi_names::tag;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

/// Create a face token of a user
///
/// 201 Created with the face token as Laravel echoes a model it just created (`{face_token, user_id,
/// updated_at, created_at, id}`). `user_id` must name a user of the caller's account.
#[utoipa::path(post, path = "/api/faceTokens", tag = tag::BIOMETRICS, operation_id = "bioCreateFaceToken",
    request_body = FaceTokenBody,
    responses((status = 201, description = "Created.", body = FaceTokenView), Always, WithBody))]
pub(crate) async fn create(
    state: State<AppState>,
    caller: Caller,
    body: JsonObject<FaceTokenBody>,
) -> Result<(StatusCode, Json<FaceTokenView>), ApiError> {
    identifiers::create::<FaceTokens>(state, caller, body).await
}

/// A face token
///
/// `{id, user_id, face_token, created_at, updated_at}`.
#[utoipa::path(get, path = "/api/faceTokens/{id}", tag = tag::BIOMETRICS, operation_id = "bioGetFaceToken",
    params(RecordId),
    responses((status = 200, description = "The face token.", body = FaceTokenView), Always, WithId))]
pub(crate) async fn show(
    state: State<AppState>,
    caller: Caller,
    id: RecordId,
) -> Result<Json<FaceTokenView>, ApiError> {
    identifiers::show::<FaceTokens>(state, caller, id).await
}

/// Update a face token
///
/// 200 with the face token as saved, read like a `GET` (`{id, user_id, face_token, created_at,
/// updated_at}`, as the seed shows it). A missing record is 404 before the body is looked at.
#[utoipa::path(put, path = "/api/faceTokens/{id}", tag = tag::BIOMETRICS, operation_id = "bioUpdateFaceToken",
    params(RecordId), request_body = FaceTokenBody,
    responses((status = 200, description = "Updated.", body = FaceTokenView), Always, WithId, WithBody))]
pub(crate) async fn update(
    state: State<AppState>,
    caller: Caller,
    id: RecordId,
    body: JsonObject<FaceTokenBody>,
) -> Result<Json<FaceTokenView>, ApiError> {
    identifiers::update::<FaceTokens>(state, caller, id, body).await
}

/// Update a face token (as PUT)
///
/// Laravel's resource routes take `PATCH` as `PUT`: both fields are required.
#[utoipa::path(patch, path = "/api/faceTokens/{id}", tag = tag::BIOMETRICS, operation_id = "bioPatchFaceToken",
    params(RecordId), request_body = FaceTokenBody,
    responses((status = 200, description = "Updated.", body = FaceTokenView), Always, WithId, WithBody))]
pub(crate) async fn patch(
    state: State<AppState>,
    caller: Caller,
    id: RecordId,
    body: JsonObject<FaceTokenBody>,
) -> Result<Json<FaceTokenView>, ApiError> {
    identifiers::update::<FaceTokens>(state, caller, id, body).await
}

/// Delete a face token
///
/// 204 without a body.
#[utoipa::path(delete, path = "/api/faceTokens/{id}", tag = tag::BIOMETRICS, operation_id = "bioDeleteFaceToken",
    params(RecordId),
    responses((status = 204, description = "Deleted; no body."), Always, WithId))]
pub(crate) async fn delete(state: State<AppState>, caller: Caller, id: RecordId) -> Result<StatusCode, ApiError> {
    identifiers::delete::<FaceTokens>(state, caller, id).await
}
