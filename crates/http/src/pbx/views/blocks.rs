//! The body of `Defender.list`: a page of the domain's blocked hosts.

use kordon_core::types::Block;
use serde::Serialize;
use utoipa::ToSchema;

/// `Defender.list`: a page of the domain's blocked hosts.
#[derive(Serialize, ToSchema)]
#[schema(as = PbxDefenderList)]
pub(in crate::pbx) struct BlockPage {
    pub(in crate::pbx) blocks: Vec<PbxBlock>,
    /// The next page (`params.page`), present only when more blocks follow; a page holds at most
    /// `limits.blocks_per_page` (100).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = i64, required = false, minimum = 2)]
    pub(in crate::pbx) next_page: Option<i64>,
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
pub(in crate::pbx) struct PbxBlock {
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
