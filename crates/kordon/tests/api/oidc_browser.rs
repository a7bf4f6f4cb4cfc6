//! A certified relying party against kordon, on both stores: `openid-client` (npm) runs the whole
//! OpenID Connect code flow while headless Chromium fills kordon's login pages — email + password
//! with consent, phone + FlashCall with the PIN read from the dev outbox, SSO for a second client,
//! refresh, RP-initiated logout — and kordon's error page is shown for an unregistered redirect
//! URI. Screenshots of every page land in `target/tmp/oidc-<store>/` to be looked at.
//!
//! Needs Debian's Chromium, Node and `npm ci --prefix crates/kordon/tests/oidc-rp` (./test.sh
//! installs them); without them it fails, never skips.

use crate::helpers::{Backend, PASSWORD, TestApp};
use kordon_core::Clock as _;
use kordon_core::services::{ClientOptions, NewUserCommand};
use kordon_core::types::{PbxRole, Role};
use kordon_testkit::free_port;
use serde_json::{Value, json};
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

const EMAIL: &str = "rp-user@example.com";
const PHONE: &str = "79990001133";

async fn relying_party_signs_in_through_the_login_pages(app: TestApp) {
    let browser = crate::helpers::node::chromium();
    let dir = crate::helpers::node::driver("oidc-rp", "openid-client");
    // The relying party checks iat and exp against the real clock: the test clock catches up.
    let real = time::OffsetDateTime::now_utc().unix_timestamp();
    app.clock.advance((real - app.clock.now()).max(0));
    let user = NewUserCommand {
        email: EMAIL,
        password: PASSWORD,
        phone: Some(PHONE),
        role: Role::LkAdmin,
        role_id: PbxRole::ADMINISTRATOR,
        domain: None,
    };
    app.core.admin_create_user(user).await.expect("user");

    let port = free_port();
    // The partner's application belongs to a customer's account: its consent page says so.
    let partner_admin = NewUserCommand {
        email: "crm@partner.example",
        password: PASSWORD,
        phone: None,
        role: Role::LkAdmin,
        role_id: PbxRole::ADMINISTRATOR,
        domain: Some("partner.example"),
    };
    app.core.admin_create_user(partner_admin).await.expect("partner");
    let register = |name: &'static str, public: bool, trusted: bool, owner: Option<&'static str>| {
        let app = &app;
        async move {
            let options = ClientOptions {
                redirect_uris: vec![format!("http://127.0.0.1:{port}/callback")],
                post_logout_redirect_uris: vec![format!("http://127.0.0.1:{port}/bye")],
                public,
                trusted,
                ..Default::default()
            };
            let grants = vec!["authorization_code".to_string(), "refresh_token".to_string()];
            app.core.admin_create_client_with(name, None, grants, owner, options).await.expect("client")
        }
    };
    let partner = register("Partner CRM", false, false, Some("crm@partner.example")).await;
    let grafana = register("Grafana", false, true, None).await;
    let mobile = register("Mobile app", true, false, None).await;

    let store = match app.backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("oidc-{store}"));
    let _ = std::fs::remove_dir_all(&shots);
    let secret = |c: &kordon_core::services::CreatedClient| c.client_secret.clone().expect("confidential");
    let mut cmd = Command::new("node");
    cmd.arg("rp.mjs")
        .current_dir(&dir)
        .env("KORDON_BASE", &app.base)
        .env("KORDON_CALLBACK_PORT", port.to_string())
        .env("KORDON_CONFIDENTIAL_ID", partner.client_id.to_string())
        .env("KORDON_CONFIDENTIAL_SECRET", secret(&partner))
        .env("KORDON_TRUSTED_ID", grafana.client_id.to_string())
        .env("KORDON_TRUSTED_SECRET", secret(&grafana))
        .env("KORDON_PUBLIC_ID", mobile.client_id.to_string())
        .env("KORDON_EMAIL", EMAIL)
        .env("KORDON_PASSWORD", PASSWORD)
        .env("KORDON_PHONE", format!("+{PHONE}"))
        .env("KORDON_OUTBOX", app.outbox().join("flashcalls.jsonl"))
        .env("KORDON_CHROMIUM", &browser)
        .env("KORDON_SCREENSHOTS", &shots);
    let stdout = app.dir.path().join("rp-report.json");
    let (report, ok) = crate::helpers::node::run(cmd, stdout, Duration::from_secs(240)).await;
    eprintln!("relying party steps: {}", report["steps"]);
    eprintln!("screenshots in {}", shots.display());
    assert!(ok && report["ok"] == true, "the relying party failed: {}\nreport: {report}", report["error"]);
    assert_eq!(report["blocked"], json!([]), "requests to other hosts");
    assert_eq!(report["pageErrors"], json!([]));
    assert_eq!(report["consoleErrors"], json!([]), "console errors (a CSP violation is one)");

    let user_id = app.core.admin_user(EMAIL).await.expect("user").id.to_string();
    let a = &report["password"];
    assert_eq!(a["verified"]["sub"], user_id.as_str());
    assert_eq!(a["verified"]["amr"], json!(["pwd"]));
    assert_eq!(a["verified"]["email"], EMAIL);
    assert_eq!(a["verified"]["phone_number"], format!("+{PHONE}"));
    assert_eq!(a["scope"], "openid email phone offline_access");
    assert_eq!(
        a["userinfo"],
        json!({ "sub": user_id, "email": EMAIL, "email_verified": false,
        "phone_number": format!("+{PHONE}"), "phone_number_verified": true })
    );
    assert_eq!(a["refreshedUserinfo"], a["userinfo"]);
    assert_eq!(a["sso"], user_id.as_str(), "the trusted client signed the same user in without a page");
    assert_eq!(a["afterLogout"]["error"], "login_required", "{}", a["afterLogout"]);
    assert_eq!(a["signedInAgain"], user_id.as_str(), "the login form answered straight to the trusted client");

    let b = &report["flashcall"];
    assert_eq!(b["verified"]["amr"], json!(["tel"]));
    assert_eq!(b["verified"]["phone_number"], format!("+{PHONE}"));
    assert_eq!(b["verified"]["aud"], mobile.client_id.to_string());
    assert_eq!(b["userinfo"]["sub"], user_id.as_str());
    assert_eq!(b["refresh"], false, "no offline_access asked for: no refresh token (OIDC Core §11)");
    assert_eq!(b["signedOut"], "Вы вышли");

    let errors = &report["errors"];
    for (page, heading) in
        [("error-en", "This sign-in request cannot be used"), ("error-ru", "Этот запрос на вход нельзя использовать")]
    {
        assert_eq!(errors[page]["status"], 400, "{page}: {}", errors[page]);
        assert!(
            errors[page]["url"].as_str().is_some_and(|u| u.starts_with(&app.base)),
            "not redirected: {}",
            errors[page]
        );
        assert_eq!(errors[page]["heading"], heading);
    }
    let shots_taken: Vec<&str> =
        report["screenshots"].as_array().expect("screenshots").iter().filter_map(Value::as_str).collect();
    let names = [
        "login-en",
        "consent-en",
        "login-ru",
        "flashcall-ru",
        "consent-ru",
        "logout-ru",
        "signed-out-ru",
        "error-en",
        "error-ru",
    ];
    for name in names {
        assert!(shots_taken.iter().any(|s| s.ends_with(&format!("{name}.png"))), "{name}: {shots_taken:?}");
    }
}
both!(relying_party_signs_in_through_the_login_pages);
