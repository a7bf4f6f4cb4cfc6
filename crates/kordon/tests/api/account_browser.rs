//! A person's own way around kordon in headless Chromium on both stores
//! (`tests/oidc-rp/account.mjs`), one part per test. Forgot password: from the login page to a
//! new password, with the link from a mail a real SMTP server (aiosmtpd) received, in English and
//! in Russian. Screenshots of every page and step in `target/tmp/account-<store>/`.

use crate::helpers::mail::mailing;
use crate::helpers::{Backend, PASSWORD, TestApp};
use kordon_core::services::NewUserCommand;
use kordon_core::types::{PbxRole, Role};
use kordon_testkit::SmtpSink;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

const EMAIL: &str = "owner@pbx-forgot.example";

/// Runs one part of `account.mjs` as `email`; its report.
async fn part(app: &TestApp, part: &str, email: &str, mail_dir: &Path) -> Value {
    let chromium = crate::helpers::node::chromium();
    let dir = crate::helpers::node::driver("oidc-rp", "playwright-core");
    let store = match app.backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("account-{store}"));
    let mut cmd = Command::new("node");
    cmd.arg("account.mjs")
        .current_dir(&dir)
        .env("KORDON_BASE", &app.base)
        .env("KORDON_PART", part)
        .env("KORDON_EMAIL", email)
        .env("KORDON_PASSWORD", PASSWORD)
        .env("KORDON_MAIL_DIR", mail_dir)
        .env("KORDON_CHROMIUM", &chromium)
        .env("KORDON_SCREENSHOTS", &shots);
    let stdout = app.dir.path().join(format!("account-{part}.json"));
    let (report, ok) = crate::helpers::node::run(cmd, stdout, Duration::from_secs(240)).await;
    eprintln!("{part} steps: {}\nscreenshots in {}", report["steps"], shots.display());
    assert!(ok && report["ok"] == true, "the {part} part failed: {}\nreport: {report}", report["error"]);
    assert_eq!(report["blocked"], json!([]), "requests to other hosts");
    assert_eq!(report["pageErrors"], json!([]));
    assert_eq!(report["consoleErrors"], json!([]), "console errors (a CSP violation is one)");
    report
}

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

    let report = part(&app, "forgot", EMAIL, sink.dir()).await;
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
