//! `Defender` actions for a PBX administrator: `list` the blocks of the domain (a page at a time:
//! `params.page`, and `next_page` in the body when more follow) and `unblock` one.

use super::bodies::Envelope;
use super::views::{Body, Outcome, Success};
use crate::AppState;
use kordon_core::types::Block;
use serde::Serialize;
use utoipa::ToSchema;

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

/// `Defender.list`: a page of the domain's blocked hosts.
#[derive(Serialize, ToSchema)]
#[schema(as = PbxDefenderList)]
pub(super) struct BlockPage {
    blocks: Vec<PbxBlock>,
    /// The next page (`params.page`), present only when more blocks follow; a page holds at most
    /// `limits.blocks_per_page` (100).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = i64, required = false, minimum = 2)]
    next_page: Option<i64>,
}

impl BlockPage {
    /// An example page: one block, the last page.
    pub fn example() -> Self {
        let block = PbxBlock {
            ip: "203.0.113.7".into(),
            reason: "10 failed credential checks within 600 s".into(),
            failures: 10,
            blocked_until: 1700001800,
        };
        Self { blocks: vec![block], next_page: None }
    }
}

/// A blocked host the domain's administrator may see and lift.
#[derive(Serialize, ToSchema)]
pub(super) struct PbxBlock {
    /// The host (an IPv6 host as its /64 network).
    ip: String,
    /// Why it was blocked.
    reason: String,
    /// Failed credential checks counted against it.
    failures: i64,
    /// When the block ends, Unix seconds.
    blocked_until: i64,
}

impl From<Block> for PbxBlock {
    fn from(block: Block) -> Self {
        Self { ip: block.ip, reason: block.reason, failures: block.failures, blocked_until: block.blocked_until }
    }
}
