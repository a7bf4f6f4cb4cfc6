//! Who may call the admin API and how far they see: a tenant's own objects only, roles and
//! tokens checked (401, 403).
use super::*;

async fn tenants_see_only_their_own(app: TestApp) {
    let (root, _) = operator(&app).await;
    let t = tenants(&app).await;
    let bob_session = app.login("bob@shop.example", PASSWORD).await;
    // Office's administrator finds its users, never shop's nor the operator.
    let found = get(&app, "/users?query=anna@office.example", &t.office_admin).await;
    assert_eq!(found.body["data"][0]["id"], t.office_user, "{found:?}");
    for query in ["bob@shop.example", "root@kordon.example", &t.shop_user.to_string()] {
        let found = call(&app, "GET", &format!("/users?query={}", urlencode(query)), None, Some(&t.office_admin)).await;
        assert_eq!((found.status, &found.body), (200, &json!({ "data": [] })), "{query}");
    }
    for id in [t.shop_user, root] {
        for (method, path) in [
            ("GET", format!("/users/{id}")),
            ("GET", format!("/users/{id}/sessions")),
            ("POST", format!("/users/{id}/disable")),
            ("POST", format!("/users/{id}/enable")),
            ("POST", format!("/users/{id}/forgive")),
        ] {
            let answer = call(&app, method, &path, None, Some(&t.office_admin)).await;
            assert_eq!((answer.status, &answer.body["error"]), (404, &json!("not_found")), "{method} {path}");
        }
    }
    // Shop's sessions, listed by the operator, cannot be ended by office's administrator.
    let operator_token = app.login("root@kordon.example", PASSWORD).await;
    let bob = get(&app, &format!("/users/{}/sessions", t.shop_user), &operator_token).await;
    let session = bob.body["data"][0]["id"].as_str().expect("bob's session").to_owned();
    assert_eq!(delete(&app, &format!("/sessions/{session}"), &t.office_admin).await.status, 404);
    assert_eq!(app.get_auth("/api/v1/authuser", &bob_session).await.0, 200, "still signed in");
    assert_eq!(delete(&app, &format!("/sessions/{session}"), &t.shop_admin).await.status, 204);
    assert_eq!(app.get_auth("/api/v1/authuser", &bob_session).await.0, 401);
    // Its own user: found and handled.
    assert_eq!(post(&app, &format!("/users/{}/disable", t.office_user), &t.office_admin).await.status, 200);
    let entry = crate::helpers::operators_lines(&app).await.remove(0);
    assert!(entry.actor.starts_with("admin-api:") && entry.actor != format!("admin-api:{root}"), "{entry:?}");
}
both!(tenants_see_only_their_own);

async fn roles_and_tokens_are_checked(app: TestApp) {
    let (_, token) = operator(&app).await;
    user(&app, "anna@office.example", Role::LkUser, Some("office.example"), None).await;
    let lk_user = app.login("anna@office.example", PASSWORD).await;

    let missing = call(&app, "GET", "/applications", None, None).await;
    assert_eq!((missing.status, &missing.body["error"]), (401, &json!("invalid_token")));
    assert_eq!(missing.headers["www-authenticate"], "Bearer realm=\"kordon\"");
    let bad = get(&app, "/applications", "not-a-token").await;
    assert_eq!(bad.status, 401);
    assert_eq!(bad.headers["www-authenticate"], "Bearer realm=\"kordon\", error=\"invalid_token\"");
    assert_eq!(get(&app, "/applications", "a.b.c").await.status, 401, "a malformed JWT");
    for (method, path) in [
        ("GET", "/defender/blocks"),
        ("DELETE", "/defender/blocks/127.0.0.9"),
        ("GET", "/users?query=anna@office.example"),
        ("GET", "/users/1"),
        ("POST", "/users/1/disable"),
        ("POST", "/users/1/enable"),
        ("POST", "/users/1/forgive"),
        ("GET", "/users/1/sessions"),
        ("DELETE", "/sessions/token-1"),
        ("GET", "/applications"),
        ("POST", "/applications"),
        ("POST", "/applications/10553/secret"),
        ("PATCH", "/applications/10553"),
        ("DELETE", "/applications/10553"),
    ] {
        let body = matches!(method, "POST" | "PATCH").then(|| json!({ "name": "x" }));
        let refused = call(&app, method, path, body.clone(), Some(&lk_user)).await;
        assert_eq!((refused.status, &refused.body["error"]), (403, &json!("forbidden")), "lk_user: {method} {path}");
        let stranger = call(&app, method, path, body, None).await;
        assert_eq!(stranger.status, 401, "no token: {method} {path}");
    }

    // The operator's personal API token and OAuth token work; an application's token does not.
    let (_, api) = app.post_auth("/api/v1/tokens", json!({}), &token).await;
    let api_token = api["token"].as_str().expect("api token");
    assert_eq!(get(&app, "/applications", api_token).await.status, 200);
    let (jwt, _, _) = app.oauth_password_token("root@kordon.example").await;
    assert_eq!(get(&app, "/applications", &jwt).await.status, 200, "a password-grant token");
    let created = call(&app, "POST", "/applications", Some(json!({ "name": "robot" })), Some(&token)).await;
    let (id, secret) = (created.body["application"]["id"].clone(), created.body["client_secret"].clone());
    let body = json!({ "grant_type": "client_credentials", "client_id": id, "client_secret": secret });
    let answer: Value = app
        .http
        .post(format!("{}/oauth/token", app.base))
        .json(&body)
        .send()
        .await
        .expect("token")
        .json()
        .await
        .expect("json");
    let app_token = answer["access_token"].as_str().expect("an application's token");
    assert_eq!(get(&app, "/applications", app_token).await.status, 403, "an application's own token");

    // A code-flow token: from a trusted (first-party) application it administers; from a
    // partner's, even one the operator allowed, it does not.
    for (trusted, expected) in [(true, 200), (false, 403)] {
        let client = code_client(&app, "console-like", false, trusted).await;
        let id = client.id.to_string();
        let mut browser = Browser::new(&app);
        let login = browser.authorize(&request(&id, "openid")).await;
        let mut back = browser.sign_in(&login, "root@kordon.example", PASSWORD).await;
        if !trusted {
            back = browser.decide(&back, "allow").await;
        }
        let code = back.param("code").expect("code");
        let tokens = exchange(&app, &client, &code, VERIFIER).await;
        let access = tokens.body["access_token"].as_str().expect("access");
        assert_eq!(get(&app, "/applications", access).await.status, expected, "trusted: {trusted}");
    }

    // Bad input, unknown paths and methods: JSON in the admin shape, never HTML.
    for path in ["/users", "/users?query=", "/users?query=abc", "/defender/blocks?page=x"] {
        let answer = call(&app, "GET", path, None, Some(&token)).await;
        assert_eq!((answer.status, &answer.body["error"]), (400, &json!("invalid_request")), "{path}");
    }
    let missing = get(&app, "/users?query=", &token).await;
    assert_eq!(missing.body["field"], "query");
    for path in ["/users/abc", "/users/999999", "/nothing/here"] {
        let answer = get(&app, path, &token).await;
        assert_eq!((answer.status, &answer.body["error"]), (404, &json!("not_found")), "{path}");
    }
    let wrong = call(&app, "PUT", "/users/1", None, Some(&token)).await;
    assert_eq!((wrong.status, &wrong.body["error"]), (405, &json!("method_not_allowed")));
    let resp = app
        .http
        .post(format!("{}{V1}/applications", app.base))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .expect("request");
    assert_eq!(resp.status().as_u16(), 400);
    let body: Value = resp.json().await.expect("json");
    assert_eq!(body["error"], "invalid_request");
}
both!(roles_and_tokens_are_checked);
