//! The test harness: boots the real `Application` on a random port against a fresh SQLite file
//! or a fresh PostgreSQL schema, with a manual clock, and talks to it over HTTP.

#[macro_use]
pub mod binary;
pub mod mail;
pub mod node;
pub mod oauth;
pub mod oidc;
pub mod passkey;
pub mod telephony;

/// One process runs every integration test, two at a time. A few tests count how a burst of
/// logins is admitted within the Defender's admission wait (10 s); beside a headless browser or
/// the fuzzer (each a CPU hog on two cores) a burst of argon2 hashes can outlast it and answer 503
/// instead. Those tests take the lane [`alone`]; the hogs take it [`beside_others`], so they
/// still run beside each other and beside every other test.
static LANE: std::sync::LazyLock<tokio::sync::RwLock<()>> = std::sync::LazyLock::new(Default::default);

/// Waits until no CPU hog runs, and keeps them out while the guard lives.
pub async fn alone() -> tokio::sync::RwLockWriteGuard<'static, ()> {
    LANE.write().await
}

/// A CPU hog's share of the lane: any number run together, none beside a test [`alone`].
pub async fn beside_others() -> tokio::sync::RwLockReadGuard<'static, ()> {
    LANE.read().await
}

use kordon::app::Application;
use kordon::config::Config;
use kordon_core::ManualClock;
use serde_json::{Value, json};
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs one async test body against both backends: `both!(name)` expects `async fn name(app: TestApp)`;
/// `both!(name, adjust)` boots it with the test configuration changed by `adjust: fn(&mut Config)`.
macro_rules! both {
    ($name:ident) => {
        both!($name, |_: &mut kordon::config::Config| {});
    };
    ($name:ident, $adjust:expr) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let backend = $crate::helpers::Backend::Sqlite;
                if let Some(app) = $crate::helpers::TestApp::spawn_with(backend, $adjust).await {
                    super::$name(app).await;
                }
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let backend = $crate::helpers::Backend::Postgres;
                if let Some(app) = $crate::helpers::TestApp::spawn_with(backend, $adjust).await {
                    super::$name(app).await;
                }
            }
        }
    };
}

/// As `both!`, each half in a process of its own (this test binary run again for that one test):
/// for tests that read what one process holds for all its servers, the metrics recorder above
/// all, which the tests running beside them would move.
macro_rules! both_in_own_process {
    ($name:ident) => {
        both_in_own_process!($name, |_: &mut kordon::config::Config| {});
    };
    ($name:ident, $adjust:expr) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let backend = $crate::helpers::Backend::Sqlite;
                if $crate::helpers::in_own_process(module_path!(), "sqlite").await
                    && let Some(app) = $crate::helpers::TestApp::spawn_with(backend, $adjust).await
                {
                    super::$name(app).await;
                }
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let backend = $crate::helpers::Backend::Postgres;
                if $crate::helpers::in_own_process(module_path!(), "postgres").await
                    && let Some(app) = $crate::helpers::TestApp::spawn_with(backend, $adjust).await
                {
                    super::$name(app).await;
                }
            }
        }
    };
}

/// The variable that tells a test it runs in the process [`in_own_process`] started for it.
const OWN_PROCESS: &str = "KORDON_TEST_OWN_PROCESS";

/// True in the process of its own that runs test `module::half` (`module` as `module_path!`
/// names it); elsewhere it starts that process, waits for it and asserts it passed, and is false.
pub async fn in_own_process(module: &str, half: &str) -> bool {
    let module = module.split_once("::").map_or(module, |(_, rest)| rest);
    let name = format!("{module}::{half}");
    if std::env::var(OWN_PROCESS).is_ok_and(|v| v == name) {
        return true;
    }
    let exe = std::env::current_exe().expect("the test binary");
    let output = tokio::process::Command::new(exe)
        .args([name.as_str(), "--exact", "--nocapture", "--test-threads=1"])
        .env(OWN_PROCESS, &name)
        .output()
        .await
        .expect("run the test binary again");
    let (stdout, stderr) = (String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(
        output.status.success() && stdout.contains("1 passed"),
        "{name} in a process of its own failed ({}):\n{stdout}\n{stderr}",
        output.status
    );
    false
}

pub const CLIENT: &str = "10553";
pub const PASSWORD: &str = "Tr0ub4dor&3-horse";

/// The body of a cabinet login (`POST /api/v1/login`) by email.
pub fn login_body(email: &str, password: &str) -> Value {
    json!({ "email": email, "password": password })
}

/// The envelope of the PBX API's `auth` action.
pub fn pbx_auth_body(login: &str, password: &str) -> Value {
    json!({ "action": "auth", "obj": "User", "action_id": "1", "params": { "login": login, "password": password } })
}

pub struct TestApp {
    pub base: String,
    /// `/metrics`' own listener (a free port on loopback unless the test moves it).
    pub metrics_base: Option<String>,
    pub http: reqwest::Client,
    pub clock: ManualClock,
    pub config: Config,
    pub core: kordon_core::Core,
    pub backend: Backend,
    pub dir: tempfile::TempDir,
    schema: Option<(String, String)>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

/// A fresh PostgreSQL schema for one test, or None when no server is configured.
pub async fn postgres_url() -> Option<(String, String, String)> {
    let Ok(base) = std::env::var("KORDON_TEST_DATABASE_URL") else {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("CI=true but KORDON_TEST_DATABASE_URL is not set: the PostgreSQL suite must run in CI");
        }
        eprintln!("SKIPPED (PostgreSQL): set KORDON_TEST_DATABASE_URL=postgres://… to run this test on PostgreSQL");
        return None;
    };
    let schema = format!("t_{}", kordon_core::secrets::random_token(12).to_lowercase());
    let pool = sqlx::PgPool::connect(&base)
        .await
        .unwrap_or_else(|e| panic!("KORDON_TEST_DATABASE_URL={base} is unreachable: {e}"));
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}"))).execute(&pool).await.expect("create schema");
    pool.close().await;
    let sep = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{sep}options=-c%20search_path%3D{schema}");
    Some((url, base, schema))
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> Option<Self> {
        Self::spawn_with(backend, |_| {}).await
    }

    /// This app stopped and booted again, on the same backend, with the default test configuration
    /// changed by `adjust`: for settings read at boot (a provider), when `both!` chose the backend.
    pub async fn reconfigured(self, adjust: impl FnOnce(&mut Config)) -> Self {
        let backend = self.backend;
        drop(self);
        Self::spawn_with(backend, adjust).await.expect("the backend is configured: both! booted it once")
    }

    /// Boots with the default test configuration changed by `adjust`.
    pub async fn spawn_with(backend: Backend, adjust: impl FnOnce(&mut Config)) -> Option<Self> {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut config = Config::default();
        config.server.listen = "127.0.0.1:0".into();
        config.server.data_dir = dir.path().to_path_buf();
        // Keep the Defender's slow-down of attacked logins short; the defender tests set their own.
        config.defender.account_delay_ms = 10;
        config.defender.account_max_delay_ms = 20;
        let mut schema = None;
        if backend == Backend::Postgres {
            let (url, base, name) = postgres_url().await?;
            config.server.database_url = url;
            schema = Some((base, name));
        }
        // `/metrics` on a loopback listener of its own, as by default, on a free port.
        if config.metrics.listen == "127.0.0.1:9464" {
            config.metrics.listen = "127.0.0.1:0".into();
        }
        adjust(&mut config);
        // Start a minute into the current hour, so hourly windows do not roll over mid-test.
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let clock = ManualClock::new(now - now.rem_euclid(3600) + 60);
        let app = Application::build_with_clock(&config, Arc::new(clock.clone())).await.expect("application");
        let base = format!("http://{}", app.address());
        let metrics_base = app.metrics_address().map(|a| format!("http://{a}"));
        let core = app.core().clone();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(app.run_until(async move {
            let _ = stopped.await;
        }));
        let http = reqwest::Client::builder().build().expect("http client");
        Some(Self { base, metrics_base, http, clock, config, core, backend, dir, schema, stop: Some(stop) })
    }

    /// A second server on the same database and clock (another instance of a scale-out).
    pub async fn sibling(&self) -> Sibling {
        self.sibling_with(|_| {}).await
    }

    /// As [`TestApp::sibling`], with the configuration changed by `adjust`.
    pub async fn sibling_with(&self, adjust: impl FnOnce(&mut Config)) -> Sibling {
        let mut config = self.config.clone();
        adjust(&mut config);
        let app = Application::build_with_clock(&config, Arc::new(self.clock.clone())).await.expect("sibling");
        let base = format!("http://{}", app.address());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(app.run_until(async move {
            let _ = stopped.await;
        }));
        Sibling { base, _stop: stop }
    }

    /// One action of the PBX API: status, envelope, and the response headers.
    pub async fn pbx(&self, envelope: Value, token: Option<&str>) -> (u16, Value, reqwest::header::HeaderMap) {
        self.pbx_at(&self.base, envelope, token, &[]).await
    }

    /// As [`TestApp::pbx`], at another base URL and with extra headers.
    pub async fn pbx_at(
        &self,
        base: &str,
        envelope: Value,
        token: Option<&str>,
        headers: &[(&str, &str)],
    ) -> (u16, Value, reqwest::header::HeaderMap) {
        let mut req = self.http.post(format!("{base}/api/")).json(&envelope);
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let resp = req.send().await.expect("request");
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let text = resp.text().await.expect("body");
        (status, serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}")), headers)
    }

    /// A cabinet call at another base URL with extra headers: status and body.
    pub async fn cabinet_at(&self, base: &str, path: &str, body: Value, headers: &[(&str, &str)]) -> (u16, Value) {
        let mut req = self.http.post(format!("{base}{path}")).header("Client", CLIENT).json(&body);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let resp = req.send().await.expect("request");
        let status = resp.status().as_u16();
        (status, resp.json().await.expect("json"))
    }

    /// Creates a user in a PBX domain through the core (as `kordon admin user create` does).
    pub async fn domain_user(&self, email: &str, domain: &str, role_id: i64) -> (i64, i64) {
        let role = if role_id == kordon_core::types::PbxRole::ADMINISTRATOR {
            kordon_core::types::Role::LkAdmin
        } else {
            kordon_core::types::Role::LkUser
        };
        let cmd = kordon_core::services::NewUserCommand {
            email,
            password: PASSWORD,
            phone: None,
            role,
            role_id,
            domain: Some(domain),
        };
        self.core.admin_create_user(cmd).await.expect("user")
    }

    pub fn outbox(&self) -> PathBuf {
        self.config.outbox_dir()
    }

    /// Every JSON line of an outbox file (`flashcalls.jsonl`, `mail.jsonl`).
    pub fn outbox_lines(&self, file: &str) -> Vec<Value> {
        std::fs::read_to_string(self.outbox().join(file))
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).expect("outbox line is JSON"))
            .collect()
    }

    /// Sends a request with the cabinet's headers; answers status and JSON body.
    pub async fn call(&self, method: &str, path: &str, body: Option<Value>, token: Option<&str>) -> (u16, Value) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.base))
            .header("Accept", "application/json")
            .header("Client", CLIENT);
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        if let Some(body) = body {
            req = req.json(&body);
        }
        let resp = req.send().await.expect("request");
        let status = resp.status().as_u16();
        let text = resp.text().await.expect("body");
        // No body (204) reads as null; anything else must be JSON.
        let value = match text.is_empty() {
            true => Value::Null,
            false => serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON ({status}): {text}")),
        };
        (status, value)
    }

    pub async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        self.call("POST", path, Some(body), None).await
    }

    pub async fn post_auth(&self, path: &str, body: Value, token: &str) -> (u16, Value) {
        self.call("POST", path, Some(body), Some(token)).await
    }

    pub async fn get_auth(&self, path: &str, token: &str) -> (u16, Value) {
        self.call("GET", path, None, Some(token)).await
    }

    /// Asks for a FlashCall and reads the PIN from the outbox: (verification token, PIN).
    pub async fn flashcall(&self, phone: &str) -> (String, String) {
        let (status, body) = self.post("/api/v1/flashcall", json!({ "phone": phone })).await;
        assert_eq!(status, 200, "flashcall: {body}");
        let token = body["token"].as_str().expect("token").to_string();
        let pin = self.pin_of(&token);
        (token, pin)
    }

    /// The PIN of the FlashCall whose verification token is `token`, read from the outbox.
    pub fn pin_of(&self, token: &str) -> String {
        let line = self
            .outbox_lines("flashcalls.jsonl")
            .into_iter()
            .rev()
            .find(|l| l["token"] == token)
            .expect("the call is in the outbox");
        line["pin"].as_str().expect("pin").to_string()
    }

    /// Registers a user through the API; answers the whole register body.
    pub async fn register(&self, email: &str, phone: &str) -> Value {
        let (_, pin) = self.flashcall(phone).await;
        let (status, body) = self
            .post(
                "/api/v1/register",
                json!({ "email": email, "phone": phone, "password": PASSWORD,
                        "password_confirmation": PASSWORD, "pin": pin, "promocode": "promo" }),
            )
            .await;
        assert_eq!(status, 200, "register: {body}");
        body
    }

    /// A cabinet POST from another source address on loopback (127.0.x.y), as a distinct host.
    pub async fn post_from(&self, source: &str, path: &str, body: Value) -> (u16, Value) {
        let ip: std::net::IpAddr = source.parse().expect("source address");
        let http = reqwest::Client::builder().local_address(ip).build().expect("http client");
        let resp = http
            .post(format!("{}{path}", self.base))
            .header("Accept", "application/json")
            .header("Client", CLIENT)
            .json(&body)
            .send()
            .await
            .expect("request");
        let status = resp.status().as_u16();
        let text = resp.text().await.expect("body");
        (status, serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON ({status}): {text}")))
    }

    /// One number the store answers to `sql` (read straight from the database, as an operator
    /// would look).
    pub async fn scalar(&self, sql: &str) -> i64 {
        let sql = sqlx::AssertSqlSafe(sql.to_string());
        match self.backend {
            Backend::Sqlite => {
                let path = self.config.server.data_dir.join("kordon.db");
                let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display())).await.expect("sqlite");
                let n: i64 = sqlx::query_scalar(sql).fetch_one(&pool).await.expect("query");
                pool.close().await;
                n
            }
            Backend::Postgres => {
                let pool = sqlx::PgPool::connect(&self.config.server.database_url).await.expect("postgres");
                let n: i64 = sqlx::query_scalar(sql).fetch_one(&pool).await.expect("query");
                pool.close().await;
                n
            }
        }
    }

    /// One text the store answers to `sql`, read straight from the database.
    pub async fn text(&self, sql: &str) -> String {
        let sql = sqlx::AssertSqlSafe(sql.to_string());
        match self.backend {
            Backend::Sqlite => {
                let path = self.config.server.data_dir.join("kordon.db");
                let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display())).await.expect("sqlite");
                let text: String = sqlx::query_scalar(sql).fetch_one(&pool).await.expect("query");
                pool.close().await;
                text
            }
            Backend::Postgres => {
                let pool = sqlx::PgPool::connect(&self.config.server.database_url).await.expect("postgres");
                let text: String = sqlx::query_scalar(sql).fetch_one(&pool).await.expect("query");
                pool.close().await;
                text
            }
        }
    }

    /// The database URL of this app's store, spelled out (SQLite's file too), so that another
    /// server with another data folder opens the same database.
    pub fn database_url(&self) -> String {
        match self.backend {
            Backend::Sqlite => format!("sqlite://{}", self.config.server.data_dir.join("kordon.db").display()),
            Backend::Postgres => self.config.server.database_url.clone(),
        }
    }

    /// An OAuth access token of `email` (the test password) from the password grant, through a new
    /// client allowed that grant: (access token, client id, client secret).
    pub async fn oauth_password_token(&self, email: &str) -> (String, String, String) {
        let grants = vec!["password".to_string()];
        let c = self.core.admin_create_client("app", None, grants, None).await.expect("client");
        let body = json!({ "grant_type": "password", "client_id": c.client_id, "client_secret": c.client_secret,
                           "username": email, "password": PASSWORD });
        let resp = self.http.post(format!("{}/oauth/token", self.base)).json(&body).send().await.expect("token");
        let status = resp.status().as_u16();
        let answer: Value = resp.json().await.expect("json");
        assert_eq!(status, 200, "POST /oauth/token: {answer}");
        assert_eq!(answer["token_type"], "Bearer", "{answer}");
        let token = answer["access_token"].as_str().expect("access_token").to_owned();
        (token, c.client_id.to_string(), c.client_secret.expect("a confidential client has a secret"))
    }

    /// Runs one statement straight on the database, behind kordon's back (as another program
    /// writing to it would).
    pub async fn execute(&self, sql: &str) {
        let sql = sqlx::AssertSqlSafe(sql.to_string());
        match self.backend {
            Backend::Sqlite => {
                let path = self.config.server.data_dir.join("kordon.db");
                let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display())).await.expect("sqlite");
                sqlx::query(sql).execute(&pool).await.expect("statement");
                pool.close().await;
            }
            Backend::Postgres => {
                let pool = sqlx::PgPool::connect(&self.config.server.database_url).await.expect("postgres");
                sqlx::query(sql).execute(&pool).await.expect("statement");
                pool.close().await;
            }
        }
    }

    /// Checks in flight the Defender counts for every host and login (0 when none leaked).
    pub async fn defender_in_flight(&self) -> i64 {
        self.scalar(
            "SELECT CAST((SELECT COALESCE(SUM(in_flight), 0) FROM defender_hosts)
                  + (SELECT COALESCE(SUM(in_flight), 0) FROM defender_accounts) AS BIGINT)",
        )
        .await
    }

    /// Logs in through the cabinet with email and password; answers the access token.
    pub async fn login(&self, email: &str, password: &str) -> String {
        let (status, body) = self.post("/api/v1/login", login_body(email, password)).await;
        assert_eq!(status, 200, "login {email}: {body}");
        assert_eq!(body["success"], true, "{body}");
        body["token"].as_str().expect("token").to_string()
    }

    /// Registers and answers the access token.
    pub async fn signed_in(&self, email: &str, phone: &str) -> String {
        self.register(email, phone).await["token"].as_str().expect("token").to_string()
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some((base, schema)) = self.schema.take() {
            drop_schema(base, schema);
        }
    }
}

/// Drops a test's PostgreSQL schema, from a thread with a runtime of its own (Drop cannot await).
pub fn drop_schema(base: String, schema: String) {
    let _ = std::thread::spawn(move || {
        let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() else { return };
        rt.block_on(async {
            if let Ok(pool) = sqlx::PgPool::connect(&base).await {
                let sql = format!("DROP SCHEMA IF EXISTS {schema} CASCADE");
                let _ = sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&pool).await;
                pool.close().await;
            }
        });
    })
    .join();
}

/// Another server on the same store; stops when dropped.
pub struct Sibling {
    pub base: String,
    _stop: tokio::sync::oneshot::Sender<()>,
}

/// Replaces the values that change from run to run, for exact snapshots.
pub fn redact(mut value: Value, keys: &[&str]) -> Value {
    fn walk(v: &mut Value, keys: &[&str]) {
        match v {
            Value::Object(map) => {
                for (k, inner) in map.iter_mut() {
                    if keys.contains(&k.as_str()) && !inner.is_null() {
                        *inner = Value::String(format!("[{k}]"));
                    } else {
                        walk(inner, keys);
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|i| walk(i, keys)),
            _ => {}
        }
    }
    walk(&mut value, keys);
    value
}

/// The audit log's lines of operators and the Defender (not a signing-in user's), newest first.
/// The queue is flushed first: a queued event is written a moment after its request, so without
/// it "the newest line" would depend on the writer's timing.
pub async fn operators_lines(app: &TestApp) -> Vec<kordon_core::audit::AuditRecord> {
    app.core.audit_flush().await;
    app.core.audit_entries(500).await.expect("audit").into_iter().filter(|e| e.actor != "user").collect()
}

/// The authenticator code Debian's `oathtool` (an RFC 6238 implementation kordon did not write)
/// computes for `key` (base32; spaces, as pages group it, allowed) at `at` (Unix seconds).
pub fn oathtool(key: &str, at: i64) -> String {
    let key: String = key.chars().filter(|c| !c.is_whitespace()).collect();
    let out = std::process::Command::new("oathtool")
        .args(["--totp", "-b", "--now", &format!("@{at}"), &key])
        .output()
        .expect("oathtool (Debian's oathtool package; ./test.sh installs it)");
    assert!(out.status.success(), "oathtool: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf-8").trim().to_owned()
}
