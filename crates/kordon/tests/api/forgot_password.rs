//! "Forgot password?" on the login page, over HTTP on both stores, with the mail through a real
//! SMTP server (aiosmtpd): the login page links the reset page with its request; a known and an
//! unknown address get the same page and only the known one a mail; the link leads to kordon's
//! own page under the issuer whatever the request's Host says; the newest link wins, a link
//! works once, the new password signs in and every earlier session has ended. And what the pages
//! refuse: a form without its CSRF token, a bad address, the caps, a bad new password, a dead link
//! (posted, the Defender counts it; merely opened, it does not).
//! The same in headless Chromium: `account_browser.rs`.

use crate::helpers::mail::{link_token, mailing, received_settled};
use crate::helpers::oidc::{Browser, Page, code_client, form_urlencoded, request};
use crate::helpers::{PASSWORD, TestApp};
use kordon_core::audit::{AuditFilter, kind};
use kordon_testkit::SmtpSink;

const EMAIL: &str = "forgetful@mail.ru";
const NEW_PASSWORD: &str = "A-new-long-passw0rd";

/// The page's link that starts with `prefix` (its `href`, unescaped).
fn link(page: &Page, prefix: &str) -> String {
    let marker = format!("href=\"{prefix}");
    let at = page.body.find(&marker).unwrap_or_else(|| panic!("no link {prefix}… on: {}", page.body)) + 6;
    let end = page.body[at..].find('"').expect("end of href") + at;
    page.body[at..end].replace("&#38;", "&")
}

fn reset_prefix(app: &TestApp) -> String {
    format!("{}/oauth/password/reset?token=", app.base)
}

async fn forgot(browser: &mut Browser, form: &Page, email: &str) -> Page {
    let (csrf, request) = (form.field("csrf"), form.field("request"));
    browser.post("/oauth/password/forgot", &[("csrf", &csrf), ("request", &request), ("email", email)]).await
}

/// Opens the mailed link (its token moves into a cookie, and the page comes back without it),
/// then posts the new-password form.
async fn new_password(browser: &mut Browser, token: &str, password: &str, confirmation: &str) -> Page {
    let opened = browser.get(&format!("/oauth/password/reset?token={token}")).await;
    assert_eq!((opened.status, opened.header("location")), (303, "/oauth/password/reset"), "{}", opened.body);
    let cookie = opened.header("set-cookie");
    assert!(cookie.starts_with(&format!("kordon_reset={token};")), "{cookie}");
    assert!(cookie.contains("Path=/oauth;") && cookie.contains("HttpOnly"), "{cookie}");
    let form = browser.get("/oauth/password/reset").await;
    assert_eq!(form.status, 200, "{}", form.body);
    assert!(!form.body.contains(token), "the token is not on the page");
    let csrf = form.field("csrf");
    let fields = [("csrf", csrf.as_str()), ("password", password), ("password_confirmation", confirmation)];
    browser.post("/oauth/password/reset", &fields).await
}

async fn from_the_login_page_to_a_new_password(app: TestApp) {
    let sink = SmtpSink::start();
    let app = mailing(app, sink.port, |_| {}).await;
    app.register(EMAIL, "79990004411").await;
    let cabinet = app.login(EMAIL, PASSWORD).await;
    let client = code_client(&app, "Billing", false, true).await;
    let id = client.id.to_string();
    let authorize = request(&id, "openid");
    let query = form_urlencoded(&authorize);

    let mut browser = Browser::new(&app);
    let login = browser.authorize(&authorize).await;
    assert_eq!(login.status, 200);
    let forgot_href = link(&login, "/oauth/password/forgot?");
    assert_eq!(forgot_href, format!("/oauth/password/forgot?{query}"), "the link carries the request");
    let form = browser.get(&forgot_href).await;
    assert_eq!(form.status, 200, "{}", form.body);
    assert!(form.body.contains("Reset your password"), "{}", form.body);
    assert_eq!(form.field("request"), query);
    assert_eq!(link(&form, "/oauth/authorize?"), format!("/oauth/authorize?{query}"), "and the way back");

    // A known and an unknown address: the same page; a mail only for the known one.
    let known = forgot(&mut browser, &form, "Forgetful@Mail.ru").await;
    let unknown = forgot(&mut browser, &form, "nobody@mail.ru").await;
    assert_eq!((known.status, unknown.status), (200, 200), "{}", known.body);
    assert_eq!(known.body, unknown.body, "an unknown address is answered alike");
    assert!(known.body.contains("Check your mail"), "{}", known.body);
    assert_eq!(link(&known, "/oauth/authorize?"), format!("/oauth/authorize?{query}"));
    let mails = received_settled(&app, &sink).await;
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert_eq!(mails[0]["rcpt_tos"], serde_json::json!([EMAIL]));
    assert_eq!(mails[0]["subject"], "Password reset", "in the browser's language");
    let first = link_token(&mails[0], &reset_prefix(&app));

    // The link is built from the issuer, never from what the request says its host is.
    let csrf = form.field("csrf");
    let spoofed = app
        .http
        .post(format!("{}/oauth/password/forgot", app.base))
        .header("Host", "evil.example")
        .header("X-Forwarded-Host", "evil.example")
        .header("Cookie", format!("kordon_csrf={csrf}"))
        .form(&[("csrf", csrf.as_str()), ("email", EMAIL)])
        .send()
        .await
        .expect("request");
    assert_eq!(spoofed.status(), 200);
    let mails = received_settled(&app, &sink).await;
    assert_eq!(mails.len(), 2, "{mails:?}");
    assert!(mails.iter().all(|m| !m["body"].as_str().expect("body").contains("evil.example")), "{mails:?}");
    // (The sink names its files at random: the newer mail is the one with the other link.)
    let links: Vec<String> = mails.iter().map(|m| link_token(m, &reset_prefix(&app))).collect();
    let second = links.into_iter().find(|t| *t != first).expect("a second link");

    // The newest link wins; the page of a dead link says so and offers a new one.
    let dead = browser.get(&format!("/oauth/password/reset?token={first}")).await;
    assert_eq!(dead.status, 410, "{}", dead.body);
    assert!(dead.body.contains("This link no longer works"), "{}", dead.body);
    assert_eq!(link(&dead, "/oauth/password/forgot"), "/oauth/password/forgot");
    for garbage in ["", "?token=", "?token=nope"] {
        let page = browser.get(&format!("/oauth/password/reset{garbage}")).await;
        assert_eq!(page.status, 410, "{garbage}");
        assert!(!page.header("set-cookie").contains("kordon_reset=nope"), "a dead token is never kept");
    }

    // A bad new password shows the form again with the reason, and spends nothing.
    let refused = [
        ("short", "short", "at least 8 characters"),
        (NEW_PASSWORD, "Another-long-passw0rd", "not the same"),
        ("password123", "password123", "too common"),
    ];
    for (password, confirmation, reason) in refused {
        let page = new_password(&mut browser, &second, password, confirmation).await;
        assert_eq!(page.status, 400, "{reason}: {}", page.body);
        assert!(page.body.contains(reason), "{reason}: {}", page.body);
        assert_eq!(browser.cookies.get("kordon_reset"), Some(&second), "the form keeps its link");
    }
    let done = new_password(&mut browser, &second, NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(done.status, 200, "{}", done.body);
    assert!(done.body.contains("Password changed"), "{}", done.body);
    assert!(!browser.cookies.contains_key("kordon_reset"), "the cookie goes with the link");
    let again = new_password_post(&mut browser, &done, &second).await;
    assert_eq!(again.status, 410, "a link works once: {}", again.body);

    // Every session ended with the old password; the new one signs in on the login page.
    assert_eq!(app.get_auth("/api/v1/authuser", &cabinet).await.0, 401);
    let login = browser.authorize(&authorize).await;
    assert_eq!(browser.sign_in(&login, EMAIL, PASSWORD).await.status, 401, "the old password");
    let login = browser.authorize(&authorize).await;
    let signed = browser.sign_in(&login, EMAIL, NEW_PASSWORD).await;
    assert!(signed.param("code").is_some(), "{} {:?}", signed.status, signed.headers);

    // On record: the requests (the known, the unknown and the spoofed one, from the login
    // page's application where it came with a request) and the reset.
    app.core.audit_flush().await;
    let requested = AuditFilter { kind: Some(kind::PASSWORD_RESET_REQUESTED.into()), limit: 10, ..Default::default() };
    let requested = app.core.audit_search(&requested).await.expect("audit");
    let clients: Vec<_> = requested.iter().map(|r| (r.subject.clone().unwrap_or_default(), r.client_id)).collect();
    assert_eq!(
        clients,
        [
            (format!("email:{EMAIL}"), None),
            ("email:nobody@mail.ru".into(), Some(client.id)),
            (format!("email:{EMAIL}"), Some(client.id))
        ]
    );
    let reset = AuditFilter { kind: Some(kind::PASSWORD_RESET.into()), limit: 10, ..Default::default() };
    let reset = app.core.audit_search(&reset).await.expect("audit");
    assert_eq!(reset.iter().map(|r| r.result.as_str()).collect::<Vec<_>>(), ["failure", "success"]);
}
both!(from_the_login_page_to_a_new_password);

/// The new-password form's POST again, from the page that answered the first one.
async fn new_password_post(browser: &mut Browser, after: &Page, token: &str) -> Page {
    let csrf = browser.cookies.get("kordon_csrf").cloned().unwrap_or_else(|| after.field("csrf"));
    let fields = [
        ("csrf", csrf.as_str()),
        ("token", token),
        ("password", NEW_PASSWORD),
        ("password_confirmation", NEW_PASSWORD),
    ];
    browser.post("/oauth/password/reset", &fields).await
}

async fn the_pages_refuse_what_they_must(app: TestApp) {
    let sink = SmtpSink::start();
    let app = mailing(app, sink.port, |c| c.reset.per_email_hourly = 2).await;
    app.register(EMAIL, "79990004412").await;

    // Without a request the page works as well, in the browser's language, with no way back.
    let mut russian = Browser::speaking(&app, "ru-RU,ru;q=0.9");
    let form = russian.get("/oauth/password/forgot?client_id=999&redirect_uri=https%3A%2F%2Fx").await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains("Восстановление пароля"), "{}", form.body);
    assert_eq!(form.field("request"), "", "a request that is no good is dropped");
    assert!(!form.body.contains("/oauth/authorize?"), "{}", form.body);
    let bad = forgot(&mut russian, &form, "not-an-address").await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("Это не адрес эл. почты."), "{}", bad.body);
    assert_eq!(bad.field("email"), "not-an-address", "what was typed stays");

    // A POST without the form's CSRF token (or without its cookie) is refused.
    let mut stranger = Browser::new(&app);
    let refused = stranger.post("/oauth/password/forgot", &[("csrf", "x"), ("email", EMAIL)]).await;
    assert_eq!(refused.status, 403);
    let mut browser = Browser::new(&app);
    let form = browser.get("/oauth/password/forgot").await;
    let refused = browser.post("/oauth/password/forgot", &[("csrf", "wrong"), ("email", EMAIL)]).await;
    assert_eq!(refused.status, 403);
    let reset = browser.get("/oauth/password/reset?token=x").await;
    assert_eq!(reset.status, 410);
    let refused = browser
        .post(
            "/oauth/password/reset",
            &[("token", "x"), ("password", NEW_PASSWORD), ("password_confirmation", NEW_PASSWORD)],
        )
        .await;
    assert_eq!(refused.status, 403);
    assert!(received_settled(&app, &sink).await.is_empty(), "nothing was mailed");

    // The address's hourly cap: two links, then a page that says how long to wait.
    for _ in 0..2 {
        assert_eq!(forgot(&mut browser, &form, EMAIL).await.status, 200);
    }
    let capped = forgot(&mut browser, &form, EMAIL).await;
    assert_eq!(capped.status, 429, "{}", capped.body);
    assert!(capped.headers.get("retry-after").is_some());
    assert!(capped.body.contains("Too many links were asked for"), "{}", capped.body);
    assert_eq!(received_settled(&app, &sink).await.len(), 2);

    // Opening a link is no credential check: any site could make a visitor's browser open one
    // (an <img> of it), so dead links opened never block the visitor's network. Posted, they count.
    for n in 2..=12 {
        assert_eq!(browser.get(&format!("/oauth/password/reset?token=guess{n}")).await.status, 410, "guess {n}");
    }
    for n in 1..=10 {
        let page = new_password_post(&mut browser, &form, &format!("guess{n}")).await;
        assert_eq!(page.status, 410, "posted guess {n}: {}", page.body);
    }
    let blocked = new_password_post(&mut browser, &form, "guess11").await;
    assert_eq!(blocked.status, 429, "ten wrong tokens posted block the host: {}", blocked.body);
    assert!(blocked.body.contains("Too many failed attempts came from your network"), "{}", blocked.body);
}
both!(the_pages_refuse_what_they_must);
