//! `users/{id}/sessions` and `sessions/{id}`: a user's sessions of every kind, and ending one.

use super::PREFIX;
use super::error::AdminError;
use super::extract::{Caller, ObjectId, PathText};
use super::responses::{Always, WithId};
use super::views::{SessionList, SessionView};
use crate::AppState;
use crate::openapi_names::tag;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

/// A user's sessions
///
/// Everything live that lets the user in, each with an id that names its kind: cabinet and PBX
/// sessions and OAuth token families (`cabinet-…`, `pbx-…`, `oauth-…`; the id stays through
/// refreshes), browser sign-ins at kordon's login page (`browser-…`), consents
/// (`consent-<user>-<client>`) and personal API tokens (`token-<id>`).
#[utoipa::path(get, path = "/users/{id}/sessions", context_path = PREFIX, tag = tag::ADMIN,
    operation_id = "adminUserSessions",
    params(("id" = i64, Path, minimum = 1, description = "The user's id; anything else is 404.")),
    responses((status = 200, description = "The user's live sessions.", body = SessionList), Always, WithId))]
pub(super) async fn list(
    State(state): State<AppState>,
    Caller(admin): Caller,
    ObjectId(id): ObjectId,
) -> Result<Json<SessionList>, AdminError> {
    let sessions = state.core.admin_sessions_of(&admin, id).await?;
    Ok(Json(SessionList { data: sessions.into_iter().map(SessionView::from).collect() }))
}

/// End a session
///
/// Ends exactly the session `{id}` names: a token family (all its tokens), one browser sign-in
/// (the user's other sign-ins and the tokens applications got stay), a consent (with the
/// code-flow tokens it let that application get), or an API token. Audited (`session.revoke`,
/// its detail naming the session and its kind). An unknown, ended or malformed id, or another
/// tenant's, is 404.
#[utoipa::path(delete, path = "/sessions/{id}", context_path = PREFIX, tag = tag::ADMIN,
    operation_id = "adminRevokeSession",
    params(("id" = String, Path, description = "A session's id, as the list shows it.", example = "cabinet-Xk2v9QpL0aZr4TyU8bNc3MdE7fGh1JsW")),
    responses((status = 204, description = "Ended; no body."), Always, WithId))]
pub(super) async fn revoke(
    State(state): State<AppState>,
    Caller(admin): Caller,
    PathText(id): PathText,
) -> Result<StatusCode, AdminError> {
    state.core.admin_revoke_session_id(&admin, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
