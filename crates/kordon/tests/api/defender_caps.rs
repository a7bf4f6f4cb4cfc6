//! Logins at their daily cap, as the console's Defender page and the admin API show and forgive
//! them (a tenant only its own users' logins; a login nobody has is the operator's alone), and
//! the Overview's sign-ins of the last hour, counted from the audit log within the viewer's
//! scope; on SQLite and PostgreSQL.

use crate::console::sign_in;
use crate::helpers::oidc::Browser;
use crate::helpers::{PASSWORD, TestApp, login_body};
use kordon_core::services::NewUserCommand;
use kordon_core::types::{PbxRole, Role};
use serde_json::Value;

const ADMIN: &str = "admin@pbx.example";
const MEMBER: &str = "member@pbx.example";
const OUTSIDER: &str = "boss@other.example";
const OPERATOR: &str = "ops@platform.example";
const GHOST: &str = "ghost@nowhere.example";

async fn people(app: &TestApp) {
    let users = [
        (ADMIN, Role::LkAdmin, Some("pbx.example")),
        (MEMBER, Role::LkUser, Some("pbx.example")),
        (OUTSIDER, Role::LkAdmin, Some("other.example")),
        (OPERATOR, Role::Operator, None),
    ];
    for (email, role, domain) in users {
        let user =
            NewUserCommand { email, password: PASSWORD, phone: None, role, role_id: PbxRole::ADMINISTRATOR, domain };
        app.core.admin_create_user(user).await.expect("user");
    }
}

/// A login's cap is three failures a day here, and a host's block far off; no delays.
fn low_caps(c: &mut kordon::config::Config) {
    c.defender.account_failures = 2;
    c.defender.account_max_failures = 3;
    c.defender.account_delay_ms = 0;
    c.defender.host_failures = 50;
}

/// Three wrong passwords for `login`, each from another loopback address: the login is capped,
/// so even its right password is refused (429), from any host.
async fn cap(app: &TestApp, login: &str) {
    for source in ["127.0.0.21", "127.0.0.22", "127.0.0.23"] {
        let (status, body) = app.post_from(source, "/api/v1/login", login_body(login, "wrong-password")).await;
        assert_eq!(status, 400, "{login} from {source}: {body}");
    }
    let (status, body) = app.post_from("127.0.0.24", "/api/v1/login", login_body(login, PASSWORD)).await;
    assert_eq!(status, 429, "{login} is capped: {body}");
}

fn logins(list: &Value) -> Vec<(String, Value)> {
    let rows = list["data"].as_array().unwrap_or_else(|| panic!("a list: {list}"));
    rows.iter().map(|r| (r["login"].as_str().expect("login").to_owned(), r["user_id"].clone())).collect()
}

async fn capped_logins_are_listed_and_forgiven(app: TestApp) {
    people(&app).await;
    cap(&app, MEMBER).await;
    cap(&app, GHOST).await;
    let member_id = app.core.admin_user(MEMBER).await.expect("member").id;
    let (operator, admin, outsider) =
        (app.login(OPERATOR, PASSWORD).await, app.login(ADMIN, PASSWORD).await, app.login(OUTSIDER, PASSWORD).await);
    let member_key = format!("email:{MEMBER}");
    let ghost_key = format!("email:{GHOST}");

    // The operator sees both; the tenant its own user's login; another tenant nothing.
    let (status, list) = app.call("GET", "/api/admin/v1/defender/capped", None, Some(&operator)).await;
    assert_eq!(status, 200, "{list}");
    let mut seen = logins(&list);
    seen.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(seen, vec![(ghost_key.clone(), Value::Null), (member_key.clone(), member_id.into())], "{list}");
    let row = &list["data"][0];
    assert_eq!(row["failures"], 3, "{list}");
    assert!(row["until"].as_str().is_some_and(|u| u.ends_with('Z')), "{list}");
    let (_, list) = app.call("GET", "/api/admin/v1/defender/capped", None, Some(&admin)).await;
    assert_eq!(logins(&list), vec![(member_key.clone(), member_id.into())]);
    let (_, list) = app.call("GET", "/api/admin/v1/defender/capped", None, Some(&outsider)).await;
    assert_eq!(logins(&list), vec![]);

    // Forgiving: another tenant's login and a login not at its cap are 404, a key that is no
    // login 400; the tenant forgives its own user, who signs in again.
    let forgive = |key: &str| format!("/api/admin/v1/defender/capped/{}", key.replace('@', "%40"));
    let (status, body) = app.call("DELETE", &forgive(&member_key), None, Some(&outsider)).await;
    assert_eq!(status, 404, "{body}");
    let (status, body) = app.call("DELETE", &forgive(&ghost_key), None, Some(&admin)).await;
    assert_eq!(status, 404, "the operator's alone: {body}");
    let (status, body) = app.call("DELETE", &forgive("nobody"), None, Some(&admin)).await;
    assert_eq!(status, 400, "{body}");
    let (status, body) = app.call("DELETE", &forgive(&member_key), None, Some(&admin)).await;
    assert_eq!(status, 204, "{body}");
    let (status, body) = app.call("DELETE", &forgive(&member_key), None, Some(&admin)).await;
    assert_eq!(status, 404, "no longer capped: {body}");
    app.login(MEMBER, PASSWORD).await;
    let lines = crate::helpers::operators_lines(&app).await;
    let actor = format!("admin-api:{}", app.core.admin_user(ADMIN).await.expect("admin").id);
    // (The newest forgive: a queued `defender.cap` of the other login may be written after it.)
    let forgives: Vec<_> = lines.iter().filter(|l| l.kind == "defender.forgive").collect();
    assert_eq!(forgives.len(), 1, "{lines:?}");
    assert_eq!((forgives[0].actor.as_str(), forgives[0].user_id), (actor.as_str(), Some(member_id)), "{lines:?}");

    // The console's Defender page: the operator sees the login nobody has, with the day's
    // failures, and forgives it by the page's form (never without its CSRF token).
    let mut browser = Browser::new(&app);
    sign_in(&app, &mut browser, OPERATOR).await;
    let page = browser.get("/console/defender").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("Logins at their daily cap") && page.body.contains(GHOST), "{}", page.body);
    assert!(!page.body.contains(&format!("value=\"{member_key}\"")), "forgiven already: {}", page.body);
    let csrf = page.field("csrf");
    let refused = browser.post("/console/defender/forgive", &[("login", ghost_key.as_str())]).await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    let done = browser.post("/console/defender/forgive", &[("login", ghost_key.as_str()), ("csrf", &csrf)]).await;
    assert_eq!(done.status, 303, "{}", done.body);
    let location = done.header("location").to_owned();
    assert!(location.starts_with("/console/defender?forgiven=email%3Aghost%40nowhere.example&mark="), "{location}");
    let after = browser.get(&location).await;
    assert!(after.body.contains(&format!("Forgiven: {GHOST}")), "{}", after.body);
    assert!(after.body.contains("No login is at its cap now."), "{}", after.body);
    // The notice is this session's own: the link without its mark, with a wrong one, or in
    // another session names nothing (a link cannot put an address of its choosing there).
    let unmarked = location.split("&mark=").next().expect("the link").to_owned();
    let mut other = Browser::new(&app);
    sign_in(&app, &mut other, OPERATOR).await;
    let crafted = [(false, unmarked), (false, location.replace("mark=", "mark=0")), (true, location)];
    for (in_other, link) in crafted {
        let page = if in_other { other.get(&link).await } else { browser.get(&link).await };
        assert_eq!(page.status, 200);
        assert!(!page.body.contains("class=\"notice\""), "{link}: {}", page.body);
    }
    let (_, list) = app.call("GET", "/api/admin/v1/defender/capped", None, Some(&operator)).await;
    assert_eq!(logins(&list), vec![]);

    // A tenant's console forgiving another tenant's login: the 404 page, and it stays capped.
    cap(&app, MEMBER).await;
    let mut theirs = Browser::new(&app);
    sign_in(&app, &mut theirs, OUTSIDER).await;
    let csrf = theirs.get("/console/defender").await.field("csrf");
    let refused = theirs.post("/console/defender/forgive", &[("login", member_key.as_str()), ("csrf", &csrf)]).await;
    assert_eq!(refused.status, 404, "{}", refused.body);
    let (_, list) = app.call("GET", "/api/admin/v1/defender/capped", None, Some(&admin)).await;
    assert_eq!(logins(&list), vec![(member_key, member_id.into())]);
}
both!(capped_logins_are_listed_and_forgiven, super::low_caps);

/// The figure "succeeded / failed" on the Overview's first tile.
fn signins_tile(body: &str) -> String {
    let tile = body.split("Sign-ins in the last hour").nth(1).unwrap_or_else(|| panic!("the tile: {body}"));
    let figure = tile.split("class=\"figure\">").nth(1).expect("its figure");
    figure.split('<').next().expect("text").trim().to_owned()
}

async fn the_overview_counts_the_hours_sign_ins(app: TestApp) {
    people(&app).await;
    // The tenant's: two sign-ins and a failure of its member; another tenant's sign-in; a
    // failure on a login nobody has (no tenant: the operator's alone).
    app.login(MEMBER, PASSWORD).await;
    app.login(MEMBER, PASSWORD).await;
    let (status, _) = app.post("/api/v1/login", login_body(MEMBER, "wrong-password")).await;
    assert_eq!(status, 400);
    app.login(OUTSIDER, PASSWORD).await;
    let (status, _) = app.post("/api/v1/login", login_body(GHOST, "wrong-password")).await;
    assert_eq!(status, 400);

    // Each console sign-in through the login page is a sign-in too, counted before the page.
    let mut tenant = Browser::new(&app);
    sign_in(&app, &mut tenant, ADMIN).await;
    app.core.audit_flush().await;
    let page = tenant.get("/console").await;
    assert_eq!(signins_tile(&page.body), "3 / 1", "the member's two, the admin's own; one failure");
    let mut operator = Browser::new(&app);
    sign_in(&app, &mut operator, OPERATOR).await;
    app.core.audit_flush().await;
    let page = operator.get("/console").await;
    assert_eq!(signins_tile(&page.body), "5 / 2", "every tenant's and the login nobody has");
    // Older than an hour: not counted.
    app.execute("UPDATE audit_log SET at = at - 3601 WHERE event = 'signin'").await;
    let page = operator.get("/console").await;
    assert_eq!(signins_tile(&page.body), "0 / 0");
}
both!(the_overview_counts_the_hours_sign_ins);

/// Each login's own cap (a phone's PINs have theirs), the window's end, an operator sitting in a
/// tenant's account (never the tenant's), and a login named in another case; the rows are
/// written as the Defender writes them, at the caps' edges.
async fn each_login_has_its_own_cap(app: TestApp) {
    people(&app).await;
    let phone = NewUserCommand {
        email: "phoned@pbx.example",
        password: PASSWORD,
        phone: Some("79990001122"),
        role: Role::LkUser,
        role_id: PbxRole::ADMINISTRATOR,
        domain: Some("pbx.example"),
    };
    let (phoned, _) = app.core.admin_create_user(phone).await.expect("user");
    let inside = NewUserCommand {
        email: "ops@pbx.example",
        password: PASSWORD,
        phone: None,
        role: Role::Operator,
        role_id: PbxRole::ADMINISTRATOR,
        domain: Some("pbx.example"),
    };
    app.core.admin_create_user(inside).await.expect("operator in the tenant's account");
    let now = app.core.clock.now();
    let (day, pins, passwords) = (86_400, 10, 100); // the defaults
    for (login, failures, start) in [
        ("phone:79990001122", pins, now - 60),              // at the PIN cap
        ("phone:79990009999", pins - 1, now - 60),          // one short
        ("email:member@pbx.example", passwords - 1, now),   // one short of the password cap
        ("email:second@pbx.example", passwords, now - day), // its window is over
        ("email:ops@pbx.example", passwords, now - 120),    // an operator's, in the tenant's account
    ] {
        app.execute(&format!(
            "INSERT INTO defender_accounts (account, failures, window_start) VALUES ('{login}', {failures}, {start})"
        ))
        .await;
    }
    let (operator, admin) = (app.login(OPERATOR, PASSWORD).await, app.login(ADMIN, PASSWORD).await);
    let (_, list) = app.call("GET", "/api/admin/v1/defender/capped", None, Some(&operator)).await;
    assert_eq!(
        logins(&list),
        vec![
            ("phone:79990001122".to_owned(), phoned.into()),
            ("email:ops@pbx.example".to_owned(), app.core.admin_user("ops@pbx.example").await.expect("ops").id.into())
        ],
        "newest window first: {list}"
    );
    let until = kordon_core::clock::parse_rfc3339(list["data"][0]["until"].as_str().expect("until")).expect("RFC 3339");
    assert_eq!(until, now - 60 + day, "the window's end");
    let (_, list) = app.call("GET", "/api/admin/v1/defender/capped", None, Some(&admin)).await;
    assert_eq!(logins(&list), vec![("phone:79990001122".to_owned(), phoned.into())], "not the operator's");
    let (status, body) =
        app.call("DELETE", "/api/admin/v1/defender/capped/email:ops%40pbx.example", None, Some(&admin)).await;
    assert_eq!(status, 404, "{body}");
    // A login named as a person types it: the same key.
    let (status, body) =
        app.call("DELETE", "/api/admin/v1/defender/capped/email:OPS%40PBX.example", None, Some(&operator)).await;
    assert_eq!(status, 204, "{body}");
    let (status, body) =
        app.call("DELETE", "/api/admin/v1/defender/capped/phone:+7%20999%20000-11-22", None, Some(&admin)).await;
    assert_eq!(status, 204, "{body}");
    let (_, list) = app.call("GET", "/api/admin/v1/defender/capped", None, Some(&operator)).await;
    assert_eq!(logins(&list), vec![]);
}
both!(each_login_has_its_own_cap);
