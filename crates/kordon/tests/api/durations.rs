//! Huge configured durations saturate instead of wrapping: a `defender.block` of `i64::MAX` still
//! blocks, and token and reset lifetimes of `i64::MAX` still let tokens and links live.

use crate::helpers::{PASSWORD, TestApp};
use kordon::config::Config;
use serde_json::json;

fn huge(config: &mut Config) {
    config.defender.block = i64::MAX;
    config.defender.max_block = i64::MAX;
    config.defender.window = i64::MAX;
    config.tokens.access_ttl = i64::MAX;
    config.tokens.refresh_ttl = i64::MAX;
    config.reset.ttl = i64::MAX;
    config.reset.url_prefixes = vec!["https://lk.example/".into()];
    config.oauth.access_ttl = i64::MAX;
}

async fn a_huge_block_still_blocks(app: TestApp) {
    app.register("user@mail.ru", "79993332210").await;
    for i in 0..10 {
        let (s, _) =
            app.post("/api/v1/login", json!({ "email": format!("nobody{i}@mail.ru"), "password": "wrong-pass" })).await;
        assert_eq!(s, 400, "attempt {i}");
    }
    let resp = app
        .http
        .post(format!("{}/api/v1/login", app.base))
        .header("Client", crate::helpers::CLIENT)
        .json(&json!({ "email": "user@mail.ru", "password": PASSWORD }))
        .send()
        .await
        .expect("request");
    assert_eq!(resp.status().as_u16(), 429, "the host is blocked, not unblocked by a wrapped sum");
    let retry: i64 = resp.headers()["retry-after"].to_str().expect("ascii").parse().expect("seconds");
    assert!(retry > 86_400 * 365, "blocked for a very long time: {retry}");
    // A year later it is still blocked.
    app.clock.advance(86_400 * 365);
    assert_eq!(app.post("/api/v1/login", json!({ "email": "user@mail.ru", "password": PASSWORD })).await.0, 429);
}
both!(a_huge_block_still_blocks, super::huge);

async fn huge_lifetimes_keep_tokens_and_links_alive(app: TestApp) {
    let token = app.signed_in("user@mail.ru", "79993332210").await;
    let (s, me) = app.get_auth("/api/v1/authuser", &token).await;
    assert_eq!(s, 200, "a token with a huge lifetime is alive, not expired by a wrapped sum: {me}");
    app.clock.advance(86_400 * 365 * 10);
    assert_eq!(app.get_auth("/api/v1/authuser", &token).await.0, 200, "ten years on");

    let (s, _) =
        app.post("/api/v1/restore-token", json!({ "email": "user@mail.ru", "url": "https://lk.example/r" })).await;
    assert_eq!(s, 200);
    app.core.reset_mail_settled().await;
    let mail = app.outbox_lines("mail.jsonl").pop().expect("the reset mail");
    let text = mail["text"].as_str().expect("text");
    let at = text.find("token=").expect("link") + "token=".len();
    let reset: String = text[at..].chars().take_while(char::is_ascii_alphanumeric).collect();
    let new = "Brand-new-pass-42";
    let (s, b) = app
        .post("/api/v1/change-password", json!({ "token": reset, "password": new, "password_confirmation": new }))
        .await;
    assert_eq!((s, b), (200, json!({ "success": true })), "the link is alive");

    let c = app.core.admin_create_client("app", None, vec!["password".into()], None).await.expect("client");
    let r = app
        .http
        .post(format!("{}/oauth/token", app.base))
        .json(&json!({ "grant_type": "password", "client_id": c.client_id, "client_secret": c.client_secret,
                       "username": "user@mail.ru", "password": new }))
        .send()
        .await
        .expect("request");
    assert_eq!(r.status().as_u16(), 200);
    let body: serde_json::Value = r.json().await.expect("json");
    let jwt = body["access_token"].as_str().expect("jwt");
    let me = app.http.get(format!("{}/api/ver1.0/user/", app.base)).bearer_auth(jwt).send().await.expect("request");
    assert_eq!(me.status().as_u16(), 200, "the JWT is alive");
}
both!(huge_lifetimes_keep_tokens_and_links_alive, super::huge);
