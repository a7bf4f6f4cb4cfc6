//! `Defender` actions for a PBX administrator: `list` the blocks of the domain (a page at a time:
//! `params.page`, and `next_page` in the body when more follow) and `unblock` one.

use super::bodies::Envelope;
use super::views::blocks::{BlockPage, PbxBlock};
use super::views::{Body, Outcome, Success};
use crate::AppState;

pub(super) async fn list(state: &AppState, bearer: Option<&str>, envelope: &Envelope) -> Outcome {
    let principal = state.core.pbx_authenticate(bearer).await?;
    let admin = state.core.pbx_administrator(&principal).await?;
    let page = envelope.params.page.unwrap_or(1);
    let (blocks, more) = state.core.pbx_blocks(&admin, page).await?;
    let blocks = blocks.into_iter().map(PbxBlock::from).collect();
    Ok(Body::Blocks(BlockPage { blocks, next_page: more.then(|| page.saturating_add(1)) }))
}

pub(super) async fn unblock(state: &AppState, bearer: Option<&str>, envelope: &Envelope) -> Outcome {
    let principal = state.core.pbx_authenticate(bearer).await?;
    let admin = state.core.pbx_administrator(&principal).await?;
    state.core.pbx_unblock(&admin, envelope.params.ip.as_deref()).await?;
    Ok(Body::Success(Success::new()))
}
