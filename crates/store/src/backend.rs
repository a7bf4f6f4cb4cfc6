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

    /// Appends a batch of audit events, all or none, with statements whose texts are few and
    /// fixed, so each is prepared once per connection: PostgreSQL binds the batch as arrays in
    /// one statement; SQLite, which binds no arrays, takes it in multi-row `VALUES` statements of
    /// power-of-two sizes (its JSON alternative parsed every row's text fourteen times: a third of
    /// the writer's CPU, 2026-12-07). A `VALUES` list as long as each batch would be a new text
    /// for each batch size: its parse and plan cost more than the insert (the 2026-12-06 profile:
    /// 8-25 ms a batch on PostgreSQL).
    async fn append_audit_batch(&self, events: &[AuditEvent]) -> StoreResult<()>;
}
