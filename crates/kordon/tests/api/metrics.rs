//! Prometheus metrics: the series a flow through the dialects leaves, checked by `promtool`
//! (Debian's `prometheus` package) and scraped by a real Prometheus (sending `metrics.token` from
//! a credentials file), read back through its query API (which also evaluates every query of the
//! Grafana dashboard in `deploy/`); route labels are templates, never raw paths. `/metrics` is on a loopback listener of its own by default (served
//! by the hardened loop), public only with a bearer token; a fresh server lists every counter at
//! 0; a scrape reads nothing from the store; and nothing on it tells a registered address's
//! password reset from an unknown one's.

use crate::helpers::binary::{Store, serve};
use crate::helpers::{PASSWORD, TestApp};
use kordon_testkit::free_port;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::io::Write as _;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

async fn scrape(app: &TestApp, base: &str) -> (u16, String, String) {
    scrape_with(&app.http, base).await
}

async fn scrape_with(http: &reqwest::Client, base: &str) -> (u16, String, String) {
    let resp = http.get(format!("{base}/metrics")).send().await.expect("scrape");
    let status = resp.status().as_u16();
    let kind = resp.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    (status, kind, resp.text().await.expect("body"))
}

/// The value of the series whose line starts with `series` (name and labels, as exported).
fn value(exposition: &str, series: &str) -> f64 {
    exposition
        .lines()
        .find(|l| l.starts_with(series) && l[series.len()..].starts_with(' '))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0)
}

/// The metrics listener of a test app (a loopback one of its own, as by default).
fn own(app: &TestApp) -> String {
    app.metrics_base.clone().expect("/metrics on a listener of its own")
}

/// Every series of an exposition (name and labels, as exported) with its value.
fn series(exposition: &str) -> BTreeMap<String, f64> {
    exposition
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let (name, value) = l.rsplit_once(' ')?;
            Some((name.to_owned(), value.parse().ok()?))
        })
        .collect()
}

/// `promtool check metrics` on an exposition: true when it finds nothing wrong.
fn promtool_accepts(exposition: &str) -> (bool, String) {
    let mut child = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("promtool (apt-get install prometheus)");
    child.stdin.take().expect("stdin").write_all(exposition.as_bytes()).expect("write");
    let out = child.wait_with_output().expect("promtool");
    (out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

async fn a_flow_leaves_its_series_and_promtool_accepts_them(app: TestApp) {
    let login_ok = r#"kordon_logins_total{dialect="cabinet",method="password",result="success"}"#;
    // Counted through the handles `register` keeps (the test binary's tests share one recorder).
    let cabinet_tokens = r#"kordon_tokens_issued_total{kind="cabinet"}"#;
    let turn_minted = r#"kordon_telephony_credentials_issued_total{kind="turn"}"#;
    app.core.telephony_secret_add(None).await.expect("secret");
    let (_, _, before) = scrape(&app, &own(&app)).await;
    let token = app.signed_in("user@mail.ru", "79993332210").await;
    for _ in 0..2 {
        assert_eq!(app.post("/api/v1/login", json!({ "email": "user@mail.ru", "password": PASSWORD })).await.0, 200);
    }
    crate::helpers::telephony::minted(&app, "turn", &token, None).await;
    assert_eq!(app.post("/api/v1/login", json!({ "email": "user@mail.ru", "password": "wrong-one-1" })).await.0, 400);
    assert_eq!(app.get_auth("/api/v1/authuser", &token).await.0, 200);
    let (s, _) = app.call("GET", "/api/users/12345", None, Some("not-a-token")).await;
    assert_eq!(s, 401);
    assert_eq!(app.call("GET", "/nowhere/at/all", None, None).await.0, 404);
    let (status, kind, after) = scrape(&app, &own(&app)).await;
    assert_eq!((status, kind.as_str()), (200, "text/plain; version=0.0.4"));
    assert!(value(&after, login_ok) >= value(&before, login_ok) + 2.0, "two more logins counted:\n{after}");
    assert!(value(&after, cabinet_tokens) >= value(&before, cabinet_tokens) + 2.0, "their tokens:\n{after}");
    assert!(value(&after, turn_minted) >= value(&before, turn_minted) + 1.0, "the mint:\n{after}");
    for series in [
        r#"kordon_http_requests_total{dialect="cabinet",route="/api/v1/login",status="200"}"#,
        r#"kordon_http_requests_total{dialect="biometrics",route="/api/users/{id}",status="401"}"#,
        r#"kordon_http_requests_total{dialect="other",route="unmatched",status="404"}"#,
        r#"kordon_http_request_duration_seconds_bucket{dialect="cabinet",route="/api/v1/login",le="0.5"}"#,
        r#"kordon_logins_total{dialect="cabinet",method="password",result="wrong_credential"}"#,
        r#"kordon_logins_total{dialect="cabinet",method="pin",result="success"}"#,
        r#"kordon_tokens_issued_total{kind="cabinet"}"#,
        r#"kordon_flashcalls_total{result="placed"}"#,
        r#"kordon_db_pool_connections{state="idle"}"#,
        "kordon_password_queue_depth",
        "kordon_defender_blocked_hosts",
    ] {
        assert!(after.lines().any(|l| l.starts_with(series)), "{series} is missing:\n{after}");
    }
    assert!(after.contains("kordon_build_info{version=\""), "build info");
    assert!(!after.contains("/api/users/12345") && !after.contains("/nowhere"), "raw paths never become labels");
    let (ok, said) = promtool_accepts(&after);
    assert!(ok, "promtool: {said}");
}
both!(a_flow_leaves_its_series_and_promtool_accepts_them);

/// Issue 19, defect 1: by default `/metrics` is served only on a loopback listener of its own
/// (127.0.0.1:9464; the harness keeps the address and takes a free port), never on the public one.
async fn metrics_are_on_a_loopback_listener_of_their_own_by_default(app: TestApp) {
    assert_eq!(kordon::config::Config::default().metrics.listen, "127.0.0.1:9464");
    let base = app.metrics_base.clone().expect("/metrics has a listener of its own by default");
    let address: std::net::SocketAddr = base.trim_start_matches("http://").parse().expect("address");
    assert!(address.ip().is_loopback(), "{address}");
    let (status, _, body) = scrape(&app, &base).await;
    assert!(status == 200 && body.contains("kordon_build_info"), "{status}: {body}");
    let (status, _, body) = scrape(&app, &app.base).await;
    let body: Value = serde_json::from_str(&body).expect("a JSON 404");
    assert_eq!(
        (status, body),
        (404, json!({ "message": "Metrics are not served here.", "code": 404 })),
        "not on the public port"
    );
    // Its listener answers only `/metrics`.
    let resp = app.http.get(format!("{base}/healthz")).send().await.expect("healthz");
    assert_eq!(resp.status().as_u16(), 404);
}
both!(metrics_are_on_a_loopback_listener_of_their_own_by_default);

const TOKEN: &str = "metrics-token-0123456789abcdef";

fn on_main_with_a_token(c: &mut kordon::config::Config) {
    c.metrics.listen = "main".into();
    c.metrics.token = Some(TOKEN.to_owned().into());
}

/// Issue 19, defect 1: public exposure is chosen explicitly and then needs `metrics.token`; a
/// scrape without it, or with a wrong one, is answered 401 with a challenge.
async fn public_metrics_need_a_bearer_token(app: TestApp) {
    // Without a token, the main listener and a non-loopback address are refused at start.
    for (listen, why) in [("main", "is the main listener"), ("0.0.0.0:0", "is not a loopback address")] {
        let mut config = app.config.clone();
        config.metrics.listen = listen.into();
        config.metrics.token = None;
        let refused = kordon::app::Application::build(&config).await.err().unwrap_or_default();
        assert!(refused.contains(why) && refused.contains("metrics.token"), "{listen}: {refused:?}");
    }
    let mut config = app.config.clone();
    config.metrics.listen = String::new();
    let refused = kordon::app::Application::build(&config).await.err().unwrap_or_default();
    assert!(refused.contains("metrics.listen is empty"), "an empty listen: {refused:?}");
    // On the main listener with the token: no listener of its own, and the token is required.
    assert!(app.metrics_base.is_none());
    let url = format!("{}/metrics", app.base);
    let challenges = [
        (None, r#"Bearer realm="kordon metrics""#, "A metrics token is required."),
        (
            Some("wrong-token-0123456789abcdef"),
            r#"Bearer realm="kordon metrics", error="invalid_token""#,
            "The metrics token is wrong.",
        ),
        (
            Some("metrics-token-0123456789abcde"),
            r#"Bearer realm="kordon metrics", error="invalid_token""#,
            "The metrics token is wrong.",
        ),
    ];
    for (token, challenge, message) in challenges {
        let mut req = app.http.get(&url);
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        let resp = req.send().await.expect("scrape");
        assert_eq!(resp.status().as_u16(), 401, "{token:?}");
        assert_eq!(resp.headers()["www-authenticate"], challenge, "{token:?}");
        let body: Value = resp.json().await.expect("a JSON 401");
        assert_eq!(body, json!({ "message": message, "code": 401 }));
    }
    let resp = app.http.get(&url).bearer_auth(TOKEN).send().await.expect("scrape");
    assert_eq!(resp.status().as_u16(), 200);
    assert!(resp.text().await.expect("body").contains("kordon_build_info"));
}
both!(public_metrics_need_a_bearer_token, super::on_main_with_a_token);

async fn metrics_can_be_turned_off(app: TestApp) {
    let (status, _, body) = scrape(&app, &app.base).await;
    let body: Value = serde_json::from_str(&body).expect("a JSON 404");
    assert_eq!((status, body), (404, json!({ "message": "Metrics are not served here.", "code": 404 })));
    assert!(app.metrics_base.is_none());
}
both!(metrics_can_be_turned_off, |c: &mut kordon::config::Config| c.metrics.enabled = false);

/// Issue 19, defect 1: a scrape reads nothing from the store. With the Defender's table out of
/// the store's reach (renamed behind kordon's back), `/metrics` still answers the block it holds
/// in memory; a scrape that asked the store would find nothing and say 0.
async fn a_scrape_reads_nothing_from_the_store(app: TestApp) {
    for i in 0..10 {
        let body = json!({ "email": format!("nobody{i}@mail.ru"), "password": "wrong-password" });
        assert_eq!(app.post_from("127.0.9.1", "/api/v1/login", body).await.0, 400, "attempt {i}");
    }
    assert_eq!(app.core.defender_blocks().await.expect("blocks").len(), 1, "the host is blocked");
    let (_, _, before) = scrape(&app, &own(&app)).await;
    assert_eq!(value(&before, "kordon_defender_blocked_hosts"), 1.0, "{before}");
    app.execute("ALTER TABLE defender_hosts RENAME TO defender_hosts_away").await;
    let (status, _, during) = scrape(&app, &own(&app)).await;
    app.execute("ALTER TABLE defender_hosts_away RENAME TO defender_hosts").await;
    assert_eq!(status, 200);
    assert_eq!(value(&during, "kordon_defender_blocked_hosts"), 1.0, "the count comes from memory:\n{during}");
}
both!(a_scrape_reads_nothing_from_the_store, super::own_listener);

/// Every counter kordon keeps, with the label values known at start (the request counter's
/// labels are known only once a request is answered).
const COUNTERS: &[&str] = &[
    "kordon_refresh_reuse_total",
    "kordon_defender_blocks_total",
    r#"kordon_flashcalls_total{result="placed"}"#,
    r#"kordon_flashcalls_total{result="refused"}"#,
    r#"kordon_flashcalls_total{result="failed"}"#,
    r#"kordon_reset_requests_total{result="accepted"}"#,
    r#"kordon_reset_requests_total{result="busy"}"#,
    r#"kordon_tokens_issued_total{kind="cabinet"}"#,
    r#"kordon_tokens_issued_total{kind="pbx"}"#,
    r#"kordon_tokens_issued_total{kind="oauth"}"#,
    r#"kordon_tokens_issued_total{kind="oauth-app"}"#,
    r#"kordon_tokens_issued_total{kind="refresh"}"#,
    r#"kordon_tokens_issued_total{kind="api_token"}"#,
    r#"kordon_tokens_issued_total{kind="app_password"}"#,
    r#"kordon_tokens_issued_total{kind="authorization_code"}"#,
    r#"kordon_tokens_issued_total{kind="browser"}"#,
    "kordon_audit_events_written_total",
    r#"kordon_telephony_credentials_issued_total{kind="sip"}"#,
    r#"kordon_telephony_credentials_issued_total{kind="turn"}"#,
    r#"kordon_sip_auth_failures_total{reason="wrong_password"}"#,
    r#"kordon_sip_auth_failures_total{reason="expired"}"#,
    r#"kordon_sip_auth_failures_total{reason="unknown_user"}"#,
    r#"kordon_sip_auth_failures_total{reason="user_mismatch"}"#,
    r#"kordon_audit_events_dropped_total{reason="queue_full"}"#,
    r#"kordon_audit_events_dropped_total{reason="store_error"}"#,
];

/// The credential checks each dialect makes, each with every result.
const LOGINS: &[(&str, &str)] = &[
    ("cabinet", "password"),
    ("cabinet", "pin"),
    ("cabinet", "reset_token"),
    ("pbx", "password"),
    ("oauth", "password"),
    ("oauth", "pin"),
];

/// Issue 19, defect 10: a fresh `kordon serve` lists every counter, with every label value known
/// at start, at 0 (alerts and `rate()` need the series before the first event), and promtool
/// accepts the exposition.
async fn a_fresh_server_lists_every_counter_at_zero(store: &Store) {
    let served = serve(store, &[]).await;
    let http = reqwest::Client::new();
    let (status, _, exposition) = scrape_with(&http, &served.metrics_base).await;
    assert_eq!(status, 200, "{exposition}");
    let found = series(&exposition);
    let mut expected: Vec<String> = COUNTERS.iter().map(|s| s.to_string()).collect();
    for (dialect, method) in LOGINS {
        for result in ["success", "wrong_credential", "refused", "busy", "error"] {
            expected.push(format!(r#"kordon_logins_total{{dialect="{dialect}",method="{method}",result="{result}"}}"#));
        }
    }
    let wrong: Vec<String> = expected
        .iter()
        .filter(|s| found.get(s.as_str()) != Some(&0.0))
        .map(|s| format!("{s} = {:?}", found.get(s.as_str())))
        .collect();
    assert!(wrong.is_empty(), "counters not listed at 0: {wrong:#?}\n{exposition}");
    for gauge in [
        "kordon_password_queue_depth",
        "kordon_defender_blocked_hosts",
        "kordon_audit_queue_depth",
        r#"kordon_db_pool_connections{state="idle"}"#,
        r#"kordon_db_pool_connections{state="busy"}"#,
    ] {
        assert!(found.contains_key(gauge), "{gauge} is missing:\n{exposition}");
    }
    // Every counter family kordon describes is in the list above (or is the request counter).
    for family in exposition.lines().filter_map(|l| l.strip_prefix("# TYPE ")).filter(|l| l.ends_with(" counter")) {
        let name = family.trim_end_matches(" counter");
        assert!(
            name == "kordon_http_requests_total" || expected.iter().any(|s| s.starts_with(name)),
            "the counter {name} is not checked here"
        );
    }
    let (ok, said) = promtool_accepts(&exposition);
    assert!(ok, "promtool: {said}");
}
on_both_stores!(a_fresh_server_lists_every_counter_at_zero);

/// `/metrics` on a loopback listener of its own, named outright (so the test reads the same
/// listener on a build from before it was the default).
fn own_listener(c: &mut kordon::config::Config) {
    c.metrics.listen = "127.0.0.1:0".into();
}

/// Reset links may point at the cabinet's page; `/metrics` on a listener of its own.
fn reset_page(c: &mut kordon::config::Config) {
    own_listener(c);
    c.reset.url_prefixes = vec!["https://lk.example/reset".into()];
}

/// The change of every series between two scrapes.
fn delta(before: &str, after: &str) -> BTreeMap<String, f64> {
    let (before, after) = (series(before), series(after));
    after.iter().map(|(name, value)| (name.clone(), value - before.get(name).copied().unwrap_or(0.0))).collect()
}

/// Issue 19, defect 1: nothing on `/metrics` tells a password reset for a registered address
/// from one for an unknown address. Scrape, reset a registered address, wait until its mail is
/// out, scrape, reset an unknown address, wait until its job is done, scrape: the two changes
/// are the same for every series (the audit events each wrote included: they are flushed before
/// each scrape). Left out: the latency histogram's buckets and sum (the same
/// code answers both requests, in different microseconds), the pool's connection states
/// (what the background pollers hold at the instant of a scrape) and the FlashCall conversion
/// gauges (a background recount of calls, which resets never place). Its own process: the recorder
/// is the process's, and tests beside it would move its series.
async fn a_reset_moves_the_same_series_for_a_registered_and_an_unknown_address(app: TestApp) {
    app.register("known@mail.ru", "79993332210").await;
    let app = &app;
    let reset = |email: &'static str| async move {
        let body = json!({ "email": email, "url": "https://lk.example/reset" });
        assert_eq!(app.post("/api/v1/restore-token", body).await.0, 200, "restore-token {email}");
        app.core.reset_mail_settled().await;
        // Audit events are written in the background: each scrape sees its own request's.
        app.core.audit_flush().await;
    };
    // The registration's own events are written before the first scrape.
    app.core.audit_flush().await;
    let (_, _, first) = scrape(app, &own(app)).await;
    reset("known@mail.ru").await;
    assert_eq!(app.outbox_lines("mail.jsonl").len(), 1, "the registered address got its mail");
    let (_, _, second) = scrape(app, &own(app)).await;
    reset("unknown@mail.ru").await;
    assert_eq!(app.outbox_lines("mail.jsonl").len(), 1, "the unknown address got none");
    let (_, _, third) = scrape(app, &own(app)).await;
    let compared = |name: &str| {
        !name.starts_with("kordon_http_request_duration_seconds_bucket")
            && !name.starts_with("kordon_http_request_duration_seconds_sum")
            && !name.starts_with("kordon_db_pool_connections")
            // Recounted from the day's FlashCalls once a minute in the background (the first
            // count at start may finish only after the registration's call): a reset places none.
            && !name.starts_with("kordon_flashcall_conversion")
            && !name.starts_with("kordon_flashcall_low_conversion")
    };
    let (known, unknown) = (delta(&first, &second), delta(&second, &third));
    let differ: Vec<String> = known
        .keys()
        .chain(unknown.keys())
        .filter(|name| compared(name))
        .filter(|name| known.get(*name).copied().unwrap_or(0.0) != unknown.get(*name).copied().unwrap_or(0.0))
        .map(|name| format!("{name}: registered {:?}, unknown {:?}", known.get(name), unknown.get(name)))
        .collect();
    assert!(differ.is_empty(), "series that tell the two apart: {differ:#?}");
    // The resets were seen at all (so the comparison compared something).
    let route = r#"kordon_http_requests_total{dialect="cabinet",route="/api/v1/restore-token",status="200"}"#;
    assert_eq!((known.get(route), unknown.get(route)), (Some(&1.0), Some(&1.0)), "{third}");
}
both_in_own_process!(a_reset_moves_the_same_series_for_a_registered_and_an_unknown_address, super::reset_page);

async fn a_real_prometheus_reads_kordon(app: TestApp) {
    // The metrics listener with a token, which Prometheus reads from a file (as operating.md says).
    let target = own(&app).trim_start_matches("http://").to_string();
    let dir = tempfile::tempdir().expect("tempdir");
    let token = dir.path().join("kordon-metrics-token");
    std::fs::write(&token, TOKEN).expect("token file");
    let config = dir.path().join("prometheus.yml");
    std::fs::write(
        &config,
        format!(
            "global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: kordon\n    authorization: \
             {{ credentials_file: {} }}\n    static_configs:\n      - targets: ['{target}']\n",
            token.display()
        ),
    )
    .expect("config");
    let port = free_port();
    let mut prometheus = Command::new("prometheus")
        .arg(format!("--config.file={}", config.display()))
        .arg(format!("--storage.tsdb.path={}", dir.path().join("data").display()))
        .arg(format!("--web.listen-address=127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("prometheus (apt-get install prometheus)");
    let query = format!("http://127.0.0.1:{port}/api/v1/query?query=kordon_build_info");
    let deadline = Instant::now() + Duration::from_secs(40);
    let mut seen = Value::Null;
    while Instant::now() < deadline {
        if let Ok(resp) = app.http.get(&query).send().await
            && let Ok(body) = resp.json::<Value>().await
            && body["data"]["result"].as_array().is_some_and(|r| !r.is_empty())
        {
            seen = body;
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let result = &seen["data"]["result"][0];
    let scraped = result["metric"]["job"] == "kordon" && result["value"][1] == "1";
    // Every query of the Grafana dashboard in deploy/ is valid PromQL on kordon's series.
    let dashboard: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../deploy/grafana/kordon.json"))
            .expect("deploy/grafana/kordon.json"),
    )
    .expect("the dashboard is JSON");
    let mut refused = Vec::new();
    let exprs: Vec<String> = dashboard["panels"]
        .as_array()
        .expect("panels")
        .iter()
        .flat_map(|p| p["targets"].as_array().cloned().unwrap_or_default())
        .map(|t| t["expr"].as_str().expect("expr").to_string())
        .collect();
    for expr in &exprs {
        let url = url::Url::parse_with_params(&format!("http://127.0.0.1:{port}/api/v1/query"), &[("query", expr)])
            .expect("url");
        let body: Value = app.http.get(url).send().await.expect("query").json().await.expect("json");
        if body["status"] != "success" {
            refused.push(format!("{expr}: {body}"));
        }
    }
    let _ = prometheus.kill();
    let _ = prometheus.wait();
    assert!(scraped, "Prometheus scraped kordon: {seen}");
    assert!(exprs.len() >= 9 && refused.is_empty(), "dashboard queries refused: {refused:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_prometheus_reads_kordon_sqlite() {
    let with_token = |c: &mut kordon::config::Config| c.metrics.token = Some(TOKEN.to_owned().into());
    if let Some(app) = TestApp::spawn_with(crate::helpers::Backend::Sqlite, with_token).await {
        a_real_prometheus_reads_kordon(app).await;
    }
}

/// FlashCalls placed and never verified raise `kordon_flashcall_low_conversion` for their
/// country and count their prefix (recounted from the store in the background: here by a
/// second instance, which counts once as it starts).
async fn unverified_flashcalls_raise_the_low_conversion_gauge(app: TestApp) {
    let (_, _, before) = scrape(&app, &own(&app)).await;
    assert_eq!(value(&before, "kordon_flashcall_low_conversion_prefixes"), 0.0, "{before}");
    for i in 1..=20 {
        let (status, body) = app.post("/api/v1/flashcall", json!({ "phone": format!("7999000{i:04}") })).await;
        assert_eq!(status, 200, "{body}");
    }
    app.core.audit_flush().await;
    let _sibling = app.sibling().await;
    let deadline = Instant::now() + Duration::from_secs(10);
    let flagged = r#"kordon_flashcall_low_conversion{country="7"}"#;
    let exposition = loop {
        let (_, _, exposition) = scrape(&app, &own(&app)).await;
        if exposition.lines().any(|l| l.starts_with(flagged)) && value(&exposition, flagged) == 1.0 {
            break exposition;
        }
        assert!(Instant::now() < deadline, "the gauge did not move: {exposition}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(value(&exposition, r#"kordon_flashcall_conversion{country="7"}"#), 0.0);
    assert_eq!(value(&exposition, "kordon_flashcall_low_conversion_prefixes"), 1.0);
}
both_in_own_process!(unverified_flashcalls_raise_the_low_conversion_gauge, |c: &mut kordon::config::Config| {
    c.flashcall.per_ip_hourly = 1000;
});
