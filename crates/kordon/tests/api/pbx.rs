//! The PBX JSON action API (seed 001): auth and logout in the envelope, domain settings in the
//! answer, every failure in the envelope, CORS, and tenants kept apart.

use crate::helpers::{PASSWORD, TestApp, redact};
use kordon_core::Clock;
use kordon_core::services::DomainPatch;
use kordon_core::types::PbxRole;
use serde_json::{Value, json};

fn auth(login: &str, password: &str) -> Value {
    json!({ "action": "auth", "obj": "User", "action_id": "123", "params": { "login": login, "password": password } })
}

fn logout() -> Value {
    json!({ "action": "logout", "obj": "User", "action_id": "123", "params": {} })
}

async fn seed_domain(app: &TestApp) -> (i64, i64) {
    let ids = app.domain_user("a@office.runtel.org", "office.runtel.org", PbxRole::ADMINISTRATOR).await;
    let patch = DomainPatch {
        balance: Some("1000.0".into()),
        tz: Some("Europe/Prague".into()),
        locale: Some("en_US".into()),
        ..Default::default()
    };
    app.core.admin_update_domain("office.runtel.org", patch).await.expect("domain");
    ids
}

async fn auth_answers_the_seed_body(app: TestApp) {
    let (user_id, domain_id) = seed_domain(&app).await;
    let (s, b, headers) = app.pbx(auth("a@office.runtel.org", PASSWORD), None).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(headers.get("access-control-allow-origin").and_then(|v| v.to_str().ok()), Some("*"));
    assert_eq!(headers.get("access-control-allow-methods").and_then(|v| v.to_str().ok()), Some("GET, POST, OPTIONS"));
    let body = &b["body"];
    // exp: now + 4 h, as local time in the domain's zone (Prague is UTC+1 or +2).
    let exp = body["exp"].as_str().expect("exp");
    let expected = jiff::Timestamp::from_second(app.clock.now() + 4 * 3600)
        .expect("ts")
        .to_zoned(jiff::tz::TimeZone::get("Europe/Prague").expect("tz"))
        .datetime()
        .strftime("%Y-%m-%dT%H:%M:%S")
        .to_string();
    assert_eq!(exp, expected);
    assert!(body["version"]["last_update"].is_f64());
    assert_eq!(body["token"].as_str().map(str::len), Some(32));
    assert_eq!((body["user_id"].as_i64(), body["domain_id"].as_i64()), (Some(user_id), Some(domain_id)));
    insta::assert_json_snapshot!("pbx_auth", redact(b, &["exp", "last_update", "software", "token"]));
}
both!(auth_answers_the_seed_body);

async fn logout_ends_the_session(app: TestApp) {
    seed_domain(&app).await;
    let (_, b, _) = app.pbx(auth("a@office.runtel.org", PASSWORD), None).await;
    let token = b["body"]["token"].as_str().expect("token").to_string();
    let (s, b, _) = app.pbx(logout(), Some(&token)).await;
    assert_eq!(
        (s, b),
        (
            200,
            json!({ "action": "logout", "action_id": "123", "obj": "User", "code": 200, "notifies": [], "body": {} })
        )
    );
    let (s, b, _) = app.pbx(logout(), Some(&token)).await;
    assert_eq!(s, 401);
    assert_eq!(b["code"], 401);
    assert_eq!(b["notifies"][0]["message"], "Unauthenticated.");
    let (s, _, _) = app.pbx(logout(), None).await;
    assert_eq!(s, 401);
}
both!(logout_ends_the_session);

async fn failures_keep_the_envelope(app: TestApp) {
    seed_domain(&app).await;
    let (s, b, _) = app.pbx(auth("a@office.runtel.org", "wrong-password"), None).await;
    assert_eq!(
        (s, b),
        (
            401,
            json!({ "action": "auth", "action_id": "123", "obj": "User", "code": 401,
                    "notifies": [{ "type": "error", "message": "Wrong login or password." }], "body": {} })
        )
    );
    let (s, b, _) = app.pbx(auth("nobody@office.runtel.org", "wrong-password"), None).await;
    assert_eq!((s, &b["notifies"][0]["message"]), (401, &json!("Wrong login or password.")));
    let (s, b, _) = app.pbx(json!({ "action": "dance", "obj": "User", "action_id": 7 }), None).await;
    assert_eq!(
        (s, b),
        (
            404,
            json!({ "action": "dance", "action_id": 7, "obj": "User", "code": 404,
                    "notifies": [{ "type": "error", "message": "Unknown action \"dance\" for obj \"User\"." }], "body": {} })
        )
    );
    let (s, b, _) = app.pbx(json!({ "action": "auth", "obj": "Robot", "action_id": "1" }), None).await;
    assert_eq!((s, &b["notifies"][0]["message"]), (404, &json!("Unknown action \"auth\" for obj \"Robot\".")));
    let (s, b, _) = app.pbx(json!({ "obj": "User", "action_id": "1" }), None).await;
    assert_eq!((s, b["code"].clone(), b["obj"].clone()), (400, json!(400), json!("User")));
    let (s, b, _) = app.pbx(json!({ "action": "auth", "obj": "User", "params": [1] }), None).await;
    assert_eq!(s, 400, "{b}");
    let resp = app
        .http
        .post(format!("{}/api/", app.base))
        .header("Content-Type", "application/json")
        .body("{oops")
        .send()
        .await
        .expect("request");
    assert_eq!(resp.status().as_u16(), 400);
    assert_eq!(resp.headers().get("access-control-allow-origin").and_then(|v| v.to_str().ok()), Some("*"));
    let b: Value = resp.json().await.expect("json");
    assert_eq!(
        b,
        json!({ "action": null, "action_id": null, "obj": null, "code": 400,
                "notifies": [{ "type": "error", "message": "The request body is not valid JSON." }], "body": {} })
    );
    let (s, b, _) = app.pbx(json!({ "action": "auth", "obj": "User", "params": { "login": "x" } }), None).await;
    assert_eq!((s, &b["notifies"][0]["message"]), (400, &json!("The login must be a valid email address.")));
}
both!(failures_keep_the_envelope);

async fn preflight_is_answered(app: TestApp) {
    let resp = app
        .http
        .request(reqwest::Method::OPTIONS, format!("{}/api/", app.base))
        .header("Origin", "https://pbx.example")
        .header("Access-Control-Request-Method", "POST")
        .send()
        .await
        .expect("request");
    assert_eq!(resp.status().as_u16(), 204);
    let h = resp.headers();
    assert_eq!(h.get("access-control-allow-origin").and_then(|v| v.to_str().ok()), Some("*"));
    assert_eq!(h.get("access-control-allow-methods").and_then(|v| v.to_str().ok()), Some("GET, POST, OPTIONS"));
    assert!(
        h.get("access-control-allow-headers")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("Authorization"))
    );
}
both!(preflight_is_answered);

async fn the_token_lifetime_is_a_domain_setting(app: TestApp) {
    seed_domain(&app).await;
    let patch = DomainPatch { token_ttl: Some(600), ..Default::default() };
    app.core.admin_update_domain("office.runtel.org", patch).await.expect("domain");
    let (_, b, _) = app.pbx(auth("a@office.runtel.org", PASSWORD), None).await;
    let token = b["body"]["token"].as_str().expect("token").to_string();
    app.clock.advance(601);
    let (s, _, _) = app.pbx(logout(), Some(&token)).await;
    assert_eq!(s, 401);
}
both!(the_token_lifetime_is_a_domain_setting);

async fn one_user_one_password_two_dialects(app: TestApp) {
    let reg = app.register("user@mail.ru", "79993332210").await;
    let (s, b, _) = app.pbx(auth("user@mail.ru", PASSWORD), None).await;
    assert_eq!(s, 200, "{b}");
    // A cabinet registrant owns a fresh account: PBX administrator, no domain name yet.
    assert_eq!(
        (b["body"]["role_name"].clone(), b["body"]["role_type"].clone()),
        (json!("PBX administrator"), json!(1))
    );
    assert_eq!(b["body"]["domain_name"], json!(null));
    assert_eq!(b["body"]["tz"], "Europe/Moscow");
    // Each dialect takes its own sessions only.
    let pbx_token = b["body"]["token"].as_str().expect("t");
    assert_eq!(app.get_auth("/api/v1/authuser", pbx_token).await.0, 401);
    let (s, _, _) = app.pbx(logout(), reg["token"].as_str()).await;
    assert_eq!(s, 401);
}
both!(one_user_one_password_two_dialects);

async fn tenants_are_kept_apart(app: TestApp) {
    let (_, a_domain) = app.domain_user("admin@a.example", "a.example", PbxRole::ADMINISTRATOR).await;
    let (_, b_domain) = app.domain_user("admin@b.example", "b.example", PbxRole::ADMINISTRATOR).await;
    assert_ne!(a_domain, b_domain);
    let (_, op_domain) = app.domain_user("operator@a.example", "a.example", PbxRole::OPERATOR).await;
    assert_eq!(op_domain, a_domain, "a domain is one account");
    let (_, a, _) = app.pbx(auth("admin@a.example", PASSWORD), None).await;
    let (_, b, _) = app.pbx(auth("admin@b.example", PASSWORD), None).await;
    assert_eq!(
        (a["body"]["domain_name"].clone(), a["body"]["domain_id"].clone()),
        (json!("a.example"), json!(a_domain))
    );
    assert_eq!(
        (b["body"]["domain_name"].clone(), b["body"]["domain_id"].clone()),
        (json!("b.example"), json!(b_domain))
    );
    let (_, op, _) = app.pbx(auth("operator@a.example", PASSWORD), None).await;
    assert_eq!((op["body"]["role_name"].clone(), op["body"]["role_type"].clone()), (json!("Operator"), json!(2)));
    // An attack on b's administrator blocks a host; only b's administrator sees and lifts it.
    let a_token = a["body"]["token"].as_str().expect("t").to_string();
    let b_token = b["body"]["token"].as_str().expect("t").to_string();
    let op_token = op["body"]["token"].as_str().expect("t").to_string();
    for _ in 0..10 {
        app.pbx(auth("admin@b.example", "wrong-password"), None).await;
    }
    let list = json!({ "action": "list", "obj": "Defender", "action_id": "9" });
    let (s, seen_by_a, _) = app.pbx(list.clone(), Some(&a_token)).await;
    assert_eq!((s, seen_by_a["body"].clone()), (200, json!({ "blocks": [] })));
    let (s, seen_by_b, _) = app.pbx(list.clone(), Some(&b_token)).await;
    assert_eq!(s, 200);
    assert_eq!(seen_by_b["body"]["blocks"][0]["ip"], "127.0.0.1");
    assert!(seen_by_b["body"]["blocks"][0].get("account").is_none(), "logins are not shown");
    let unblock = json!({ "action": "unblock", "obj": "Defender", "action_id": "9", "params": { "ip": "127.0.0.1" } });
    let (s, _, _) = app.pbx(unblock.clone(), Some(&a_token)).await;
    assert_eq!(s, 404, "a's administrator cannot lift b's block");
    let (s, b, _) = app.pbx(unblock.clone(), Some(&op_token)).await;
    assert_eq!((s, &b["notifies"][0]["message"]), (403, &json!("Permission denied.")));
    let (s, b, _) = app.pbx(unblock, Some(&b_token)).await;
    assert_eq!((s, b["body"].clone()), (200, json!({ "success": true })));
    let (s, _, _) = app.pbx(auth("admin@b.example", PASSWORD), None).await;
    assert_eq!(s, 200);
}
both!(tenants_are_kept_apart);
