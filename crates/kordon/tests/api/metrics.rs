//! Prometheus metrics: the series a flow through the dialects leaves, checked by `promtool`
//! (Debian's `prometheus` package) and scraped by a real Prometheus, read back through its query
//! API (which also evaluates every query of the Grafana dashboard in `deploy/`); route labels are
//! templates, never raw paths; `/metrics` can move to a listener of its own.

use crate::helpers::{PASSWORD, TestApp};
use kordon_testkit::free_port;
use serde_json::{Value, json};
use std::io::Write as _;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

async fn scrape(app: &TestApp, base: &str) -> (u16, String, String) {
    let resp = app.http.get(format!("{base}/metrics")).send().await.expect("scrape");
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
    let (_, _, before) = scrape(&app, &app.base).await;
    let token = app.signed_in("user@mail.ru", "79993332210").await;
    for _ in 0..2 {
        assert_eq!(app.post("/api/v1/login", json!({ "email": "user@mail.ru", "password": PASSWORD })).await.0, 200);
    }
    assert_eq!(app.post("/api/v1/login", json!({ "email": "user@mail.ru", "password": "wrong-one-1" })).await.0, 400);
    assert_eq!(app.get_auth("/api/v1/authuser", &token).await.0, 200);
    let (s, _) = app.call("GET", "/api/users/12345", None, Some("not-a-token")).await;
    assert_eq!(s, 401);
    assert_eq!(app.call("GET", "/nowhere/at/all", None, None).await.0, 404);
    let (status, kind, after) = scrape(&app, &app.base).await;
    assert_eq!((status, kind.as_str()), (200, "text/plain; version=0.0.4"));
    assert!(value(&after, login_ok) >= value(&before, login_ok) + 2.0, "two more logins counted:\n{after}");
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

async fn metrics_on_a_listener_of_their_own(app: TestApp) {
    let own = app.metrics_base.clone().expect("a metrics listener");
    let (status, _, body) = scrape(&app, &own).await;
    assert_eq!(status, 200);
    assert!(body.contains("kordon_build_info"));
    assert_eq!(scrape(&app, &app.base).await.0, 404, "not on the public port");
}
both!(metrics_on_a_listener_of_their_own, |c: &mut kordon::config::Config| c.metrics.listen = "127.0.0.1:0".into());

async fn metrics_can_be_turned_off(app: TestApp) {
    let (status, _, body) = scrape(&app, &app.base).await;
    let body: Value = serde_json::from_str(&body).expect("a JSON 404");
    assert_eq!((status, body), (404, json!({ "message": "Not Found.", "code": 404 })));
    assert!(app.metrics_base.is_none());
}
both!(metrics_can_be_turned_off, |c: &mut kordon::config::Config| c.metrics.enabled = false);

async fn a_real_prometheus_reads_kordon(app: TestApp) {
    let target = app.base.trim_start_matches("http://").to_string();
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("prometheus.yml");
    std::fs::write(
        &config,
        format!("global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: kordon\n    static_configs:\n      - targets: ['{target}']\n"),
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
    if let Some(app) = TestApp::spawn(crate::helpers::Backend::Sqlite).await {
        a_real_prometheus_reads_kordon(app).await;
    }
}
