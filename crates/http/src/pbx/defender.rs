//! `Defender` actions for a PBX administrator: `list` the blocks of the domain and `unblock` one.

use super::envelope::{Envelope, Outcome};
use crate::AppState;
use serde_json::json;

pub(super) async fn list(state: &AppState, bearer: Option<&str>) -> Outcome {
    let principal = state.core.pbx_authenticate(bearer).await?;
    let admin = state.core.pbx_administrator(&principal).await?;
    let blocks = state.core.pbx_blocks(&admin).await?;
    Ok(json!({ "blocks": blocks }))
}

pub(super) async fn unblock(state: &AppState, bearer: Option<&str>, envelope: &Envelope) -> Outcome {
    let principal = state.core.pbx_authenticate(bearer).await?;
    let admin = state.core.pbx_administrator(&principal).await?;
    state.core.pbx_unblock(&admin, envelope.param("ip").as_deref()).await?;
    Ok(json!({ "success": true }))
}
