//! Each authentication event lands in the audit log through the real router, with its fields:
//! sign-ins of every dialect (and why one failed), tokens issued, refreshed, revoked and reused,
//! the Defender's cap, password resets and changes, and operators' actions. On SQLite and
//! PostgreSQL.

use crate::helpers::oidc::{Browser, VERIFIER, code_client, exchange, request};
use crate::helpers::{CLIENT, PASSWORD, TestApp, login_body, pbx_auth_body};
use kordon_core::audit::{AuditFilter, AuditRecord};
use kordon_core::types::User;
use serde_json::{Value, json};

/// The user agent every request of these tests names.
const UA: &str = "audit-events-test/1.0";
const HOST: &str = "127.0.0.1";

fn cabinet() -> i64 {
    CLIENT.parse().expect("the cabinet's client id")
}

/// The events of one type (or family), newest first, once everything queued is written.
async fn events(app: &TestApp, kind: &str) -> Vec<AuditRecord> {
    app.core.audit_flush().await;
    let filter = AuditFilter { kind: Some(kind.into()), limit: 100, ..AuditFilter::default() };
    app.core.audit_search(&filter).await.expect("search")
}

/// The only event of a type.
async fn only(app: &TestApp, kind: &str) -> AuditRecord {
    let mut found = events(app, kind).await;
    assert_eq!(found.len(), 1, "one {kind}: {found:#?}");
    found.remove(0)
}

/// A cabinet request with the tests' user agent: status and body.
async fn cabinet_call(
    app: &TestApp,
    method: &str,
    path: &str,
    body: Option<Value>,
    token: Option<&str>,
) -> (u16, Value) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
    let mut req = app
        .http
        .request(method, format!("{}{path}", app.base))
        .header("Accept", "application/json")
        .header("Client", CLIENT)
        .header("User-Agent", UA);
    if let Some(token) = token {
        req = req.bearer_auth(token);
    }
    if let Some(body) = body {
        req = req.json(&body);
    }
    let resp = req.send().await.expect("request");
    let status = resp.status().as_u16();
    (status, resp.json().await.expect("json"))
}

async fn post(app: &TestApp, path: &str, body: Value) -> (u16, Value) {
    cabinet_call(app, "POST", path, Some(body), None).await
}

/// An OAuth endpoint's form request with Basic client authentication and the tests' agent.
async fn oauth_form(app: &TestApp, path: &str, pairs: &[(&str, &str)], id: i64, secret: &str) -> (u16, Value) {
    let req = app.http.post(format!("{}{path}", app.base)).header("User-Agent", UA).form(pairs);
    let resp = req.basic_auth(id, Some(secret)).send().await.expect("request");
    let status = resp.status().as_u16();
    let text = resp.text().await.expect("body");
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

async fn user(app: &TestApp, email: &str) -> User {
    app.core.admin_user(email).await.expect("user")
}

/// Asserts type, result, dialect, method and reason.
fn assert_what(r: &AuditRecord, what: (&str, &str, &str, &str), reason: Option<&str>) {
    let (kind, result, dialect, method) = what;
    assert_eq!(
        (r.kind.as_str(), r.result.as_str(), r.dialect.as_deref(), r.method.as_deref(), r.reason.as_deref()),
        (kind, result, Some(dialect), Some(method), reason),
        "{r:#?}"
    );
}

/// Asserts whose event it is (user, tenant, client) and where it came from (host, agent).
fn assert_who(r: &AuditRecord, user: Option<&User>, client: Option<i64>, agent: Option<&str>) {
    assert_eq!(
        (r.user_id, r.tenant_id, r.client_id),
        (user.map(|u| u.id), user.map(|u| u.account_id), client),
        "{r:#?}"
    );
    assert_eq!((r.ip.as_deref(), r.user_agent.as_deref()), (Some(HOST), agent), "{r:#?}");
}

async fn cabinet_sign_ins_by_password_and_pin(app: TestApp) {
    app.register("ann@mail.ru", "79990000001").await;
    let ann = user(&app, "ann@mail.ru").await;
    let (s, b) = post(&app, "/api/v1/login", login_body("Ann@Mail.ru", PASSWORD)).await;
    assert_eq!(s, 200, "{b}");
    let ok = only(&app, "signin").await;
    assert_what(&ok, ("signin", "success", "cabinet", "password"), None);
    assert_who(&ok, Some(&ann), Some(cabinet()), Some(UA));

    // A wrong password for a known login is filed under its user; an unknown login names itself.
    assert_eq!(post(&app, "/api/v1/login", login_body("ann@mail.ru", "wrong-password")).await.0, 400);
    let wrong = &events(&app, "signin").await[0];
    assert_what(wrong, ("signin", "failure", "cabinet", "password"), Some("wrong_credential"));
    assert_who(wrong, Some(&ann), Some(cabinet()), Some(UA));
    assert_eq!(wrong.subject.as_deref(), Some("email:ann@mail.ru"));
    assert_eq!(post(&app, "/api/v1/login", login_body("nobody@mail.ru", "wrong-password")).await.0, 400);
    let unknown = &events(&app, "signin").await[0];
    assert_what(unknown, ("signin", "failure", "cabinet", "password"), Some("wrong_credential"));
    assert_who(unknown, None, Some(cabinet()), Some(UA));
    assert_eq!(unknown.subject.as_deref(), Some("email:nobody@mail.ru"));

    // PIN: a wrong one, then the right one (a minute after the registration's call).
    app.clock.advance(61);
    let (token, pin) = app.flashcall("79990000001").await;
    let wrong_pin = if pin == "0000" { "1111" } else { "0000" };
    let body = |pin: &str| json!({ "phone": "79990000001", "pin": pin, "token": token });
    assert_ne!(post(&app, "/api/v1/login", body(wrong_pin)).await.0, 200);
    let (s, b) = post(&app, "/api/v1/login", body(&pin)).await;
    assert_eq!(s, 200, "{b}");
    let pins = events(&app, "signin").await;
    assert_what(&pins[0], ("signin", "success", "cabinet", "pin"), None);
    assert_who(&pins[0], Some(&ann), Some(cabinet()), Some(UA));
    assert_what(&pins[1], ("signin", "failure", "cabinet", "pin"), Some("wrong_credential"));
    assert_who(&pins[1], Some(&ann), Some(cabinet()), Some(UA));
    assert_eq!(pins[1].subject.as_deref(), Some("phone:79990000001"));
    assert_eq!(pins.len(), 5);

    // A disabled user's sign-in says so.
    app.core.admin_set_user_disabled("ann@mail.ru", true, "cli").await.expect("disable");
    assert_eq!(post(&app, "/api/v1/login", login_body("ann@mail.ru", PASSWORD)).await.0, 400);
    let disabled = &events(&app, "signin").await[0];
    assert_what(disabled, ("signin", "failure", "cabinet", "password"), Some("disabled"));
    assert_who(disabled, Some(&ann), Some(cabinet()), Some(UA));
}
both!(cabinet_sign_ins_by_password_and_pin);

async fn pbx_oauth_and_login_page_sign_ins(app: TestApp) {
    app.domain_user("pbx@mail.ru", "pbx.example", kordon_core::types::PbxRole::ADMINISTRATOR).await;
    let pbx = user(&app, "pbx@mail.ru").await;
    let ua = [("User-Agent", UA)];
    let (s, _, _) = app.pbx_at(&app.base, pbx_auth_body("pbx@mail.ru", PASSWORD), None, &ua).await;
    assert_eq!(s, 200);
    let (s, _, _) = app.pbx_at(&app.base, pbx_auth_body("pbx@mail.ru", "wrong-password"), None, &ua).await;
    assert_ne!(s, 200);
    let found = events(&app, "signin").await;
    assert_what(&found[1], ("signin", "success", "pbx", "password"), None);
    assert_who(&found[1], Some(&pbx), None, Some(UA));
    assert_what(&found[0], ("signin", "failure", "pbx", "password"), Some("wrong_credential"));
    assert_who(&found[0], Some(&pbx), None, Some(UA));
    let issued = only(&app, "token.issued").await;
    assert_what(&issued, ("token.issued", "success", "pbx", "pbx"), None);
    assert_who(&issued, Some(&pbx), None, Some(UA));

    // The OAuth password grant, right and wrong.
    let (id, secret) = crate::helpers::oauth::client(&app, &["password"], None).await;
    let grant =
        |password: &'static str| [("grant_type", "password"), ("username", "pbx@mail.ru"), ("password", password)];
    assert_eq!(oauth_form(&app, "/oauth/token", &grant(PASSWORD), id, &secret).await.0, 200);
    assert_eq!(oauth_form(&app, "/oauth/token", &grant("wrong-password"), id, &secret).await.0, 400);
    let found = events(&app, "signin").await;
    assert_what(&found[1], ("signin", "success", "oauth", "password"), None);
    assert_who(&found[1], Some(&pbx), Some(id), Some(UA));
    assert_what(&found[0], ("signin", "failure", "oauth", "password"), Some("wrong_credential"));
    assert_who(&found[0], Some(&pbx), Some(id), Some(UA));
    let issued = &events(&app, "token.issued").await[0];
    assert_what(issued, ("token.issued", "success", "oauth", "oauth"), None);
    assert_who(issued, Some(&pbx), Some(id), Some(UA));

    // The login page of the code flow: a wrong password, then the right one, then the code.
    let client = code_client(&app, "web", false, true).await;
    let mut browser = Browser::new(&app);
    let page = browser.authorize(&request(&client.id.to_string(), "openid")).await;
    let again = browser.sign_in(&page, "pbx@mail.ru", "wrong-password").await;
    assert_eq!(again.status, 401, "the login page again, with its error");
    let page = browser.authorize(&request(&client.id.to_string(), "openid")).await;
    let done = browser.sign_in(&page, "pbx@mail.ru", PASSWORD).await;
    let code = done.param("code").expect("code");
    assert_eq!(exchange(&app, &client, &code, VERIFIER).await.status, 200);
    let found = events(&app, "signin").await;
    assert_what(&found[0], ("signin", "success", "oidc", "password"), None);
    assert_who(&found[0], Some(&pbx), None, None);
    assert_what(&found[1], ("signin", "failure", "oidc", "password"), Some("wrong_credential"));
    let issued = events(&app, "token.issued").await;
    assert_what(&issued[0], ("token.issued", "success", "oauth", "authorization_code"), None);
    assert_who(&issued[0], Some(&pbx), Some(client.id), None);
    assert_what(&issued[1], ("token.issued", "success", "oidc", "browser"), None);
    assert_who(&issued[1], Some(&pbx), None, None);
    // The same code again: what it was exchanged for is revoked, and the reuse recorded.
    assert_eq!(exchange(&app, &client, &code, VERIFIER).await.status, 400);
    let reuse = only(&app, "token.reuse").await;
    assert_what(&reuse, ("token.reuse", "failure", "oauth", "authorization_code"), Some("code_reuse"));
    assert!(reuse.detail.as_deref().is_some_and(|d| d.contains("\"family\"")), "{reuse:#?}");
}
both!(pbx_oauth_and_login_page_sign_ins);

async fn cabinet_tokens_issued_refreshed_revoked_and_reused(app: TestApp) {
    let reg = app.register("bob@mail.ru", "79990000002").await;
    let bob = user(&app, "bob@mail.ru").await;
    let (s, b) = post(&app, "/api/v1/refresh", json!({ "token": reg["refresh_token"] })).await;
    assert_eq!(s, 200, "{b}");
    let refreshed = only(&app, "token.refreshed").await;
    assert_what(&refreshed, ("token.refreshed", "success", "cabinet", "cabinet"), None);
    assert_who(&refreshed, Some(&bob), Some(cabinet()), Some(UA));

    // The spent token after the grace window: its family ends, and the event names it.
    app.clock.advance(11);
    assert_eq!(post(&app, "/api/v1/refresh", json!({ "token": reg["refresh_token"] })).await.0, 400);
    let reuse = only(&app, "token.reuse").await;
    assert_what(&reuse, ("token.reuse", "failure", "cabinet", "refresh_token"), Some("refresh_reuse"));
    assert_who(&reuse, Some(&bob), Some(cabinet()), Some(UA));
    let detail: Value = serde_json::from_str(reuse.detail.as_deref().expect("detail")).expect("json");
    let family = detail["family"].as_str().expect("family");
    let spent = format!("SELECT COUNT(*) FROM sessions WHERE family_id = '{family}' AND revoked_at IS NOT NULL");
    assert!(app.scalar(&spent).await >= 2, "the family named is the one that ended");

    // A new session, an API token made and deleted, a logout.
    let (s, login) = post(&app, "/api/v1/login", login_body("bob@mail.ru", PASSWORD)).await;
    assert_eq!(s, 200, "{login}");
    let session = login["token"].as_str().expect("token");
    let (s, made) = cabinet_call(&app, "POST", "/api/v1/tokens", Some(json!({})), Some(session)).await;
    assert_eq!(s, 200, "{made}");
    let (_, list) = cabinet_call(&app, "GET", "/api/v1/tokens", None, Some(session)).await;
    let id = list["data"][0]["id"].as_i64().expect("token id");
    let path = format!("/api/v1/tokens/{id}");
    assert_eq!(cabinet_call(&app, "DELETE", &path, None, Some(session)).await.0, 200);
    let (s, b) = cabinet_call(&app, "POST", "/api/v1/logout", Some(json!({ "token": session })), Some(session)).await;
    assert_eq!(s, 200, "{b}");

    let issued = events(&app, "token.issued").await;
    let kinds: Vec<_> = issued.iter().map(|r| r.method.as_deref().unwrap_or_default()).collect();
    assert_eq!(kinds, ["api_token", "cabinet", "cabinet"], "API token, login, register");
    for r in &issued[..2] {
        assert_who(r, Some(&bob), Some(cabinet()), Some(UA));
    }
    let revoked = events(&app, "token.revoked").await;
    assert_what(&revoked[0], ("token.revoked", "success", "cabinet", "cabinet"), None);
    assert_who(&revoked[0], Some(&bob), None, Some(UA));
    assert_what(&revoked[1], ("token.revoked", "success", "cabinet", "api_token"), None);
    assert_who(&revoked[1], Some(&bob), Some(cabinet()), Some(UA));
    assert_eq!(revoked.len(), 2);
}
both!(cabinet_tokens_issued_refreshed_revoked_and_reused);

async fn oauth_tokens_refreshed_revoked_and_reused(app: TestApp) {
    app.register("cid@mail.ru", "79990000003").await;
    let cid = user(&app, "cid@mail.ru").await;
    let (id, secret) = crate::helpers::oauth::client(&app, &["password", "refresh_token"], None).await;
    let grant = [("grant_type", "password"), ("username", "cid@mail.ru"), ("password", PASSWORD)];
    let (s, first) = oauth_form(&app, "/oauth/token", &grant, id, &secret).await;
    assert_eq!(s, 200, "{first}");
    let refresh = first["refresh_token"].as_str().expect("refresh").to_owned();
    let (s, second) =
        oauth_form(&app, "/oauth/token", &[("grant_type", "refresh_token"), ("refresh_token", &refresh)], id, &secret)
            .await;
    assert_eq!(s, 200, "{second}");
    let refreshed = only(&app, "token.refreshed").await;
    assert_what(&refreshed, ("token.refreshed", "success", "oauth", "oauth"), None);
    assert_who(&refreshed, Some(&cid), Some(id), Some(UA));

    // RFC 7009 revocation of the live refresh token.
    let live = second["refresh_token"].as_str().expect("refresh").to_owned();
    assert_eq!(oauth_form(&app, "/oauth/revoke", &[("token", &live)], id, &secret).await.0, 200);
    let revoked = only(&app, "token.revoked").await;
    assert_what(&revoked, ("token.revoked", "success", "oauth", "oauth"), None);
    assert_who(&revoked, Some(&cid), Some(id), Some(UA));

    // A second grant's spent refresh token presented after the grace window.
    let (_, third) = oauth_form(&app, "/oauth/token", &grant, id, &secret).await;
    let spent = third["refresh_token"].as_str().expect("refresh").to_owned();
    let again = [("grant_type", "refresh_token"), ("refresh_token", spent.as_str())];
    assert_eq!(oauth_form(&app, "/oauth/token", &again, id, &secret).await.0, 200);
    app.clock.advance(11);
    assert_eq!(oauth_form(&app, "/oauth/token", &again, id, &secret).await.0, 400);
    let reuse = only(&app, "token.reuse").await;
    assert_what(&reuse, ("token.reuse", "failure", "oauth", "refresh_token"), Some("refresh_reuse"));
    assert_who(&reuse, Some(&cid), Some(id), Some(UA));
    assert!(reuse.detail.as_deref().is_some_and(|d| d.contains("\"family\"")));
}
both!(oauth_tokens_refreshed_revoked_and_reused);

/// A host blocked after three failures, a login capped after two.
fn strict(config: &mut kordon::config::Config) {
    config.defender.host_failures = 3;
    config.defender.account_failures = 1;
    config.defender.account_max_failures = 2;
    config.defender.account_delay_ms = 0;
}

async fn the_defender_cap_and_refusals_carry_their_reason(app: TestApp) {
    app.register("dan@mail.ru", "79990000004").await;
    let dan = user(&app, "dan@mail.ru").await;
    for _ in 0..2 {
        assert_eq!(post(&app, "/api/v1/login", login_body("dan@mail.ru", "wrong-password")).await.0, 400);
    }
    let cap = only(&app, "defender.cap").await;
    assert_eq!(
        (cap.result.as_str(), cap.reason.as_deref(), cap.subject.as_deref(), cap.actor.as_str()),
        ("failure", Some("account_max_failures"), Some("email:dan@mail.ru"), "defender"),
    );
    assert_eq!((cap.user_id, cap.tenant_id, cap.ip.as_deref()), (Some(dan.id), Some(dan.account_id), Some(HOST)));
    // The login is capped now, even with its right password.
    assert_eq!(post(&app, "/api/v1/login", login_body("dan@mail.ru", PASSWORD)).await.0, 429);
    let capped = &events(&app, "signin").await[0];
    assert_what(capped, ("signin", "failure", "cabinet", "password"), Some("capped"));
    assert_who(capped, Some(&dan), Some(cabinet()), Some(UA));
    // A third failure from this host (on another login) blocks it; the next sign-in is refused.
    assert_eq!(post(&app, "/api/v1/login", login_body("eve@mail.ru", "wrong-password")).await.0, 400);
    assert_ne!(post(&app, "/api/v1/login", login_body("eve@mail.ru", "wrong-password")).await.0, 400);
    let blocked = &events(&app, "signin").await[0];
    assert_what(blocked, ("signin", "failure", "cabinet", "password"), Some("blocked"));
    assert_eq!(blocked.subject.as_deref(), Some("email:eve@mail.ru"));
    assert_eq!(events(&app, "defender.block").await.len(), 1);
    assert_eq!(events(&app, "defender.cap").await.len(), 1, "a cap is reached once");
}
both!(the_defender_cap_and_refusals_carry_their_reason, super::strict);

fn lk_prefix(config: &mut kordon::config::Config) {
    config.reset.url_prefixes = vec!["https://lk.example/".into()];
}

async fn password_resets_and_changes(app: TestApp) {
    app.register("fay@mail.ru", "79990000005").await;
    let fay = user(&app, "fay@mail.ru").await;
    let url = "https://lk.example/reset";
    let (s, b) = post(&app, "/api/v1/restore-token", json!({ "email": "Fay@Mail.ru", "url": url })).await;
    assert_eq!(s, 200, "{b}");
    let requested = only(&app, "password.reset_requested").await;
    assert_what(&requested, ("password.reset_requested", "success", "cabinet", "email"), None);
    assert_eq!(requested.subject.as_deref(), Some("email:fay@mail.ru"));
    assert_eq!((requested.client_id, requested.ip.as_deref()), (Some(cabinet()), Some(HOST)));

    app.core.reset_mail_settled().await;
    let mail = app.outbox_lines("mail.jsonl").pop().expect("a mail");
    let text = mail["text"].as_str().expect("text");
    let start = text.find("token=").expect("link") + "token=".len();
    let token: String = text[start..].chars().take_while(char::is_ascii_alphanumeric).collect();
    let new = "Brand-new-pass-42";
    let change = |t: &str| json!({ "token": t, "password": new, "password_confirmation": new });
    assert_eq!(post(&app, "/api/v1/change-password", change("D9qT7Wf9k8PrMQ")).await.0, 400);
    let (s, b) = post(&app, "/api/v1/change-password", change(&token)).await;
    assert_eq!(s, 200, "{b}");
    let resets = events(&app, "password.reset").await;
    assert_what(&resets[0], ("password.reset", "success", "cabinet", "reset_token"), None);
    assert_who(&resets[0], Some(&fay), None, Some(UA));
    assert_what(&resets[1], ("password.reset", "failure", "cabinet", "reset_token"), Some("wrong_credential"));
    assert_who(&resets[1], None, None, Some(UA));

    // A change by the user: the wrong current password, then the right one.
    let session = app.login("fay@mail.ru", new).await;
    let body =
        |current: &str| json!({ "current_password": current, "password": PASSWORD, "password_confirmation": PASSWORD });
    let path = "/api/v1/update-password";
    assert_eq!(cabinet_call(&app, "POST", path, Some(body("wrong-password")), Some(&session)).await.0, 400);
    let (s, b) = cabinet_call(&app, "POST", path, Some(body(new)), Some(&session)).await;
    assert_eq!(s, 200, "{b}");
    let changes = events(&app, "password.changed").await;
    assert_what(&changes[0], ("password.changed", "success", "cabinet", "password"), None);
    assert_who(&changes[0], Some(&fay), Some(cabinet()), Some(UA));
    assert_what(&changes[1], ("password.changed", "failure", "cabinet", "password"), Some("wrong_credential"));
    assert_who(&changes[1], Some(&fay), Some(cabinet()), Some(UA));
}
both!(password_resets_and_changes, super::lk_prefix);

async fn operators_create_users_and_owners_delete_applications(app: TestApp) {
    let (user_id, account_id) =
        app.domain_user("gus@mail.ru", "gus.example", kordon_core::types::PbxRole::ADMINISTRATOR).await;
    let created = only(&app, "user.create").await;
    assert_eq!(
        (created.user_id, created.tenant_id, created.actor.as_str(), created.dialect.as_deref()),
        (Some(user_id), Some(account_id), "cli", Some("cli"))
    );
    assert_eq!(created.subject, Some(format!("user:{user_id}")));

    let session = app.login("gus@mail.ru", PASSWORD).await;
    let (s, app_made) =
        cabinet_call(&app, "POST", "/api/v1/applications", Some(json!({ "name": "CRM" })), Some(&session)).await;
    assert_eq!(s, 200, "{app_made}");
    let id = app_made["application_id"].as_i64().expect("application_id");
    let path = format!("/api/v1/applications/{id}");
    assert_eq!(cabinet_call(&app, "DELETE", &path, None, Some(&session)).await.0, 200);
    let deleted = only(&app, "client.delete").await;
    assert_eq!((deleted.user_id, deleted.tenant_id, deleted.client_id), (Some(user_id), Some(account_id), Some(id)));
    assert_eq!(deleted.dialect.as_deref(), Some("cabinet"));
}
both!(operators_create_users_and_owners_delete_applications);
