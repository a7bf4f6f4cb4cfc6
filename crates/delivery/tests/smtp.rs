//! The SMTP mailer against a real SMTP server (aiosmtpd, started from `smtp_sink.py`) on loopback.

use kordon_delivery::{Mail, Mailer, SmtpMailer, SmtpSecurity, SmtpSettings};
use kordon_testkit::{SmtpSink, free_port};

fn plain_settings(port: u16) -> SmtpSettings {
    SmtpSettings {
        host: "127.0.0.1".into(),
        port,
        security: SmtpSecurity::None,
        from: "Кордон <noreply@kordon.test>".into(),
        timeout_secs: 5,
        ..SmtpSettings::default()
    }
}

#[tokio::test]
async fn mail_reaches_a_real_smtp_server() {
    let sink = SmtpSink::start();
    let mailer = SmtpMailer::new(&plain_settings(sink.port)).expect("mailer");
    let subject = "Восстановление пароля — kordon";
    let text = "Здравствуйте!\n\nЧтобы задать новый пароль, откройте ссылку:\nhttps://id.example/reset?token=abc123\n\nIf this was not you, ignore this mail.";
    let mail = Mail { to: "anna@example.com".into(), subject: subject.into(), text: text.into() };
    mailer.send(&mail).await.expect("sent");

    // lettre waits for the server's 250 after DATA, and the sink writes before answering.
    let messages = sink.received();
    assert_eq!(messages.len(), 1, "{messages:?}");
    let message = &messages[0];
    assert_eq!(message["rcpt_tos"], serde_json::json!(["anna@example.com"]));
    assert_eq!(message["mail_from"], "noreply@kordon.test");
    assert_eq!(message["subject"], subject);
    assert_eq!(message["content_type"], "text/plain");
    assert_eq!(message["charset"], "utf-8");
    let body = message["body"].as_str().expect("body");
    assert_eq!(body.replace("\r\n", "\n").trim_end(), text);
    let data = message["data"].as_str().expect("data");
    assert!(data.contains("To: anna@example.com"), "{data}");
}

#[tokio::test]
async fn nothing_listening_is_a_delivery_error() {
    let port = free_port();
    let mailer = SmtpMailer::new(&plain_settings(port)).expect("mailer");
    let mail = Mail { to: "anna@example.com".into(), subject: "s".into(), text: "secret body".into() };
    let err = mailer.send(&mail).await.expect_err("nobody listens");
    assert!(err.0.starts_with("smtp:"), "{err}");
    assert!(!err.0.contains("secret body"), "{err}");
}

#[tokio::test]
async fn bad_recipient_is_a_delivery_error() {
    let mailer = SmtpMailer::new(&plain_settings(free_port())).expect("mailer");
    let mail = Mail { to: "not an address".into(), subject: "s".into(), text: "t".into() };
    let err = mailer.send(&mail).await.expect_err("invalid address");
    assert!(err.0.contains("recipient"), "{err}");
}

#[test]
fn settings_are_checked() {
    // Every security mode builds without connecting.
    for security in [SmtpSecurity::Tls, SmtpSecurity::Starttls, SmtpSecurity::None] {
        let settings = SmtpSettings { host: "smtp.example.com".into(), security, ..SmtpSettings::default() };
        assert!(SmtpMailer::new(&settings).is_ok(), "{security:?}");
    }
    let bad_from = SmtpSettings { from: "not a mailbox".into(), ..SmtpSettings::default() };
    assert!(SmtpMailer::new(&bad_from).is_err());
    let password_only = SmtpSettings { password: Some("pw".into()), ..SmtpSettings::default() };
    assert!(SmtpMailer::new(&password_only).is_err());
    let zero_timeout = SmtpSettings { timeout_secs: 0, ..SmtpSettings::default() };
    assert!(SmtpMailer::new(&zero_timeout).is_err());
}

#[test]
fn settings_defaults_and_serde() {
    let defaults = SmtpSettings::default();
    assert_eq!(defaults.host, "127.0.0.1");
    assert_eq!(defaults.port, 25);
    assert_eq!(defaults.security, SmtpSecurity::Starttls);
    assert_eq!(defaults.from, "kordon <noreply@localhost>");
    assert_eq!(defaults.timeout_secs, 10);
    assert!(defaults.username.is_none() && defaults.password.is_none());

    let parsed: SmtpSettings = serde_json::from_str(
        r#"{"host":"mail.example","port":465,"security":"tls","username":"u","password":"hunter2"}"#,
    )
    .expect("parse");
    assert_eq!(parsed.security, SmtpSecurity::Tls);
    assert_eq!(parsed.timeout_secs, 10);
    for (text, security) in [("\"none\"", SmtpSecurity::None), ("\"starttls\"", SmtpSecurity::Starttls)] {
        assert_eq!(serde_json::from_str::<SmtpSecurity>(text).expect("security"), security);
    }
    assert!(serde_json::from_str::<SmtpSecurity>("\"ssl\"").is_err());
    assert!(serde_json::from_str::<SmtpSettings>(r#"{"hots":"x"}"#).is_err(), "unknown fields are refused");

    // The password never leaves through Serialize or Debug.
    let json = serde_json::to_string(&parsed).expect("serialize");
    assert!(!json.contains("hunter2"), "{json}");
    assert!(!format!("{parsed:?}").contains("hunter2"));
    assert!(!format!("{:?}", SmtpMailer::new(&parsed).expect("mailer")).contains("hunter2"));
}
