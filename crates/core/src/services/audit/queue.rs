//! The audit queue: a bounded channel in front of one writer task that stores events in
//! batches. Recording never waits: when the queue is full the event is dropped and counted
//! (`kordon_audit_events_dropped_total`), so a slow or absent database can never hold up or
//! fail a sign-in. The writer takes whatever has piled up while it wrote the last batch (up to
//! `audit.batch`), waiting a moment ([`LINGER`]) for more after the first: a server writes its
//! events in a few groups a second, one transaction per group, the way SQLite's rotations commit
//! (ADR 12). A flush (tests, shutdown) writes at once.

use crate::audit::AuditEvent;
use crate::ports::Store;
use std::sync::{Arc, Mutex, OnceLock};
use tokio::sync::{mpsc, oneshot};

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
    tx: mpsc::Sender<Item>,
    rx: Mutex<Option<mpsc::Receiver<Item>>>,
    started: OnceLock<()>,
}

impl AuditQueue {
    /// A queue of `capacity` events written `batch` at a time; `enabled` false records nothing.
    pub fn new(enabled: bool, capacity: usize, batch: usize) -> Self {
        let capacity = capacity.max(1);
        let (tx, rx) = mpsc::channel(capacity);
        Self { enabled, batch: batch.max(1), capacity, tx, rx: Mutex::new(Some(rx)), started: OnceLock::new() }
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
    }

    /// Waits until every event queued before this call is written (or dropped).
    pub(crate) async fn flush(&self, store: &Arc<dyn Store>) {
        if !self.enabled {
            return;
        }
        self.start(store);
        let (done, written) = oneshot::channel();
        if self.tx.send(Item::Flush(done)).await.is_ok() {
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
            runtime.spawn(write(rx, store.clone(), self.batch));
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

async fn write(mut rx: mpsc::Receiver<Item>, store: Arc<dyn Store>, batch: usize) {
    let mut events = Vec::with_capacity(batch);
    let mut waiting = Vec::new();
    while let Some(first) = rx.recv().await {
        let deadline = tokio::time::Instant::now() + LINGER;
        let mut next = Some(first);
        while let Some(item) = next.take() {
            match item {
                Item::Event(event) => events.push(event),
                Item::Flush(done) => waiting.push(done),
            }
            if events.len() < batch {
                next = match rx.try_recv() {
                    Ok(item) => Some(item),
                    // Nothing more yet: wait for it until the deadline, unless someone waits.
                    Err(_) if waiting.is_empty() => tokio::time::timeout_at(deadline, rx.recv()).await.ok().flatten(),
                    Err(_) => None,
                };
            }
        }
        if !events.is_empty() {
            match store.append_audit(&events).await {
                Ok(()) => crate::metrics::audit_written(events.len() as u64),
                Err(err) => {
                    tracing::warn!(error = %err, events = events.len(), "audit: a batch could not be written");
                    crate::metrics::audit_dropped("store_error", events.len() as u64);
                }
            }
            events.clear();
        }
        for done in waiting.drain(..) {
            let _ = done.send(());
        }
    }
}
