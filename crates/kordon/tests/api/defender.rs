//! The Defender: the threshold, the block across dialects, the burst race, forwarded-header
//! spoofing, expiry on the test clock, unblock from the CLI and from the action API, the audit
//! log, and two instances sharing one block.

use crate::helpers::{Backend, PASSWORD, TestApp, login_body, pbx_auth_body};
use kordon_core::types::PbxRole;
use serde_json::{Value, json};
use std::sync::Arc;

const BLOCKED: (u16, &str) = (429, "Too many failed attempts: this host is blocked.");

/// The Defender's lines in the audit log, newest first (sign-ins and tokens have their own).
async fn defender_lines(app: &TestApp) -> Vec<kordon_core::audit::AuditRecord> {
    let filter = kordon_core::audit::AuditFilter { kind: Some("defender".into()), limit: 10, ..Default::default() };
    app.core.audit_search(&filter).await.expect("audit")
}

async fn ten_failures_block_the_host_in_every_dialect(app: TestApp) {
    app.register("user@mail.ru", "79993332210").await;
    for i in 0..10 {
        let (s, b) = app.post("/api/v1/login", login_body(&format!("nobody{i}@mail.ru"), "wrong-password")).await;
        assert_eq!((s, b), (400, json!({ "message": "Password not right.", "code": 400 })), "attempt {i}");
    }
    // The right password no longer helps: the host is refused before any check.
    let (s, b) = app.post("/api/v1/login", login_body("user@mail.ru", PASSWORD)).await;
    assert_eq!((s, b["message"].as_str()), (BLOCKED.0, Some(BLOCKED.1)));
    let (s, b, _) = app.pbx(pbx_auth_body("user@mail.ru", PASSWORD), None).await;
    assert_eq!(s, 403, "{b}");
    assert!(b["notifies"][0]["message"].as_str().is_some_and(|m| m.contains("blocked")));
    let (s, _) = app.post("/api/v1/login", json!({ "phone": "79993332210", "pin": "1234" })).await;
    assert_eq!(s, 429, "login by PIN");
    let (s, _) =
        app.post("/api/v1/restore-token", json!({ "email": "user@mail.ru", "url": "https://lk.example/r" })).await;
    assert_eq!(s, 429, "restore-token");
    let (s, _) = app
        .post(
            "/api/v1/change-password",
            json!({ "token": "x", "password": "Fresh-pass-123", "password_confirmation": "Fresh-pass-123" }),
        )
        .await;
    assert_eq!(s, 429, "change-password");
    let resp = app
        .http
        .post(format!("{}/api/v1/login", app.base))
        .header("Client", "10553")
        .json(&login_body("user@mail.ru", PASSWORD))
        .send()
        .await
        .expect("request");
    let retry: i64 = resp.headers()["retry-after"].to_str().expect("header").parse().expect("number");
    assert!((1..=1800).contains(&retry), "{retry}");
    let blocks = app.core.defender_blocks().await.expect("blocks");
    assert_eq!(blocks.len(), 1);
    assert_eq!((blocks[0].ip.as_str(), blocks[0].failures), ("127.0.0.1", 10));
    let audit = defender_lines(&app).await;
    assert_eq!(
        (audit[0].kind.as_str(), audit[0].ip.as_deref(), audit[0].actor.as_str()),
        ("defender.block", Some("127.0.0.1"), "defender")
    );
}
both!(ten_failures_block_the_host_in_every_dialect);

async fn nine_failures_and_a_success_do_not_block(app: TestApp) {
    app.register("user@mail.ru", "79993332210").await;
    for i in 0..9 {
        app.post("/api/v1/login", login_body(&format!("nobody{i}@mail.ru"), "wrong-password")).await;
    }
    assert_eq!(app.post("/api/v1/login", login_body("user@mail.ru", PASSWORD)).await.0, 200);
    assert_eq!(app.post("/api/v1/login", login_body("user@mail.ru", PASSWORD)).await.0, 200);
    // Missing fields are not failed credentials.
    for _ in 0..5 {
        assert_eq!(app.post("/api/v1/login", json!({ "email": "user@mail.ru" })).await.0, 400);
    }
    assert_eq!(app.post("/api/v1/login", login_body("user@mail.ru", PASSWORD)).await.0, 200);
    assert!(app.core.defender_blocks().await.expect("blocks").is_empty());
}
both!(nine_failures_and_a_success_do_not_block);

async fn a_burst_cannot_slip_past_the_threshold(app: TestApp) {
    let _alone = crate::helpers::alone().await;
    app.register("user@mail.ru", "79993332210").await;
    let app = Arc::new(app);
    let burst: Vec<_> = (0..50)
        .map(|_| {
            let app = app.clone();
            tokio::spawn(async move { app.post("/api/v1/login", login_body("user@mail.ru", "wrong-password")).await.0 })
        })
        .collect();
    let mut codes = Vec::new();
    for task in burst {
        codes.push(task.await.expect("join"));
    }
    let checked = codes.iter().filter(|c| **c == 400).count();
    let refused = codes.iter().filter(|c| **c == 429).count();
    assert_eq!((checked, refused), (10, 40), "exactly the threshold's worth of checks: {codes:?}");
    assert_eq!(app.post("/api/v1/login", login_body("user@mail.ru", PASSWORD)).await.0, 429);
}
both!(a_burst_cannot_slip_past_the_threshold);

async fn a_correct_password_inside_the_burst_fails_once_blocked(app: TestApp) {
    let _alone = crate::helpers::alone().await;
    app.register("user@mail.ru", "79993332210").await;
    let app = Arc::new(app);
    let mut tasks = Vec::new();
    for i in 0..30 {
        let app = app.clone();
        let password = if i == 25 { PASSWORD } else { "wrong-password" };
        tasks
            .push(tokio::spawn(async move { app.post("/api/v1/login", login_body("user@mail.ru", password)).await.0 }));
    }
    let mut codes = Vec::new();
    for task in tasks {
        codes.push(task.await.expect("join"));
    }
    // Checks of right passwords are not failures: only the wrong ones are held to the threshold.
    let failed = codes.iter().filter(|c| **c == 400).count();
    assert!(failed <= 10, "no more than the threshold fails: {codes:?}");
    assert_eq!(app.post("/api/v1/login", login_body("user@mail.ru", PASSWORD)).await.0, 429);
}
both!(a_correct_password_inside_the_burst_fails_once_blocked);

async fn spoofed_forwarding_headers_change_nothing(app: TestApp) {
    for i in 0..10 {
        let xff = format!("198.51.100.{i}");
        let (s, _) = app
            .cabinet_at(
                &app.base,
                "/api/v1/login",
                login_body("x@mail.ru", "wrong-password"),
                &[("X-Forwarded-For", &xff)],
            )
            .await;
        assert_eq!(s, 400);
    }
    let (s, _) = app
        .cabinet_at(&app.base, "/api/v1/login", login_body("x@mail.ru", "wrong"), &[("Forwarded", "for=192.0.2.1")])
        .await;
    assert_eq!(s, 429, "the peer (127.0.0.1) is blocked, whatever the headers say");
}
both!(spoofed_forwarding_headers_change_nothing);

async fn behind_a_trusted_proxy_each_client_counts_alone(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, |c| c.defender.trusted_proxies = vec!["127.0.0.1/32".into()]).await
    else {
        return;
    };
    app.register("user@mail.ru", "79993332210").await;
    let attacker = [("X-Forwarded-For", "203.0.113.7")];
    for _ in 0..10 {
        assert_eq!(
            app.cabinet_at(&app.base, "/api/v1/login", login_body("x@mail.ru", "wrong"), &attacker).await.0,
            400
        );
    }
    assert_eq!(
        app.cabinet_at(&app.base, "/api/v1/login", login_body("user@mail.ru", PASSWORD), &attacker).await.0,
        429
    );
    let neighbour = [("X-Forwarded-For", "203.0.113.8")];
    assert_eq!(
        app.cabinet_at(&app.base, "/api/v1/login", login_body("user@mail.ru", PASSWORD), &neighbour).await.0,
        200
    );
    let blocks = app.core.defender_blocks().await.expect("blocks");
    assert_eq!(blocks.iter().map(|b| b.ip.as_str()).collect::<Vec<_>>(), ["203.0.113.7"]);
}

#[tokio::test]
async fn trusted_proxy_sqlite() {
    behind_a_trusted_proxy_each_client_counts_alone(Backend::Sqlite).await;
}

#[tokio::test]
async fn trusted_proxy_postgres() {
    behind_a_trusted_proxy_each_client_counts_alone(Backend::Postgres).await;
}

async fn allowlisted_hosts_are_never_blocked(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, |c| c.defender.allowlist = vec!["127.0.0.0/8".into()]).await else {
        return;
    };
    app.register("user@mail.ru", "79993332210").await;
    for i in 0..15 {
        assert_eq!(app.post("/api/v1/login", login_body(&format!("n{i}@mail.ru"), "wrong")).await.0, 400);
    }
    assert_eq!(app.post("/api/v1/login", login_body("user@mail.ru", PASSWORD)).await.0, 200);
}

#[tokio::test]
async fn allowlist_sqlite() {
    allowlisted_hosts_are_never_blocked(Backend::Sqlite).await;
}

#[tokio::test]
async fn allowlist_postgres() {
    allowlisted_hosts_are_never_blocked(Backend::Postgres).await;
}

async fn blocks_expire_and_repeat_offenders_wait_longer(app: TestApp) {
    app.register("user@mail.ru", "79993332210").await;
    let fail_ten = || async {
        for i in 0..10 {
            app.post("/api/v1/login", login_body(&format!("n{i}@mail.ru"), "wrong")).await;
        }
    };
    fail_ten().await;
    assert_eq!(app.post("/api/v1/login", login_body("user@mail.ru", PASSWORD)).await.0, 429);
    app.clock.advance(1801);
    assert_eq!(app.post("/api/v1/login", login_body("user@mail.ru", PASSWORD)).await.0, 200, "30 minutes later");
    fail_ten().await;
    app.clock.advance(1801);
    assert_eq!(
        app.post("/api/v1/login", login_body("user@mail.ru", PASSWORD)).await.0,
        429,
        "a second block lasts an hour"
    );
    app.clock.advance(1800);
    assert_eq!(app.post("/api/v1/login", login_body("user@mail.ru", PASSWORD)).await.0, 200);
}
both!(blocks_expire_and_repeat_offenders_wait_longer);

fn cli(app: &TestApp, args: &[&str]) -> (bool, Value) {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_kordon"));
    cmd.arg("admin").args(args).arg("--data-dir").arg(app.dir.path());
    if !app.config.server.database_url.is_empty() {
        cmd.arg("--database-url").arg(&app.config.server.database_url);
    }
    let out = cmd.output().expect("run kordon");
    let stdout = String::from_utf8_lossy(&out.stdout);
    (out.status.success(), serde_json::from_str(stdout.trim()).unwrap_or(Value::Null))
}

async fn unblock_from_the_cli_and_audit(app: TestApp) {
    // The CLI reads the system clock: bring the test clock to it.
    let real_now = time::OffsetDateTime::now_utc().unix_timestamp();
    app.clock.advance(real_now - kordon_core::Clock::now(&app.clock));
    app.register("user@mail.ru", "79993332210").await;
    for _ in 0..10 {
        app.post("/api/v1/login", login_body("user@mail.ru", "wrong")).await;
    }
    let (ok, list) = cli(&app, &["defender", "list"]);
    assert!(ok);
    assert_eq!(list.as_array().map(Vec::len), Some(1), "{list}");
    assert_eq!(list[0]["ip"], "127.0.0.1");
    assert_eq!(list[0]["failures"], 10);
    assert_eq!(list[0]["account"], "email:user@mail.ru");
    assert!(list[0]["reason"].as_str().is_some_and(|r| r.contains("10 failed")));
    assert!(list[0]["blocked_until"].as_str().is_some_and(|t| t.ends_with('Z')));
    let (ok, answer) = cli(&app, &["defender", "unblock", "127.0.0.1"]);
    assert!(ok);
    assert_eq!(answer, json!({ "success": true }));
    assert_eq!(app.post("/api/v1/login", login_body("user@mail.ru", PASSWORD)).await.0, 200);
    let (ok, _) = cli(&app, &["defender", "unblock", "127.0.0.1"]);
    assert!(!ok, "nothing left to unblock");
    let (ok, audit) = cli(&app, &["audit", "list", "--type", "defender"]);
    assert!(ok);
    let events: Vec<_> =
        audit.as_array().expect("array").iter().map(|e| (e["type"].clone(), e["actor"].clone())).collect();
    assert_eq!(events, [(json!("defender.unblock"), json!("cli")), (json!("defender.block"), json!("defender"))]);
    assert_eq!(audit[0]["ip"], "127.0.0.1");
    assert!(audit[0]["at"].as_str().is_some_and(|t| t.ends_with('Z')), "UTC");
}
both!(unblock_from_the_cli_and_audit);

async fn unblock_from_the_action_api(app: TestApp) {
    app.domain_user("admin@office.example", "office.example", PbxRole::ADMINISTRATOR).await;
    let (_, b, _) = app.pbx(pbx_auth_body("admin@office.example", PASSWORD), None).await;
    let token = b["body"]["token"].as_str().expect("token").to_string();
    for _ in 0..10 {
        app.pbx(pbx_auth_body("admin@office.example", "wrong"), None).await;
    }
    let (s, _, _) = app.pbx(pbx_auth_body("admin@office.example", PASSWORD), None).await;
    assert_eq!(s, 403);
    let (s, b, _) = app.pbx(json!({ "action": "list", "obj": "Defender", "action_id": "2" }), Some(&token)).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["body"]["blocks"][0]["ip"], "127.0.0.1");
    let (s, b, _) =
        app.pbx(json!({ "action": "unblock", "obj": "Defender", "action_id": "3", "params": {} }), Some(&token)).await;
    assert_eq!((s, &b["notifies"][0]["message"]), (400, &json!("The ip field is required.")));
    let unblock = json!({ "action": "unblock", "obj": "Defender", "action_id": "3", "params": { "ip": "127.0.0.1" } });
    let (s, b, _) = app.pbx(unblock, Some(&token)).await;
    assert_eq!((s, b["body"].clone()), (200, json!({ "success": true })));
    assert_eq!(app.pbx(pbx_auth_body("admin@office.example", PASSWORD), None).await.0, 200);
    let audit = defender_lines(&app).await;
    assert_eq!((audit[0].kind.as_str(), audit[0].actor.as_str()), ("defender.unblock", "pbx:admin@office.example"));
}
both!(unblock_from_the_action_api);

async fn two_instances_share_one_block(app: TestApp) {
    app.register("user@mail.ru", "79993332210").await;
    let other = app.sibling().await;
    for i in 0..5 {
        app.post("/api/v1/login", login_body(&format!("n{i}@mail.ru"), "wrong")).await;
        app.cabinet_at(&other.base, "/api/v1/login", login_body(&format!("m{i}@mail.ru"), "wrong"), &[]).await;
    }
    // Five failures on each instance are ten for the host: both refuse it now.
    assert_eq!(app.post("/api/v1/login", login_body("user@mail.ru", PASSWORD)).await.0, 429);
    assert_eq!(app.cabinet_at(&other.base, "/api/v1/login", login_body("user@mail.ru", PASSWORD), &[]).await.0, 429);
    // An unblock on one is an unblock on both.
    app.core.defender_unblock("127.0.0.1", "test").await.expect("unblock");
    assert_eq!(app.cabinet_at(&other.base, "/api/v1/login", login_body("user@mail.ru", PASSWORD), &[]).await.0, 200);
}
both!(two_instances_share_one_block);

async fn an_attacked_login_is_slowed_never_locked(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, |c| {
        c.defender.trusted_proxies = vec!["127.0.0.1/32".into()];
        c.defender.account_delay_ms = 300;
        c.defender.account_max_delay_ms = 300;
    })
    .await
    else {
        return;
    };
    app.register("user@mail.ru", "79993332210").await;
    // Eight hosts, one wrong password each: no host reaches its threshold, the login is under attack.
    for i in 0..8 {
        let xff = format!("198.51.100.{i}");
        let (s, _) = app
            .cabinet_at(&app.base, "/api/v1/login", login_body("user@mail.ru", "wrong"), &[("X-Forwarded-For", &xff)])
            .await;
        assert_eq!(s, 400);
    }
    let owner = [("X-Forwarded-For", "192.0.2.10")];
    let started = std::time::Instant::now();
    let (s, _) = app.cabinet_at(&app.base, "/api/v1/login", login_body("user@mail.ru", PASSWORD), &owner).await;
    assert_eq!(s, 200, "the owner still gets in");
    assert!(started.elapsed() >= std::time::Duration::from_millis(300), "but only after the slow-down");
    assert!(app.core.defender_blocks().await.expect("blocks").is_empty());
}

#[tokio::test]
async fn attacked_login_sqlite() {
    an_attacked_login_is_slowed_never_locked(Backend::Sqlite).await;
}

#[tokio::test]
async fn attacked_login_postgres() {
    an_attacked_login_is_slowed_never_locked(Backend::Postgres).await;
}

async fn a_block_earned_on_other_logins_is_the_operators_alone(app: TestApp) {
    // b's administrator guesses a's password nine times, then fails once on its own login.
    app.domain_user("admin@a.example", "a.example", PbxRole::ADMINISTRATOR).await;
    app.domain_user("admin@b.example", "b.example", PbxRole::ADMINISTRATOR).await;
    let (_, b, _) = app.pbx(pbx_auth_body("admin@b.example", PASSWORD), None).await;
    let b_token = b["body"]["token"].as_str().expect("token").to_string();
    for _ in 0..9 {
        app.pbx(pbx_auth_body("admin@a.example", "guess"), None).await;
    }
    app.pbx(pbx_auth_body("admin@b.example", "wrong"), None).await;
    assert_eq!(app.core.defender_blocks().await.expect("blocks").len(), 1);
    let (s, list, _) = app.pbx(json!({ "action": "list", "obj": "Defender", "action_id": "1" }), Some(&b_token)).await;
    assert_eq!(
        (s, list["body"].clone()),
        (200, json!({ "blocks": [] })),
        "b cannot see a block it earned on a's login"
    );
    let unblock = json!({ "action": "unblock", "obj": "Defender", "action_id": "2", "params": { "ip": "127.0.0.1" } });
    let (s, _, _) = app.pbx(unblock, Some(&b_token)).await;
    assert_eq!(s, 404, "nor lift it");
    assert_eq!(app.pbx(pbx_auth_body("admin@b.example", PASSWORD), None).await.0, 403);
}
both!(a_block_earned_on_other_logins_is_the_operators_alone);
