//! Second factors in the core on both stores (issue 21, slice C's first half): an authenticator
//! app's enrolment, codes, replay guard and recovery codes, and the Defender's cap per person.
//! The codes are computed by Debian's `oathtool` (an implementation kordon did not write), at
//! the test's manual clock. The login page's second step and the dialects' answers build on this.

use crate::helpers::{PASSWORD, TestApp, oathtool};
use kordon_core::Clock as _;
use kordon_core::Origin;
use kordon_core::services::{NewUserCommand, TOTP_STEP};
use kordon_core::types::{PbxRole, Role, User};
use kordon_core::{Error, audit::AuditFilter};

const EMAIL: &str = "two@factor.example";

async fn person(app: &TestApp) -> User {
    let user = NewUserCommand {
        email: EMAIL,
        password: PASSWORD,
        phone: None,
        role: Role::LkUser,
        role_id: PbxRole::ADMINISTRATOR,
        domain: None,
    };
    app.core.admin_create_user(user).await.expect("user");
    app.core.admin_user(EMAIL).await.expect("the person")
}

fn from(ip: &str) -> Origin {
    Origin { ip: Some(ip.to_owned()), user_agent: Some("test".to_owned()), locale: None }
}

/// Enrols an authenticator for `user`: its secret and the recovery codes confirming it made.
async fn enrolled(app: &TestApp, user: &User) -> (String, Vec<String>) {
    let enrolment = app.core.totp_begin(user).await.expect("begin");
    let code = oathtool(&enrolment.secret, app.clock.now());
    let codes = app.core.totp_confirm(user, &code, PASSWORD, &from("127.0.0.1")).await.expect("confirm");
    (enrolment.secret, codes.expect("recovery codes come with the first authenticator"))
}

fn is_wrong_code(result: &Result<&'static str, Error>) -> bool {
    matches!(result, Err(Error::Credential { field: Some("otp"), .. }))
}

async fn an_authenticator_is_switched_on_by_its_first_code(app: TestApp) {
    let user = person(&app).await;
    let state = app.core.mfa_state(user.id).await.expect("state");
    assert!(!state.on() && !state.totp_pending && state.recovery_left == 0);

    let enrolment = app.core.totp_begin(&user).await.expect("begin");
    assert_eq!(enrolment.secret.len(), 32, "160 bits in base32: {}", enrolment.secret);
    assert!(
        enrolment.uri.starts_with("otpauth://totp/kordon%3Atwo%40factor.example?secret=")
            && enrolment.uri.contains(&enrolment.secret)
            && enrolment.uri.ends_with("&issuer=kordon&algorithm=SHA1&digits=6&period=30"),
        "{}",
        enrolment.uri
    );
    let state = app.core.mfa_state(user.id).await.expect("state");
    assert!(!state.on() && state.totp_pending, "off until a code confirms it");
    // The secret is sealed in the database, never in clear.
    let stored = app.text(&format!("SELECT secret FROM totp_factors WHERE user_id = {}", user.id)).await;
    assert!(stored.starts_with("kordon-sealed-v1:") && !stored.contains(&enrolment.secret), "{stored}");

    // A wrong password, a wrong code, or a code of two steps ago: still off.
    let now = app.clock.now();
    let right = oathtool(&enrolment.secret, now);
    let origin = from("127.0.0.1");
    let refused = app.core.totp_confirm(&user, &right, "not-the-password", &origin).await;
    assert!(matches!(refused, Err(Error::Credential { field: None, .. })), "{refused:?}");
    let stale = oathtool(&enrolment.secret, now - 2 * TOTP_STEP as i64);
    for code in ["000000", "12345", stale.as_str()] {
        let refused = app.core.totp_confirm(&user, code, PASSWORD, &origin).await;
        assert!(matches!(refused, Err(Error::Credential { field: Some("otp"), .. })), "{code}: {refused:?}");
    }
    assert!(!app.core.mfa_state(user.id).await.expect("state").on());

    let codes = app.core.totp_confirm(&user, &right, PASSWORD, &origin).await.expect("confirmed").expect("codes");
    assert_eq!(codes.len(), 10);
    let state = app.core.mfa_state(user.id).await.expect("state");
    assert!(state.on() && !state.totp_pending && state.recovery_left == 10, "{state:?}");
    let digests = app.text(&format!("SELECT MIN(digest) FROM recovery_codes WHERE user_id = {}", user.id)).await;
    assert!(codes.iter().all(|c| !digests.contains(c.as_str())), "codes are kept as digests only");
    // On, it cannot be begun again without removing it; the code that confirmed it is spent.
    assert!(matches!(app.core.totp_begin(&user).await, Err(Error::Refused(_))));
    assert!(is_wrong_code(&app.core.verify_second_factor(&user, &right, &origin).await), "spent by the enrolment");

    let filter = AuditFilter { kind: Some("mfa.enrolled".into()), limit: 10, ..Default::default() };
    app.core.audit_flush().await;
    let lines = app.core.audit_search(&filter).await.expect("audit");
    assert_eq!(lines.iter().map(|l| l.result.as_str()).collect::<Vec<_>>(), ["success", "failure"], "{lines:?}");

    // Removed (with the password): off, and its recovery codes gone.
    let state = app.core.totp_remove(&user, PASSWORD, &origin).await.expect("removed");
    assert!(!state.on() && state.recovery_left == 0, "{state:?}");
    assert!(is_wrong_code(&app.core.verify_second_factor(&user, &codes[0], &origin).await));
}
both!(an_authenticator_is_switched_on_by_its_first_code);

async fn a_code_is_accepted_once_within_a_step_either_way(app: TestApp) {
    let user = person(&app).await;
    let (secret, _) = enrolled(&app, &user).await;
    let origin = from("127.0.0.1");
    let step = TOTP_STEP as i64;

    app.clock.advance(step);
    let now = app.clock.now();
    let current = oathtool(&secret, now);
    assert_eq!(app.core.verify_second_factor(&user, &current, &origin).await.expect("right"), "otp");
    assert!(is_wrong_code(&app.core.verify_second_factor(&user, &current, &origin).await), "a replay");
    // The step before, once a newer one was accepted: refused; the next one (clock skew): taken.
    let before = oathtool(&secret, now - step);
    assert!(is_wrong_code(&app.core.verify_second_factor(&user, &before, &origin).await));
    let next = oathtool(&secret, now + step);
    assert_eq!(app.core.verify_second_factor(&user, &next, &origin).await.expect("skew"), "otp");
    // Two steps ahead is too far.
    let far = oathtool(&secret, now + 3 * step);
    assert!(is_wrong_code(&app.core.verify_second_factor(&user, &far, &origin).await));

    // The same new code at once on two requests (two instances share the store): one wins.
    app.clock.advance(3 * step);
    let code = oathtool(&secret, app.clock.now());
    let (a, b) = tokio::join!(
        app.core.verify_second_factor(&user, &code, &origin),
        app.core.verify_second_factor(&user, &code, &origin)
    );
    assert_eq!([a.is_ok(), b.is_ok()].iter().filter(|ok| **ok).count(), 1, "{a:?} {b:?}");
}
both!(a_code_is_accepted_once_within_a_step_either_way);

async fn a_recovery_code_works_once_and_a_new_set_ends_the_old(app: TestApp) {
    let user = person(&app).await;
    let (_, codes) = enrolled(&app, &user).await;
    let origin = from("127.0.0.1");
    // Typed loosely: lower case, spaces for dashes.
    let typed = codes[0].to_lowercase().replace('-', " ");
    assert_eq!(app.core.verify_second_factor(&user, &typed, &origin).await.expect("a recovery code"), "otp");
    assert!(is_wrong_code(&app.core.verify_second_factor(&user, &codes[0], &origin).await), "used once");
    assert_eq!(app.core.mfa_state(user.id).await.expect("state").recovery_left, 9);

    let refused = app.core.recovery_codes_anew(&user, "not-the-password", &origin).await;
    assert!(matches!(refused, Err(Error::Credential { .. })), "{refused:?}");
    let fresh = app.core.recovery_codes_anew(&user, PASSWORD, &origin).await.expect("anew");
    assert_eq!(fresh.len(), 10);
    assert!(is_wrong_code(&app.core.verify_second_factor(&user, &codes[1], &origin).await), "the old set ended");
    assert_eq!(app.core.verify_second_factor(&user, &fresh[9], &origin).await.expect("new"), "otp");
    assert_eq!(app.core.mfa_state(user.id).await.expect("state").recovery_left, 9);
    // Without an authenticator there are no recovery codes to make.
    app.core.totp_remove(&user, PASSWORD, &origin).await.expect("removed");
    assert!(matches!(app.core.recovery_codes_anew(&user, PASSWORD, &origin).await, Err(Error::Refused(_))));
}
both!(a_recovery_code_works_once_and_a_new_set_ends_the_old);

/// Wrong codes count for the host like wrong passwords, and for the person from any host: at
/// `defender.mfa_max_failures` their second factor is refused for the day, until forgiven; their
/// password is not.
async fn wrong_codes_are_capped_per_person_and_block_a_host(app: TestApp) {
    let user = person(&app).await;
    let (secret, codes) = enrolled(&app, &user).await;
    assert_eq!(app.config.defender.mfa_max_failures, 10, "the default cap");
    for n in 0..10 {
        // From ten hosts, so no host is blocked: the person's own cap is what stops them.
        let result = app.core.verify_second_factor(&user, "000000", &from(&format!("127.0.1.{n}"))).await;
        assert!(is_wrong_code(&result), "{n}: {result:?}");
    }
    app.clock.advance(TOTP_STEP as i64);
    let right = oathtool(&secret, app.clock.now());
    let capped = app.core.verify_second_factor(&user, &right, &from("127.0.2.1")).await;
    assert!(matches!(capped, Err(Error::RateLimited { .. })), "the person's cap, not a host's: {capped:?}");
    let capped = app.core.verify_second_factor(&user, &codes[0], &from("127.0.2.2")).await;
    assert!(matches!(capped, Err(Error::RateLimited { .. })), "recovery too: {capped:?}");
    // Listed with the person's id, on record with the setting; the password still works.
    let admin = crate::account::operator(&app).await;
    let capped = app.core.admin_capped_logins(&admin).await.expect("capped");
    let key = format!("mfa:{}", user.id);
    let row = capped.iter().find(|c| c.login == key).expect("the person's second factor is capped");
    assert_eq!((row.user_id, row.failures), (Some(user.id), 10));
    let filter = AuditFilter { kind: Some("defender.cap".into()), limit: 10, ..Default::default() };
    app.core.audit_flush().await;
    let cap = app.core.audit_search(&filter).await.expect("audit");
    assert_eq!(cap.len(), 1, "{cap:?}");
    assert_eq!(cap[0].user_id, Some(user.id), "filed under the person: {cap:?}");
    // Every wrong code is on record at once, under the person, as a sign-in's failure.
    let filter = AuditFilter { kind: Some("signin".into()), limit: 50, ..Default::default() };
    let signins = app.core.audit_search(&filter).await.expect("audit");
    let wrong = signins.iter().filter(|l| l.method.as_deref() == Some("otp") && l.result == "failure").count();
    assert!(wrong >= 10, "{signins:?}");
    assert!(signins.iter().filter(|l| l.method.as_deref() == Some("otp")).all(|l| l.user_id == Some(user.id)));
    assert_eq!((cap[0].method.as_deref(), cap[0].reason.as_deref()), (Some("otp"), Some("mfa_max_failures")));
    // The password is not capped with it: right, it is answered with the request for a code.
    let (status, body) = app.post("/api/v1/login", crate::helpers::login_body(EMAIL, PASSWORD)).await;
    assert_eq!((status, &body["message"]["field"]), (400, &serde_json::json!("otp")), "{body}");
    // Forgiving the person lifts it.
    assert!(app.core.admin_forgive_user(&admin, user.id).await.expect("forgiven"));
    assert_eq!(app.core.verify_second_factor(&user, &right, &from("127.0.2.3")).await.expect("right"), "otp");

    // From one host, ten wrong codes (of anyone's) block that host.
    for _ in 0..10 {
        let _ = app.core.verify_second_factor(&user, "111111", &from("127.0.3.1")).await;
    }
    let blocks = app.core.defender_blocks().await.expect("blocks");
    assert!(blocks.iter().any(|b| b.ip == "127.0.3.1"), "{blocks:?}");
}
both!(wrong_codes_are_capped_per_person_and_block_a_host);

/// The fingerprint of the key-encryption key a sealed row names (`kordon-sealed-v1:<fp>:…`).
fn sealed_by(row: &str) -> String {
    row.strip_prefix("kordon-sealed-v1:").and_then(|r| r.split(':').next()).expect("a sealed row").to_owned()
}

/// A new key-encryption key (the old one kept as previous): an instance that starts with it still
/// opens the authenticator secret sealed under the old one, and `kordon admin keys rewrap` moves
/// it to the new one with the signing keys; the person's codes sign in throughout.
async fn an_authenticator_secret_moves_to_a_new_encryption_key(app: TestApp) {
    let user = person(&app).await;
    let (key, _) = enrolled(&app, &user).await;
    let before = app.core.store.totp_factor(user.id).await.expect("read").expect("a factor").secret;
    assert!(!before.contains(&key), "never in clear");
    let old_key = std::fs::read_to_string(app.dir.path().join("signing-keys.key")).expect("the key file");
    let mut fresh = [0u8; 32];
    aws_lc_rs::rand::fill(&mut fresh).expect("random");
    let new_key = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, fresh);
    let rotated = app
        .sibling_with(|c| {
            c.signing_keys.encryption_key = Some(new_key.clone().into());
            c.signing_keys.previous_encryption_key = Some(old_key.trim().to_owned().into());
        })
        .await;
    let sign_in = |app: &TestApp| {
        app.clock.advance(TOTP_STEP as i64);
        serde_json::json!({"email": EMAIL, "password": PASSWORD, "otp": oathtool(&key, app.clock.now())})
    };
    let (status, answer) = app.cabinet_at(&rotated.base, "/api/v1/login", sign_in(&app), &[]).await;
    assert_eq!(status, 200, "the previous key still opens it: {answer}");

    let mut rewrap = std::process::Command::new(env!("CARGO_BIN_EXE_kordon"));
    rewrap.args(["admin", "keys", "rewrap", "--data-dir"]).arg(app.dir.path());
    if !app.config.server.database_url.is_empty() {
        rewrap.arg("--database-url").arg(&app.config.server.database_url);
    }
    rewrap.env("KORDON_SIGNING_KEYS__ENCRYPTION_KEY", &new_key);
    rewrap.env("KORDON_SIGNING_KEYS__PREVIOUS_ENCRYPTION_KEY", old_key.trim());
    let out = rewrap.output().expect("kordon admin keys rewrap");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let said: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let after = app.core.store.totp_factor(user.id).await.expect("read").expect("a factor").secret;
    assert_ne!(sealed_by(&after), sealed_by(&before), "moved: {said}");
    assert_eq!(said["fingerprint"].as_str(), Some(sealed_by(&after).as_str()), "under the new key: {said}");
    let (status, answer) = app.cabinet_at(&rotated.base, "/api/v1/login", sign_in(&app), &[]).await;
    assert_eq!(status, 200, "the resealed secret opens under the new key: {answer}");
}
both!(an_authenticator_secret_moves_to_a_new_encryption_key);
