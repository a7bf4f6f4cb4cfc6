//! The real delivery providers behind the HTTP API: FlashCall through the signed webhook (to a
//! receiver in the test) and the password-reset mail through SMTP (to a real aiosmtpd sink), on
//! SQLite and PostgreSQL.

use crate::helpers::mail::{link_token, mailing, received_settled};
use crate::helpers::{CLIENT, PASSWORD, TestApp};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use kordon::config::{CallProvider, Config};
use kordon_delivery::WebhookSettings;
use kordon_testkit::{SmtpSink, free_port};
use serde_json::{Value, json};
use std::net::TcpListener;
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const SECRET: &str = "webhook-test-secret";
const PHONE: &str = "79993332210";

// ---------------------------------------------------------------------------------------------
// The FlashCall webhook receiver

/// One request the receiver got, as it got it.
#[derive(Debug, Clone)]
struct Received {
    timestamp: Option<String>,
    signature: Option<String>,
    content_type: Option<String>,
    body: Vec<u8>,
}

impl Received {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("the call is JSON")
    }
}

/// A telephony provider's endpoint on 127.0.0.1: records every request and answers `status`.
#[derive(Clone)]
struct Receiver {
    url: String,
    calls: Arc<Mutex<Vec<Received>>>,
    status: Arc<AtomicU16>,
}

impl Receiver {
    async fn start(status: u16) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}/calls", listener.local_addr().expect("addr"));
        let receiver = Self { url, calls: Arc::default(), status: Arc::new(AtomicU16::new(status)) };
        let router = axum::Router::new().route("/calls", axum::routing::post(record)).with_state(receiver.clone());
        tokio::spawn(async move { axum::serve(listener, router).await });
        receiver
    }

    fn calls(&self) -> Vec<Received> {
        self.calls.lock().expect("lock").clone()
    }

    fn answer(&self, status: u16) {
        self.status.store(status, Ordering::SeqCst);
    }

    fn settings(&self, retries: u32, backoff_ms: u64) -> WebhookSettings {
        WebhookSettings { url: self.url.clone(), secret: SECRET.into(), timeout_ms: 5000, retries, backoff_ms }
    }
}

async fn record(State(receiver): State<Receiver>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    receiver.calls.lock().expect("lock").push(Received {
        timestamp: header(kordon_delivery::TIMESTAMP_HEADER),
        signature: header(kordon_delivery::SIGNATURE_HEADER),
        content_type: header("content-type"),
        body: body.to_vec(),
    });
    StatusCode::from_u16(receiver.status.load(Ordering::SeqCst)).expect("status")
}

/// The app, its FlashCall provider the webhook to `receiver`.
async fn app_calling(app: TestApp, receiver: &Receiver, retries: u32, backoff_ms: u64) -> TestApp {
    let settings = receiver.settings(retries, backoff_ms);
    app.reconfigured(move |config| {
        config.call.provider = CallProvider::Webhook;
        config.call.webhook = settings;
    })
    .await
}

fn register_body(email: &str, phone: &str, pin: &str, token: Option<&str>) -> Value {
    json!({ "email": email, "phone": phone, "password": PASSWORD, "password_confirmation": PASSWORD,
            "pin": pin, "token": token, "promocode": "promo" })
}

/// Checks one received call against the API's answer and the shared secret; answers its PIN.
fn verified_pin(call: &Received, api_token: &str, now: i64) -> String {
    assert_eq!(call.content_type.as_deref(), Some("application/json"), "{call:?}");
    let timestamp: i64 = call.timestamp.as_deref().expect("timestamp header").parse().expect("unix seconds");
    let real_now = time::OffsetDateTime::now_utc().unix_timestamp();
    assert!((real_now - 60..=real_now).contains(&timestamp), "a fresh timestamp: {timestamp} vs {real_now}");
    let expected = kordon_delivery::sign(SECRET.as_bytes(), timestamp, &call.body);
    assert_eq!(call.signature.as_deref(), Some(expected.as_str()), "the signature verifies");
    assert_ne!(
        call.signature.as_deref(),
        Some(kordon_delivery::sign(b"another-secret", timestamp, &call.body).as_str()),
        "the signature depends on the secret"
    );

    let body = call.json();
    let mut keys: Vec<&str> = body.as_object().expect("object").keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["created_at", "phone", "pin", "token"], "{body}");
    assert_eq!(body["phone"], PHONE);
    assert_eq!(body["token"], api_token, "the receiver got the token the API answered");
    assert_eq!(body["created_at"], kordon_core::clock::format_rfc3339(now), "{body}");
    let pin = body["pin"].as_str().expect("pin").to_string();
    assert!(pin.len() == 4 && pin.chars().all(|c| c.is_ascii_digit()), "{pin}");
    pin
}

async fn flashcall_goes_to_the_webhook(app: TestApp) {
    let receiver = Receiver::start(200).await;
    let app = app_calling(app, &receiver, 0, 10).await;
    let now = kordon_core::Clock::now(&app.clock);

    let (status, body) = app.post("/api/v1/flashcall", json!({ "phone": PHONE })).await;
    assert_eq!(status, 200, "{body}");
    let token = body["token"].as_str().expect("token").to_string();
    assert_eq!(body, json!({ "phone": PHONE, "token": token, "success": true }));

    let calls = receiver.calls();
    assert_eq!(calls.len(), 1, "{calls:?}");
    let pin = verified_pin(&calls[0], &token, now);
    assert!(app.outbox_lines("flashcalls.jsonl").is_empty(), "the webhook replaces the outbox");

    // The PIN the provider got registers the user.
    let (status, body) = app.post("/api/v1/register", register_body("user@mail.ru", PHONE, &pin, Some(&token))).await;
    assert_eq!(status, 200, "register: {body}");
    assert_eq!(body["user"]["email"], "user@mail.ru");
    assert_eq!(body["user"]["phone"], PHONE);
    // Spent: the same PIN does not register anyone else.
    let (status, body) = app.post("/api/v1/register", register_body("other@mail.ru", "79990001122", &pin, None)).await;
    assert_eq!((status, body), (400, json!({"message":{"message":"The pin is invalid.","field":"pin"},"code":400})));
    assert_eq!(receiver.calls().len(), 1, "nothing else was called");
}

async fn a_failing_webhook_leaves_nothing_behind(app: TestApp) {
    let receiver = Receiver::start(500).await;
    let app = app_calling(app, &receiver, 1, 10).await;
    let failed = json!({ "message": "The call could not be placed.", "code": 502 });

    let (status, body) = app.post("/api/v1/flashcall", json!({ "phone": PHONE })).await;
    assert_eq!((status, body), (502, failed.clone()));
    assert_eq!(receiver.calls().len(), 2, "one attempt and one retry");

    // The cool-down was released: calling again at once (the clock has not moved) is not a 429,
    // it reaches the receiver again.
    let (status, body) = app.post("/api/v1/flashcall", json!({ "phone": PHONE })).await;
    assert_eq!((status, body), (502, failed));
    let calls = receiver.calls();
    assert_eq!(calls.len(), 4, "two more attempts: {calls:?}");

    // The PINs the provider saw (the retry repeats its attempt's) were never called: none registers.
    let seen: Vec<(String, String)> = calls
        .iter()
        .map(|c| {
            let b = c.json();
            (b["pin"].as_str().expect("pin").to_string(), b["token"].as_str().expect("token").to_string())
        })
        .collect();
    assert_eq!(seen[0], seen[1], "a retry sends the same call");
    assert_eq!(seen[2], seen[3], "a retry sends the same call");
    assert_ne!(seen[0].1, seen[2].1, "each call has its own token");
    let invalid = json!({"message":{"message":"The pin is invalid.","field":"pin"},"code":400});
    for (pin, token) in [&seen[0], &seen[2]] {
        let (status, body) = app.post("/api/v1/register", register_body("user@mail.ru", PHONE, pin, Some(token))).await;
        assert_eq!((status, body), (400, invalid.clone()), "pin {pin}");
        let (status, body) = app.post("/api/v1/register", register_body("user@mail.ru", PHONE, pin, None)).await;
        assert_eq!((status, body), (400, invalid.clone()), "pin {pin} without its token");
    }

    // Once the provider is back, the very next call goes through and its PIN works.
    receiver.answer(200);
    let (status, body) = app.post("/api/v1/flashcall", json!({ "phone": PHONE })).await;
    assert_eq!(status, 200, "{body}");
    let token = body["token"].as_str().expect("token").to_string();
    let calls = receiver.calls();
    assert_eq!(calls.len(), 5, "{calls:?}");
    let pin = verified_pin(&calls[4], &token, kordon_core::Clock::now(&app.clock));
    let (status, body) = app.post("/api/v1/register", register_body("user@mail.ru", PHONE, &pin, None)).await;
    assert_eq!(status, 200, "register: {body}");
    // And now the cool-down holds.
    let (status, body) = app.post("/api/v1/flashcall", json!({ "phone": PHONE })).await;
    assert_eq!((status, body), (429, json!({ "message": "Too Many Attempts.", "code": 429 })));
    assert_eq!(receiver.calls().len(), 5);
}

/// `POST /api/v1/restore-token` with the cabinet's `Client` header and an optional `Accept-Language`.
async fn restore_token(app: &TestApp, email: &str, language: Option<&str>) -> (u16, Value) {
    let mut req = app
        .http
        .post(format!("{}/api/v1/restore-token", app.base))
        .header("Accept", "application/json")
        .header("Client", CLIENT)
        .json(&json!({ "email": email, "url": "https://lk.example/reset" }));
    if let Some(language) = language {
        req = req.header("Accept-Language", language);
    }
    let resp = req.send().await.expect("request");
    let status = resp.status().as_u16();
    let text = resp.text().await.expect("body");
    (status, serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON ({status}): {text}")))
}

/// The cabinet's reset page the tests' links lead to.
const LK_RESET: &str = "https://lk.example/reset?token=";

/// The app mailing through SMTP at `port` (no TLS), with reset links allowed to lk.example.
async fn app_mailing(app: TestApp, port: u16, adjust: impl FnOnce(&mut Config)) -> TestApp {
    mailing(app, port, move |config| {
        config.reset.url_prefixes = vec!["https://lk.example/".into()];
        adjust(config);
    })
    .await
}

async fn password_reset_mail_over_smtp(app: TestApp) {
    let sink = SmtpSink::start();
    let app = app_mailing(app, sink.port, |_| {}).await;
    app.register("User@Mail.ru", PHONE).await;

    let (status, body) = restore_token(&app, "user@mail.ru", Some("en")).await;
    assert_eq!((status, body), (200, json!({ "success": true })));
    let mails = received_settled(&app, &sink).await;
    assert_eq!(mails.len(), 1, "{mails:?}");
    let mail = &mails[0];
    assert_eq!(mail["rcpt_tos"], json!(["User@Mail.ru"]));
    assert_eq!(mail["mail_from"], "noreply@kordon.test");
    assert_eq!(mail["subject"], "Password reset");
    assert_eq!(mail["content_type"], "text/plain");
    let token = link_token(mail, LK_RESET);
    assert!(app.outbox_lines("mail.jsonl").is_empty(), "SMTP replaces the outbox");

    // An unknown address answers the same and mails nobody.
    let (status, body) = restore_token(&app, "nobody@mail.ru", Some("en")).await;
    assert_eq!((status, body), (200, json!({ "success": true })));
    assert_eq!(received_settled(&app, &sink).await.len(), 1);

    let new_password = "An0ther-long-pass";
    let change = json!({ "token": token, "password": new_password, "password_confirmation": new_password });
    let (status, body) = app.post("/api/v1/change-password", change.clone()).await;
    assert_eq!((status, body), (200, json!({ "success": true })));
    let (status, body) = app.post("/api/v1/change-password", change).await;
    assert_eq!(
        (status, body),
        (400, json!({"message":{"message":"The token is invalid.","field":"token"},"code":400})),
        "the link is single use"
    );
    let (status, body) = app.post("/api/v1/login", json!({ "email": "user@mail.ru", "password": PASSWORD })).await;
    assert_eq!((status, body), (400, json!({ "message": "Password not right.", "code": 400 })));
    let (status, body) = app.post("/api/v1/login", json!({ "email": "user@mail.ru", "password": new_password })).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["user"]["email"], "User@Mail.ru");

    // Without Accept-Language the mail is in the default language, Russian.
    let (status, body) = restore_token(&app, "user@mail.ru", None).await;
    assert_eq!((status, body), (200, json!({ "success": true })));
    let mails = received_settled(&app, &sink).await;
    assert_eq!(mails.len(), 2, "{mails:?}");
    let russian = mails.iter().find(|m| m["subject"] != "Password reset").expect("the second mail");
    assert_eq!(russian["subject"], "Сброс пароля");
    let _ = link_token(russian, LK_RESET);

    // With the SMTP server gone the answer is still the normal one: the mail is retried, then
    // given up in the log, off the request path.
    drop(sink);
    let (status, body) = restore_token(&app, "user@mail.ru", Some("en")).await;
    assert_eq!((status, body), (200, json!({ "success": true })));
    app.core.reset_mail_settled().await;
}

/// An SMTP server that accepts connections and never says a word (each mail waits its timeout).
fn silent_smtp() -> (TcpListener, u16) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    (listener, port)
}

/// A known and an unknown address are answered alike and at once although the mail server hangs:
/// the mail is sent off the request path.
async fn reset_answers_do_not_wait_for_the_mail(app: TestApp) {
    let (_silent, port) = silent_smtp();
    let app = app_mailing(app, port, |c| c.reset.mail_retries = 0).await;
    app.register("user@mail.ru", PHONE).await;
    for email in ["user@mail.ru", "nobody@mail.ru"] {
        let started = Instant::now();
        let (status, body) = restore_token(&app, email, None).await;
        assert_eq!((status, body), (200, json!({ "success": true })), "{email}");
        assert!(started.elapsed() < Duration::from_secs(2), "{email} waited {:?} for the mail", started.elapsed());
    }
}

/// `reset.reveal_unknown_email` keeps the seed's inline behaviour: 500 for an unknown address,
/// 502 when the mail cannot be delivered.
async fn the_seed_mode_sends_inline_and_reports_failures(app: TestApp) {
    let port = free_port();
    let app = app_mailing(app, port, |c| c.reset.reveal_unknown_email = true).await;
    app.register("user@mail.ru", PHONE).await;
    let (status, body) = restore_token(&app, "nobody@mail.ru", None).await;
    assert_eq!((status, body), (500, json!({ "message": "User not found.", "code": 500 })));
    let (status, body) = restore_token(&app, "user@mail.ru", Some("en")).await;
    assert_eq!((status, body), (502, json!({ "message": "The mail could not be sent.", "code": 502 })));
    // With the server back, the same request goes through and its mail is already there.
    let sink = SmtpSink::start_on(port);
    let (status, body) = restore_token(&app, "user@mail.ru", Some("en")).await;
    assert_eq!((status, body), (200, json!({ "success": true })));
    let mails = sink.received();
    assert_eq!(mails.len(), 1, "sent inline: {mails:?}");
    link_token(&mails[0], LK_RESET);
}

both!(flashcall_goes_to_the_webhook);
both!(a_failing_webhook_leaves_nothing_behind);
both!(password_reset_mail_over_smtp);
both!(reset_answers_do_not_wait_for_the_mail);
both!(the_seed_mode_sends_inline_and_reports_failures);
