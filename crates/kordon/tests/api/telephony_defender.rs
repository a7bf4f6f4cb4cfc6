//! One Defender for web logins and SIP brute force, against a real Kamailio configured as
//! docs/telephony.md says, on both stores: a scanner (sipp) sends wrong REGISTERs from 127.0.0.2;
//! Kamailio reports each to kordon, kordon blocks the host (reason `sip`); two seconds later the
//! host's REGISTER with valid credentials is refused at Kamailio and its web login by kordon,
//! while 127.0.0.3 is served; the PBX owner lifts the block with the PBX API's Defender action
//! and both work again. And the hook under bad input: no token, a wrong one, bad bodies, unknown
//! reasons, oversized ones: each its documented answer, nothing counted.

use crate::helpers::telephony::{HOOK_TOKEN, REALM, kamailio_config, minted, sip_person, sipp, system_time};
use crate::helpers::{PASSWORD, TestApp, login_body, pbx_auth_body};
use kordon_core::services::ServerKind;
use kordon_core::types::PbxRole;
use kordon_testkit::Kamailio;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

const ANNA: &str = "anna@pbx.kordon.test";
const BOSS: &str = "boss@pbx.kordon.test";

fn sip_defender(config: &mut kordon::config::Config) {
    config.telephony.hook_token = HOOK_TOKEN.into();
    config.defender.sip.host_failures = 10;
}

/// Waits (bounded: 20 s) until `ready` holds.
async fn eventually<F: std::future::Future<Output = bool>>(what: &str, mut ready: impl FnMut() -> F) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !ready().await {
        assert!(Instant::now() < deadline, "{what} within 20 s");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn a_sip_scanner_is_blocked_everywhere_and_unblocked_by_the_pbx_owner(app: TestApp) {
    sip_person(&app, ANNA, "101").await;
    app.domain_user(BOSS, REALM, PbxRole::ADMINISTRATOR).await;
    app.core.telephony_secret_add(None).await.expect("secret");
    system_time(&app);
    let secrets = app.core.telephony_server_config(ServerKind::Kamailio).await.expect("config");
    let config = kamailio_config(&app.base, &secrets);
    let sip = tokio::task::spawn_blocking(move || Kamailio::start(&config, &[])).await.expect("kamailio");
    let token = app.login(ANNA, PASSWORD).await;
    let credential = minted(&app, "sip", &token, None).await;
    let (username, password) =
        (credential["username"].as_str().expect("u"), credential["password"].as_str().expect("p"));

    let before = sipp(sip.port, "127.0.0.2", "101", username, password, 1).await;
    assert!(before.ok, "a right REGISTER from 127.0.0.2 before the attack: {before:?}\n{}", sip.log());

    // The scanner: 15 wrong REGISTERs, each refused 401 and reported.
    let scan = sipp(sip.port, "127.0.0.2", "101", username, "guessed-wrong", 15).await;
    assert!(!scan.ok && scan.unexpected.iter().all(|s| *s == 401 || *s == 403), "{scan:?}");
    eventually("kordon blocks 127.0.0.2", || async {
        app.core.defender_blocks().await.expect("blocks").iter().any(|b| b.ip == "127.0.0.2")
    })
    .await;
    let blocks = app.core.defender_blocks().await.expect("blocks");
    assert_eq!(blocks.len(), 1, "{blocks:?}");
    assert_eq!(blocks[0].reason, "sip");

    // Two seconds on, Kamailio refuses the host even with a right credential; kordon refuses
    // its web login; the host next door is served by both.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let refused = sipp(sip.port, "127.0.0.2", "101", username, password, 1).await;
    assert_eq!(refused.unexpected, [403], "{refused:?}");
    assert!(refused.printed.contains("403 Blocked"), "{}", refused.printed);
    assert_eq!(app.post_from("127.0.0.2", "/api/v1/login", login_body(ANNA, PASSWORD)).await.0, 429);
    let next_door = sipp(sip.port, "127.0.0.3", "101", username, password, 1).await;
    assert!(next_door.ok, "127.0.0.3 is not blocked: {next_door:?}");
    assert_eq!(app.post_from("127.0.0.3", "/api/v1/login", login_body(ANNA, PASSWORD)).await.0, 200);

    // The PBX owner sees the block (it attacked only their person) and lifts it.
    let (_, auth, _) = app.pbx(pbx_auth_body(BOSS, PASSWORD), None).await;
    let owner = auth["body"]["token"].as_str().expect("PBX token").to_owned();
    let (status, list, _) =
        app.pbx(json!({ "action": "list", "obj": "Defender", "action_id": "1" }), Some(&owner)).await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["body"]["blocks"][0]["ip"], "127.0.0.2", "{list}");
    let unblock = json!({ "action": "unblock", "obj": "Defender", "action_id": "2", "params": { "ip": "127.0.0.2" } });
    let (status, answer, _) = app.pbx(unblock, Some(&owner)).await;
    assert_eq!((status, &answer["body"]), (200, &json!({ "success": true })), "{answer}");
    tokio::time::sleep(Duration::from_secs(2)).await;
    let after = sipp(sip.port, "127.0.0.2", "101", username, password, 1).await;
    assert!(after.ok, "unblocked at Kamailio too: {after:?}\n{}", sip.log());
    assert_eq!(app.post_from("127.0.0.2", "/api/v1/login", login_body(ANNA, PASSWORD)).await.0, 200);
}
both!(a_sip_scanner_is_blocked_everywhere_and_unblocked_by_the_pbx_owner, super::sip_defender);

/// `POST auth-failures` with `token` and a raw body.
async fn report(app: &TestApp, token: Option<&str>, body: &str) -> (u16, Value) {
    let mut req = app.http.post(format!("{}/api/telephony/v1/auth-failures", app.base)).body(body.to_owned());
    if let Some(token) = token {
        req = req.bearer_auth(token);
    }
    let resp = req.send().await.expect("report");
    let status = resp.status().as_u16();
    let text = resp.text().await.expect("body");
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

async fn blocked_hosts(app: &TestApp, query: &str, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut req = app.http.get(format!("{}/api/telephony/v1/blocked-hosts{query}", app.base));
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    req.send().await.expect("blocked hosts")
}

async fn the_hook_answers_bad_input_and_counts_nothing(app: TestApp) {
    let good = r#"{"ip": "127.0.0.9", "user": "101@pbx.kordon.test", "reason": "wrong_password", "user_agent": "x"}"#;
    let (status, body) = report(&app, None, good).await;
    assert_eq!((status, &body["error"]), (401, &json!("invalid_token")), "{body}");
    assert_eq!(report(&app, Some("wrong-token"), good).await.0, 401);
    let oversized = format!(r#"{{"ip": "127.0.0.9", "user": "{}", "reason": "expired"}}"#, "1".repeat(5000));
    assert_eq!(report(&app, Some(HOOK_TOKEN), &oversized).await.0, 413);
    for bad in [
        "{",
        "[]",
        r#"["127.0.0.9", "101", "wrong_password"]"#,
        r#"{"ip": "127.0.0.9", "user": "101", "reason": "brute_force"}"#,
        r#"{"ip": "not-an-ip", "user": "101", "reason": "expired"}"#,
        r#"{"ip": "127.0.0.9", "reason": "expired"}"#,
        r#"{"ip": "127.0.0.9", "user": "101", "reason": "expired", "extra": 1}"#,
        r#"{"ip": "127.0.0.9", "user": "10\u00011", "reason": "expired"}"#,
    ] {
        let (status, body) = report(&app, Some(HOOK_TOKEN), bad).await;
        assert_eq!((status, &body["error"]), (400, &json!("invalid_request")), "{bad}: {body}");
    }
    let counted = "SELECT COUNT(*) FROM defender_hosts WHERE host = 'sip|127.0.0.9'";
    assert_eq!(app.scalar(counted).await, 0, "nothing counted");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM defender_failures WHERE host = '127.0.0.9'").await, 0);

    // A good report counts; the threshold blocks; every list shows it.
    for n in 1..=10 {
        let (status, body) = report(&app, Some(HOOK_TOKEN), good).await;
        assert_eq!(status, 204, "report {n}: {body}");
    }
    assert_eq!(app.scalar("SELECT failures FROM defender_hosts WHERE host = 'sip|127.0.0.9'").await, 10);
    let blocks = app.core.defender_blocks().await.expect("blocks");
    assert_eq!(blocks.iter().map(|b| (b.ip.as_str(), b.reason.as_str())).collect::<Vec<_>>(), [("127.0.0.9", "sip")]);

    // The list: JSON, text with its tag, 304 for the tag, 400 for an unknown format, 401.
    let json_list = blocked_hosts(&app, "", &[("authorization", &format!("Bearer {HOOK_TOKEN}"))]).await;
    assert_eq!(json_list.status().as_u16(), 200);
    let tag = json_list.headers()["etag"].to_str().expect("etag").to_owned();
    assert!(tag.starts_with('"') && tag.len() == 34, "a strong tag: {tag}");
    assert_eq!(json_list.json::<Value>().await.expect("json"), json!({ "hosts": ["127.0.0.9"] }));
    let auth = format!("Bearer {HOOK_TOKEN}");
    let text = blocked_hosts(&app, "?format=text", &[("authorization", &auth)]).await;
    assert_eq!(text.headers()["content-type"], "text/plain; charset=utf-8");
    assert_eq!(text.text().await.expect("text"), format!("# etag {tag}\n127.0.0.9\n"));
    let same = blocked_hosts(&app, "?format=text", &[("authorization", &auth), ("if-none-match", &tag)]).await;
    assert_eq!(same.status().as_u16(), 304);
    assert_eq!(same.headers()["etag"].to_str().expect("etag"), tag);
    assert_eq!(blocked_hosts(&app, "?format=xml", &[("authorization", &auth)]).await.status().as_u16(), 400);
    assert_eq!(blocked_hosts(&app, "", &[]).await.status().as_u16(), 401);
    app.core.defender_unblock("127.0.0.9", "test").await.expect("unblock");
    let changed = blocked_hosts(&app, "", &[("authorization", &auth), ("if-none-match", &tag)]).await;
    assert_eq!(changed.status().as_u16(), 200, "the list changed");
    assert_eq!(changed.json::<Value>().await.expect("json"), json!({ "hosts": [] }));
}
both!(the_hook_answers_bad_input_and_counts_nothing, super::sip_defender);

async fn without_a_hook_token_the_hook_is_shut(app: TestApp) {
    let good = r#"{"ip": "127.0.0.9", "user": "101", "reason": "expired"}"#;
    assert_eq!(report(&app, Some(""), good).await.0, 401);
    assert_eq!(report(&app, Some("anything"), good).await.0, 401);
    assert_eq!(blocked_hosts(&app, "", &[("authorization", "Bearer anything")]).await.status().as_u16(), 401);
}
both!(without_a_hook_token_the_hook_is_shut);

/// A hook token short enough to guess refuses the start, naming the setting.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_short_hook_token_refuses_the_start() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config = kordon::config::Config::default();
    config.server.data_dir = dir.path().to_path_buf();
    config.telephony.hook_token = "too-short-0123".into();
    let refused = kordon::app::open_core(&config, std::sync::Arc::new(kordon_core::SystemClock)).await.err();
    let refused = refused.expect("a 14-character hook token is refused");
    assert!(refused.contains("telephony.hook_token must be at least 16 characters"), "{refused}");
    config.telephony.hook_token = HOOK_TOKEN.into();
    assert!(kordon::app::open_core(&config, std::sync::Arc::new(kordon_core::SystemClock)).await.is_ok());
}
