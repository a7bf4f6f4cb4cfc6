//! Ending and describing OAuth tokens: RFC 7009 revocation and RFC 7662 introspection of
//! session-bound and row-less (client_credentials) tokens, and who may introspect.

use crate::helpers::oauth::{claims, client, form, introspector, password_grant, send, token_json};
use crate::helpers::{PASSWORD, TestApp};
use base64::Engine as _;
use serde_json::json;

/// An application's client_credentials token has no session row; it ends as a session would:
/// its own revocation (per `jti`), the owner's password change or disabling, the application's
/// deletion.
async fn client_credentials_tokens_are_row_less_and_still_end(app: TestApp) {
    let owner = app.signed_in("owner@mail.ru", "79993332210").await;
    let (id, secret) = client(&app, &["client_credentials"], Some("owner@mail.ru")).await;
    let (rss, rs_secret) = introspector(&app, None).await;
    let (ids, grant) =
        (id.to_string(), json!({ "grant_type": "client_credentials", "client_id": id, "client_secret": secret }));
    let sessions = app.scalar("SELECT COUNT(*) FROM sessions").await;
    let mint =
        || async { token_json(&app, grant.clone()).await.body["access_token"].as_str().expect("jwt").to_owned() };
    let (first, second) = (mint().await, mint().await);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM sessions").await, sessions, "issuing writes no row");
    assert_eq!(
        (claims(&first).1["gty"].clone(), claims(&first).1["gen"].clone()),
        (json!("client_credentials"), json!(0))
    );
    let user = |jwt: &str| app.http.get(format!("{}/api/ver1.0/user/", app.base)).bearer_auth(jwt.to_owned());
    let introspect = |jwt: String| {
        let (app, rss, rs_secret) = (&app, rss.clone(), rs_secret.clone());
        async move { form(app, "/oauth/introspect", &[("token", &jwt)], Some((&rss, &rs_secret))).await.body }
    };
    let r = introspect(first.clone()).await;
    assert_eq!(
        (r["active"].clone(), r["client_id"].clone(), r["username"].clone()),
        (json!(true), json!(ids), json!("owner@mail.ru"))
    );
    assert_eq!((r["token_type"].clone(), r["jti"].clone()), (json!("access_token"), claims(&first).1["jti"].clone()));

    // Another client's revocation changes nothing; the application's own ends this token only.
    let (other, other_secret) = client(&app, &["client_credentials"], Some("owner@mail.ru")).await;
    let other = other.to_string();
    assert_eq!(form(&app, "/oauth/revoke", &[("token", &first)], Some((&other, &other_secret))).await.status, 200);
    assert_eq!(send(user(&first)).await.status, 200, "another client's revocation");
    assert_eq!(form(&app, "/oauth/revoke", &[("token", &first)], Some((&ids, &secret))).await.status, 200);
    assert_eq!(send(user(&first)).await.status, 401);
    assert_eq!(introspect(first.clone()).await, json!({ "active": false }));
    assert_eq!(form(&app, "/oauth/revoke", &[("token", &first)], Some((&ids, &secret))).await.status, 200, "again");
    assert_eq!(send(user(&second)).await.status, 200, "a revocation ends one token");

    // The owner's password change ends every token of the owner's applications; new ones work.
    let change = json!({ "current_password": PASSWORD, "password": "An0ther-long-pass", "password_confirmation": "An0ther-long-pass" });
    let (s, b) = app.post_auth("/api/v1/update-password", change, &owner).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(send(user(&second)).await.status, 401, "after the owner's password change");
    assert_eq!(introspect(second).await, json!({ "active": false }));
    let third = mint().await;
    assert_eq!(claims(&third).1["gen"], json!(1));
    assert_eq!(send(user(&third)).await.status, 200);

    // Disabling the owner ends it, and enabling does not bring it back.
    assert!(app.core.admin_set_user_disabled("owner@mail.ru", true, "test").await.expect("disable"));
    assert_eq!(send(user(&third)).await.status, 401, "owner disabled");
    assert!(app.core.admin_set_user_disabled("owner@mail.ru", false, "test").await.expect("enable"));
    assert_eq!(send(user(&third)).await.status, 401, "owner enabled again");

    // A forged generation does not pass: the signature covers it.
    let fourth = mint().await;
    let mut parts: Vec<String> = fourth.split('.').map(str::to_owned).collect();
    let mut body = claims(&fourth).1;
    body["gen"] = json!(0);
    parts[1] = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(body.to_string());
    assert_eq!(send(user(&parts.join("."))).await.status, 401, "forged claims");
    assert_eq!(send(user(&fourth)).await.status, 200);
}
both!(client_credentials_tokens_are_row_less_and_still_end);

async fn revoke_and_introspect(app: TestApp) {
    app.register("user@mail.ru", "79993332210").await;
    let (id, secret) = client(&app, &["password", "refresh_token"], None).await;
    let (rss, rs_secret) = introspector(&app, None).await;
    let t = password_grant(&app, id, &secret, "user@mail.ru").await;
    let jwt = t["access_token"].as_str().expect("jwt").to_string();
    let ids = id.to_string();
    let r = form(&app, "/oauth/introspect", &[("token", &jwt)], Some((&rss, &rs_secret))).await;
    assert_eq!(r.status, 200);
    assert_eq!(
        (r.body["active"].clone(), r.body["client_id"].clone(), r.body["username"].clone()),
        (json!(true), json!(ids), json!("user@mail.ru"))
    );
    assert_eq!(r.body["token_type"], "access_token");
    let r = form(
        &app,
        "/oauth/introspect",
        &[("token", t["refresh_token"].as_str().expect("rt"))],
        Some((&rss, &rs_secret)),
    )
    .await;
    assert_eq!((r.body["active"].clone(), r.body["token_type"].clone()), (json!(true), json!("refresh_token")));
    let r = form(&app, "/oauth/introspect", &[("token", &jwt)], None).await;
    assert_eq!((r.status, r.body["error"].clone()), (401, json!("invalid_client")));
    let r = form(&app, "/oauth/introspect", &[("token", "garbage")], Some((&rss, &rs_secret))).await;
    assert_eq!(r.body, json!({ "active": false }));
    // Cabinet and PBX sessions are not OAuth tokens: a resource server must not take them.
    let (_, login) = app.post("/api/v1/login", json!({ "email": "user@mail.ru", "password": PASSWORD })).await;
    let cabinet = login["token"].as_str().expect("t");
    assert_eq!(
        form(&app, "/oauth/introspect", &[("token", cabinet)], Some((&rss, &rs_secret))).await.body,
        json!({ "active": false })
    );
    // Another client's revocation changes nothing; the owner's kills the JWT at once.
    assert_eq!(form(&app, "/oauth/revoke", &[("token", &jwt)], Some((&rss, &rs_secret))).await.status, 200);
    assert_eq!(send(app.http.get(format!("{}/api/ver1.0/user/", app.base)).bearer_auth(&jwt)).await.status, 200);
    let r = form(&app, "/oauth/revoke", &[("token", &jwt), ("token_type_hint", "access_token")], Some((&ids, &secret)))
        .await;
    assert_eq!((r.status, r.body.clone()), (200, json!({})));
    let me = send(app.http.get(format!("{}/api/ver1.0/user/", app.base)).bearer_auth(&jwt)).await;
    assert_eq!(me.status, 401, "a revoked JWT is refused although its signature is valid");
    assert!(
        me.headers.get("www-authenticate").and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("invalid_token"))
    );
    assert_eq!(
        form(&app, "/oauth/introspect", &[("token", &jwt)], Some((&rss, &rs_secret))).await.body,
        json!({ "active": false })
    );
    let r = token_json(
        &app,
        json!({ "grant_type": "refresh_token", "client_id": id, "client_secret": secret,
                                     "refresh_token": t["refresh_token"] }),
    )
    .await;
    assert_eq!(r.status, 400, "the refresh token died with the session");
    assert_eq!(form(&app, "/oauth/revoke", &[("token", "unknown")], Some((&ids, &secret))).await.status, 200);
    assert_eq!(form(&app, "/oauth/revoke", &[], Some((&ids, &secret))).await.status, 400);
}
both!(revoke_and_introspect);

/// A JWT for `email` from a password-grant client: (client id, access token).
async fn user_jwt(app: &TestApp, email: &str) -> String {
    let (id, secret) = client(app, &["password"], None).await;
    let login = json!({ "grant_type": "password", "client_id": id, "client_secret": secret,
                        "username": email, "password": PASSWORD });
    token_json(app, login).await.body["access_token"].as_str().expect("jwt").to_string()
}

/// Only clients the operator allowed may introspect (others get 403, RFC 7662 §2.3 leaves the
/// choice), and a tenant's application sees only its own account's tokens.
async fn introspection_is_for_allowed_clients_only(app: TestApp) {
    let owner = app.signed_in("owner@mail.ru", "79993332210").await;
    app.register("stranger@mail.ru", "79993332211").await;
    let own = user_jwt(&app, "owner@mail.ru").await;
    let foreign = user_jwt(&app, "stranger@mail.ru").await;
    let ask = |creds: (String, String), token: String| {
        let app = &app;
        async move { form(app, "/oauth/introspect", &[("token", &token)], Some((&creds.0, &creds.1))).await }
    };
    // A client without the flag: forbidden, whatever it asks about.
    let (plain, plain_secret) = client(&app, &["client_credentials"], Some("owner@mail.ru")).await;
    let r = ask((plain.to_string(), plain_secret), own.clone()).await;
    assert_eq!((r.status, r.body["error"].clone()), (403, json!("unauthorized_client")), "{}", r.body);
    // Nor does a cabinet application get it.
    let (s, created) = app.post_auth("/api/v1/applications", json!({ "name": "crm" }), &owner).await;
    assert_eq!(s, 200, "{created}");
    let cabinet_app =
        (created["application_id"].to_string(), created["application_secret"].as_str().expect("s").into());
    let r = ask(cabinet_app, own.clone()).await;
    assert_eq!(r.status, 403, "{}", r.body);
    // An operator's resource server (no owner) sees every token.
    let operator = introspector(&app, None).await;
    let r = ask(operator.clone(), foreign.clone()).await;
    assert_eq!((r.body["active"].clone(), r.body["username"].clone()), (json!(true), json!("stranger@mail.ru")));
    // A tenant's introspecting application sees its own account's tokens only.
    let tenant = introspector(&app, Some("owner@mail.ru")).await;
    let r = ask(tenant.clone(), own).await;
    assert_eq!((r.body["active"].clone(), r.body["username"].clone()), (json!(true), json!("owner@mail.ru")));
    assert_eq!(ask(tenant, foreign).await.body, json!({ "active": false }));
}
both!(introspection_is_for_allowed_clients_only);
