//! A person's email and phone changed on their account page, on both stores, with mail through a
//! real SMTP server (aiosmtpd) and calls through the FlashCall outbox: a new address is the
//! account's once its mailed link is followed (a page with a button; the link works once, dies in
//! a day, and a newer one replaces it), someone else's address is refused only then, the address
//! that was hears of it (and its reset links die), and the ID token and UserInfo say
//! `email_verified` from then on; the address a person has is proved the same way (a password
//! reset by mail does not prove it); a new phone is
//! theirs with its call's PIN (a PIN of its own purpose), someone else's number is refused only
//! after the PIN, and the address hears of it. The same in headless Chromium:
//! `account_browser.rs` (part `contacts`).

use crate::account::{ANNA, BORIS, people, signed_in};
use crate::helpers::mail::{link_token, mailing};
use crate::helpers::oauth::claims;
use crate::helpers::oidc::{Browser, Page, VERIFIER, code_client, exchange, request};
use crate::helpers::{PASSWORD, TestApp, login_body};
use kordon_core::Origin;
use kordon_core::audit::{AuditFilter, AuditRecord, kind};
use kordon_testkit::SmtpSink;
use serde_json::{Value, json};

const NEW_ADDRESS: &str = "anna.new@example.com";

fn confirm_prefix(app: &TestApp) -> String {
    format!("{}/account/email/confirm?token=", app.base)
}

/// The mails the sink holds for `to`, oldest first by the order they were counted.
fn mails_to(sink: &SmtpSink, to: &str) -> Vec<Value> {
    sink.received().into_iter().filter(|m| m["rcpt_tos"] == json!([to])).collect()
}

/// The one mail to `to` whose subject is `subject`.
fn mail(sink: &SmtpSink, to: &str, subject: &str) -> Value {
    let found: Vec<Value> = mails_to(sink, to).into_iter().filter(|m| m["subject"] == subject).collect();
    assert_eq!(found.len(), 1, "one mail {subject:?} to {to}: {:?}", sink.received());
    found.into_iter().next().expect("mail")
}

/// The audit lines of one type, each with its detail parsed.
async fn audit(app: &TestApp, of: &str) -> Vec<(AuditRecord, Value)> {
    app.core.audit_flush().await;
    let filter = AuditFilter { kind: Some(of.into()), limit: 50, ..Default::default() };
    let lines = app.core.audit_search(&filter).await.expect("audit");
    let parsed =
        |l: &AuditRecord| l.detail.as_deref().map(|d| serde_json::from_str(d).expect("detail")).unwrap_or_default();
    lines
        .into_iter()
        .map(|l| {
            let d = parsed(&l);
            (l, d)
        })
        .collect()
}

async fn post_email(browser: &mut Browser, csrf: &str, email: &str, password: &str) -> Page {
    browser.post("/account/email", &[("csrf", csrf), ("email", email), ("current_password", password)]).await
}

/// Opens a mailed link in a browser that is signed in nowhere, then presses its button.
async fn follow(app: &TestApp, token: &str) -> (Page, Page) {
    let mut stranger = Browser::new(app);
    let page = stranger.get(&format!("/account/email/confirm?token={token}")).await;
    let pressed = stranger.post("/account/email/confirm", &[("token", token)]).await;
    (page, pressed)
}

/// The ID token's and UserInfo's `email` and `email_verified` for a code-flow sign-in.
async fn email_claims(app: &TestApp, email: &str) -> (Value, Value) {
    let client = code_client(app, "Mail client", false, true).await;
    let id = client.id.to_string();
    let mut browser = Browser::new(app);
    let login = browser.authorize(&request(&id, "openid email")).await;
    let done = browser.sign_in(&login, email, PASSWORD).await;
    let code = done.param("code").unwrap_or_else(|| panic!("a code: {} {}", done.status, done.body));
    let t = exchange(app, &client, &code, VERIFIER).await;
    assert_eq!(t.status, 200, "{}", t.body);
    let id_token = claims(t.body["id_token"].as_str().expect("id_token")).1;
    let access = t.body["access_token"].as_str().expect("access");
    let info = app.http.get(format!("{}/oauth/userinfo", app.base)).bearer_auth(access).send().await.expect("ui");
    let info: Value = info.json().await.expect("userinfo json");
    let pick = |v: &Value| json!([v["email"], v["email_verified"]]);
    (pick(&id_token), pick(&info))
}

async fn an_address_moves_by_a_mailed_link(app: TestApp) {
    let sink = SmtpSink::start();
    let app = mailing(app, sink.port, |_| {}).await;
    people(&app).await;
    let (id_token, info) = email_claims(&app, ANNA).await;
    assert_eq!((id_token, info), (json!([ANNA, false]), json!([ANNA, false])), "not proved yet");

    let mut anna = Browser::new(&app);
    signed_in(&app, &mut anna, ANNA).await;
    let profile = anna.get("/account/profile").await;
    assert!(profile.body.contains("href=\"/account/email\"") && profile.body.contains("not confirmed"));
    let page = anna.get("/account/email").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("Send me a link"), "an unproved address can be proved: {}", page.body);
    let csrf = page.field("csrf");

    // What is refused before anything is mailed.
    let forged = anna.post("/account/email", &[("email", NEW_ADDRESS), ("current_password", PASSWORD)]).await;
    assert_eq!(forged.status, 403, "no CSRF token");
    let wrong = post_email(&mut anna, &csrf, NEW_ADDRESS, "not-the-password").await;
    assert_eq!(wrong.status, 401, "{}", wrong.body);
    assert!(wrong.body.contains("The current password is not right.") && wrong.body.contains(NEW_ADDRESS));
    for (typed, status, why) in
        [("not-an-address", 400, "Type an email address"), ("Anna@Example.com", 400, "This is the address you have.")]
    {
        let refused = post_email(&mut anna, &csrf, typed, PASSWORD).await;
        assert_eq!(refused.status, status, "{typed}: {}", refused.body);
        assert!(refused.body.contains(why), "{typed}: {}", refused.body);
    }
    assert!(sink.received().is_empty(), "nothing mailed: {:?}", sink.received());

    // Someone else's address is answered as any other, and refused only at its link.
    let sent = post_email(&mut anna, &csrf, BORIS, PASSWORD).await;
    assert_eq!((sent.status, sent.header("location")), (303, "/account/email?sent=1"), "{}", sent.body);
    let token = link_token(&mail(&sink, BORIS, "Confirm your new email address"), &confirm_prefix(&app));
    let (page, pressed) = follow(&app, &token).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(pressed.status, 409, "{}", pressed.body);
    assert!(pressed.body.contains("Another account uses this address now"), "{}", pressed.body);
    assert_eq!(app.scalar(&format!("SELECT COUNT(*) FROM users WHERE email = '{ANNA}'")).await, 1);

    // A reset link mailed to the address that is about to go.
    let origin = Origin { ip: Some("127.0.0.9".into()), user_agent: None, locale: Some("en".into()) };
    app.core.forgot_password(None, Some(ANNA), &origin).await.expect("forgot");
    app.core.reset_mail_settled().await;
    let reset = link_token(&mail(&sink, ANNA, "Password reset"), &format!("{}/oauth/password/reset?token=", app.base));
    assert!(app.core.reset_link_live(&reset).await.expect("live"));

    // A free address: the link's page shows it and spends nothing; its button moves the account.
    let sent = post_email(&mut anna, &csrf, NEW_ADDRESS, PASSWORD).await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    let notice = anna.get("/account/email?sent=1").await;
    assert!(notice.body.contains("We sent a link."), "{}", notice.body);
    let token = link_token(&mail(&sink, NEW_ADDRESS, "Confirm your new email address"), &confirm_prefix(&app));
    let mut stranger = Browser::new(&app);
    for _ in 0..2 {
        let page = stranger.get(&format!("/account/email/confirm?token={token}")).await;
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(page.body.contains(NEW_ADDRESS) && page.body.contains("Confirm"), "{}", page.body);
        assert!(page.body.contains("<title>Confirm your address · kordon account</title>"), "{}", page.body);
        assert!(page.header("content-security-policy").contains("default-src 'none'"));
    }
    let pressed = stranger.post("/account/email/confirm", &[("token", &token)]).await;
    assert_eq!(pressed.status, 200, "{}", pressed.body);
    assert!(pressed.body.contains("Address changed"), "{}", pressed.body);
    // Once only.
    let again = stranger.post("/account/email/confirm", &[("token", &token)]).await;
    assert_eq!(again.status, 410, "{}", again.body);
    assert!(again.body.contains("This link no longer works"), "{}", again.body);
    let gone = stranger.get(&format!("/account/email/confirm?token={token}")).await;
    assert_eq!(gone.status, 410, "{}", gone.body);

    // The reset link to the address that was died with the change.
    assert!(!app.core.reset_link_live(&reset).await.expect("dead"), "a reset link to the old address");

    // The address that was hears of it; the account page and every dialect know the new one.
    let told = mail(&sink, ANNA, "Your email address was changed");
    assert!(told["body"].as_str().expect("body").contains(NEW_ADDRESS), "{told}");
    let page = anna.get("/account/email").await;
    assert!(page.body.contains(NEW_ADDRESS) && !page.body.contains("Send me a link"), "{}", page.body);
    let (status, _) = app.post("/api/v1/login", login_body(NEW_ADDRESS, PASSWORD)).await;
    assert_eq!(status, 200, "the new address signs in");
    let (status, _) = app.post("/api/v1/login", login_body(ANNA, PASSWORD)).await;
    assert_ne!(status, 200, "the old one does not");
    let (id_token, info) = email_claims(&app, NEW_ADDRESS).await;
    assert_eq!((id_token, info), (json!([NEW_ADDRESS, true]), json!([NEW_ADDRESS, true])));

    // Audited: the request (with the password's check) and the change.
    let lines = audit(&app, kind::USER_EMAIL).await;
    let said: Vec<(&str, &str)> =
        lines.iter().map(|(l, _)| (l.result.as_str(), l.reason.as_deref().unwrap_or_default())).collect();
    assert!(said.contains(&("failure", "taken")), "{said:?}");
    let requested = lines.iter().filter(|(_, d)| d["requested"] == NEW_ADDRESS).count();
    assert_eq!(requested, 1, "{said:?}");
    let (changed, detail) =
        lines.iter().find(|(l, d)| l.result == "success" && d["to"] == NEW_ADDRESS).expect("the change");
    assert_eq!((&detail["from"], changed.method.as_deref()), (&json!(ANNA), Some("change")));
    assert_eq!(changed.actor, format!("account:{}", changed.user_id.expect("user")));

    // A link dies in a day, and a newer one replaces it.
    let csrf = anna.get("/account/email").await.field("csrf");
    assert_eq!(post_email(&mut anna, &csrf, "first@example.com", PASSWORD).await.status, 303);
    assert_eq!(post_email(&mut anna, &csrf, "second@example.com", PASSWORD).await.status, 303);
    let first = link_token(&mail(&sink, "first@example.com", "Confirm your new email address"), &confirm_prefix(&app));
    let second =
        link_token(&mail(&sink, "second@example.com", "Confirm your new email address"), &confirm_prefix(&app));
    assert_eq!(follow(&app, &first).await.1.status, 410, "replaced");
    app.clock.advance(kordon_core::services::EMAIL_LINK_TTL + 1);
    let (page, pressed) = follow(&app, &second).await;
    assert_eq!((page.status, pressed.status), (410, 410), "expired: {}", pressed.body);
    assert_eq!(app.scalar(&format!("SELECT COUNT(*) FROM users WHERE email = '{NEW_ADDRESS}'")).await, 1);
}
both!(an_address_moves_by_a_mailed_link);

async fn an_address_is_proved_by_its_link_only(app: TestApp) {
    let sink = SmtpSink::start();
    let app = mailing(app, sink.port, |_| {}).await;
    people(&app).await;
    let verified = |email: &'static str| {
        let app = &app;
        async move {
            app.scalar(&format!("SELECT COUNT(*) FROM users WHERE email = '{email}' AND email_verified_at IS NOT NULL"))
                .await
        }
    };

    // "Send me a link" mails the address the person has; its button proves it.
    let mut boris = Browser::new(&app);
    signed_in(&app, &mut boris, BORIS).await;
    let csrf = boris.get("/account/email").await.field("csrf");
    let sent = boris.post("/account/email/verify", &[("csrf", &csrf)]).await;
    assert_eq!((sent.status, sent.header("location")), (303, "/account/email?sent=1"), "{}", sent.body);
    let token = link_token(&mail(&sink, BORIS, "Confirm your email address"), &confirm_prefix(&app));
    let (page, pressed) = follow(&app, &token).await;
    assert!(page.body.contains(BORIS), "{}", page.body);
    assert_eq!(pressed.status, 200, "{}", pressed.body);
    assert!(pressed.body.contains("Address confirmed"), "{}", pressed.body);
    assert_eq!(verified(BORIS).await, 1);
    let page = boris.get("/account/email").await;
    assert!(page.body.contains("confirmed") && !page.body.contains("Send me a link"), "{}", page.body);
    // Asking again once proved mails nothing.
    let again = boris.post("/account/email/verify", &[("csrf", &csrf)]).await;
    assert_eq!((again.status, again.header("location")), (303, "/account/email"));
    assert_eq!(mails_to(&sink, BORIS).len(), 1);

    // A link to an address the account no longer has (an operator changed it) proves nothing.
    let mut anna = Browser::new(&app);
    signed_in(&app, &mut anna, ANNA).await;
    let csrf = anna.get("/account/email").await.field("csrf");
    assert_eq!(anna.post("/account/email/verify", &[("csrf", &csrf)]).await.status, 303);
    let token = link_token(&mail(&sink, ANNA, "Confirm your email address"), &confirm_prefix(&app));
    app.execute(&format!(
        "UPDATE users SET email = 'anna@other.example', email_key = 'anna@other.example' WHERE email = '{ANNA}'"
    ))
    .await;
    let (_, pressed) = follow(&app, &token).await;
    assert_eq!(pressed.status, 409, "{}", pressed.body);
    assert!(pressed.body.contains("Your account uses another address now"), "{}", pressed.body);
    assert_eq!(verified("anna@other.example").await, 0);

    // A person mails at most five links an hour.
    let mut refused = None;
    for n in 0..6 {
        let page = post_email(&mut anna, &csrf, &format!("n{n}@example.com"), PASSWORD).await;
        if page.status != 303 {
            refused = Some((n, page));
            break;
        }
    }
    let (n, page) = refused.expect("a cap");
    // One link (the check above) was already spent of this hour's five.
    assert_eq!((n, page.status), (4, 429), "{}", page.body);
    assert!(page.header("retry-after").parse::<u64>().is_ok_and(|s| s <= 3600));

    // A password reset by mail does not prove the address: whoever registered an address that
    // is not theirs must not have it proved by its owner's reset.
    let email = "reset@example.com";
    app.register(email, "79990006611").await;
    let origin = Origin { ip: Some("127.0.0.9".into()), user_agent: None, locale: Some("en".into()) };
    app.core.forgot_password(None, Some(email), &origin).await.expect("forgot");
    app.core.reset_mail_settled().await;
    let reset = mail(&sink, email, "Password reset");
    let token = link_token(&reset, &format!("{}/oauth/password/reset?token=", app.base));
    let new = "A-new-long-passw0rd";
    app.core.change_password(Some(&token), Some(new), Some(new), &origin).await.expect("reset");
    assert_eq!(verified(email).await, 0);
}
both!(an_address_is_proved_by_its_link_only);

async fn post_phone(browser: &mut Browser, csrf: &str, phone: &str, password: &str) -> Page {
    browser.post("/account/phone", &[("csrf", csrf), ("phone", phone), ("current_password", password)]).await
}

async fn post_pin(browser: &mut Browser, called: &Page, pin: &str) -> Page {
    let (csrf, phone, token) = (called.field("csrf"), called.field("phone"), called.field("token"));
    browser.post("/account/phone/pin", &[("csrf", &csrf), ("phone", &phone), ("token", &token), ("pin", pin)]).await
}

async fn a_phone_moves_by_its_pin(app: TestApp) {
    let sink = SmtpSink::start();
    let app = mailing(app, sink.port, |_| {}).await;
    people(&app).await;
    let phone = "79990007744";
    let mut anna = Browser::new(&app);
    signed_in(&app, &mut anna, ANNA).await;
    let page = anna.get("/account/phone").await;
    assert_eq!(page.status, 200, "{}", page.body);
    let csrf = page.field("csrf");

    // The password first: no call for whoever merely holds the page.
    let wrong = post_phone(&mut anna, &csrf, "+7 999 000-77-44", "not-the-password").await;
    assert_eq!(wrong.status, 401, "{}", wrong.body);
    let bad = post_phone(&mut anna, &csrf, "call me maybe", PASSWORD).await;
    assert_eq!(bad.status, 400, "{}", bad.body);
    assert!(bad.body.contains("Type a phone number"), "{}", bad.body);
    assert!(app.outbox_lines("flashcalls.jsonl").is_empty(), "no call placed");

    let called = post_phone(&mut anna, &csrf, "+7 999 000-77-44", PASSWORD).await;
    assert_eq!(called.status, 200, "{}", called.body);
    assert!(called.body.contains("We are calling") && called.body.contains("+79990007744"), "{}", called.body);
    assert_eq!(called.field("phone"), "+79990007744");
    let pin = app.pin_of(&called.field("token"));
    // A wrong PIN, and a PIN of another purpose to the same number (a registration's), are refused.
    let wrong = post_pin(&mut anna, &called, if pin == "0000" { "1111" } else { "0000" }).await;
    assert_eq!(wrong.status, 401, "{}", wrong.body);
    assert!(wrong.body.contains("The PIN is not right"), "{}", wrong.body);
    app.clock.advance(61);
    let (other_token, other_pin) = app.flashcall(phone).await;
    let (csrf_pin, shown) = (called.field("csrf"), called.field("phone"));
    let foreign =
        [("csrf", csrf_pin.as_str()), ("phone", shown.as_str()), ("token", &other_token), ("pin", &other_pin)];
    assert_eq!(anna.post("/account/phone/pin", &foreign).await.status, 401, "a registration PIN is no change PIN");
    // Its own PIN sets the number.
    let set = post_pin(&mut anna, &called, &pin).await;
    assert_eq!((set.status, set.header("location")), (303, "/account/phone?changed=1"), "{}", set.body);
    let page = anna.get("/account/phone?changed=1").await;
    assert!(page.body.contains("Your phone number was changed.") && page.body.contains("79990007744"));
    assert_eq!(app.text(&format!("SELECT phone FROM users WHERE email = '{ANNA}'")).await, phone);
    let told = mail(&sink, ANNA, "Your phone number was changed");
    let body = told["body"].as_str().expect("body");
    assert!(body.contains("+7 999 •••-••-44") && !body.contains(phone), "masked: {body}");
    // The number signs Anna in by FlashCall now.
    app.clock.advance(61);
    let (token, pin) = app.flashcall(phone).await;
    let (status, body) = app.post("/api/v1/login", json!({ "phone": phone, "pin": pin, "token": token })).await;
    assert_eq!(status, 200, "{body}");
    let same = post_phone(&mut anna, &csrf, "+79990007744", PASSWORD).await;
    assert_eq!(same.status, 400, "{}", same.body);
    assert!(same.body.contains("This is the number you have."), "{}", same.body);

    // Boris may have the call to Anna's number, but not the number: refused after its PIN.
    let mut boris = Browser::new(&app);
    signed_in(&app, &mut boris, BORIS).await;
    let csrf = boris.get("/account/phone").await.field("csrf");
    app.clock.advance(61);
    let called = post_phone(&mut boris, &csrf, "+79990007744", PASSWORD).await;
    assert_eq!(called.status, 200, "the answer tells nothing: {}", called.body);
    let pin = app.pin_of(&called.field("token"));
    let taken = post_pin(&mut boris, &called, &pin).await;
    assert_eq!(taken.status, 409, "{}", taken.body);
    assert!(taken.body.contains("Another account uses this number"), "{}", taken.body);
    assert_eq!(app.scalar(&format!("SELECT COUNT(*) FROM users WHERE email = '{BORIS}' AND phone IS NULL")).await, 1);
    let lines = audit(&app, kind::USER_PHONE).await;
    let results: Vec<(&str, Option<&str>)> =
        lines.iter().map(|(l, _)| (l.result.as_str(), l.reason.as_deref())).collect();
    assert!(results.contains(&("success", None)) && results.contains(&("failure", Some("taken"))), "{results:?}");
}
both!(a_phone_moves_by_its_pin);
