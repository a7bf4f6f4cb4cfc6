//! What differs between the two databases, as one private trait that each backend implements once
//! and the shared SQL calls: how a transaction begins, the happy path of a refresh rotation, and
//! how a batch of audit events is bound.

use kordon_core::audit::AuditEvent;
use kordon_core::ports::StoreResult;
use kordon_core::types::NewSession;

/// `audit_log`'s written columns, in the order every insert of an event binds them (the shared
/// `write_event` and each backend's [`Backend::append_audit_batch`]): a new column goes here.
macro_rules! audit_columns {
    () => {
        "at, event, result, dialect, method, user_id, tenant_id, client_id, host, user_agent, account, actor, reason, detail"
    };
}
pub(crate) use audit_columns;

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

    /// Appends a batch of audit events with one statement whose text never changes (the events
    /// are bound as arrays): prepared once per connection, atomic by itself. A multi-row
    /// `VALUES` list is a new statement for each batch size: its parse and bind cost more than
    /// the insert (the 2026-12-06 profile: 8-25 ms a batch on PostgreSQL).
    async fn append_audit_batch(&self, events: &[AuditEvent]) -> StoreResult<()>;
}
