//! The bearer-check cache stays coherent: a revocation is refused at once on the instance that
//! made it and within a second on another instance of the same store; a write that bypasses
//! kordon is seen when the cache epoch moves; an instance that cannot read the epoch stops
//! trusting its cache. (Admin commands from another process: `operations.rs`, which revokes
//! cached tokens with the real binary while a server runs.)

use crate::helpers::{PASSWORD, TestApp};
use serde_json::json;
use std::time::{Duration, Instant};

/// What another instance may lag behind the one that revoked.
const WITHIN: Duration = Duration::from_secs(1);

/// The status of `GET path` with `token` at `base`.
async fn status(app: &TestApp, base: &str, path: &str, token: &str) -> u16 {
    let resp = app.http.get(format!("{base}{path}")).header("Client", crate::helpers::CLIENT).bearer_auth(token);
    resp.send().await.expect("request").status().as_u16()
}

/// Waits until `GET path` at `base` is refused; panics after [`WITHIN`].
async fn refused_within(app: &TestApp, base: &str, path: &str, token: &str) {
    let started = Instant::now();
    loop {
        let got = status(app, base, path, token).await;
        if got == 401 {
            return;
        }
        assert!(started.elapsed() < WITHIN, "{path} at {base} still answers {got} after {WITHIN:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Waits for two polls of the epoch: the cache is trusted (or distrusted) by then.
async fn two_polls() {
    tokio::time::sleep(kordon_core::cache::POLL * 2 + Duration::from_millis(100)).await;
}

async fn another_instance_sees_revocations_within_a_second(app: TestApp) {
    let other = app.sibling().await;
    two_polls().await;
    let reg = app.register("user@mail.ru", "79993332210").await;
    let token = reg["token"].as_str().expect("token").to_owned();
    let (jwt, client_id, secret) = app.oauth_password_token("user@mail.ru").await;
    // Both instances have checked (and cached) both tokens.
    for base in [&app.base, &other.base] {
        assert_eq!(status(&app, base, "/api/v1/authuser", &token).await, 200);
        assert_eq!(status(&app, base, "/api/ver1.0/user/", &jwt).await, 200);
    }

    // Logout on the first: refused there at once, on the other within a second.
    let (s, b) = app.post_auth("/api/v1/logout", json!({ "token": token }), &token).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(status(&app, &app.base, "/api/v1/authuser", &token).await, 401);
    refused_within(&app, &other.base, "/api/v1/authuser", &token).await;

    // RFC 7009 revocation of the JWT, likewise.
    let form = [("token", jwt.as_str()), ("client_id", &client_id), ("client_secret", &secret)];
    let resp = app.http.post(format!("{}/oauth/revoke", app.base)).form(&form).send().await.expect("revoke");
    assert_eq!(resp.status(), 200);
    assert_eq!(status(&app, &app.base, "/api/ver1.0/user/", &jwt).await, 401);
    refused_within(&app, &other.base, "/api/ver1.0/user/", &jwt).await;

    // Deleting a personal API token, likewise.
    let session = app.login("user@mail.ru", PASSWORD).await;
    let (s, created) = app.post_auth("/api/v1/tokens", json!({}), &session).await;
    assert_eq!(s, 200, "{created}");
    let api_token = created["token"].as_str().expect("token").to_owned();
    for base in [&app.base, &other.base] {
        assert_eq!(status(&app, base, "/api/v1/authuser", &api_token).await, 200);
    }
    let (_, listed) = app.get_auth("/api/v1/tokens", &session).await;
    let id = listed["data"][0]["id"].as_i64().unwrap_or_else(|| panic!("{listed}"));
    let (s, b) = app.call("DELETE", &format!("/api/v1/tokens/{id}"), None, Some(&session)).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(status(&app, &app.base, "/api/v1/authuser", &api_token).await, 401);
    refused_within(&app, &other.base, "/api/v1/authuser", &api_token).await;

    // Deleting an application: its client_credentials are refused on every instance.
    let (s, created) = app.post_auth("/api/v1/applications", json!({ "name": "CRM" }), &session).await;
    assert_eq!(s, 200, "{created}");
    let grant = json!({ "grant_type": "client_credentials", "client_id": created["application_id"],
                        "client_secret": created["application_secret"] });
    let token_status = |base: String| {
        let req = app.http.post(format!("{base}/oauth/token")).json(&grant);
        async move { req.send().await.expect("token").status().as_u16() }
    };
    for base in [&app.base, &other.base] {
        assert_eq!(token_status(base.clone()).await, 200, "{base}");
    }
    let id = created["application_id"].as_i64().expect("application_id");
    let (s, b) = app.call("DELETE", &format!("/api/v1/applications/{id}"), None, Some(&session)).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(token_status(app.base.clone()).await, 401);
    let started = Instant::now();
    while token_status(other.base.clone()).await != 401 {
        assert!(started.elapsed() < WITHIN, "the deleted application still gets tokens on the other instance");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // A password change ends every other session, on every instance.
    let (first, second) = (app.login("user@mail.ru", PASSWORD).await, app.login("user@mail.ru", PASSWORD).await);
    assert_eq!(status(&app, &other.base, "/api/v1/authuser", &first).await, 200);
    let change = json!({ "current_password": PASSWORD, "password": "An0ther-long-pass", "password_confirmation": "An0ther-long-pass" });
    let (s, b) = app.post_auth("/api/v1/update-password", change, &second).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(status(&app, &app.base, "/api/v1/authuser", &first).await, 401);
    refused_within(&app, &other.base, "/api/v1/authuser", &first).await;
}
/// Instances behind one name share the JWT issuer (`oauth.issuer`, or `server.public_url`).
fn one_issuer(config: &mut kordon::config::Config) {
    config.oauth.issuer = "http://kordon.test".into();
}
both!(another_instance_sees_revocations_within_a_second, super::one_issuer);

/// The sessions' epoch as instances read it (PostgreSQL spreads rotations over counters).
const SESSIONS_EPOCH: &str =
    "SELECT sessions + COALESCE((SELECT CAST(SUM(n) AS BIGINT) FROM cache_epoch_slots), 0) FROM cache_epoch";

/// A rotation moves the epoch in its own transaction: the spent session's access token is refused
/// on the other instance within a second too.
async fn a_rotation_reaches_every_instance(app: TestApp) {
    let other = app.sibling().await;
    two_polls().await;
    let reg = app.register("user@mail.ru", "79993332210").await;
    let token = reg["token"].as_str().expect("token");
    assert_eq!(status(&app, &other.base, "/api/v1/authuser", token).await, 200);
    let epoch = app.scalar(SESSIONS_EPOCH).await;
    let (s, b) = app.post("/api/v1/refresh", json!({ "token": reg["refresh_token"] })).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(app.scalar(SESSIONS_EPOCH).await, epoch + 1, "one move, with the rotation");
    assert_eq!(status(&app, &app.base, "/api/v1/authuser", token).await, 401);
    refused_within(&app, &other.base, "/api/v1/authuser", token).await;
    let fresh = b["token"].as_str().expect("token");
    assert_eq!(status(&app, &other.base, "/api/v1/authuser", fresh).await, 200);
}
both!(a_rotation_reaches_every_instance);

/// An application's row-less client_credentials token: its revocation, and its owner's password
/// change, reach the other instance within a second too.
async fn row_less_application_tokens_end_on_every_instance(app: TestApp) {
    let other = app.sibling().await;
    two_polls().await;
    let session = app.signed_in("user@mail.ru", "79993332210").await;
    let (s, created) = app.post_auth("/api/v1/applications", json!({ "name": "CRM" }), &session).await;
    assert_eq!(s, 200, "{created}");
    let (id, secret) = (created["application_id"].to_string(), created["application_secret"].as_str().expect("secret"));
    let mint = || async {
        let form = [("grant_type", "client_credentials"), ("client_id", &id), ("client_secret", secret)];
        let resp = app.http.post(format!("{}/oauth/token", app.base)).form(&form).send().await.expect("token");
        let body: serde_json::Value = resp.json().await.expect("json");
        body["access_token"].as_str().unwrap_or_else(|| panic!("{body}")).to_owned()
    };
    let (first, second) = (mint().await, mint().await);
    for base in [&app.base, &other.base] {
        for jwt in [&first, &second] {
            assert_eq!(status(&app, base, "/api/ver1.0/user/", jwt).await, 200);
        }
    }
    let form = [("token", first.as_str()), ("client_id", &id), ("client_secret", secret)];
    let resp = app.http.post(format!("{}/oauth/revoke", app.base)).form(&form).send().await.expect("revoke");
    assert_eq!(resp.status(), 200);
    assert_eq!(status(&app, &app.base, "/api/ver1.0/user/", &first).await, 401);
    refused_within(&app, &other.base, "/api/ver1.0/user/", &first).await;
    assert_eq!(status(&app, &other.base, "/api/ver1.0/user/", &second).await, 200, "one token revoked");

    let change = json!({ "current_password": PASSWORD, "password": "An0ther-long-pass", "password_confirmation": "An0ther-long-pass" });
    let (s, b) = app.post_auth("/api/v1/update-password", change, &session).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(status(&app, &app.base, "/api/ver1.0/user/", &second).await, 401);
    refused_within(&app, &other.base, "/api/ver1.0/user/", &second).await;
}
both!(row_less_application_tokens_end_on_every_instance, super::one_issuer);

async fn a_write_behind_kordons_back_is_seen_when_the_epoch_moves(app: TestApp) {
    two_polls().await;
    let token = app.signed_in("user@mail.ru", "79993332210").await;
    assert_eq!(status(&app, &app.base, "/api/v1/authuser", &token).await, 200);
    // Revoked straight in the database: the cache still answers (this is what it is for) ...
    app.execute("UPDATE sessions SET revoked_at = 1").await;
    assert_eq!(status(&app, &app.base, "/api/v1/authuser", &token).await, 200, "served from the cache");
    // ... until the epoch moves, as every revocation through kordon moves it.
    app.execute("UPDATE cache_epoch SET value = value + 1").await;
    refused_within(&app, &app.base, "/api/v1/authuser", &token).await;
}
both!(a_write_behind_kordons_back_is_seen_when_the_epoch_moves);

async fn an_instance_that_cannot_read_the_epoch_trusts_nothing(app: TestApp) {
    two_polls().await;
    let token = app.signed_in("user@mail.ru", "79993332210").await;
    assert_eq!(status(&app, &app.base, "/api/v1/authuser", &token).await, 200);
    // The channel breaks: the epoch cannot be read.
    app.execute("ALTER TABLE cache_epoch RENAME TO cache_epoch_gone").await;
    two_polls().await;
    // A revocation it cannot hear of is seen at once: every check goes to the store.
    app.execute("UPDATE sessions SET revoked_at = 1").await;
    assert_eq!(status(&app, &app.base, "/api/v1/authuser", &token).await, 401);

    // The channel is back: caching resumes.
    app.execute("ALTER TABLE cache_epoch_gone RENAME TO cache_epoch").await;
    two_polls().await;
    let fresh = app.login("user@mail.ru", PASSWORD).await;
    assert_eq!(status(&app, &app.base, "/api/v1/authuser", &fresh).await, 200);
    app.execute("UPDATE sessions SET revoked_at = 1").await;
    assert_eq!(status(&app, &app.base, "/api/v1/authuser", &fresh).await, 200, "cached again");
}
both!(an_instance_that_cannot_read_the_epoch_trusts_nothing);
