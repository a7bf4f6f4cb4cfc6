//! The admin JSON API (`/api/admin/v1`): the operator's happy paths on every endpoint, a tenant's
//! `lk_admin` confined to its own account (another tenant's objects answer 404, an operator's
//! action 403), an `lk_user` refused (403), missing and bad tokens (401), bad input (400), a
//! disabled user's tokens dead in every dialect, and one browser sign-in revoked alone; on SQLite
//! and PostgreSQL.

use crate::helpers::oidc::{Browser, VERIFIER, code_client, exchange, request};
use crate::helpers::{PASSWORD, TestApp, login_body, pbx_auth_body};
use kordon_core::services::NewUserCommand;
use kordon_core::types::{PbxRole, Role};
use serde_json::{Value, json};

const V1: &str = "/api/admin/v1";

/// One admin API request: status, JSON body (null when there is none) and headers.
async fn call(app: &TestApp, method: &str, path: &str, body: Option<Value>, token: Option<&str>) -> Answer {
    let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
    let mut req = app.http.request(method, format!("{}{V1}{path}", app.base));
    if let Some(token) = token {
        req = req.bearer_auth(token);
    }
    if let Some(body) = body {
        req = req.json(&body);
    }
    let resp = req.send().await.expect("request");
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let text = resp.text().await.expect("body");
    let body = match text.is_empty() {
        true => Value::Null,
        false => serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON ({status}): {text}")),
    };
    Answer { status, body, headers }
}

#[derive(Debug)]
struct Answer {
    status: u16,
    body: Value,
    headers: reqwest::header::HeaderMap,
}

async fn get(app: &TestApp, path: &str, token: &str) -> Answer {
    call(app, "GET", path, None, Some(token)).await
}

async fn post(app: &TestApp, path: &str, token: &str) -> Answer {
    call(app, "POST", path, None, Some(token)).await
}

async fn delete(app: &TestApp, path: &str, token: &str) -> Answer {
    call(app, "DELETE", path, None, Some(token)).await
}

/// Creates a user with the test password: (user id, account id).
async fn user(app: &TestApp, email: &str, role: Role, domain: Option<&str>, phone: Option<&str>) -> (i64, i64) {
    let role_id = match role {
        Role::LkUser => PbxRole::USER,
        Role::LkAdmin | Role::Operator => PbxRole::ADMINISTRATOR,
    };
    let cmd = NewUserCommand { email, password: PASSWORD, phone, role, role_id, domain };
    app.core.admin_create_user(cmd).await.expect("user")
}

/// The platform's operator, signed in through the cabinet: (user id, token).
async fn operator(app: &TestApp) -> (i64, String) {
    let (id, _) = user(app, "root@kordon.example", Role::Operator, None, None).await;
    (id, app.login("root@kordon.example", PASSWORD).await)
}

/// Two tenants: office (an lk_admin and a user with a phone) and shop (an lk_admin and a user).
struct Tenants {
    office_admin: String,
    office_user: i64,
    shop_admin: String,
    shop_user: i64,
}

async fn tenants(app: &TestApp) -> Tenants {
    user(app, "boss@office.example", Role::LkAdmin, Some("office.example"), None).await;
    let (office_user, _) =
        user(app, "anna@office.example", Role::LkUser, Some("office.example"), Some("79990001122")).await;
    user(app, "boss@shop.example", Role::LkAdmin, Some("shop.example"), None).await;
    let (shop_user, _) = user(app, "bob@shop.example", Role::LkUser, Some("shop.example"), None).await;
    Tenants {
        office_admin: app.login("boss@office.example", PASSWORD).await,
        office_user,
        shop_admin: app.login("boss@shop.example", PASSWORD).await,
        shop_user,
    }
}

/// The newest audit line: (event, actor, account).
async fn newest_audit(app: &TestApp) -> (String, String, Option<String>) {
    let entry = crate::helpers::operators_lines(app).await.remove(0);
    (entry.kind, entry.actor, entry.subject)
}

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

fn urlencode(text: &str) -> String {
    crate::helpers::oidc::form_urlencoded(&[("q", text)]).trim_start_matches("q=").to_owned()
}

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

async fn every_kind_of_session_is_listed_and_ended_alone(app: TestApp) {
    let (root, token) = operator(&app).await;
    let (anna, _) = user(&app, "anna@office.example", Role::LkAdmin, Some("office.example"), None).await;
    let cabinet = app.login("anna@office.example", PASSWORD).await;
    let other = app.login("anna@office.example", PASSWORD).await;
    let (_, api) = app.post_auth("/api/v1/tokens", json!({}), &cabinet).await;
    let api_token = api["token"].as_str().expect("api token").to_owned();
    let (s, pbx, _) = app.pbx(pbx_auth_body("anna@office.example", PASSWORD), None).await;
    assert_eq!(s, 200, "{pbx}");
    // Two browsers signed in at kordon; the first also allowed a partner's application.
    let partner = code_client(&app, "partner", false, false).await;
    let partner_id = partner.id.to_string();
    let mut first = Browser::new(&app);
    let login = first.authorize(&request(&partner_id, "openid email")).await;
    let consent = first.sign_in(&login, "anna@office.example", PASSWORD).await;
    assert_eq!(consent.status, 200, "the consent page: {}", consent.body);
    let back = first.decide(&consent, "allow").await;
    let code = back.param("code").expect("a code");
    let tokens = exchange(&app, &partner, &code, VERIFIER).await;
    assert_eq!(tokens.status, 200, "{}", tokens.body);
    let partner_token = tokens.body["access_token"].as_str().expect("access").to_owned();
    let mut second = Browser::new(&app);
    let login = second.authorize(&request(&partner_id, "openid email")).await;
    let back = second.sign_in(&login, "anna@office.example", PASSWORD).await;
    assert!(back.param("code").is_some(), "already allowed: straight back with a code");

    let listed = get(&app, &format!("/users/{anna}/sessions"), &token).await;
    assert_eq!(listed.status, 200, "{listed:?}");
    let sessions = listed.body["data"].as_array().expect("data").clone();
    let mut kinds: Vec<&str> = sessions.iter().map(|s| s["kind"].as_str().expect("kind")).collect();
    kinds.sort_unstable();
    assert_eq!(kinds, ["api_token", "browser", "browser", "cabinet", "cabinet", "consent", "oauth", "pbx"]);
    for s in &sessions {
        let id = s["id"].as_str().expect("id");
        let prefix = match s["kind"].as_str() {
            Some("api_token") => "token-",
            Some(kind) => &format!("{kind}-"),
            None => unreachable!(),
        };
        assert!(id.starts_with(prefix), "{id} says its kind");
    }
    let text = listed.body.to_string();
    for secret in [&cabinet, &other, &api_token, &partner_token] {
        assert!(!text.contains(secret.as_str()), "no token in the list");
    }
    let ids = |kind: &str| -> Vec<String> {
        sessions.iter().filter(|s| s["kind"] == kind).map(|s| s["id"].as_str().expect("id").to_owned()).collect()
    };

    // One browser sign-in ends; the other browser is still signed in, and the tokens stay.
    let browsers = ids("browser");
    let ended = delete(&app, &format!("/sessions/{}", browsers[0]), &token).await;
    assert_eq!((ended.status, &ended.body), (204, &Value::Null), "{ended:?}");
    let (event, actor, account) = newest_audit(&app).await;
    assert_eq!(
        (event.as_str(), actor, account),
        ("session.revoke", format!("admin-api:{root}"), Some(format!("user:{anna}")))
    );
    let mut still = 0;
    for browser in [&mut first, &mut second] {
        let page = browser.authorize(&request(&partner_id, "openid email")).await;
        if page.param("code").is_some() {
            still += 1;
        } else {
            assert_eq!(page.status, 200, "the login page again: {}", page.body);
        }
    }
    assert_eq!(still, 1, "exactly one browser is still signed in");
    assert_eq!(app.get_auth("/api/v1/authuser", &cabinet).await.0, 200, "the cabinet sessions stay");
    assert_eq!(delete(&app, &format!("/sessions/{}", browsers[0]), &token).await.status, 404, "ended already");

    // One cabinet login ends alone.
    let cabinets = ids("cabinet");
    assert_eq!(delete(&app, &format!("/sessions/{}", cabinets[0]), &token).await.status, 204);
    let alive = [app.get_auth("/api/v1/authuser", &cabinet).await.0, app.get_auth("/api/v1/authuser", &other).await.0];
    assert!(alive.contains(&401) && alive.contains(&200), "exactly one cabinet session ended: {alive:?}");
    // A family id under another kind's name is no session.
    let family = cabinets[1].trim_start_matches("cabinet-");
    assert_eq!(delete(&app, &format!("/sessions/oauth-{family}"), &token).await.status, 404);

    // The consent goes with the code-flow tokens it let the partner get.
    let userinfo = |t: String| {
        let req = app.http.get(format!("{}/oauth/userinfo", app.base)).bearer_auth(t);
        async move { req.send().await.expect("userinfo").status().as_u16() }
    };
    assert_eq!(userinfo(partner_token.clone()).await, 200);
    let consent = &ids("consent")[0];
    assert_eq!(consent, &format!("consent-{anna}-{}", partner.id));
    assert_eq!(delete(&app, &format!("/sessions/{consent}"), &token).await.status, 204);
    assert_eq!(newest_audit(&app).await.0, "session.revoke");
    assert_eq!(userinfo(partner_token).await, 401);
    let page = second.authorize(&request(&partner_id, "openid email")).await;
    assert_eq!(page.status, 200, "asked to consent again: {}", page.body);

    // The API token and the PBX session.
    assert_eq!(delete(&app, &format!("/sessions/{}", ids("api_token")[0]), &token).await.status, 204);
    assert_eq!(app.get_auth("/api/v1/authuser", &api_token).await.0, 401);
    assert_eq!(delete(&app, &format!("/sessions/{}", ids("pbx")[0]), &token).await.status, 204);
    for bad in ["nothing", "cabinet-", "token-999999", "consent-1-2", "browser-%00", "family-abc"] {
        let answer = delete(&app, &format!("/sessions/{bad}"), &token).await;
        assert_eq!((answer.status, &answer.body["error"]), (404, &json!("not_found")), "{bad}");
    }
}
both!(every_kind_of_session_is_listed_and_ended_alone);

async fn blocks_are_seen_and_lifted_in_scope(app: TestApp) {
    let (root, token) = operator(&app).await;
    let t = tenants(&app).await;
    // Ten wrong passwords for office's user from another host block it.
    for _ in 0..10 {
        app.post_from("127.0.0.2", "/api/v1/login", login_body("anna@office.example", "wrong-password")).await;
    }
    let listed = get(&app, "/defender/blocks", &token).await;
    assert_eq!(listed.status, 200, "{listed:?}");
    assert_eq!((&listed.body["page"], &listed.body["more"]), (&json!(1), &json!(false)));
    let block = &listed.body["data"][0];
    assert_eq!((&block["ip"], &block["failures"]), (&json!("127.0.0.2"), &json!(10)), "{block}");
    assert_eq!(block["logins"], json!(["email:anna@office.example"]));
    assert!(block["reason"].as_str().is_some_and(|r| r.contains("failed")), "{block}");
    assert!(block["since"].is_string() && block["until"].is_string());

    // Office's administrator sees the block earned on its own user's login; shop's does not.
    let office = get(&app, "/defender/blocks", &t.office_admin).await;
    assert_eq!(office.body["data"].as_array().map(Vec::len), Some(1), "{office:?}");
    let shop = get(&app, "/defender/blocks", &t.shop_admin).await;
    assert_eq!(shop.body, json!({ "data": [], "page": 1, "more": false }));
    assert_eq!(delete(&app, "/defender/blocks/127.0.0.2", &t.shop_admin).await.status, 404);
    let lifted = delete(&app, "/defender/blocks/127.0.0.2", &t.office_admin).await;
    assert_eq!(lifted.status, 204, "{lifted:?}");
    let entry = crate::helpers::operators_lines(&app).await.remove(0);
    assert_eq!((entry.kind.as_str(), entry.ip.as_deref()), ("defender.unblock", Some("127.0.0.2")));
    assert!(entry.actor.starts_with("admin-api:"), "{entry:?}");
    assert_eq!(get(&app, "/defender/blocks", &token).await.body["data"], json!([]));
    assert_eq!(delete(&app, "/defender/blocks/127.0.0.2", &token).await.status, 404, "not blocked now");

    // A block on logins of two tenants is the operator's alone.
    for i in 0..10 {
        let login = if i % 2 == 0 { "anna@office.example" } else { "bob@shop.example" };
        app.post_from("127.0.0.3", "/api/v1/login", login_body(login, "wrong-password")).await;
    }
    assert_eq!(get(&app, "/defender/blocks", &t.office_admin).await.body["data"], json!([]));
    assert_eq!(delete(&app, "/defender/blocks/127.0.0.3", &t.office_admin).await.status, 404);
    let bad = delete(&app, "/defender/blocks/not-an-ip", &token).await;
    assert_eq!((bad.status, &bad.body["field"]), (400, &json!("ip")));
    assert_eq!(delete(&app, "/defender/blocks/127.0.0.3", &token).await.status, 204);
    let entry = crate::helpers::operators_lines(&app).await.remove(0);
    assert_eq!(entry.actor, format!("admin-api:{root}"));
    let page = call(&app, "GET", "/defender/blocks?page=0", None, Some(&token)).await;
    assert_eq!(page.status, 400, "{page:?}");
}
both!(blocks_are_seen_and_lifted_in_scope);

async fn applications_are_handled_in_scope(app: TestApp) {
    let (root, token) = operator(&app).await;
    let t = tenants(&app).await;
    let body = json!({ "name": " Platform app ", "redirect_uris": ["https://platform.example/cb"] });
    let created = call(&app, "POST", "/applications", Some(body), Some(&token)).await;
    assert_eq!(created.status, 201, "{created:?}");
    let application = &created.body["application"];
    let id = application["id"].as_i64().expect("id");
    assert_eq!(application["name"], "Platform app");
    assert_eq!(application["grants"], json!(["client_credentials", "authorization_code", "refresh_token"]));
    assert_eq!((&application["owner_user_id"], &application["trusted"]), (&json!(root), &json!(false)));
    let secret = created.body["client_secret"].as_str().expect("a secret").to_owned();
    assert_eq!(
        newest_audit(&app).await,
        ("client.create".into(), format!("admin-api:{root}"), Some(format!("client:{id}")))
    );
    let grant = |secret: String| {
        let body = json!({ "grant_type": "client_credentials", "client_id": id, "client_secret": secret });
        let req = app.http.post(format!("{}/oauth/token", app.base)).json(&body);
        async move { req.send().await.expect("token").status().as_u16() }
    };
    assert_eq!(grant(secret.clone()).await, 200);

    let rotated = post(&app, &format!("/applications/{id}/secret"), &token).await;
    assert_eq!(rotated.status, 200, "{rotated:?}");
    let fresh = rotated.body["client_secret"].as_str().expect("secret").to_owned();
    assert_ne!(fresh, secret);
    assert_eq!(grant(secret).await, 401, "the old secret is dead");
    assert_eq!(grant(fresh.clone()).await, 200);
    assert_eq!(newest_audit(&app).await.0, "client.secret");
    assert!(
        !app.core.audit_entries(50).await.expect("audit").iter().any(|e| e
            .detail
            .as_deref()
            .unwrap_or_default()
            .contains(&fresh))
    );

    let patch = json!({ "redirect_uris": ["https://platform.example/callback"], "trusted": true, "name": "Renamed" });
    let changed = call(&app, "PATCH", &format!("/applications/{id}"), Some(patch), Some(&token)).await;
    assert_eq!(changed.status, 200, "{changed:?}");
    assert_eq!(changed.body["redirect_uris"], json!(["https://platform.example/callback"]));
    assert_eq!((&changed.body["trusted"], &changed.body["name"]), (&json!(true), &json!("Renamed")));
    assert_eq!(newest_audit(&app).await.0, "client.update");
    let bad = call(
        &app,
        "PATCH",
        &format!("/applications/{id}"),
        Some(json!({ "redirect_uris": ["ftp://x"] })),
        Some(&token),
    )
    .await;
    assert_eq!((bad.status, &bad.body["field"]), (400, &json!("redirect_uris")), "{bad:?}");

    // The operator sees every client (the cabinet's own too); a tenant only its own.
    let all = get(&app, "/applications", &token).await;
    let ids: Vec<i64> =
        all.body["data"].as_array().expect("data").iter().map(|a| a["id"].as_i64().expect("id")).collect();
    assert!(ids.contains(&10553) && ids.contains(&id), "{ids:?}");
    let mine = call(&app, "POST", "/applications", Some(json!({ "name": "Office CRM" })), Some(&t.office_admin)).await;
    assert_eq!(mine.status, 201, "{mine:?}");
    let office_app = mine.body["application"]["id"].as_i64().expect("id");
    assert_eq!(mine.body["application"]["grants"], json!(["client_credentials"]));
    let office = get(&app, "/applications", &t.office_admin).await;
    assert_eq!(office.body["data"].as_array().map(Vec::len), Some(1), "{office:?}");
    assert_eq!(office.body["data"][0]["id"], office_app);
    assert_eq!(get(&app, "/applications", &t.shop_admin).await.body, json!({ "data": [] }));
    // Shop's administrator reaches none of office's: 404, whatever the action.
    assert_eq!(post(&app, &format!("/applications/{office_app}/secret"), &t.shop_admin).await.status, 404);
    let rename = json!({ "name": "mine now" });
    let patched =
        call(&app, "PATCH", &format!("/applications/{office_app}"), Some(rename.clone()), Some(&t.shop_admin)).await;
    assert_eq!(patched.status, 404);
    assert_eq!(delete(&app, &format!("/applications/{office_app}"), &t.shop_admin).await.status, 404);
    assert_eq!(delete(&app, &format!("/applications/{id}"), &t.office_admin).await.status, 404, "the operator's");
    // Trust and grants are the operator's: 403 for a tenant, even on its own.
    for body in [json!({ "trusted": false }), json!({ "grants": ["password"] })] {
        let refused =
            call(&app, "PATCH", &format!("/applications/{office_app}"), Some(body), Some(&t.office_admin)).await;
        assert_eq!((refused.status, &refused.body["error"]), (403, &json!("forbidden")), "{refused:?}");
    }
    let refused =
        call(&app, "POST", "/applications", Some(json!({ "name": "x", "trusted": true })), Some(&t.office_admin)).await;
    assert_eq!(refused.status, 403);
    let own = call(&app, "PATCH", &format!("/applications/{office_app}"), Some(rename), Some(&t.office_admin)).await;
    assert_eq!((own.status, &own.body["name"]), (200, &json!("mine now")));

    assert_eq!(delete(&app, &format!("/applications/{office_app}"), &t.office_admin).await.status, 204);
    assert_eq!(delete(&app, &format!("/applications/{id}"), &token).await.status, 204);
    assert_eq!(newest_audit(&app).await.0, "client.delete");
    assert_eq!(grant(fresh).await, 401, "a deleted application's secret is dead");
    assert_eq!(delete(&app, &format!("/applications/{id}"), &token).await.status, 404);
    // Bad input.
    for body in
        [json!({}), json!({ "name": "" }), json!({ "name": 5 }), json!([]), json!({ "name": "x", "grants": ["magic"] })]
    {
        let answer = call(&app, "POST", "/applications", Some(body.clone()), Some(&token)).await;
        assert_eq!((answer.status, &answer.body["error"]), (400, &json!("invalid_request")), "{body}");
    }
}
both!(applications_are_handled_in_scope);

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

async fn the_audit_log_and_flashcall_traffic_are_read_in_scope(app: TestApp) {
    let (root, token) = operator(&app).await;
    let t = tenants(&app).await;
    // Office's user is blocked from another host and unblocked by office's administrator; a
    // login PIN is called to office's user's phone; one to nobody's.
    for _ in 0..10 {
        app.post_from("127.0.0.2", "/api/v1/login", login_body("anna@office.example", "wrong-password")).await;
    }
    assert_eq!(delete(&app, "/defender/blocks/127.0.0.2", &t.office_admin).await.status, 204);
    assert_eq!(app.post("/api/v1/flashcall", json!({ "phone": "79990001122" })).await.0, 200);
    assert_eq!(app.post("/api/v1/flashcall", json!({ "phone": "79995550000" })).await.0, 200);
    app.core.audit_flush().await;

    let all = get(&app, "/audit?type=defender", &token).await;
    assert_eq!(all.status, 200, "{all:?}");
    let kinds: Vec<&str> =
        all.body["data"].as_array().expect("data").iter().filter_map(|e| e["type"].as_str()).collect();
    assert_eq!(kinds, ["defender.unblock", "defender.block"], "{all:?}");
    let unblock = &all.body["data"][0];
    assert_eq!((&unblock["ip"], &unblock["subject"]), (&json!("127.0.0.2"), &json!("email:anna@office.example")));
    assert_eq!((&unblock["user_id"], &unblock["dialect"]), (&json!(t.office_user), &json!("admin")));
    assert!(unblock["at"].as_str().is_some_and(|at| at.ends_with('Z')));
    let by_ip = get(&app, "/audit?ip=127.0.0.2&type=defender.block", &token).await;
    assert_eq!(by_ip.body["data"].as_array().map(Vec::len), Some(1), "{by_ip:?}");
    let by_user = get(&app, &format!("/audit?user_id={}&type=flashcall", t.office_user), &token).await;
    assert_eq!(by_user.body["data"][0]["type"], "flashcall.placed", "{by_user:?}");
    let future = get(&app, "/audit?since=2999-01-01T00:00:00Z", &token).await;
    assert_eq!(future.body, json!({ "data": [], "page": 1, "more": false }));

    // Shop's administrator sees none of office's events; office's sees its own.
    let shop = get(&app, "/audit", &t.shop_admin).await;
    assert!(
        shop.body["data"].as_array().expect("data").iter().all(|e| e["user_id"] != json!(t.office_user)),
        "{shop:?}"
    );
    let office = get(&app, "/audit?type=defender", &t.office_admin).await;
    assert_eq!(office.body["data"].as_array().map(Vec::len), Some(2), "{office:?}");
    let asked = get(&app, &format!("/audit?user_id={}", t.office_user), &t.shop_admin).await;
    assert_eq!(asked.body["data"], json!([]), "another tenant's user has no events here");

    // Bad filters are 400.
    for bad in ["/audit?type=nonsense", "/audit?since=yesterday", "/audit?until=1", "/audit?page=0", "/audit?user_id=x"]
    {
        let answer = get(&app, bad, &token).await;
        assert_eq!(answer.status, 400, "{bad}: {answer:?}");
        assert!(answer.body["message"].is_string());
    }

    // FlashCall traffic: the operator sees both calls, office's administrator its own one.
    let stats = get(&app, "/flashcalls/stats", &token).await;
    assert_eq!(stats.status, 200, "{stats:?}");
    assert_eq!(stats.body["window"], 86_400);
    assert_eq!((&stats.body["by_country"][0]["key"], &stats.body["by_country"][0]["placed"]), (&json!("7"), &json!(2)));
    assert_eq!(stats.body["by_prefix"][0]["key"], "7999000");
    let office_stats = get(&app, "/flashcalls/stats?window=7d", &t.office_admin).await;
    assert_eq!(office_stats.body["window"], 7 * 86_400);
    assert_eq!(office_stats.body["by_country"][0]["placed"], 1, "{office_stats:?}");
    let tenant_rows = office_stats.body["by_tenant"].as_array().expect("rows");
    assert_eq!(tenant_rows.len(), 1);
    assert_eq!(get(&app, "/flashcalls/stats", &t.shop_admin).await.body["by_country"][0]["placed"], 0);
    for bad in ["/flashcalls/stats?window=0h", "/flashcalls/stats?window=32d", "/flashcalls/stats?window=day"] {
        assert_eq!(get(&app, bad, &token).await.status, 400, "{bad}");
    }
    let _ = root;
}
both!(the_audit_log_and_flashcall_traffic_are_read_in_scope);
