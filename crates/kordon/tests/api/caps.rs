//! Bounded lists and per-owner caps: personal API tokens per user, applications per account, the
//! biometrics persons list (`GET /api/users`, paged by `?page=N` with a `Link` header) and the
//! PBX `Defender` `list` (paged by `params.page`).

use crate::helpers::{PASSWORD, TestApp, pbx_auth_body};
use kordon::config::Config;
use kordon_core::types::PbxRole;
use serde_json::{Value, json};

fn small(config: &mut Config) {
    config.limits.api_tokens_per_user = 3;
    config.limits.applications_per_account = 2;
    config.limits.persons_per_page = 2;
    config.limits.blocks_per_page = 1;
    config.defender.trusted_proxies = vec!["127.0.0.1/32".into()];
}

async fn api_tokens_are_capped_per_user(app: TestApp) {
    let token = app.signed_in("user@mail.ru", "79993332210").await;
    for i in 0..3 {
        let (s, b) = app.post_auth("/api/v1/tokens", json!({}), &token).await;
        assert_eq!(s, 200, "token {i}: {b}");
    }
    let (s, b) = app.post_auth("/api/v1/tokens", json!({}), &token).await;
    assert_eq!(
        (s, b),
        (400, json!({ "message": "You may have at most 3 API tokens: delete one first.", "code": 400 }))
    );
    // Another user has an allowance of their own; deleting one frees a place.
    let other = app.signed_in("other@mail.ru", "79993332211").await;
    assert_eq!(app.post_auth("/api/v1/tokens", json!({}), &other).await.0, 200);
    let (_, list) = app.get_auth("/api/v1/tokens", &token).await;
    let id = list["data"][0]["id"].as_i64().expect("id");
    assert_eq!(app.call("DELETE", &format!("/api/v1/tokens/{id}"), None, Some(&token)).await.0, 200);
    assert_eq!(app.post_auth("/api/v1/tokens", json!({}), &token).await.0, 200);
}
both!(api_tokens_are_capped_per_user, super::small);

async fn applications_are_capped_per_account(app: TestApp) {
    let token = app.signed_in("user@mail.ru", "79993332210").await;
    let mut ids = Vec::new();
    for name in ["one", "two"] {
        let (s, b) = app.post_auth("/api/v1/applications", json!({ "name": name }), &token).await;
        assert_eq!(s, 200, "{b}");
        ids.push(b["application_id"].as_i64().expect("id"));
    }
    let (s, b) = app.post_auth("/api/v1/applications", json!({ "name": "three" }), &token).await;
    assert_eq!(
        (s, b),
        (400, json!({ "message": "An account may have at most 2 applications: delete one first.", "code": 400 }))
    );
    assert_eq!(app.call("DELETE", &format!("/api/v1/applications/{}", ids[0]), None, Some(&token)).await.0, 200);
    assert_eq!(app.post_auth("/api/v1/applications", json!({ "name": "three" }), &token).await.0, 200);
}
both!(applications_are_capped_per_account, super::small);

/// `GET` with a bearer: status, `Link` header and JSON body.
async fn get(app: &TestApp, path: &str, token: &str) -> (u16, Option<String>, Value) {
    let resp = app.http.get(format!("{}{path}", app.base)).bearer_auth(token).send().await.expect("request");
    let status = resp.status().as_u16();
    let link = resp.headers().get("link").and_then(|v| v.to_str().ok()).map(str::to_owned);
    (status, link, resp.json().await.expect("json"))
}

async fn the_persons_list_is_paged(app: TestApp) {
    app.register("user@mail.ru", "79993332210").await;
    let client = app.core.admin_create_client("app", None, vec!["password".into()], None).await.expect("client");
    let login = json!({ "grant_type": "password", "client_id": client.client_id,
                        "client_secret": client.client_secret, "username": "user@mail.ru", "password": PASSWORD });
    let r = app.http.post(format!("{}/oauth/token", app.base)).json(&login).send().await.expect("request");
    let jwt = r.json::<Value>().await.expect("json")["access_token"].as_str().expect("jwt").to_string();
    for name in ["Anna", "Boris", "Vera"] {
        let r = app
            .http
            .post(format!("{}/api/users", app.base))
            .bearer_auth(&jwt)
            .json(&json!({ "name": name, "master_token": format!("mt-{name}") }))
            .send()
            .await
            .expect("request");
        assert_eq!(r.status().as_u16(), 201);
    }
    // The seed's shape (a plain array), at most a page of it, and a pointer to the rest.
    let (s, link, first) = get(&app, "/api/users", &jwt).await;
    assert_eq!(s, 200);
    let names = |v: &Value| v.as_array().expect("array").iter().map(|p| p["name"].clone()).collect::<Vec<_>>();
    assert_eq!(names(&first), [json!("Anna"), json!("Boris")]);
    assert_eq!(link.as_deref(), Some("</api/users?page=2>; rel=\"next\""));
    let (s, link, second) = get(&app, "/api/users?page=2", &jwt).await;
    assert_eq!((s, link), (200, None));
    assert_eq!(names(&second), [json!("Vera")]);
    let (_, _, past) = get(&app, "/api/users?page=9", &jwt).await;
    assert_eq!(past, json!([]));
}
both!(the_persons_list_is_paged, super::small);

async fn the_pbx_defender_list_is_paged(app: TestApp) {
    app.domain_user("admin@a.example", "a.example", PbxRole::ADMINISTRATOR).await;
    app.domain_user("user@a.example", "a.example", PbxRole::USER).await;
    let (_, admin, _) = app.pbx(pbx_auth_body("admin@a.example", PASSWORD), None).await;
    let token = admin["body"]["token"].as_str().expect("token").to_string();
    // Two hosts attack the domain's user and get blocked.
    for host in ["203.0.113.1", "203.0.113.2"] {
        for _ in 0..10 {
            let headers = [("x-forwarded-for", host)];
            app.pbx_at(&app.base, pbx_auth_body("user@a.example", "wrong-password"), None, &headers).await;
        }
    }
    let list = |page: Option<i64>| {
        let mut envelope = json!({ "action": "list", "obj": "Defender", "action_id": "7" });
        if let Some(page) = page {
            envelope["params"] = json!({ "page": page });
        }
        envelope
    };
    let (s, first, _) = app.pbx(list(None), Some(&token)).await;
    assert_eq!(s, 200, "{first}");
    assert_eq!(first["body"]["blocks"].as_array().expect("blocks").len(), 1, "{first}");
    assert_eq!(first["body"]["next_page"], 2);
    let (_, second, _) = app.pbx(list(Some(2)), Some(&token)).await;
    assert_eq!(second["body"]["blocks"].as_array().expect("blocks").len(), 1, "{second}");
    assert!(second["body"].get("next_page").is_none(), "the last page: {second}");
    assert_ne!(first["body"]["blocks"][0]["ip"], second["body"]["blocks"][0]["ip"]);
    // Any block of the domain can still be lifted, whatever page it is on.
    let ip = second["body"]["blocks"][0]["ip"].as_str().expect("ip").to_string();
    let unblock = json!({ "action": "unblock", "obj": "Defender", "action_id": "8", "params": { "ip": ip } });
    let (s, b, _) = app.pbx(unblock, Some(&token)).await;
    assert_eq!((s, b["body"].clone()), (200, json!({ "success": true })));
    let (_, after, _) = app.pbx(list(None), Some(&token)).await;
    assert_eq!(after["body"]["blocks"].as_array().expect("blocks").len(), 1);
    assert!(after["body"].get("next_page").is_none(), "{after}");
}
both!(the_pbx_defender_list_is_paged, super::small);
