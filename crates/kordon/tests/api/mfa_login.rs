//! A person with an authenticator app, through the real router, on both stores: the login
//! page's second step (the ID token's `amr` then says so), every dialect's answer to their
//! password alone, and the account page's Security (set up with the key from the page and a
//! code from `oathtool`, recovery codes shown once, removed with the password).

use crate::account::{ANNA, people, signed_in};
use crate::helpers::oauth::{claims, form};
use crate::helpers::oidc::{Browser, Page, VERIFIER, code_client, exchange, request};
use crate::helpers::{PASSWORD, TestApp, login_body, oathtool, pbx_auth_body};
use kordon_core::Clock as _;
use kordon_core::Origin;
use serde_json::json;

/// Switches an authenticator on for `email` through the core: its key and recovery codes.
pub(crate) async fn with_authenticator(app: &TestApp, email: &str) -> (String, Vec<String>) {
    let user = app.core.admin_user(email).await.expect("user");
    let enrolment = app.core.totp_begin(&user).await.expect("begin");
    let origin = Origin { ip: Some("127.0.0.1".into()), user_agent: None, locale: None };
    let code = oathtool(&enrolment.secret, app.clock.now());
    let codes = app.core.totp_confirm(&user, &code, PASSWORD, &origin).await.expect("on").expect("codes");
    (enrolment.secret, codes)
}

/// The second step's form posted with `code`.
async fn second(browser: &mut Browser, step: &Page, code: &str) -> Page {
    let fields =
        [("csrf", step.field("csrf")), ("request", step.field("request")), ("challenge", step.field("challenge"))];
    let mut form: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    form.push(("code", code));
    browser.post("/oauth/authorize/second", &form).await
}

async fn the_login_page_asks_for_the_second_factor(app: TestApp) {
    people(&app).await;
    let (key, codes) = with_authenticator(&app, ANNA).await;
    let client = code_client(&app, "Billing", false, true).await;
    let id = client.id.to_string();
    let mut browser = Browser::new(&app);
    let login = browser.authorize(&request(&id, "openid email")).await;
    let step = browser.sign_in(&login, ANNA, PASSWORD).await;
    assert_eq!(step.status, 200, "the second step, not a code: {} {:?}", step.body, step.headers);
    assert!(step.body.contains("Two-step verification") && step.body.contains("recovery codes"), "{}", step.body);
    assert!(!browser.cookies.contains_key("kordon_session"), "no sign-in yet");
    assert!(!step.field("challenge").is_empty());

    // A wrong code: the page again; the challenge in another browser: the login page.
    let wrong = second(&mut browser, &step, "000000").await;
    assert_eq!(wrong.status, 401, "{}", wrong.body);
    assert!(wrong.body.contains("The code is not right."), "{}", wrong.body);
    let mut other = Browser::new(&app);
    let theirs = other.authorize(&request(&id, "openid email")).await;
    let code = oathtool(&key, app.clock.now() + 30);
    let form = [
        ("csrf", theirs.field("csrf")),
        ("request", step.field("request")),
        ("challenge", step.field("challenge")),
        ("code", code.clone()),
    ];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let stolen = other.post("/oauth/authorize/second", &form).await;
    assert_eq!(stolen.status, 401, "{}", stolen.body);
    assert!(stolen.body.contains("name=\"password\""), "back to the login page: {}", stolen.body);
    // In the same browser, for another authorization request: refused too.
    let elsewhere = browser.authorize(&request(&id, "openid")).await;
    let form = [
        ("csrf", step.field("csrf")),
        ("request", elsewhere.field("request")),
        ("challenge", step.field("challenge")),
        ("code", code.clone()),
    ];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let moved = browser.post("/oauth/authorize/second", &form).await;
    assert_eq!(moved.status, 401, "{}", moved.body);
    assert!(moved.body.contains("name=\"password\""), "{}", moved.body);
    // A challenge edited to name another person, or a later expiry: refused.
    let challenge = step.field("challenge");
    let parts: Vec<&str> = challenge.splitn(4, '.').collect();
    for forged in [
        format!("{}.{}.{}.{}", parts[0].parse::<i64>().expect("user") + 1, parts[1], parts[2], parts[3]),
        format!("{}.{}.{}.{}", parts[0], parts[1], parts[2].parse::<i64>().expect("expiry") + 60, parts[3]),
    ] {
        let fields = [
            ("csrf", step.field("csrf")),
            ("request", step.field("request")),
            ("challenge", forged.clone()),
            ("code", code.clone()),
        ];
        let form: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(browser.post("/oauth/authorize/second", &form).await.status, 401, "{forged}");
    }

    // The right code: signed in; the ID token says how.
    let done = second(&mut browser, &step, &code).await;
    let code_param = done.param("code").unwrap_or_else(|| panic!("a code: {} {}", done.status, done.body));
    assert!(browser.cookies.contains_key("kordon_session"));
    let t = exchange(&app, &client, &code_param, VERIFIER).await;
    assert_eq!(t.status, 200, "{}", t.body);
    let (_, id_token) = claims(t.body["id_token"].as_str().expect("id_token"));
    assert_eq!(id_token["amr"], json!(["pwd", "otp", "mfa"]), "{id_token}");
    assert_eq!(id_token["acr"], "urn:kordon:acr:mfa", "{id_token}");

    // The challenge expires; a recovery code works as the second step, once.
    let mut late = Browser::new(&app);
    let login = late.authorize(&request(&id, "openid email")).await;
    let step = late.sign_in(&login, ANNA, PASSWORD).await;
    app.clock.advance(301);
    let expired = second(&mut late, &step, &codes[0]).await;
    assert_eq!(expired.status, 401);
    assert!(expired.body.contains("name=\"password\""), "{}", expired.body);
    let login = late.authorize(&request(&id, "openid email")).await;
    let step = late.sign_in(&login, ANNA, PASSWORD).await;
    assert!(second(&mut late, &step, &codes[0]).await.param("code").is_some(), "a recovery code");
    let mut again = Browser::new(&app);
    let login = again.authorize(&request(&id, "openid email")).await;
    let step = again.sign_in(&login, ANNA, PASSWORD).await;
    assert_eq!(second(&mut again, &step, &codes[0]).await.status, 401, "a recovery code works once");
}
both!(the_login_page_asks_for_the_second_factor);

/// FlashCall as the first factor, then the app's code: the ID token says both.
async fn a_flashcall_sign_in_takes_the_second_step_too(app: TestApp) {
    let phone = "79990007722";
    app.register("call@factor.example", phone).await;
    let (key, _) = with_authenticator(&app, "call@factor.example").await;
    let client = code_client(&app, "Softphone", false, true).await;
    let id = client.id.to_string();
    let mut browser = Browser::new(&app);
    let login = browser.authorize(&request(&id, "openid")).await;
    let (csrf, raw) = (login.field("csrf"), login.field("request"));
    app.clock.advance(61); // the phone's call cool-down, after the registration's call
    let call =
        browser.post("/oauth/authorize/flashcall", &[("csrf", &csrf), ("request", &raw), ("phone", phone)]).await;
    assert_eq!(call.status, 200, "the PIN step: {}", call.body);
    let (token, number) = (call.field("token"), call.field("phone"));
    let pin = app.pin_of(&token);
    let fields = [("csrf", &csrf), ("request", &raw), ("phone", &number), ("token", &token), ("pin", &pin)];
    let step = browser.post("/oauth/authorize/pin", &fields.map(|(k, v)| (k, v.as_str()))).await;
    assert_eq!(step.status, 200, "the second step after the PIN: {}", step.body);
    assert!(step.body.contains("Two-step verification"), "{}", step.body);
    let done = second(&mut browser, &step, &oathtool(&key, app.clock.now())).await;
    let code = done.param("code").unwrap_or_else(|| panic!("a code: {} {}", done.status, done.body));
    let t = exchange(&app, &client, &code, VERIFIER).await;
    assert_eq!(t.status, 200, "{}", t.body);
    let (_, id_token) = claims(t.body["id_token"].as_str().expect("id_token"));
    assert_eq!(id_token["amr"], json!(["tel", "otp", "mfa"]), "{id_token}");
    assert_eq!(id_token["acr"], "urn:kordon:acr:mfa", "{id_token}");
}
both!(a_flashcall_sign_in_takes_the_second_step_too);

async fn every_dialect_refuses_the_password_alone(app: TestApp) {
    people(&app).await;
    let (key, codes) = with_authenticator(&app, ANNA).await;

    // The cabinet: the seed's field-error shape, field `otp`; with it, signed in.
    let (status, body) = app.post("/api/v1/login", login_body(ANNA, PASSWORD)).await;
    let required = "A second factor is required: send the code of your authenticator app, or a recovery code, as \
                    otp (after a PIN, your password does too).";
    assert_eq!((status, body), (400, json!({"message": {"message": required, "field": "otp"}, "code": 400})));
    let (status, body) = app.post("/api/v1/login", json!({"email": ANNA, "password": PASSWORD, "otp": "123456"})).await;
    assert_eq!(
        (status, body),
        (400, json!({"message": {"message": "The otp is invalid.", "field": "otp"}, "code": 400}))
    );
    let (status, body) = app.post("/api/v1/login", json!({"email": ANNA, "password": "wrong", "otp": "123456"})).await;
    assert_eq!((status, &body["message"]), (400, &json!("Password not right.")), "the password first: {body}");
    app.clock.advance(30);
    let code = oathtool(&key, app.clock.now());
    let (status, body) = app.post("/api/v1/login", json!({"email": ANNA, "password": PASSWORD, "otp": code})).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = app.post("/api/v1/login", json!({"email": ANNA, "password": PASSWORD, "otp": code})).await;
    assert_eq!((status, &body["message"]["message"]), (400, &json!("The otp is invalid.")), "the same code again");
    let (status, body) = app.post("/api/v1/login", json!({"email": ANNA, "password": PASSWORD, "otp": codes[1]})).await;
    assert_eq!(status, 200, "a recovery code: {body}");

    // One new code at two instances at once (they share the store): exactly one signs in.
    let sibling = app.sibling().await;
    app.clock.advance(30);
    let code = oathtool(&key, app.clock.now());
    let body = json!({"email": ANNA, "password": PASSWORD, "otp": code});
    let (a, b) = tokio::join!(
        app.cabinet_at(&app.base, "/api/v1/login", body.clone(), &[]),
        app.cabinet_at(&sibling.base, "/api/v1/login", body.clone(), &[])
    );
    let mut statuses = [a.0, b.0];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 400], "{a:?} {b:?}");

    // The cabinet's PIN login wants the code too.
    let phone = "79990007711";
    let pinned = app.register("pin@factor.example", phone).await;
    assert_eq!(pinned["success"], true);
    let (pin_key, _) = with_authenticator(&app, "pin@factor.example").await;
    app.clock.advance(61); // the phone's call cool-down, after the registration's call
    let (token, pin) = app.flashcall(phone).await;
    let by_pin = json!({"phone": phone, "pin": pin, "token": token});
    let (status, body) = app.post("/api/v1/login", by_pin).await;
    assert_eq!((status, &body["message"]["field"]), (400, &json!("otp")), "{body}");
    // The PIN was not spent: the same one again, with the code, signs in (no second call).
    let code = oathtool(&pin_key, app.clock.now());
    let (status, body) =
        app.post("/api/v1/login", json!({"phone": phone, "pin": pin, "token": token, "otp": code})).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) =
        app.post("/api/v1/login", json!({"phone": phone, "pin": pin, "token": token, "otp": code})).await;
    assert_eq!((status, &body["message"]["field"]), (400, &json!("pin")), "now it is spent: {body}");
    // After a PIN, the password is the second factor too; a wrong one is only that.
    app.clock.advance(61);
    let (token, pin) = app.flashcall(phone).await;
    let wrong = json!({"phone": phone, "pin": pin, "token": token, "password": "wrong"});
    let (status, body) = app.post("/api/v1/login", wrong).await;
    assert_eq!((status, &body["message"]), (400, &json!("Password not right.")), "{body}");
    let right = json!({"phone": phone, "pin": pin, "token": token, "password": PASSWORD});
    let (status, body) = app.post("/api/v1/login", right).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["user"]["email"], json!("pin@factor.example"), "{body}");

    // The PBX action API cannot take a second factor: 403 naming the way out.
    let (status, body, _) = app.pbx(pbx_auth_body(ANNA, PASSWORD), None).await;
    assert_eq!(status, 403, "{body}");
    let said = body.to_string();
    let way_out = format!(
        "This user signs in with a second factor, which this API cannot take: use an app password from \
         {}/account/app-passwords as the password.",
        app.core.issuer()
    );
    assert!(said.contains(&way_out), "{said}");
    let (status, _, _) = app.pbx(pbx_auth_body(ANNA, "wrong"), None).await;
    assert_eq!(status, 401, "a wrong password is still only that");

    // Nor can the OAuth password grant.
    let grants = vec!["password".to_string()];
    let c = app.core.admin_create_client("app", None, grants, None).await.expect("client");
    let id = c.client_id.to_string();
    let secret = c.client_secret.expect("secret");
    let pairs = [("grant_type", "password"), ("username", ANNA), ("password", PASSWORD)];
    let r = form(&app, "/oauth/token", &pairs, Some((&id, &secret))).await;
    assert_eq!((r.status, &r.body["error"]), (400, &json!("invalid_grant")), "{}", r.body);
    let said = r.body["error_description"].as_str().unwrap_or_default();
    assert!(said.contains("/account/app-passwords as the password, or the authorization code flow"), "{}", r.body);
}
both!(every_dialect_refuses_the_password_alone);

async fn security_sets_up_and_removes_an_authenticator(app: TestApp) {
    people(&app).await;
    let mut browser = Browser::new(&app);
    let csrf = signed_in(&app, &mut browser, ANNA).await.field("csrf");
    let page = browser.get("/account/security").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("Authenticator app") && page.body.contains("Off"), "{}", page.body);

    let enrol = browser.post("/account/security/totp", &[("csrf", &csrf)]).await;
    assert_eq!(enrol.status, 200, "{}", enrol.body);
    assert!(enrol.body.contains("<svg ") && enrol.body.contains("<path d=\"M"), "the QR code: {}", enrol.body);
    let start = enrol.body.find("<p class=\"key mono\">").expect("the key") + "<p class=\"key mono\">".len();
    let key = enrol.body[start..start + enrol.body[start..].find('<').expect("end")].to_owned();
    assert_eq!(key.split(' ').count(), 8, "in groups of four: {key}");
    let code = oathtool(&key, app.clock.now());

    let post = |fields: Vec<(&'static str, String)>| {
        let mut form = fields;
        form.push(("csrf", csrf.clone()));
        form
    };
    let refused = browser
        .post(
            "/account/security/totp/confirm",
            &as_pairs(&post(vec![("code", code.clone()), ("current_password", "nope".into())])),
        )
        .await;
    assert_eq!(refused.status, 401, "{}", refused.body);
    assert!(refused.body.contains("The current password is not right.") && refused.body.contains("<svg "));
    let refused = browser
        .post(
            "/account/security/totp/confirm",
            &as_pairs(&post(vec![("code", "000000".into()), ("current_password", PASSWORD.into())])),
        )
        .await;
    assert_eq!(refused.status, 401);
    assert!(refused.body.contains("The code is not right"), "{}", refused.body);
    let on = browser
        .post(
            "/account/security/totp/confirm",
            &as_pairs(&post(vec![("code", code), ("current_password", PASSWORD.into())])),
        )
        .await;
    assert_eq!(on.status, 200, "{}", on.body);
    assert!(on.body.contains("The authenticator app is on.") && on.body.contains("Your recovery codes"));
    assert_eq!(on.body.matches("<li>").count(), 10, "ten codes: {}", on.body);
    let page = browser.get("/account/security").await;
    assert!(
        page.body.contains(">On<") && page.body.contains("Unused recovery codes: <strong>10</strong>"),
        "{}",
        page.body
    );
    let (status, _) = app.post("/api/v1/login", login_body(ANNA, PASSWORD)).await;
    assert_eq!(status, 400, "the cabinet now wants otp");

    // New recovery codes need the password; removing needs it too.
    let fresh = browser.post("/account/security/recovery", &[("csrf", &csrf), ("current_password", PASSWORD)]).await;
    assert_eq!(fresh.status, 200);
    assert_eq!(fresh.body.matches("<li>").count(), 10);
    let question = browser.get("/account/security/totp/remove").await;
    assert!(question.body.contains("Remove the authenticator app?"), "{}", question.body);
    let refused = browser.post("/account/security/totp/remove", &[("csrf", &csrf), ("current_password", "nope")]).await;
    assert_eq!(refused.status, 401);
    let removed =
        browser.post("/account/security/totp/remove", &[("csrf", &csrf), ("current_password", PASSWORD)]).await;
    assert_eq!((removed.status, removed.header("location")), (303, "/account/security?removed=1"));
    let (status, _) = app.post("/api/v1/login", login_body(ANNA, PASSWORD)).await;
    assert_eq!(status, 200, "the password alone again");
    for path in ["/account/security/totp", "/account/security/totp/confirm", "/account/security/recovery"] {
        assert_eq!(browser.post(path, &[("code", "1")]).await.status, 403, "{path} without its CSRF token");
    }
}
both!(security_sets_up_and_removes_an_authenticator);

fn as_pairs<'a>(fields: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    fields.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

/// The ID token of the code a page carries: its claims.
async fn id_token_of(app: &TestApp, client: &crate::helpers::oidc::CodeClient, done: &Page) -> serde_json::Value {
    let code = done.param("code").unwrap_or_else(|| panic!("a code: {} {}", done.status, done.body));
    let t = exchange(app, client, &code, VERIFIER).await;
    assert_eq!(t.status, 200, "{}", t.body);
    claims(t.body["id_token"].as_str().expect("id_token")).1
}

/// `acr_values=urn:kordon:acr:mfa`: a one-factor sign-in of a person who has a second factor does
/// not answer it (the login page, or `interaction_required` without one); a person without a
/// second factor gets `urn:kordon:acr:1fa` (the parameter is voluntary).
async fn acr_values_asks_for_two_factors(app: TestApp) {
    people(&app).await;
    let client = code_client(&app, "Billing", false, true).await;
    let id = client.id.to_string();
    let mut browser = Browser::new(&app);
    let login = browser.authorize(&request(&id, "openid")).await;
    let done = browser.sign_in(&login, ANNA, PASSWORD).await;
    let first = id_token_of(&app, &client, &done).await;
    assert_eq!((&first["amr"], &first["acr"]), (&json!(["pwd"]), &json!("urn:kordon:acr:1fa")), "{first}");
    // Anna switches an app on; her browser's sign-in is still one factor.
    let (key, _) = with_authenticator(&app, ANNA).await;
    let mut mfa = request(&id, "openid");
    mfa.push(("acr_values", "urn:kordon:acr:mfa"));
    let mut silent = mfa.clone();
    silent.push(("prompt", "none"));
    let refused = browser.authorize(&silent).await;
    assert_eq!(
        refused.param("error").as_deref(),
        Some("interaction_required"),
        "{} {:?}",
        refused.status,
        refused.headers
    );
    let sso = browser.authorize(&request(&id, "openid")).await;
    assert!(sso.param("code").is_some(), "without acr_values the sign-in answers: {}", sso.status);
    let again = browser.authorize(&mfa).await;
    assert_eq!(again.status, 200, "the login page: {:?}", again.headers);
    assert!(again.body.contains("name=\"password\""), "{}", again.body);
    let step = browser.sign_in(&again, ANNA, PASSWORD).await;
    app.clock.advance(30);
    let done = second(&mut browser, &step, &oathtool(&key, app.clock.now())).await;
    let stepped = id_token_of(&app, &client, &done).await;
    assert_eq!(stepped["acr"], "urn:kordon:acr:mfa", "{stepped}");
    // The two-factor sign-in answers the next such request at once.
    let sso = browser.authorize(&mfa).await;
    assert!(sso.param("code").is_some(), "{} {}", sso.status, sso.body);
    // Boris has no second factor: signed in with the password, told so by acr.
    let mut boris = Browser::new(&app);
    let login = boris.authorize(&mfa).await;
    let done = boris.sign_in(&login, crate::account::BORIS, PASSWORD).await;
    assert_eq!(id_token_of(&app, &client, &done).await["acr"], "urn:kordon:acr:1fa");
    let url = format!("{}/.well-known/openid-configuration", app.base);
    let discovery: serde_json::Value =
        app.http.get(url).send().await.expect("get").json().await.expect("the discovery document");
    assert_eq!(discovery["acr_values_supported"], json!(["urn:kordon:acr:1fa", "urn:kordon:acr:mfa"]));
}
both!(acr_values_asks_for_two_factors);

/// Two wrong second-factor codes a day cap the person here.
fn two_codes_a_day(config: &mut kordon::config::Config) {
    config.defender.mfa_max_failures = 2;
}

/// The account page's answer to a capped second factor says how long to wait, as the login
/// page's does.
async fn a_capped_second_factor_says_when_to_retry(app: TestApp) {
    people(&app).await;
    let mut browser = Browser::new(&app);
    let csrf = signed_in(&app, &mut browser, ANNA).await.field("csrf");
    assert_eq!(browser.post("/account/security/totp", &[("csrf", &csrf)]).await.status, 200);
    let wrong = [("csrf", csrf.as_str()), ("code", "000000"), ("current_password", PASSWORD)];
    for _ in 0..2 {
        assert_eq!(browser.post("/account/security/totp/confirm", &wrong).await.status, 401);
    }
    let capped = browser.post("/account/security/totp/confirm", &wrong).await;
    assert_eq!(capped.status, 429, "{}", capped.body);
    let retry_after: u64 = capped.header("retry-after").parse().expect("Retry-After in seconds");
    assert!(retry_after > 0, "{retry_after}");
    assert!(
        capped.body.contains("Too many failed attempts.") && capped.body.contains("Try again in "),
        "{}",
        capped.body
    );
}
both!(a_capped_second_factor_says_when_to_retry, super::two_codes_a_day);

/// A client whose sign-ins must carry a second factor: a person with one signs in with both (a
/// one-factor sign-in made for another client does not answer it); a person without one is sent
/// to set one up; other clients are not affected.
async fn a_client_can_require_two_factors(app: TestApp) {
    people(&app).await;
    let strict = code_client(&app, "Billing", false, true).await;
    let patch = kordon_core::oidc_types::ClientPatch { require_mfa: Some(true), ..Default::default() };
    let updated = app.core.admin_update_client(strict.id, patch).await.expect("updated");
    assert!(updated.require_mfa);
    let easy = code_client(&app, "Wiki", false, true).await;
    let (strict_id, easy_id) = (strict.id.to_string(), easy.id.to_string());

    // Anna signs in to the wiki with her password, then switches an app on.
    let mut browser = Browser::new(&app);
    let login = browser.authorize(&request(&easy_id, "openid")).await;
    let done = browser.sign_in(&login, ANNA, PASSWORD).await;
    assert_eq!(id_token_of(&app, &easy, &done).await["acr"], "urn:kordon:acr:1fa");
    let (key, _) = with_authenticator(&app, ANNA).await;
    // The wiki still answers at once; Billing wants both factors, and says so to prompt=none.
    assert!(browser.authorize(&request(&easy_id, "openid")).await.param("code").is_some());
    let mut silent = request(&strict_id, "openid");
    silent.push(("prompt", "none"));
    let refused = browser.authorize(&silent).await;
    assert_eq!(refused.param("error").as_deref(), Some("interaction_required"));
    let login = browser.authorize(&request(&strict_id, "openid")).await;
    assert_eq!(login.status, 200, "the login page: {:?}", login.headers);
    let step = browser.sign_in(&login, ANNA, PASSWORD).await;
    app.clock.advance(30);
    let done = second(&mut browser, &step, &oathtool(&key, app.clock.now())).await;
    let token = id_token_of(&app, &strict, &done).await;
    assert_eq!((&token["amr"], &token["acr"]), (&json!(["pwd", "otp", "mfa"]), &json!("urn:kordon:acr:mfa")));

    // Boris has no second factor: the password is right, and he is told to set one up.
    let mut boris = Browser::new(&app);
    let login = boris.authorize(&request(&strict_id, "openid")).await;
    let refused = boris.sign_in(&login, crate::account::BORIS, PASSWORD).await;
    let refused = match refused.status {
        303 => boris.get(refused.header("location").trim_start_matches(&app.base)).await,
        _ => refused,
    };
    assert_eq!(refused.status, 403, "{}", refused.body);
    assert!(refused.body.contains("This application lets people in only with a second factor"), "{}", refused.body);
    assert!(refused.body.contains("href=\"/account/security\""), "the way to switch one on: {}", refused.body);
    assert!(refused.param("code").is_none());
    // The account page, where one is set up, is never under the rule.
    let account = kordon_core::services::ACCOUNT.id;
    let patch = kordon_core::oidc_types::ClientPatch { require_mfa: Some(true), ..Default::default() };
    let err = app.core.admin_update_client(account, patch).await.expect_err("the account page's client");
    assert!(matches!(err, kordon_core::Error::Refused(_)), "{err:?}");
}
both!(a_client_can_require_two_factors);
