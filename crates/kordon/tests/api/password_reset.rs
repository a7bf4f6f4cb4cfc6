//! Password reset: restore-token mails a single-use link (off the request path), change-password
//! redeems it; links point only where configuration allows.

use crate::helpers::{PASSWORD, TestApp};
use kordon::config::Config;
use serde_json::{Value, json};

const URL: &str = "https://lk.plusofon.ru/password-restore";
const NEW: &str = "Brand-new-pass-42";

/// The cabinet's reset page is the one place links may point to.
fn lk_prefix(config: &mut Config) {
    config.reset.url_prefixes = vec!["https://lk.plusofon.ru/".into()];
}

/// The mails in the outbox, once every queued reset mail has been sent.
async fn mails(app: &TestApp) -> Vec<Value> {
    app.core.reset_mail_settled().await;
    app.outbox_lines("mail.jsonl")
}

fn reset_token(mail: &Value) -> String {
    let text = mail["text"].as_str().expect("text");
    let start = text.find("token=").expect("link") + "token=".len();
    text[start..].chars().take_while(char::is_ascii_alphanumeric).collect()
}

async fn restore_and_change(app: TestApp) {
    let reg = app.register("user@mail.ru", "79993332210").await;
    let (s, b) = app.post("/api/v1/restore-token", json!({ "email": "User@Mail.ru", "url": URL })).await;
    assert_eq!((s, b), (200, json!({ "success": true })));
    let mails = mails(&app).await;
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0]["to"], "user@mail.ru");
    assert_eq!(mails[0]["subject"], "Сброс пароля");
    let token = reset_token(&mails[0]);
    assert!(token.len() >= 22, "≥128 bits");
    assert!(mails[0]["text"].as_str().expect("t").contains(&format!("{URL}?token={token}")));

    let change = |t: &str, p: &str, c: &str| json!({ "token": t, "password": p, "password_confirmation": c });
    let (s, b) = app.post("/api/v1/change-password", json!({ "password": NEW, "password_confirmation": NEW })).await;
    assert_eq!((s, b), (400, json!({"message":{"message":"The token field is required.","field":"token"},"code":400})));
    let (s, b) = app.post("/api/v1/change-password", change(&token, NEW, "mismatch-pass")).await;
    assert_eq!(s, 400);
    assert_eq!(b["message"]["field"], "password");
    let (s, b) = app.post("/api/v1/change-password", change("D9qT7Wf9k8PrMQ", NEW, NEW)).await;
    assert_eq!((s, b), (400, json!({"message":{"message":"The token is invalid.","field":"token"},"code":400})));
    let (s, b) = app.post("/api/v1/change-password", change(&token, NEW, NEW)).await;
    assert_eq!((s, b), (200, json!({ "success": true })));
    // Single use; every session ended; the new password works, the old does not.
    let (s, _) = app.post("/api/v1/change-password", change(&token, "Yet-another-pass-1", "Yet-another-pass-1")).await;
    assert_eq!(s, 400);
    assert_eq!(app.get_auth("/api/v1/authuser", reg["token"].as_str().expect("t")).await.0, 401);
    assert_eq!(app.post("/api/v1/login", json!({ "email": "user@mail.ru", "password": PASSWORD })).await.0, 400);
    assert_eq!(app.post("/api/v1/login", json!({ "email": "user@mail.ru", "password": NEW })).await.0, 200);
}
both!(restore_and_change, super::lk_prefix);

async fn unknown_emails_get_the_same_answer_and_no_mail(app: TestApp) {
    let (s, b) = app.post("/api/v1/restore-token", json!({ "email": "nobody@mail.ru", "url": URL })).await;
    assert_eq!((s, b), (200, json!({ "success": true })));
    assert!(mails(&app).await.is_empty());
    let (s, b) = app.post("/api/v1/restore-token", json!({ "url": URL })).await;
    assert_eq!((s, b), (400, json!({"message":{"message":"The email field is required.","field":"email"},"code":400})));
    let (s, b) = app.post("/api/v1/restore-token", json!({ "email": "nobody@mail.ru" })).await;
    assert_eq!((s, b), (400, json!({"message":{"message":"The url field is required.","field":"url"},"code":400})));
    for bad in ["javascript:alert(1)", "not a url", "ftp://x.ru/reset"] {
        let (s, b) = app.post("/api/v1/restore-token", json!({ "email": "nobody@mail.ru", "url": bad })).await;
        assert_eq!((s, b), (400, json!({"message":{"message":"The url format is invalid.","field":"url"},"code":400})));
    }
}
both!(unknown_emails_get_the_same_answer_and_no_mail, super::lk_prefix);

async fn a_newer_link_or_the_clock_kills_the_old_one(app: TestApp) {
    app.register("user@mail.ru", "79993332210").await;
    let ask = || app.post("/api/v1/restore-token", json!({ "email": "user@mail.ru", "url": URL }));
    ask().await;
    mails(&app).await;
    ask().await;
    let mails_now = mails(&app).await;
    let (old, new) = (reset_token(&mails_now[0]), reset_token(&mails_now[1]));
    let change = |t: &str| json!({ "token": t, "password": NEW, "password_confirmation": NEW });
    assert_eq!(app.post("/api/v1/change-password", change(&old)).await.0, 400);
    app.clock.advance(3601);
    assert_eq!(app.post("/api/v1/change-password", change(&new)).await.0, 400);
    ask().await;
    let fresh = reset_token(&mails(&app).await[2]);
    assert_eq!(app.post("/api/v1/change-password", change(&fresh)).await.0, 200);
}
both!(a_newer_link_or_the_clock_kills_the_old_one, super::lk_prefix);

async fn url_prefixes_restrict_where_links_point(backend: crate::helpers::Backend) {
    let Some(app) = TestApp::spawn_with(backend, |c| {
        c.reset.url_prefixes = vec!["https://lk.plusofon.ru/".into()];
        c.reset.reveal_unknown_email = true;
    })
    .await
    else {
        return;
    };
    let (s, b) =
        app.post("/api/v1/restore-token", json!({ "email": "x@mail.ru", "url": "https://evil.example/reset" })).await;
    assert_eq!((s, b), (400, json!({"message":{"message":"The selected url is invalid.","field":"url"},"code":400})));
    // The seed-compatible answer for an unknown email.
    let (s, b) = app.post("/api/v1/restore-token", json!({ "email": "x@mail.ru", "url": URL })).await;
    assert_eq!((s, b), (500, json!({ "message": "User not found.", "code": 500 })));
}

#[tokio::test]
async fn url_prefixes_sqlite() {
    url_prefixes_restrict_where_links_point(crate::helpers::Backend::Sqlite).await;
}

#[tokio::test]
async fn url_prefixes_postgres() {
    url_prefixes_restrict_where_links_point(crate::helpers::Backend::Postgres).await;
}

/// Nothing a caller writes beside the checked link reaches the mail: line breaks, tabs and spaces
/// (which the URL parser would silently drop or encode), credentials before the host, and paths
/// that merely start with the prefix's text are refused.
async fn crafted_urls_cannot_smuggle_text_or_hosts(app: TestApp) {
    app.register("user@mail.ru", "79993332210").await;
    let crafted = [
        "https://lk.plusofon.ru/password-restore\n\nOpen https://evil.example/c?x=",
        "https://lk.plusofon.ru/password-restore\tx",
        "https://lk.plusofon.ru/password-restore Open https://evil.example/",
        "https://lure@lk.plusofon.ru/password-restore",
        "https://a:b@lk.plusofon.ru/password-restore",
    ];
    for url in crafted {
        let (s, b) = app.post("/api/v1/restore-token", json!({ "email": "user@mail.ru", "url": url })).await;
        assert_eq!(s, 400, "{url:?}: {b}");
        assert_eq!(b["message"]["field"], "url", "{url:?}");
    }
    // Under a path prefix, only whole segments match.
    let (s, _) = app
        .post("/api/v1/restore-token", json!({ "email": "user@mail.ru", "url": "https://lk.plusofon.ru/reset-x" }))
        .await;
    assert_eq!(s, 400);
    // A link with a query of its own gets the token as one more, properly encoded, pair.
    let (s, _) = app
        .post("/api/v1/restore-token", json!({ "email": "user@mail.ru", "url": "https://lk.plusofon.ru/reset?a=1" }))
        .await;
    assert_eq!(s, 200);
    let mails = mails(&app).await;
    assert_eq!(mails.len(), 1, "only the honest request was mailed");
    let token = reset_token(&mails[0]);
    assert!(
        mails[0]["text"].as_str().expect("text").contains(&format!("https://lk.plusofon.ru/reset?a=1&token={token}"))
    );
}
both!(crafted_urls_cannot_smuggle_text_or_hosts, super::reset_path_prefix);

fn reset_path_prefix(config: &mut Config) {
    config.reset.url_prefixes =
        vec!["https://lk.plusofon.ru/reset".into(), "https://lk.plusofon.ru/password-restore".into()];
}

async fn restore_token_is_rate_limited(app: TestApp) {
    app.register("user@mail.ru", "79993332210").await;
    for _ in 0..5 {
        assert_eq!(app.post("/api/v1/restore-token", json!({ "email": "user@mail.ru", "url": URL })).await.0, 200);
    }
    let (s, b) = app.post("/api/v1/restore-token", json!({ "email": "USER@mail.ru", "url": URL })).await;
    assert_eq!((s, b), (429, json!({ "message": "Too Many Attempts.", "code": 429 })));
    assert_eq!(mails(&app).await.len(), 5, "no sixth mail");
    // Unknown addresses count alike (no oracle), and the next hour opens again.
    for _ in 0..5 {
        app.post("/api/v1/restore-token", json!({ "email": "nobody@mail.ru", "url": URL })).await;
    }
    assert_eq!(app.post("/api/v1/restore-token", json!({ "email": "nobody@mail.ru", "url": URL })).await.0, 429);
    app.clock.advance(3600);
    assert_eq!(app.post("/api/v1/restore-token", json!({ "email": "user@mail.ru", "url": URL })).await.0, 200);
}
both!(restore_token_is_rate_limited, super::lk_prefix);

/// A default install (no prefixes, no public URL) mails no link anywhere: the issue's
/// `https://evil.example/steal` is refused with a validation error naming `url`.
async fn a_default_install_refuses_every_url(app: TestApp) {
    app.register("user@mail.ru", "79993332210").await;
    for url in ["https://evil.example/steal", URL] {
        let (s, b) = app.post("/api/v1/restore-token", json!({ "email": "user@mail.ru", "url": url })).await;
        assert_eq!(
            (s, b),
            (400, json!({"message":{"message":"The selected url is invalid.","field":"url"},"code":400})),
            "{url}"
        );
    }
    assert!(mails(&app).await.is_empty(), "no link was mailed");
}
both!(a_default_install_refuses_every_url);

fn public_url(config: &mut Config) {
    config.server.public_url = "https://lk.plusofon.ru/".into();
}

/// Without configured prefixes, `server.public_url` is the allowed prefix.
async fn the_public_url_is_the_default_prefix(app: TestApp) {
    app.register("user@mail.ru", "79993332210").await;
    let ask = |url: &'static str| app.post("/api/v1/restore-token", json!({ "email": "user@mail.ru", "url": url }));
    let refused = json!({"message":{"message":"The selected url is invalid.","field":"url"},"code":400});
    assert_eq!(ask("https://evil.example/steal").await, (400, refused.clone()));
    assert_eq!(ask("https://lk.plusofon.ru.evil.example/reset").await, (400, refused));
    assert_eq!(ask(URL).await, (200, json!({ "success": true })));
    let mails = mails(&app).await;
    assert_eq!(mails.len(), 1);
    assert!(mails[0]["text"].as_str().expect("text").contains(&format!("{URL}?token=")));
}
both!(the_public_url_is_the_default_prefix, super::public_url);

fn per_client(config: &mut Config) {
    config.server.public_url = "https://kordon.example/".into();
    config.reset.url_prefixes = vec!["https://shared.example/".into()];
    config.reset.client_url_prefixes.insert(crate::helpers::CLIENT.into(), vec!["https://lk.plusofon.ru/".into()]);
}

/// A client's own prefixes replace the common ones and the public URL.
async fn a_clients_own_prefixes_win(app: TestApp) {
    let ask = |url: &'static str| app.post("/api/v1/restore-token", json!({ "email": "x@mail.ru", "url": url }));
    assert_eq!(ask(URL).await.0, 200);
    assert_eq!(ask("https://shared.example/reset").await.0, 400);
    assert_eq!(ask("https://kordon.example/reset").await.0, 400);
}
both!(a_clients_own_prefixes_win, super::per_client);

fn any_url(config: &mut Config) {
    config.reset.allow_any_url = true;
}

/// The operator may knowingly restore the seed's behaviour: any http(s) URL.
async fn allow_any_url_restores_the_seed(app: TestApp) {
    app.register("user@mail.ru", "79993332210").await;
    let (s, b) = app
        .post("/api/v1/restore-token", json!({ "email": "user@mail.ru", "url": "https://anywhere.example/r" }))
        .await;
    assert_eq!((s, b), (200, json!({ "success": true })));
    assert_eq!(mails(&app).await.len(), 1);
    let (s, b) = app.post("/api/v1/restore-token", json!({ "email": "user@mail.ru", "url": "ftp://x.ru/r" })).await;
    assert_eq!((s, b), (400, json!({"message":{"message":"The url format is invalid.","field":"url"},"code":400})));
}
both!(allow_any_url_restores_the_seed, super::any_url);

/// `Host` and `X-Forwarded-Host` never reach a reset link, even from a trusted proxy: the mail
/// (through a real SMTP server) links under the configured public URL only, and a link that
/// would need a host from the request (a relative `url`, or the forged host itself) is refused.
async fn request_hosts_never_reach_the_link(app: TestApp) {
    let sink = kordon_testkit::SmtpSink::start();
    let app = crate::helpers::mail::mailing(app, sink.port, |config| {
        config.server.public_url = "https://lk.plusofon.ru/".into();
        config.defender.trusted_proxies = vec!["127.0.0.1/32".into()];
    })
    .await;
    app.register("user@mail.ru", "79993332210").await;
    let ask = |url: &'static str| {
        app.http
            .post(format!("{}/api/v1/restore-token", app.base))
            .header("Accept", "application/json")
            .header("Client", crate::helpers::CLIENT)
            .header("Host", "evil.example")
            .header("X-Forwarded-Host", "evil.example")
            .header("X-Forwarded-Proto", "https")
            .header("Forwarded", "for=203.0.113.9;host=evil.example;proto=https")
            .json(&json!({ "email": "user@mail.ru", "url": url }))
            .send()
    };
    let answer = |resp: reqwest::Response| async move {
        let status = resp.status().as_u16();
        (status, resp.json::<Value>().await.expect("json"))
    };
    let refused = |why: &str| json!({"message":{"message": why, "field":"url"},"code":400});
    for url in ["/password-restore", "//evil.example/password-restore"] {
        let (s, b) = answer(ask(url).await.expect("request")).await;
        assert_eq!((s, b), (400, refused("The url format is invalid.")), "{url}");
    }
    let (s, b) = answer(ask("https://evil.example/password-restore").await.expect("request")).await;
    assert_eq!((s, b), (400, refused("The selected url is invalid.")));
    let (s, b) = answer(ask(URL).await.expect("request")).await;
    assert_eq!((s, b), (200, json!({ "success": true })));

    app.core.reset_mail_settled().await;
    let mails = sink.received();
    assert_eq!(mails.len(), 1, "{mails:?}");
    let body = mails[0]["body"].as_str().expect("body");
    let token = reset_token(&json!({ "text": body }));
    assert!(body.contains(&format!("{URL}?token={token}")), "the link is under the public URL: {body}");
    let data = mails[0]["data"].as_str().expect("the whole message");
    assert!(!data.contains("evil.example"), "no request host anywhere in the mail: {data}");
    let links: Vec<&str> = body.split_whitespace().filter(|w| w.contains("://")).collect();
    assert!(links.iter().all(|l| l.starts_with("https://lk.plusofon.ru/")), "{links:?}");
}
both!(request_hosts_never_reach_the_link);
