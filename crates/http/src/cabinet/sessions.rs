//! Register, login, the current user, password update, refresh and logout.

use super::error::CabinetError;
use super::extract::{Bearer, Body, CabinetClient, lenient_text};
use super::views::{SUCCESS, SessionView, Success, TokensView, UserView};
use crate::AppState;
use crate::origin::RequestOrigin;
use axum::Json;
use axum::extract::State;
use kordon_core::services::{PrincipalKind, RegisterInput};
use serde::Deserialize;

type Answer<T> = Result<Json<T>, CabinetError>;

#[derive(Deserialize)]
pub(super) struct RegisterBody {
    email: Option<String>,
    #[serde(default, deserialize_with = "lenient_text")]
    phone: Option<String>,
    password: Option<String>,
    password_confirmation: Option<String>,
    #[serde(default, deserialize_with = "lenient_text")]
    pin: Option<String>,
    token: Option<String>,
    promocode: Option<String>,
}

pub(super) async fn register(
    State(state): State<AppState>,
    CabinetClient(client_id): CabinetClient,
    RequestOrigin(origin): RequestOrigin,
    Body(body): Body<RegisterBody>,
) -> Answer<SessionView> {
    let input = RegisterInput {
        email: body.email.as_deref(),
        phone: body.phone.as_deref(),
        password: body.password.as_deref(),
        password_confirmation: body.password_confirmation.as_deref(),
        pin: body.pin.as_deref(),
        token: body.token.as_deref(),
        promocode: body.promocode.as_deref(),
    };
    let (user, pair) = state.core.register(client_id, input, &origin).await?;
    Ok(Json(SessionView { user: UserView::new(user, client_id), tokens: pair.into(), success: true }))
}

#[derive(Deserialize)]
pub(super) struct LoginBody {
    email: Option<String>,
    password: Option<String>,
    #[serde(default, deserialize_with = "lenient_text")]
    phone: Option<String>,
    #[serde(default, deserialize_with = "lenient_text")]
    pin: Option<String>,
    token: Option<String>,
}

/// Email + password by default; phone + PIN when a PIN is sent (and no password).
pub(super) async fn login(
    State(state): State<AppState>,
    CabinetClient(client_id): CabinetClient,
    RequestOrigin(origin): RequestOrigin,
    Body(body): Body<LoginBody>,
) -> Answer<SessionView> {
    let by_pin =
        body.password.as_deref().is_none_or(str::is_empty) && body.pin.as_deref().is_some_and(|p| !p.is_empty());
    let core = &state.core;
    let (user, pair) = if by_pin {
        core.login_pin(client_id, body.phone.as_deref(), body.pin.as_deref(), body.token.as_deref(), &origin).await?
    } else {
        core.login_password(client_id, body.email.as_deref(), body.password.as_deref(), &origin).await?
    };
    Ok(Json(SessionView { user: UserView::new(user, client_id), tokens: pair.into(), success: true }))
}

/// The current user and the presented token. A refresh token is stored only as a digest, so it
/// cannot be echoed: `refresh_token` is null, `refresh_token_expire` still tells its expiry.
pub(super) async fn authuser(CabinetClient(client_id): CabinetClient, auth: Bearer) -> Answer<SessionView> {
    let tokens = match auth.principal.kind {
        PrincipalKind::Session { access_expires, refresh_expires, .. } => TokensView {
            token: auth.token,
            token_expire: Some(access_expires),
            refresh_token: None,
            refresh_token_expire: Some(refresh_expires),
        },
        PrincipalKind::ApiToken { .. } => {
            TokensView { token: auth.token, token_expire: None, refresh_token: None, refresh_token_expire: None }
        }
    };
    Ok(Json(SessionView { user: UserView::new(auth.principal.user, client_id), tokens, success: true }))
}

#[derive(Deserialize)]
pub(super) struct UpdatePasswordBody {
    current_password: Option<String>,
    password: Option<String>,
    password_confirmation: Option<String>,
}

pub(super) async fn update_password(
    State(state): State<AppState>,
    CabinetClient(client_id): CabinetClient,
    RequestOrigin(origin): RequestOrigin,
    auth: Bearer,
    Body(body): Body<UpdatePasswordBody>,
) -> Answer<TokensView> {
    let pair = state
        .core
        .update_password(
            &auth.principal,
            client_id,
            body.current_password.as_deref(),
            body.password.as_deref(),
            body.password_confirmation.as_deref(),
            &origin,
        )
        .await?;
    Ok(Json(pair.into()))
}

#[derive(Deserialize)]
pub(super) struct TokenBody {
    token: Option<String>,
}

pub(super) async fn refresh(
    State(state): State<AppState>,
    CabinetClient(client_id): CabinetClient,
    RequestOrigin(origin): RequestOrigin,
    Body(body): Body<TokenBody>,
) -> Answer<TokensView> {
    let pair = state.core.refresh(body.token.as_deref(), client_id, &origin).await?;
    Ok(Json(pair.into()))
}

pub(super) async fn logout(
    State(state): State<AppState>,
    _client: CabinetClient,
    auth: Bearer,
    Body(body): Body<TokenBody>,
) -> Answer<Success> {
    state.core.logout(&auth.principal, body.token.as_deref()).await?;
    Ok(Json(SUCCESS))
}
