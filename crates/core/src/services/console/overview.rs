//! The console's Overview: hosts blocked now, sign-ins of the last hour (from the audit log),
//! and the password queue; the page adds the day's FlashCalls from the traffic statistics.

use crate::audit::{SUCCESS, kind};
use crate::error::Result;
use crate::services::Core;
use crate::services::console::access::ConsoleOperator;

/// The Overview's figures.
#[derive(Debug, Clone)]
pub struct ConsoleOverview {
    /// Hosts blocked now that this operator may see.
    pub blocked_now: usize,
    /// Password hashes waiting for a hashing thread, and the threads (the platform's only).
    pub password_queue: Option<(usize, usize)>,
    /// Sign-ins of the last hour in this operator's scope: succeeded, failed.
    pub signins_hour: (i64, i64),
}

impl Core {
    pub async fn console_overview(&self, op: &ConsoleOperator) -> Result<ConsoleOverview> {
        let blocked_now = self.console_blocks(op).await?.len();
        let password_queue = op.platform().then(|| (self.passwords.queue_depth(), self.passwords.workers()));
        // Failed sign-ins on logins nobody owns have no tenant: the platform's alone.
        let since = self.now() - 3600;
        let counts = self.store.count_audit_results(kind::SIGNIN, since, op.admin().account()).await?;
        let signins_hour = counts.iter().fold((0, 0), |(ok, failed), (result, n)| match result.as_str() {
            SUCCESS => (ok + n, failed),
            _ => (ok, failed + n),
        });
        Ok(ConsoleOverview { blocked_now, password_queue, signins_hour })
    }
}
