//! App passwords on both stores: made on the account page (the current password, a name, shown
//! once, listed without the secret), taken by the PBX API and the OAuth password grant in place of
//! a password for a person with a second factor, refused by the cabinet's login, counted by the
//! Defender like a password, deleted one by one and all ended by a password change.

use crate::account::{ANNA, BORIS, people, signed_in};
use crate::helpers::oauth::form;
use crate::helpers::oidc::Browser;
use crate::helpers::{PASSWORD, TestApp, login_body, pbx_auth_body};
use crate::mfa_login::with_authenticator;
use kordon_core::audit::AuditFilter;
use serde_json::json;

/// Makes an app password named `name` on the account page; answers it as shown.
async fn made(browser: &mut Browser, csrf: &str, name: &str) -> String {
    let page =
        browser.post("/account/app-passwords", &[("csrf", csrf), ("name", name), ("current_password", PASSWORD)]).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let start = page.body.find("id=\"app-password\">").expect("the app password") + "id=\"app-password\">".len();
    let secret = page.body[start..start + page.body[start..].find('<').expect("its end")].to_owned();
    assert!(secret.starts_with("kap_") && secret.len() == 36, "{secret}");
    assert!(secret[4..].chars().all(|c| c.is_ascii_alphanumeric()), "{secret}");
    secret
}

/// A client of the OAuth password grant: (id, secret).
async fn password_client(app: &TestApp) -> (String, String) {
    let grants = vec!["password".to_string()];
    let c = app.core.admin_create_client("Softphone", None, grants, None).await.expect("client");
    (c.client_id.to_string(), c.client_secret.expect("secret"))
}

async fn an_app_password_signs_in_where_no_code_can_go(app: TestApp) {
    people(&app).await;
    let mut browser = Browser::new(&app);
    let csrf = signed_in(&app, &mut browser, ANNA).await.field("csrf");
    with_authenticator(&app, ANNA).await;
    let page = browser.get("/account/app-passwords").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("You have no app passwords."), "{}", page.body);

    // Refused: no password, a wrong one, no name; the name typed stays in the form.
    let refusals = [
        (("Office PBX", ""), 400, "Type your current password."),
        (("Office PBX", "nope"), 401, "The current password is not right."),
        (("   ", PASSWORD), 400, "Give it a name of at most 64 characters."),
    ];
    for ((name, current), status, said) in refusals {
        let fields = [("csrf", csrf.as_str()), ("name", name), ("current_password", current)];
        let refused = browser.post("/account/app-passwords", &fields).await;
        assert_eq!(refused.status, status, "{name:?} {current:?}: {}", refused.body);
        assert!(refused.body.contains(said), "{said}: {}", refused.body);
    }
    let secret = made(&mut browser, &csrf, "Office PBX").await;
    let listed = browser.get("/account/app-passwords").await;
    assert!(listed.body.contains("Office PBX") && listed.body.contains(&format!("{}…", &secret[..8])));
    assert!(!listed.body.contains(&secret), "never shown again: {}", listed.body);
    let security = browser.get("/account/security").await;
    assert!(security.body.contains("App passwords: <strong>1</strong>"), "{}", security.body);

    // The PBX API and the password grant take it; the password alone they refuse.
    let (status, body, _) = app.pbx(pbx_auth_body(ANNA, &secret), None).await;
    assert_eq!(status, 200, "{body}");
    let (status, _, _) = app.pbx(pbx_auth_body(ANNA, PASSWORD), None).await;
    assert_eq!(status, 403);
    let (id, client_secret) = password_client(&app).await;
    let grant = |password: &str| {
        vec![("grant_type", "password".to_owned()), ("username", ANNA.to_owned()), ("password", password.to_owned())]
    };
    let pairs = |fields: &[(&'static str, String)]| fields.iter().map(|(k, v)| (*k, v.clone())).collect::<Vec<_>>();
    let sent = pairs(&grant(&secret));
    let sent: Vec<(&str, &str)> = sent.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = form(&app, "/oauth/token", &sent, Some((&id, &client_secret))).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body["access_token"].is_string(), "{}", r.body);
    // It is Anna's, not Boris's; and the cabinet's login (which can ask for a code) never takes one.
    let (status, _, _) = app.pbx(pbx_auth_body(BORIS, &secret), None).await;
    assert_eq!(status, 401, "another person's login");
    let (status, body) = app.post("/api/v1/login", login_body(ANNA, &secret)).await;
    assert_eq!((status, &body["message"]), (400, &json!("Password not right.")), "{body}");
    let used = browser.get("/account/app-passwords").await;
    assert!(!used.body.contains("<td data-label=\"Last used\" class=\"when\">—</td>"), "{}", used.body);

    // Sign-ins are on record with their method.
    app.core.audit_flush().await;
    let filter = AuditFilter { kind: Some("signin".into()), limit: 100, ..Default::default() };
    let signins = app.core.audit_search(&filter).await.expect("audit");
    let by_app_password = |l: &&kordon_core::audit::AuditRecord| l.method.as_deref() == Some("app_password");
    let lines: Vec<_> = signins.iter().filter(by_app_password).collect();
    assert_eq!(lines.len(), 2, "PBX and the password grant: {signins:?}");
    assert!(lines.iter().all(|l| l.result == "success" && l.user_id.is_some()), "{lines:?}");

    // Deleted: asked first, then refused in both dialects; Boris cannot reach Anna's.
    let listed = browser.get("/account/app-passwords").await;
    let at = listed.body.find("/account/app-passwords/delete?id=").expect("a Delete link");
    let id_of = listed.body[at + "/account/app-passwords/delete?id=".len()..].split('"').next().expect("id").to_owned();
    let question = browser.get(&format!("/account/app-passwords/delete?id={id_of}")).await;
    assert!(question.body.contains("Delete this app password?") && question.body.contains("Office PBX"));
    let mut boris = Browser::new(&app);
    let boris_csrf = signed_in(&app, &mut boris, BORIS).await.field("csrf");
    assert_eq!(boris.get(&format!("/account/app-passwords/delete?id={id_of}")).await.status, 404);
    let theirs = [("csrf", boris_csrf.as_str()), ("id", id_of.as_str())];
    assert_eq!(boris.post("/account/app-passwords/delete", &theirs).await.status, 404);
    assert_eq!(browser.post("/account/app-passwords/delete", &[("id", id_of.as_str())]).await.status, 403);
    let gone = browser.post("/account/app-passwords/delete", &[("csrf", csrf.as_str()), ("id", id_of.as_str())]).await;
    assert_eq!((gone.status, gone.header("location")), (303, "/account/app-passwords?deleted=1"));
    let (status, _, _) = app.pbx(pbx_auth_body(ANNA, &secret), None).await;
    assert_eq!(status, 401, "deleted");
    let r = form(&app, "/oauth/token", &sent, Some((&id, &client_secret))).await;
    assert_eq!((r.status, &r.body["error"]), (400, &json!("invalid_grant")), "{}", r.body);
}
both!(an_app_password_signs_in_where_no_code_can_go);

/// A login's cap is three failures a day here, the host's far off; no delays.
fn low_caps(c: &mut kordon::config::Config) {
    c.defender.account_failures = 2;
    c.defender.account_max_failures = 3;
    c.defender.account_delay_ms = 0;
    c.defender.host_failures = 50;
    c.limits.app_passwords_per_user = 2;
}

async fn wrong_app_passwords_count_as_wrong_passwords(app: TestApp) {
    people(&app).await;
    let mut browser = Browser::new(&app);
    let csrf = signed_in(&app, &mut browser, ANNA).await.field("csrf");
    // Anyone may hold them (no second factor needed), up to the cap.
    let secret = made(&mut browser, &csrf, "Softphone").await;
    made(&mut browser, &csrf, "Fax").await;
    let fields = [("csrf", csrf.as_str()), ("name", "Third"), ("current_password", PASSWORD)];
    let capped = browser.post("/account/app-passwords", &fields).await;
    assert_eq!(capped.status, 400, "{}", capped.body);
    assert!(capped.body.contains("You have as many app passwords as allowed"), "{}", capped.body);
    let (status, _, _) = app.pbx(pbx_auth_body(ANNA, &secret), None).await;
    assert_eq!(status, 200, "an app password of a person without a second factor works too");

    // Three wrong ones (a guessed kap_ value is a wrong password): the login is capped, so even
    // the right app password and the password are refused.
    for wrong in ["kap_00000000000000000000000000000000", "kap_x", &format!("{secret}0")] {
        let (status, body, _) = app.pbx(pbx_auth_body(ANNA, wrong), None).await;
        assert_eq!(status, 401, "{wrong}: {body}");
    }
    let (status, body, _) = app.pbx(pbx_auth_body(ANNA, &secret), None).await;
    assert_eq!(status, 429, "capped: {body}");
    let (status, _) = app.post("/api/v1/login", login_body(ANNA, PASSWORD)).await;
    assert_eq!(status, 429, "the same login's cap");
}
both!(wrong_app_passwords_count_as_wrong_passwords, super::low_caps);

async fn a_password_change_ends_every_app_password(app: TestApp) {
    people(&app).await;
    let mut browser = Browser::new(&app);
    let csrf = signed_in(&app, &mut browser, ANNA).await.field("csrf");
    let secret = made(&mut browser, &csrf, "Office PBX").await;
    let (status, _, _) = app.pbx(pbx_auth_body(ANNA, &secret), None).await;
    assert_eq!(status, 200);
    // The account page's password change (the cabinet's and a reset share its store call).
    let fields = [
        ("csrf", csrf.as_str()),
        ("current_password", PASSWORD),
        ("password", "a-new-password-1"),
        ("password_confirmation", "a-new-password-1"),
    ];
    let changed = browser.post("/account/password", &fields).await;
    assert_eq!(changed.status, 200, "{}", changed.body);
    let (status, _, _) = app.pbx(pbx_auth_body(ANNA, &secret), None).await;
    assert_eq!(status, 401, "ended with the password");
    let user = app.core.admin_user(ANNA).await.expect("anna");
    assert!(app.core.app_passwords(&user).await.expect("list").is_empty());
}
both!(a_password_change_ends_every_app_password);
