//! Personal API tokens (create, Laravel-paginated list, delete) and the contract's manager.

use crate::helpers::TestApp;
use serde_json::json;

async fn api_tokens_authenticate_until_deleted(app: TestApp) {
    let session = app.signed_in("user@mail.ru", "79993332210").await;
    let (s, b) = app.post_auth("/api/v1/tokens", json!({}), &session).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b.as_object().map(|o| o.len()), Some(2));
    assert_eq!(b["success"], true);
    let api = b["token"].as_str().expect("token").to_string();
    assert_eq!(api.len(), 32);
    // It authenticates like an access token, with no expiry.
    let (s, me) = app.get_auth("/api/v1/authuser", &api).await;
    assert_eq!(s, 200, "{me}");
    assert_eq!(me["user"]["email"], "user@mail.ru");
    assert_eq!(me["token"], api.as_str());
    assert_eq!(me["token_expire"], json!(null));
    app.clock.advance(30 * 86400);
    assert_eq!(app.get_auth("/api/v1/authuser", &api).await.0, 200);

    let (s, list) = app.get_auth("/api/v1/tokens", &api).await;
    assert_eq!(s, 200, "{list}");
    let id = list["data"][0]["id"].as_i64().expect("id");
    let shown = list["data"][0]["token"].as_str().expect("masked");
    assert_eq!(shown.len(), 32);
    assert!(shown.starts_with(&api[..4]) && shown.ends_with("****"), "{shown}");
    assert!(!shown.contains(&api[4..]));

    let (s, b) = app.call("DELETE", &format!("/api/v1/tokens/{id}"), None, Some(&api)).await;
    assert_eq!((s, b), (200, json!({ "success": true })));
    assert_eq!(app.get_auth("/api/v1/authuser", &api).await.0, 401);
    // The session from registration has long expired; sign in again.
    let (_, login) =
        app.post("/api/v1/login", json!({ "email": "user@mail.ru", "password": crate::helpers::PASSWORD })).await;
    let session = login["token"].as_str().expect("token").to_string();
    let not_found = json!({ "message": "Not Found.", "code": 404 });
    let (s, b) = app.call("DELETE", &format!("/api/v1/tokens/{id}"), None, Some(&session)).await;
    assert_eq!((s, &b), (404, &not_found));
    let (s, b) = app.call("DELETE", "/api/v1/tokens/abc", None, Some(&session)).await;
    assert_eq!((s, &b), (404, &not_found));
    let (s, _) = app.call("POST", "/api/v1/tokens", None, None).await;
    assert_eq!(s, 401);
}
both!(api_tokens_authenticate_until_deleted);

async fn another_accounts_token_is_not_found(app: TestApp) {
    let mine = app.signed_in("user@mail.ru", "79993332210").await;
    let theirs = app.signed_in("other@mail.ru", "79993332211").await;
    app.post_auth("/api/v1/tokens", json!({}), &theirs).await;
    let (_, list) = app.get_auth("/api/v1/tokens", &theirs).await;
    let id = list["data"][0]["id"].as_i64().expect("id");
    let (s, b) = app.call("DELETE", &format!("/api/v1/tokens/{id}"), None, Some(&mine)).await;
    assert_eq!((s, b), (404, json!({ "message": "Not Found.", "code": 404 })));
    let (_, list) = app.get_auth("/api/v1/tokens", &mine).await;
    assert_eq!(list["total"], 0);
    assert_eq!(app.get_auth("/api/v1/tokens", &theirs).await.1["total"], 1);
}
both!(another_accounts_token_is_not_found);

async fn the_list_is_a_laravel_paginator(app: TestApp) {
    let session = app.signed_in("user@mail.ru", "79993332210").await;
    let (s, empty) = app.get_auth("/api/v1/tokens", &session).await;
    assert_eq!(s, 200);
    let host = app.base.trim_start_matches("http://").to_string();
    let url = |page: u32| format!("http://{host}/api/v1/tokens?page={page}");
    assert_eq!(
        empty,
        json!({ "current_page": 1, "data": [], "first_page_url": url(1), "from": null, "last_page": 1,
                "last_page_url": url(1), "next_page_url": null, "path": format!("http://{host}/api/v1/tokens"),
                "per_page": 15, "prev_page_url": null, "to": null, "total": 0, "success": true })
    );
    for _ in 0..17 {
        app.post_auth("/api/v1/tokens", json!({}), &session).await;
    }
    let (_, first) = app.get_auth("/api/v1/tokens", &session).await;
    assert_eq!(first["data"].as_array().map(Vec::len), Some(15));
    assert_eq!((first["from"].clone(), first["to"].clone(), first["total"].clone()), (json!(1), json!(15), json!(17)));
    assert_eq!(first["last_page"], 2);
    assert_eq!(first["next_page_url"], url(2));
    assert_eq!(first["prev_page_url"], json!(null));
    let created = first["data"][0]["created_at"].as_str().expect("created_at");
    assert_eq!(created, kordon_core::clock::format_datetime(kordon_core::Clock::now(&app.clock)));
    let (_, second) = app.get_auth("/api/v1/tokens?page=2", &session).await;
    assert_eq!(second["current_page"], 2);
    assert_eq!(second["data"].as_array().map(Vec::len), Some(2));
    assert_eq!((second["from"].clone(), second["to"].clone()), (json!(16), json!(17)));
    assert_eq!(second["next_page_url"], json!(null));
    assert_eq!(second["prev_page_url"], url(1));
    let (_, beyond) = app.get_auth("/api/v1/tokens?page=9", &session).await;
    assert_eq!((beyond["data"].clone(), beyond["from"].clone()), (json!([]), json!(null)));
    let (_, junk) = app.get_auth("/api/v1/tokens?page=abc", &session).await;
    assert_eq!(junk["current_page"], 1);
}
both!(the_list_is_a_laravel_paginator);

async fn the_manager_of_the_account(app: TestApp) {
    let reg = app.register("user@mail.ru", "79993332210").await;
    let token = reg["token"].as_str().expect("t");
    let (s, b) = app.get_auth("/api/v1/manager", token).await;
    assert_eq!((s, b), (404, json!({ "message": "Not Found.", "code": 404 })));
    let manager =
        app.core.admin_create_manager("Иван Иванов", "ivan.ivanov@plusofon.ru", "+7 495 133-22-11").await.expect("m");
    let account = app.core.admin_user("user@mail.ru").await.expect("user").account_id;
    app.core.admin_set_manager(account, manager).await.expect("set");
    let (s, b) = app.get_auth("/api/v1/manager", token).await;
    assert_eq!(
        (s, b),
        (
            200,
            json!({ "name": "Иван Иванов", "email": "ivan.ivanov@plusofon.ru", "phone": "+7 495 133-22-11", "success": true })
        )
    );
    assert_eq!(app.call("GET", "/api/v1/manager", None, None).await.0, 401);
}
both!(the_manager_of_the_account);

/// A personal API token is a bearer for the `Authorization` header only: in the query string
/// (`?token=`, `?access_token=`, `?api_token=`) it authenticates nothing, on the cabinet nor on the
/// provider API, and each answers its documented 401.
async fn a_token_in_the_query_string_is_refused(app: TestApp) {
    let session = app.signed_in("user@mail.ru", "79993332210").await;
    let (_, b) = app.post_auth("/api/v1/tokens", json!({}), &session).await;
    let api = b["token"].as_str().expect("token").to_string();
    // The control: the same token in the header is accepted by both.
    assert_eq!(app.get_auth("/api/v1/authuser", &api).await.0, 200);
    assert_eq!(app.get_auth("/api/ver1.0/user/", &api).await.0, 200);
    for name in ["token", "access_token", "api_token"] {
        let resp = app
            .http
            .get(format!("{}/api/v1/authuser?{name}={api}", app.base))
            .header("Accept", "application/json")
            .header("Client", crate::helpers::CLIENT)
            .send()
            .await
            .expect("request");
        let status = resp.status().as_u16();
        let body: serde_json::Value = resp.json().await.expect("json");
        assert_eq!((status, body), (401, json!({ "message": "Unauthenticated.", "code": 401 })), "cabinet ?{name}=");

        let resp = app.http.get(format!("{}/api/ver1.0/user/?{name}={api}", app.base)).send().await.expect("request");
        let status = resp.status().as_u16();
        let challenge = resp.headers().get("www-authenticate").and_then(|v| v.to_str().ok()).map(str::to_owned);
        let body: serde_json::Value = resp.json().await.expect("json");
        assert_eq!(
            (status, challenge.as_deref(), body),
            (
                401,
                Some("Bearer realm=\"kordon\""),
                json!({ "error": "invalid_token", "error_description": "An access token is required." })
            ),
            "provider ?{name}="
        );
    }
}
both!(a_token_in_the_query_string_is_refused);
