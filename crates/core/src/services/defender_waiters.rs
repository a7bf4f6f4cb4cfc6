//! The checks of this instance waiting for a Defender gate's admission: a release here wakes one
//! of them, and one of them at a time — the poller — asks the store again on a timer.
//!
//! A flood at one login fills its gate at once; every other check waits. Slots freed on this
//! instance come with a wake-up, so only slots freed elsewhere (another instance, a lapsed lease,
//! a window that moved on) need the store asked again, and one waiter asking is enough: when
//! every waiter polled, a flood of 64 made about seven admission statements a login, all on the
//! gate's one row (2026-12-01, PostgreSQL).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::Notify;

/// This instance's waiters by gate key.
#[derive(Default)]
pub(crate) struct Waiters(Mutex<HashMap<String, GateWaiters>>);

#[derive(Default)]
struct GateWaiters {
    /// Woken once per release here, and when the poller stops polling.
    notify: Arc<Notify>,
    /// The gate's slots this instance holds: each will be released here, with a wake-up.
    held: usize,
    /// Whether a waiter holds the [`PollTurn`].
    polling: bool,
}

/// What a waiting check waits on.
pub(crate) struct Wait {
    pub(crate) notify: Arc<Notify>,
    /// This instance holds a slot of the gate: its release will wake a waiter here.
    pub(crate) held_here: bool,
}

/// The poller's role for one gate. Dropped (admitted, refused, gone past its deadline, or
/// cancelled), it wakes another waiter to take the role over.
pub(crate) struct PollTurn<'a> {
    waiters: &'a Waiters,
    key: String,
}

impl Waiters {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, GateWaiters>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// What to wait on.
    pub(crate) fn wait(&self, key: &str) -> Wait {
        let mut map = self.lock();
        let gate = map.entry(key.to_owned()).or_default();
        Wait { notify: gate.notify.clone(), held_here: gate.held > 0 }
    }

    /// The poller's role, when no other waiter of the gate holds it.
    pub(crate) fn poll_turn(&self, key: &str) -> Option<PollTurn<'_>> {
        let mut map = self.lock();
        let gate = map.entry(key.to_owned()).or_default();
        if gate.polling {
            return None;
        }
        gate.polling = true;
        Some(PollTurn { waiters: self, key: key.to_owned() })
    }

    /// This instance was admitted a slot of the gate.
    pub(crate) fn hold(&self, key: &str) {
        self.lock().entry(key.to_owned()).or_default().held += 1;
    }

    /// This instance released a slot of the gate: one waiter tries again.
    pub(crate) fn wake(&self, key: &str) {
        let mut map = self.lock();
        if let Some(gate) = map.get_mut(key) {
            gate.held = gate.held.saturating_sub(1);
            gate.notify.notify_one();
        }
        Self::drop_unused(&mut map, key);
    }

    /// Drops the key's entry once nobody waits on it, polls it or holds a slot of it here.
    pub(crate) fn forget(&self, key: &str) {
        Self::drop_unused(&mut self.lock(), key);
    }

    fn drop_unused(map: &mut HashMap<String, GateWaiters>, key: &str) {
        if map.get(key).is_some_and(|g| g.held == 0 && !g.polling && Arc::strong_count(&g.notify) == 1) {
            map.remove(key);
        }
    }

    #[cfg(test)]
    fn gates(&self) -> usize {
        self.lock().len()
    }
}

impl Drop for PollTurn<'_> {
    fn drop(&mut self) {
        let mut map = self.waiters.lock();
        if let Some(gate) = map.get_mut(&self.key) {
            gate.polling = false;
            gate.notify.notify_one();
        }
        Waiters::drop_unused(&mut map, &self.key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn one_waiter_a_gate_polls() {
        let waiters = Waiters::default();
        let first = waiters.poll_turn("login:a").expect("nobody polls yet");
        assert!(waiters.poll_turn("login:a").is_none(), "a second poller");
        let other_gate = waiters.poll_turn("login:b").expect("gates poll apart");
        drop(first);
        assert!(waiters.poll_turn("login:a").is_some(), "the role is free again once dropped");
        drop(other_gate);
    }

    #[tokio::test]
    async fn a_poller_leaving_wakes_a_waiter_to_take_over() {
        let waiters = Arc::new(Waiters::default());
        let turn = waiters.poll_turn("login:a").expect("the role");
        let wait = waiters.wait("login:a");
        let woken = tokio::spawn(async move { wait.notify.notified().await });
        tokio::task::yield_now().await;
        drop(turn);
        tokio::time::timeout(Duration::from_secs(5), woken).await.expect("a waiter woken").expect("task");
    }

    #[tokio::test]
    async fn a_release_here_wakes_one_waiter_and_is_counted() {
        let waiters = Waiters::default();
        waiters.hold("login:a");
        assert!(waiters.wait("login:a").held_here);
        let wait = waiters.wait("login:a");
        waiters.wake("login:a");
        tokio::time::timeout(Duration::from_secs(5), wait.notify.notified()).await.expect("woken");
        assert!(!waiters.wait("login:a").held_here, "the slot is no longer held here");
    }

    #[test]
    fn a_gate_nobody_uses_is_forgotten() {
        let waiters = Waiters::default();
        waiters.hold("login:a");
        let turn = waiters.poll_turn("login:a");
        let wait = waiters.wait("login:a");
        waiters.wake("login:a");
        assert_eq!(waiters.gates(), 1, "still polled and waited on");
        drop(turn);
        assert_eq!(waiters.gates(), 1, "still waited on");
        drop(wait);
        waiters.forget("login:a");
        assert_eq!(waiters.gates(), 0);
        drop(waiters.poll_turn("login:b"));
        assert_eq!(waiters.gates(), 0, "a poller that leaves alone leaves nothing behind");
    }
}
