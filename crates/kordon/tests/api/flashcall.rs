//! FlashCall and its toll-fraud guard: the seed's answers, the PIN's life (expiry, single use,
//! three tries, one purpose), the per-phone cool-down, the hourly caps and the country allowlist.

use crate::helpers::binary::{Store, serve};
use crate::helpers::oidc::{Browser, code_client, request};
use crate::helpers::{PASSWORD, TestApp};
use serde_json::{Value, json};

async fn flashcall_answers_the_seed_body_and_writes_the_outbox(app: TestApp) {
    let (s, b) = app.post("/api/v1/flashcall", json!({ "phone": "79993332210" })).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["phone"], "79993332210");
    assert_eq!(b["success"], true);
    assert_eq!(b.as_object().map(|o| o.len()), Some(3));
    let lines = app.outbox_lines("flashcalls.jsonl");
    assert_eq!(lines.len(), 1);
    let line = &lines[0];
    let mut keys: Vec<_> = line.as_object().expect("object").keys().cloned().collect();
    keys.sort();
    assert_eq!(keys, ["created_at", "phone", "pin", "token"]);
    assert_eq!(line["token"], b["token"]);
    let pin = line["pin"].as_str().expect("pin");
    assert!(pin.len() == 4 && pin.chars().all(|c| c.is_ascii_digit()));
    // Phones arrive in any Russian form and as JSON numbers.
    app.clock.advance(61);
    let (s, b) = app.post("/api/v1/flashcall", json!({ "phone": 89993332210u64 })).await;
    assert_eq!((s, &b["phone"]), (200, &json!("79993332210")));
}
both!(flashcall_answers_the_seed_body_and_writes_the_outbox);

async fn one_call_per_phone_per_minute(app: TestApp) {
    app.flashcall("79993332210").await;
    let (s, b) = app.post("/api/v1/flashcall", json!({ "phone": "+7 999 333-22-10" })).await;
    assert_eq!((s, b), (429, json!({ "message": "Too Many Attempts.", "code": 429 })));
    let resp = app
        .http
        .post(format!("{}/api/v1/flashcall", app.base))
        .header("Client", "10553")
        .json(&json!({ "phone": "79993332210" }))
        .send()
        .await
        .expect("request");
    assert_eq!(resp.headers().get("retry-after").and_then(|v| v.to_str().ok()), Some("60"));
    // Another phone is not held back; the same phone is again after a minute.
    app.flashcall("79993332211").await;
    app.clock.advance(60);
    app.flashcall("79993332210").await;
}
both!(one_call_per_phone_per_minute);

async fn hourly_caps_and_country_allowlist(app: TestApp) {
    // Defaults: 5 calls per phone per hour.
    for _ in 0..5 {
        app.flashcall("79993332210").await;
        app.clock.advance(61);
    }
    let (s, _) = app.post("/api/v1/flashcall", json!({ "phone": "79993332210" })).await;
    assert_eq!(s, 429);
    let (s, b) = app.post("/api/v1/flashcall", json!({ "phone": "+44 20 7946 0000" })).await;
    assert_eq!(
        (s, b),
        (400, json!({"message":{"message":"Calls to this country are not allowed.","field":"phone"},"code":400}))
    );
    let (s, b) = app.post("/api/v1/flashcall", json!({})).await;
    assert_eq!((s, b), (400, json!({"message":{"message":"The phone field is required.","field":"phone"},"code":400})));
}
both!(hourly_caps_and_country_allowlist);

async fn per_ip_and_global_caps(backend: crate::helpers::Backend) {
    let Some(app) = TestApp::spawn_with(backend, |c| c.flashcall.per_ip_hourly = 3).await else { return };
    for i in 0..3 {
        app.flashcall(&format!("7999000000{i}")).await;
    }
    let (s, _) = app.post("/api/v1/flashcall", json!({ "phone": "79990000009" })).await;
    assert_eq!(s, 429, "the fourth call from one address in an hour");
    let Some(app) = TestApp::spawn_with(backend, |c| c.flashcall.global_hourly = 2).await else { return };
    app.flashcall("79990000001").await;
    app.flashcall("79990000002").await;
    let (s, _) = app.post("/api/v1/flashcall", json!({ "phone": "79990000003" })).await;
    assert_eq!(s, 429, "the global ceiling");
    // The window is the clock hour: the next hour opens again.
    app.clock.advance(3600);
    app.flashcall("79990000003").await;
}

#[tokio::test]
async fn per_ip_and_global_caps_sqlite() {
    per_ip_and_global_caps(crate::helpers::Backend::Sqlite).await;
}

#[tokio::test]
async fn per_ip_and_global_caps_postgres() {
    per_ip_and_global_caps(crate::helpers::Backend::Postgres).await;
}

async fn a_pin_dies_after_three_wrong_tries(app: TestApp) {
    let (_, pin) = app.flashcall("79993332210").await;
    let wrong = if pin == "0000" { "1111" } else { "0000" };
    let body = |p: &str| {
        json!({ "email": "user@mail.ru", "phone": "79993332210", "password": PASSWORD,
                "password_confirmation": PASSWORD, "pin": p })
    };
    for _ in 0..3 {
        let (s, _) = app.post("/api/v1/register", body(wrong)).await;
        assert_eq!(s, 400);
    }
    let (s, b) = app.post("/api/v1/register", body(&pin)).await;
    assert_eq!((s, b), (400, json!({"message":{"message":"The pin is invalid.","field":"pin"},"code":400})));
}
both!(a_pin_dies_after_three_wrong_tries);

async fn a_pin_expires_after_five_minutes(app: TestApp) {
    let (token, pin) = app.flashcall("79993332210").await;
    app.clock.advance(301);
    let (s, _) = app
        .post(
            "/api/v1/register",
            json!({ "email": "user@mail.ru", "phone": "79993332210", "password": PASSWORD,
                    "password_confirmation": PASSWORD, "pin": pin, "token": token }),
        )
        .await;
    assert_eq!(s, 400);
}
both!(a_pin_expires_after_five_minutes);

async fn a_pin_is_bound_to_its_phone_and_token(app: TestApp) {
    let (token, pin) = app.flashcall("79993332210").await;
    let body = |phone: &str, token: &str| {
        json!({ "email": "user@mail.ru", "phone": phone, "password": PASSWORD,
                "password_confirmation": PASSWORD, "pin": pin, "token": token })
    };
    let (s, _) = app.post("/api/v1/register", body("79993332211", &token)).await;
    assert_eq!(s, 400, "another phone");
    let (s, _) = app.post("/api/v1/register", body("79993332210", "some-other-token")).await;
    assert_eq!(s, 400, "another verification's token");
    let (s, b) = app.post("/api/v1/register", body("79993332210", &token)).await;
    assert_eq!(s, 200, "{b}");
}
both!(a_pin_is_bound_to_its_phone_and_token);

async fn flashcall_to_the_signed_in_user(app: TestApp) {
    let token = app.signed_in("user@mail.ru", "79993332210").await;
    app.clock.advance(61);
    let (s, b) = app.post_auth("/api/v1/authuser/flashcall", json!({}), &token).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["phone"], "79993332210");
    assert_eq!(b["success"], true);
    let last = app.outbox_lines("flashcalls.jsonl").pop().expect("line");
    assert_eq!(last["token"], b["token"]);
    let (s, _) = app.call("POST", "/api/v1/authuser/flashcall", None, None).await;
    assert_eq!(s, 401);
    // Its PIN confirms; it does not log anyone in by phone.
    let (s, _) = app.post("/api/v1/login", json!({ "phone": "79993332210", "pin": last["pin"] })).await;
    assert_eq!(s, 400);
}
both!(flashcall_to_the_signed_in_user);

/// Registers `phone` with a second call, after a first one whose PIN stays unused: answers that
/// first call's (token, PIN), a registration PIN still live (unspent, inside its five minutes)
/// while the phone now has an account.
async fn registered_with_a_spare_pin(app: &TestApp, phone: &str) -> (String, String) {
    let spare = app.flashcall(phone).await;
    app.clock.advance(61);
    let (token, pin) = app.flashcall(phone).await;
    let (s, b) = app
        .post(
            "/api/v1/register",
            json!({ "email": "user@mail.ru", "phone": phone, "password": PASSWORD,
                    "password_confirmation": PASSWORD, "pin": pin, "token": token }),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    spare
}

fn invalid_pin() -> Value {
    json!({"message":{"message":"The pin is invalid.","field":"pin"},"code":400})
}

/// A PIN called to register with does not sign in by phone, even once the phone has an account;
/// a PIN called for that account does.
async fn a_registration_pin_does_not_log_in_to_the_cabinet(app: TestApp) {
    let (token, pin) = registered_with_a_spare_pin(&app, "79993332210").await;
    let (s, b) = app.post("/api/v1/login", json!({ "phone": "79993332210", "pin": pin, "token": token })).await;
    assert_eq!((s, b), (400, invalid_pin()), "the registration PIN, named by its token");
    let (s, b) = app.post("/api/v1/login", json!({ "phone": "79993332210", "pin": pin })).await;
    assert_eq!((s, b), (400, invalid_pin()), "the registration PIN, without its token");
    app.clock.advance(61);
    let (token, pin) = app.flashcall("79993332210").await;
    let (s, b) = app.post("/api/v1/login", json!({ "phone": "79993332210", "pin": pin, "token": token })).await;
    assert_eq!(s, 200, "a PIN called for the account signs in: {b}");
}
both!(a_registration_pin_does_not_log_in_to_the_cabinet);

/// A login PIN called before a password change dies with the old password, as sessions and reset
/// links do (docs/dialects/cabinet.md): whoever asked for it may not be the owner.
async fn a_password_change_ends_outstanding_login_pins(app: TestApp) {
    let reg = app.register("pin@mail.ru", "79993332210").await;
    let session = reg["token"].as_str().expect("token").to_owned();
    app.clock.advance(61);
    let (token, pin) = app.flashcall("79993332210").await;
    let new = "n3w-Passw0rd-long";
    let body = json!({ "current_password": PASSWORD, "password": new, "password_confirmation": new });
    let (s, b) = app.post_auth("/api/v1/update-password", body, &session).await;
    assert_eq!(s, 200, "{b}");
    let (s, b) = app.post("/api/v1/login", json!({ "phone": "79993332210", "pin": pin, "token": token })).await;
    assert_eq!((s, b), (400, invalid_pin()), "the PIN called before the change");
}
both!(a_password_change_ends_outstanding_login_pins);

/// The login page's PIN step refuses a registration PIN as the cabinet does.
async fn a_registration_pin_does_not_sign_in_on_the_login_page(app: TestApp) {
    let (token, pin) = registered_with_a_spare_pin(&app, "79993332210").await;
    let client = code_client(&app, "Panel", false, true).await;
    let mut browser = Browser::new(&app);
    let login = browser.authorize(&request(&client.id.to_string(), "openid")).await;
    assert_eq!(login.status, 200, "{}", login.body);
    let (csrf, req) = (login.field("csrf"), login.field("request"));
    let step = |token: &str, pin: &str| {
        [
            ("csrf", csrf.clone()),
            ("request", req.clone()),
            ("phone", "79993332210".into()),
            ("token", token.into()),
            ("pin", pin.into()),
        ]
    };
    let fields = step(&token, &pin);
    let refused = browser.post("/oauth/authorize/pin", &fields.each_ref().map(|(k, v)| (*k, v.as_str()))).await;
    assert_eq!(refused.status, 401, "the registration PIN signs nobody in: {}", refused.body);
    assert!(browser.cookies.keys().all(|k| !k.contains("session")), "no sign-in cookie: {:?}", browser.cookies);
    app.clock.advance(61);
    let (token, pin) = app.flashcall("79993332210").await;
    let fields = step(&token, &pin);
    let signed = browser.post("/oauth/authorize/pin", &fields.each_ref().map(|(k, v)| (*k, v.as_str()))).await;
    assert_eq!(signed.status, 303, "a PIN called for the account signs in: {}", signed.body);
}
both!(a_registration_pin_does_not_sign_in_on_the_login_page);

/// Every unkeyed digest a database dump might be tried against: SHA-256 (hex) of the PIN alone
/// and of the PIN joined to what the row and the request hold.
fn unkeyed_digests(pin: &str, token: &str, token_digest: &str, phone: &str) -> Vec<String> {
    use sha2::Digest as _;
    let sha = |s: String| format!("{:x}", sha2::Sha256::digest(s.as_bytes()));
    let mut all = vec![sha(pin.to_owned())];
    for other in [token, token_digest, phone] {
        for sep in ["", ":"] {
            all.push(sha(format!("{other}{sep}{pin}")));
            all.push(sha(format!("{pin}{sep}{other}")));
        }
    }
    all
}

/// A database dump does not give a PIN away: its stored digest is no unkeyed digest of any of
/// the 10^4 PINs; it is keyed by a secret that lives outside the database (by default a key file
/// made in the data folder), so a server with another key, on the very same database, cannot
/// verify it; the server that holds the key still does.
async fn a_stored_pin_is_keyed_by_a_secret_outside_the_database(app: TestApp) {
    app.register("user@mail.ru", "79993332210").await;
    app.clock.advance(61);
    let (token, pin) = app.flashcall("79993332210").await;
    let token_digest = &app.text("SELECT token_digest FROM verifications ORDER BY id DESC LIMIT 1").await;
    let pin_digest = &app.text("SELECT pin_digest FROM verifications ORDER BY id DESC LIMIT 1").await;
    for n in 0..10_000 {
        let guess = format!("{n:04}");
        let hit = unkeyed_digests(&guess, &token, token_digest, "79993332210").contains(pin_digest);
        assert!(!hit, "the stored digest gives the PIN away in 10^4 tries (guess {guess}, PIN {pin})");
    }
    // The key file: made at the first start, readable by kordon's user alone.
    let key_file = app.config.server.data_dir.join("pin.key");
    let meta = std::fs::metadata(&key_file).unwrap_or_else(|e| panic!("{}: {e}", key_file.display()));
    use std::os::unix::fs::PermissionsExt as _;
    assert_eq!(meta.permissions().mode() & 0o777, 0o600, "{}", key_file.display());
    // Another server on the same database, with another data folder (so another key).
    let (_elsewhere, other) = sibling_elsewhere(&app).await;
    let body = json!({ "phone": "79993332210", "pin": pin, "token": token });
    let (s, b) = app.cabinet_at(&other.base, "/api/v1/login", body.clone(), &[]).await;
    assert_eq!((s, b), (400, invalid_pin()), "a server without the key cannot check the PIN");
    let (s, b) = app.post("/api/v1/login", body).await;
    assert_eq!(s, 200, "the server with the key can: {b}");
}
both!(a_stored_pin_is_keyed_by_a_secret_outside_the_database);

/// Another server on the same database with a data folder of its own (so its own key file, unless
/// a key is configured): the folder and the server.
async fn sibling_elsewhere(app: &TestApp) -> (tempfile::TempDir, crate::helpers::Sibling) {
    let elsewhere = tempfile::tempdir().expect("tempdir");
    let url = app.database_url();
    let dir = elsewhere.path().to_path_buf();
    let other = app
        .sibling_with(|c| {
            c.server.data_dir = dir;
            c.server.database_url = url;
        })
        .await;
    (elsewhere, other)
}

const SHARED_PIN_KEY: &str = "a-pin-key-every-instance-is-given-0123456789";

fn shared_pin_key(config: &mut kordon::config::Config) {
    config.flashcall.pin_key = SHARED_PIN_KEY.into();
}

/// Instances on one database given the same `flashcall.pin_key` check each other's PINs, and a
/// configured key makes no key file.
async fn instances_given_one_pin_key_check_each_others_pins(app: TestApp) {
    app.register("user@mail.ru", "79993332210").await;
    app.clock.advance(61);
    let (token, pin) = app.flashcall("79993332210").await;
    let (elsewhere, other) = sibling_elsewhere(&app).await;
    let body = json!({ "phone": "79993332210", "pin": pin, "token": token });
    let (s, b) = app.cabinet_at(&other.base, "/api/v1/login", body, &[]).await;
    assert_eq!(s, 200, "{b}");
    for dir in [app.config.server.data_dir.as_path(), elsewhere.path()] {
        assert!(!dir.join("pin.key").exists(), "{}", dir.display());
    }
}
both!(instances_given_one_pin_key_check_each_others_pins, super::shared_pin_key);

fn number_not_allowed() -> Value {
    json!({"message":{"message":"Calls to this number are not allowed.","field":"phone"},"code":400})
}

/// Premium-rate ranges inside an allowed country are never called by default: Russia's 8-809
/// (and the other 8-80x service codes), in any written form. Nothing is placed.
async fn premium_rate_ranges_are_refused_by_default(app: TestApp) {
    for phone in ["+7 809 505-12-34", "8 (809) 333-44-55", "78095051234", "+7 803 100-20-30"] {
        let (s, b) = app.post("/api/v1/flashcall", json!({ "phone": phone })).await;
        assert_eq!((s, b), (400, number_not_allowed()), "{phone}");
    }
    assert!(app.outbox_lines("flashcalls.jsonl").is_empty(), "no call was placed");
    app.flashcall("79993332210").await;
}
both!(premium_rate_ranges_are_refused_by_default);

fn no_denylist(config: &mut kordon::config::Config) {
    config.flashcall.denied_prefixes = Vec::new();
}

/// An operator who empties `flashcall.denied_prefixes` may call those ranges again.
async fn an_emptied_denylist_calls_premium_ranges(app: TestApp) {
    let (s, b) = app.post("/api/v1/flashcall", json!({ "phone": "+7 809 505-12-34" })).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["phone"], "78095051234");
}
both!(an_emptied_denylist_calls_premium_ranges, super::no_denylist);

fn the_world_allowed(config: &mut kordon::config::Config) {
    config.flashcall.country_prefixes = vec!["7".into(), "44".into(), "979".into(), "881".into()];
}

/// A wider country allowlist still does not reach the international premium and satellite codes.
async fn a_wide_allowlist_still_refuses_international_premium(app: TestApp) {
    for phone in ["+979 1234 5678", "+881 6 3123 4567"] {
        let (s, b) = app.post("/api/v1/flashcall", json!({ "phone": phone })).await;
        assert_eq!((s, b), (400, number_not_allowed()), "{phone}");
    }
    app.flashcall("+44 20 7946 0000").await;
}
both!(a_wide_allowlist_still_refuses_international_premium, super::the_world_allowed);

/// Toll fraud pumps calls into a range it owns, one call per number: each number prefix (the
/// first 7 digits) gets 50 calls a UTC day by default, then the cabinet's cap refusal with
/// `Retry-After` until midnight; another prefix still passes, a janitor run does not reset the
/// count, and the next day opens again.
async fn each_number_prefix_has_a_daily_cap(app: TestApp) {
    // Start a minute into a UTC day, so that the day does not roll over mid-test.
    use kordon_core::Clock as _;
    app.clock.advance(86_400 - app.clock.now().rem_euclid(86_400) + 60);
    // 50 numbers of one range, from three addresses (each under its hourly cap of 20).
    for n in 0..50 {
        let source = format!("127.0.7.{}", 1 + n / 20);
        let (s, b) = app.post_from(&source, "/api/v1/flashcall", json!({ "phone": format!("7999123{n:04}") })).await;
        assert_eq!(s, 200, "call {n}: {b}");
    }
    let refused = app
        .http
        .post(format!("{}/api/v1/flashcall", app.base))
        .header("Client", crate::helpers::CLIENT)
        .json(&json!({ "phone": "79991239999" }))
        .send()
        .await
        .expect("request");
    assert_eq!(refused.status().as_u16(), 429);
    let retry = refused.headers().get("retry-after").and_then(|v| v.to_str().ok()).map(str::to_owned);
    assert_eq!(retry.as_deref(), Some("86340"), "until the UTC day ends");
    let body: Value = refused.json().await.expect("json");
    assert_eq!(body, json!({ "message": "Too Many Attempts.", "code": 429 }));
    app.flashcall("79991240000").await;
    // The janitor keeps a day's counters for the day.
    app.clock.advance(3 * 3600);
    app.core.purge_expired().await.expect("purge");
    let (s, _) = app.post("/api/v1/flashcall", json!({ "phone": "79991239998" })).await;
    assert_eq!(s, 429, "still capped after a janitor run");
    app.clock.advance(86_400);
    app.flashcall("79991239998").await;
}
both!(each_number_prefix_has_a_daily_cap);

/// The real binary's JSON log of the FlashCall refusals: each is one line at INFO or WARN naming
/// its reason (and at most the number's prefix), none is an ERROR, and no PIN is anywhere.
async fn refusals_are_logged_without_the_pin(store: &Store) {
    let env = [("KORDON_LOG__FORMAT", "json"), ("KORDON_FLASHCALL__PER_PREFIX_DAILY", "2")];
    let served = serve(store, &env).await;
    let http = reqwest::Client::new();
    let post = |path: &str, body: Value| {
        let req = http.post(format!("{}{path}", served.base)).header("Client", crate::helpers::CLIENT).json(&body);
        async move { req.send().await.expect("request").status().as_u16() }
    };
    let pin_of = |phone: &str| -> String {
        let lines = std::fs::read_to_string(store.dir.path().join("outbox").join("flashcalls.jsonl")).expect("outbox");
        let line: Value = lines
            .lines()
            .map(|l| serde_json::from_str::<Value>(l).expect("line"))
            .rfind(|l| l["phone"] == phone)
            .expect("the call");
        line["pin"].as_str().expect("pin").to_owned()
    };
    assert_eq!(post("/api/v1/flashcall", json!({ "phone": "+44 20 7946 0000" })).await, 400);
    assert_eq!(post("/api/v1/flashcall", json!({ "phone": "+7 809 505-12-34" })).await, 400);
    // A registration PIN: refused by the login, then wrong three times, then spent of its tries.
    assert_eq!(post("/api/v1/flashcall", json!({ "phone": "79995550001" })).await, 200);
    let pin = pin_of("79995550001");
    assert_eq!(post("/api/v1/login", json!({ "phone": "79995550001", "pin": pin })).await, 400);
    let wrong = if pin == "0000" { "1111" } else { "0000" };
    let register = |pin: &str| {
        json!({ "email": "log@example.com", "phone": "79995550001", "password": crate::helpers::PASSWORD,
                "password_confirmation": crate::helpers::PASSWORD, "pin": pin })
    };
    for _ in 0..3 {
        assert_eq!(post("/api/v1/register", register(wrong)).await, 400);
    }
    assert_eq!(post("/api/v1/register", register(&pin)).await, 400);
    assert_eq!(post("/api/v1/flashcall", json!({ "phone": "79995550001" })).await, 429, "the cool-down");
    let mut pins = vec![pin];
    for phone in ["79996660001", "79996660002"] {
        assert_eq!(post("/api/v1/flashcall", json!({ "phone": phone })).await, 200);
        pins.push(pin_of(phone));
    }
    assert_eq!(post("/api/v1/flashcall", json!({ "phone": "79996660003" })).await, 429, "the prefix's daily cap");

    let log = served.stderr();
    let lines: Vec<Value> = log.lines().filter_map(|l| serde_json::from_str(l).ok()).collect();
    let expected = [
        ("a FlashCall was refused", "country", "INFO"),
        ("a FlashCall was refused", "denied_prefix", "WARN"),
        ("a FlashCall PIN was refused", "no_open_verification", "INFO"),
        ("a FlashCall PIN was refused", "wrong_pin", "INFO"),
        ("a FlashCall PIN was refused", "no_tries_left", "INFO"),
        ("a FlashCall was refused", "cooldown", "INFO"),
        ("a FlashCall was refused", "cap", "WARN"),
    ];
    for (message, reason, level) in expected {
        let found = lines.iter().find(|l| l["message"] == message && l["reason"] == reason);
        let found = found.unwrap_or_else(|| panic!("no {reason:?} line ({message}) in the log:\n{log}"));
        assert_eq!(found["level"], level, "{found}");
    }
    let capped = lines.iter().find(|l| l["reason"] == "cap").expect("cap line");
    assert_eq!((&capped["cap"], &capped["prefix"]), (&json!("prefix-day"), &json!("7999666")), "{capped}");
    assert!(lines.iter().all(|l| l["level"] != "ERROR"), "a refusal is no error:\n{log}");
    for pin in &pins {
        assert!(!crate::operations::contains_secret(&log, pin), "a PIN ({pin}) is in the log:\n{log}");
    }
    for number in ["442079460000", "78095051234", "79995550001", "79996660003"] {
        assert!(!log.contains(number), "a whole number ({number}) is in the log:\n{log}");
    }
}
on_both_stores!(refusals_are_logged_without_the_pin);
