//! The outbox: mails and FlashCalls appended as JSON lines to files, the default dev provider.
//!
//! `DIR/mail.jsonl` gets `{"to","subject","text","created_at"}` per mail and
//! `DIR/flashcalls.jsonl` gets `{"phone","pin","token","created_at"}` per call, `created_at`
//! in RFC 3339 UTC. A developer reads the PINs and reset links from these files.

use std::path::{Path, PathBuf};

use async_trait::async_trait;
use kordon_core::clock::format_rfc3339;
use kordon_core::ports::{Caller, DeliveryError, FlashCall, Mail, Mailer};
use serde::Serialize;
use tokio::io::AsyncWriteExt;
use tokio::sync::Mutex;

/// The file name of the mail outbox inside the outbox directory.
pub const MAIL_FILE: &str = "mail.jsonl";
/// The file name of the FlashCall outbox inside the outbox directory.
pub const FLASHCALL_FILE: &str = "flashcalls.jsonl";

/// One append-only JSON-lines file. Appends are serialized by a lock and each line goes out
/// in one `write_all` on a file opened in append mode, so concurrent deliveries never interleave.
#[derive(Debug)]
struct JsonLines {
    dir: PathBuf,
    path: PathBuf,
    lock: Mutex<()>,
}

impl JsonLines {
    fn new(dir: PathBuf, file: &str) -> Self {
        let path = dir.join(file);
        Self { dir, path, lock: Mutex::new(()) }
    }

    async fn append<T: Serialize>(&self, record: &T) -> Result<(), DeliveryError> {
        let mut line = serde_json::to_vec(record)
            .map_err(|err| DeliveryError(format!("outbox: cannot encode the record: {err}")))?;
        line.push(b'\n');

        let _guard = self.lock.lock().await;
        tokio::fs::create_dir_all(&self.dir).await.map_err(|err| io_error("create", &self.dir, &err))?;
        let mut options = tokio::fs::OpenOptions::new();
        options.create(true).append(true);
        // The outbox holds PINs and reset links: only the owner may read it.
        #[cfg(unix)]
        options.mode(0o600);
        let mut file = options.open(&self.path).await.map_err(|err| io_error("open", &self.path, &err))?;
        file.write_all(&line).await.map_err(|err| io_error("write", &self.path, &err))?;
        // tokio writes in the background: flush to see the write finish (and its error) here.
        file.flush().await.map_err(|err| io_error("write", &self.path, &err))?;
        Ok(())
    }
}

fn io_error(what: &str, path: &Path, err: &std::io::Error) -> DeliveryError {
    DeliveryError(format!("outbox: cannot {what} {}: {err}", path.display()))
}

fn now_rfc3339() -> String {
    format_rfc3339(time::OffsetDateTime::now_utc().unix_timestamp())
}

#[derive(Serialize)]
struct MailLine<'a> {
    to: &'a str,
    subject: &'a str,
    text: &'a str,
    created_at: String,
}

#[derive(Serialize)]
struct FlashCallLine<'a> {
    phone: &'a str,
    pin: &'a str,
    token: &'a str,
    created_at: String,
}

/// A [`Mailer`] that appends each mail to `DIR/mail.jsonl` instead of sending it.
#[derive(Debug)]
pub struct OutboxMailer {
    file: JsonLines,
}

impl OutboxMailer {
    /// Writes to `dir/mail.jsonl`; the directory is created on the first mail.
    pub fn new(dir: PathBuf) -> Self {
        Self { file: JsonLines::new(dir, MAIL_FILE) }
    }

    /// The file the mails go to.
    pub fn path(&self) -> &Path {
        &self.file.path
    }
}

#[async_trait]
impl Mailer for OutboxMailer {
    async fn send(&self, mail: &Mail) -> Result<(), DeliveryError> {
        let line = MailLine { to: &mail.to, subject: &mail.subject, text: &mail.text, created_at: now_rfc3339() };
        self.file.append(&line).await?;
        tracing::debug!(path = %self.file.path.display(), "mail written to the outbox");
        Ok(())
    }
}

/// A [`Caller`] that appends each FlashCall to `DIR/flashcalls.jsonl` instead of placing it.
#[derive(Debug)]
pub struct OutboxCaller {
    file: JsonLines,
}

impl OutboxCaller {
    /// Writes to `dir/flashcalls.jsonl`; the directory is created on the first call.
    pub fn new(dir: PathBuf) -> Self {
        Self { file: JsonLines::new(dir, FLASHCALL_FILE) }
    }

    /// The file the FlashCalls go to.
    pub fn path(&self) -> &Path {
        &self.file.path
    }
}

#[async_trait]
impl Caller for OutboxCaller {
    async fn call(&self, call: &FlashCall) -> Result<(), DeliveryError> {
        let line = FlashCallLine { phone: &call.phone, pin: &call.pin, token: &call.token, created_at: now_rfc3339() };
        self.file.append(&line).await?;
        tracing::debug!(path = %self.file.path.display(), "flashcall written to the outbox");
        Ok(())
    }
}
