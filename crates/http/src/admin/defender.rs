//! `defender/blocks`: the blocked hosts in the caller's scope, and lifting one; `defender/capped`:
//! the logins at their daily cap, and forgiving one.

use super::PREFIX;
use super::bodies::PageQuery;
use super::error::AdminError;
use super::extract::{Caller, PathText, QueryOf};
use super::responses::{Always, WithId, WithInput};
use super::views::{BlockList, BlockView, CappedList, CappedView};
use crate::AppState;
use crate::openapi_names::tag;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

/// Blocked hosts
///
/// The hosts the Defender blocks now, soonest to end first, `limits.blocks_per_page` (100) a
/// page: when the block began and ends, why, its failures, and the logins tried from the host.
/// The operator sees every block; an account's `lk_admin` only those earned by failures on its
/// own users' logins (a block that touched anyone else's login is the operator's alone).
#[utoipa::path(get, path = "/defender/blocks", context_path = PREFIX, tag = tag::ADMIN,
    operation_id = "adminListBlocks", params(PageQuery),
    responses((status = 200, description = "One page of blocks.", body = BlockList), Always, WithInput))]
pub(super) async fn list(
    State(state): State<AppState>,
    Caller(admin): Caller,
    QueryOf(query): QueryOf<PageQuery>,
) -> Result<Json<BlockList>, AdminError> {
    let page = query.page.unwrap_or(1);
    if page < 1 {
        return Err(AdminError::bad_request("The page must be at least 1."));
    }
    let (blocks, more) = state.core.admin_blocks(&admin, page).await?;
    Ok(Json(BlockList { data: blocks.into_iter().map(BlockView::from).collect(), page, more }))
}

/// Unblock a host
///
/// Lifts the block of `{ip}` (an IPv6 host as its /64, the `/` written `%2F`). Audited
/// (`defender.unblock`, actor `admin-api:<user id>`). A host that is not blocked, or whose block is not
/// the tenant's, is 404; an `{ip}` that is no IP address 400.
#[utoipa::path(delete, path = "/defender/blocks/{ip}", context_path = PREFIX, tag = tag::ADMIN,
    operation_id = "adminUnblock",
    params(("ip" = String, Path, description = "The blocked host, as the list shows it.", example = "203.0.113.7")),
    responses((status = 204, description = "Unblocked; no body."), Always, WithId, WithInput))]
pub(super) async fn unblock(
    State(state): State<AppState>,
    Caller(admin): Caller,
    PathText(ip): PathText,
) -> Result<StatusCode, AdminError> {
    state.core.admin_unblock(&admin, &ip).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Logins at their daily cap
///
/// The logins whose failed checks within `defender.account_window` (a day) reached their cap
/// (`account_max_failures`; a phone's wrong PINs: `pin_max_failures`): the Defender refuses
/// every check of them, from any host, until `until`. Newest first, at most 200. The operator
/// sees every login; an account's `lk_admin` only its own users' logins.
#[utoipa::path(get, path = "/defender/capped", context_path = PREFIX, tag = tag::ADMIN,
    operation_id = "adminListCappedLogins",
    responses((status = 200, description = "The capped logins.", body = CappedList), Always))]
pub(super) async fn capped(
    State(state): State<AppState>,
    Caller(admin): Caller,
) -> Result<Json<CappedList>, AdminError> {
    let logins = state.core.admin_capped_logins(&admin).await?;
    Ok(Json(CappedList { data: logins.into_iter().map(CappedView::from).collect() }))
}

/// Forgive a capped login
///
/// Forgets the failed checks counted against `{login}` (as the list shows it, e.g.
/// `email:user@mail.ru`), so its checks are admitted again. Audited (`defender.forgive`, actor
/// `admin-api:<user id>`). A login not at its cap, or not the tenant's, is 404; a `{login}` that
/// is neither `email:…` nor `phone:…` 400.
#[utoipa::path(delete, path = "/defender/capped/{login}", context_path = PREFIX, tag = tag::ADMIN,
    operation_id = "adminForgiveLogin",
    params(("login" = String, Path, description = "The capped login, as the list shows it.", example = "email:user@mail.ru")),
    responses((status = 204, description = "Forgiven; no body."), Always, WithId, WithInput))]
pub(super) async fn forgive(
    State(state): State<AppState>,
    Caller(admin): Caller,
    PathText(login): PathText,
) -> Result<StatusCode, AdminError> {
    state.core.admin_forgive_login(&admin, &login).await?;
    Ok(StatusCode::NO_CONTENT)
}
