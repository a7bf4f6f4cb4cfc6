//! Users: found by email, phone or id, disabled (their tokens dead in every dialect), enabled
//! and deleted, in the caller's scope.
use super::*;

async fn operators_find_and_handle_users(app: TestApp) {
    let (root, token) = operator(&app).await;
    let t = tenants(&app).await;
    let actor = format!("admin-api:{root}");

    for query in ["anna@office.example", "ANNA@Office.Example", "+7 (999) 000-11-22", &t.office_user.to_string()] {
        let found = call(&app, "GET", &format!("/users?query={}", urlencode(query)), None, Some(&token)).await;
        assert_eq!(found.status, 200, "{query}: {found:?}");
        assert_eq!(found.body["data"].as_array().map(Vec::len), Some(1), "{query}: {}", found.body);
        assert_eq!(found.body["data"][0]["id"], t.office_user, "{query}");
    }
    let shown = get(&app, &format!("/users/{}", t.office_user), &token).await;
    assert_eq!(shown.status, 200, "{shown:?}");
    assert_eq!(shown.body["email"], "anna@office.example");
    assert_eq!(shown.body["domain"], "office.example");
    assert_eq!((&shown.body["role"], &shown.body["disabled"]), (&json!("lk_user"), &json!(false)));
    let me = get(&app, &format!("/users/{root}"), &token).await;
    assert_eq!(me.body["role"], "operator", "{me:?}");
    let nobody = get(&app, "/users?query=nobody@mail.ru", &token).await;
    assert_eq!((nobody.status, &nobody.body), (200, &json!({ "data": [] })));

    let disabled = post(&app, &format!("/users/{}/disable", t.office_user), &token).await;
    assert_eq!((disabled.status, &disabled.body["disabled"]), (200, &json!(true)), "{disabled:?}");
    assert!(disabled.body["disabled_at"].is_string());
    assert_eq!(
        newest_audit(&app).await,
        ("user.disable".into(), actor.clone(), Some(format!("user:{}", t.office_user)))
    );
    let again = post(&app, &format!("/users/{}/disable", t.office_user), &token).await;
    assert_eq!((again.status, &again.body["disabled"]), (200, &json!(true)));
    let enabled = post(&app, &format!("/users/{}/enable", t.office_user), &token).await;
    assert_eq!((enabled.status, &enabled.body["disabled"]), (200, &json!(false)));
    assert_eq!(newest_audit(&app).await.0, "user.enable");
    let own = post(&app, &format!("/users/{root}/disable"), &token).await;
    assert_eq!((own.status, &own.body["error"]), (400, &json!("invalid_request")), "nobody disables themselves");

    // Forgive: the failed checks against the user's login are forgotten, once.
    for _ in 0..3 {
        app.post("/api/v1/login", login_body("anna@office.example", "wrong-password")).await;
    }
    let forgiven = post(&app, &format!("/users/{}/forgive", t.office_user), &token).await;
    assert_eq!((forgiven.status, &forgiven.body), (200, &json!({ "forgiven": true })));
    assert_eq!(newest_audit(&app).await, ("defender.forgive".into(), actor, Some("email:anna@office.example".into())));
    let twice = post(&app, &format!("/users/{}/forgive", t.office_user), &token).await;
    assert_eq!(twice.body, json!({ "forgiven": false }));
    assert_eq!(post(&app, &format!("/users/{}/forgive", t.shop_user), &token).await.status, 200);
}
both!(operators_find_and_handle_users);

async fn a_disabled_users_tokens_stop_working_in_every_dialect(app: TestApp) {
    let (_, token) = operator(&app).await;
    let (anna, _) = user(&app, "anna@office.example", Role::LkAdmin, Some("office.example"), None).await;
    let cabinet = app.login("anna@office.example", PASSWORD).await;
    let (s, api) = app.post_auth("/api/v1/tokens", json!({}), &cabinet).await;
    assert_eq!(s, 200, "{api}");
    let api_token = api["token"].as_str().expect("api token").to_owned();
    let (s, pbx, _) = app.pbx(pbx_auth_body("anna@office.example", PASSWORD), None).await;
    assert_eq!(s, 200, "{pbx}");
    let pbx_token = pbx["body"]["token"].as_str().expect("pbx token").to_owned();
    let (jwt, _, _) = app.oauth_password_token("anna@office.example").await;
    let provider = |token: String| {
        let req = app.http.get(format!("{}/api/ver1.0/user/", app.base)).bearer_auth(token);
        async move { req.send().await.expect("provider").status().as_u16() }
    };
    assert_eq!(provider(jwt.clone()).await, 200);
    assert_eq!(provider(api_token.clone()).await, 200);

    let disabled = post(&app, &format!("/users/{anna}/disable"), &token).await;
    assert_eq!(disabled.status, 200, "{disabled:?}");
    assert_eq!(app.get_auth("/api/v1/authuser", &cabinet).await.0, 401, "cabinet session");
    assert_eq!(app.get_auth("/api/v1/authuser", &api_token).await.0, 401, "API token");
    let logout = json!({ "action": "logout", "obj": "User", "action_id": "2" });
    assert_eq!(app.pbx(logout, Some(&pbx_token)).await.0, 401, "PBX session");
    assert_eq!(app.call("GET", "/api/users", None, Some(&jwt)).await.0, 401, "OAuth JWT (biometrics)");
    assert_eq!(provider(jwt).await, 401, "OAuth JWT (provider)");
    assert_eq!(provider(api_token).await, 401, "API token (provider)");
    assert_eq!(get(&app, "/applications", &cabinet).await.status, 401, "the admin API too");
    // Every sign-in path refuses them as a wrong password.
    assert_eq!(app.post("/api/v1/login", login_body("anna@office.example", PASSWORD)).await.0, 400);
    assert_eq!(app.pbx(pbx_auth_body("anna@office.example", PASSWORD), None).await.0, 401);
    let sessions = get(&app, &format!("/users/{anna}/sessions"), &token).await;
    assert_eq!((sessions.status, &sessions.body), (200, &json!({ "data": [] })), "nothing of theirs is live");

    assert_eq!(post(&app, &format!("/users/{anna}/enable"), &token).await.status, 200);
    let fresh = app.login("anna@office.example", PASSWORD).await;
    assert_eq!(app.get_auth("/api/v1/authuser", &fresh).await.0, 200);
    assert_eq!(app.get_auth("/api/v1/authuser", &cabinet).await.0, 401, "old tokens stay dead");
}
both!(a_disabled_users_tokens_stop_working_in_every_dialect);

/// The console deletes users through the same core function, scoped like the rest.
async fn users_are_deleted_in_scope(app: TestApp) {
    let t = tenants(&app).await;
    let office = app.core.admin_authenticate(Some(&t.office_admin), "console").await.expect("office's admin");
    let err = app.core.admin_delete_user_in_scope(&office, t.shop_user).await.expect_err("another tenant's");
    assert!(matches!(err, kordon_core::Error::NotFound), "{err:?}");
    let err = app.core.admin_delete_user_in_scope(&office, office.user.id).await.expect_err("oneself");
    assert!(matches!(err, kordon_core::Error::Refused(_)), "{err:?}");
    let anna = app.login("anna@office.example", PASSWORD).await;
    app.core.admin_delete_user_in_scope(&office, t.office_user).await.expect("deleted");
    assert_eq!(app.get_auth("/api/v1/authuser", &anna).await.0, 401);
    let (event, actor, account) = newest_audit(&app).await;
    assert_eq!((event.as_str(), account), ("user.delete", Some(format!("user:{}", t.office_user))));
    assert_eq!(actor, format!("console:{}", office.user.id));
    let gone = get(&app, &format!("/users/{}", t.office_user), &t.office_admin).await;
    assert_eq!(gone.status, 404);
}
both!(users_are_deleted_in_scope);

/// A person who lost their second factors: the operator (or their tenant's admin) removes them;
/// nobody else, and nobody their own.
async fn second_factors_are_reset_in_scope(app: TestApp) {
    let (root, token) = operator(&app).await;
    let t = tenants(&app).await;
    let anna = "anna@office.example";
    crate::mfa_login::with_authenticator(&app, anna).await;
    assert_eq!(app.post("/api/v1/login", login_body(anna, PASSWORD)).await.0, 400, "a code is wanted");
    let path = format!("/users/{}/mfa-reset", t.office_user);
    let foreign = post(&app, &path, &t.shop_admin).await;
    assert_eq!(foreign.status, 404, "another tenant's user: {foreign:?}");
    let own = post(&app, &format!("/users/{root}/mfa-reset"), &token).await;
    assert_eq!((own.status, &own.body["error"]), (400, &json!("invalid_request")), "nobody resets their own");
    let reset = post(&app, &path, &t.office_admin).await;
    assert_eq!((reset.status, &reset.body), (200, &json!({ "reset": true })), "{reset:?}");
    let (event, actor, subject) = newest_audit(&app).await;
    assert_eq!((event.as_str(), subject), ("mfa.reset", Some(format!("user:{}", t.office_user))));
    assert!(actor.starts_with("admin-api:"), "{actor}");
    assert_eq!(app.post("/api/v1/login", login_body(anna, PASSWORD)).await.0, 200, "the password alone again");
    let user = app.core.admin_user(anna).await.expect("anna");
    let state = app.core.mfa_state(user.id).await.expect("state");
    assert!(!state.on() && !state.totp_pending && state.recovery_left == 0, "{state:?}");
    let again = post(&app, &path, &token).await;
    assert_eq!((again.status, &again.body), (200, &json!({ "reset": false })), "nothing left to reset");
    // The CLI's path (`kordon admin user mfa-reset`) is the same core call, unscoped.
    crate::mfa_login::with_authenticator(&app, anna).await;
    assert!(app.core.admin_mfa_reset(anna, "cli").await.expect("reset"));
    assert_eq!(newest_audit(&app).await.1, "cli");
}
both!(second_factors_are_reset_in_scope);

/// A person's SIP user (their extension): set by their tenant's admin or the operator, unique in
/// the PBX domain, cleared with null, shown in the user's record, audited with from and to.
async fn sip_users_are_set_in_scope(app: TestApp) {
    let (_, token) = operator(&app).await;
    let t = tenants(&app).await;
    let path = format!("/users/{}", t.office_user);
    let patch = |token: &str, body: Value| {
        let (app, path, token) = (&app, path.clone(), token.to_owned());
        async move { call(app, "PATCH", &path, Some(body), Some(&token)).await }
    };
    assert_eq!(get(&app, &path, &token).await.body["sip_user"], Value::Null, "none at first");
    let set = patch(&t.office_admin, json!({ "sip_user": "101" })).await;
    assert_eq!((set.status, &set.body["sip_user"]), (200, &json!("101")), "{set:?}");
    let (event, actor, subject) = newest_audit(&app).await;
    assert_eq!((event.as_str(), subject), ("user.sip_user", Some(format!("user:{}", t.office_user))));
    assert!(actor.starts_with("admin-api:"), "{actor}");
    assert_eq!(patch(&t.shop_admin, json!({ "sip_user": "102" })).await.status, 404, "another tenant's user");

    // Unique in the domain, not across domains.
    let (office_boss, _) = app.core.admin_find_user("boss@office.example").await.expect("boss");
    let taken =
        call(&app, "PATCH", &format!("/users/{}", office_boss.id), Some(json!({ "sip_user": "101" })), Some(&token))
            .await;
    assert_eq!((taken.status, &taken.body["error"]), (400, &json!("invalid_request")), "{taken:?}");
    assert!(taken.body["message"].as_str().is_some_and(|m| m.contains("SIP user")), "{taken:?}");
    let elsewhere =
        call(&app, "PATCH", &format!("/users/{}", t.shop_user), Some(json!({ "sip_user": "101" })), Some(&token)).await;
    assert_eq!((elsewhere.status, &elsewhere.body["sip_user"]), (200, &json!("101")), "{elsewhere:?}");

    // Bad input changes nothing; a member left out changes nothing; null clears.
    for bad in
        [json!({ "sip_user": "1:01" }), json!({ "sip_user": "a@b" }), json!({ "sip_user": 101 }), json!({ "x": 1 })]
    {
        let refused = patch(&token, bad.clone()).await;
        assert_eq!((refused.status, &refused.body["error"]), (400, &json!("invalid_request")), "{bad}: {refused:?}");
    }
    let long = patch(&token, json!({ "sip_user": "1".repeat(65) })).await;
    assert_eq!(long.status, 400, "{long:?}");
    assert_eq!(patch(&token, json!({})).await.body["sip_user"], "101", "nothing asked, nothing changed");
    let cleared = patch(&token, json!({ "sip_user": null })).await;
    assert_eq!((cleared.status, &cleared.body["sip_user"]), (200, &Value::Null), "{cleared:?}");

    // An account without a PBX domain has no realm, so no SIP users.
    let (loner, _) = user(&app, "loner@mail.ru", Role::LkAdmin, None, None).await;
    let realmless =
        call(&app, "PATCH", &format!("/users/{loner}"), Some(json!({ "sip_user": "7" })), Some(&token)).await;
    assert_eq!(realmless.status, 400, "{realmless:?}");
}
both!(sip_users_are_set_in_scope);
