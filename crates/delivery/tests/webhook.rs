//! The webhook caller against a real axum receiver on loopback.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use hmac::{Hmac, Mac};
use kordon_delivery::{Caller, FlashCall, WebhookCaller, WebhookSettings, sign};
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use sha2::Sha256;

const SECRET: &str = "s3cret-shared-with-the-receiver";
const PIN: &str = "4821";

/// One request as the receiver saw it.
#[derive(Debug, Clone)]
struct Seen {
    headers: HeaderMap,
    body: Bytes,
}

/// A receiver answering the scripted statuses in turn (the last one forever after);
/// `None` never answers.
#[derive(Clone)]
struct Receiver {
    script: Arc<Vec<Option<StatusCode>>>,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Receiver {
    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().expect("lock").clone()
    }
}

async fn receive(State(receiver): State<Receiver>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let n = {
        let mut seen = receiver.seen.lock().expect("lock");
        seen.push(Seen { headers, body });
        seen.len()
    };
    let step = receiver.script.get(n - 1).or(receiver.script.last()).copied().flatten();
    match step {
        Some(status) => status,
        None => std::future::pending().await,
    }
}

/// Starts a receiver on 127.0.0.1:0; returns it and its URL. It lives as long as the runtime.
async fn start(script: Vec<Option<StatusCode>>) -> (Receiver, String) {
    let receiver = Receiver { script: Arc::new(script), seen: Arc::default() };
    let app = Router::new().route("/flashcall", post(receive)).with_state(receiver.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        axum::serve(listener, app).await.expect("serve");
    });
    (receiver, format!("http://{addr}/flashcall"))
}

fn settings(url: String, timeout_ms: u64, retries: u32) -> WebhookSettings {
    WebhookSettings { url, secret: SecretString::from(SECRET), timeout_ms, retries, backoff_ms: 10 }
}

fn flashcall() -> FlashCall {
    FlashCall {
        phone: "+79990001122".into(),
        pin: PIN.into(),
        token: "verification-token".into(),
        created_at: 1_700_000_000,
    }
}

fn header<'a>(seen: &'a Seen, name: &str) -> &'a str {
    seen.headers.get(name).unwrap_or_else(|| panic!("header {name}")).to_str().expect("ascii")
}

#[tokio::test]
async fn signed_call_verifies_at_the_receiver() {
    let (receiver, url) = start(vec![Some(StatusCode::OK)]).await;
    let caller = WebhookCaller::new(&settings(url, 2000, 3)).expect("caller");
    caller.call(&flashcall()).await.expect("delivered");

    let seen = receiver.seen();
    assert_eq!(seen.len(), 1);
    let request = &seen[0];
    assert_eq!(header(request, "content-type"), "application/json");

    // The body: exactly these keys, created_at in RFC 3339.
    let body: Value = serde_json::from_slice(&request.body).expect("json body");
    let object = body.as_object().expect("object");
    let mut keys: Vec<&str> = object.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["created_at", "phone", "pin", "token"]);
    assert_eq!(body["phone"], "+79990001122");
    assert_eq!(body["pin"], PIN);
    assert_eq!(body["token"], "verification-token");
    assert_eq!(body["created_at"], "2023-11-14T22:13:20Z");

    // The timestamp is the current unix time.
    let timestamp: i64 = header(request, "x-kordon-timestamp").parse().expect("unix seconds");
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    assert!((now - timestamp).abs() < 60, "timestamp {timestamp} vs now {now}");

    // The signature, recomputed the way a receiver would: HMAC-SHA256 over "<ts>.<raw body>".
    let signature = header(request, "x-kordon-signature");
    let hex_mac = signature.strip_prefix("sha256=").expect("sha256= prefix");
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).expect("key");
    mac.update(format!("{timestamp}.").as_bytes());
    mac.update(&request.body);
    mac.verify_slice(&hex::decode(hex_mac).expect("hex")).expect("signature verifies");
    assert_eq!(signature, sign(SECRET.as_bytes(), timestamp, &request.body));

    // A wrong secret or a changed body does not verify.
    assert_ne!(signature, sign(b"another secret", timestamp, &request.body));
    assert_ne!(signature, sign(SECRET.as_bytes(), timestamp + 1, &request.body));
}

#[test]
fn sign_matches_a_known_vector() {
    // Computed independently: python3 -c 'import hmac,hashlib; print(hmac.new(b"s3cret",
    //   b"1700000000.{\"phone\":\"+79990001122\",\"pin\":\"4821\"}", hashlib.sha256).hexdigest())'
    assert_eq!(
        sign(b"s3cret", 1_700_000_000, br#"{"phone":"+79990001122","pin":"4821"}"#),
        "sha256=58b36cf0277e313cf3b524d1b3d939b57d473fee1c40ab0d7422dd74db75c598"
    );
}

#[tokio::test]
async fn server_errors_are_retried_until_success() {
    let error = Some(StatusCode::INTERNAL_SERVER_ERROR);
    let (receiver, url) = start(vec![error, error, Some(StatusCode::OK)]).await;
    let caller = WebhookCaller::new(&settings(url, 2000, 3)).expect("caller");
    caller.call(&flashcall()).await.expect("delivered on the third attempt");

    let seen = receiver.seen();
    assert_eq!(seen.len(), 3);
    // Every attempt carries a valid signature of the same body.
    for request in &seen {
        let timestamp: i64 = header(request, "x-kordon-timestamp").parse().expect("ts");
        assert_eq!(header(request, "x-kordon-signature"), sign(SECRET.as_bytes(), timestamp, &request.body));
        assert_eq!(request.body, seen[0].body);
    }
}

#[tokio::test]
async fn persistent_server_errors_fail_after_every_attempt() {
    let (receiver, url) = start(vec![Some(StatusCode::INTERNAL_SERVER_ERROR)]).await;
    let caller = WebhookCaller::new(&settings(url, 2000, 3)).expect("caller");
    let err = caller.call(&flashcall()).await.expect_err("never delivered");

    assert_eq!(receiver.seen().len(), 4, "1 + retries attempts");
    assert!(err.0.contains("500"), "the error names the status: {err}");
    assert!(err.0.contains("4 attempts"), "{err}");
    assert!(!err.0.contains(PIN), "the error never names the PIN: {err}");
}

#[tokio::test]
async fn client_errors_fail_at_once() {
    let (receiver, url) = start(vec![Some(StatusCode::BAD_REQUEST), Some(StatusCode::OK)]).await;
    let caller = WebhookCaller::new(&settings(url, 2000, 3)).expect("caller");
    let err = caller.call(&flashcall()).await.expect_err("rejected");

    assert_eq!(receiver.seen().len(), 1, "a 4xx is not retried");
    assert!(err.0.contains("400"), "the error names the status: {err}");
    assert!(!err.0.contains(PIN), "the error never names the PIN: {err}");
}

#[tokio::test]
async fn a_silent_receiver_hits_the_timeout() {
    let (receiver, url) = start(vec![None]).await;
    let caller = WebhookCaller::new(&settings(url, 300, 1)).expect("caller");
    let started = Instant::now();
    let err = caller.call(&flashcall()).await.expect_err("timed out");
    let elapsed = started.elapsed();

    assert_eq!(receiver.seen().len(), 2, "a timeout is retried");
    assert!(err.0.contains("timed out"), "{err}");
    assert!(!err.0.contains(PIN), "the error never names the PIN: {err}");
    assert!(elapsed >= Duration::from_millis(600), "two attempts of 300 ms: {elapsed:?}");
    assert!(elapsed < Duration::from_secs(5), "bounded: {elapsed:?}");
}

#[tokio::test]
async fn nothing_listening_is_a_connection_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    let caller = WebhookCaller::new(&settings(format!("http://{addr}/flashcall"), 300, 1)).expect("caller");
    let err = caller.call(&flashcall()).await.expect_err("nobody there");
    assert!(err.0.contains("2 attempts"), "connection errors are retried: {err}");
    assert!(err.0.contains("connection failed") || err.0.contains("timed out"), "{err}");
}

#[test]
fn settings_are_checked() {
    let good = settings("https://telephony.example/flashcall".into(), 1000, 3);
    assert!(WebhookCaller::new(&good).is_ok());

    let empty_url = WebhookSettings { url: String::new(), ..good.clone() };
    assert!(WebhookCaller::new(&empty_url).expect_err("empty url").0.contains("url"));

    let empty_secret = WebhookSettings { secret: SecretString::default(), ..good.clone() };
    assert!(WebhookCaller::new(&empty_secret).expect_err("empty secret").0.contains("secret"));

    let bad_scheme = WebhookSettings { url: "ftp://example.com/x".into(), ..good.clone() };
    assert!(WebhookCaller::new(&bad_scheme).is_err());

    let not_a_url = WebhookSettings { url: "not a url".into(), ..good };
    assert!(WebhookCaller::new(&not_a_url).is_err());
}

#[test]
fn settings_defaults_and_serde() {
    let defaults = WebhookSettings::default();
    assert_eq!(defaults.url, "");
    assert_eq!((defaults.timeout_ms, defaults.retries, defaults.backoff_ms), (5000, 3, 200));

    let parsed: WebhookSettings = serde_json::from_str(r#"{"url":"https://x.example/h","secret":"k"}"#).expect("parse");
    assert_eq!(parsed.timeout_ms, 5000);
    assert_eq!(parsed.secret.expose_secret(), "k");

    assert!(serde_json::from_str::<WebhookSettings>(r#"{"urll":"x"}"#).is_err(), "unknown fields are refused");

    // The secret never leaves through Serialize or Debug.
    let json = serde_json::to_string(&parsed).expect("serialize");
    assert!(!json.contains("\"k\"") && !json.contains("secret"), "{json}");
    assert!(!format!("{parsed:?}").contains("\"k\""));
}
