//! The FlashCall webhook: [`WebhookSettings`], the HMAC-signing [`WebhookCaller`] and [`sign`].
//!
//! Each call is a `POST` of `{"phone","pin","token","created_at"}` (RFC 3339) with
//! `X-Kordon-Timestamp: <unix seconds>` and
//! `X-Kordon-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`.
//! A receiver recomputes the signature over the raw body it got, compares in constant time,
//! and rejects stale timestamps.

use std::error::Error as _;
use std::time::Duration;

use async_trait::async_trait;
use hmac::{Hmac, Mac};
use kordon_core::clock::format_rfc3339;
use kordon_core::ports::{Caller, DeliveryError, FlashCall};
use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, HeaderValue};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

/// The header with the unix seconds the signature was made at.
pub const TIMESTAMP_HEADER: &str = "X-Kordon-Timestamp";
/// The header with `sha256=<hex>`, see [`sign`].
pub const SIGNATURE_HEADER: &str = "X-Kordon-Signature";

/// The most retries a configuration may ask for (keeps the total time of a call bounded).
pub const MAX_RETRIES: u32 = 10;
/// The longest pause between two attempts, however many times the backoff doubled.
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// The `webhook` settings. The secret is never serialized (and prints as redacted).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WebhookSettings {
    /// Where FlashCalls are posted (`http://` or `https://`).
    pub url: String,
    /// The HMAC key shared with the receiver.
    #[serde(skip_serializing)]
    pub secret: SecretString,
    /// Bounds each attempt, from connecting to the end of the answer's headers.
    pub timeout_ms: u64,
    /// Attempts after the first one, on connection errors, timeouts and 5xx answers.
    pub retries: u32,
    /// The pause before the first retry, doubled before each next one.
    pub backoff_ms: u64,
}

impl Default for WebhookSettings {
    fn default() -> Self {
        Self { url: String::new(), secret: SecretString::default(), timeout_ms: 5000, retries: 3, backoff_ms: 200 }
    }
}

/// The signature header value for `body` sent at `timestamp`:
/// `sha256=` and the lowercase hex of HMAC-SHA256(`secret`, `"<timestamp>.<body>"`).
///
/// A receiver verifies by computing this over the raw body and the `X-Kordon-Timestamp`
/// header it got, and comparing it to `X-Kordon-Signature` in constant time.
#[must_use]
pub fn sign(secret: &[u8], timestamp: i64, body: &[u8]) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret) else { unreachable!("HMAC takes keys of any length") };
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

#[derive(Serialize)]
struct Payload<'a> {
    phone: &'a str,
    pin: &'a str,
    token: &'a str,
    created_at: String,
}

/// A [`Caller`] that posts each FlashCall, signed, to the telephony provider's webhook.
#[derive(Clone)]
pub struct WebhookCaller {
    client: reqwest::Client,
    url: reqwest::Url,
    secret: SecretString,
    retries: u32,
    backoff: Duration,
}

impl std::fmt::Debug for WebhookCaller {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookCaller")
            .field("host", &self.url.host_str())
            .field("retries", &self.retries)
            .finish_non_exhaustive()
    }
}

/// What one attempt came to.
enum Failure {
    /// Worth another attempt: the connection failed, timed out, or the receiver answered 5xx.
    Transient(String),
    /// Another attempt would fail the same way.
    Permanent(String),
}

/// The error and its causes, without the URL (it may carry a provider's key).
fn describe(err: reqwest::Error) -> String {
    let kind = if err.is_timeout() {
        "timed out"
    } else if err.is_connect() {
        "connection failed"
    } else {
        "request failed"
    };
    let err = err.without_url();
    let mut text = format!("{kind}: {err}");
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

impl WebhookCaller {
    /// Checks the settings and builds the HTTP client; nothing is sent yet.
    pub fn new(settings: &WebhookSettings) -> Result<Self, DeliveryError> {
        if settings.url.trim().is_empty() {
            return Err(DeliveryError("webhook: url is empty".to_owned()));
        }
        if settings.secret.expose_secret().is_empty() {
            return Err(DeliveryError("webhook: secret is empty".to_owned()));
        }
        if settings.timeout_ms == 0 {
            return Err(DeliveryError("webhook: timeout_ms must be at least 1".to_owned()));
        }
        if settings.retries > MAX_RETRIES {
            return Err(DeliveryError(format!("webhook: retries must be at most {MAX_RETRIES}")));
        }
        let url = reqwest::Url::parse(settings.url.trim())
            .map_err(|err| DeliveryError(format!("webhook: invalid url: {err}")))?;
        match url.scheme() {
            "https" => {}
            "http" => {
                let host = url.host_str().unwrap_or_default();
                if !crate::is_loopback(host) {
                    tracing::warn!(
                        host,
                        "webhook.url is plain http to a host that is not loopback: \
                         PINs cross the network unencrypted"
                    );
                }
            }
            other => {
                return Err(DeliveryError(format!("webhook: url scheme {other:?} is not http or https")));
            }
        }
        let timeout = Duration::from_millis(settings.timeout_ms);
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("kordon/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|err| DeliveryError(format!("webhook: cannot build the http client: {}", describe(err))))?;
        Ok(Self {
            client,
            url,
            secret: settings.secret.clone(),
            retries: settings.retries,
            backoff: Duration::from_millis(settings.backoff_ms).min(MAX_BACKOFF),
        })
    }

    async fn attempt(&self, body: &[u8]) -> Result<(), Failure> {
        let timestamp = time::OffsetDateTime::now_utc().unix_timestamp();
        let signature = sign(self.secret.expose_secret().as_bytes(), timestamp, body);
        let response = self
            .client
            .post(self.url.clone())
            .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
            .header(TIMESTAMP_HEADER, timestamp)
            .header(SIGNATURE_HEADER, signature)
            .body(body.to_vec())
            .send()
            .await
            .map_err(|err| {
                if err.is_builder() { Failure::Permanent(describe(err)) } else { Failure::Transient(describe(err)) }
            })?;
        let status = response.status();
        if status.is_success() {
            Ok(())
        } else if status.is_server_error() {
            Err(Failure::Transient(answered(status)))
        } else {
            Err(Failure::Permanent(answered(status)))
        }
    }
}

fn answered(status: StatusCode) -> String {
    format!("receiver answered {status}")
}

#[async_trait]
impl Caller for WebhookCaller {
    async fn call(&self, call: &FlashCall) -> Result<(), DeliveryError> {
        let payload = Payload {
            phone: &call.phone,
            pin: &call.pin,
            token: &call.token,
            created_at: format_rfc3339(call.created_at),
        };
        let body = serde_json::to_vec(&payload)
            .map_err(|err| DeliveryError(format!("webhook: cannot encode the call: {err}")))?;

        let attempts = self.retries + 1;
        let mut attempt = 1;
        let mut backoff = self.backoff;
        loop {
            match self.attempt(&body).await {
                Ok(()) => {
                    tracing::debug!(attempt, "flashcall accepted by the webhook");
                    return Ok(());
                }
                Err(Failure::Permanent(why)) => {
                    return Err(DeliveryError(format!("webhook: {why}")));
                }
                Err(Failure::Transient(why)) if attempt >= attempts => {
                    let plural = if attempts == 1 { "" } else { "s" };
                    return Err(DeliveryError(format!("webhook: gave up after {attempts} attempt{plural}: {why}")));
                }
                Err(Failure::Transient(why)) => {
                    tracing::warn!(attempt, of = attempts, retry_in = ?backoff, "webhook attempt failed: {why}");
                    tokio::time::sleep(backoff).await;
                    backoff = backoff.saturating_mul(2).min(MAX_BACKOFF);
                    attempt += 1;
                }
            }
        }
    }
}
