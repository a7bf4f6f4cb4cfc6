//! Issue 20's "Done when", end to end in headless Chromium on both stores
//! (`tests/oidc-rp/console-scenario.mjs`): the platform's operator runs the platform from the
//! console — a host blocked from another address found and unblocked, the unblock in the audit
//! list, a user disabled (whose tokens then fail in every dialect), one browser sign-in of two
//! revoked, an application created with a redirect URI, a FlashCall range marked — and a PBX
//! owner sees only their tenant, in the console and through the admin API. Screenshots in
//! `target/tmp/console-scenario-<store>/`; the page-by-page tour is `console.rs`.

use crate::console::{ADMIN, GHOST, MEMBER, OPERATOR, OUTSIDER, SECOND, block, cap_ghost, people, unanswered_calls};
use crate::helpers::oidc::{Browser, CodeClient, code_client, request};
use crate::helpers::{PASSWORD, TestApp, login_body, pbx_auth_body};
use serde_json::{Value, json};

const REDIRECT: &str = "https://crm.example/oauth/callback";

/// Runs one part of the scenario as `email`; its report's `result`.
async fn scenario(app: &TestApp, part: &str, email: &str, input: &[(&str, String)]) -> Value {
    crate::helpers::node::page_part(app, "console-scenario", part, email, input).await["result"].clone()
}

/// The member's credentials in every dialect: a cabinet session, an API token, a PBX session
/// and an OAuth access token.
struct Credentials {
    cabinet: String,
    api_token: String,
    pbx: String,
    jwt: String,
}

async fn credentials(app: &TestApp, email: &str) -> Credentials {
    let cabinet = app.login(email, PASSWORD).await;
    let (status, api) = app.post_auth("/api/v1/tokens", json!({}), &cabinet).await;
    assert_eq!(status, 200, "{api}");
    let (status, pbx, _) = app.pbx(pbx_auth_body(email, PASSWORD), None).await;
    assert_eq!(status, 200, "{pbx}");
    let (jwt, _, _) = app.oauth_password_token(email).await;
    Credentials {
        cabinet,
        api_token: api["token"].as_str().expect("api token").to_owned(),
        pbx: pbx["body"]["token"].as_str().expect("pbx token").to_owned(),
        jwt,
    }
}

/// The statuses each credential gets: cabinet, API token, PBX, OAuth (biometrics), OAuth and
/// API token (provider API).
async fn answers(app: &TestApp, c: &Credentials) -> [u16; 6] {
    let provider = |token: &str| {
        let req = app.http.get(format!("{}/api/ver1.0/user/", app.base)).bearer_auth(token);
        async move { req.send().await.expect("provider").status().as_u16() }
    };
    let logout = json!({ "action": "logout", "obj": "User", "action_id": "2" });
    [
        app.get_auth("/api/v1/authuser", &c.cabinet).await.0,
        app.get_auth("/api/v1/authuser", &c.api_token).await.0,
        app.pbx(logout, Some(&c.pbx)).await.0,
        app.call("GET", "/api/users", None, Some(&c.jwt)).await.0,
        provider(&c.jwt).await,
        provider(&c.api_token).await,
    ]
}

/// `email` signed in at kordon in two browsers, through a partner's code flow.
async fn two_browsers(app: &TestApp, email: &str) -> (CodeClient, [Browser; 2]) {
    let partner = code_client(app, "partner", false, true).await;
    let id = partner.id.to_string();
    let mut browsers = [Browser::new(app), Browser::new(app)];
    for browser in &mut browsers {
        let login = browser.authorize(&request(&id, "openid email")).await;
        let back = browser.sign_in(&login, email, PASSWORD).await;
        assert!(back.param("code").is_some(), "a trusted client: straight back with a code: {}", back.body);
    }
    (partner, browsers)
}

async fn an_operator_runs_the_platform_from_the_console(app: TestApp) {
    people(&app).await;
    let member = credentials(&app, MEMBER).await;
    assert_eq!(answers(&app, &member).await, [200, 200, 200, 200, 200, 200]);
    let (partner, mut browsers) = two_browsers(&app, SECOND).await;
    // Ten wrong passwords from another loopback address: that host is blocked.
    block(&app, "127.0.0.31", MEMBER).await;
    cap_ghost(&app).await;
    unanswered_calls(&app).await;

    let input = [
        ("KORDON_BLOCKED_HOST", "127.0.0.31".to_owned()),
        ("KORDON_CAPPED_LOGIN", GHOST.to_owned()),
        ("KORDON_DISABLE_EMAIL", MEMBER.to_owned()),
        ("KORDON_REVOKE_EMAIL", SECOND.to_owned()),
        ("KORDON_REDIRECT_URI", REDIRECT.to_owned()),
    ];
    let r = scenario(&app, "operator", OPERATOR, &input).await;

    // The host, its reason and the login tried; unblocked; the unblock on the audit list.
    let block = r["block"].as_str().unwrap_or_default();
    assert!(block.contains("10 failed sign-ins within 10 min") && block.contains(MEMBER), "{r}");
    assert_eq!(r["stillListed"], 0, "{r}");
    assert!(app.core.defender_blocks().await.expect("blocks").is_empty(), "unblocked in the store");
    let operator = app.core.admin_user(OPERATOR).await.expect("operator").id;
    let audit = r["audit"].as_str().unwrap_or_default();
    assert!(audit.contains("defender.unblock") && audit.contains(&format!("console:{operator}")), "{r}");

    // The capped login, forgiven: tried again, it is checked (a wrong password, not refused).
    assert_eq!((r["forgivenNotice"].as_str(), &r["cappedListed"]), (Some(&*format!("Forgiven: {GHOST}")), &json!(0)));
    assert_eq!(app.post_from("127.0.0.43", "/api/v1/login", login_body(GHOST, "guess")).await.0, 400);

    // The disabled member's credentials fail in every dialect, and signing in does too.
    assert_eq!(r["disabledState"], "disabled", "{r}");
    assert_eq!(answers(&app, &member).await, [401, 401, 401, 401, 401, 401], "dead in every dialect");
    assert_eq!(app.post("/api/v1/login", login_body(MEMBER, PASSWORD)).await.0, 400);

    // One browser sign-in of two ended: exactly one browser still gets a code without a page.
    assert_eq!((r["browsersBefore"].as_i64(), r["browsersAfter"].as_i64()), (Some(2), Some(1)), "{r}");
    let mut still = 0;
    for browser in &mut browsers {
        if browser.authorize(&request(&partner.id.to_string(), "openid email")).await.param("code").is_some() {
            still += 1;
        }
    }
    assert_eq!(still, 1, "exactly one browser is still signed in");

    // The application, with its redirect URI, owned by the operator.
    let created = r["application"]["id"].as_i64().unwrap_or_else(|| panic!("an application id: {r}"));
    let uris = app.text(&format!("SELECT redirect_uris FROM clients WHERE id = {created}")).await;
    assert!(uris.contains(REDIRECT), "{uris}");
    let application = &r["application"];
    assert_eq!((&application["uriShown"], &application["secretShownAgain"]), (&json!(true), &json!(false)), "{r}");
    let secret = application["secret"].as_str().expect("the secret, shown once");
    let grant = app
        .http
        .post(format!("{}/oauth/token", app.base))
        .basic_auth(created, Some(secret))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .expect("token");
    assert_eq!(grant.status(), 200, "the secret shown once works");

    // The range called 20 times unanswered is marked.
    let flagged = r["flagged"].as_array().expect("flagged rows");
    assert!(flagged.iter().any(|row| row.as_str().is_some_and(|t| t.contains("7999000"))), "{r}");
}
both!(an_operator_runs_the_platform_from_the_console, crate::console::caps);

async fn a_pbx_owner_sees_only_their_tenant(app: TestApp) {
    people(&app).await;
    block(&app, "127.0.0.33", MEMBER).await;
    block(&app, "127.0.0.32", OUTSIDER).await;
    let outsider = app.core.admin_user(OUTSIDER).await.expect("outsider").id;
    let theirs = app.login(OUTSIDER, PASSWORD).await;
    let body = json!({ "name": "Their CRM", "redirect_uris": [REDIRECT] });
    let (status, created) = app.call("POST", "/api/admin/v1/applications", Some(body), Some(&theirs)).await;
    assert_eq!(status, 201, "{created}");
    let their_app = created["application"]["id"].as_i64().expect("id");

    let foreign = json!([
        ["user", format!("/console/user?id={outsider}")],
        ["unblock", "/console/defender/unblock?ip=127.0.0.32"],
        ["application", format!("/console/application?id={their_app}")],
        ["rotate", format!("/console/application/secret?id={their_app}")],
    ]);
    let input = [
        ("KORDON_OWN_HOST", "127.0.0.33".to_owned()),
        ("KORDON_FOREIGN_HOST", "127.0.0.32".to_owned()),
        ("KORDON_FOREIGN_EMAIL", OUTSIDER.to_owned()),
        ("KORDON_FOREIGN_ADDRESSES", foreign.to_string()),
    ];
    let r = scenario(&app, "owner", ADMIN, &input).await;
    assert_eq!((&r["ownHostListed"], &r["foreignHostListed"]), (&json!(1), &json!(0)), "{r}");
    assert_eq!((&r["foreignFound"], &r["searchStatus"]), (&json!(false), &json!(404)), "not found: {r}");
    assert_eq!(r["statuses"], json!({ "user": 404, "unblock": 404, "application": 404, "rotate": 404 }), "{r}");
    assert_eq!(r["keys"], 403, "{r}");

    // The same objects through the admin API, with the owner's token.
    let own = app.login(ADMIN, PASSWORD).await;
    for (method, path) in [
        ("GET", format!("/api/admin/v1/users/{outsider}")),
        ("GET", format!("/api/admin/v1/users/{outsider}/sessions")),
        ("POST", format!("/api/admin/v1/users/{outsider}/disable")),
        ("DELETE", "/api/admin/v1/defender/blocks/127.0.0.32".to_owned()),
        ("POST", format!("/api/admin/v1/applications/{their_app}/secret")),
        ("DELETE", format!("/api/admin/v1/applications/{their_app}")),
    ] {
        let (status, body) = app.call(method, &path, None, Some(&own)).await;
        assert_eq!(status, 404, "{method} {path}: {body}");
    }
    let (status, blocks) = app.call("GET", "/api/admin/v1/defender/blocks", None, Some(&own)).await;
    assert_eq!(status, 200);
    let ips: Vec<&str> = blocks["data"].as_array().expect("data").iter().filter_map(|b| b["ip"].as_str()).collect();
    assert_eq!(ips, ["127.0.0.33"], "{blocks}");
    assert_eq!(app.core.defender_blocks().await.expect("blocks").len(), 2, "both blocks stand");
}
both!(a_pbx_owner_sees_only_their_tenant);
