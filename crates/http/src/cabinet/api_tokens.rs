//! Personal API tokens: a Laravel-paginated list, create, delete.

use super::error::CabinetError;
use super::extract::{Bearer, CabinetClient};
use super::views::{SUCCESS, Success};
use crate::AppState;
use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, header};
use kordon_core::clock::format_datetime;
use kordon_core::services::TokenPage;
use serde::Serialize;

#[derive(Serialize)]
pub(super) struct TokenItem {
    id: i64,
    token: String,
    created_at: String,
}

/// Laravel's LengthAwarePaginator, as the seed shows it.
#[derive(Serialize)]
pub(super) struct Paginated {
    current_page: i64,
    data: Vec<TokenItem>,
    first_page_url: String,
    from: Option<i64>,
    last_page: i64,
    last_page_url: String,
    next_page_url: Option<String>,
    path: String,
    per_page: i64,
    prev_page_url: Option<String>,
    to: Option<i64>,
    total: i64,
    success: bool,
}

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

#[derive(Serialize)]
pub(super) struct Created {
    token: String,
    success: bool,
}

pub(super) async fn create(
    State(state): State<AppState>,
    _client: CabinetClient,
    auth: Bearer,
) -> Result<Json<Created>, CabinetError> {
    let token = state.core.create_api_token(&auth.principal).await?;
    Ok(Json(Created { token, success: true }))
}

pub(super) async fn delete(
    State(state): State<AppState>,
    _client: CabinetClient,
    auth: Bearer,
    token_id: Result<Path<String>, PathRejection>,
) -> Result<Json<Success>, CabinetError> {
    // An id that is not a number (or not even UTF-8) names nothing: 404, in the cabinet's shape.
    let id: i64 =
        token_id.ok().and_then(|Path(id)| id.parse().ok()).ok_or(CabinetError(kordon_core::Error::NotFound))?;
    state.core.delete_api_token(&auth.principal, id).await?;
    Ok(Json(SUCCESS))
}
