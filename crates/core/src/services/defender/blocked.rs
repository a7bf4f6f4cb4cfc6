//! The hosts blocked now, held in memory for `/metrics` so a scrape costs no store query: counted
//! up when this instance blocks a host and down when it lifts a block, and recounted from the store
//! every [`RECOUNT`] (blocks that lapsed, or were set or lifted by another instance or the CLI).

use crate::services::Core;
use std::sync::Mutex;
use std::time::Duration;

/// How often the store is asked how many hosts are blocked, whatever the scrape rate.
const RECOUNT: Duration = Duration::from_secs(15);

/// The count, and how many changes this instance made to it (so a recount that read the store
/// before a change does not overwrite it).
#[derive(Debug, Default)]
pub(crate) struct BlockedHosts(Mutex<(usize, u64)>);

impl BlockedHosts {
    fn change(&self, up: bool) {
        if let Ok(mut count) = self.0.lock() {
            count.0 = if up { count.0.saturating_add(1) } else { count.0.saturating_sub(1) };
            count.1 = count.1.wrapping_add(1);
        }
    }

    pub(crate) fn blocked(&self) {
        self.change(true);
    }

    pub(crate) fn unblocked(&self) {
        self.change(false);
    }

    fn changes(&self) -> u64 {
        self.0.lock().map(|count| count.1).unwrap_or_default()
    }

    /// Sets the count read from the store, unless this instance changed it meanwhile.
    fn recounted(&self, n: usize, changes_before: u64) {
        if let Ok(mut count) = self.0.lock()
            && count.1 == changes_before
        {
            count.0 = n;
        }
    }

    fn get(&self) -> usize {
        self.0.lock().map(|count| count.0).unwrap_or_default()
    }
}

impl Core {
    /// The hosts blocked now, from memory (see the module's text).
    pub fn blocked_hosts(&self) -> usize {
        self.blocked_hosts.get()
    }

    /// Recounts the blocked hosts from the store every [`RECOUNT`] for as long as the server
    /// runs; an unreadable store keeps the last count.
    pub async fn watch_blocked_hosts(&self) {
        let mut every = tokio::time::interval(RECOUNT);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            let before = self.blocked_hosts.changes();
            match self.store.count_blocks(self.now()).await {
                Ok(n) => self.blocked_hosts.recounted(usize::try_from(n).unwrap_or_default(), before),
                Err(err) => tracing::warn!(error = %err, "the blocked hosts cannot be counted; keeping the last count"),
            }
        }
    }
}
