//! Operating the real `kordon` binary: logs that leak no secret (text and JSON), a graceful
//! SIGTERM, memory under a cancelled-login flood, and the operators' user lifecycle and
//! Defender commands while a server runs — each on a fresh SQLite store and a PostgreSQL schema.

use crate::helpers::binary::{Store, admin, create_user, id, keys, serve};
use crate::helpers::{PASSWORD, TestApp};
use serde_json::{Value, json};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

/// A whole flow through every kind of secret — PIN, password, access, refresh, API and reset
/// tokens, a client secret and a JWT — and then the server's log, in `format`: every secret is
/// absent, and in JSON every line is one object with timestamp, level, target and message.
async fn serve_logs_leak_no_secret(store: &Store, format: &str) {
    let served =
        serve(store, &[("KORDON_LOG__FORMAT", format), ("KORDON_RESET__URL_PREFIXES", "[\"https://lk.example/\"]")])
            .await;
    let http = reqwest::Client::new();
    let post = |path: &str, body: Value, bearer: Option<&str>| {
        let mut req = http.post(format!("{}{path}", served.base)).header("Client", "10553").json(&body);
        if let Some(token) = bearer {
            req = req.bearer_auth(token);
        }
        async move {
            let resp = req.send().await.expect("request");
            let status = resp.status().as_u16();
            (status, resp.json::<Value>().await.expect("json"))
        }
    };
    let outbox = |file: &str| -> Vec<Value> {
        std::fs::read_to_string(store.dir.path().join("outbox").join(file))
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).expect("outbox line"))
            .collect()
    };
    let mut secrets = vec![PASSWORD.to_string()];
    let (s, call) = post("/api/v1/flashcall", json!({ "phone": "79993332210" }), None).await;
    assert_eq!(s, 200, "{call}");
    let pin = outbox("flashcalls.jsonl").pop().expect("call")["pin"].as_str().expect("pin").to_string();
    secrets.extend([pin.clone(), call["token"].as_str().expect("token").to_string()]);
    let register = json!({ "email": "log@example.com", "phone": "79993332210", "password": PASSWORD,
                           "password_confirmation": PASSWORD, "pin": pin, "promocode": "p" });
    let (s, reg) = post("/api/v1/register", register, None).await;
    assert_eq!(s, 200, "{reg}");
    let (access, refresh) =
        (reg["token"].as_str().expect("t").to_string(), reg["refresh_token"].as_str().expect("r").to_string());
    let (s, fresh) = post("/api/v1/refresh", json!({ "token": refresh }), None).await;
    assert_eq!(s, 200, "{fresh}");
    let access2 = fresh["token"].as_str().expect("t").to_string();
    let (s, api) = post("/api/v1/tokens", json!({}), Some(&access2)).await;
    assert!(s == 200 || s == 201, "{api}");
    let api_token = api
        .as_object()
        .and_then(|o| o.values().find_map(|v| v.as_str().filter(|t| t.len() >= 32)))
        .unwrap_or_default()
        .to_string();
    assert_eq!(api_token.len(), 32, "{api}");
    assert_eq!(
        post("/api/v1/login", json!({ "email": "log@example.com", "password": "wrong-password-1" }), None).await.0,
        400
    );
    secrets.push("wrong-password-1".into());
    assert_eq!(
        post("/api/v1/restore-token", json!({ "email": "log@example.com", "url": "https://lk.example/r" }), None)
            .await
            .0,
        200
    );
    let created = admin(
        store,
        &["client", "create", "--name", "logs", "--grant", "client_credentials", "--owner-email", "log@example.com"],
    )
    .await
    .json();
    let (id, secret) = (id(&created, "client_id"), created["client_secret"].as_str().expect("secret").to_string());
    let resp = http
        .post(format!("{}/oauth/token", served.base))
        .json(&json!({ "grant_type": "client_credentials", "client_id": id, "client_secret": secret }))
        .send()
        .await
        .expect("token");
    let jwt = resp.json::<Value>().await.expect("json")["access_token"].as_str().expect("jwt").to_string();
    let profile = http
        .get(format!("{}/api/ver1.0/user/?access_token={jwt}", served.base))
        .bearer_auth(&jwt)
        .send()
        .await
        .expect("profile");
    assert_eq!(profile.status().as_u16(), 200);
    // The reset mail goes out off the request path: wait for it, then read its token.
    let deadline = Instant::now() + Duration::from_secs(10);
    while outbox("mail.jsonl").is_empty() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mail = outbox("mail.jsonl").pop().expect("the reset mail");
    let text = mail["text"].as_str().expect("text");
    let reset: String =
        text[text.find("token=").expect("link") + 6..].chars().take_while(char::is_ascii_alphanumeric).collect();
    secrets.extend([access, refresh, access2, api_token, secret, jwt, reset]);
    let log = served.stderr();
    assert!(log.lines().count() >= 8, "the flow was logged:\n{log}");
    for secret in secrets.iter().filter(|s| s.len() >= 4) {
        assert!(!contains_secret(&log, secret), "a secret ({secret}) is in the {format} log:\n{log}");
    }
    if format == "json" {
        for line in log.lines().filter(|l| !l.trim().is_empty()) {
            let v: Value = serde_json::from_str(line).unwrap_or_else(|_| panic!("not one JSON object: {line}"));
            for key in ["timestamp", "level", "target", "message"] {
                assert!(v.get(key).is_some(), "no {key}: {line}");
            }
        }
        assert!(log.contains("\"path\":\"/api/v1/login\""), "fields are fields: {log}");
    }
}

async fn serve_logs_json(store: &Store) {
    serve_logs_leak_no_secret(store, "json").await;
}
on_both_stores!(serve_logs_json);

async fn serve_logs_text(store: &Store) {
    serve_logs_leak_no_secret(store, "text").await;
}
on_both_stores!(serve_logs_text);

/// SIGTERM: the server stops accepting, answers the request in flight, sends the reset mail it
/// already promised, and exits 0.
async fn serve_shuts_down_gracefully_on_sigterm(store: &Store) {
    create_user(store, "term@example.com", &[]).await;
    let env = [
        ("KORDON_DEFENDER__ACCOUNT_FAILURES", "1"),
        ("KORDON_DEFENDER__ACCOUNT_DELAY_MS", "1500"),
        ("KORDON_DEFENDER__ACCOUNT_MAX_DELAY_MS", "1500"),
        ("KORDON_RESET__URL_PREFIXES", "[\"https://lk.example/\"]"),
    ];
    let mut served = serve(store, &env).await;
    let http = reqwest::Client::new();
    let login = |password: &str| {
        http.post(format!("{}/api/v1/login", served.base))
            .header("Client", "10553")
            .json(&json!({ "email": "term@example.com", "password": password }))
            .send()
    };
    assert_eq!(login("wrong-password-1").await.expect("answer").status().as_u16(), 400);
    // The login is slowed now: its next check takes 1.5 s. Ask, and a reset mail, then SIGTERM.
    let slow = tokio::spawn(login(PASSWORD));
    let reset = http
        .post(format!("{}/api/v1/restore-token", served.base))
        .header("Client", "10553")
        .json(&json!({ "email": "term@example.com", "url": "https://lk.example/r" }))
        .send()
        .await
        .expect("restore-token");
    assert_eq!(reset.status().as_u16(), 200);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let pid = served.child.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().expect("kill").success());
    let answer = slow.await.expect("join").expect("the request in flight is answered");
    assert_eq!(answer.status().as_u16(), 200, "the login in flight finished");
    let deadline = Instant::now() + Duration::from_secs(15);
    let status = loop {
        if let Some(status) = served.child.try_wait().expect("try_wait") {
            break status;
        }
        assert!(Instant::now() < deadline, "kordon did not exit after SIGTERM:\n{}", served.stderr());
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(status.success(), "exit status {status}:\n{}", served.stderr());
    let mails = std::fs::read_to_string(store.dir.path().join("outbox").join("mail.jsonl")).unwrap_or_default();
    assert_eq!(mails.lines().count(), 1, "the promised reset mail went out");
    assert!(http.get(format!("{}/healthz", served.base)).send().await.is_err(), "nothing listens any more");
}
on_both_stores!(serve_shuts_down_gracefully_on_sigterm);

/// The server process's resident memory, MiB.
fn rss_mib(child: &Child) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{}/status", child.id())).expect("/proc status");
    let kib: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS");
    kib / 1024.0
}

/// 480 password logins over HTTP/2 from 60 addresses, each given up by its client after 0.3 s:
/// the process stays under 128 MiB and keeps serving logins (it grew to 2.3 GiB, and answered
/// 503 to every login after, before issue 7).
async fn serve_keeps_its_memory_under_a_cancelled_login_flood(store: &Store) {
    create_user(store, "flood@example.com", &[]).await;
    let served = serve(store, &[]).await;
    let url = format!("{}/api/v1/login", served.base);
    let body = json!({ "email": "flood@example.com", "password": PASSWORD }).to_string();
    for wave in 0..8 {
        let curls: Vec<_> = (1..=60)
            .map(|i| {
                Command::new("curl")
                    .args(["--http2-prior-knowledge", "-s", "-o", "/dev/null", "-m", "0.3"])
                    .args(["--interface", &format!("127.0.9.{i}")])
                    .args(["-H", "Content-Type: application/json", "-H", "Client: 10553", "-d", &body, &url])
                    .spawn()
                    .unwrap_or_else(|e| panic!("curl (wave {wave}): {e}"))
            })
            .collect();
        for mut curl in curls {
            let _ = curl.wait();
        }
    }
    let rss = rss_mib(&served.child);
    assert!(rss <= 128.0, "RSS after the flood: {rss:.1} MiB");
    let http = reqwest::Client::new();
    let resp = http.post(&url).header("Client", "10553").body(body).header("Content-Type", "application/json");
    let resp = resp.send().await.expect("a login after the flood");
    assert_eq!(resp.status().as_u16(), 200, "{}", served.stderr());
}
on_both_stores!(serve_keeps_its_memory_under_a_cancelled_login_flood);

// ---------------------------------------------------------------------------------------------
// the user lifecycle, while a server runs on the same database

async fn token_grant(app: &TestApp, body: Value) -> (u16, Value) {
    let resp = app.http.post(format!("{}/oauth/token", app.base)).json(&body).send().await.expect("token");
    let status = resp.status().as_u16();
    (status, resp.json().await.expect("json"))
}

async fn the_user_lifecycle_works_while_a_server_runs(store: &Store) {
    let (user_id, _) = create_user(store, "life@example.com", &["--phone", "79990001122"]).await;
    let app = store.serve().await;
    let pbx_auth = json!({ "action": "auth", "obj": "User", "action_id": "1",
                           "params": { "login": "life@example.com", "password": PASSWORD } });
    let cabinet = app.login("life@example.com", PASSWORD).await;
    let other = app.login("life@example.com", PASSWORD).await;
    let (s, pbx, _) = app.pbx(pbx_auth.clone(), None).await;
    assert_eq!(s, 200, "{pbx}");
    let pbx_token = pbx["body"]["token"].as_str().expect("pbx token").to_string();
    let (s, api) = app.post_auth("/api/v1/tokens", json!({}), &cabinet).await;
    assert_eq!(s, 200, "{api}");
    let api_token = api["token"].as_str().expect("api token").to_string();
    let created = admin(store, &["client", "create", "--name", "life", "--grant", "password"]).await.json();
    let password_grant = json!({ "grant_type": "password", "client_id": id(&created, "client_id"),
                                 "client_secret": created["client_secret"], "username": "life@example.com", "password": PASSWORD });
    let (s, oauth) = token_grant(&app, password_grant.clone()).await;
    assert_eq!(s, 200, "{oauth}");
    let jwt = oauth["access_token"].as_str().expect("jwt").to_string();
    let (s, person) =
        app.call("POST", "/api/users", Some(json!({ "name": "Life", "master_token": "m" })), Some(&jwt)).await;
    assert_eq!(s, 201, "{person}");

    // Sessions: four live ones (two cabinet, PBX, OAuth) and the API token, no secrets shown.
    let listed = admin(store, &["user", "sessions", "--email", "life@example.com"]).await.json();
    assert_eq!((id(&listed, "user_id"), &listed["disabled"]), (user_id, &json!(false)));
    let sessions = listed["sessions"].as_array().expect("sessions");
    assert_eq!(sessions.len(), 4, "{listed}");
    let mut kinds: Vec<&str> = sessions.iter().map(|s| s["kind"].as_str().expect("kind")).collect();
    kinds.sort_unstable();
    assert_eq!(kinds, ["cabinet", "cabinet", "oauth", "pbx"]);
    assert_eq!(keys(&sessions[0]), ["client_id", "expires_at", "id", "ip", "kind", "refreshed_at", "started_at"]);
    assert_eq!(keys(&listed["api_tokens"][0]), ["created_at", "id", "last_used"]);
    assert!(!listed.to_string().contains(&cabinet) && !listed.to_string().contains(&api_token));

    // Revoking one cabinet session ends it alone.
    let newest = sessions.iter().find(|s| s["kind"] == "cabinet").expect("a cabinet session");
    let revoke = admin(store, &["session", "revoke", &id(newest, "id").to_string()]).await.json();
    assert_eq!(revoke, json!({ "revoked": true }));
    let alive = [app.get_auth("/api/v1/authuser", &cabinet).await.0, app.get_auth("/api/v1/authuser", &other).await.0];
    assert!(alive.contains(&401) && alive.contains(&200), "exactly one cabinet session ended: {alive:?}");
    admin(store, &["session", "revoke", "999999"]).await.failed_with("not found");

    // No second factor to reset (a person with one: tests/api/mfa_reset.rs); an unknown email fails.
    let reset = admin(store, &["user", "mfa-reset", "--email", "life@example.com"]).await.json();
    assert_eq!(reset, json!({ "reset": false }));
    admin(store, &["user", "mfa-reset", "--email", "nobody@example.com"]).await.failed_with("not found");

    // Disabled: every dialect refuses the user as a wrong password, and every token is dead.
    assert_eq!(admin(store, &["user", "disable", "--email", "life@example.com"]).await.json()["changed"], true);
    assert_eq!(admin(store, &["user", "disable", "--email", "life@example.com"]).await.json()["changed"], false);
    let (s, b) = app.post("/api/v1/login", json!({ "email": "life@example.com", "password": PASSWORD })).await;
    assert_eq!((s, b), (400, json!({ "message": "Password not right.", "code": 400 })));
    let (s, b, _) = app.pbx(pbx_auth.clone(), None).await;
    assert_eq!((s, &b["notifies"][0]["message"]), (401, &json!("Wrong login or password.")));
    let (s, b) = token_grant(&app, password_grant.clone()).await;
    assert_eq!((s, b["error"].as_str()), (400, Some("invalid_grant")));
    for token in [&cabinet, &other, &api_token] {
        assert_eq!(app.get_auth("/api/v1/authuser", token).await.0, 401);
    }
    let (s, _, _) = app.pbx(json!({ "action": "logout", "obj": "User", "action_id": "2" }), Some(&pbx_token)).await;
    assert_eq!(s, 401, "the PBX token died");
    assert_eq!(app.call("GET", "/api/users", None, Some(&jwt)).await.0, 401, "the JWT died");
    let shown = admin(store, &["user", "show", "--email", "life@example.com"]).await.json();
    assert_eq!(shown["disabled"], true);

    // Enabled again: they sign in anew (old tokens stay dead).
    assert_eq!(admin(store, &["user", "enable", "--email", "life@example.com"]).await.json()["changed"], true);
    let fresh = app.login("life@example.com", PASSWORD).await;
    assert_eq!(app.get_auth("/api/v1/authuser", &cabinet).await.0, 401);
    assert_eq!(app.get_auth("/api/v1/authuser", &fresh).await.0, 200);

    // Deleted: gone with their sessions, tokens and the account's persons.
    assert_eq!(
        admin(store, &["user", "delete", "--email", "life@example.com"]).await.json(),
        json!({ "deleted": true })
    );
    assert_eq!(app.get_auth("/api/v1/authuser", &fresh).await.0, 401);
    let (s, _) = app.post("/api/v1/login", json!({ "email": "life@example.com", "password": PASSWORD })).await;
    assert_eq!(s, 400);
    admin(store, &["user", "show", "--email", "life@example.com"]).await.failed_with("not found");
    assert_eq!(app.scalar(&format!("SELECT COUNT(*) FROM sessions WHERE user_id = {user_id}")).await, 0);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM persons").await, 0, "the account's persons went too");
    let listed = admin(store, &["audit", "list", "--limit", "100"]).await;
    let audit: Value = serde_json::from_str(&listed.stdout).expect("the audit log is JSON");
    let events: Vec<&str> = audit.as_array().expect("entries").iter().filter_map(|e| e["type"].as_str()).collect();
    for event in ["user.delete", "user.enable", "user.disable", "session.revoke"] {
        assert!(events.contains(&event), "{event} is audited: {audit}");
    }
    // The lifecycle's lines (the user's creation and the client the scenario registered have
    // their own; sign-ins and tokens are the user's, not the operator's).
    let entries: Vec<&Value> = audit
        .as_array()
        .expect("entries")
        .iter()
        .filter(|e| e["actor"] == "cli" && !matches!(e["type"].as_str(), Some("client.create" | "user.create")))
        .collect();
    assert_eq!(entries.len(), 4, "{audit}");
    assert!(entries.iter().all(|e| e["actor"] == "cli" && e["subject"] == format!("user:{user_id}")), "{audit}");
}
on_both_stores!(the_user_lifecycle_works_while_a_server_runs);

/// `admin defender forgive` ends a login's daily cap (and slow-down), audited.
async fn defender_forgive_lifts_a_logins_cap(store: &Store) {
    create_user(store, "capped@example.com", &[]).await;
    let app = store.serve_with(|c| c.defender.account_max_failures = 3).await;
    for i in 0..3 {
        let wrong = json!({ "email": "capped@example.com", "password": format!("wrong-password-{i}") });
        assert_eq!(app.post("/api/v1/login", wrong).await.0, 400);
    }
    let (s, _) = app.post("/api/v1/login", json!({ "email": "capped@example.com", "password": PASSWORD })).await;
    assert_eq!(s, 429, "the login is capped");
    let forgiven = admin(store, &["defender", "forgive", "--login", "Capped@Example.com"]).await.json();
    assert_eq!(forgiven, json!({ "forgiven": true }));
    app.login("capped@example.com", PASSWORD).await;
    assert_eq!(admin(store, &["defender", "forgive", "--login", "capped@example.com"]).await.json()["forgiven"], false);
    admin(store, &["defender", "forgive", "--login", "neither"])
        .await
        .failed_with("The login must be an email or a phone.");
    let listed = admin(store, &["audit", "list", "--limit", "1", "--type", "defender.forgive"]).await;
    let audit: Value = serde_json::from_str(&listed.stdout).expect("the audit log is JSON");
    assert_eq!(
        (&audit[0]["type"], &audit[0]["subject"], &audit[0]["actor"]),
        (&json!("defender.forgive"), &json!("email:capped@example.com"), &json!("cli"))
    );
}
on_both_stores!(defender_forgive_lifts_a_logins_cap);

/// Does `log` hold `secret`? A PIN is four digits: it counts only where it is not part of a
/// longer number (a timestamp or a latency may hold any four digits; CI once saw one).
pub(crate) fn contains_secret(log: &str, secret: &str) -> bool {
    if !secret.bytes().all(|b| b.is_ascii_digit()) {
        return log.contains(secret);
    }
    log.match_indices(secret).any(|(at, _)| {
        let numeric = |b: u8| b.is_ascii_digit() || b == b'.';
        let before = log[..at].bytes().next_back().is_some_and(numeric);
        let after = log[at + secret.len()..].bytes().next().is_some_and(numeric);
        !before && !after
    })
}

#[test]
fn a_pin_inside_a_longer_number_is_not_a_leak() {
    assert!(!contains_secret(r#""latency_ms":24.563796999999997"#, "5637"));
    assert!(!contains_secret(r#""latency_ms":1.5637,"#, "5637"));
    assert!(contains_secret(r#""pin":"5637""#, "5637"));
    assert!(contains_secret("pin=5637&", "5637"));
    assert!(contains_secret("token abc123", "abc123"));
}
