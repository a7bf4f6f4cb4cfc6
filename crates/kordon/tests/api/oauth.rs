//! The OAuth 2 token service: seed 002's password grant, client_credentials, refresh rotation,
//! every RFC 6749 error, RS256 JWTs (RFC 9068) checked against the JWKS by an independent library,
//! discovery, key rotation, and forged tokens refused (revocation and introspection:
//! `oauth_revocation.rs`).

use crate::helpers::oauth::{claims, client, form, password_grant, send, token_json};
use crate::helpers::{Backend, PASSWORD, TestApp};
use base64::Engine as _;
use kordon_core::Clock;
use serde_json::{Value, json};

async fn password_grant_as_seed_002_sends_it(app: TestApp) {
    let user_id = app.register("test@test.test", "79993332210").await["user"]["id"].clone();
    let (id, secret) = client(&app, &["password", "refresh_token"], None).await;
    let r = token_json(
        &app,
        json!({ "grant_type": "password", "client_id": id, "client_secret": secret,
                "username": "test@test.test", "password": PASSWORD }),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.headers.get("cache-control").and_then(|v| v.to_str().ok()), Some("no-store"));
    let keys: Vec<_> = r.body.as_object().expect("object").keys().cloned().collect();
    assert_eq!(keys, ["access_token", "expires_in", "refresh_token", "token_type"]);
    assert_eq!((r.body["token_type"].clone(), r.body["expires_in"].clone()), (json!("Bearer"), json!(3600)));
    let jwt = r.body["access_token"].as_str().expect("jwt");
    let (header, claims) = claims(jwt);
    assert_eq!((header["alg"].clone(), header["typ"].clone()), (json!("RS256"), json!("at+jwt")));
    let now = app.clock.now();
    assert_eq!(claims["iss"], app.base);
    assert_eq!(claims["sub"], user_id.to_string());
    assert_eq!((claims["aud"].clone(), claims["client_id"].clone()), (json!(id.to_string()), json!(id.to_string())));
    assert_eq!((claims["iat"].clone(), claims["exp"].clone()), (json!(now), json!(now + 3600)));
    assert!(claims["jti"].is_string() && claims["scope"].is_string());
    let kid = header["kid"].as_str().expect("kid");
    let jwks = send(app.http.get(format!("{}/.well-known/jwks.json", app.base))).await.body;
    let key = jwks["keys"].as_array().expect("keys").iter().find(|k| k["kid"] == kid).expect("kid published").clone();
    assert_eq!(
        (key["kty"].clone(), key["alg"].clone(), key["use"].clone()),
        (json!("RSA"), json!("RS256"), json!("sig"))
    );
    assert!(key.get("d").is_none(), "no private part in the JWKS");
    independent_check(jwt, &jwks, &app.base, &id.to_string());
}
both!(password_grant_as_seed_002_sends_it);

/// Verifies the JWT with PyJWT (an implementation that shares nothing with kordon's). Its `iat`
/// comes from the tests' clock, which starts a minute into the current hour: in an hour's first
/// minute that is up to 60 s ahead of PyJWT's, so it allows 120 s (the test failed at 16:00
/// UTC on 2026-12-07 with "The token is not yet valid (iat)").
fn independent_check(jwt: &str, jwks: &Value, issuer: &str, audience: &str) {
    let script = r#"
import json, sys, jwt
data = json.load(sys.stdin)
header = jwt.get_unverified_header(data["jwt"])
key = next(k for k in data["jwks"]["keys"] if k["kid"] == header["kid"])
claims = jwt.decode(data["jwt"], jwt.PyJWK(key).key, algorithms=["RS256"], audience=data["aud"], issuer=data["iss"],
                    options={"verify_exp": False}, leeway=120)
print(json.dumps(claims))
"#;
    let mut child = std::process::Command::new("python3")
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("python3");
    let input = json!({ "jwt": jwt, "jwks": jwks, "iss": issuer, "aud": audience });
    std::io::Write::write_all(child.stdin.as_mut().expect("stdin"), input.to_string().as_bytes()).expect("write");
    let out = child.wait_with_output().expect("python3");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("No module named 'jwt'") && !stderr.contains("cryptography"),
        "the independent JWT check needs PyJWT with cryptography: pip install 'pyjwt[crypto]'\n{stderr}"
    );
    assert!(out.status.success(), "PyJWT refused kordon's token: {stderr}");
    let claims: Value = serde_json::from_slice(&out.stdout).expect("claims");
    assert_eq!(claims["aud"], audience);
}

async fn form_and_basic_auth_and_per_client_lifetime(app: TestApp) {
    app.register("user@mail.ru", "79993332210").await;
    let created = app
        .core
        .admin_create_client_with_ttl("year", None, vec!["password".into()], None, Some(31_536_000))
        .await
        .expect("client");
    let id = created.client_id.to_string();
    let secret = created.client_secret.clone().expect("a confidential client has a secret");
    let r = form(
        &app,
        "/oauth/token",
        &[("grant_type", "password"), ("username", "user@mail.ru"), ("password", PASSWORD)],
        Some((&id, &secret)),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["expires_in"], 31_536_000, "the seed's one-year lifetime, per client");
    let r = form(
        &app,
        "/oauth/token",
        &[
            ("grant_type", "password"),
            ("client_id", &id),
            ("client_secret", &secret),
            ("username", "user@mail.ru"),
            ("password", PASSWORD),
        ],
        None,
    )
    .await;
    assert_eq!(r.status, 200, "client_secret_post");
    let r = form(
        &app,
        "/oauth/token",
        &[("grant_type", "password"), ("client_secret", "x"), ("username", "user@mail.ru"), ("password", PASSWORD)],
        Some((&id, &secret)),
    )
    .await;
    assert_eq!((r.status, r.body["error"].clone()), (400, json!("invalid_request")), "two methods at once");
}
both!(form_and_basic_auth_and_per_client_lifetime);

async fn client_credentials_act_for_the_owner(app: TestApp) {
    let owner = app.register("owner@mail.ru", "79993332210").await["user"]["id"].clone();
    let (id, secret) = client(&app, &["client_credentials"], Some("owner@mail.ru")).await;
    let r = token_json(
        &app,
        json!({ "grant_type": "client_credentials", "client_id": id.to_string(), "client_secret": secret }),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.get("refresh_token").is_none(), "no refresh token for client_credentials");
    let jwt = r.body["access_token"].as_str().expect("jwt");
    assert_eq!(claims(jwt).1["sub"], owner.to_string());
    let me = send(app.http.get(format!("{}/api/ver1.0/user/", app.base)).bearer_auth(jwt)).await;
    assert_eq!(me.status, 200, "{}", me.body);
    assert_eq!((me.body["email"].clone(), me.body["id"].clone()), (json!("owner@mail.ru"), owner));
    // A client without an owner cannot use client_credentials.
    let (lone, lone_secret) = client(&app, &["client_credentials"], None).await;
    let r = token_json(
        &app,
        json!({ "grant_type": "client_credentials", "client_id": lone, "client_secret": lone_secret }),
    )
    .await;
    assert_eq!((r.status, r.body["error"].clone()), (400, json!("unauthorized_client")));
}
both!(client_credentials_act_for_the_owner);

async fn refresh_rotates_and_reuse_is_refused(app: TestApp) {
    app.register("user@mail.ru", "79993332210").await;
    let (id, secret) = client(&app, &["password", "refresh_token"], None).await;
    let (other, other_secret) = client(&app, &["password", "refresh_token"], None).await;
    let login = json!({ "grant_type": "password", "client_id": id, "client_secret": secret,
                        "username": "user@mail.ru", "password": PASSWORD });
    let first = token_json(&app, login).await.body;
    let refresh = |rt: &Value, id: i64, secret: &str| json!({ "grant_type": "refresh_token", "client_id": id, "client_secret": secret, "refresh_token": rt });
    let r = token_json(&app, refresh(&first["refresh_token"], other, &other_secret)).await;
    assert_eq!((r.status, r.body["error"].clone()), (400, json!("invalid_grant")), "another client's refresh token");
    let second = token_json(&app, refresh(&first["refresh_token"], id, &secret)).await;
    assert_eq!(second.status, 200, "{}", second.body);
    let jwt = second.body["access_token"].as_str().expect("jwt").to_string();
    assert_eq!(send(app.http.get(format!("{}/api/ver1.0/user/", app.base)).bearer_auth(&jwt)).await.status, 200);
    // Within the grace window the spent token gets the same successor again (a second worker,
    // a retry), and its refresh token is the same one.
    let again = token_json(&app, refresh(&first["refresh_token"], id, &secret)).await;
    assert_eq!((again.status, &again.body["refresh_token"]), (200, &second.body["refresh_token"]));
    assert_eq!(claims(again.body["access_token"].as_str().expect("jwt")).1["jti"], claims(&jwt).1["jti"]);
    // After it, the spent token again: refused, and the whole family is revoked.
    app.clock.advance(11);
    let r = token_json(&app, refresh(&first["refresh_token"], id, &secret)).await;
    assert_eq!(
        (r.status, r.body.clone()),
        (400, json!({ "error": "invalid_grant", "error_description": "The refresh token is invalid." }))
    );
    assert_eq!(send(app.http.get(format!("{}/api/ver1.0/user/", app.base)).bearer_auth(&jwt)).await.status, 401);
    assert_eq!(token_json(&app, refresh(&second.body["refresh_token"], id, &secret)).await.status, 400);
}
both!(refresh_rotates_and_reuse_is_refused);

async fn every_rfc_6749_error(app: TestApp) {
    app.register("user@mail.ru", "79993332210").await;
    let (id, secret) = client(&app, &["password"], None).await;
    let base = json!({ "grant_type": "password", "client_id": id, "client_secret": secret,
                       "username": "user@mail.ru", "password": PASSWORD });
    let with = |key: &str, value: Value| {
        let mut b = base.clone();
        b[key] = value;
        b
    };
    let r = token_json(&app, with("client_secret", json!("wrong"))).await;
    assert_eq!(
        (r.status, r.body.clone()),
        (401, json!({ "error": "invalid_client", "error_description": "Client authentication failed." }))
    );
    assert_eq!(r.headers.get("www-authenticate").and_then(|v| v.to_str().ok()), Some("Basic realm=\"kordon\""));
    assert_eq!(token_json(&app, with("client_id", json!(99999))).await.status, 401, "unknown client");
    assert_eq!(token_json(&app, with("client_id", json!("abc"))).await.status, 401);
    assert_eq!(token_json(&app, with("client_id", json!(10553))).await.status, 401, "the cabinet has no secret");
    let mut no_client = base.clone();
    no_client.as_object_mut().expect("o").remove("client_id");
    assert_eq!(token_json(&app, no_client).await.status, 401);
    let r = token_json(&app, with("password", json!("wrong-password"))).await;
    assert_eq!(
        (r.status, r.body.clone()),
        (400, json!({ "error": "invalid_grant", "error_description": "The user credentials were incorrect." }))
    );
    let r = token_json(&app, with("username", json!("nobody@mail.ru"))).await;
    assert_eq!((r.status, r.body["error"].clone()), (400, json!("invalid_grant")));
    let r = token_json(&app, with("username", json!(null))).await;
    assert_eq!(
        (r.status, r.body.clone()),
        (400, json!({ "error": "invalid_request", "error_description": "The username parameter is required." }))
    );
    let r = token_json(&app, with("grant_type", json!(null))).await;
    assert_eq!((r.status, r.body["error"].clone()), (400, json!("invalid_request")));
    let r = token_json(&app, with("grant_type", json!("implicit"))).await;
    assert_eq!((r.status, r.body["error"].clone()), (400, json!("unsupported_grant_type")));
    // A grant kordon knows but this client does not hold.
    let r = token_json(&app, with("grant_type", json!("authorization_code"))).await;
    assert_eq!((r.status, r.body["error"].clone()), (400, json!("unauthorized_client")));
    let r = token_json(&app, with("grant_type", json!("client_credentials"))).await;
    assert_eq!(
        (r.status, r.body.clone()),
        (
            400,
            json!({ "error": "unauthorized_client", "error_description": "The client may not use the client_credentials grant." })
        )
    );
    let r = token_json(&app, with("grant_type", json!(["password"]))).await;
    assert_eq!((r.status, r.body["error"].clone()), (400, json!("invalid_request")));
    let r = send(
        app.http.post(format!("{}/oauth/token", app.base)).header("Content-Type", "application/json").body("{bad"),
    )
    .await;
    assert_eq!((r.status, r.body["error"].clone()), (400, json!("invalid_request")));
}
both!(every_rfc_6749_error);

async fn the_password_grant_goes_through_the_defender(app: TestApp) {
    app.register("user@mail.ru", "79993332210").await;
    let (id, secret) = client(&app, &["password"], None).await;
    for i in 0..10 {
        let r = token_json(
            &app,
            json!({ "grant_type": "password", "client_id": id, "client_secret": secret,
                                         "username": format!("n{i}@mail.ru"), "password": "wrong" }),
        )
        .await;
        assert_eq!(r.status, 400);
    }
    let r = token_json(
        &app,
        json!({ "grant_type": "password", "client_id": id, "client_secret": secret,
                                     "username": "user@mail.ru", "password": PASSWORD }),
    )
    .await;
    assert_eq!((r.status, r.body["error"].clone()), (429, json!("temporarily_unavailable")));
    // …and the block holds in the cabinet too.
    assert_eq!(app.post("/api/v1/login", json!({ "email": "user@mail.ru", "password": PASSWORD })).await.0, 429);
}
both!(the_password_grant_goes_through_the_defender);

async fn discovery_names_the_endpoints(app: TestApp) {
    let d = send(app.http.get(format!("{}/.well-known/openid-configuration", app.base))).await;
    assert_eq!(d.status, 200);
    let b = &app.base;
    assert_eq!(d.body["issuer"], b.as_str());
    assert_eq!(d.body["token_endpoint"], format!("{b}/oauth/token"));
    assert_eq!(d.body["jwks_uri"], format!("{b}/.well-known/jwks.json"));
    assert_eq!(d.body["introspection_endpoint"], format!("{b}/oauth/introspect"));
    assert_eq!(d.body["revocation_endpoint"], format!("{b}/oauth/revoke"));
    assert_eq!(
        d.body["grant_types_supported"],
        json!(["authorization_code", "refresh_token", "client_credentials", "password"])
    );
}
both!(discovery_names_the_endpoints);

/// Signs `claims` with kordon's own current key (read from the store), or with `key`.
async fn forge(app: &TestApp, header: jsonwebtoken::Header, claims: &Value) -> String {
    let keys = app.core.store.signing_keys().await.expect("keys");
    let pem = app.core.open_signing_key(keys.last().expect("a key")).expect("the key opens");
    let key = jsonwebtoken::EncodingKey::from_rsa_pem(pem.as_bytes()).expect("pem");
    jsonwebtoken::encode(&header, claims, &key).expect("sign")
}

async fn forged_and_expired_tokens_are_refused(app: TestApp) {
    app.register("user@mail.ru", "79993332210").await;
    let (id, secret) = client(&app, &["password"], None).await;
    let t = password_grant(&app, id, &secret, "user@mail.ru").await;
    let jwt = t["access_token"].as_str().expect("jwt").to_string();
    let (header, claims) = claims(&jwt);
    let kid = header["kid"].as_str().expect("kid").to_string();
    let user = |token: &str| {
        let req = app.http.get(format!("{}/api/ver1.0/user/", app.base)).bearer_auth(token);
        async move { send(req).await.status }
    };
    assert_eq!(user(&jwt).await, 200);
    let mut h = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
    h.kid = Some(kid.clone());
    h.typ = Some("at+jwt".into());
    assert_eq!(user(&forge(&app, h.clone(), &claims).await).await, 200, "the control: a faithful re-signing passes");
    let mut wrong_iss = claims.clone();
    wrong_iss["iss"] = json!("https://evil.example");
    assert_eq!(user(&forge(&app, h.clone(), &wrong_iss).await).await, 401, "wrong iss");
    let mut wrong_aud = claims.clone();
    wrong_aud["aud"] = json!("424242");
    assert_eq!(user(&forge(&app, h.clone(), &wrong_aud).await).await, 401, "wrong aud");
    let mut unknown_kid = h.clone();
    unknown_kid.kid = Some("no-such-key".into());
    assert_eq!(user(&forge(&app, unknown_kid, &claims).await).await, 401, "unknown kid");
    let encode = |v: &Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
    let none = format!("{}.{}.", encode(&json!({ "alg": "none", "typ": "at+jwt", "kid": kid })), encode(&claims));
    assert_eq!(user(&none).await, 401, "alg none");
    // HS256 keyed with the public JWK's modulus (the classic algorithm-confusion attack).
    let jwks = send(app.http.get(format!("{}/.well-known/jwks.json", app.base))).await.body;
    let n = jwks["keys"][0]["n"].as_str().expect("n").to_string();
    let mut hs = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
    hs.kid = Some(kid.clone());
    let hs256 = jsonwebtoken::encode(&hs, &claims, &jsonwebtoken::EncodingKey::from_secret(n.as_bytes())).expect("hs");
    assert_eq!(user(&hs256).await, 401, "HS256");
    // RFC 9068: only a JWT typed as an access token is one.
    let mut untyped = h.clone();
    untyped.typ = None;
    assert_eq!(user(&forge(&app, untyped, &claims).await).await, 401, "no typ");
    let mut plain_jwt = h.clone();
    plain_jwt.typ = Some("JWT".into());
    assert_eq!(user(&forge(&app, plain_jwt, &claims).await).await, 401, "typ JWT");
    let mut media = h.clone();
    media.typ = Some("application/at+jwt".into());
    assert_eq!(user(&forge(&app, media, &claims).await).await, 200, "typ application/at+jwt");
    // nbf is honoured on kordon's clock.
    let now = kordon_core::Clock::now(&app.clock);
    let mut later = claims.clone();
    later["nbf"] = json!(now + 60);
    let not_yet = forge(&app, h.clone(), &later).await;
    assert_eq!(user(&not_yet).await, 401, "nbf in the future");
    let mut started = claims.clone();
    started["nbf"] = json!(now);
    assert_eq!(user(&forge(&app, h.clone(), &started).await).await, 200, "nbf now");
    let tampered = format!("{}x", &jwt[..jwt.len() - 1]);
    assert_eq!(user(&tampered).await, 401, "bad signature");
    app.clock.advance(60);
    assert_eq!(user(&not_yet).await, 200, "nbf reached");
    app.clock.advance(3541);
    assert_eq!(user(&jwt).await, 401, "past exp");
}
both!(forged_and_expired_tokens_are_refused);

async fn key_rotation_keeps_old_tokens_until_they_expire(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    app.register("user@mail.ru", "79993332210").await;
    let (id, secret) = client(&app, &["password"], None).await;
    let login = json!({ "grant_type": "password", "client_id": id, "client_secret": secret,
                        "username": "user@mail.ru", "password": PASSWORD });
    let old = token_json(&app, login.clone()).await.body["access_token"].as_str().expect("jwt").to_string();
    let old_kid = claims(&old).0["kid"].clone();
    let new_kid = app.core.rotate_keys(3600).await.expect("rotate");
    let new = token_json(&app, login).await.body["access_token"].as_str().expect("jwt").to_string();
    assert_eq!(claims(&new).0["kid"], new_kid.as_str(), "new tokens are signed with the new key");
    let jwks = send(app.http.get(format!("{}/.well-known/jwks.json", app.base))).await.body;
    let kids: Vec<_> = jwks["keys"].as_array().expect("keys").iter().map(|k| k["kid"].clone()).collect();
    assert!(kids.contains(&old_kid) && kids.contains(&json!(new_kid)), "both published: {kids:?}");
    let status = |t: String| {
        let req = app.http.get(format!("{}/api/ver1.0/user/", app.base)).bearer_auth(t);
        async move { send(req).await.status }
    };
    assert_eq!(status(old.clone()).await, 200, "old tokens keep working");
    app.clock.advance(3601);
    let jwks = send(app.http.get(format!("{}/.well-known/jwks.json", app.base))).await.body;
    let kids: Vec<_> = jwks["keys"].as_array().expect("keys").iter().map(|k| k["kid"].clone()).collect();
    assert_eq!(kids, [json!(new_kid)], "the old key is withdrawn once its tokens are dead");
}

#[tokio::test]
async fn key_rotation_sqlite() {
    key_rotation_keeps_old_tokens_until_they_expire(Backend::Sqlite).await;
}

#[tokio::test]
async fn key_rotation_postgres() {
    key_rotation_keeps_old_tokens_until_they_expire(Backend::Postgres).await;
}

async fn keys_rotate_from_the_cli(app: TestApp) {
    let run = |args: &[&str]| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_kordon"));
        cmd.arg("admin").arg("keys").args(args).arg("--data-dir").arg(app.dir.path());
        if !app.config.server.database_url.is_empty() {
            cmd.arg("--database-url").arg(&app.config.server.database_url);
        }
        let out = cmd.output().expect("run kordon");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice::<Value>(&out.stdout).expect("one JSON object")
    };
    let before = run(&["list"]);
    assert_eq!(before["keys"].as_array().map(Vec::len), Some(1), "the first key is made on first use");
    let rotated = run(&["rotate"]);
    let kid = rotated["kid"].as_str().expect("kid").to_string();
    let after = run(&["list"]);
    let kids: Vec<_> = after["keys"].as_array().expect("keys").iter().map(|k| k["kid"].clone()).collect();
    assert_eq!(kids.len(), 2);
    assert!(kids.contains(&json!(kid)) && kids.contains(&before["keys"][0]["kid"]));
    // The running server signs with the CLI's new key once it re-reads the keys (within a minute).
    app.clock.advance(61);
    app.register("user@mail.ru", "79993332210").await;
    let (id, secret) = client(&app, &["password"], None).await;
    let t = token_json(
        &app,
        json!({ "grant_type": "password", "client_id": id, "client_secret": secret,
                                     "username": "user@mail.ru", "password": PASSWORD }),
    )
    .await;
    assert_eq!(claims(t.body["access_token"].as_str().expect("jwt")).0["kid"], kid.as_str());
}
both!(keys_rotate_from_the_cli);

async fn secrets_hashed_by_earlier_builds_still_work_once_and_become_digests(app: TestApp) {
    app.register("owner@mail.ru", "79993332210").await;
    let owner = app.core.admin_user("owner@mail.ru").await.expect("owner").id;
    let legacy = kordon_core::types::NewClient {
        id: Some(777),
        name: "old".into(),
        secret_hash: app.core.passwords.hash("an-old-secret-of-32-characters!!").await.expect("hash"),
        grants: vec!["client_credentials".into()],
        owner_user_id: Some(owner),
        access_ttl: None,
        introspect: false,
        redirect_uris: vec![],
        post_logout_redirect_uris: vec![],
        public: false,
        trusted: false,
        created_at: 0,
    };
    app.core.store.create_client(&legacy, None).await.expect("client");
    let ask = |secret: &str| {
        token_json(&app, json!({ "grant_type": "client_credentials", "client_id": 777, "client_secret": secret }))
    };
    assert_eq!(ask("wrong").await.status, 401);
    assert_eq!(ask("an-old-secret-of-32-characters!!").await.status, 200);
    let stored = app.core.store.client_secret_hash(777).await.expect("read").expect("hash");
    assert_eq!(stored, kordon_core::secrets::digest("an-old-secret-of-32-characters!!"), "re-stored as a digest");
    assert_eq!(ask("an-old-secret-of-32-characters!!").await.status, 200);
}
both!(secrets_hashed_by_earlier_builds_still_work_once_and_become_digests);
