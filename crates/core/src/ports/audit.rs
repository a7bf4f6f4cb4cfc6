//! The audit log's port: events appended in batches, searched newest first, purged by age.

use crate::audit::{AuditEvent, AuditFilter, AuditRecord};

/// FlashCall events of one number prefix, tenant, type and result, counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlashcallCount {
    /// The number's first `flashcall.prefix_digits` digits.
    pub prefix: String,
    pub tenant_id: Option<i64>,
    pub kind: String,
    pub result: String,
    pub count: i64,
}
use crate::ports::StoreResult;
use async_trait::async_trait;

#[async_trait]
pub trait AuditStore: Send + Sync + 'static {
    /// Appends the events in one transaction.
    async fn append_audit(&self, events: &[AuditEvent]) -> StoreResult<()>;
    /// The events the filter matches, newest first, one page of it.
    async fn search_audit(&self, filter: &AuditFilter) -> StoreResult<Vec<AuditRecord>>;
    /// Deletes the events older than `before` (Unix seconds); how many.
    async fn purge_audit(&self, before: i64) -> StoreResult<u64>;
    /// FlashCall events since `since` (of one tenant, or all), counted by number prefix, tenant
    /// and type: `(prefix, tenant, type, result, count)`.
    async fn flashcall_counts(&self, since: i64, tenant: Option<i64>) -> StoreResult<Vec<FlashcallCount>>;
    /// Events of one type since `since` (of one tenant, or all), counted by result:
    /// `(result, count)`, e.g. the Overview's sign-ins of the last hour.
    async fn count_audit_results(&self, kind: &str, since: i64, tenant: Option<i64>)
    -> StoreResult<Vec<(String, i64)>>;
}
