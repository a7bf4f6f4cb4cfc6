//! A token answered to a client survives `kill -9` of the server: every answer that hands out a
//! token is written (committed) before it is sent, and nothing is held back in memory. The real
//! binary is killed with SIGKILL and started again on the same store, both stores.

use crate::helpers::PASSWORD;
use crate::helpers::binary::{Store, admin, create_user, serve};
use serde_json::{Value, json};

async fn post(base: &str, path: &str, body: Value, bearer: Option<&str>) -> (u16, Value) {
    let mut req =
        reqwest::Client::new().post(format!("{base}{path}")).header("Client", crate::helpers::CLIENT).json(&body);
    if let Some(token) = bearer {
        req = req.bearer_auth(token);
    }
    let resp = req.send().await.expect("request");
    (resp.status().as_u16(), resp.json().await.unwrap_or(Value::Null))
}

async fn get(base: &str, path: &str, bearer: &str) -> u16 {
    let req = reqwest::Client::new()
        .get(format!("{base}{path}"))
        .header("Client", crate::helpers::CLIENT)
        .bearer_auth(bearer);
    req.send().await.expect("request").status().as_u16()
}

async fn tokens_survive_kill_9(store: &Store) {
    create_user(store, "owner@mail.ru", &["--role", "lk_admin"]).await;
    let client = admin(
        store,
        &["client", "create", "--name", "app", "--grant", "client_credentials", "--owner-email", "owner@mail.ru"],
    )
    .await
    .json();
    // The restarted server listens on another port: the issuer must not follow it.
    let env = [("KORDON_OAUTH__ISSUER", "http://kordon.test")];
    let mut served = serve(store, &env).await;
    let base = served.base.clone();

    // A login, a rotation of it, and an application's JWT, each answered just before the kill.
    let (s, login) =
        post(&base, "/api/v1/login", json!({ "email": "owner@mail.ru", "password": PASSWORD }), None).await;
    assert_eq!(s, 200, "{login}");
    let (s, rotated) = post(&base, "/api/v1/refresh", json!({ "token": login["refresh_token"] }), None).await;
    assert_eq!(s, 200, "{rotated}");
    let grant = json!({ "grant_type": "client_credentials", "client_id": client["client_id"],
                        "client_secret": client["client_secret"] });
    let (s, issued) = post(&base, "/oauth/token", grant, None).await;
    assert_eq!(s, 200, "{issued}");
    let jwt = issued["access_token"].as_str().expect("access_token").to_owned();

    served.child.kill().expect("SIGKILL");
    served.child.wait().expect("reaped");
    let again = serve(store, &env).await;
    let base = again.base.clone();

    let access = rotated["token"].as_str().expect("token");
    assert_eq!(get(&base, "/api/v1/authuser", access).await, 200, "the rotated access token survived");
    assert_eq!(get(&base, "/api/ver1.0/user/", &jwt).await, 200, "the application's JWT survived");
    let old = login["token"].as_str().expect("token");
    assert_eq!(get(&base, "/api/v1/authuser", old).await, 401, "the rotation survived too");
    let (s, next) = post(&base, "/api/v1/refresh", json!({ "token": rotated["refresh_token"] }), None).await;
    assert_eq!(s, 200, "the rotated refresh token survived: {next}");
}
on_both_stores!(tokens_survive_kill_9);
