//! The telephony API (`/api/telephony/v1`): a person mints short-lived SIP credentials (for
//! Kamailio's `auth_ephemeral`) and TURN credentials (the TURN REST API's shape) with their
//! bearer token; the SIP edge reports refused registrations and reads the blocked hosts with the
//! hook token ([`hook`]). Errors as RFC 6750 ([`crate::bearer`]), plus `access_denied` (403) and
//! `invalid_request` (400).

mod bodies;
mod error;
mod hook;
pub(crate) mod openapi;
mod views;

use crate::AppState;
use crate::bearer::{BearerInvalid, BearerUnavailable};
use crate::openapi_names::tag;
use crate::origin::RequestOrigin;
use crate::rfc6749::{ErrorBody, OAuthServerError};
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use bodies::{BearerToken, MintBody, MintRequest};
use kordon_core::Origin;
use kordon_core::services::CredentialKind;
use views::{SipCredentialsView, TurnCredentialsView};

/// Where the telephony API lives.
pub(crate) const PREFIX: &str = "/api/telephony/v1";

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/telephony/v1/sip-credentials", post(sip_credentials).fallback(crate::edge::method_not_allowed))
        .route("/api/telephony/v1/turn-credentials", post(turn_credentials).fallback(crate::edge::method_not_allowed))
        .route(
            "/api/telephony/v1/auth-failures",
            post(hook::auth_failures)
                .layer(DefaultBodyLimit::max(hook::REPORT_LIMIT))
                .fallback(crate::edge::method_not_allowed),
        )
        .route("/api/telephony/v1/blocked-hosts", get(hook::blocked_hosts).fallback(crate::edge::method_not_allowed))
}

/// Mint SIP credentials
///
/// For Kamailio's `auth_ephemeral`: `username` is `<expiry>:<sip user>`, `password`
/// `base64(HMAC(secret, username))`; register as `sip:<sip user>@<realm>`. Takes a code-flow
/// access token with scope `sip`, a password-grant token, or the person's cabinet access token
/// or personal API token. A person without a SIP user gets 403 `access_denied`. Audited
/// (`telephony.credentials`, method `sip`).
#[utoipa::path(post, path = "/sip-credentials", context_path = PREFIX, tag = tag::TELEPHONY,
    operation_id = "telephonySipCredentials", request_body(content = Option<MintBody>, description = "Optional."),
    security(("oauthBearer" = []), ("cabinetBearer" = [])),
    responses(
        (status = 200, description = "The credentials.", body = SipCredentialsView),
        (status = 400, description = "A body that is not `{\"ttl\": N}` with N ≥ 1 (`invalid_request`).", body = ErrorBody),
        (status = 401, response = BearerInvalid),
        (status = 413, description = "A body over 64 KiB (`invalid_request`).", body = ErrorBody),
        (status = 403, description = "A code-flow token without scope `sip` (`insufficient_scope`); an application's \
            own token, or a person without a SIP user or PBX domain (`access_denied`).", body = ErrorBody),
        (status = 500, response = OAuthServerError),
        (status = 503, response = BearerUnavailable),
    ))]
async fn sip_credentials(
    State(state): State<AppState>,
    RequestOrigin(origin): RequestOrigin,
    BearerToken(token): BearerToken,
    MintRequest(body): MintRequest,
) -> Response {
    mint(&state, &origin, token.as_deref(), body, CredentialKind::Sip).await
}

/// Mint TURN credentials
///
/// The TURN REST API's answer, for coturn's `use-auth-secret`: `username` is
/// `<expiry>:<user id>`, `password` `base64(HMAC-SHA1(secret, username))`. Takes a code-flow
/// access token with scope `turn`, a password-grant token, or the person's cabinet access token
/// or personal API token. Audited (`telephony.credentials`, method `turn`).
#[utoipa::path(post, path = "/turn-credentials", context_path = PREFIX, tag = tag::TELEPHONY,
    operation_id = "telephonyTurnCredentials", request_body(content = Option<MintBody>, description = "Optional."),
    security(("oauthBearer" = []), ("cabinetBearer" = [])),
    responses(
        (status = 200, description = "The credentials.", body = TurnCredentialsView),
        (status = 400, description = "A body that is not `{\"ttl\": N}` with N ≥ 1 (`invalid_request`).", body = ErrorBody),
        (status = 401, response = BearerInvalid),
        (status = 413, description = "A body over 64 KiB (`invalid_request`).", body = ErrorBody),
        (status = 403, description = "A code-flow token without scope `turn` (`insufficient_scope`); an \
            application's own token (`access_denied`).", body = ErrorBody),
        (status = 500, response = OAuthServerError),
        (status = 503, response = BearerUnavailable),
    ))]
async fn turn_credentials(
    State(state): State<AppState>,
    RequestOrigin(origin): RequestOrigin,
    BearerToken(token): BearerToken,
    MintRequest(body): MintRequest,
) -> Response {
    mint(&state, &origin, token.as_deref(), body, CredentialKind::Turn).await
}

/// Both mints: the person the bearer speaks for, then their credentials of `kind`.
async fn mint(
    state: &AppState,
    origin: &Origin,
    token: Option<&str>,
    body: MintBody,
    kind: CredentialKind,
) -> Response {
    let minted = async {
        let user = state.core.telephony_caller(token, kind).await?;
        Ok::<_, kordon_core::Error>(match kind {
            CredentialKind::Sip => {
                let credentials = state.core.mint_sip_credentials(&user, body.ttl, origin).await?;
                SipCredentialsView::from(credentials).into_response()
            }
            CredentialKind::Turn => {
                let credentials = state.core.mint_turn_credentials(&user, body.ttl, origin).await?;
                TurnCredentialsView::from(credentials).into_response()
            }
        })
    };
    minted.await.unwrap_or_else(|err| error::refusal(err, token.is_some(), kind.as_str()))
}
