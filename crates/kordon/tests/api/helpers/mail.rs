//! Mail through a real SMTP server (`kordon_testkit::SmtpSink`, aiosmtpd): the app reconfigured
//! to mail through it, and what it received once every queued mail went out.

use super::TestApp;
use kordon::config::{Config, MailProvider};
use kordon_delivery::{SmtpSecurity, SmtpSettings};
use kordon_testkit::SmtpSink;
use serde_json::Value;

/// The app mailing through SMTP at `port` (no TLS), then changed by `adjust`.
pub async fn mailing(app: TestApp, port: u16, adjust: impl FnOnce(&mut Config)) -> TestApp {
    app.reconfigured(move |config| {
        config.mail.provider = MailProvider::Smtp;
        config.mail.smtp = SmtpSettings {
            host: "127.0.0.1".into(),
            port,
            security: SmtpSecurity::None,
            from: "kordon <noreply@kordon.test>".into(),
            timeout_secs: 5,
            ..SmtpSettings::default()
        };
        config.reset.mail_backoff_ms = 10;
        adjust(config);
    })
    .await
}

/// What the sink has received once every queued reset mail was sent (or given up).
pub async fn received_settled(app: &TestApp, sink: &SmtpSink) -> Vec<Value> {
    app.core.reset_mail_settled().await;
    sink.received()
}

/// The 32-character token after `prefix` in a mail's body.
pub fn link_token(mail: &Value, prefix: &str) -> String {
    let body = mail["body"].as_str().expect("body");
    let at = body.find(prefix).unwrap_or_else(|| panic!("the mail has the link {prefix}…: {body}"));
    let token: String = body[at + prefix.len()..].chars().take_while(char::is_ascii_alphanumeric).collect();
    assert_eq!(token.len(), 32, "{body}");
    token
}
