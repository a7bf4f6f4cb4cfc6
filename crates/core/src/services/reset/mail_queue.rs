//! Reset mail off the request path: `restore-token` queues a job and answers at once, so a known
//! and an unknown address cost the request the same; a worker looks the user up, records the
//! token and mails the link, retrying with backoff and logging what finally failed.

use crate::clock::Clock;
use crate::ports::{DeliveryError, Mail, Mailer, Store};
use crate::secrets::{digest, random_token};
use crate::settings::Settings;
use crate::types::User;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tokio::sync::{Notify, Semaphore, mpsc};

/// Reset tokens carry ≈190 bits, well over the 128 asked for.
const RESET_TOKEN_LEN: usize = 32;
/// Mails in flight at once (each may wait on a slow SMTP server).
const SENDERS: usize = 4;
/// At most this many retries, whatever the configuration says.
const MAX_RETRIES: u32 = 10;

/// One reset asked for: the address (as a lookup key), the link's base and the mail's language.
#[derive(Debug)]
pub(crate) struct ResetJob {
    pub email_key: String,
    pub url: String,
    pub locale: String,
}

/// What delivering a reset needs: the store, the mailer, the clock and the settings.
#[derive(Clone)]
pub(crate) struct ResetDelivery {
    pub store: Arc<dyn Store>,
    pub mailer: Arc<dyn Mailer>,
    pub clock: Arc<dyn Clock>,
    pub settings: Arc<Settings>,
}

/// The bounded queue of reset jobs; its worker starts with the first job.
#[derive(Default)]
pub struct ResetMailQueue {
    sender: OnceLock<mpsc::Sender<ResetJob>>,
    /// Jobs queued or being delivered.
    pending: Arc<AtomicUsize>,
    settled: Arc<Notify>,
}

impl ResetMailQueue {
    /// Queues a job; false when the queue is full.
    pub(crate) fn push(&self, job: ResetJob, delivery: impl FnOnce() -> ResetDelivery) -> bool {
        let sender = self.sender.get_or_init(|| {
            let delivery = delivery();
            let (sender, receiver) = mpsc::channel(delivery.settings.reset.mail_queue.max(1));
            tokio::spawn(work(receiver, delivery, self.pending.clone(), self.settled.clone()));
            sender
        });
        self.pending.fetch_add(1, Ordering::SeqCst);
        if sender.try_send(job).is_err() {
            done(&self.pending, &self.settled);
            return false;
        }
        true
    }

    /// Waits until every queued job has been delivered or given up (tests; a graceful stop).
    pub async fn settled(&self) {
        loop {
            let notified = self.settled.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if self.pending.load(Ordering::SeqCst) == 0 {
                return;
            }
            notified.await;
        }
    }
}

fn done(pending: &AtomicUsize, settled: &Notify) {
    if pending.fetch_sub(1, Ordering::SeqCst) == 1 {
        settled.notify_waiters();
    }
}

async fn work(
    mut receiver: mpsc::Receiver<ResetJob>,
    delivery: ResetDelivery,
    pending: Arc<AtomicUsize>,
    settled: Arc<Notify>,
) {
    let senders = Arc::new(Semaphore::new(SENDERS));
    while let Some(job) = receiver.recv().await {
        let Ok(permit) = senders.clone().acquire_owned().await else { break };
        let (delivery, pending, settled) = (delivery.clone(), pending.clone(), settled.clone());
        tokio::spawn(async move {
            delivery.deliver(job).await;
            drop(permit);
            done(&pending, &settled);
        });
    }
}

impl ResetDelivery {
    /// A queued job: an unknown address is simply dropped; a known one gets its link, retried.
    async fn deliver(&self, job: ResetJob) {
        let user = match self.store.user_by_email(&job.email_key).await {
            Ok(Some(user)) => user,
            Ok(None) => return,
            Err(err) => {
                tracing::error!(error = %err, "reset mail: the user could not be read; nothing sent");
                return;
            }
        };
        let retries = self.settings.reset.mail_retries.min(MAX_RETRIES);
        if let Err(err) = self.send_reset(&user, &job.url, &job.locale, retries).await {
            tracing::error!(user_id = user.id, error = %err, "reset mail could not be sent; the link was dropped");
        }
    }

    /// Records a reset token for the user and mails its link, trying `1 + retries` times. Only
    /// once the mail is out do the user's older links die; a mail never sent leaves no token.
    pub(crate) async fn send_reset(
        &self,
        user: &User,
        url: &str,
        locale: &str,
        retries: u32,
    ) -> Result<(), DeliveryError> {
        let internal = |e: crate::ports::StoreError| DeliveryError(e.to_string());
        let now = self.clock.now();
        let ttl = self.settings.reset.ttl;
        let token = random_token(RESET_TOKEN_LEN);
        let key = digest(&token);
        self.store.create_reset(user.id, &key, crate::durations::after(now, ttl), now).await.map_err(internal)?;
        // `url` was parsed and checked at the edge; the token joins its query as one more pair.
        let mut link = url::Url::parse(url).map_err(|e| DeliveryError(format!("reset url: {e}")))?;
        link.query_pairs_mut().append_pair("token", &token);
        let link = link.to_string();
        let mail = super::mail_texts::reset_mail(&user.email, &link, locale, ttl / 60);
        match self.send_with_retries(&mail, retries, user.id).await {
            Ok(()) => self.store.spend_other_resets(user.id, &key, now).await.map_err(internal),
            Err(err) => {
                self.store.delete_reset(&key).await.map_err(internal)?;
                Err(err)
            }
        }
    }

    async fn send_with_retries(&self, mail: &Mail, retries: u32, user_id: i64) -> Result<(), DeliveryError> {
        let mut pause = Duration::from_millis(self.settings.reset.mail_backoff_ms);
        let mut attempt = 0;
        loop {
            // No metric here: only a registered address gets this far (see `metrics::reset_request`).
            match self.mailer.send(mail).await {
                Ok(()) => return Ok(()),
                Err(err) if attempt < retries => {
                    attempt += 1;
                    tracing::warn!(user_id, attempt, error = %err, "reset mail failed; retrying");
                    tokio::time::sleep(pause).await;
                    pause = pause.saturating_mul(2);
                }
                Err(err) => return Err(err),
            }
        }
    }
}
