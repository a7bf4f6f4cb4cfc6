//! What an administrator reads of the audit log and of FlashCall traffic: the operator all of
//! it, an account's `lk_admin` only its own tenant's events and calls.

use crate::audit::{AuditFilter, AuditRecord, kind};
use crate::error::{Error, Result};
use crate::services::admin::scope::Admin;
use crate::services::{Core, FlashcallStats};

/// Events in one page of the admin API and the console.
pub const EVENTS_PER_PAGE: i64 = 100;

impl Core {
    /// One page (from 1) of the events `filter` matches within the administrator's scope, newest
    /// first, and whether more follow. An unknown type is refused.
    pub async fn admin_audit(&self, admin: &Admin, filter: AuditFilter, page: i64) -> Result<(Vec<AuditRecord>, bool)> {
        if let Some(name) = filter.kind.as_deref()
            && !kind::is_known(name)
        {
            return Err(Error::validation("type", "The type is not an event type nor a family of them."));
        }
        if page < 1 {
            return Err(Error::validation("page", "The page must be at least 1."));
        }
        let mut filter =
            AuditFilter { offset: (page - 1).saturating_mul(EVENTS_PER_PAGE), limit: EVENTS_PER_PAGE + 1, ..filter };
        if let Some(account) = admin.account() {
            filter.tenant_id = Some(account);
        }
        let mut events = self.audit_search(&filter).await?;
        let more = events.len() as i64 > EVENTS_PER_PAGE;
        events.truncate(EVENTS_PER_PAGE as usize);
        Ok((events, more))
    }

    /// FlashCall traffic over the last `window` seconds within the administrator's scope.
    pub async fn admin_flashcall_stats(&self, admin: &Admin, window: i64) -> Result<FlashcallStats> {
        self.flashcall_stats(window, admin.account()).await
    }
}
