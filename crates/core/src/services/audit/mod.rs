//! Recording and reading the audit log: [`Core::audit`] queues an event (never waiting, never
//! failing the request), [`Core::audit_search`] reads it back, [`Core::purge_audit`] applies
//! `audit.retention_days`.

pub(crate) mod events;
pub(crate) mod flashcall_stats;
pub(crate) mod queue;

pub use flashcall_stats::{FlashcallRow, FlashcallStats, NO_TENANT};
pub use queue::AuditQueue;

use crate::audit::{AuditEvent, AuditFilter, AuditRecord};
use crate::error::Result;
use crate::services::{Core, Origin};

impl AuditEvent {
    /// Where the request came from: its host and user agent.
    pub fn origin(mut self, origin: &Origin) -> Self {
        self.ip.clone_from(&origin.ip);
        self.user_agent.clone_from(&origin.user_agent);
        self
    }
}

/// The most events one search answers.
pub const MAX_PAGE: i64 = 1000;

impl Core {
    /// Queues an event for the audit log. Its time is now, unless set; its dialect is the
    /// request's, unless set.
    pub fn audit(&self, mut event: AuditEvent) {
        if !self.audit.enabled() {
            return;
        }
        if event.at == 0 {
            event.at = self.now();
        }
        if event.dialect.is_none() {
            event.dialect = Some(crate::metrics::dialect()).filter(|d| *d != "none");
        }
        self.audit.record(&self.store, event);
    }

    /// Writes a change's line at once, whatever `audit.enabled` says (an operator's or an
    /// owner's change off the hot path, whose store call writes no line of its own). A store
    /// error is logged and counted, never answered: the change is made.
    pub async fn audit_change(&self, mut event: AuditEvent) {
        if event.at == 0 {
            event.at = self.now();
        }
        if event.dialect.is_none() {
            event.dialect = Some(crate::metrics::dialect()).filter(|d| *d != "none");
        }
        if let Err(err) = self.store.append_audit(std::slice::from_ref(&event)).await {
            tracing::warn!(error = %err, kind = event.kind, "audit: a change's line could not be written");
            crate::metrics::audit_dropped("store_error", 1);
        }
    }

    /// Waits until every event queued so far is written (at shutdown, and in tests).
    pub async fn audit_flush(&self) {
        self.audit.flush(&self.store).await;
    }

    /// Events waiting to be written.
    pub fn audit_queue_depth(&self) -> usize {
        self.audit.depth()
    }

    /// The events `filter` matches, newest first; `limit` is clamped to 1..=[`MAX_PAGE`].
    pub async fn audit_search(&self, filter: &AuditFilter) -> Result<Vec<AuditRecord>> {
        let filter =
            AuditFilter { limit: filter.limit.clamp(1, MAX_PAGE), offset: filter.offset.max(0), ..filter.clone() };
        Ok(self.store.search_audit(&filter).await?)
    }

    /// Deletes the events older than `audit.retention_days`; how many.
    pub async fn purge_audit(&self) -> Result<u64> {
        let days = self.settings.audit.retention_days.clamp(1, 36_500);
        Ok(self.store.purge_audit(self.now() - days * 86_400).await?)
    }
}
