//! The web console (`/console`) on both stores: sign-in through kordon's own code flow with
//! PKCE, its cookies and CSRF tokens, who may enter and how far they see, and a headless Chromium
//! tour of every page in English and Russian at desktop and phone widths (screenshots in
//! `target/tmp/console-<store>/`, to be looked at).
//!
//! The browser half needs Debian's Chromium, Node and `npm ci --prefix
//! crates/kordon/tests/oidc-rp` (./test.sh installs them); without them it fails, never skips.

use crate::helpers::oidc::{Browser, Page};
use crate::helpers::{Backend, PASSWORD, TestApp, login_body};
use kordon_core::services::{CONSOLE, NewUserCommand};
use kordon_core::types::{PbxRole, Role};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

pub(crate) const ADMIN: &str = "admin@pbx.example";
pub(crate) const MEMBER: &str = "member@pbx.example";
pub(crate) const SECOND: &str = "second@pbx.example";
pub(crate) const PLAIN: &str = "plain@example.com";
pub(crate) const OUTSIDER: &str = "boss@other.example";
pub(crate) const OPERATOR: &str = "ops@platform.example";

/// An account administrator and two users of `pbx.example`, a user of an account of their own,
/// another account's administrator, and the platform's operator.
pub(crate) async fn people(app: &TestApp) {
    let users = [
        (ADMIN, Role::LkAdmin, PbxRole::ADMINISTRATOR, Some("pbx.example")),
        (MEMBER, Role::LkUser, PbxRole::ADMINISTRATOR, Some("pbx.example")),
        (SECOND, Role::LkUser, PbxRole::ADMINISTRATOR, Some("pbx.example")),
        (PLAIN, Role::LkUser, PbxRole::ADMINISTRATOR, None),
        (OUTSIDER, Role::LkAdmin, PbxRole::ADMINISTRATOR, Some("other.example")),
        (OPERATOR, Role::Operator, PbxRole::ADMINISTRATOR, None),
    ];
    for (email, role, role_id, domain) in users {
        let user = NewUserCommand { email, password: PASSWORD, phone: None, role, role_id, domain };
        app.core.admin_create_user(user).await.expect("user");
    }
}

/// Ten wrong passwords for `login` from `source` (another loopback address): the host is blocked.
pub(crate) async fn block(app: &TestApp, source: &str, login: &str) {
    for _ in 0..10 {
        let (status, _) = app.post_from(source, "/api/v1/login", login_body(login, "wrong-password")).await;
        assert_eq!(status, 400);
    }
    let blocks = app.core.defender_blocks().await.expect("blocks");
    assert!(blocks.iter().any(|b| b.ip == source), "{source} is blocked: {blocks:?}");
}

/// Signs in to the console by hand (the login page's form, then the callback): the page the
/// callback answered.
pub(crate) async fn sign_in(app: &TestApp, browser: &mut Browser, email: &str) -> Page {
    sign_in_to(app, browser, email, "/console").await
}

/// Signs in to one of kordon's own page families (`/console`, `/account`) by hand.
pub(crate) async fn sign_in_to(app: &TestApp, browser: &mut Browser, email: &str, prefix: &str) -> Page {
    let start = browser.get(prefix).await;
    assert_eq!(start.status, 303, "{}", start.body);
    let (_, login) = browser.follow(&format!("{}{prefix}", app.base), start).await;
    assert_eq!(login.status, 200, "the login page: {}", login.body);
    let signed = browser.sign_in(&login, email, PASSWORD).await;
    assert_eq!(signed.status, 303, "{}", signed.body);
    let callback = signed.location().expect("to the callback");
    assert_eq!(callback.path(), format!("{prefix}/callback"));
    browser.visit(callback.as_str()).await
}

async fn a_page_without_a_session_starts_the_code_flow(app: TestApp) {
    let mut browser = Browser::new(&app);
    let page = browser.get("/console/users?q=x%40y.z").await;
    assert_eq!(page.status, 303);
    let to = page.location().expect("location");
    assert_eq!(format!("{}{}", to.origin().ascii_serialization(), to.path()), format!("{}/oauth/authorize", app.base));
    let param = |name: &str| page.param(name).unwrap_or_default();
    assert_eq!(param("client_id"), CONSOLE.id.to_string());
    assert_eq!(param("redirect_uri"), format!("{}/console/callback", app.base));
    assert_eq!((param("response_type"), param("scope")), ("code".into(), "openid".into()));
    assert_eq!(param("code_challenge_method"), "S256");
    assert_eq!(param("code_challenge").len(), 43);
    assert_eq!(param("state").len(), 32);
    let flow = page.header("set-cookie");
    assert!(flow.starts_with("kordon-console-flow="), "{flow}");
    assert!(flow.ends_with("; Path=/console; Max-Age=600; HttpOnly; SameSite=Lax"), "{flow}");
    assert!(page.header("content-security-policy").contains("default-src 'none'"));
    // Two sign-ins never share a state or a verifier.
    let again = browser.get("/console").await;
    assert_ne!(again.param("state"), page.param("state"));
    assert_ne!(again.param("code_challenge"), page.param("code_challenge"));
}
both!(a_page_without_a_session_starts_the_code_flow);

/// Behind an https public URL the console's base is that URL and its cookies are `__Host-`.
async fn over_https_the_cookies_are_host_only_and_secure(app: TestApp) {
    let mut browser = Browser::new(&app);
    let page = browser.get("/console").await;
    assert_eq!(page.status, 303);
    let to = page.location().expect("location");
    assert_eq!(format!("{}{}", to.origin().ascii_serialization(), to.path()), "https://auth.example/oauth/authorize");
    assert_eq!(page.param("redirect_uri").as_deref(), Some("https://auth.example/console/callback"));
    let flow = page.header("set-cookie");
    assert!(flow.starts_with("__Host-kordon-console-flow="), "{flow}");
    assert!(flow.ends_with("; Path=/; Secure; Max-Age=600; HttpOnly; SameSite=Lax"), "{flow}");
    assert!(page.header("strict-transport-security").starts_with("max-age="));
}
both!(over_https_the_cookies_are_host_only_and_secure, |c: &mut kordon::config::Config| {
    c.server.public_url = "https://auth.example".into();
});

async fn signing_in_forms_and_signing_out(app: TestApp) {
    people(&app).await;
    let mut browser = Browser::new(&app);
    let back = sign_in(&app, &mut browser, ADMIN).await;
    assert_eq!((back.status, back.header("location")), (303, "/console"), "{}", back.body);
    let set: Vec<&str> = back.headers.get_all("set-cookie").iter().filter_map(|v| v.to_str().ok()).collect();
    let session = set.iter().find(|c| c.starts_with("kordon-console=")).expect("the session cookie");
    assert!(session.contains("; Path=/console; Max-Age=3600; HttpOnly; SameSite=Lax"), "{session}");
    assert!(set.iter().any(|c| c.starts_with("kordon-console-flow=;") && c.contains("Max-Age=0")), "{set:?}");
    let overview = browser.get("/console").await;
    assert_eq!(overview.status, 200, "{}", overview.body);
    assert!(overview.body.contains(ADMIN) && overview.body.contains("Hosts blocked now"), "{}", overview.body);
    assert!(overview.body.contains("Sign-ins in the last hour"), "{}", overview.body);
    assert!(!overview.body.contains("/console/keys"), "an account administrator is not shown the keys");
    let csrf = overview.field("csrf");

    // Forms: without the token, with another's, and with a token of another session: refused.
    block(&app, "127.0.0.7", MEMBER).await;
    for token in [None, Some("x".repeat(64)), Some(csrf.replace(|c: char| c != 'a', "a"))] {
        let mut form = vec![("ip", "127.0.0.7")];
        if let Some(token) = token.as_deref() {
            form.push(("csrf", token));
        }
        let refused = browser.post("/console/defender/unblock", &form).await;
        assert_eq!(refused.status, 403, "{}", refused.body);
    }
    let mut other = Browser::new(&app);
    sign_in(&app, &mut other, ADMIN).await;
    let theirs = other.get("/console").await.field("csrf");
    assert_ne!(theirs, csrf, "every session has its own token");
    let refused = browser.post("/console/defender/unblock", &[("ip", "127.0.0.7"), ("csrf", &theirs)]).await;
    assert_eq!(refused.status, 403);
    assert_eq!(app.core.defender_blocks().await.expect("blocks").len(), 1, "still blocked");
    let done = browser.post("/console/defender/unblock", &[("ip", "127.0.0.7"), ("csrf", &csrf)]).await;
    assert_eq!((done.status, done.header("location")), (303, "/console/defender?unblocked=127.0.0.7"));
    assert!(app.core.defender_blocks().await.expect("blocks").is_empty(), "unblocked");
    let notice = browser.get("/console/defender?unblocked=127.0.0.7").await;
    assert!(notice.body.contains("Unblocked: 127.0.0.7"), "{}", notice.body);
    // A link cannot make the notice say something else: only a host or a login key is named.
    for junk in [
        "unblocked=Your+account+is+compromised",
        "forgiven=Call+us+at+%2B7+999",
        "forgiven=email%3A%22call+us%22%40mail.ru",
        "forgiven=phone%3A7999x",
    ] {
        let page = browser.get(&format!("/console/defender?{junk}")).await;
        assert_eq!(page.status, 200);
        assert!(!page.body.contains("class=\"notice\""), "{junk}: {}", page.body);
    }
    // (A forgive's own notice, and links that try to fake one: defender_caps.)
    let audit = crate::helpers::operators_lines(&app).await;
    let actor = format!("console:{}", app.core.admin_user(ADMIN).await.expect("admin").id);
    assert_eq!((audit[0].kind.as_str(), audit[0].actor.as_str()), ("defender.unblock", actor.as_str()));

    // A callback whose state is not the sign-in's: refused.
    let forged = browser.get("/console/callback?code=abc&state=not-the-state").await;
    assert_eq!(forged.status, 400);

    // Logout: the session ends, and RP-initiated logout ends the kordon sign-in without asking.
    let out = browser.post("/console/logout", &[("csrf", &csrf)]).await;
    assert_eq!(out.status, 303, "{}", out.body);
    let to = out.location().expect("to kordon's logout");
    assert_eq!(to.path(), "/oauth/logout");
    assert!(out.param("id_token_hint").is_some(), "the hint: no question asked");
    let first = browser.visit(to.as_str()).await;
    let (landed, page) = browser.follow(to.as_str(), first).await;
    assert!(landed.ends_with("/console/signed-out"), "{landed}");
    assert_eq!(page.status, 200);
    assert!(!browser.cookies.contains_key("kordon-console"), "the cookie is gone");
    let live = "SELECT COUNT(*) FROM sessions WHERE client_id = 10552 AND revoked_at IS NULL";
    assert_eq!(app.scalar(live).await, 1, "only the other browser's session lives");
    // Signed out of kordon too: the console asks for the password again.
    let again = browser.get("/console").await;
    let (_, login) = browser.follow(&format!("{}/console", app.base), again).await;
    assert!(login.body.contains("name=\"password\""), "{}", login.body);
}
both!(signing_in_forms_and_signing_out);

async fn who_may_enter_and_how_far_they_see(app: TestApp) {
    people(&app).await;
    // A user who administers nothing: 403, and no session kept.
    let mut plain = Browser::new(&app);
    let refused = sign_in(&app, &mut plain, PLAIN).await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    assert!(refused.body.contains("Access denied"), "{}", refused.body);
    assert!(!plain.cookies.contains_key("kordon-console"));
    let live = "SELECT COUNT(*) FROM sessions WHERE client_id = 10552 AND revoked_at IS NULL";
    assert_eq!(app.scalar(live).await, 0, "the refused sign-in's session was ended");

    // An account administrator sees its own tenant only.
    block(&app, "127.0.0.7", MEMBER).await;
    block(&app, "127.0.0.9", OUTSIDER).await;
    let mut admin = Browser::new(&app);
    sign_in(&app, &mut admin, ADMIN).await;
    let list = admin.get("/console/defender").await;
    assert!(list.body.contains("127.0.0.7") && !list.body.contains("127.0.0.9"), "{}", list.body);
    assert!(list.body.contains(MEMBER), "the login tried is shown: {}", list.body);
    assert_eq!(admin.get("/console/defender/unblock?ip=127.0.0.9").await.status, 404);
    let csrf = list.field("csrf");
    let foreign = admin.post("/console/defender/unblock", &[("ip", "127.0.0.9"), ("csrf", &csrf)]).await;
    assert_eq!(foreign.status, 404, "another tenant's block is not found");
    assert_eq!(app.core.defender_blocks().await.expect("blocks").len(), 2);
    let member = app.core.admin_user(MEMBER).await.expect("member").id;
    let outsider = app.core.admin_user(OUTSIDER).await.expect("outsider").id;
    let me = app.core.admin_user(ADMIN).await.expect("admin").id;
    let found = admin.get("/console/users?q=member%40pbx.example").await;
    assert_eq!(found.status, 303, "one user found opens their page: {}", found.body);
    assert_eq!(found.header("location"), format!("/console/user?id={member}"));
    assert_eq!(
        admin.get(&format!("/console/users?q={member}")).await.header("location"),
        format!("/console/user?id={member}")
    );
    let mine = admin.get(&format!("/console/user?id={member}")).await;
    assert_eq!(mine.status, 200, "{}", mine.body);
    assert_eq!(admin.get(&format!("/console/user?id={outsider}")).await.status, 404);
    assert_eq!(admin.get("/console/users?q=boss%40other.example").await.status, 404);
    assert_eq!(admin.get("/console/users?q=not+a+thing").await.status, 400, "neither an email, a phone nor an id");
    let theirs = admin.post("/console/user/disable", &[("id", &outsider.to_string()), ("csrf", &csrf)]).await;
    assert_eq!(theirs.status, 404);
    let myself = admin.post("/console/user/disable", &[("id", &me.to_string()), ("csrf", &csrf)]).await;
    assert_eq!(myself.status, 400, "nobody disables themselves: {}", myself.body);
    let forged = admin.post("/console/user/disable", &[("id", &member.to_string()), ("csrf", "forged")]).await;
    assert_eq!(forged.status, 403, "a POST without the session's CSRF token is refused");
    assert_eq!(admin.get("/console/keys").await.status, 403, "the keys are the platform's");
    assert_eq!(admin.post("/console/keys/rotate", &[("csrf", &csrf)]).await.status, 403);

    // One session of the user is revoked (after a question), the other stays.
    let first = app.login(MEMBER, PASSWORD).await;
    let second = app.login(MEMBER, PASSWORD).await;
    let page = admin.get(&format!("/console/user?id={member}")).await;
    let revoke = page.body.split("href=\"/console/user/session/revoke?").nth(1).expect("a Revoke link");
    let revoke = revoke.split('"').next().expect("href").replace("&#38;", "&");
    let question = admin.get(&format!("/console/user/session/revoke?{revoke}")).await;
    assert_eq!(question.status, 200, "{revoke}: {}", question.body);
    let session = question.field("session");
    assert!(session.starts_with("cabinet-"), "{session}");
    let done = admin
        .post("/console/user/session/revoke", &[("user", &member.to_string()), ("session", &session), ("csrf", &csrf)])
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    let alive = [app.get_auth("/api/v1/authuser", &first).await.0, app.get_auth("/api/v1/authuser", &second).await.0];
    assert!(alive.contains(&401) && alive.contains(&200), "exactly one session ended: {alive:?}");
    let again = admin
        .post("/console/user/session/revoke", &[("user", &member.to_string()), ("session", &session), ("csrf", &csrf)])
        .await;
    assert_eq!(again.status, 404, "a revoked session is gone");

    // Disabling a user of the tenant ends their tokens at once.
    let token = app.login(MEMBER, PASSWORD).await;
    assert_eq!(app.get_auth("/api/v1/authuser", &token).await.0, 200);
    let confirm = admin.get(&format!("/console/user/disable?id={member}")).await;
    assert_eq!(confirm.status, 200);
    assert_eq!(confirm.field("id"), member.to_string(), "the confirmation posts the user it names");
    let done = admin.post("/console/user/disable", &[("id", &member.to_string()), ("csrf", &csrf)]).await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(app.get_auth("/api/v1/authuser", &token).await.0, 401, "the user's tokens died");
    let page = admin.get(&format!("/console/user?id={member}")).await;
    assert!(page.body.contains("disabled"), "{}", page.body);
    assert!(page.body.contains("user.disable"), "the disable is among the user's recent events: {}", page.body);
    let enabled = admin.post("/console/user/enable", &[("id", &member.to_string()), ("csrf", &csrf)]).await;
    assert_eq!(enabled.status, 303);
    let forgiven = admin.post("/console/user/forgive", &[("id", &member.to_string()), ("csrf", &csrf)]).await;
    assert_eq!(forgiven.status, 303, "{}", forgiven.body);

    // Deleting asks first, then the user is gone.
    let question = admin.get(&format!("/console/user/delete?id={member}")).await;
    assert_eq!((question.status, question.field("id")), (200, member.to_string()));
    let deleted = admin.post("/console/user/delete", &[("id", &member.to_string()), ("csrf", &csrf)]).await;
    assert_eq!(deleted.header("location"), "/console/users?done=deleted");
    assert_eq!(admin.get(&format!("/console/user?id={member}")).await.status, 404);
}
both!(who_may_enter_and_how_far_they_see);

async fn an_operator_sees_the_platform(app: TestApp) {
    people(&app).await;
    block(&app, "127.0.0.7", MEMBER).await;
    block(&app, "127.0.0.9", OUTSIDER).await;
    let mut ops = Browser::new(&app);
    sign_in(&app, &mut ops, OPERATOR).await;
    let overview = ops.get("/console").await;
    assert!(overview.body.contains("operator · whole platform"), "{}", overview.body);
    assert!(overview.body.contains("Password checks waiting") && overview.body.contains("/console/keys"));
    let list = ops.get("/console/defender").await;
    assert!(list.body.contains("127.0.0.7") && list.body.contains("127.0.0.9"), "{}", list.body);
    let boss = app.core.admin_user(OUTSIDER).await.expect("boss").id;
    assert_eq!(ops.get(&format!("/console/user?id={boss}")).await.status, 200, "every tenant's user");
    let keys = ops.get("/console/keys").await;
    assert_eq!(keys.status, 200, "{}", keys.body);
    assert_eq!(ops.get("/console/keys/rotate").await.status, 200, "the question");
    let csrf = keys.field("csrf");
    let rotated = ops.post("/console/keys/rotate", &[("csrf", &csrf)]).await;
    assert_eq!(rotated.status, 303, "{}", rotated.body);
    assert!(rotated.header("location").starts_with("/console/keys?rotated="));
    let audit = crate::helpers::operators_lines(&app).await;
    let actor = format!("console:{}", app.core.admin_user(OPERATOR).await.expect("operator").id);
    assert_eq!((audit[0].kind.as_str(), audit[0].actor.as_str()), ("keys.rotate", actor.as_str()));
    assert_eq!(audit[0].dialect.as_deref(), Some("console"));
    let log = ops.get("/console/audit?type=keys.rotate").await;
    assert_eq!(log.status, 200);
    assert!(log.body.contains(&actor), "the rotation is in the audit list: {}", log.body);
    // An event of no host shows a dash in its host cell, never an empty one.
    let all = ops.get("/console/audit").await;
    assert!(all.body.contains("class=\"mono\">—</td>"), "{}", all.body);
    assert!(!all.body.contains("class=\"mono\"></td>"), "{}", all.body);
    // The admin API's reader refuses what it refuses there, as a readable page.
    for (query, says) in [
        ("type=keys.rotated", "The type is not an event type nor a family of them."),
        ("page=0", "The page must be at least 1."),
        ("page=two", "The page must be at least 1."),
        ("ip=nowhere", "The ip is not an IP address."),
    ] {
        let refused = ops.get(&format!("/console/audit?{query}")).await;
        assert_eq!(refused.status, 400, "{query}: {}", refused.body);
        assert!(refused.body.contains(says), "{query}: {}", refused.body);
    }
    // An account administrator does not see the operator's account, nor an operator in it, nor
    // the platform's events; it reads the blocks earned on its own logins.
    let mut admin = Browser::new(&app);
    sign_in(&app, &mut admin, ADMIN).await;
    let ops_id = app.core.admin_user(OPERATOR).await.expect("operator").id;
    assert_eq!(admin.get(&format!("/console/user?id={ops_id}")).await.status, 404);
    let theirs = admin.get("/console/audit?type=keys.rotate").await;
    assert!(theirs.body.contains("No event matches.") && !theirs.body.contains(&actor), "{}", theirs.body);
    let row = "class=\"mono\">defender.block</td>";
    let mine = admin.get("/console/audit?ip=127.0.0.7").await;
    assert!(mine.body.contains(row), "{}", mine.body);
    let other = admin.get("/console/audit?ip=127.0.0.9").await;
    assert!(!other.body.contains(row) && other.body.contains("No event matches."), "another tenant's: {}", other.body);
}
both!(an_operator_sees_the_platform);

async fn the_console_client_is_registered_once(app: TestApp) {
    let client = app.core.register_first_party(&CONSOLE).await.expect("again");
    assert_eq!(client.redirect_uri, format!("{}/console/callback", app.base));
    let rows = app.scalar("SELECT COUNT(*) FROM clients WHERE id = 10552 AND public = TRUE AND trusted = TRUE").await;
    assert_eq!(rows, 1);
    // The next client an operator creates still gets the counter's next id.
    let created = app.core.admin_create_client("after", None, vec!["password".into()], None).await.expect("client");
    assert_eq!(created.client_id, 10554);
}
both!(the_console_client_is_registered_once);

/// 20 FlashCalls into one range, none verified: the range is flagged (20 calls, under 20 %).
pub(crate) async fn unanswered_calls(app: &TestApp) {
    for i in 1..=20 {
        let (status, body) = app.post("/api/v1/flashcall", json!({ "phone": format!("7999000{i:04}") })).await;
        assert_eq!(status, 200, "{body}");
    }
    app.core.audit_flush().await;
}

/// The caps out of the way of 20 calls from one host.
pub(crate) fn open_caps(c: &mut kordon::config::Config) {
    c.flashcall.per_ip_hourly = 1000;
    c.flashcall.global_hourly = 1000;
}

/// A login nobody has.
pub(crate) const GHOST: &str = "ghost@nowhere.example";

/// As `open_caps`, with a login's daily cap at 12 failures and no growing delay, so a login is
/// capped in a few requests (the blocks above fail 10 times a login: not capped).
pub(crate) fn caps(c: &mut kordon::config::Config) {
    open_caps(c);
    c.defender.account_max_failures = 12;
    c.defender.account_delay_ms = 0;
}

/// `GHOST` tried 12 times from two hosts (neither blocked): at its daily cap, refused (429).
pub(crate) async fn cap_ghost(app: &TestApp) {
    for source in ["127.0.0.41", "127.0.0.42"] {
        for _ in 0..6 {
            let (status, _) = app.post_from(source, "/api/v1/login", login_body(GHOST, "wrong-password")).await;
            assert_eq!(status, 400);
        }
    }
    assert_eq!(app.post_from("127.0.0.43", "/api/v1/login", login_body(GHOST, "guess")).await.0, 429, "capped");
}

async fn the_flashcall_page_flags_unanswered_ranges(app: TestApp) {
    people(&app).await;
    unanswered_calls(&app).await;
    let mut ops = Browser::new(&app);
    sign_in(&app, &mut ops, OPERATOR).await;
    let page = ops.get("/console/flashcalls").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("at least 20 calls were placed and under 20 %"),
        "the threshold is named: {}",
        page.body
    );
    let flagged: Vec<&str> = page.body.split("<tr class=\"flagged\">").skip(1).collect();
    let range = flagged.iter().find(|row| row.contains(">7999000<")).expect("the range is flagged");
    assert!(range.contains("class=\"badge\""), "with a badge: {range}");
    // The calls of no tenant are named in words.
    assert!(page.body.contains("class=\"mono\">No account</span>"), "{}", page.body);
    assert!(!page.body.contains(">none<"), "{}", page.body);
    let week = ops.get("/console/flashcalls?window=7d").await;
    assert!(week.body.contains("aria-current=\"page\">7 days"), "{}", week.body);
    let overview = ops.get("/console").await;
    assert!(overview.body.contains("20 / 0"), "placed / verified over 24 h: {}", overview.body);
    // The calls belong to no tenant: an account administrator sees none of them.
    let mut admin = Browser::new(&app);
    sign_in(&app, &mut admin, ADMIN).await;
    let theirs = admin.get("/console/flashcalls").await;
    assert_eq!(theirs.status, 200);
    assert!(!theirs.body.contains("7999000") && !theirs.body.contains("class=\"flagged\""), "{}", theirs.body);
    assert!(admin.get("/console").await.body.contains("0 / 0"));
}
both!(the_flashcall_page_flags_unanswered_ranges, super::open_caps);

async fn chromium_tours_the_console(app: TestApp) {
    let chromium = crate::helpers::node::chromium();
    let dir = crate::helpers::node::driver("oidc-rp", "playwright-core");
    people(&app).await;
    block(&app, "127.0.0.7", MEMBER).await;
    block(&app, "127.0.0.8", SECOND).await;
    block(&app, "127.0.0.9", OUTSIDER).await;
    cap_ghost(&app).await;
    // The member signs in once: their page lists a session.
    app.login(MEMBER, PASSWORD).await;
    // A FlashCall range is flagged on the traffic page.
    unanswered_calls(&app).await;
    let store = match app.backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("console-{store}"));
    let _ = std::fs::remove_dir_all(&shots);
    let mut cmd = Command::new("node");
    cmd.arg("console.mjs")
        .current_dir(&dir)
        .env("KORDON_BASE", &app.base)
        .env("KORDON_ADMIN_EMAIL", ADMIN)
        .env("KORDON_OPERATOR_EMAIL", OPERATOR)
        .env("KORDON_MEMBER_EMAIL", MEMBER)
        .env("KORDON_PLAIN_EMAIL", PLAIN)
        .env("KORDON_PASSWORD", PASSWORD)
        .env("KORDON_BLOCKED_EN", "127.0.0.7")
        .env("KORDON_BLOCKED_RU", "127.0.0.8")
        .env("KORDON_FOREIGN_BLOCK", "127.0.0.9")
        .env("KORDON_CAPPED_LOGIN", GHOST)
        .env("KORDON_CHROMIUM", &chromium)
        .env("KORDON_SCREENSHOTS", &shots);
    let stdout = app.dir.path().join("console-report.json");
    let (report, ok) = crate::helpers::node::run(cmd, stdout, Duration::from_secs(300)).await;
    eprintln!("console steps: {}", report["steps"]);
    eprintln!("screenshots in {}", shots.display());
    assert!(ok && report["ok"] == true, "the console tour failed: {}\nreport: {report}", report["error"]);
    assert_eq!(report["blocked"], json!([]), "requests to other hosts");
    assert_eq!(report["pageErrors"], json!([]));
    assert_eq!(report["consoleErrors"], json!([]), "console errors (a CSP violation is one)");

    let en = ("en", "127.0.0.7", "Overview", "Signed out", "10 failed sign-ins within 10 min");
    let ru = ("ru", "127.0.0.8", "Обзор", "Вы вышли", "10 неудачных входов за 10 мин");
    for (lang, ip, overview, signed_out, reason) in [en, ru] {
        let r = &report[lang];
        assert_eq!(r["redirectedToSignIn"], true, "{lang}");
        assert_eq!(r["overview"], overview);
        // The administrator's own sign-in at least (the member's failures earned the block).
        let signins = r["signins"].as_str().unwrap_or_default();
        let (ok, failed) = signins.split_once(" / ").unwrap_or_else(|| panic!("{lang}: succeeded / failed: {r}"));
        assert!(ok.parse::<u32>().is_ok_and(|n| n >= 1) && failed.parse::<u32>().is_ok_and(|n| n >= 10), "{lang}: {r}");
        let block = r["block"].as_str().unwrap_or_default();
        assert!(block.contains(ip) && block.contains("@pbx.example") && block.contains(reason), "{lang}: {block}");
        assert_eq!(r["foreignListed"], 0, "{lang}: another tenant's block is not listed");
        assert_eq!(r["cappedListed"], 0, "{lang}: a login nobody has is the operator's alone");
        assert_eq!(r["history"], 1, "{lang}: the host's block in its history: {r}");
        assert_eq!(r["withoutCsrf"], 403, "{lang}");
        assert_eq!(r["stillListed"], 0, "{lang}");
        assert!(r["unblockedNotice"].as_str().is_some_and(|n| n.contains(ip)), "{lang}: {r}");
        assert_eq!(r["user"], MEMBER);
        assert_eq!(r["keys"], 403, "{lang}: an account administrator may not open the keys");
        assert_eq!(r["nav"].as_array().map(Vec::len), Some(6), "{lang}: no Keys entry: {}", r["nav"]);
        assert_eq!(r["signedOut"], signed_out);
        assert_eq!(r["afterSignOut"], "/oauth/authorize", "{lang}: signed out of kordon too");
    }
    assert_eq!(
        (report["en"]["disabledState"].as_str(), report["en"]["enabledState"].as_str()),
        (Some("disabled"), Some("active"))
    );
    for lang in ["refusedEn", "refusedRu"] {
        assert_eq!(report[lang]["status"], 403, "{lang}: {}", report[lang]);
    }
    assert_eq!(report["refusedRu"]["heading"], "Доступ запрещён");
    let blocks: Vec<String> = app.core.defender_blocks().await.expect("blocks").into_iter().map(|b| b.ip).collect();
    assert_eq!(blocks, ["127.0.0.9"], "only the other tenant's block is left");
    for lang in ["operatorEn", "operatorRu"] {
        let r = &report[lang];
        assert_eq!(r["foreignListed"], 1, "{lang}: the operator sees every tenant's block: {r}");
        assert_eq!(r["cappedListed"], 1, "{lang}: the login nobody has, at its cap: {r}");
        assert_eq!(r["keys"], 200, "{lang}");
        assert_eq!(r["nav"].as_array().map(Vec::len), Some(7), "{lang}: with Keys: {}", r["nav"]);
        assert_eq!(r["tiles"].as_array().map(Vec::len), Some(4), "{lang}: with the password queue: {}", r["tiles"]);
    }
    let actor = format!("console:{}", app.core.admin_user(ADMIN).await.expect("admin").id);
    for lang in ["operatorEn", "operatorRu"] {
        let unblocks = report[lang]["unblocks"].as_str().unwrap_or_default();
        assert!(unblocks.contains("127.0.0.7") && unblocks.contains(&actor), "{lang}: {unblocks}");
    }
    let rotated = &report["operatorEn"];
    assert_eq!(rotated["keysAfter"], rotated["keysBefore"].as_i64().unwrap_or_default() + 1, "{rotated}");
    let kid = rotated["rotated"].as_str().expect("the new key's id");
    let jwks = app.http.get(format!("{}/.well-known/jwks.json", app.base)).send().await.expect("jwks");
    let jwks: Value = jwks.json().await.expect("json");
    assert!(jwks["keys"].as_array().expect("keys").iter().any(|k| k["kid"] == kid), "{jwks}");
    let audit = app.core.audit_entries(500).await.expect("audit");
    let by_console: Vec<(&str, &str)> =
        audit.iter().filter(|e| e.actor.starts_with("console:")).map(|e| (e.kind.as_str(), e.actor.as_str())).collect();
    assert!(by_console.contains(&("defender.unblock", actor.as_str())), "{by_console:?}");

    // The operator's applications: registered in each language, the secret shown once.
    for lang in ["applicationsEn", "applicationsRu"] {
        let r = &report[lang];
        assert_eq!(r["resultUrl"], "/console/applications", "{lang}: the secret is in no URL: {r}");
        assert!(r["secretLength"].as_u64().is_some_and(|n| n >= 32), "{lang}: {r}");
        assert_eq!((&r["secretOnList"], &r["secretOnPage"]), (&json!(false), &json!(false)), "{lang}: shown once");
        assert!(r["refused"].as_str().is_some_and(|m| m.contains("must not have a fragment")), "{lang}: {r}");
    }
    let en = &report["applicationsEn"];
    assert!(en["listed"].as_str().is_some_and(|l| l.contains("https://app.example/callback")), "{en}");
    assert!(en["once"].as_str().is_some_and(|m| m.contains("not shown again")), "{en}");
    assert_eq!(report["applicationsRu"]["rotateQuestion"], "Заменить секрет этого приложения?");
    let id: i64 = en["clientId"].as_str().and_then(|i| i.parse().ok()).expect("the client id");
    let listed = app.scalar(&format!("SELECT COUNT(*) FROM clients WHERE id = {id} AND name LIKE 'Billing%'")).await;
    assert_eq!(listed, 1, "registered as shown");

    let taken: Vec<&str> = report["screenshots"].as_array().expect("shots").iter().filter_map(Value::as_str).collect();
    let pages = [
        "signin",
        "overview",
        "defender",
        "confirm-unblock",
        "defender-unblocked",
        "users",
        "users-not-found",
        "user",
        "confirm-disable",
        "applications",
        "flashcalls",
        "audit",
        "keys-forbidden",
        "signed-out",
        "forbidden",
        "overview-operator",
        "defender-operator",
        "keys",
        "confirm-rotate",
        "audit-operator",
        "audit-host",
        "applications-new",
        "application-created",
        "applications-operator",
        "application",
        "confirm-rotate-secret",
        "confirm-delete-application",
        "application-refused",
    ];
    for page in pages {
        for lang in ["en", "ru"] {
            for width in ["desktop", "phone"] {
                let name = format!("{page}-{lang}-{width}.png");
                assert!(taken.iter().any(|s| s.ends_with(&name)), "{name}: {taken:?}");
            }
        }
    }
}
both!(chromium_tours_the_console, super::caps);

/// A tenant's admin removes the second factors a member lost: the user page says which they have,
/// asks first, and the member signs in with the password alone again.
async fn a_lost_second_factor_is_reset_from_the_console(app: TestApp) {
    people(&app).await;
    crate::mfa_login::with_authenticator(&app, MEMBER).await;
    let member = app.core.admin_user(MEMBER).await.expect("member").id;
    let mut admin = Browser::new(&app);
    sign_in(&app, &mut admin, ADMIN).await;
    let page = admin.get(&format!("/console/user?id={member}")).await;
    assert!(page.body.contains("<span class=\"chip\">authenticator app</span>"), "{}", page.body);
    assert!(page.body.contains("/console/user/mfa-reset?id="), "{}", page.body);
    let csrf = page.field("csrf");
    let question = admin.get(&format!("/console/user/mfa-reset?id={member}")).await;
    assert_eq!((question.status, question.field("id")), (200, member.to_string()));
    assert!(question.body.contains("Reset this person&#39;s second factors?"), "{}", question.body);
    let id = member.to_string();
    assert_eq!(admin.post("/console/user/mfa-reset", &[("id", &id)]).await.status, 403, "no CSRF token");
    let done = admin.post("/console/user/mfa-reset", &[("id", &id), ("csrf", &csrf)]).await;
    assert_eq!(done.header("location"), format!("/console/user?id={member}&done=mfa-reset"));
    app.core.audit_flush().await; // audit lines are written off the request path
    let page = admin.get(&format!("/console/user?id={member}&done=mfa-reset")).await;
    assert!(page.body.contains("The second factors were removed.") && !page.body.contains("/console/user/mfa-reset"));
    assert!(page.body.contains("mfa.reset"), "among the user's recent events: {}", page.body);
    assert_eq!(app.post("/api/v1/login", crate::helpers::login_body(MEMBER, PASSWORD)).await.0, 200);
    // Another tenant's user is not found, and the admin's own factors are not theirs to reset here.
    let outsider = app.core.admin_user(OUTSIDER).await.expect("outsider").id;
    assert_eq!(admin.get(&format!("/console/user/mfa-reset?id={outsider}")).await.status, 404);
}
both!(a_lost_second_factor_is_reset_from_the_console);
