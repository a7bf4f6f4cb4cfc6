//! `/api/users`: the account's persons ("users" in seed 002).

use super::error::ApiError;
use super::request::{Caller, RecordId, object};
use super::views::{PersonDetailView, PersonSaved, PersonView};
use crate::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use kordon_core::biometrics::PersonInput;
use serde_json::{Map, Value};

fn input(mut body: Map<String, Value>) -> PersonInput {
    PersonInput { name: body.remove("name"), master_token: body.remove("master_token") }
}

/// `GET /api/users`: the account's persons, oldest first, as the seed's plain array, at most
/// `limits.persons_per_page` of them; `?page=N` reads on, and a `Link: <…?page=N+1>; rel="next"`
/// header says when there is more.
pub(crate) async fn list(State(state): State<AppState>, caller: Caller, uri: Uri) -> Result<Response, ApiError> {
    let page = crate::edge::page_param(uri.query());
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

/// `POST /api/users` `{name, master_token}`: 201 Created with the person as Laravel echoes a
/// model it just created (`{name, master_token, updated_at, created_at, id}`), the status
/// Laravel gives a response holding a model created in that request.
pub(crate) async fn create(
    State(state): State<AppState>,
    caller: Caller,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<PersonSaved>), ApiError> {
    let input = input(object(body)?);
    let person = state.core.create_person(caller.account_id(), &input).await?;
    Ok((StatusCode::CREATED, Json(person.into())))
}

/// `GET /api/users/{id}`: an array of one person with their `phrases` and `face_tokens`, as the
/// seed shows it.
pub(crate) async fn show(
    State(state): State<AppState>,
    caller: Caller,
    RecordId(id): RecordId,
) -> Result<Json<[PersonDetailView; 1]>, ApiError> {
    let detail = state.core.show_person(caller.account_id(), id).await?;
    Ok(Json([detail.into()]))
}

/// `PUT /api/users/{id}` `{name, master_token}`: 200 with the saved person.
pub(crate) async fn update(
    State(state): State<AppState>,
    caller: Caller,
    RecordId(id): RecordId,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<PersonSaved>, ApiError> {
    let body = object(body)?;
    let person = state.core.update_person(caller.account_id(), id, &input(body)).await?;
    Ok(Json(person.into()))
}

/// `DELETE /api/users/{id}`: 204, the person's phrases and face tokens gone with them.
pub(crate) async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    RecordId(id): RecordId,
) -> Result<StatusCode, ApiError> {
    state.core.delete_person(caller.account_id(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}
