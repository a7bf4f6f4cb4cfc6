//! Seed 000 end to end: flashcall → register → login (both ways) → authuser → refresh → logout,
//! with every documented error, on SQLite and PostgreSQL.

use crate::helpers::{PASSWORD, TestApp, redact};
use kordon_core::Clock as _;
use serde_json::json;

const SECRET_KEYS: &[&str] = &["token", "refresh_token", "token_expire", "refresh_token_expire"];

async fn register_answers_the_seed_body(app: TestApp) {
    let body = app.register("User@Mail.ru", "+7 (999) 333-22-10").await;
    insta::assert_json_snapshot!("register", redact(body.clone(), SECRET_KEYS));
    let now = kordon_core::Clock::now(&app.clock);
    assert_eq!(body["token_expire"], now + 3600);
    assert_eq!(body["refresh_token_expire"], now + 86400);
    for key in ["token", "refresh_token"] {
        let t = body[key].as_str().expect("token");
        assert_eq!(t.len(), 32);
        assert!(t.chars().all(|c| c.is_ascii_alphanumeric()));
    }
}
both!(register_answers_the_seed_body);

async fn login_by_email_and_by_phone(app: TestApp) {
    app.register("user@mail.ru", "79993332210").await;
    let (status, body) = app.post("/api/v1/login", json!({ "email": "USER@mail.ru", "password": PASSWORD })).await;
    assert_eq!(status, 200, "{body}");
    insta::assert_json_snapshot!("login", redact(body, SECRET_KEYS));

    app.clock.advance(61); // one call per phone per minute
    let (token, pin) = app.flashcall("89993332210").await;
    let (status, body) = app.post("/api/v1/login", json!({ "phone": "79993332210", "pin": pin, "token": token })).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["user"]["email"], "user@mail.ru");
    // Single use: the same PIN again fails.
    let (status, body) = app.post("/api/v1/login", json!({ "phone": "79993332210", "pin": pin })).await;
    assert_eq!((status, body), (400, json!({"message":{"message":"The pin is invalid.","field":"pin"},"code":400})));
}
both!(login_by_email_and_by_phone);

async fn login_failures_look_alike(app: TestApp) {
    app.register("user@mail.ru", "79993332210").await;
    let wrong = json!({ "message": "Password not right.", "code": 400 });
    let (s1, b1) = app.post("/api/v1/login", json!({ "email": "user@mail.ru", "password": "not-the-password" })).await;
    let (s2, b2) =
        app.post("/api/v1/login", json!({ "email": "nobody@mail.ru", "password": "not-the-password" })).await;
    assert_eq!((s1, &b1), (400, &wrong));
    assert_eq!((s2, &b2), (400, &wrong));
    let (s, b) = app.post("/api/v1/login", json!({ "password": PASSWORD })).await;
    assert_eq!((s, b), (400, json!({"message":{"message":"The email field is required.","field":"email"},"code":400})));
    let (s, b) = app.post("/api/v1/login", json!({ "email": "user@mail.ru" })).await;
    assert_eq!(
        (s, b),
        (400, json!({"message":{"message":"The password field is required.","field":"password"},"code":400}))
    );
    let (s, b) = app.post("/api/v1/login", json!({ "email": "not-an-email", "password": "x" })).await;
    assert_eq!(
        (s, b),
        (400, json!({"message":{"message":"The email must be a valid email address.","field":"email"},"code":400}))
    );
    // An unknown phone fails exactly like a wrong PIN.
    let (_, pin) = app.flashcall("79990000000").await;
    let (s, b) = app.post("/api/v1/login", json!({ "phone": "79990000000", "pin": pin })).await;
    assert_eq!((s, b), (400, json!({"message":{"message":"The pin is invalid.","field":"pin"},"code":400})));
}
both!(login_failures_look_alike);

async fn register_validates_every_field(app: TestApp) {
    let ok = json!({ "email": "a@b.ru", "phone": "79991112233", "password": PASSWORD,
                     "password_confirmation": PASSWORD, "pin": "0000" });
    let cases = [
        ("email", json!(null), "The email field is required."),
        ("email", json!("nope"), "The email must be a valid email address."),
        ("phone", json!(null), "The phone field is required."),
        ("phone", json!("12ab"), "The phone format is invalid."),
        ("password", json!(null), "The password field is required."),
        ("password", json!("short"), "The password must be at least 8 characters."),
        ("password", json!("x".repeat(129)), "The password must not be greater than 128 characters."),
        ("password", json!("password"), "The password confirmation does not match."),
        ("pin", json!(null), "The pin field is required."),
        ("pin", json!("9999"), "The pin is invalid."),
    ];
    for (field, value, message) in cases {
        let mut body = ok.clone();
        body[field] = value;
        let (s, b) = app.post("/api/v1/register", body).await;
        assert_eq!((s, b), (400, json!({"message":{"message":message,"field":field},"code":400})), "{field}");
    }
    // A common password is refused even when confirmed.
    let mut body = ok.clone();
    body["password"] = json!("password");
    body["password_confirmation"] = json!("password");
    let (s, b) = app.post("/api/v1/register", body).await;
    assert_eq!(s, 400);
    assert_eq!(b["message"]["field"], "password");
    // Email and phone are unique (email case-insensitively, phone in any written form).
    app.register("taken@mail.ru", "79995554433").await;
    let (_, pin) = app.flashcall("79990001122").await;
    let mut body = ok.clone();
    body["email"] = json!("TAKEN@mail.ru");
    body["phone"] = json!("79990001122");
    body["pin"] = json!(pin);
    let (s, b) = app.post("/api/v1/register", body.clone()).await;
    assert_eq!(
        (s, b),
        (400, json!({"message":{"message":"The email has already been taken.","field":"email"},"code":400}))
    );
    // A taken phone shows only to whoever holds that phone's PIN.
    app.clock.advance(61);
    let (_, pin) = app.flashcall("79995554433").await;
    body["email"] = json!("fresh@mail.ru");
    body["phone"] = json!("8 999 555 44 33");
    body["pin"] = json!(pin);
    let (s, b) = app.post("/api/v1/register", body).await;
    assert_eq!(
        (s, b),
        (400, json!({"message":{"message":"The phone has already been taken.","field":"phone"},"code":400}))
    );
}
both!(register_validates_every_field);

async fn without_a_pin_register_reveals_no_account(app: TestApp) {
    app.register("taken@mail.ru", "79995554433").await;
    let (_, pin) = app.flashcall("79990001122").await;
    let wrong = if pin == "0000" { "1111" } else { "0000" };
    let (s, b) = app
        .post(
            "/api/v1/register",
            json!({ "email": "taken@mail.ru", "phone": "79995554433", "password": PASSWORD,
                    "password_confirmation": PASSWORD, "pin": wrong }),
        )
        .await;
    assert_eq!((s, b), (400, json!({"message":{"message":"The pin is invalid.","field":"pin"},"code":400})));
    // A PIN that checks out but meets a taken email is not spent: the caller fixes the email.
    let mut body = json!({ "email": "taken@mail.ru", "phone": "79990001122", "password": PASSWORD,
                           "password_confirmation": PASSWORD, "pin": pin });
    assert_eq!(app.post("/api/v1/register", body.clone()).await.0, 400);
    body["email"] = json!("fresh@mail.ru");
    let (s, b) = app.post("/api/v1/register", body).await;
    assert_eq!(s, 200, "{b}");
}
both!(without_a_pin_register_reveals_no_account);

async fn authuser_echoes_the_token(app: TestApp) {
    let reg = app.register("user@mail.ru", "79993332210").await;
    let token = reg["token"].as_str().expect("token");
    let (s, b) = app.get_auth("/api/v1/authuser", token).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["token"], token);
    assert_eq!(b["token_expire"], reg["token_expire"]);
    assert_eq!(b["refresh_token"], json!(null));
    assert_eq!(b["refresh_token_expire"], reg["refresh_token_expire"]);
    assert_eq!(b["user"], reg["user"]);
    let unauth = json!({ "message": "Unauthenticated.", "code": 401 });
    let (s, b) = app.call("GET", "/api/v1/authuser", None, None).await;
    assert_eq!((s, &b), (401, &unauth));
    let (s, b) = app.get_auth("/api/v1/authuser", "not-a-token").await;
    assert_eq!((s, &b), (401, &unauth));
    // A refresh token is not an access token.
    let (s, _) = app.get_auth("/api/v1/authuser", reg["refresh_token"].as_str().expect("refresh")).await;
    assert_eq!(s, 401);
    // The access token dies after an hour.
    app.clock.advance(3601);
    let (s, b) = app.get_auth("/api/v1/authuser", token).await;
    assert_eq!((s, &b), (401, &unauth));
}
both!(authuser_echoes_the_token);

async fn refresh_rotates_and_detects_reuse(app: TestApp) {
    let reg = app.register("user@mail.ru", "79993332210").await;
    let first = reg["refresh_token"].as_str().expect("refresh").to_string();
    let (s, b) = app.post("/api/v1/refresh", json!({ "token": first })).await;
    assert_eq!(s, 200, "{b}");
    insta::assert_json_snapshot!("refresh", redact(b.clone(), SECRET_KEYS));
    let second = b["refresh_token"].as_str().expect("refresh").to_string();
    let access = b["token"].as_str().expect("access").to_string();
    // The old access token died with the rotation; the new one works.
    let (s, _) = app.get_auth("/api/v1/authuser", reg["token"].as_str().expect("t")).await;
    assert_eq!(s, 401);
    assert_eq!(app.get_auth("/api/v1/authuser", &access).await.0, 200);
    // Presenting the spent token again after the grace window (10 s by default) revokes the
    // whole family, successor included.
    app.clock.advance(11);
    let invalid = json!({"message":{"message":"The token is invalid.","field":"token"},"code":400});
    let (s, b) = app.post("/api/v1/refresh", json!({ "token": first })).await;
    assert_eq!((s, b), (400, invalid.clone()));
    assert_eq!(app.get_auth("/api/v1/authuser", &access).await.0, 401);
    let (s, b) = app.post("/api/v1/refresh", json!({ "token": second })).await;
    assert_eq!((s, b), (400, invalid.clone()));
    // Missing and unknown tokens.
    let (s, b) = app.post("/api/v1/refresh", json!({})).await;
    assert_eq!((s, b), (400, json!({"message":{"message":"The token field is required.","field":"token"},"code":400})));
    let (s, b) = app.post("/api/v1/refresh", json!({ "token": "cwECB6MhbtLHAz" })).await;
    assert_eq!((s, b), (400, invalid));
}
both!(refresh_rotates_and_detects_reuse);

async fn refresh_expires_on_the_clock(app: TestApp) {
    let reg = app.register("user@mail.ru", "79993332210").await;
    app.clock.advance(86401);
    let (s, _) = app.post("/api/v1/refresh", json!({ "token": reg["refresh_token"] })).await;
    assert_eq!(s, 400);
}
both!(refresh_expires_on_the_clock);

async fn concurrent_refreshes(app: &std::sync::Arc<TestApp>, token: &str) -> Vec<(u16, serde_json::Value)> {
    let tasks: Vec<_> = (0..16)
        .map(|_| {
            let (app, token) = (app.clone(), token.to_string());
            tokio::spawn(async move { app.post("/api/v1/refresh", json!({ "token": token })).await })
        })
        .collect();
    let mut answers = Vec::new();
    for t in tasks {
        answers.push(t.await.expect("join"));
    }
    answers
}

/// Two tabs (here sixteen) refresh one session at once: it rotates once, every tab gets the same
/// successor pair, and that pair works — nobody is logged out.
async fn concurrent_refreshes_rotate_once(app: TestApp) {
    let reg = app.register("user@mail.ru", "79993332210").await;
    let token = reg["refresh_token"].as_str().expect("refresh").to_string();
    let app = std::sync::Arc::new(app);
    let answers = concurrent_refreshes(&app, &token).await;
    assert!(answers.iter().all(|(s, _)| *s == 200), "{answers:?}");
    let first = &answers[0].1;
    assert!(answers.iter().all(|(_, b)| b["token"] == first["token"] && b["refresh_token"] == first["refresh_token"]));
    assert_eq!(app.get_auth("/api/v1/authuser", first["token"].as_str().expect("t")).await.0, 200);
    // Once the successor itself has been rotated, the first token is reuse: the family dies.
    let (s, next) = app.post("/api/v1/refresh", json!({ "token": first["refresh_token"] })).await;
    assert_eq!(s, 200);
    assert_eq!(app.post("/api/v1/refresh", json!({ "token": token })).await.0, 400);
    assert_eq!(app.get_auth("/api/v1/authuser", next["token"].as_str().expect("t")).await.0, 401);
}
both!(concurrent_refreshes_rotate_once);

/// Twenty sessions refresh at the same moment (on SQLite their rotations share commits): each
/// rotates once into its own successor, and every old access token is dead and every new one
/// live, with one of them presented twice on the way.
async fn many_sessions_refresh_at_once(app: TestApp) {
    app.register("user@mail.ru", "79993332210").await;
    let mut sessions = Vec::new();
    for _ in 0..20 {
        let (s, b) = app.post("/api/v1/login", json!({ "email": "user@mail.ru", "password": PASSWORD })).await;
        assert_eq!(s, 200, "{b}");
        sessions.push(b);
    }
    let app = std::sync::Arc::new(app);
    let mut tokens: Vec<String> =
        sessions.iter().map(|b| b["refresh_token"].as_str().expect("refresh").to_string()).collect();
    tokens.push(tokens[0].clone()); // a second tab of the first session
    let tasks: Vec<_> = tokens
        .into_iter()
        .map(|token| {
            let app = app.clone();
            tokio::spawn(async move { app.post("/api/v1/refresh", json!({ "token": token })).await })
        })
        .collect();
    let mut answers = Vec::new();
    for t in tasks {
        answers.push(t.await.expect("join"));
    }
    assert!(answers.iter().all(|(s, _)| *s == 200), "{answers:?}");
    assert_eq!(answers[0].1["refresh_token"], answers[20].1["refresh_token"], "the second tab gets the same pair");
    let distinct: std::collections::HashSet<_> =
        answers[..20].iter().map(|(_, b)| b["refresh_token"].clone()).collect();
    assert_eq!(distinct.len(), 20, "each session has its own successor");
    for (old, (_, new)) in sessions.iter().zip(&answers) {
        assert_eq!(app.get_auth("/api/v1/authuser", old["token"].as_str().expect("t")).await.0, 401);
        assert_eq!(app.get_auth("/api/v1/authuser", new["token"].as_str().expect("t")).await.0, 200);
    }
    let live = "SELECT COUNT(*) FROM sessions WHERE rotated_at IS NULL AND revoked_at IS NULL";
    assert_eq!(app.scalar(live).await, 21, "the twenty successors and the registration's session");
}
both!(many_sessions_refresh_at_once);

async fn without_a_grace_window_exactly_one_refresh_wins(app: TestApp) {
    let reg = app.register("user@mail.ru", "79993332210").await;
    let token = reg["refresh_token"].as_str().expect("refresh").to_string();
    let answers = concurrent_refreshes(&std::sync::Arc::new(app), &token).await;
    assert_eq!(answers.iter().filter(|(s, _)| *s == 200).count(), 1, "exactly one of 16 may succeed");
}
both!(without_a_grace_window_exactly_one_refresh_wins, |c: &mut kordon::config::Config| c.tokens.refresh_grace = 0);

async fn a_family_ends_at_its_absolute_lifetime(app: TestApp) {
    let started = app.clock.now();
    let reg = app.register("user@mail.ru", "79993332210").await;
    let mut refresh = reg["refresh_token"].as_str().expect("refresh").to_string();
    // Rotating every 20 hours keeps each refresh token young, but not the family.
    for _ in 0..2 {
        app.clock.advance(20 * 3600);
        let (s, b) = app.post("/api/v1/refresh", json!({ "token": refresh })).await;
        assert_eq!(s, 200, "{b}");
        assert!(b["refresh_token_expire"].as_i64().expect("exp") <= started + 2 * 86400, "{b}");
        refresh = b["refresh_token"].as_str().expect("refresh").to_string();
    }
    app.clock.advance(9 * 3600);
    assert_eq!(app.post("/api/v1/refresh", json!({ "token": refresh })).await.0, 400, "49 h: past the family's end");
}
both!(a_family_ends_at_its_absolute_lifetime, |c: &mut kordon::config::Config| c.tokens.family_ttl = 2 * 86400);

async fn logout_ends_only_that_session(app: TestApp) {
    let reg = app.register("user@mail.ru", "79993332210").await;
    let token = reg["token"].as_str().expect("t").to_string();
    let (_, second) = app.post("/api/v1/login", json!({ "email": "user@mail.ru", "password": PASSWORD })).await;
    let other = second["token"].as_str().expect("t").to_string();
    let (s, b) = app.post_auth("/api/v1/logout", json!({ "token": "EALnt6y9rKsUeW" }), &token).await;
    assert_eq!((s, b), (400, json!({"message":{"message":"Not logout user.","field":"token"},"code":400})));
    let (s, b) = app.post_auth("/api/v1/logout", json!({}), &token).await;
    assert_eq!((s, b), (400, json!({"message":{"message":"The token field is required.","field":"token"},"code":400})));
    // Another user's token is not the caller's to end.
    let stranger = app.signed_in("other@mail.ru", "79990009988").await;
    let (s, _) = app.post_auth("/api/v1/logout", json!({ "token": stranger }), &token).await;
    assert_eq!(s, 400);
    assert_eq!(app.get_auth("/api/v1/authuser", &stranger).await.0, 200);
    // Logging out by the refresh token ends the session of both tokens.
    let (s, b) = app.post_auth("/api/v1/logout", json!({ "token": reg["refresh_token"] }), &token).await;
    assert_eq!((s, b), (200, json!({ "success": true })));
    assert_eq!(app.get_auth("/api/v1/authuser", &token).await.0, 401);
    assert_eq!(app.post("/api/v1/refresh", json!({ "token": reg["refresh_token"] })).await.0, 400);
    assert_eq!(app.get_auth("/api/v1/authuser", &other).await.0, 200);
    let (s, _) = app.post("/api/v1/logout", json!({ "token": other })).await;
    assert_eq!(s, 401, "logout needs a bearer");
}
both!(logout_ends_only_that_session);

async fn update_password_replaces_every_session(app: TestApp) {
    let reg = app.register("user@mail.ru", "79993332210").await;
    let token = reg["token"].as_str().expect("t").to_string();
    let (_, other) = app.post("/api/v1/login", json!({ "email": "user@mail.ru", "password": PASSWORD })).await;
    let new = "n3w-Passw0rd-long";
    let (s, b) = app
        .post_auth("/api/v1/update-password", json!({ "password": new, "password_confirmation": new }), &token)
        .await;
    assert_eq!(
        (s, b),
        (400, json!({"message":{"message":"The current_password field is required.","field":"token"},"code":400}))
    );
    let (s, b) = app
        .post_auth(
            "/api/v1/update-password",
            json!({ "current_password": "wrong-password", "password": new, "password_confirmation": new }),
            &token,
        )
        .await;
    assert_eq!((s, b), (400, json!({ "message": "Password not right.", "code": 400 })));
    let (s, b) = app
        .post_auth(
            "/api/v1/update-password",
            json!({ "current_password": PASSWORD, "password": new, "password_confirmation": "different-one" }),
            &token,
        )
        .await;
    assert_eq!(s, 400);
    assert_eq!(b["message"]["message"], "The password confirmation does not match.");
    let (s, b) = app
        .post_auth(
            "/api/v1/update-password",
            json!({ "current_password": PASSWORD, "password": new, "password_confirmation": new }),
            &token,
        )
        .await;
    assert_eq!(s, 200, "{b}");
    insta::assert_json_snapshot!("update_password", redact(b.clone(), SECRET_KEYS));
    assert_eq!(app.get_auth("/api/v1/authuser", &token).await.0, 401);
    assert_eq!(app.get_auth("/api/v1/authuser", other["token"].as_str().expect("t")).await.0, 401);
    assert_eq!(app.get_auth("/api/v1/authuser", b["token"].as_str().expect("t")).await.0, 200);
    let (s, _) = app.post("/api/v1/login", json!({ "email": "user@mail.ru", "password": PASSWORD })).await;
    assert_eq!(s, 400);
    let (s, _) = app.post("/api/v1/login", json!({ "email": "user@mail.ru", "password": new })).await;
    assert_eq!(s, 200);
}
both!(update_password_replaces_every_session);

async fn a_grace_window_answers_a_retry_with_the_same_pair(backend: crate::helpers::Backend) {
    let Some(app) = TestApp::spawn_with(backend, |c| c.tokens.refresh_grace = 10).await else { return };
    let reg = app.register("user@mail.ru", "79993332210").await;
    let first = reg["refresh_token"].clone();
    let (s, pair) = app.post("/api/v1/refresh", json!({ "token": first })).await;
    assert_eq!(s, 200, "{pair}");
    // The client's retry (its first answer was lost): the same pair, and the family lives on.
    app.clock.advance(5);
    let (s, again) = app.post("/api/v1/refresh", json!({ "token": first })).await;
    assert_eq!((s, &again), (200, &pair));
    assert_eq!(app.get_auth("/api/v1/authuser", pair["token"].as_str().expect("t")).await.0, 200);
    // Concurrent retries all get that pair too.
    let app = std::sync::Arc::new(app);
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let (app, first) = (app.clone(), first.clone());
            tokio::spawn(async move { app.post("/api/v1/refresh", json!({ "token": first })).await })
        })
        .collect();
    for t in tasks {
        assert_eq!(t.await.expect("join"), (200, pair.clone()));
    }
    // Past the window it is reuse again: refused, and the family is revoked.
    app.clock.advance(6);
    assert_eq!(app.post("/api/v1/refresh", json!({ "token": first })).await.0, 400);
    assert_eq!(app.get_auth("/api/v1/authuser", pair["token"].as_str().expect("t")).await.0, 401);
    assert_eq!(app.post("/api/v1/refresh", json!({ "token": pair["refresh_token"] })).await.0, 400);
}

#[tokio::test]
async fn refresh_grace_sqlite() {
    a_grace_window_answers_a_retry_with_the_same_pair(crate::helpers::Backend::Sqlite).await;
}

#[tokio::test]
async fn refresh_grace_postgres() {
    a_grace_window_answers_a_retry_with_the_same_pair(crate::helpers::Backend::Postgres).await;
}

async fn once_the_successor_is_spent_a_retry_is_reuse(backend: crate::helpers::Backend) {
    let Some(app) = TestApp::spawn_with(backend, |c| c.tokens.refresh_grace = 10).await else { return };
    let reg = app.register("user@mail.ru", "79993332210").await;
    let (_, pair) = app.post("/api/v1/refresh", json!({ "token": reg["refresh_token"] })).await;
    let (s, next) = app.post("/api/v1/refresh", json!({ "token": pair["refresh_token"] })).await;
    assert_eq!(s, 200);
    // Inside the window, but the successor has moved on: this is a stolen token, not a retry.
    assert_eq!(app.post("/api/v1/refresh", json!({ "token": reg["refresh_token"] })).await.0, 400);
    assert_eq!(app.get_auth("/api/v1/authuser", next["token"].as_str().expect("t")).await.0, 401);
}

#[tokio::test]
async fn grace_reuse_sqlite() {
    once_the_successor_is_spent_a_retry_is_reuse(crate::helpers::Backend::Sqlite).await;
}

#[tokio::test]
async fn grace_reuse_postgres() {
    once_the_successor_is_spent_a_retry_is_reuse(crate::helpers::Backend::Postgres).await;
}

#[tokio::test]
async fn a_grace_window_over_a_minute_is_refused_at_start() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config = kordon::config::Config::default();
    config.server.listen = "127.0.0.1:0".into();
    config.server.data_dir = dir.path().to_path_buf();
    config.tokens.refresh_grace = 3600;
    let err = kordon::app::Application::build(&config).await.err().expect("refused");
    assert!(err.contains("refresh_grace"), "{err}");
}
