//! Stored password hashes: a hash made with weaker argon2 parameters than the server's is
//! replaced at the next successful sign-in (and only then). SQLite and PostgreSQL.

use crate::helpers::{PASSWORD, TestApp};
use serde_json::json;

/// An argon2id hash of `password` with weaker parameters than any kordon makes (m = 8 MiB, t = 1).
fn weak_hash(password: &str) -> String {
    use argon2::PasswordHasher as _;
    let params = argon2::Params::new(8192, 1, 1, None).expect("params");
    let argon = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    argon.hash_password(password.as_bytes()).expect("hash").to_string()
}

async fn stored(app: &TestApp) -> String {
    app.text("SELECT password_hash FROM users").await
}

async fn weaker_hashes_are_upgraded_at_the_next_sign_in(app: TestApp) {
    app.register("user@mail.ru", "79993332210").await;
    let weak = weak_hash(PASSWORD);
    assert!(weak.starts_with("$argon2id$v=19$m=8192,t=1,p=1$"), "{weak}");
    app.execute(&format!("UPDATE users SET password_hash = '{weak}'")).await;

    // A wrong password changes nothing.
    let (status, _) =
        app.post("/api/v1/login", json!({ "email": "user@mail.ru", "password": "not-the-password" })).await;
    assert_eq!(status, 400);
    assert_eq!(stored(&app).await, weak);
    // The right one signs in with the old hash, which is then replaced by one with today's parameters.
    app.login("user@mail.ru", PASSWORD).await;
    let upgraded = stored(&app).await;
    assert!(upgraded.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "upgraded: {upgraded}");
    // It is the same password, and an up-to-date hash is left alone.
    app.login("user@mail.ru", PASSWORD).await;
    assert_eq!(stored(&app).await, upgraded);
    // The OAuth password grant signs in through the same check.
    app.execute(&format!("UPDATE users SET password_hash = '{weak}'")).await;
    app.oauth_password_token("user@mail.ru").await;
    assert!(stored(&app).await.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
}
both!(weaker_hashes_are_upgraded_at_the_next_sign_in);
