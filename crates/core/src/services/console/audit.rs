//! The console's Audit page: the audit log, newest first, a page at a time, narrowed by user,
//! host, type and time. An account administrator reads only its own tenant's events.
// TODO(console): the admin API's audit reader (h/adminapi) may replace this once both are in main.

use crate::audit::{AuditFilter, AuditRecord};
use crate::error::{Error, Result};
use crate::services::Core;
use crate::services::console::access::{ConsoleOperator, ConsoleScope};

/// Events on one page of the Audit page.
pub const AUDIT_PER_PAGE: i64 = 50;

/// What the Audit page's form asks for (all optional).
#[derive(Debug, Clone, Default)]
pub struct ConsoleAuditQuery {
    /// A user's email, or their id.
    pub user: Option<String>,
    pub ip: Option<String>,
    /// A type (`signin`) or a family (`defender`).
    pub kind: Option<String>,
    /// Unix seconds, inclusive and exclusive.
    pub since: Option<i64>,
    pub until: Option<i64>,
    /// 1-based.
    pub page: i64,
}

impl Core {
    /// One page of the events this operator may read, and whether older ones follow. A user or
    /// host that names nothing readable finds nothing (never another tenant's events).
    pub async fn console_audit(&self, op: &ConsoleOperator, q: &ConsoleAuditQuery) -> Result<(Vec<AuditRecord>, bool)> {
        let user_id = match q.user.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
            None => None,
            Some(user) => match self.audit_user(op, user).await? {
                Some(id) => Some(id),
                None => return Ok((Vec::new(), false)),
            },
        };
        let ip = match q.ip.as_deref().map(str::trim).filter(|i| !i.is_empty()) {
            None => None,
            Some(ip) => Some(crate::net::host_key(ip).ok_or_else(|| Error::validation("ip", "Not an IP address."))?),
        };
        let filter = AuditFilter {
            user_id,
            tenant_id: match op.scope {
                ConsoleScope::Platform => None,
                ConsoleScope::Tenant { account_id } => Some(account_id),
            },
            ip,
            kind: q.kind.as_deref().map(str::trim).filter(|k| !k.is_empty()).map(str::to_owned),
            since: q.since,
            until: q.until,
            offset: (q.page.max(1) - 1).saturating_mul(AUDIT_PER_PAGE),
            limit: AUDIT_PER_PAGE + 1,
        };
        let mut records = self.store.search_audit(&filter).await?;
        let more = records.len() as i64 > AUDIT_PER_PAGE;
        records.truncate(AUDIT_PER_PAGE as usize);
        Ok((records, more))
    }

    /// The id of the user a filter names (an email or an id), if this operator sees them.
    async fn audit_user(&self, op: &ConsoleOperator, user: &str) -> Result<Option<i64>> {
        // An id is taken as it is: a tenant's search is confined to its own events anyway.
        if let Ok(id) = user.parse::<i64>() {
            return Ok(Some(id));
        }
        match self.admin_search_users(op.admin(), user).await {
            Ok(found) => Ok(found.into_iter().next().map(|u| u.user.id)),
            Err(Error::NotFound | Error::Validation { .. }) => Ok(None),
            Err(err) => Err(err),
        }
    }
}
