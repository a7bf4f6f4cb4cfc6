//! SMTP mail: [`SmtpSettings`] and the [`SmtpMailer`] that sends text/plain UTF-8 mail with lettre.

use std::time::Duration;

use async_trait::async_trait;
use kordon_core::ports::{DeliveryError, Mail, Mailer};
use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

/// How the connection to the SMTP server is protected.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpSecurity {
    /// TLS from the first byte (SMTPS, usually port 465).
    Tls,
    /// Plain connection upgraded with STARTTLS, which is required (usually port 587).
    #[default]
    Starttls,
    /// No encryption at all: for a relay on the same host or network.
    None,
}

/// The `smtp` settings. The password is never serialized (and prints as redacted).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    pub username: Option<String>,
    #[serde(skip_serializing)]
    pub password: Option<SecretString>,
    /// The `From` mailbox, `name <address>` or a bare address.
    pub from: String,
    /// Bounds each SMTP command (connect, greeting, every reply).
    pub timeout_secs: u64,
}

impl Default for SmtpSettings {
    fn default() -> Self {
        Self {
            host: "127.0.0.1".to_owned(),
            port: 25,
            security: SmtpSecurity::default(),
            username: None,
            password: None,
            from: "kordon <noreply@localhost>".to_owned(),
            timeout_secs: 10,
        }
    }
}

/// A [`Mailer`] that sends through an SMTP server. Each mail opens its own connection.
#[derive(Clone)]
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    server: String,
}

impl std::fmt::Debug for SmtpMailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpMailer")
            .field("server", &self.server)
            .field("from", &self.from.email.to_string())
            .finish_non_exhaustive()
    }
}

impl SmtpMailer {
    /// Checks the settings and builds the transport; nothing is sent or connected yet.
    pub fn new(settings: &SmtpSettings) -> Result<Self, DeliveryError> {
        let host = settings.host.trim();
        if host.is_empty() {
            return Err(DeliveryError("smtp: host is empty".to_owned()));
        }
        if settings.timeout_secs == 0 {
            return Err(DeliveryError("smtp: timeout_secs must be at least 1".to_owned()));
        }
        let from: Mailbox = settings
            .from
            .parse()
            .map_err(|err| DeliveryError(format!("smtp: invalid from {:?}: {err}", settings.from)))?;

        let builder = match settings.security {
            SmtpSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(host)
                .map_err(|err| DeliveryError(format!("smtp: tls setup for {host}: {err}")))?,
            SmtpSecurity::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host)
                .map_err(|err| DeliveryError(format!("smtp: starttls setup for {host}: {err}")))?,
            SmtpSecurity::None => {
                if !crate::is_loopback(host) {
                    tracing::warn!(
                        host,
                        "smtp.security is \"none\" for a host that is not loopback: \
                         mail (and any credentials) cross the network unencrypted"
                    );
                }
                AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
            }
        };
        let mut builder = builder.port(settings.port).timeout(Some(Duration::from_secs(settings.timeout_secs)));
        match (&settings.username, &settings.password) {
            (Some(username), password) => {
                let password = password.as_ref().map(|p| p.expose_secret().to_owned()).unwrap_or_default();
                builder = builder.credentials(Credentials::new(username.clone(), password));
            }
            (None, Some(_)) => {
                return Err(DeliveryError("smtp: password is set but username is not".to_owned()));
            }
            (None, None) => {}
        }

        Ok(Self { transport: builder.build(), from, server: format!("{host}:{}", settings.port) })
    }

    fn message(&self, mail: &Mail) -> Result<Message, DeliveryError> {
        // The address is personal data: the error says what is wrong, not whose it is.
        let to: Mailbox =
            mail.to.parse().map_err(|err| DeliveryError(format!("smtp: invalid recipient address: {err}")))?;
        Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.as_str())
            .header(ContentType::TEXT_PLAIN)
            .body(mail.text.clone())
            .map_err(|err| DeliveryError(format!("smtp: cannot build the message: {err}")))
    }
}

#[async_trait]
impl Mailer for SmtpMailer {
    async fn send(&self, mail: &Mail) -> Result<(), DeliveryError> {
        let message = self.message(mail)?;
        let response = self
            .transport
            .send(message)
            .await
            .map_err(|err| DeliveryError(format!("smtp: sending via {} failed: {err}", self.server)))?;
        tracing::debug!(server = %self.server, code = %response.code(), "mail accepted by the smtp server");
        Ok(())
    }
}
