//! "Create an account" on the login page (`oauth.registration`), over HTTP on both stores: off
//! by default (404 and no link); on, the address and the phone, the call, then its PIN and a
//! new password open an account whose person is its `lk_admin`, sign the browser in and go on
//! with the authorization request, and a link to prove the address is mailed (through a real
//! SMTP server). A taken address or phone is told only after the PIN (which stays good for the
//! address fixed); a bad password is told before the PIN is tried. The same in headless Chromium: `account_browser.rs` (part
//! `register`).

use crate::helpers::mail::{link_token, mailing};
use crate::helpers::oauth::claims;
use crate::helpers::oidc::{Browser, Page, VERIFIER, code_client, exchange, form_urlencoded, request};
use crate::helpers::{PASSWORD, TestApp};
use kordon_core::types::Role;
use kordon_testkit::SmtpSink;
use serde_json::json;

fn open(config: &mut kordon::config::Config) {
    config.oauth.registration = true;
}

/// The registration's first page, posted: the address and the phone.
async fn call(browser: &mut Browser, form: &Page, email: &str, phone: &str) -> Page {
    let (csrf, request) = (form.field("csrf"), form.field("request"));
    browser.post("/oauth/register", &[("csrf", &csrf), ("request", &request), ("email", email), ("phone", phone)]).await
}

/// The PIN page, posted with the PIN and a password twice.
async fn finish(browser: &mut Browser, called: &Page, pin: &str, password: &str, confirmation: &str) -> Page {
    let names = ["csrf", "request", "email", "phone", "token"];
    let hidden: Vec<(&str, String)> = names.iter().map(|n| (*n, called.field(n))).collect();
    let mut fields: Vec<(&str, &str)> = hidden.iter().map(|(k, v)| (*k, v.as_str())).collect();
    fields.extend([("pin", pin), ("password", password), ("password_confirmation", confirmation)]);
    browser.post("/oauth/register/finish", &fields).await
}

async fn registration_is_off_by_default(app: TestApp) {
    let client = code_client(&app, "Cabinet", false, true).await;
    let id = client.id.to_string();
    let query = form_urlencoded(&request(&id, "openid"));
    let mut browser = Browser::new(&app);
    let login = browser.authorize(&request(&id, "openid")).await;
    assert_eq!(login.status, 200);
    assert!(!login.body.contains("/oauth/register") && !login.body.contains("Create an account"));
    let page = browser.get(&format!("/oauth/register?{query}")).await;
    assert_eq!(page.status, 404, "{}", page.body);
    assert!(page.body.contains("Accounts are not opened here."), "{}", page.body);
    let csrf = login.field("csrf");
    let fields =
        [("csrf", csrf.as_str()), ("request", query.as_str()), ("email", "a@b.example"), ("phone", "+79990001122")];
    assert_eq!(browser.post("/oauth/register", &fields).await.status, 404);
    assert!(app.outbox_lines("flashcalls.jsonl").is_empty(), "no call");
}
both!(registration_is_off_by_default);

async fn a_new_account_from_the_login_page(app: TestApp) {
    let sink = SmtpSink::start();
    let app = mailing(app, sink.port, open).await;
    let client = code_client(&app, "Cabinet", false, true).await;
    let id = client.id.to_string();
    let query = form_urlencoded(&request(&id, "openid email phone"));
    let mut browser = Browser::new(&app);
    let login = browser.authorize(&request(&id, "openid email phone")).await;
    let href = format!("href=\"/oauth/register?{}\"", query.replace('&', "&#38;"));
    assert!(login.body.contains(&href) && login.body.contains("Create an account"), "{}", login.body);
    let form = browser.get(&format!("/oauth/register?{query}")).await;
    assert_eq!(form.status, 200, "{}", form.body);
    assert!(form.body.contains("Create an account") && form.body.contains("Cabinet"), "{}", form.body);
    assert_eq!(form.field("request"), query);

    // The address's form and the phone are checked before any call.
    let bad = call(&mut browser, &form, "not-an-address", "+7 999 000-11-22").await;
    assert_eq!(bad.status, 400, "{}", bad.body);
    assert!(bad.body.contains("This is not an email address.") && bad.body.contains("+7 999 000-11-22"));
    let bad = call(&mut browser, &form, "new@owner.example", "12").await;
    assert_eq!(bad.status, 400, "{}", bad.body);
    assert!(app.outbox_lines("flashcalls.jsonl").is_empty(), "no call");

    let called = call(&mut browser, &form, "New@Owner.example", "+7 999 000-11-22").await;
    assert_eq!(called.status, 200, "{}", called.body);
    assert!(called.body.contains("Confirm your phone") && called.body.contains("+7 999 000-11-22"));
    assert_eq!(called.field("phone"), "+79990001122");
    let pin = app.pin_of(&called.field("token"));
    // A password the policy refuses is told before the PIN is tried (it stays good).
    let short = finish(&mut browser, &called, &pin, "short", "short").await;
    assert_eq!(short.status, 400, "{}", short.body);
    assert!(short.body.contains("at least 8 characters"), "{}", short.body);
    let wrong = finish(&mut browser, &called, if pin == "0000" { "1111" } else { "0000" }, PASSWORD, PASSWORD).await;
    assert_eq!(wrong.status, 401, "{}", wrong.body);
    let done = finish(&mut browser, &called, &pin, PASSWORD, PASSWORD).await;
    assert_eq!(done.status, 303, "signed in, the request goes on: {}", done.body);
    let code = done.param("code").unwrap_or_else(|| panic!("a code: {:?}", done.location()));
    let t = exchange(&app, &client, &code, VERIFIER).await;
    let id_token = claims(t.body["id_token"].as_str().expect("id_token")).1;
    assert_eq!(id_token["amr"], json!(["pwd"]));
    assert_eq!((&id_token["email"], &id_token["email_verified"]), (&json!("New@Owner.example"), &json!(false)));
    assert_eq!((&id_token["phone_number"], &id_token["phone_number_verified"]), (&json!("+79990001122"), &json!(true)));
    let user = app.core.admin_user("new@owner.example").await.expect("the new person");
    assert_eq!((user.role, user.phone.as_deref()), (Role::LkAdmin, Some("79990001122")));
    let tenant = format!("SELECT COUNT(*) FROM users WHERE account_id = {}", user.account_id);
    assert_eq!(app.scalar(&tenant).await, 1, "a tenant of their own");
    // The browser is signed in: the next request needs no password.
    let again = browser.authorize(&request(&id, "openid")).await;
    assert_eq!(again.status, 303, "{}", again.body);
    // The address is proved by the mailed link.
    let mails = sink.received();
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert_eq!(
        (&mails[0]["rcpt_tos"], &mails[0]["subject"]),
        (&json!(["New@Owner.example"]), &json!("Confirm your email address"))
    );
    let token = link_token(&mails[0], &format!("{}/account/email/confirm?token=", app.base));
    let pressed = Browser::new(&app).post("/account/email/confirm", &[("token", &token)]).await;
    assert_eq!(pressed.status, 200, "{}", pressed.body);
    assert!(app.core.admin_user("new@owner.example").await.expect("user").email_verified);

    // Someone else's address, or phone, is told only once the PIN proved the phone.
    let mut other = Browser::new(&app);
    let form = other.get(&format!("/oauth/register?{query}")).await;
    let called = call(&mut other, &form, "new@owner.example", "+7 999 000-11-33").await;
    assert_eq!(called.status, 200, "an address is not told taken before the PIN: {}", called.body);
    let pin = app.pin_of(&called.field("token"));
    let wrong = finish(&mut other, &called, if pin == "0000" { "1111" } else { "0000" }, PASSWORD, PASSWORD).await;
    assert_eq!(wrong.status, 401, "a wrong PIN tells nothing of the address: {}", wrong.body);
    let taken = finish(&mut other, &called, &pin, PASSWORD, PASSWORD).await;
    assert_eq!(taken.status, 409, "{}", taken.body);
    assert!(taken.body.contains("An account with this address exists already"), "{}", taken.body);
    // The PIN stays good for the address fixed (as the cabinet's `register` keeps it).
    let mut fields: Vec<(&str, String)> =
        ["csrf", "request", "phone", "token"].iter().map(|n| (*n, called.field(n))).collect();
    fields.extend([("email", "third@owner.example".to_owned()), ("pin", pin.clone())]);
    fields.extend([("password", PASSWORD.to_owned()), ("password_confirmation", PASSWORD.to_owned())]);
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let fixed = other.post("/oauth/register/finish", &pairs).await;
    assert_eq!(fixed.status, 303, "{}", fixed.body);
    assert!(app.core.admin_user("third@owner.example").await.is_ok());
    app.clock.advance(61);
    let called = call(&mut other, &form, "another@owner.example", "+79990001122").await;
    assert_eq!(called.status, 200, "{}", called.body);
    let pin = app.pin_of(&called.field("token"));
    let taken = finish(&mut other, &called, &pin, PASSWORD, PASSWORD).await;
    assert_eq!(taken.status, 409, "{}", taken.body);
    assert!(taken.body.contains("This phone belongs to an account already"), "{}", taken.body);
    assert!(app.core.admin_user("another@owner.example").await.is_err(), "no account opened");
}
both!(a_new_account_from_the_login_page, super::open);

/// A number of 11 digits that begins with 8 (Vietnam's +84) travels between the pages with its
/// `+`, so it is never read back as a Russian `8 …` (→ `7 …`) number: on registration and on
/// the login page's FlashCall sign-in.
async fn an_international_number_keeps_its_country(app: TestApp) {
    let client = code_client(&app, "Cabinet", false, true).await;
    let id = client.id.to_string();
    let query = form_urlencoded(&request(&id, "openid"));
    let mut browser = Browser::new(&app);
    let form = browser.get(&format!("/oauth/register?{query}")).await;
    let called = call(&mut browser, &form, "hanoi@owner.example", "+84 91 234 5678").await;
    assert_eq!(called.field("phone"), "+84912345678", "{}", called.body);
    let pin = app.pin_of(&called.field("token"));
    assert_eq!(finish(&mut browser, &called, &pin, PASSWORD, PASSWORD).await.status, 303);
    let user = app.core.admin_user("hanoi@owner.example").await.expect("user");
    assert_eq!(user.phone.as_deref(), Some("84912345678"));

    app.clock.advance(61);
    let mut later = Browser::new(&app);
    let login = later.authorize(&request(&id, "openid")).await;
    let (csrf, req) = (login.field("csrf"), login.field("request"));
    let step = later
        .post("/oauth/authorize/flashcall", &[("csrf", &csrf), ("request", &req), ("phone", "+84912345678")])
        .await;
    assert_eq!((step.status, step.field("phone")), (200, "+84912345678".to_owned()), "{}", step.body);
    let token = step.field("token");
    let pin = app.pin_of(&token);
    let fields =
        [("csrf", csrf.as_str()), ("request", &req), ("phone", "+84912345678"), ("token", &token), ("pin", &pin)];
    let back = later.post("/oauth/authorize/pin", &fields).await;
    assert_eq!(back.status, 303, "signed in by the call: {}", back.body);
}
both!(an_international_number_keeps_its_country, |c: &mut kordon::config::Config| {
    super::open(c);
    c.flashcall.country_prefixes.push("84".into());
});
