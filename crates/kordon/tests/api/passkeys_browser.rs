//! Passkeys in headless Chromium on both stores (`tests/oidc-rp/passkeys.mjs`): kordon serves at
//! `http://localhost:PORT` (a passkey's RP ID is a host name), Chromium's virtual authenticator
//! (the DevTools protocol) registers one on the account page, uses it after the password and
//! alone, and a second browser holding it removes it. Screenshots in `target/tmp/passkeys-<store>/`.

use crate::account::{ANNA, people};
use crate::helpers::TestApp;
use serde_json::json;

/// kordon on a free loopback port, public as `http://localhost:<port>`.
fn on_localhost(config: &mut kordon::config::Config) {
    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port").local_addr().expect("addr").port();
    config.server.listen = format!("127.0.0.1:{port}");
    config.server.public_url = format!("http://localhost:{port}");
}

async fn a_virtual_authenticator_registers_and_uses_a_passkey(app: TestApp) {
    people(&app).await;
    let base = app.core.issuer().to_owned();
    assert!(base.starts_with("http://localhost:"), "{base}");
    let report = crate::helpers::node::page_part(&app, "passkeys", "passkeys", ANNA, &[("KORDON_BASE", base)]).await;
    let en = &report["en"];
    assert_eq!(en["create"], "Create the passkey");
    assert_eq!((&en["added"], &en["codes"]), (&json!("The passkey was added."), &json!(10)));
    let row = en["rows"][0].as_str().expect("a row");
    assert!(row.contains("Laptop") && row.contains("Built into a device"), "{row}");
    assert_eq!(en["second"], "Confirm it is you with your passkey.");
    assert_eq!(
        en["refused"],
        "No passkey was used: the browser refused or the time ran out. Try again, or sign in another way."
    );
    assert_eq!((&en["signin"], &en["back"]), (&json!("Sign in with a passkey"), &json!("Your account")));
    let ru = &report["ru"];
    assert_eq!((&ru["signin"], &ru["back"]), (&json!("Вход с ключом доступа"), &json!("Ваш аккаунт")));
    assert_eq!(
        (&ru["question"], &ru["removed"], &ru["rows"]),
        (&json!("Удалить этот ключ?"), &json!("Ключ удалён."), &json!(0))
    );

    // What the sign-ins were, as the ID tokens say it: the password and the passkey (a key kept
    // in the device), then the passkey alone, in each language.
    let user = app.core.admin_user(ANNA).await.expect("anna");
    let signed =
        |amr: &str| format!("SELECT COUNT(*) FROM login_sessions WHERE user_id = {} AND amr = '{amr}'", user.id);
    let counts =
        [app.scalar(&signed("pwd")).await, app.scalar(&signed("pwd swk")).await, app.scalar(&signed("swk mfa")).await];
    assert_eq!(counts, [1, 1, 2], "password; password and passkey; the passkey alone in each language");
    assert!(app.core.passkeys(user.id).await.expect("passkeys").is_empty());
}
both!(a_virtual_authenticator_registers_and_uses_a_passkey, super::on_localhost);
