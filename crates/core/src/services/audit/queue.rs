//! The audit queue: a bounded channel in front of one writer task that stores events in
//! batches. Recording never waits: when the queue is full the event is dropped and counted
//! (`kordon_audit_events_dropped_total`), so a slow or absent database can never hold up or
//! fail a sign-in. The writer wakes for the first event of a batch, then sleeps until the batch
//! is full or [`LINGER`] has passed (a flush, in tests and at shutdown, wakes it at once): a
//! server writes its events in a few groups a second, one transaction per group, the way
//! SQLite's rotations commit (ADR 12), and the writer wakes a few times a second, not once an
//! event.

use crate::audit::AuditEvent;
use crate::ports::Store;
use std::sync::{Arc, Mutex, OnceLock};
use tokio::sync::mpsc::error::TryRecvError;
use tokio::sync::{Notify, mpsc, oneshot};

#[expect(clippy::large_enum_variant, reason = "events are the common case: boxing would allocate for each")]
enum Item {
    Event(AuditEvent),
    /// Answered once everything queued before it is written.
    Flush(oneshot::Sender<()>),
}

/// The bounded queue and its writer (started on first use, in the runtime that first records).
pub struct AuditQueue {
    enabled: bool,
    batch: usize,
    capacity: usize,
    /// The depth at which a recording wakes the writer: a batch, or half the queue if less.
    wake_at: usize,
    tx: mpsc::Sender<Item>,
    rx: Mutex<Option<mpsc::Receiver<Item>>>,
    /// Wakes a lingering writer: a batch's worth is waiting, or someone waits for a flush.
    due: Arc<Notify>,
    started: OnceLock<()>,
}

impl AuditQueue {
    /// A queue of `capacity` events written `batch` at a time; `enabled` false records nothing.
    pub fn new(enabled: bool, capacity: usize, batch: usize) -> Self {
        let (capacity, batch) = (capacity.max(1), batch.max(1));
        let (tx, rx) = mpsc::channel(capacity);
        Self {
            enabled,
            batch,
            capacity,
            wake_at: batch.min(capacity.div_ceil(2)),
            tx,
            rx: Mutex::new(Some(rx)),
            due: Arc::new(Notify::new()),
            started: OnceLock::new(),
        }
    }

    pub fn enabled(&self) -> bool {
        self.enabled
    }

    /// Events waiting to be written.
    pub fn depth(&self) -> usize {
        self.capacity - self.tx.capacity()
    }

    /// Queues an event, or drops and counts it when the queue is full.
    pub(crate) fn record(&self, store: &Arc<dyn Store>, event: AuditEvent) {
        if !self.enabled {
            return;
        }
        self.start(store);
        if self.tx.try_send(Item::Event(event)).is_err() {
            crate::metrics::audit_dropped("queue_full", 1);
        }
        if self.depth() >= self.wake_at {
            self.due.notify_one();
        }
    }

    /// Waits until every event queued before this call is written (or dropped).
    pub(crate) async fn flush(&self, store: &Arc<dyn Store>) {
        if !self.enabled {
            return;
        }
        self.start(store);
        let (done, written) = oneshot::channel();
        if self.tx.send(Item::Flush(done)).await.is_ok() {
            self.due.notify_one();
            let _ = written.await;
        }
    }

    fn start(&self, store: &Arc<dyn Store>) {
        if self.started.get().is_some() {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else { return };
        let rx = self.rx.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).take();
        if let Some(rx) = rx {
            runtime.spawn(write(rx, self.due.clone(), store.clone(), self.batch));
        }
        let _ = self.started.set(());
    }
}

/// How long the writer waits for more events after the first of a batch (unless a flush asks
/// for it, or the batch is full). SQLite has one write lock for the whole file: each separate
/// write of the audit log makes a request's write that comes meanwhile sleep in SQLite's busy
/// handler (milliseconds), so a few large writes a second cost far less than many small ones
/// (the 2026-12-06 benchmark: sign-ins and refreshes lost 25-30 % writing every event at once).
const LINGER: std::time::Duration = std::time::Duration::from_millis(200);

/// What the writer holds between two writes.
struct Pending {
    events: Vec<AuditEvent>,
    waiting: Vec<oneshot::Sender<()>>,
    batch: usize,
}

impl Pending {
    fn take(&mut self, item: Item) {
        match item {
            Item::Event(event) => self.events.push(event),
            Item::Flush(done) => self.waiting.push(done),
        }
    }

    /// Takes what the queue holds, up to a batch; false once the queue is closed.
    fn drain(&mut self, rx: &mut mpsc::Receiver<Item>) -> bool {
        while self.events.len() < self.batch {
            match rx.try_recv() {
                Ok(item) => self.take(item),
                Err(TryRecvError::Empty) => return true,
                Err(TryRecvError::Disconnected) => return false,
            }
        }
        true
    }

    /// Written now: a full batch, or someone waits.
    fn due(&self) -> bool {
        self.events.len() >= self.batch || !self.waiting.is_empty()
    }
}

async fn write(mut rx: mpsc::Receiver<Item>, due: Arc<Notify>, store: Arc<dyn Store>, batch: usize) {
    let mut pending = Pending { events: Vec::with_capacity(batch), waiting: Vec::new(), batch };
    while let Some(first) = rx.recv().await {
        let deadline = tokio::time::Instant::now() + LINGER;
        pending.take(first);
        // Sleep rather than wait on the channel: a waiting receiver is woken by every event.
        while pending.drain(&mut rx) && !pending.due() {
            if tokio::time::timeout_at(deadline, due.notified()).await.is_err() {
                pending.drain(&mut rx);
                break;
            }
        }
        let events = &mut pending.events;
        if !events.is_empty() {
            match store.append_audit(events).await {
                Ok(()) => crate::metrics::audit_written(events.len() as u64),
                Err(err) => {
                    tracing::warn!(error = %err, events = events.len(), "audit: a batch could not be written");
                    crate::metrics::audit_dropped("store_error", events.len() as u64);
                }
            }
            events.clear();
        }
        for done in pending.waiting.drain(..) {
            let _ = done.send(());
        }
    }
}
