//! The edge: every failure answers JSON in the cabinet's shape — unknown routes and methods,
//! malformed JSON, wrong types, oversized bodies, missing or unknown `Client` — and health checks.

use crate::helpers::TestApp;
use serde_json::{Value, json};

async fn raw(
    app: &TestApp,
    method: &str,
    path: &str,
    client: Option<&str>,
    body: Option<&str>,
) -> (u16, Value, String) {
    let mut req =
        app.http.request(reqwest::Method::from_bytes(method.as_bytes()).expect("m"), format!("{}{path}", app.base));
    if let Some(client) = client {
        req = req.header("Client", client);
    }
    if let Some(body) = body {
        req = req.header("Content-Type", "application/json").body(body.to_string());
    }
    let resp = req.send().await.expect("request");
    let status = resp.status().as_u16();
    let content_type = resp.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let text = resp.text().await.expect("text");
    let value = serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"));
    (status, value, content_type)
}

async fn unknown_routes_and_methods_answer_json(app: TestApp) {
    let (s, b, ct) = raw(&app, "GET", "/api/v1/nope", Some("10553"), None).await;
    assert_eq!((s, b), (404, json!({ "message": "Not Found.", "code": 404 })));
    assert!(ct.starts_with("application/json"));
    let (s, b, _) = raw(&app, "GET", "/", None, None).await;
    assert_eq!((s, b), (404, json!({ "message": "Not Found.", "code": 404 })));
    let (s, b, _) = raw(&app, "GET", "/api/v1/login", Some("10553"), None).await;
    assert_eq!((s, b), (405, json!({ "message": "Method Not Allowed.", "code": 405 })));
}
both!(unknown_routes_and_methods_answer_json);

async fn bad_bodies_answer_in_the_cabinet_shape(app: TestApp) {
    let (s, b, _) = raw(&app, "POST", "/api/v1/login", Some("10553"), Some("{not json")).await;
    assert_eq!((s, b), (400, json!({ "message": "The request body is not valid JSON.", "code": 400 })));
    let (s, b, _) = raw(&app, "POST", "/api/v1/login", Some("10553"), Some("[1,2]")).await;
    assert_eq!((s, b), (400, json!({ "message": "The request body must be a JSON object.", "code": 400 })));
    let (s, b, _) = raw(&app, "POST", "/api/v1/login", Some("10553"), Some(r#"{"email": 5, "password": "x"}"#)).await;
    assert_eq!((s, b), (400, json!({"message":{"message":"The email must be a string.","field":"email"},"code":400})));
    let (s, b, _) = raw(&app, "POST", "/api/v1/flashcall", Some("10553"), Some(r#"{"phone": ["7"]}"#)).await;
    assert_eq!((s, b), (400, json!({"message":{"message":"The phone must be a string.","field":"phone"},"code":400})));
    // An empty body is an empty object: the first missing field is named.
    let (s, b, _) = raw(&app, "POST", "/api/v1/refresh", Some("10553"), None).await;
    assert_eq!((s, b), (400, json!({"message":{"message":"The token field is required.","field":"token"},"code":400})));
    let big = format!(r#"{{"email":"{}"}}"#, "a".repeat(70 * 1024));
    let (s, b, _) = raw(&app, "POST", "/api/v1/login", Some("10553"), Some(&big)).await;
    assert_eq!((s, b), (413, json!({ "message": "The request body is too large.", "code": 413 })));
}
both!(bad_bodies_answer_in_the_cabinet_shape);

async fn the_client_header_is_required_and_checked(app: TestApp) {
    let body = Some(r#"{"email":"a@b.ru","password":"whatever-pass"}"#);
    let (s, b, _) = raw(&app, "POST", "/api/v1/login", None, body).await;
    assert_eq!(
        (s, b),
        (400, json!({"message":{"message":"The client field is required.","field":"client"},"code":400}))
    );
    for bad in ["99999", "abc", "-1"] {
        let (s, b, _) = raw(&app, "POST", "/api/v1/login", Some(bad), body).await;
        assert_eq!(
            (s, b),
            (400, json!({"message":{"message":"The selected client is invalid.","field":"client"},"code":400})),
            "{bad}"
        );
    }
    // A client without the cabinet grant cannot use the cabinet.
    let other = app
        .core
        .admin_create_client("provider app", Some(777), vec!["client_credentials".into()], None)
        .await
        .expect("client");
    let (s, _, _) = raw(&app, "POST", "/api/v1/login", Some(&other.client_id.to_string()), body).await;
    assert_eq!(s, 400);
    // role.client_id echoes the client that signed in.
    app.core.admin_create_client("second cabinet", Some(20001), vec!["cabinet".into()], None).await.expect("client");
    app.register("user@mail.ru", "79993332210").await;
    let login = Some(r#"{"email":"user@mail.ru","password":"Tr0ub4dor&3-horse"}"#);
    let (s, b, _) = raw(&app, "POST", "/api/v1/login", Some("20001"), login).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["user"]["role"], json!({ "name": "lk_admin", "client_id": 20001 }));
}
both!(the_client_header_is_required_and_checked);

async fn health_and_readiness(app: TestApp) {
    let (s, b, _) = raw(&app, "GET", "/healthz", None, None).await;
    assert_eq!((s, b), (200, json!({ "status": "ok" })));
    let (s, b, _) = raw(&app, "GET", "/readyz", None, None).await;
    assert_eq!((s, b), (200, json!({ "status": "ok", "database": "ok" })));
}
both!(health_and_readiness);

async fn answers_are_never_cached(app: TestApp) {
    let resp = app.http.get(format!("{}/healthz", app.base)).send().await.expect("request");
    assert_eq!(resp.headers().get("cache-control").and_then(|v| v.to_str().ok()), Some("no-store"));
}
both!(answers_are_never_cached);

async fn the_janitor_deletes_only_the_long_dead(app: TestApp) {
    let reg = app.register("user@mail.ru", "79993332210").await;
    app.post("/api/v1/restore-token", json!({ "email": "user@mail.ru", "url": "https://lk.example/r" })).await;
    app.core.reset_mail_settled().await;
    assert_eq!(app.core.purge_expired().await.expect("purge"), 0, "nothing is dead yet");
    // Two days on: the session, the PIN, the reset token and the counters are long dead.
    app.clock.advance(2 * 86_400 + 1);
    let deleted = app.core.purge_expired().await.expect("purge");
    assert!(deleted >= 4, "{deleted}");
    assert_eq!(app.core.purge_expired().await.expect("purge"), 0);
    // The account itself stays, and its owner logs in again.
    let (s, _) =
        app.post("/api/v1/login", json!({ "email": "user@mail.ru", "password": crate::helpers::PASSWORD })).await;
    assert_eq!(s, 200);
    assert_eq!(app.get_auth("/api/v1/authuser", reg["token"].as_str().expect("t")).await.0, 401);
}
fn reset_prefix(config: &mut kordon::config::Config) {
    config.reset.url_prefixes = vec!["https://lk.example/".into()];
}
both!(the_janitor_deletes_only_the_long_dead, super::reset_prefix);

async fn undecodable_paths_answer_json(app: TestApp) {
    let token = app.signed_in("user@mail.ru", "79993332210").await;
    for path in ["/api/v1/tokens/%FF", "/api/v1/applications/%C0"] {
        let (s, b) = app.call("DELETE", path, None, Some(&token)).await;
        assert_eq!((s, b), (404, json!({ "message": "Not Found.", "code": 404 })), "{path}");
    }
    let (s, b, ct) = raw(&app, "GET", "/docs/%FF", None, None).await;
    assert_eq!((s, b), (404, json!({ "message": "Not Found.", "code": 404 })));
    assert!(ct.starts_with("application/json"));
}
both!(undecodable_paths_answer_json);

/// PostgreSQL's text cannot hold NUL: each dialect refuses one in its own validation shape
/// (found by schemathesis as 500s on PostgreSQL), the same on both stores.
async fn nul_characters_are_refused_in_each_dialects_shape(app: TestApp) {
    let (s, b, _) =
        raw(&app, "POST", "/api/v1/login", Some("10553"), Some(r#"{"email":"a\u0000@b.ru","password":"x"}"#)).await;
    assert_eq!(
        (s, b),
        (400, json!({ "message": { "message": "The email format is invalid.", "field": "email" }, "code": 400 }))
    );

    let envelope = json!({ "action": "auth", "obj": "User", "params": { "login": "a\u{0}b", "password": "x" } });
    let (s, b, _) = app.pbx(envelope, None).await;
    assert_eq!((s, b["code"].clone()), (400, json!(400)), "{b}");
    assert_eq!(b["notifies"][0]["message"], "The login format is invalid.", "{b}");

    app.register("owner@mail.ru", "79993332210").await;
    let grants = vec!["password".to_string()];
    let client = app.core.admin_create_client("app", None, grants, None).await.expect("client");
    let token = |username: &str| {
        let id = client.client_id.to_string();
        let pairs = [
            ("grant_type", "password"),
            ("client_id", id.as_str()),
            ("client_secret", client.client_secret.as_deref().expect("secret")),
            ("username", username),
            ("password", crate::helpers::PASSWORD),
        ];
        app.http.post(format!("{}/oauth/token", app.base)).form(&pairs).send()
    };
    let resp = token("owner\0@mail.ru").await.expect("token");
    assert_eq!(resp.status(), 400);
    let b: Value = resp.json().await.expect("json");
    assert_eq!(b["error"], "invalid_request", "{b}");
    let b: Value = token("owner@mail.ru").await.expect("token").json().await.expect("json");
    let bearer = b["access_token"].as_str().expect("access_token");

    let resp = app
        .http
        .post(format!("{}/api/users", app.base))
        .bearer_auth(bearer)
        .json(&json!({ "name": "a\u{0}b", "master_token": "m" }))
        .send()
        .await
        .expect("request");
    assert_eq!(resp.status(), 422);
    let b: Value = resp.json().await.expect("json");
    assert_eq!(b["errors"], json!({ "name": ["The name format is invalid."] }), "{b}");
}
both!(nul_characters_are_refused_in_each_dialects_shape);
