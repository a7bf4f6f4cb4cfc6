//! A person's account page (`/account`) on both stores: sign-in through kordon's code flow with
//! the account's own client, its cookies and CSRF tokens, logout, the profile (names, a
//! password change with the current password), and what a person may not reach.

use crate::console::sign_in_to;
use crate::helpers::oidc::{Browser, Page};
use crate::helpers::{PASSWORD, TestApp, login_body};
use kordon_core::services::{ACCOUNT, NewUserCommand};
use kordon_core::types::{PbxRole, Role};

pub(crate) const ANNA: &str = "anna@example.com";
pub(crate) const BORIS: &str = "boris@example.com";

/// Two people with accounts of their own (plain users: the account page is everyone's).
pub(crate) async fn people(app: &TestApp) {
    for email in [ANNA, BORIS] {
        let user = NewUserCommand {
            email,
            password: PASSWORD,
            phone: None,
            role: Role::LkUser,
            role_id: PbxRole::ADMINISTRATOR,
            domain: None,
        };
        app.core.admin_create_user(user).await.expect("user");
    }
}

/// The platform's operator (made once), as the admin services take them.
pub(crate) const OPERATOR: &str = "ops@platform.example";

pub(crate) async fn operator(app: &TestApp) -> kordon_core::services::Admin {
    let user = NewUserCommand {
        email: OPERATOR,
        password: PASSWORD,
        phone: None,
        role: Role::Operator,
        role_id: PbxRole::ADMINISTRATOR,
        domain: None,
    };
    let _ = app.core.admin_create_user(user).await;
    let user = app.core.admin_user(OPERATOR).await.expect("operator");
    kordon_core::services::Admin::of(user, "test").expect("an operator is an admin")
}

/// Signs in to the account page; answers the Overview.
pub(crate) async fn signed_in(app: &TestApp, browser: &mut Browser, email: &str) -> Page {
    let back = sign_in_to(app, browser, email, "/account").await;
    assert_eq!((back.status, back.header("location")), (303, "/account"), "{}", back.body);
    let overview = browser.get("/account").await;
    assert_eq!(overview.status, 200, "{}", overview.body);
    overview
}

async fn a_page_without_a_session_starts_the_code_flow(app: TestApp) {
    let mut browser = Browser::new(&app);
    let page = browser.get("/account/sessions").await;
    assert_eq!(page.status, 303, "{}", page.body);
    let param = |name: &str| page.param(name).unwrap_or_default();
    assert_eq!(param("client_id"), ACCOUNT.id.to_string());
    assert_eq!(param("redirect_uri"), format!("{}/account/callback", app.base));
    assert_eq!(param("code_challenge_method"), "S256");
    let flow = page.header("set-cookie");
    assert!(flow.starts_with("kordon-account-flow="), "{flow}");
    assert!(flow.ends_with("; Path=/account; Max-Age=600; HttpOnly; SameSite=Lax"), "{flow}");
    assert!(page.header("content-security-policy").contains("default-src 'none'"));
    // After signing in the browser comes back to the page it asked for.
    people(&app).await;
    let (_, login) = browser.follow(&format!("{}/account/sessions", app.base), page).await;
    let signed = browser.sign_in(&login, ANNA, PASSWORD).await;
    let back = browser.visit(signed.location().expect("to the callback").as_str()).await;
    assert_eq!((back.status, back.header("location")), (303, "/account/sessions"), "{}", back.body);
    // A callback whose state is not the sign-in's (one under way) is refused, and signs no one in.
    let mut other = Browser::new(&app);
    let started = other.get("/account").await;
    assert!(other.cookies.contains_key("kordon-account-flow"), "{:?}", started.headers);
    let code = format!("/account/callback?code=abc&state={}x", started.param("state").expect("state"));
    let forged = other.get(&code).await;
    assert_eq!(forged.status, 400, "{}", forged.body);
    assert!(forged.body.contains("Sign-in did not finish"), "{}", forged.body);
    assert!(!other.cookies.contains_key("kordon-account"));
}
both!(a_page_without_a_session_starts_the_code_flow);

async fn signing_in_forms_and_signing_out(app: TestApp) {
    people(&app).await;
    let mut browser = Browser::new(&app);
    let back = sign_in_to(&app, &mut browser, ANNA, "/account").await;
    let set: Vec<&str> = back.headers.get_all("set-cookie").iter().filter_map(|v| v.to_str().ok()).collect();
    let session = set.iter().find(|c| c.starts_with("kordon-account=")).expect("the session cookie");
    assert!(session.contains("; Path=/account; Max-Age=3600; HttpOnly; SameSite=Lax"), "{session}");
    let overview = browser.get("/account").await;
    assert_eq!(overview.status, 200, "{}", overview.body);
    assert!(overview.body.contains(ANNA) && overview.body.contains("Your account"), "{}", overview.body);
    assert!(overview.header("content-security-policy").contains("default-src 'none'"));
    assert_eq!(overview.header("cache-control"), "no-store");
    let csrf = overview.field("csrf");

    // Forms without the token, with a wrong one, or with another session's: refused.
    let mut other = Browser::new(&app);
    let theirs = signed_in(&app, &mut other, ANNA).await.field("csrf");
    assert_ne!(theirs, csrf, "every session has its own token");
    let posts: [(&str, &[(&str, &str)]); 6] = [
        ("/account/profile", &[("first_name", "Mallory")]),
        (
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("password", "x-long-enough"),
                ("password_confirmation", "x-long-enough"),
            ],
        ),
        ("/account/sessions/end", &[("id", "browser-00")]),
        ("/account/sessions/others", &[]),
        ("/account/apps/withdraw", &[("client", "10553")]),
        ("/account/logout", &[]),
    ];
    for (path, fields) in posts {
        for token in [None, Some("x".repeat(64)), Some(theirs.clone())] {
            let mut form = fields.to_vec();
            if let Some(token) = token.as_deref() {
                form.push(("csrf", token));
            }
            let refused = browser.post(path, &form).await;
            assert_eq!(refused.status, 403, "{path}: {}", refused.body);
            assert!(refused.body.contains("This form has expired"), "{path}: {}", refused.body);
        }
    }
    assert_eq!(browser.get("/account").await.status, 200, "still signed in: the logout was refused too");
    let anna = app.core.admin_user(ANNA).await.expect("anna");
    assert_eq!(anna.first_name, None, "nothing was saved");

    // Russian for a browser that prefers it.
    let mut russian = Browser::speaking(&app, "ru-RU,ru;q=0.9");
    let page = signed_in(&app, &mut russian, BORIS).await;
    assert!(page.body.contains("Ваш аккаунт") && page.body.contains("lang=\"ru\""), "{}", page.body);

    // Logout: the session ends, and RP-initiated logout ends the kordon sign-in without asking.
    let out = browser.post("/account/logout", &[("csrf", &csrf)]).await;
    assert_eq!(out.status, 303, "{}", out.body);
    assert!(out.param("id_token_hint").is_some(), "the hint: no question asked");
    let to = out.location().expect("to kordon's logout");
    let first = browser.visit(to.as_str()).await;
    let (landed, page) = browser.follow(to.as_str(), first).await;
    assert!(landed.ends_with("/account/signed-out"), "{landed}");
    assert!(page.body.contains("Signed out"), "{}", page.body);
    assert!(!browser.cookies.contains_key("kordon-account"), "the cookie is gone");
    let live = format!("SELECT COUNT(*) FROM sessions WHERE client_id = {} AND revoked_at IS NULL", ACCOUNT.id);
    assert_eq!(app.scalar(&live).await, 2, "the other two browsers' sessions live");
    let again = browser.get("/account").await;
    let (_, login) = browser.follow(&format!("{}/account", app.base), again).await;
    assert!(login.body.contains("name=\"password\""), "signed out of kordon too: {}", login.body);
}
both!(signing_in_forms_and_signing_out);

async fn names_are_saved_and_audited(app: TestApp) {
    people(&app).await;
    let mut browser = Browser::new(&app);
    let csrf = signed_in(&app, &mut browser, ANNA).await.field("csrf");
    let form = [("csrf", csrf.as_str()), ("first_name", " Анна "), ("middle_name", ""), ("last_name", "O'Brien <x>")];
    let saved = browser.post("/account/profile", &form).await;
    assert_eq!((saved.status, saved.header("location")), (303, "/account/profile?saved=1"), "{}", saved.body);
    let page = browser.get("/account/profile?saved=1").await;
    assert!(page.body.contains("Your name was saved."), "{}", page.body);
    assert_eq!(page.field("first_name"), "Анна");
    assert_eq!(page.field("last_name"), "O'Brien <x>");
    assert!(!page.body.contains("<x>"), "escaped: {}", page.body);
    let anna = app.core.admin_user(ANNA).await.expect("anna");
    let names = (anna.first_name.as_deref(), anna.middle_name.as_deref(), anna.last_name.as_deref());
    assert_eq!(names, (Some("Анна"), None, Some("O'Brien <x>")));
    let audit = crate::helpers::operators_lines(&app).await;
    let line = audit.iter().find(|l| l.kind == "user.profile").expect("a user.profile line");
    assert_eq!(line.actor, format!("account:{}", anna.id));
    let detail: serde_json::Value = serde_json::from_str(line.detail.as_deref().expect("detail")).expect("json");
    assert_eq!(detail["first_name"]["to"], "Анна", "{detail}");
    assert!(detail.get("middle_name").is_none(), "only what changed: {detail}");

    // Too long, or with a control character: the form again, nothing saved.
    let long = "я".repeat(256);
    for bad in [long.as_str(), "a\u{7}b"] {
        let refused = browser.post("/account/profile", &[("csrf", &csrf), ("first_name", bad)]).await;
        assert_eq!(refused.status, 400, "{}", refused.body);
        assert!(refused.body.contains("at most 255 characters"), "{}", refused.body);
    }
    let still = app.core.admin_user(ANNA).await.expect("anna");
    assert_eq!(still.first_name.as_deref(), Some("Анна"));
}
both!(names_are_saved_and_audited);

async fn a_new_password_needs_the_current_one_and_ends_every_session(app: TestApp) {
    people(&app).await;
    let cabinet = app.login(ANNA, PASSWORD).await;
    let mut browser = Browser::new(&app);
    let csrf = signed_in(&app, &mut browser, ANNA).await.field("csrf");
    let page_cookie = browser.cookies.get("kordon-account").expect("the page's cookie").clone();
    let change = |current: &'static str, new: &'static str, again: &'static str| {
        [("current_password", current), ("password", new), ("password_confirmation", again)]
    };
    let cases = [
        (change("", "new-password-42", "new-password-42"), 400, "Type your current password."),
        (change(PASSWORD, "short", "short"), 400, "at least 8 characters"),
        (change(PASSWORD, "new-password-42", "new-password-43"), 400, "are not the same"),
        (change("not-my-password", "new-password-42", "new-password-42"), 401, "The current password is not right."),
    ];
    for (fields, status, words) in cases {
        let page = change_password(&mut browser, &csrf, fields).await;
        assert_eq!(page.status, status, "{words}: {}", page.body);
        assert!(page.body.contains(words), "{words}: {}", page.body);
    }
    let wrong = "SELECT COUNT(*) FROM defender_failures";
    assert!(app.scalar(wrong).await >= 1, "a wrong current password is a failed login for the Defender");
    assert_eq!(app.get_auth("/api/v1/authuser", &cabinet).await.0, 200, "nothing changed yet");

    let done = change_password(&mut browser, &csrf, change(PASSWORD, "new-password-42", "new-password-42")).await;
    assert_eq!(done.status, 200, "{}", done.body);
    assert!(done.body.contains("Password changed") && done.body.contains("Sign in again"), "{}", done.body);
    assert!(!browser.cookies.contains_key("kordon-account"), "this page's cookie is gone");
    assert_eq!(app.get_auth("/api/v1/authuser", &cabinet).await.0, 401, "the cabinet session ended");
    // The page's session ended on the server, not only in the browser; and the browser's kordon
    // sign-in with it: the way back in asks for the new password.
    browser.cookies.insert("kordon-account".into(), page_cookie);
    let gone = browser.get("/account").await;
    assert_eq!(gone.status, 303, "the old session is refused");
    let (_, login) = browser.follow(&format!("{}/account", app.base), gone).await;
    assert!(login.body.contains("name=\"password\""), "no silent sign-in: {}", login.body);
    let (status, _) = app.post("/api/v1/login", login_body(ANNA, PASSWORD)).await;
    assert_eq!(status, 400, "the old password is refused");
    app.login(ANNA, "new-password-42").await;
    let audit = crate::helpers::operators_lines(&app).await;
    let anna = app.core.admin_user(ANNA).await.expect("anna");
    assert!(
        audit.iter().any(|l| l.kind == "password.changed" && l.actor == format!("account:{}", anna.id)),
        "{audit:?}"
    );
}
both!(a_new_password_needs_the_current_one_and_ends_every_session);

async fn change_password(browser: &mut Browser, csrf: &str, fields: [(&str, &str); 3]) -> Page {
    let mut form = fields.to_vec();
    form.push(("csrf", csrf));
    browser.post("/account/password", &form).await
}

/// A wrong current password counts like a failed login: ten from one host block it.
async fn wrong_current_passwords_block_the_host(app: TestApp) {
    people(&app).await;
    let mut browser = Browser::new(&app);
    let csrf = signed_in(&app, &mut browser, ANNA).await.field("csrf");
    let form = [
        ("csrf", csrf.as_str()),
        ("current_password", "guess"),
        ("password", "new-password-42"),
        ("password_confirmation", "new-password-42"),
    ];
    let mut statuses = Vec::new();
    for _ in 0..11 {
        statuses.push(browser.post("/account/password", &form).await.status);
    }
    assert_eq!(statuses[..10], [401; 10], "{statuses:?}");
    assert_eq!(statuses[10], 429, "{statuses:?}");
    assert!(!app.core.defender_blocks().await.expect("blocks").is_empty(), "the host is blocked");
}
both!(wrong_current_passwords_block_the_host);

/// The account client is kordon's own: registered again idempotently, and the console shows it
/// but refuses to change, rotate or delete it, like its own.
async fn the_account_client_is_built_in(app: TestApp) {
    let client = app.core.register_first_party(&ACCOUNT).await.expect("again");
    assert_eq!(client.id, ACCOUNT.id);
    assert_eq!(client.redirect_uri, format!("{}/account/callback", app.base));
    let rows = format!("SELECT COUNT(*) FROM clients WHERE id = {} AND public AND trusted", ACCOUNT.id);
    assert_eq!(app.scalar(&rows).await, 1);
    operator(&app).await;
    let mut ops = Browser::new(&app);
    sign_in_to(&app, &mut ops, OPERATOR, "/console").await;
    let page = ops.get(&format!("/console/application?id={}", ACCOUNT.id)).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("kordon&#39;s own client") && !page.body.contains("/console/application/delete"));
    let (id, csrf) = (ACCOUNT.id.to_string(), page.field("csrf"));
    let edit = [("csrf", csrf.as_str()), ("id", &id), ("name", "x"), ("redirect_uris", "https://evil.example/cb")];
    assert_eq!(ops.post("/console/application", &edit).await.status, 400);
    for path in ["/console/application/secret", "/console/application/delete"] {
        assert_eq!(ops.post(path, &[("csrf", &csrf), ("id", &id)]).await.status, 400, "{path}");
    }
    let client = app.core.register_first_party(&ACCOUNT).await.expect("unchanged");
    assert_eq!(client.redirect_uri, format!("{}/account/callback", app.base));
}
both!(the_account_client_is_built_in);
