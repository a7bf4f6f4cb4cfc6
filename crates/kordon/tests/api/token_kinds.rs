//! One bearer, every dialect: which token kinds each endpoint group accepts (README's table),
//! enforced and tested — a cabinet session, a personal API token, a PBX session, an OAuth JWT
//! for a user and an OAuth JWT for an application, against the cabinet, the PBX API, the
//! biometrics API and the provider API.

use crate::helpers::{PASSWORD, TestApp};
use serde_json::{Value, json};

async fn oauth(app: &TestApp, body: Value) -> String {
    let resp = app.http.post(format!("{}/oauth/token", app.base)).json(&body).send().await.expect("request");
    let body: Value = resp.json().await.expect("json");
    body["access_token"].as_str().unwrap_or_else(|| panic!("token: {body}")).to_string()
}

/// The status of a GET of `path` with `token` as bearer.
async fn status_of(app: &TestApp, path: &str, token: &str) -> u16 {
    let resp = app.http.get(format!("{}{path}", app.base)).bearer_auth(token).send().await.expect("request");
    resp.status().as_u16()
}

/// Does `group` accept `token`? (200 = accepted, 401 = refused; anything else fails the test.)
async fn accepts(app: &TestApp, group: &str, token: &str) -> bool {
    let status = match group {
        "cabinet" => app.get_auth("/api/v1/authuser", token).await.0,
        "pbx" => app.pbx(json!({ "action": "list", "obj": "Defender", "action_id": "1" }), Some(token)).await.0,
        "biometrics" => status_of(app, "/api/users", token).await,
        "provider" => status_of(app, "/api/ver1.0/user/", token).await,
        _ => unreachable!(),
    };
    assert!(status == 200 || status == 401, "{group}: unexpected {status}");
    status == 200
}

async fn each_group_takes_its_own_kinds(app: TestApp) {
    let reg = app.register("owner@mail.ru", "79993332210").await;
    let cabinet = reg["token"].as_str().expect("t").to_string();
    let (_, api) = app.post_auth("/api/v1/tokens", json!({}), &cabinet).await;
    let api = api["token"].as_str().expect("t").to_string();
    let (_, pbx, _) = app
        .pbx(
            json!({ "action": "auth", "obj": "User", "action_id": "1",
                     "params": { "login": "owner@mail.ru", "password": PASSWORD } }),
            None,
        )
        .await;
    let pbx = pbx["body"]["token"].as_str().expect("t").to_string();
    let c = app
        .core
        .admin_create_client("both", None, vec!["password".into(), "client_credentials".into()], Some("owner@mail.ru"))
        .await
        .expect("client");
    let user_jwt = oauth(
        &app,
        json!({ "grant_type": "password", "client_id": c.client_id, "client_secret": c.client_secret,
                                        "username": "owner@mail.ru", "password": PASSWORD }),
    )
    .await;
    let app_jwt = oauth(
        &app,
        json!({ "grant_type": "client_credentials", "client_id": c.client_id,
                                       "client_secret": c.client_secret }),
    )
    .await;
    let groups = ["cabinet", "pbx", "biometrics", "provider"];
    let table = [
        ("cabinet session", &cabinet, [true, false, false, false]),
        ("API token", &api, [true, false, false, true]),
        ("PBX session", &pbx, [false, true, false, false]),
        ("OAuth JWT (user)", &user_jwt, [false, false, true, true]),
        ("OAuth JWT (application)", &app_jwt, [false, false, true, true]),
    ];
    for (kind, token, expected) in table {
        for (group, want) in groups.iter().zip(expected) {
            assert_eq!(accepts(&app, group, token).await, want, "{kind} at {group}");
        }
    }
}
both!(each_group_takes_its_own_kinds);
