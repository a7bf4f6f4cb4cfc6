//! Personal API tokens: a Laravel-paginated list, create, delete.

use super::PREFIX;
use super::error::CabinetError;
use super::extract::{Bearer, CabinetClient};
use super::openapi::{Always, CabinetNotFound, SignedIn};
use super::views::{SUCCESS, Success, always_true};
use crate::AppState;
use crate::openapi_names::tag;
use crate::origin::RequestOrigin;
use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, header};
use kordon_core::clock::format_datetime;
use kordon_core::services::TokenPage;
use serde::Serialize;
use utoipa::ToSchema;

/// A personal API token, masked.
#[derive(Serialize, ToSchema)]
#[schema(as = ApiTokenItem)]
pub(super) struct TokenItem {
    /// What `DELETE /api/v1/tokens/{token_id}` takes.
    id: i64,
    /// The first 4 characters, then stars: the whole token is shown only when created.
    #[schema(example = "CSMj****************************")]
    token: String,
    /// `YYYY-MM-DD hh:mm:ss`, UTC.
    #[schema(example = "2022-10-12 11:05:41")]
    created_at: String,
}

/// Laravel's LengthAwarePaginator, as the seed shows it: 15 tokens a page, oldest first.
#[derive(Serialize, ToSchema)]
#[schema(as = ApiTokenPage, example = json!({
    "current_page": 1,
    "data": [{"id": 5, "token": "CSMj****************************", "created_at": "2022-10-12 11:05:41"}],
    "first_page_url": "http://localhost/api/v1/tokens?page=1", "from": 1, "last_page": 1,
    "last_page_url": "http://localhost/api/v1/tokens?page=1", "next_page_url": null,
    "path": "http://localhost/api/v1/tokens", "per_page": 15, "prev_page_url": null, "to": 1, "total": 1,
    "success": true}))]
pub(super) struct Paginated {
    /// The page answered (`page`, or 1).
    #[schema(minimum = 1)]
    current_page: i64,
    data: Vec<TokenItem>,
    #[schema(format = "uri")]
    first_page_url: String,
    /// The position of the first token of `data` in the whole list; null when `data` is empty.
    #[schema(required, minimum = 1)]
    from: Option<i64>,
    #[schema(minimum = 1)]
    last_page: i64,
    #[schema(format = "uri")]
    last_page_url: String,
    #[schema(required, format = "uri")]
    next_page_url: Option<String>,
    /// This route's URL (`server.public_url`, else the request's `Host` over http).
    #[schema(format = "uri")]
    path: String,
    #[schema(minimum = 15, maximum = 15)]
    per_page: i64,
    #[schema(required, format = "uri")]
    prev_page_url: Option<String>,
    /// The position of the last token of `data` in the whole list; null when `data` is empty.
    #[schema(required, minimum = 1)]
    to: Option<i64>,
    #[schema(minimum = 0)]
    total: i64,
    #[schema(schema_with = always_true)]
    success: bool,
}

/// List personal API tokens (masked), 15 a page
///
/// Laravel's paginator: `?page=N` from 1; a missing, non-numeric or lower `page` reads as page 1
/// (as Laravel reads it), and a page past the last answers an empty `data`.
#[utoipa::path(get, path = "/tokens", context_path = PREFIX, tag = tag::CABINET,
    operation_id = "cabinetListTokens", security(("cabinetBearer" = [])),
    params(CabinetClient,
        ("page" = Option<String>, Query, example = "1",
            description = "The page, from 1. Anything else (missing, not a whole number, below 1) reads as 1.")),
    responses(
        (status = 200, description = "A page.", body = Paginated),
        Always, SignedIn,
    ))]
pub(super) async fn list(
    State(state): State<AppState>,
    _client: CabinetClient,
    auth: Bearer,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Json<Paginated>, CabinetError> {
    let page = crate::edge::page_param(query.as_deref());
    let result = state.core.list_api_tokens(&auth.principal, page).await?;
    let path = format!("{}/api/v1/tokens", base_url(&state, &headers));
    let url = |n: i64| format!("{path}?page={n}");
    let per_page = kordon_core::services::PER_PAGE;
    let count = result.rows.len() as i64;
    let from = (count > 0).then(|| (result.page - 1) * per_page + 1);
    let last_page = result.last_page();
    Ok(Json(Paginated {
        current_page: result.page,
        first_page_url: url(1),
        from,
        last_page,
        last_page_url: url(last_page),
        next_page_url: (result.page < last_page).then(|| url(result.page + 1)),
        prev_page_url: (result.page > 1).then(|| url(result.page - 1)),
        to: from.map(|f| f + count - 1),
        total: result.total,
        per_page,
        path,
        data: result
            .rows
            .into_iter()
            .map(|r| TokenItem {
                id: r.id,
                token: TokenPage::masked(&r.prefix),
                created_at: format_datetime(r.created_at),
            })
            .collect(),
        success: true,
    }))
}

fn base_url(state: &AppState, headers: &HeaderMap) -> String {
    if let Some(public) = &state.web.public_url {
        return public.trim_end_matches('/').to_owned();
    }
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
    format!("http://{host}")
}

/// A new personal API token.
#[derive(Serialize, ToSchema)]
#[schema(as = ApiTokenCreated, example = json!({"token": "uOTJq2ZbQ0mBf8Wd3kL7yXcV1nR5sT9a", "success": true}))]
pub(super) struct Created {
    /// The whole token (32 characters `[A-Za-z0-9]`), shown only this once; use it as the bearer
    /// token of the cabinet and the provider API.
    token: String,
    #[schema(schema_with = always_true)]
    success: bool,
}

/// Create a personal API token
///
/// At most `limits.api_tokens_per_user` (100) per user; beyond, a plain 400. Personal API tokens
/// do not expire and survive a password change.
#[utoipa::path(post, path = "/tokens", context_path = PREFIX, tag = tag::CABINET,
    operation_id = "cabinetCreateToken", security(("cabinetBearer" = [])), params(CabinetClient),
    responses(
        (status = 200, description = "The token, shown once.", body = Created),
        Always, SignedIn,
    ))]
pub(super) async fn create(
    State(state): State<AppState>,
    CabinetClient(client_id): CabinetClient,
    auth: Bearer,
    RequestOrigin(origin): RequestOrigin,
) -> Result<Json<Created>, CabinetError> {
    let token = state.core.create_api_token(&auth.principal, client_id, &origin).await?;
    Ok(Json(Created { token, success: true }))
}

/// Delete a personal API token
#[utoipa::path(delete, path = "/tokens/{token_id}", context_path = PREFIX, tag = tag::CABINET,
    operation_id = "cabinetDeleteToken", security(("cabinetBearer" = [])),
    params(CabinetClient,
        ("token_id" = i64, Path, description = "The `id` from the list; anything else is 404.")),
    responses(
        (status = 200, description = "Deleted.", body = Success),
        Always, SignedIn,
        (status = 404, response = CabinetNotFound),
    ))]
pub(super) async fn delete(
    State(state): State<AppState>,
    CabinetClient(client_id): CabinetClient,
    auth: Bearer,
    RequestOrigin(origin): RequestOrigin,
    token_id: Result<Path<String>, PathRejection>,
) -> Result<Json<Success>, CabinetError> {
    // An id that is not a number (or not even UTF-8) names nothing: 404, in the cabinet's shape.
    let id: i64 =
        token_id.ok().and_then(|Path(id)| id.parse().ok()).ok_or(CabinetError::Core(kordon_core::Error::NotFound))?;
    state.core.delete_api_token(&auth.principal, id, client_id, &origin).await?;
    Ok(Json(SUCCESS))
}
