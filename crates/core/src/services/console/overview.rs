//! The console's Overview: what can be counted today. Sign-ins of the last hour and FlashCalls
//! placed against verified wait for the audit log and the admin API's statistics.

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
}

impl Core {
    pub async fn console_overview(&self, op: &ConsoleOperator) -> Result<ConsoleOverview> {
        let blocked_now = self.console_blocks(op).await?.len();
        let password_queue = op.platform().then(|| (self.passwords.queue_depth(), self.passwords.workers()));
        Ok(ConsoleOverview { blocked_now, password_queue })
    }
}
