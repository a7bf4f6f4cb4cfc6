//! `users`: search, a user's record, change it (the SIP user), disable, enable, forgive, reset
//! second factors.

use super::PREFIX;
use super::bodies::{UserPatchBody, UserQuery};
use super::error::AdminError;
use super::extract::{Caller, JsonBody, ObjectId, QueryOf};
use super::responses::{Always, WithBody, WithId, WithInput};
use super::views::{Forgiven, MfaReset, UserList, UserView};
use crate::AppState;
use crate::openapi_names::tag;
use axum::Json;
use axum::extract::State;

/// Find users
///
/// The users in the caller's scope whose email, phone or id is `query` (exact; at most one of
/// each). A tenant never sees an operator, nor another account's users.
#[utoipa::path(get, path = "/users", context_path = PREFIX, tag = tag::ADMIN, operation_id = "adminFindUsers",
    params(UserQuery),
    responses((status = 200, description = "The users found (maybe none).", body = UserList), Always, WithInput))]
pub(super) async fn search(
    State(state): State<AppState>,
    Caller(admin): Caller,
    QueryOf(query): QueryOf<UserQuery>,
) -> Result<Json<UserList>, AdminError> {
    let users = state.core.admin_search_users(&admin, &query.query).await?;
    Ok(Json(UserList { data: users.into_iter().map(UserView::from).collect() }))
}

/// A user
#[utoipa::path(get, path = "/users/{id}", context_path = PREFIX, tag = tag::ADMIN, operation_id = "adminGetUser",
    params(("id" = i64, Path, minimum = 1, description = "The user's id; anything else is 404.")),
    responses((status = 200, description = "The user.", body = UserView), Always, WithId))]
pub(super) async fn show(
    State(state): State<AppState>,
    Caller(admin): Caller,
    ObjectId(id): ObjectId,
) -> Result<Json<UserView>, AdminError> {
    Ok(Json(state.core.admin_user_detail(&admin, id).await?.into()))
}

/// Change a user
///
/// Their SIP user (the extension SIP credentials are minted for), unique in their PBX domain;
/// a member left out stays. Every instance drops the user it cached. Audited (`user.sip_user`,
/// from and to).
#[utoipa::path(patch, path = "/users/{id}", context_path = PREFIX, tag = tag::ADMIN,
    operation_id = "adminUpdateUser", request_body = UserPatchBody,
    params(("id" = i64, Path, minimum = 1, description = "The user's id; anything else is 404.")),
    responses((status = 200, description = "The user as changed.", body = UserView), Always, WithId, WithBody))]
pub(super) async fn update(
    State(state): State<AppState>,
    Caller(admin): Caller,
    ObjectId(id): ObjectId,
    JsonBody(body): JsonBody<UserPatchBody>,
) -> Result<Json<UserView>, AdminError> {
    let user = match body.sip_user {
        Some(sip_user) => state.core.admin_set_sip_user(&admin, id, sip_user.as_deref().unwrap_or("")).await?,
        None => state.core.admin_user_detail(&admin, id).await?,
    };
    Ok(Json(user.into()))
}

/// Disable a user
///
/// Every sign-in path of every dialect refuses them at once, and every session, browser
/// sign-in and API token of theirs ends (their applications' tokens too). Audited
/// (`user.disable`). Disabling a disabled user changes nothing; nobody disables themselves (400).
#[utoipa::path(post, path = "/users/{id}/disable", context_path = PREFIX, tag = tag::ADMIN,
    operation_id = "adminDisableUser",
    params(("id" = i64, Path, minimum = 1, description = "The user's id; anything else is 404.")),
    responses((status = 200, description = "The user, disabled.", body = UserView), Always, WithId, WithInput))]
pub(super) async fn disable(
    State(state): State<AppState>,
    Caller(admin): Caller,
    ObjectId(id): ObjectId,
) -> Result<Json<UserView>, AdminError> {
    Ok(Json(state.core.admin_disable_user(&admin, id).await?.into()))
}

/// Enable a user
///
/// They sign in anew (nothing of theirs comes back). Audited (`user.enable`).
#[utoipa::path(post, path = "/users/{id}/enable", context_path = PREFIX, tag = tag::ADMIN,
    operation_id = "adminEnableUser",
    params(("id" = i64, Path, minimum = 1, description = "The user's id; anything else is 404.")),
    responses((status = 200, description = "The user, enabled.", body = UserView), Always, WithId))]
pub(super) async fn enable(
    State(state): State<AppState>,
    Caller(admin): Caller,
    ObjectId(id): ObjectId,
) -> Result<Json<UserView>, AdminError> {
    Ok(Json(state.core.admin_enable_user(&admin, id).await?.into()))
}

/// Forgive a user's logins
///
/// Lifts the Defender's caps on the user's logins: the failed checks counted against their
/// email and their phone are forgotten. Audited (`defender.forgive`, one line a login). Hosts stay
/// blocked: unblock them apart.
#[utoipa::path(post, path = "/users/{id}/forgive", context_path = PREFIX, tag = tag::ADMIN,
    operation_id = "adminForgiveUser",
    params(("id" = i64, Path, minimum = 1, description = "The user's id; anything else is 404.")),
    responses((status = 200, description = "Whether any failed checks were counted.", body = Forgiven), Always, WithId))]
pub(super) async fn forgive(
    State(state): State<AppState>,
    Caller(admin): Caller,
    ObjectId(id): ObjectId,
) -> Result<Json<Forgiven>, AdminError> {
    Ok(Json(Forgiven { forgiven: state.core.admin_forgive_user(&admin, id).await? }))
}

/// Reset a user's second factors
///
/// For a person who lost their second factors (the phone with the app, the recovery codes): their
/// authenticator app, calls to their phone and recovery codes are removed, so they sign in with
/// the password alone until they switch one on again on their account page. Their sessions and
/// app passwords stay. Audited (`mfa.reset`). Nobody resets their own (400).
#[utoipa::path(post, path = "/users/{id}/mfa-reset", context_path = PREFIX, tag = tag::ADMIN,
    operation_id = "adminResetSecondFactors",
    params(("id" = i64, Path, minimum = 1, description = "The user's id; anything else is 404.")),
    responses((status = 200, description = "Whether the user had any second factor.", body = MfaReset), Always, WithId, WithInput))]
pub(super) async fn mfa_reset(
    State(state): State<AppState>,
    Caller(admin): Caller,
    ObjectId(id): ObjectId,
) -> Result<Json<MfaReset>, AdminError> {
    Ok(Json(MfaReset { reset: state.core.admin_reset_second_factors(&admin, id).await? }))
}
