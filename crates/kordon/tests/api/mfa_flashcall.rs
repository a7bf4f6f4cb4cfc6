//! FlashCall as a second factor on both stores: switched on and off on the account page (a phone
//! and the current password), "Call me" in the login page's second step after a password (a PIN
//! of its own purpose: a sign-in call's PIN is refused there, and its PIN signs no one in
//! elsewhere), the password as the second step after a FlashCall sign-in, and what the ID token's
//! `amr` says of each.

use crate::account::{ANNA, people, signed_in};
use crate::helpers::oauth::claims;
use crate::helpers::oidc::{Browser, Page, VERIFIER, code_client, exchange, request};
use crate::helpers::{PASSWORD, TestApp, login_body, pbx_auth_body};
use kordon_core::Origin;
use serde_json::json;

const EMAIL: &str = "call@two.example";
const PHONE: &str = "79990007733";

/// A registered person with FlashCall on as their second factor; their recovery codes.
async fn with_calls(app: &TestApp) -> Vec<String> {
    app.register(EMAIL, PHONE).await;
    let user = app.core.admin_user(EMAIL).await.expect("user");
    let origin = Origin { ip: Some("127.0.0.1".into()), user_agent: None, locale: None };
    app.core.flashcall_factor_on(&user, PASSWORD, &origin).await.expect("on").expect("recovery codes")
}

/// The hidden fields every second-step form carries, and more.
fn step_fields<'a>(step: &'a Page, more: &[(&'static str, &'a str)]) -> Vec<(&'static str, String)> {
    let mut fields: Vec<(&'static str, String)> =
        ["csrf", "request", "challenge"].iter().map(|k| (*k, step.field(k))).collect();
    fields.extend(more.iter().map(|(k, v)| (*k, (*v).to_owned())));
    fields
}

async fn post(browser: &mut Browser, path: &str, fields: &[(&'static str, String)]) -> Page {
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    browser.post(path, &pairs).await
}

async fn amr_of(app: &TestApp, client: &crate::helpers::oidc::CodeClient, done: &Page) -> serde_json::Value {
    let code = done.param("code").unwrap_or_else(|| panic!("a code: {} {}", done.status, done.body));
    let t = exchange(app, client, &code, VERIFIER).await;
    assert_eq!(t.status, 200, "{}", t.body);
    claims(t.body["id_token"].as_str().expect("id_token")).1["amr"].clone()
}

async fn call_me_after_the_password(app: TestApp) {
    with_calls(&app).await;
    // Every dialect's password alone is refused now (the cabinet can take a PIN login's password).
    let (status, body) = app.post("/api/v1/login", login_body(EMAIL, PASSWORD)).await;
    assert_eq!((status, &body["message"]["field"]), (400, &json!("otp")), "{body}");
    let (status, _, _) = app.pbx(pbx_auth_body(EMAIL, PASSWORD), None).await;
    assert_eq!(status, 403);

    let client = code_client(&app, "Softphone", false, true).await;
    let id = client.id.to_string();
    let mut browser = Browser::new(&app);
    let login = browser.authorize(&request(&id, "openid")).await;
    let step = browser.sign_in(&login, EMAIL, PASSWORD).await;
    assert_eq!(step.status, 200, "{}", step.body);
    assert!(step.body.contains("kordon will call your phone") && step.body.contains("+7 999 •••-••-33"));
    assert!(step.body.contains("Call me") && !step.body.contains("id=\"code\""), "no app: {}", step.body);
    assert!(step.body.contains("Recovery code"), "the recovery codes it came with: {}", step.body);

    // A sign-in call's PIN (purpose login) to the same phone is no second factor.
    app.clock.advance(61); // the phone's cool-down, after the registration's call
    let (login_token, login_pin) = app.flashcall(PHONE).await;
    app.clock.advance(61);
    let called = post(&mut browser, "/oauth/authorize/second/call", &step_fields(&step, &[])).await;
    assert_eq!(called.status, 200, "{}", called.body);
    assert!(called.body.contains("We are calling") && called.body.contains("+7 999 •••-••-33"), "{}", called.body);
    let token = called.field("token");
    let pin = app.pin_of(&token);
    let fields = step_fields(&called, &[("pin", &login_pin), ("token", &login_token)]);
    let refused = post(&mut browser, "/oauth/authorize/second", &fields).await;
    assert_eq!(refused.status, 401, "{}", refused.body);
    assert!(refused.body.contains("The code is not right or has expired."), "{}", refused.body);
    // Its own PIN signs in; the ID token says password and phone.
    let done =
        post(&mut browser, "/oauth/authorize/second", &step_fields(&called, &[("pin", &pin), ("token", &token)])).await;
    assert_eq!(amr_of(&app, &client, &done).await, json!(["pwd", "tel", "mfa"]));

    // A second step's PIN signs no one in elsewhere: not the cabinet's PIN login.
    let mut other = Browser::new(&app);
    let login = other.authorize(&request(&id, "openid")).await;
    let step = other.sign_in(&login, EMAIL, PASSWORD).await;
    app.clock.advance(61);
    let called = post(&mut other, "/oauth/authorize/second/call", &step_fields(&step, &[])).await;
    let token = called.field("token");
    let pin = app.pin_of(&token);
    let (status, body) = app.post("/api/v1/login", json!({"phone": PHONE, "pin": pin, "token": token})).await;
    assert_eq!((status, &body["message"]["field"]), (400, &json!("pin")), "{body}");
    // The cool-down holds for a second call at once (the toll-fraud guard applies whole).
    let again = post(&mut other, "/oauth/authorize/second/call", &step_fields(&step, &[])).await;
    assert_eq!(again.status, 429, "{}", again.body);
    assert!(again.body.contains("Too many calls"), "{}", again.body);
}
both!(call_me_after_the_password);

/// A FlashCall sign-in on the login page up to its answer (the second step).
async fn pin_step(app: &TestApp, browser: &mut Browser, id: &str) -> Page {
    let login = browser.authorize(&request(id, "openid")).await;
    let (csrf, raw) = (login.field("csrf"), login.field("request"));
    app.clock.advance(61); // the phone's cool-down
    let call =
        browser.post("/oauth/authorize/flashcall", &[("csrf", &csrf), ("request", &raw), ("phone", PHONE)]).await;
    let (token, number) = (call.field("token"), call.field("phone"));
    let pin = app.pin_of(&token);
    let fields = [("csrf", &csrf), ("request", &raw), ("phone", &number), ("token", &token), ("pin", &pin)];
    browser.post("/oauth/authorize/pin", &fields.map(|(k, v)| (k, v.as_str()))).await
}

async fn after_a_call_the_password_is_the_second_step(app: TestApp) {
    let codes = with_calls(&app).await;
    let client = code_client(&app, "Softphone", false, true).await;
    let id = client.id.to_string();
    let mut browser = Browser::new(&app);
    let step = pin_step(&app, &mut browser, &id).await;
    assert_eq!(step.status, 200, "{}", step.body);
    assert!(step.body.contains("You signed in with a call. Now type your password."), "{}", step.body);
    assert!(!step.body.contains("Call me"), "never the first factor again: {}", step.body);
    let wrong = post(&mut browser, "/oauth/authorize/second", &step_fields(&step, &[("password", "nope")])).await;
    assert_eq!(wrong.status, 401, "{}", wrong.body);
    assert!(wrong.body.contains("The password is not right."), "{}", wrong.body);
    let done = post(&mut browser, "/oauth/authorize/second", &step_fields(&wrong, &[("password", PASSWORD)])).await;
    assert_eq!(amr_of(&app, &client, &done).await, json!(["tel", "pwd", "mfa"]));
    // Or a recovery code.
    let mut other = Browser::new(&app);
    let step = pin_step(&app, &mut other, &id).await;
    let done = post(&mut other, "/oauth/authorize/second", &step_fields(&step, &[("code", &codes[0])])).await;
    assert_eq!(amr_of(&app, &client, &done).await, json!(["tel", "otp", "mfa"]));
}
both!(after_a_call_the_password_is_the_second_step);

async fn security_switches_calls_on_and_off(app: TestApp) {
    people(&app).await;
    app.register(EMAIL, PHONE).await;
    // Without a phone: said, and refused.
    let mut anna = Browser::new(&app);
    let csrf = signed_in(&app, &mut anna, ANNA).await.field("csrf");
    let page = anna.get("/account/security").await;
    assert!(page.body.contains("Your account has no phone, and calls need one."), "{}", page.body);
    let refused =
        anna.post("/account/security/flashcall", &[("csrf", &csrf), ("on", "1"), ("current_password", PASSWORD)]).await;
    assert_eq!((refused.status, refused.header("location")), (303, "/account/security"));

    let mut browser = Browser::new(&app);
    let csrf = signed_in(&app, &mut browser, EMAIL).await.field("csrf");
    let page = browser.get("/account/security").await;
    assert!(page.body.contains("Calls to your phone · <span class=\"state off\">Off"), "{}", page.body);
    assert!(page.body.contains("+7 999 000-77-33"), "the phone it calls: {}", page.body);
    let on = |current: &'static str| [("csrf", csrf.clone()), ("on", "1".into()), ("current_password", current.into())];
    let wrong = post(&mut browser, "/account/security/flashcall", &on("nope")).await;
    assert_eq!(wrong.status, 401, "{}", wrong.body);
    let switched = post(&mut browser, "/account/security/flashcall", &on(PASSWORD)).await;
    assert_eq!(switched.status, 200, "{}", switched.body);
    assert!(switched.body.contains("Calls to your phone are on.") && switched.body.matches("<li>").count() == 10);
    let page = browser.get("/account/security").await;
    assert!(page.body.contains("<span class=\"state on\">On</span>"), "{}", page.body);
    let (status, _) = app.post("/api/v1/login", login_body(EMAIL, PASSWORD)).await;
    assert_eq!(status, 400, "the cabinet now wants a second factor");

    let off = [("csrf", csrf.clone()), ("on", "0".into()), ("current_password", PASSWORD.into())];
    let switched = post(&mut browser, "/account/security/flashcall", &off).await;
    assert_eq!((switched.status, switched.header("location")), (303, "/account/security?flashcall=off"));
    let user = app.core.admin_user(EMAIL).await.expect("user");
    let state = app.core.mfa_state(user.id).await.expect("state");
    assert!(!state.on() && state.recovery_left == 0, "off, and its recovery codes with it: {state:?}");
    let (status, _) = app.post("/api/v1/login", login_body(EMAIL, PASSWORD)).await;
    assert_eq!(status, 200, "the password alone again");
    assert_eq!(browser.post("/account/security/flashcall", &[("on", "1")]).await.status, 403, "no CSRF token");
}
both!(security_switches_calls_on_and_off);
