//! Minting SIP and TURN credentials (`/api/telephony/v1/*-credentials`) on both stores: the
//! answers' shape and HMAC under the newest secret, every kind of token that may mint and the
//! ones that may not, the lifetime asked for and its cap, bad bodies, audit lines; and the shared
//! secrets themselves: sealed at rest, rotated, printed for the servers. Against real Kamailio
//! and coturn: `telephony_sip.rs`, `telephony_turn.rs`.

use crate::helpers::telephony::{REALM, mint, minted, sip_person, softphone_token};
use crate::helpers::{PASSWORD, TestApp};
use kordon_core::audit::{AuditFilter, kind};
use kordon_core::services::{ServerKind, credential_password};
use serde_json::{Value, json};

const ANNA: &str = "anna@pbx.kordon.test";

/// The secrets `config --for kamailio` prints, oldest first.
async fn kamailio_secrets(app: &TestApp) -> Vec<String> {
    let lines = app.core.telephony_server_config(ServerKind::Kamailio).await.expect("config");
    lines
        .lines()
        .filter_map(|l| l.strip_prefix("modparam(\"auth_ephemeral\", \"secret\", \"")?.strip_suffix("\")"))
        .map(str::to_owned)
        .collect()
}

fn sorted_keys(value: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = value.as_object().expect("object").keys().map(String::as_str).collect();
    keys.sort_unstable();
    keys
}

async fn credentials_are_hmacs_under_the_newest_secret(app: TestApp) {
    let anna = sip_person(&app, ANNA, "101").await;
    app.core.telephony_secret_add(None).await.expect("secret");
    let token = app.login(ANNA, PASSWORD).await;
    let now = {
        use kordon_core::Clock as _;
        app.clock.now()
    };

    let sip = minted(&app, "sip", &token, None).await;
    assert_eq!(sorted_keys(&sip), ["expires_at", "password", "realm", "ttl", "uris", "username"], "{sip}");
    let expiry = now + 43_200;
    assert_eq!(sip["username"], format!("{expiry}:101"));
    assert_eq!((&sip["ttl"], &sip["realm"]), (&json!(43_200), &json!(REALM)));
    assert_eq!(sip["expires_at"], kordon_core::clock::format_rfc3339(expiry));
    assert_eq!(sip["uris"], json!(["sip:pbx.kordon.test;transport=tls"]), "{{realm}} filled in");
    let secret = kamailio_secrets(&app).await.pop().expect("a secret");
    assert_eq!(sip["password"], credential_password(&secret, &format!("{expiry}:101"), false));

    let turn = minted(&app, "turn", &token, None).await;
    assert_eq!(sorted_keys(&turn), ["password", "ttl", "uris", "username"], "{turn}");
    assert_eq!(turn["username"], format!("{}:{anna}", now + 3600));
    assert_eq!(turn["uris"], json!(["turn:127.0.0.1:3478?transport=udp"]));
    assert_eq!(turn["password"], credential_password(&secret, &format!("{}:{anna}", now + 3600), false));

    // A new secret signs from now on; the old one is still printed for the servers.
    app.core.telephony_secret_add(None).await.expect("second secret");
    let secrets = kamailio_secrets(&app).await;
    assert_eq!(secrets.len(), 2);
    let again = minted(&app, "sip", &token, None).await;
    let username = again["username"].as_str().expect("username");
    assert_eq!(again["password"], credential_password(&secrets[1], username, false), "the newest signs");

    // A personal API token mints too; every mint is audited with its kind.
    let (_, api) = app.post_auth("/api/v1/tokens", json!({}), &token).await;
    let api = api["token"].as_str().expect("api token").to_owned();
    minted(&app, "turn", &api, Some(60)).await;
    app.core.audit_flush().await;
    let filter = AuditFilter { kind: Some(kind::TELEPHONY_CREDENTIALS.into()), limit: 10, ..Default::default() };
    let lines = app.core.audit_search(&filter).await.expect("audit");
    let methods: Vec<_> = lines.iter().map(|l| l.method.clone().unwrap_or_default()).collect();
    assert_eq!(methods, ["turn", "sip", "turn", "sip"], "newest first");
    assert!(lines.iter().all(|l| l.user_id == Some(anna) && l.ip.as_deref() == Some("127.0.0.1")), "{lines:?}");
}
both!(credentials_are_hmacs_under_the_newest_secret, |c: &mut kordon::config::Config| {
    c.telephony.sip.uris = vec!["sip:{realm};transport=tls".into()];
    c.telephony.turn.ttl = 3600;
    c.telephony.turn.uris = vec!["turn:127.0.0.1:3478?transport=udp".into()];
});

async fn lifetimes_are_asked_for_capped_and_checked(app: TestApp) {
    sip_person(&app, ANNA, "101").await;
    app.core.telephony_secret_add(None).await.expect("secret");
    let token = app.login(ANNA, PASSWORD).await;
    assert_eq!(minted(&app, "sip", &token, Some(5)).await["ttl"], 5);
    assert_eq!(minted(&app, "sip", &token, Some(10_000_000)).await["ttl"], 43_200, "capped by telephony.sip.ttl");
    assert_eq!(mint(&app, "sip", Some(&token), Some(json!({}))).await.0, 200, "an empty object");
    let raw = |body: &'static str| {
        let (app, token) = (&app, token.clone());
        async move {
            let resp = app
                .http
                .post(format!("{}/api/telephony/v1/sip-credentials", app.base))
                .bearer_auth(token)
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await
                .expect("mint");
            (resp.status().as_u16(), resp.json::<Value>().await.expect("a JSON answer"))
        }
    };
    for bad in
        ["{\"ttl\": 0}", "{\"ttl\": -5}", "{\"ttl\": \"60\"}", "{\"ttl\": 1.5}", "{\"tll\": 60}", "[60]", "{", "ttl=60"]
    {
        let (status, body) = raw(bad).await;
        assert_eq!((status, &body["error"]), (400, &json!("invalid_request")), "{bad}: {body}");
    }
    let huge = format!("{{\"ttl\": 60, \"pad\": \"{}\"}}", "x".repeat(70_000));
    let resp = app
        .http
        .post(format!("{}/api/telephony/v1/turn-credentials", app.base))
        .bearer_auth(&token)
        .body(huge)
        .send()
        .await
        .expect("mint");
    assert_eq!(resp.status().as_u16(), 413, "over the body limit");
    app.core.audit_flush().await;
    let filter = AuditFilter { kind: Some(kind::TELEPHONY_CREDENTIALS.into()), limit: 50, ..Default::default() };
    assert_eq!(app.core.audit_search(&filter).await.expect("audit").len(), 3, "only the mints that answered 200");
}
both!(lifetimes_are_asked_for_capped_and_checked);

async fn only_a_persons_own_tokens_mint(app: TestApp) {
    sip_person(&app, ANNA, "101").await;
    app.domain_user("boris@pbx.kordon.test", REALM, kordon_core::types::PbxRole::USER).await;
    // No secret yet: the operator has not set telephony up.
    let token = app.login(ANNA, PASSWORD).await;
    let (status, body) = mint(&app, "sip", Some(&token), None).await;
    assert_eq!((status, &body["error"]), (500, &json!("server_error")), "{body}");
    app.core.telephony_secret_add(None).await.expect("secret");

    // No token, a bad one.
    let resp = app.http.post(format!("{}/api/telephony/v1/sip-credentials", app.base)).send().await.expect("mint");
    assert_eq!(resp.status().as_u16(), 401);
    assert_eq!(resp.headers()["www-authenticate"], "Bearer realm=\"kordon\"");
    for bad in ["nope", "a.b.c", &"x".repeat(9000)] {
        let (status, body) = mint(&app, "sip", Some(bad), None).await;
        assert_eq!((status, &body["error"]), (401, &json!("invalid_token")), "{bad}: {body}");
    }

    // A code-flow token mints what its scopes name.
    let narrow = softphone_token(&app, ANNA, "openid").await;
    let (status, body) = mint(&app, "sip", Some(&narrow), None).await;
    assert_eq!((status, &body["error"]), (403, &json!("insufficient_scope")), "{body}");
    let sip_only = softphone_token(&app, ANNA, "openid sip").await;
    assert_eq!(mint(&app, "sip", Some(&sip_only), None).await.0, 200);
    assert_eq!(mint(&app, "turn", Some(&sip_only), None).await.1["error"], "insufficient_scope");
    let turn_only = softphone_token(&app, ANNA, "turn").await;
    assert_eq!(mint(&app, "turn", Some(&turn_only), None).await.0, 200);
    // A password-grant token is the person's full bearer.
    let (full, _, _) = app.oauth_password_token(ANNA).await;
    assert_eq!(mint(&app, "sip", Some(&full), None).await.0, 200);

    // An application's own token acts for no person.
    let grants = vec!["client_credentials".to_string()];
    let c = app.core.admin_create_client("pbx-sync", None, grants, Some(ANNA)).await.expect("client");
    let body =
        json!({ "grant_type": "client_credentials", "client_id": c.client_id, "client_secret": c.client_secret });
    let resp = app.http.post(format!("{}/oauth/token", app.base)).json(&body).send().await.expect("token");
    let app_token = resp.json::<Value>().await.expect("json")["access_token"].as_str().expect("token").to_owned();
    let (status, body) = mint(&app, "turn", Some(&app_token), None).await;
    assert_eq!((status, &body["error"]), (403, &json!("access_denied")), "{body}");

    // A person without a SIP user gets TURN credentials, not SIP ones.
    let boris = app.login("boris@pbx.kordon.test", PASSWORD).await;
    let (status, body) = mint(&app, "sip", Some(&boris), None).await;
    assert_eq!((status, &body["error"]), (403, &json!("access_denied")), "{body}");
    assert_eq!(mint(&app, "turn", Some(&boris), None).await.0, 200);

    // A disabled person's tokens are dead: no credentials.
    app.core.admin_set_user_disabled(ANNA, true, "cli").await.expect("disable");
    for token in [&token, &sip_only, &full] {
        assert_eq!(mint(&app, "sip", Some(token), None).await.0, 401);
    }
}
both!(only_a_persons_own_tokens_mint);

async fn secrets_are_sealed_rotated_and_printed(app: TestApp) {
    let first = app.core.telephony_secret_add(None).await.expect("secret");
    let brought = app.core.telephony_secret_add(Some("  brought-in-secret-0123456789\n")).await.expect("brought");
    for refused in ["short", "with space 0123456789", "quote\"0123456789abc"] {
        assert!(app.core.telephony_secret_add(Some(refused)).await.is_err(), "{refused}");
    }
    let list = app.core.telephony_secret_list().await.expect("list");
    assert_eq!(list.iter().map(|s| (s.id, s.signs)).collect::<Vec<_>>(), [(first.id, false), (brought.id, true)]);
    assert_eq!(list[1].fingerprint.len(), 16);

    // At rest: sealed rows that name no secret.
    let secrets = kamailio_secrets(&app).await;
    assert_eq!(secrets[1], "brought-in-secret-0123456789");
    for secret in &secrets {
        let rows = app.scalar(&format!("SELECT COUNT(*) FROM telephony_secrets WHERE secret LIKE '%{secret}%'")).await;
        assert_eq!(rows, 0, "a secret in the clear");
    }
    assert_eq!(app.scalar("SELECT COUNT(*) FROM telephony_secrets WHERE secret LIKE 'kordon-sealed-v1:%'").await, 2);

    // What the servers are given: every secret, Kamailio's newest last.
    let kamailio = app.core.telephony_server_config(ServerKind::Kamailio).await.expect("kamailio");
    assert!(kamailio.ends_with("modparam(\"auth_ephemeral\", \"sha_algorithm\", 0)\n"), "{kamailio}");
    let coturn = app.core.telephony_server_config(ServerKind::Coturn).await.expect("coturn");
    let lines: Vec<&str> = coturn.lines().filter(|l| !l.starts_with('#')).collect();
    let expected = [
        "use-auth-secret".to_string(),
        format!("static-auth-secret={}", secrets[0]),
        format!("static-auth-secret={}", secrets[1]),
    ];
    assert_eq!(lines, expected);

    // Removal: never the last one; an unknown one is not found; each change is audited.
    assert!(app.core.telephony_secret_remove(999).await.is_err());
    app.core.telephony_secret_remove(first.id).await.expect("remove");
    let only = app.core.telephony_secret_remove(brought.id).await.expect_err("the last stays");
    assert!(only.to_string().contains("only secret"), "{only}");
    assert_eq!(kamailio_secrets(&app).await, [secrets[1].clone()]);
    let lines = crate::helpers::operators_lines(&app).await;
    let changes: Vec<_> = lines
        .iter()
        .filter(|l| l.kind == kind::TELEPHONY_SECRET)
        .map(|l| l.method.clone().unwrap_or_default())
        .collect();
    assert_eq!(changes, ["remove", "add", "add"]);
    assert!(lines.iter().all(|l| !l.detail.as_deref().unwrap_or_default().contains(&secrets[1])), "no secret logged");
}
both!(secrets_are_sealed_rotated_and_printed, |c: &mut kordon::config::Config| c.telephony.sip.hash = "sha1".into());
