//! `/api/users`: the account's persons ("users" in seed 002).

use super::bodies::PersonBody;
use super::error::ApiError;
use super::extract::{Caller, JsonObject, Page, RecordId};
use super::openapi::{Always, WithBody, WithId};
use super::views::{PersonSaved, PersonShown, PersonView};
use crate::AppState;
use crate::openapi_names::tag;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};

/// List users
///
/// The account's persons, oldest first, as the seed's plain array, at most
/// `limits.persons_per_page` (1000) of them; `?page=N` reads on, and a
/// `Link: <…?page=N+1>; rel="next"` header says when there is more.
#[utoipa::path(get, path = "/api/users", tag = tag::BIOMETRICS, operation_id = "bioListUsers",
    params(Page),
    responses(
        (status = 200, description = "The account's users, oldest first, one page of them.", body = [PersonView],
            headers(("Link" = String, description = "`</api/users?page=N+1>; rel=\"next\"` when more follow."))),
        Always,
    ))]
pub(crate) async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Page(page): Page,
    uri: Uri,
) -> Result<Response, ApiError> {
    let result = state.core.list_persons(caller.account_id(), page).await?;
    let body = Json(result.persons.into_iter().map(PersonView::from).collect::<Vec<_>>());
    let mut response = body.into_response();
    if result.more
        && let Ok(link) = HeaderValue::from_str(&format!("<{}?page={}>; rel=\"next\"", uri.path(), page + 1))
    {
        response.headers_mut().insert(header::LINK, link);
    }
    Ok(response)
}

/// Create a user
///
/// `{name, master_token}`: 201 Created with the person as Laravel echoes a model it just created
/// (`{name, master_token, updated_at, created_at, id}`), the status Laravel gives a response
/// holding a model created in that request.
#[utoipa::path(post, path = "/api/users", tag = tag::BIOMETRICS, operation_id = "bioCreateUser",
    request_body = PersonBody,
    responses((status = 201, description = "Created.", body = PersonSaved), Always, WithBody))]
pub(crate) async fn create(
    State(state): State<AppState>,
    caller: Caller,
    JsonObject(body): JsonObject<PersonBody>,
) -> Result<(StatusCode, Json<PersonSaved>), ApiError> {
    let person = state.core.create_person(caller.account_id(), &body.into()).await?;
    Ok((StatusCode::CREATED, Json(person.into())))
}

/// A user with their phrases and face tokens
///
/// An array of one person with their `phrases` and `face_tokens`, as the seed shows it.
#[utoipa::path(get, path = "/api/users/{id}", tag = tag::BIOMETRICS, operation_id = "bioGetUser",
    params(RecordId),
    responses(
        (status = 200, description = "The user, in a one-element array as the seed shows it.", body = inline(PersonShown)),
        Always, WithId,
    ))]
pub(crate) async fn show(
    State(state): State<AppState>,
    caller: Caller,
    RecordId(id): RecordId,
) -> Result<Json<PersonShown>, ApiError> {
    let detail = state.core.show_person(caller.account_id(), id).await?;
    Ok(Json(PersonShown([detail.into()])))
}

/// Update a user
///
/// `{name, master_token}`: 200 with the saved person. A missing record is 404 before the body is
/// looked at.
#[utoipa::path(put, path = "/api/users/{id}", tag = tag::BIOMETRICS, operation_id = "bioUpdateUser",
    params(RecordId), request_body = PersonBody,
    responses((status = 200, description = "Updated.", body = PersonSaved), Always, WithId, WithBody))]
pub(crate) async fn update(
    State(state): State<AppState>,
    caller: Caller,
    RecordId(id): RecordId,
    JsonObject(body): JsonObject<PersonBody>,
) -> Result<Json<PersonSaved>, ApiError> {
    let person = state.core.update_person(caller.account_id(), id, &body.into()).await?;
    Ok(Json(person.into()))
}

/// Update a user (as PUT)
///
/// Laravel's resource routes take `PATCH` as `PUT`: both fields are required.
#[utoipa::path(patch, path = "/api/users/{id}", tag = tag::BIOMETRICS, operation_id = "bioPatchUser",
    params(RecordId), request_body = PersonBody,
    responses((status = 200, description = "Updated.", body = PersonSaved), Always, WithId, WithBody))]
pub(crate) async fn patch(
    state: State<AppState>,
    caller: Caller,
    id: RecordId,
    body: JsonObject<PersonBody>,
) -> Result<Json<PersonSaved>, ApiError> {
    update(state, caller, id, body).await
}

/// Delete a user (with their phrases and face tokens)
///
/// 204, the person's phrases and face tokens gone with them.
#[utoipa::path(delete, path = "/api/users/{id}", tag = tag::BIOMETRICS, operation_id = "bioDeleteUser",
    params(RecordId),
    responses((status = 204, description = "Deleted; no body."), Always, WithId))]
pub(crate) async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    RecordId(id): RecordId,
) -> Result<StatusCode, ApiError> {
    state.core.delete_person(caller.account_id(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}
