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
    /// first, and whether more follow: the one reader of the admin API and the console. An
    /// unknown type, a host that is not an IP address or a page under 1 is refused.
    pub async fn admin_audit(&self, admin: &Admin, filter: AuditFilter, page: i64) -> Result<(Vec<AuditRecord>, bool)> {
        if let Some(name) = filter.kind.as_deref()
            && !kind::is_known(name)
        {
            return Err(Error::validation("type", "The type is not an event type nor a family of them."));
        }
        // A host is searched by the key it is counted by (an IPv6 address as its /64).
        let ip = match filter.ip.as_deref() {
            None => None,
            Some(ip) => {
                Some(crate::net::host_key(ip).ok_or_else(|| Error::validation("ip", "The ip is not an IP address."))?)
            }
        };
        if page < 1 {
            return Err(Error::validation("page", "The page must be at least 1."));
        }
        let mut filter = AuditFilter {
            ip,
            offset: (page - 1).saturating_mul(EVENTS_PER_PAGE),
            limit: EVENTS_PER_PAGE + 1,
            ..filter
        };
        if let Some(account) = admin.account() {
            filter.tenant_id = Some(account);
        }
        let mut events = self.audit_search(&filter).await?;
        let more = events.len() as i64 > EVENTS_PER_PAGE;
        events.truncate(EVENTS_PER_PAGE as usize);
        Ok((events, more))
    }

    /// The user an audit search names by email, phone or id, if the administrator sees them;
    /// none when nobody in scope answers (the search then finds nothing, never another tenant's
    /// events).
    pub async fn admin_audit_user(&self, admin: &Admin, user: &str) -> Result<Option<i64>> {
        // An id is taken as it is (a deleted user's events are still theirs; a tenant's search
        // is confined to its own events anyway) — unless it reads as a phone number.
        let user = user.trim();
        if crate::types::Phone::parse("user", user).is_err()
            && let Ok(id) = user.parse::<i64>()
        {
            return Ok(Some(id));
        }
        match self.admin_search_users(admin, user).await {
            Ok(found) => Ok(found.into_iter().next().map(|u| u.user.id)),
            Err(Error::NotFound | Error::Validation { .. }) => Ok(None),
            Err(err) => Err(err),
        }
    }

    /// FlashCall traffic over the last `window` seconds within the administrator's scope.
    pub async fn admin_flashcall_stats(&self, admin: &Admin, window: i64) -> Result<FlashcallStats> {
        self.flashcall_stats(window, admin.account()).await
    }
}
