//! The audit log's port: events appended in batches, searched newest first, purged by age.

use crate::audit::{AuditEvent, AuditFilter, AuditRecord};
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
}
