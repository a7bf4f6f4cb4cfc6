//! A person's own way around kordon in headless Chromium on both stores
//! (`tests/oidc-rp/account.mjs`), one part per test, each in English and in Russian. Forgot
//! password: from the login page to a new password, with the link from a mail a real SMTP server
//! (aiosmtpd) received. Sessions: the account page ends a cabinet sign-in and withdraws an
//! application's access, and their tokens are refused. Email and phone: a new address through the
//! mailed link, a new phone through its call's PIN. Screenshots of every page and step in
//! `target/tmp/account-<store>/`.

use crate::helpers::mail::mailing;
use crate::helpers::oauth::form;
use crate::helpers::oidc::{Browser, VERIFIER, code_client, exchange, request};
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

async fn sessions_and_apps_are_ended_from_the_account_page(app: TestApp) {
    crate::account::people(&app).await;
    let email = crate::account::ANNA;
    let cabinets = [app.login(email, PASSWORD).await, app.login(email, PASSWORD).await];
    // Two applications the person allowed, each with a refresh token: one for each language.
    let mut refreshes = Vec::new();
    let mut elsewhere = Browser::new(&app);
    for name in ["CRM Bitrix", "Софтфон"] {
        let client = code_client(&app, name, false, false).await;
        let id = client.id.to_string();
        let mut page = elsewhere.authorize(&request(&id, "openid email offline_access")).await;
        if page.body.contains("name=\"password\"") {
            page = elsewhere.sign_in(&page, email, PASSWORD).await;
        }
        let back = elsewhere.decide(&page, "allow").await;
        let t = exchange(&app, &client, &back.param("code").expect("code"), VERIFIER).await;
        let refresh = t.body["refresh_token"].as_str().expect("refresh").to_owned();
        refreshes.push((client, refresh));
    }
    let input = [("KORDON_APP_EN", "CRM Bitrix".to_owned()), ("KORDON_APP_RU", "Софтфон".to_owned())];
    let report = crate::helpers::node::page_part(&app, "account", "sessions", email, &input).await;
    let en = &report["en"];
    assert_eq!((&en["overview"], &en["profile"]), (&json!("Your account"), &json!("Profile")));
    assert_eq!((&en["sessions"], &en["thisDevice"]), (&json!("Sessions and devices"), &json!(2)));
    assert_eq!((&en["cabinetRows"], &en["cabinetRowsAfter"]), (&json!(2), &json!(1)));
    assert_eq!((&en["question"], &en["ended"]), (&json!("End this session?"), &json!("The session was ended.")));
    assert_eq!((&en["apps"], &en["appLeft"]), (&json!("Connected apps"), &json!(0)));
    assert_eq!(en["withdrawn"], "The application's access was withdrawn.");
    let ru = &report["ru"];
    assert_eq!((&ru["overview"], &ru["sessions"]), (&json!("Ваш аккаунт"), &json!("Сеансы и устройства")));
    assert_eq!((&ru["cabinetRows"], &ru["cabinetRowsAfter"]), (&json!(1), &json!(0)));
    assert_eq!((&ru["ended"], &ru["withdrawn"]), (&json!("Сеанс завершён."), &json!("Доступ приложения отозван.")));

    // What the pages ended is refused in its own dialect.
    for cabinet in &cabinets {
        let (status, body) = app.get_auth("/api/v1/authuser", cabinet).await;
        assert_eq!((status, &body["message"]), (401, &json!("Unauthenticated.")), "{body}");
    }
    for (client, refresh) in &refreshes {
        let id = client.id.to_string();
        let secret = client.secret.as_deref().expect("confidential");
        let pairs = [("grant_type", "refresh_token"), ("refresh_token", refresh.as_str())];
        let r = form(&app, "/oauth/token", &pairs, Some((&id, secret))).await;
        assert_eq!((r.status, &r.body["error"]), (400, &json!("invalid_grant")), "{}", r.body);
    }
}
both!(sessions_and_apps_are_ended_from_the_account_page);

async fn an_authenticator_app_from_set_up_to_second_step(app: TestApp) {
    crate::account::people(&app).await;
    let email = crate::account::ANNA;
    let now = [("KORDON_NOW", kordon_core::Clock::now(&app.clock).to_string())];
    let report = crate::helpers::node::page_part(&app, "account", "totp", email, &now).await;
    let en = &report["en"];
    assert_eq!(en["security"], "Authenticator app · Off");
    let qr_box: Vec<&str> = en["qrBox"].as_str().expect("the QR code's viewBox").split(' ').collect();
    assert!(
        qr_box.len() == 4 && qr_box[2] == qr_box[3] && qr_box[2].parse::<u32>().is_ok_and(|n| n >= 29),
        "{qr_box:?}"
    );
    assert_eq!((&en["codes"], &en["switchedOn"]), (&json!(10), &json!("The authenticator app is on.")));
    assert_eq!(en["second"], "Two-step verification");
    assert_eq!(en["wrong"], "The code is not right. Codes change every 30 seconds, and each works once.");
    assert_eq!(en["back"], "Your account");
    let ru = &report["ru"];
    assert_eq!(
        (&ru["second"], &ru["state"]),
        (&json!("Двухэтапная проверка"), &json!("Приложение-аутентификатор · Включено"))
    );
    assert!(ru["wrong"].as_str().is_some_and(|w| w.starts_with("Код неверен.")), "{ru}");
    assert_eq!(ru["removed"], "Приложение-аутентификатор отключено: вход спрашивает только пароль.");
    // The recovery code the Russian sign-in used is spent; the removal took the others with it.
    let user = app.core.admin_user(email).await.expect("user");
    let state = app.core.mfa_state(user.id).await.expect("state");
    assert!(!state.totp && state.totp_pending && state.recovery_left == 0, "{state:?}");
    let (status, _) = app.post("/api/v1/login", json!({ "email": email, "password": PASSWORD })).await;
    assert_eq!(status, 200, "the password alone again");
    // App passwords: two made (shown once, in the list), "Fax" deleted; the PBX API takes the other.
    assert_eq!((&en["appPasswordRows"], &ru["appPasswordRows"]), (&json!(2), &json!(1)));
    assert_eq!(ru["appPasswordDeleted"], "Пароль приложения удалён.");
    let made: Vec<&str> =
        en["appPasswords"].as_array().expect("app passwords").iter().flat_map(|p| p.as_str()).collect();
    assert!(made.len() == 2 && made.iter().all(|p| p.starts_with("kap_") && p.len() == 36), "{made:?}");
    let (status, body, _) = app.pbx(crate::helpers::pbx_auth_body(email, made[0]), None).await;
    assert_eq!(status, 200, "Office PBX: {body}");
    let (status, _, _) = app.pbx(crate::helpers::pbx_auth_body(email, made[1]), None).await;
    assert_eq!(status, 401, "Fax was deleted");
}
both!(an_authenticator_app_from_set_up_to_second_step);

/// No cool-down between calls to one phone: the part places three in a few seconds.
fn quick_calls(config: &mut kordon::config::Config) {
    config.flashcall.phone_cooldown = 0;
}

async fn calls_to_the_phone_as_the_second_step(app: TestApp) {
    let (email, phone) = ("call@two.example", "79990007744");
    app.register(email, phone).await;
    let input = [
        ("KORDON_OUTBOX", app.outbox().join("flashcalls.jsonl").display().to_string()),
        ("KORDON_PHONE", format!("+{phone}")),
    ];
    let report = crate::helpers::node::page_part(&app, "account", "flashcall", email, &input).await;
    let en = &report["en"];
    assert_eq!((&en["switchedOn"], &en["codes"]), (&json!("Calls to your phone are on."), &json!(10)));
    assert_eq!(en["second"], "kordon will call your phone +7 999 •••-••-44.");
    assert_eq!(en["wrong"], "The code is not right or has expired.");
    assert_eq!(en["back"], "Your account");
    let ru = &report["ru"];
    assert_eq!(ru["second"], "Вы вошли по звонку. Теперь введите пароль.");
    assert_eq!(ru["state"], "Звонок на телефон · Включено");
    assert_eq!(ru["switchedOff"], "Звонок на телефон выключен.");
    let user = app.core.admin_user(email).await.expect("user");
    let state = app.core.mfa_state(user.id).await.expect("state");
    assert!(!state.on(), "switched off at the end: {state:?}");
    // Both second steps are on record: a wrong call PIN and a right one, the password after a PIN.
    app.core.audit_flush().await;
    let filter = kordon_core::audit::AuditFilter { kind: Some("signin".into()), limit: 50, ..Default::default() };
    let lines = app.core.audit_search(&filter).await.expect("audit");
    let mine = |method: &str, result: &str| {
        lines
            .iter()
            .filter(|l| l.user_id == Some(user.id) && l.method.as_deref() == Some(method) && l.result == result)
            .count()
    };
    assert_eq!((mine("pin", "failure"), mine("pin", "success")), (1, 2), "{lines:?}");
}
both!(calls_to_the_phone_as_the_second_step, super::quick_calls);

async fn email_and_phone_are_changed_through_the_smtp_sink(app: TestApp) {
    let sink = SmtpSink::start();
    let app = mailing(app, sink.port, |_| {}).await;
    crate::account::people(&app).await;
    let email = crate::account::ANNA;
    let (en_email, ru_email) = ("anna@new.example", "anna@newer.example");
    let input = [
        ("KORDON_MAIL_DIR", sink.dir().display().to_string()),
        ("KORDON_OUTBOX", app.outbox().join("flashcalls.jsonl").display().to_string()),
        ("KORDON_NEW_EMAIL_EN", en_email.to_owned()),
        ("KORDON_NEW_EMAIL_RU", ru_email.to_owned()),
        ("KORDON_PHONE_EN", "+7 999 000-55-11".to_owned()),
        ("KORDON_PHONE_RU", "+7 999 000-55-22".to_owned()),
    ];
    let report = crate::helpers::node::page_part(&app, "account", "contacts", email, &input).await;
    let en = &report["en"];
    assert_eq!(en["email"], "Your address · not confirmed");
    assert_eq!(en["sent"], "We sent a link. Open it within 24 hours and press its button.");
    assert_eq!(
        (&en["subject"], &en["confirm"]),
        (&json!("Confirm your new email address"), &json!("Confirm your address"))
    );
    assert_eq!((&en["confirmAddress"], &en["changed"]), (&json!(en_email), &json!("Address changed")));
    assert_eq!(en["profileEmail"], format!("{en_email} confirmed Change"));
    assert_eq!(
        en["calling"],
        "We are calling +79990005511. Do not answer: type the last four digits of the calling number."
    );
    assert_eq!(en["wrong"], "The PIN is not right, or the call has expired.");
    assert_eq!((&en["phoneChanged"], &en["phone"]), (&json!("Your phone number was changed."), &json!("79990005511")));
    let ru = &report["ru"];
    assert_eq!(ru["email"], "Ваш адрес · подтверждён");
    assert_eq!((&ru["subject"], &ru["changed"]), (&json!("Подтвердите новый адрес почты"), &json!("Адрес изменён")));
    assert_eq!(ru["profileEmail"], format!("{ru_email} подтверждён Изменить"));
    assert_eq!(
        (&ru["wrong"], &ru["phoneChanged"]),
        (&json!("PIN неверен или звонок устарел."), &json!("Номер телефона изменён."))
    );

    // The store has the last of each, and the addresses that were heard of every change.
    let user = app.core.admin_user(ru_email).await.expect("moved twice");
    assert_eq!((user.phone.as_deref(), user.email_verified), (Some("79990005522"), true));
    let subjects = |to: &str| -> Vec<String> {
        let mut s: Vec<String> = sink
            .received()
            .into_iter()
            .filter(|m| m["rcpt_tos"] == json!([to]))
            .map(|m| m["subject"].as_str().unwrap_or_default().to_owned())
            .collect();
        s.sort();
        s
    };
    assert_eq!(subjects(email), ["Your email address was changed"]);
    assert_eq!(
        subjects(en_email),
        ["Confirm your new email address", "Your phone number was changed", "Адрес почты изменён"]
    );
    assert_eq!(subjects(ru_email), ["Номер телефона изменён", "Подтвердите новый адрес почты"]);
}
both!(email_and_phone_are_changed_through_the_smtp_sink);

async fn an_account_is_opened_from_the_login_page(app: TestApp) {
    let sink = SmtpSink::start();
    let app = mailing(app, sink.port, |c| c.oauth.registration = true).await;
    let (en_email, ru_email) = ("owner@fresh.example", "vladelec@fresh.example");
    let input = [
        ("KORDON_OUTBOX", app.outbox().join("flashcalls.jsonl").display().to_string()),
        ("KORDON_NEW_EMAIL_EN", en_email.to_owned()),
        ("KORDON_NEW_EMAIL_RU", ru_email.to_owned()),
        ("KORDON_PHONE_EN", "+7 999 000-66-11".to_owned()),
        ("KORDON_PHONE_RU", "8 999 000-66-22".to_owned()),
    ];
    let report = crate::helpers::node::page_part(&app, "account", "register", "nobody@fresh.example", &input).await;
    let en = &report["en"];
    assert_eq!((&en["register"], &en["pinPage"]), (&json!("Create an account"), &json!("Confirm your phone")));
    assert_eq!(en["short"], "The password must be at least 8 characters.");
    assert_eq!((&en["account"], &en["who"]), (&json!("Your account"), &json!(en_email)));
    let ru = &report["ru"];
    assert_eq!((&ru["register"], &ru["pinPage"]), (&json!("Создание аккаунта"), &json!("Подтвердите телефон")));
    assert_eq!((&ru["account"], &ru["who"]), (&json!("Ваш аккаунт"), &json!(ru_email)));

    for (email, phone) in [(en_email, "79990006611"), (ru_email, "79990006622")] {
        let user = app.core.admin_user(email).await.expect("opened");
        assert_eq!((user.role, user.phone.as_deref()), (kordon_core::types::Role::LkAdmin, Some(phone)));
        let mails: Vec<_> = sink.received().into_iter().filter(|m| m["rcpt_tos"] == json!([email])).collect();
        assert_eq!(mails.len(), 1, "the link that proves {email}: {mails:?}");
    }
}
both!(an_account_is_opened_from_the_login_page);
