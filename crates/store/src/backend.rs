//! What differs between the two databases, as one private trait that each backend implements once
//! and the shared SQL calls: how a transaction begins, and the happy path of a refresh rotation.

use kordon_core::ports::StoreResult;
use kordon_core::types::NewSession;

/// What a spend wrote: the owner, the successor's expiries (capped by the family's end) and scope;
/// `None` when the presented refresh token was not live.
pub(crate) type Spent = Option<(i64, i64, i64, String)>;

pub(crate) trait Backend {
    /// How every transaction of the store begins.
    const BEGIN: &'static str;

    /// The happy path of a refresh rotation — spend the presented refresh token, write its
    /// successor, move the sessions' cache epoch — as one atomic unit in as few round trips as the
    /// database allows: only the first of concurrent presenters gets the row. The slow path (the
    /// token was not live: a retry within the grace window, reuse, or nothing) stays in the shared
    /// token SQL.
    async fn spend_refresh(
        &self,
        refresh_digest: &str,
        client_id: i64,
        successor: &NewSession,
        salt: &str,
        now: i64,
    ) -> StoreResult<Spent>;
}
