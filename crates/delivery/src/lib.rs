//! kordon's delivery adapters: the outbox files (the dev default), SMTP mail and the FlashCall webhook.
//!
//! Each adapter implements a port of `kordon_core::ports`: [`OutboxMailer`] and [`SmtpMailer`]
//! are [`Mailer`]s, [`OutboxCaller`] and [`WebhookCaller`] are [`Caller`]s. Secrets (the SMTP
//! password, the webhook secret), PINs and mail bodies are never logged.

pub mod outbox;
pub mod smtp;
pub mod webhook;

pub use kordon_core::ports::{Caller, DeliveryError, FlashCall, Mail, Mailer};
pub use outbox::{OutboxCaller, OutboxMailer};
pub use smtp::{SmtpMailer, SmtpSecurity, SmtpSettings};
pub use webhook::{SIGNATURE_HEADER, TIMESTAMP_HEADER, WebhookCaller, WebhookSettings, sign};

/// Is `host` (a name, an IP address, or a bracketed IPv6 address) this machine?
pub(crate) fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost") || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}
