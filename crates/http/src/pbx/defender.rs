//! `Defender` actions for a PBX administrator: `list` the blocks of the domain (a page at a time:
//! `params.page`, and `next_page` in the body when more follow) and `unblock` one.

use super::envelope::{Envelope, Outcome};
use crate::AppState;
use serde_json::json;

pub(super) async fn list(state: &AppState, bearer: Option<&str>, envelope: &Envelope) -> Outcome {
    let principal = state.core.pbx_authenticate(bearer).await?;
    let admin = state.core.pbx_administrator(&principal).await?;
    let page = envelope.param("page").and_then(|p| p.trim().parse::<i64>().ok()).unwrap_or(1).max(1);
    let (blocks, more) = state.core.pbx_blocks(&admin, page).await?;
    let mut body = json!({ "blocks": blocks });
    if more {
        body["next_page"] = json!(page + 1);
    }
    Ok(body)
}

pub(super) async fn unblock(state: &AppState, bearer: Option<&str>, envelope: &Envelope) -> Outcome {
    let principal = state.core.pbx_authenticate(bearer).await?;
    let admin = state.core.pbx_administrator(&principal).await?;
    state.core.pbx_unblock(&admin, envelope.param("ip").as_deref()).await?;
    Ok(json!({ "success": true }))
}
