//! Passkeys on both stores, with a software authenticator (`helpers::passkey`): registered on the
//! account page (the current password first, the step that runs the one page script), used as
//! the second step after a password and to sign in with nothing else, removed; and what is
//! refused: a replayed answer, another origin, a counter gone back, another person's passkey, a
//! ceremony of another purpose. A ceremony begun on one instance is finished on another.

use crate::account::{ANNA, BORIS, people, signed_in};
use crate::helpers::oauth::claims;
use crate::helpers::oidc::{Browser, CodeClient, Page, VERIFIER, code_client, exchange, request};
use crate::helpers::passkey::{Authenticator, options_on};
use crate::helpers::{PASSWORD, TestApp, login_body};
use kordon_core::audit::AuditFilter;
use serde_json::json;

/// The account page's "Add a passkey" up to the browser's step: the page that carries the options.
async fn add_step(browser: &mut Browser, csrf: &str, name: &str) -> Page {
    let step =
        browser.post("/account/passkeys", &[("csrf", csrf), ("name", name), ("current_password", PASSWORD)]).await;
    assert_eq!(step.status, 200, "{}", step.body);
    step
}

/// Registers a passkey named `name` for the signed-in person; the page the registration ends on.
async fn register(browser: &mut Browser, key: &mut Authenticator, csrf: &str, name: &str) -> Page {
    let step = add_step(browser, csrf, name).await;
    let response = key.create(&options_on(&step.body));
    browser.post("/account/passkeys/finish", &[("csrf", csrf), ("name", name), ("response", &response)]).await
}

/// The `amr` of the ID token a finished sign-in's code gets.
async fn amr_of(app: &TestApp, client: &CodeClient, done: &Page) -> serde_json::Value {
    let code = done.param("code").unwrap_or_else(|| panic!("a code: {} {}", done.status, done.body));
    let t = exchange(app, client, &code, VERIFIER).await;
    assert_eq!(t.status, 200, "{}", t.body);
    claims(t.body["id_token"].as_str().expect("id_token")).1["amr"].clone()
}

/// "Sign in with a passkey" on the login page up to the page that carries the options.
async fn passkey_page(browser: &mut Browser, client_id: &str) -> Page {
    let login = browser.authorize(&request(client_id, "openid")).await;
    let (csrf, raw) = (login.field("csrf"), login.field("request"));
    let page = browser.post("/oauth/authorize/passkey", &[("csrf", &csrf), ("request", &raw)]).await;
    assert_eq!(page.status, 200, "{}", page.body);
    page
}

async fn verify(browser: &mut Browser, page: &Page, response: &str) -> Page {
    let (csrf, raw) = (page.field("csrf"), page.field("request"));
    browser.post("/oauth/authorize/passkey/verify", &[("csrf", &csrf), ("request", &raw), ("response", response)]).await
}

async fn a_passkey_is_a_second_factor_and_a_sign_in_of_its_own(app: TestApp) {
    people(&app).await;
    let mut anna = Browser::new(&app);
    let csrf = signed_in(&app, &mut anna, ANNA).await.field("csrf");
    let list = anna.get("/account/passkeys").await;
    assert!(list.body.contains("You have no passkeys."), "{}", list.body);
    // The one page that runs a script says so in its policy; the list does not.
    assert!(!list.header("content-security-policy").contains("script-src"));
    let mut key = Authenticator::new(&app.base);
    let step = add_step(&mut anna, &csrf, "Laptop").await;
    let policy = step.header("content-security-policy");
    assert!(policy.contains("script-src 'self'") && policy.contains("default-src 'none'"), "{policy}");
    assert!(step.body.contains("src=\"/oauth/assets/passkey.js\"") && !step.body.contains("<script>"));
    let response = key.create(&options_on(&step.body));
    let done =
        anna.post("/account/passkeys/finish", &[("csrf", &csrf), ("name", "Laptop"), ("response", &response)]).await;
    // The first second factor comes with recovery codes, shown once.
    assert_eq!(done.status, 200, "{}", done.body);
    assert!(done.body.contains("The passkey was added.") && done.body.contains("Recovery codes"), "{}", done.body);
    let list = anna.get("/account/passkeys").await;
    assert!(
        list.body.contains("<strong>Laptop</strong>") && list.body.contains("Built into a device"),
        "{}",
        list.body
    );
    let script = anna.get("/oauth/assets/passkey.js").await;
    assert_eq!((script.status, script.header("content-type")), (200, "text/javascript; charset=utf-8"));

    // The password alone no longer signs Anna in: the cabinet asks for its `otp`.
    let (status, body) = app.post("/api/v1/login", login_body(ANNA, PASSWORD)).await;
    assert_eq!((status, &body["message"]["field"]), (400, &json!("otp")), "{body}");

    // After the password, the login page asks for the passkey.
    let client = code_client(&app, "Softphone", false, true).await;
    let id = client.id.to_string();
    let mut browser = Browser::new(&app);
    let login = browser.authorize(&request(&id, "openid")).await;
    assert!(login.body.contains("Sign in with a passkey"), "{}", login.body);
    assert!(!login.header("content-security-policy").contains("script-src"), "the login page runs no script");
    let step = browser.sign_in(&login, ANNA, PASSWORD).await;
    assert_eq!(step.status, 200, "{}", step.body);
    assert!(step.body.contains("Confirm it is you with your passkey.") && step.body.contains("data-passkey=\"get\""));
    assert!(step.header("content-security-policy").contains("script-src 'self'"));
    let answer = key.get(&options_on(&step.body));
    let fields =
        [("csrf", step.field("csrf")), ("request", step.field("request")), ("challenge", step.field("challenge"))];
    let mut post: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    post.push(("response", &answer));
    let done = browser.post("/oauth/authorize/second", &post).await;
    assert_eq!(amr_of(&app, &client, &done).await, json!(["pwd", "swk", "mfa"]));

    // "Sign in with a passkey": the passkey alone, two factors (the device and its unlocking).
    let mut other = Browser::new(&app);
    let page = passkey_page(&mut other, &id).await;
    assert!(
        page.body.contains("data-passkey-auto") && page.header("content-security-policy").contains("script-src 'self'")
    );
    let answer = key.get(&options_on(&page.body));
    let done = verify(&mut other, &page, &answer).await;
    assert_eq!(amr_of(&app, &client, &done).await, json!(["swk", "mfa"]));
    // The same answer again is refused: its ceremony is spent.
    let mut third = Browser::new(&app);
    let page = passkey_page(&mut third, &id).await;
    let replayed = verify(&mut third, &page, &answer).await;
    assert_eq!(replayed.status, 401, "{}", replayed.body);
    assert!(replayed.body.contains("This passkey was not accepted."), "{}", replayed.body);
    // The page a refusal shows carries a new ceremony, which the passkey answers.
    let done = verify(&mut third, &replayed, &key.get(&options_on(&replayed.body))).await;
    assert_eq!(done.status, 303, "{}", done.body);

    // Its last use is on the list; removing it takes the password, and the recovery codes go
    // with the last second factor: the password alone signs in again.
    let list = anna.get("/account/passkeys").await;
    assert_eq!(list.body.matches(" UTC").count(), 2, "made and last used: {}", list.body);
    let remove_href = list.body.split("href=\"/account/passkeys/remove?id=").nth(1).expect("remove link");
    let pk = remove_href.split('"').next().expect("id").to_owned();
    let question = anna.get(&format!("/account/passkeys/remove?id={pk}")).await;
    assert!(question.body.contains("Remove this passkey?") && question.body.contains("Laptop"), "{}", question.body);
    let wrong =
        anna.post("/account/passkeys/remove", &[("csrf", &csrf), ("id", &pk), ("current_password", "nope")]).await;
    assert_eq!(wrong.status, 401, "{}", wrong.body);
    let gone =
        anna.post("/account/passkeys/remove", &[("csrf", &csrf), ("id", &pk), ("current_password", PASSWORD)]).await;
    assert_eq!((gone.status, gone.header("location")), (303, "/account/passkeys?removed=1"));
    let (status, body) = app.post("/api/v1/login", login_body(ANNA, PASSWORD)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        app.core.mfa_state(app.core.admin_user(ANNA).await.expect("anna").id).await.expect("state").recovery_left,
        0
    );
    // A removed passkey signs no one in.
    let mut fourth = Browser::new(&app);
    let page = passkey_page(&mut fourth, &id).await;
    let refused = verify(&mut fourth, &page, &key.get(&options_on(&page.body))).await;
    assert_eq!(refused.status, 401, "{}", refused.body);
}
both!(a_passkey_is_a_second_factor_and_a_sign_in_of_its_own);

async fn what_a_passkey_answer_must_prove(app: TestApp) {
    people(&app).await;
    let client = code_client(&app, "Softphone", false, true).await;
    let id = client.id.to_string();
    let mut anna = Browser::new(&app);
    let csrf = signed_in(&app, &mut anna, ANNA).await.field("csrf");
    let mut key = Authenticator::new(&app.base);
    assert_eq!(register(&mut anna, &mut key, &csrf, "Laptop").await.status, 200);

    // Another origin's answer (a phishing page that relayed the options) is refused.
    let mut browser = Browser::new(&app);
    let page = passkey_page(&mut browser, &id).await;
    key.origin = "http://kordon.example.evil".into();
    let refused = verify(&mut browser, &page, &key.get(&options_on(&page.body))).await;
    assert_eq!(refused.status, 401, "{}", refused.body);
    key.origin = app.base.clone();
    // A counter that went back (a cloned authenticator) is refused.
    let done = verify(&mut browser, &refused, &key.get(&options_on(&refused.body))).await;
    assert_eq!(done.status, 303, "{}", done.body);
    key.counter -= 2;
    let mut browser = Browser::new(&app);
    let page = passkey_page(&mut browser, &id).await;
    let cloned = verify(&mut browser, &page, &key.get(&options_on(&page.body))).await;
    assert_eq!(cloned.status, 401, "{}", cloned.body);
    // A registration's answer is no sign-in, and a sign-in ceremony registers nothing.
    let step = add_step(&mut anna, &csrf, "Second").await;
    let mut spare = Authenticator::new(&app.base);
    let page = passkey_page(&mut browser, &id).await;
    let misused = verify(&mut browser, &page, &spare.create(&options_on(&step.body))).await;
    assert_eq!(misused.status, 401, "{}", misused.body);
    let sign_in_options = options_on(&passkey_page(&mut browser, &id).await.body);
    let as_registration = key.get(&sign_in_options);
    let registered =
        anna.post("/account/passkeys/finish", &[("csrf", &csrf), ("name", "X"), ("response", &as_registration)]).await;
    assert_eq!(registered.status, 400, "{}", registered.body);

    // Boris can neither see nor remove Anna's passkey, nor use it as his second step.
    let list = anna.get("/account/passkeys").await;
    let pk =
        list.body.split("href=\"/account/passkeys/remove?id=").nth(1).and_then(|s| s.split('"').next()).expect("id");
    let mut boris = Browser::new(&app);
    let boris_csrf = signed_in(&app, &mut boris, BORIS).await.field("csrf");
    assert_eq!(boris.get(&format!("/account/passkeys/remove?id={pk}")).await.status, 404);
    let remove = [("csrf", boris_csrf.as_str()), ("id", pk), ("current_password", PASSWORD)];
    assert_eq!(boris.post("/account/passkeys/remove", &remove).await.status, 404);
    let mut boris_key = Authenticator::new(&app.base);
    assert_eq!(register(&mut boris, &mut boris_key, &boris_csrf, "Phone").await.status, 200);
    let mut browser = Browser::new(&app);
    let login = browser.authorize(&request(&id, "openid")).await;
    let step = browser.sign_in(&login, BORIS, PASSWORD).await;
    let answer = key.get(&options_on(&step.body));
    let fields =
        [("csrf", step.field("csrf")), ("request", step.field("request")), ("challenge", step.field("challenge"))];
    let mut post: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    post.push(("response", &answer));
    let refused = browser.post("/oauth/authorize/second", &post).await;
    assert_eq!(refused.status, 401, "{}", refused.body);
    assert!(refused.body.contains("This passkey was not accepted."), "{}", refused.body);

    // Refused answers of a known passkey are on record, with their method, against its owner.
    let filter = AuditFilter { kind: Some("signin".into()), limit: 100, ..Default::default() };
    app.core.audit_flush().await;
    let lines = app.core.audit_search(&filter).await.expect("audit");
    let refused: Vec<_> =
        lines.iter().filter(|l| l.method.as_deref() == Some("passkey") && l.result == "failure").collect();
    assert!(refused.len() >= 2, "the other origin and the cloned counter: {lines:?}");

    // An operator's reset of a person who lost their devices removes the passkeys too: the
    // password alone signs in again, and the passkey signs no one in.
    assert!(app.core.admin_mfa_reset(BORIS, "cli").await.expect("reset"));
    let (status, body) = app.post("/api/v1/login", login_body(BORIS, PASSWORD)).await;
    assert_eq!(status, 200, "{body}");
    let mut browser = Browser::new(&app);
    let page = passkey_page(&mut browser, &id).await;
    let gone = verify(&mut browser, &page, &boris_key.get(&options_on(&page.body))).await;
    assert_eq!(gone.status, 401, "{}", gone.body);
}
both!(what_a_passkey_answer_must_prove);

async fn a_ceremony_begun_on_one_instance_ends_on_another(app: TestApp) {
    people(&app).await;
    let issuer = app.core.issuer().to_owned();
    let sibling = app.sibling_with(move |c| c.oauth.issuer = issuer).await;
    let mut anna = Browser::new(&app);
    let csrf = signed_in(&app, &mut anna, ANNA).await.field("csrf");
    let mut key = Authenticator::new(&app.base);
    let step = add_step(&mut anna, &csrf, "Laptop").await;
    let response = key.create(&options_on(&step.body));
    anna.base = sibling.base.clone();
    let done =
        anna.post("/account/passkeys/finish", &[("csrf", &csrf), ("name", "Laptop"), ("response", &response)]).await;
    assert_eq!(done.status, 200, "{}", done.body);
    // And once only: the same answer again, on the first instance, is refused.
    anna.base = app.base.clone();
    let again =
        anna.post("/account/passkeys/finish", &[("csrf", &csrf), ("name", "Laptop"), ("response", &response)]).await;
    assert_eq!(again.status, 400, "{}", again.body);
    assert!(again.body.contains("This passkey set-up has expired or was refused"), "{}", again.body);
    assert_eq!(app.core.passkeys(app.core.admin_user(ANNA).await.expect("anna").id).await.expect("passkeys").len(), 1);
}
both!(a_ceremony_begun_on_one_instance_ends_on_another);

async fn a_passkey_is_registered_once_and_ten_at_most(app: TestApp) {
    people(&app).await;
    let mut anna = Browser::new(&app);
    let csrf = signed_in(&app, &mut anna, ANNA).await.field("csrf");
    let mut key = Authenticator::new(&app.base);
    assert_eq!(register(&mut anna, &mut key, &csrf, "Laptop").await.status, 200);
    // The options name the passkey held already (excludeCredentials); an authenticator that
    // makes it again anyway is refused, and nothing is stored twice.
    let step = add_step(&mut anna, &csrf, "Laptop again").await;
    let options: serde_json::Value = serde_json::from_str(&options_on(&step.body)).expect("options");
    assert_eq!(options["excludeCredentials"].as_array().map(Vec::len), Some(1), "{options}");
    let again = key.create(&options_on(&step.body));
    let known =
        anna.post("/account/passkeys/finish", &[("csrf", &csrf), ("name", "Laptop again"), ("response", &again)]).await;
    assert_eq!(known.status, 400, "{}", known.body);
    assert!(known.body.contains("This device already holds a passkey of yours."), "{}", known.body);
    for n in 2..=10 {
        let mut other = Authenticator::new(&app.base);
        let done = register(&mut anna, &mut other, &csrf, &format!("Key {n}")).await;
        assert_eq!((done.status, done.header("location")), (303, "/account/passkeys?added=1"), "{}", done.body);
    }
    let full =
        anna.post("/account/passkeys", &[("csrf", &csrf), ("name", "Eleventh"), ("current_password", PASSWORD)]).await;
    assert_eq!(full.status, 400, "{}", full.body);
    assert!(full.body.contains("You have as many passkeys as allowed: remove one first."), "{}", full.body);
    let user = app.core.admin_user(ANNA).await.expect("anna");
    assert_eq!(app.core.passkeys(user.id).await.expect("passkeys").len(), 10);
}
both!(a_passkey_is_registered_once_and_ten_at_most);
