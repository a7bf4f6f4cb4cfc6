//! FlashCall: a call whose caller number carries the PIN, to any phone or to the user's own.

use super::PREFIX;
use super::error::CabinetError;
use super::extract::{Bearer, Body, CabinetClient, lenient_text, phone_schema};
use super::openapi::{Always, CabinetBadGateway, CabinetTooMany, SignedIn, WithBody};
use super::views::always_true;
use crate::AppState;
use crate::openapi_names::tag;
use crate::origin::RequestOrigin;
use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What `flashcall` reads.
#[derive(Deserialize, ToSchema)]
#[schema(as = CabinetFlashcallInput, example = json!({"phone": "79993332210"}))]
pub(super) struct FlashcallBody {
    /// The phone to call.
    #[serde(default, deserialize_with = "lenient_text")]
    #[schema(required, schema_with = phone_schema)]
    phone: Option<String>,
}

/// The call was placed.
#[derive(Serialize, ToSchema)]
#[schema(as = FlashcallAnswer, example = json!({"phone": "79993332210", "token": "t0kenOfTheCa11", "success": true}))]
pub(super) struct Called {
    /// The phone called, normalized (digits with the country code).
    phone: String,
    /// The verification token; may be sent with the PIN to `register` or `login`.
    token: String,
    #[schema(schema_with = always_true)]
    success: bool,
}

/// FlashCall a phone
///
/// Calls the phone from a number whose last 4 digits are the PIN (valid 5 minutes, single use, 3
/// tries). Toll-fraud guard: the country-prefix allowlist and the premium-range denylist (else 400
/// on `phone`), one call per phone per minute, hourly caps per phone, per client host and overall,
/// a daily cap per number prefix (429).
#[utoipa::path(post, path = "/flashcall", context_path = PREFIX, tag = tag::CABINET,
    operation_id = "cabinetFlashcall", security(()), params(CabinetClient),
    request_body = FlashcallBody,
    responses(
        (status = 200, description = "The call was placed.", body = Called),
        Always, WithBody,
        (status = 429, response = CabinetTooMany),
        (status = 502, response = CabinetBadGateway),
    ))]
pub(super) async fn flashcall(
    State(state): State<AppState>,
    _client: CabinetClient,
    RequestOrigin(origin): RequestOrigin,
    Body(body): Body<FlashcallBody>,
) -> Result<Json<Called>, CabinetError> {
    let (phone, token) = state.core.flashcall(body.phone.as_deref(), origin.ip.as_deref()).await?;
    Ok(Json(Called { phone: phone.as_str().to_owned(), token, success: true }))
}

/// FlashCall the current user's own phone
///
/// A PIN to confirm an action with; it does not log in. The same guard as `flashcall`.
#[utoipa::path(post, path = "/authuser/flashcall", context_path = PREFIX, tag = tag::CABINET,
    operation_id = "cabinetFlashcallSelf", security(("cabinetBearer" = [])), params(CabinetClient),
    responses(
        (status = 200, description = "The call was placed.", body = Called),
        Always, SignedIn,
        (status = 429, response = CabinetTooMany),
        (status = 502, response = CabinetBadGateway),
    ))]
pub(super) async fn flashcall_self(
    State(state): State<AppState>,
    _client: CabinetClient,
    RequestOrigin(origin): RequestOrigin,
    auth: Bearer,
) -> Result<Json<Called>, CabinetError> {
    let (phone, token) = state.core.flashcall_self(&auth.principal, origin.ip.as_deref()).await?;
    Ok(Json(Called { phone: phone.as_str().to_owned(), token, success: true }))
}
