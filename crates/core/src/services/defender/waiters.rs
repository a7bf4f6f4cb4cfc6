//! The checks of this instance waiting for a Defender gate's admission: a release here wakes one
//! of them, and one of them at a time — the poller — asks the store again on a timer.
//!
//! A flood at one login fills its gate at once; every other check waits. Slots freed on this
//! instance come with a wake-up, so the store needs asking again only for slots freed elsewhere
//! (another instance, a lapsed lease, a window that moved on), and one waiter a gate asks, backing
//! off; the others also try again every [`QUIET_WAIT`], in case. When every waiter polled, a flood
//! of 64 connections made about seven admission statements a login, all on the gate's one row
//! (2026-12-01, PostgreSQL); now about two. The price is fairness between instances: a slot freed
//! on one instance goes to its own waiters first, and another instance's waiters find freed slots
//! at the pace of their one poller.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::sync::Notify;

/// The longest a waiter that does not poll waits without a wake-up before it asks the store
/// itself: the bound on a stall should a hand-over of the poller's role ever be missed.
pub(crate) const QUIET_WAIT: Duration = Duration::from_secs(2);

/// This instance's waiters by gate key.
#[derive(Default)]
pub(crate) struct Waiters(Mutex<HashMap<String, GateWaiters>>);

#[derive(Default)]
struct GateWaiters {
    /// Woken once a release here, once a waiter leaving while nobody polls, and all at once on a
    /// refusal.
    notify: Arc<Notify>,
    /// The gate's slots this instance holds: each will be released here, with a wake-up.
    held: usize,
    /// The [`Waiting`] guards alive for the gate.
    waiting: usize,
    /// Whether one of them polls.
    polling: bool,
}

/// A check waiting for a gate, from before its first admission attempt (so a release here while
/// that attempt runs still finds it) until it leaves (admitted, refused, past its deadline, failed
/// or cancelled). Leaving while nobody polls wakes another
/// waiter, which takes the poller's role if its next attempt finds the gate full; the last to
/// leave removes the gate's entry.
pub(crate) struct Waiting<'a> {
    waiters: &'a Waiters,
    key: String,
    pub(crate) notify: Arc<Notify>,
    polls: bool,
}

impl Waiters {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, GateWaiters>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A check starts waiting for the gate.
    pub(crate) fn wait(&self, key: &str) -> Waiting<'_> {
        let mut map = self.lock();
        let gate = map.entry(key.to_owned()).or_default();
        gate.waiting += 1;
        Waiting { waiters: self, key: key.to_owned(), notify: gate.notify.clone(), polls: false }
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
            if gate.waiting > 0 {
                gate.notify.notify_one();
            }
        }
        Self::drop_unused(&mut map, key);
    }

    /// The gate refuses (a blocked host, a login past its cap): every waiter asks at once, to be
    /// answered now rather than at its next turn.
    pub(crate) fn refused(&self, key: &str) {
        if let Some(gate) = self.lock().get(key) {
            gate.notify.notify_waiters();
        }
    }

    fn drop_unused(map: &mut HashMap<String, GateWaiters>, key: &str) {
        if map.get(key).is_some_and(|g| g.held == 0 && g.waiting == 0) {
            map.remove(key);
        }
    }

    #[cfg(test)]
    fn gates(&self) -> usize {
        self.lock().len()
    }
}

impl Waiting<'_> {
    /// Takes the poller's role when no waiter of the gate has it; whether this waiter polls.
    pub(crate) fn poll(&mut self) -> bool {
        if !self.polls {
            let mut map = self.waiters.lock();
            let gate = map.entry(self.key.clone()).or_default();
            if !gate.polling {
                gate.polling = true;
                self.polls = true;
            }
        }
        self.polls
    }

    /// Whether this instance holds a slot of the gate (its release will wake a waiter here).
    pub(crate) fn held_here(&self) -> bool {
        self.waiters.lock().get(&self.key).is_some_and(|g| g.held > 0)
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        let mut map = self.waiters.lock();
        if let Some(gate) = map.get_mut(&self.key) {
            gate.waiting = gate.waiting.saturating_sub(1);
            if self.polls {
                gate.polling = false;
            }
            if !gate.polling && gate.waiting > 0 {
                gate.notify.notify_one();
            }
        }
        Waiters::drop_unused(&mut map, &self.key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether `waiting` is woken within a second.
    async fn woken(waiting: &Waiting<'_>) -> bool {
        tokio::time::timeout(Duration::from_secs(1), waiting.notify.notified()).await.is_ok()
    }

    #[test]
    fn one_waiter_a_gate_polls() {
        let waiters = Waiters::default();
        let (mut first, mut second, mut elsewhere) =
            (waiters.wait("login:a"), waiters.wait("login:a"), waiters.wait("login:b"));
        assert!(first.poll(), "nobody polls yet");
        assert!(first.poll(), "the role stays with its holder");
        assert!(!second.poll(), "a second poller");
        assert!(elsewhere.poll(), "gates poll apart");
        drop(first);
        assert!(second.poll(), "the role is free again once its holder leaves");
    }

    #[tokio::test]
    async fn a_waiter_leaving_while_nobody_polls_wakes_another() {
        let waiters = Waiters::default();
        let mut poller = waiters.wait("login:a");
        let other = waiters.wait("login:a");
        assert!(poller.poll());
        drop(poller);
        assert!(woken(&other).await, "the poller left: another takes its role over");
        // A waiter woken to take over, but cancelled before it could: the role passes on again.
        let third = waiters.wait("login:a");
        drop(other);
        assert!(woken(&third).await, "nobody polls, a waiter left: the next is woken");
    }

    #[tokio::test]
    async fn a_waiter_leaving_while_another_polls_wakes_nobody() {
        let waiters = Waiters::default();
        let mut poller = waiters.wait("login:a");
        assert!(poller.poll());
        let (leaving, staying) = (waiters.wait("login:a"), waiters.wait("login:a"));
        drop(leaving);
        assert!(!woken(&staying).await, "a wake-up for nothing: the poller is still there");
    }

    #[tokio::test]
    async fn a_release_here_wakes_one_waiter() {
        let waiters = Waiters::default();
        waiters.hold("login:a");
        let (mut poller, one) = (waiters.wait("login:a"), waiters.wait("login:a"));
        assert!(poller.poll());
        assert!(one.held_here());
        waiters.wake("login:a");
        assert!(woken(&one).await);
        assert!(!one.held_here(), "the slot is no longer held here");
    }

    #[tokio::test]
    async fn a_refusal_wakes_every_waiter() {
        let waiters = Waiters::default();
        let (a, b) = (waiters.wait("login:a"), waiters.wait("login:a"));
        let (na, nb) = (a.notify.notified(), b.notify.notified());
        tokio::pin!(na, nb);
        na.as_mut().enable();
        nb.as_mut().enable();
        waiters.refused("login:a");
        tokio::time::timeout(Duration::from_secs(1), async { tokio::join!(na, nb) }).await.expect("both woken");
    }

    #[test]
    fn the_last_to_leave_removes_the_gate() {
        let waiters = Waiters::default();
        waiters.hold("login:a");
        let mut poller = waiters.wait("login:a");
        assert!(poller.poll());
        let cancelled = waiters.wait("login:a");
        drop(cancelled); // a cancelled request: nothing but its guard's drop runs
        waiters.wake("login:a");
        assert_eq!(waiters.gates(), 1, "still polled");
        drop(poller);
        assert_eq!(waiters.gates(), 0);
        drop(waiters.wait("login:b"));
        assert_eq!(waiters.gates(), 0, "a waiter alone leaves nothing behind");
        waiters.hold("login:c");
        assert_eq!(waiters.gates(), 1, "a slot held here");
        waiters.wake("login:c");
        assert_eq!(waiters.gates(), 0);
    }
}
