//! A person's own way around kordon in headless Chromium on both stores
//! (`tests/oidc-rp/account.mjs`), one part per test. Forgot password: from the login page to a
//! new password, with the link from a mail a real SMTP server (aiosmtpd) received, in English and
//! in Russian. Screenshots of every page and step in `target/tmp/account-<store>/`.

use crate::helpers::mail::mailing;
use crate::helpers::{PASSWORD, TestApp};
use kordon_core::services::NewUserCommand;
use kordon_core::types::{PbxRole, Role};
use kordon_testkit::SmtpSink;
use serde_json::json;

const EMAIL: &str = "owner@pbx-forgot.example";

async fn forgot_password_through_the_smtp_sink(app: TestApp) {
    let sink = SmtpSink::start();
    let app = mailing(app, sink.port, |_| {}).await;
    let owner = NewUserCommand {
        email: EMAIL,
        password: PASSWORD,
        phone: None,
        role: Role::LkAdmin,
        role_id: PbxRole::ADMINISTRATOR,
        domain: Some("pbx-forgot.example"),
    };
    app.core.admin_create_user(owner).await.expect("owner");
    let cabinet = app.login(EMAIL, PASSWORD).await;

    let mail_dir = [("KORDON_MAIL_DIR", sink.dir().display().to_string())];
    let report = crate::helpers::node::page_part(&app, "account", "forgot", EMAIL, &mail_dir).await;
    let en = &report["en"];
    assert_eq!(en["forgot"], "Reset your password");
    assert_eq!(en["sent"], "Check your mail");
    assert_eq!(en["subject"], "Password reset", "the mail speaks the browser's language");
    assert_eq!((&en["reset"], &en["changed"]), (&json!("Set a new password"), &json!("Password changed")));
    assert_eq!(en["mismatch"], "The two passwords are not the same.");
    assert_eq!((&en["againStatus"], &en["again"]), (&json!(410), &json!("This link no longer works")));
    assert_eq!(en["oldRefused"], "The email or password is not right.");
    assert_eq!(en["console"], "Overview", "signed in with the new password");
    let ru = &report["ru"];
    assert_eq!((&ru["forgot"], &ru["sent"]), (&json!("Восстановление пароля"), &json!("Проверьте почту")));
    assert_eq!(ru["subject"], "Сброс пароля");
    assert_eq!((&ru["mismatch"], &ru["changed"]), (&json!("Пароли не совпадают."), &json!("Пароль изменён")));
    assert_eq!(ru["again"], "Ссылка больше не действует");
    assert_eq!(ru["console"], "Обзор");

    // The cabinet's session ended with the first reset; the last password is the one that works.
    assert_eq!(app.get_auth("/api/v1/authuser", &cabinet).await.0, 401);
    let (status, _) = app.post("/api/v1/login", json!({ "email": EMAIL, "password": PASSWORD })).await;
    assert_eq!(status, 400);
    let last = format!("{PASSWORD}-ru-2");
    let (status, body) = app.post("/api/v1/login", json!({ "email": EMAIL, "password": last })).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(sink.received().len(), 2, "one mail a language");
}
both!(forgot_password_through_the_smtp_sink);
