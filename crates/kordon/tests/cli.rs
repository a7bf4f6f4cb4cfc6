//! The real `kordon` binary: `migrate`, `admin client|user|manager|account …` and `serve`, each
//! scenario run against a fresh SQLite folder and a fresh PostgreSQL schema; `admin` output is
//! checked against a server booted on the same database.

mod common;

use common::{Backend, PASSWORD, TestApp};
use kordon::config::Config;
use serde_json::{Value, json};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_kordon");

/// Where one scenario's data lives: a fresh folder (the SQLite file and the outbox), and for
/// PostgreSQL a fresh schema too, dropped at the end.
struct Store {
    dir: tempfile::TempDir,
    postgres: Option<(String, String, String)>,
}

impl Store {
    /// A fresh store, or None when the backend is PostgreSQL and no server is configured.
    async fn new(backend: Backend) -> Option<Self> {
        let dir = tempfile::tempdir().expect("tempdir");
        let postgres = match backend {
            Backend::Sqlite => None,
            Backend::Postgres => Some(common::postgres_url().await?),
        };
        Some(Self { dir, postgres })
    }

    fn backend(&self) -> Backend {
        if self.postgres.is_some() { Backend::Postgres } else { Backend::Sqlite }
    }

    /// The store options every command takes.
    fn args(&self) -> Vec<String> {
        let mut args = vec!["--data-dir".to_string(), self.dir.path().display().to_string()];
        if let Some((url, _, _)) = &self.postgres {
            args.push("--database-url".into());
            args.push(url.clone());
        }
        args
    }

    /// Points a server's configuration at this store.
    fn configure(&self, config: &mut Config) {
        config.server.data_dir = self.dir.path().to_path_buf();
        config.server.database_url = self.postgres.as_ref().map(|(url, _, _)| url.clone()).unwrap_or_default();
    }

    /// A server (the harness's `Application`) on this very database.
    async fn serve(&self) -> TestApp {
        self.serve_with(|_| {}).await
    }

    /// As [`Store::serve`], with the configuration changed by `adjust`.
    async fn serve_with(&self, adjust: impl FnOnce(&mut Config)) -> TestApp {
        TestApp::spawn_with(self.backend(), |config| {
            self.configure(config);
            adjust(config);
        })
        .await
        .expect("the store exists, so does the app")
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        if let Some((_, base, schema)) = self.postgres.take() {
            // Drop cannot await: drop the schema from a thread with a runtime of its own.
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
    }
}

/// Runs `async fn name(store: &Store)` on a fresh SQLite store and on a fresh PostgreSQL schema.
macro_rules! on_both_stores {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                if let Some(store) = super::Store::new(super::Backend::Sqlite).await {
                    super::$name(&store).await;
                }
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(store) = super::Store::new(super::Backend::Postgres).await {
                    super::$name(&store).await;
                }
            }
        }
    };
}

/// A finished `kordon` run.
#[derive(Debug)]
struct Run {
    args: Vec<String>,
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    /// A success that printed exactly one JSON object on one line.
    fn json(&self) -> Value {
        assert_eq!(self.code, Some(0), "kordon {:?} failed: {self:#?}", self.args);
        let lines: Vec<&str> = self.stdout.lines().collect();
        assert_eq!(lines.len(), 1, "kordon {:?} printed one line: {self:#?}", self.args);
        let value: Value = serde_json::from_str(lines[0]).unwrap_or_else(|e| panic!("not JSON ({e}): {self:#?}"));
        assert!(value.is_object(), "{self:#?}");
        value
    }

    /// kordon's own failure: exit 1, nothing on stdout, `kordon: <message>` on stderr.
    fn failed_with(&self, message: &str) {
        assert_eq!(self.code, Some(1), "kordon {:?} was to fail: {self:#?}", self.args);
        assert_eq!(self.stdout, "", "a failure prints nothing on stdout: {self:#?}");
        assert!(self.stderr.contains(&format!("kordon: {message}")), "stderr names the failure `{message}`: {self:#?}");
    }
}

/// Copies the command's environment without any KORDON_* or RUST_LOG the developer may have set.
fn clean(command: &mut Command) -> &mut Command {
    for (name, _) in std::env::vars() {
        if name.starts_with("KORDON_") || name == "RUST_LOG" {
            command.env_remove(name);
        }
    }
    command
}

/// Runs the binary to its end (on a blocking thread: a server may be running on this runtime).
async fn kordon(args: Vec<String>) -> Run {
    tokio::task::spawn_blocking(move || {
        let output = clean(&mut Command::new(BIN)).args(&args).stdin(Stdio::null()).output().expect("run kordon");
        Run {
            args,
            code: output.status.code(),
            stdout: String::from_utf8(output.stdout).expect("utf-8 stdout"),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    })
    .await
    .expect("join")
}

/// As [`kordon`], with extra environment variables and `input` on standard input.
async fn kordon_fed(args: Vec<String>, env: Vec<(String, String)>, input: &'static str) -> Run {
    tokio::task::spawn_blocking(move || {
        use std::io::Write;
        let mut child = clean(&mut Command::new(BIN))
            .args(&args)
            .envs(env)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run kordon");
        let mut stdin = child.stdin.take().expect("stdin");
        // A failed write only means kordon did not read its input; the run tells the rest.
        let _ = stdin.write_all(input.as_bytes());
        drop(stdin);
        let output = child.wait_with_output().expect("wait");
        Run {
            args,
            code: output.status.code(),
            stdout: String::from_utf8(output.stdout).expect("utf-8 stdout"),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    })
    .await
    .expect("join")
}

/// `kordon <args…> <store options>`.
async fn run(store: &Store, args: &[&str]) -> Run {
    let mut all: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    all.extend(store.args());
    kordon(all).await
}

/// `kordon admin <args…> <store options>`.
async fn admin(store: &Store, args: &[&str]) -> Run {
    let mut all = vec!["admin"];
    all.extend_from_slice(args);
    run(store, &all).await
}

fn id(value: &Value, key: &str) -> i64 {
    value[key].as_i64().unwrap_or_else(|| panic!("{key} is an integer: {value}"))
}

fn keys(value: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = value.as_object().expect("object").keys().map(String::as_str).collect();
    keys.sort_unstable();
    keys
}

/// `admin user create` with the test password and a role; answers (user_id, account_id).
async fn create_user(store: &Store, email: &str, extra: &[&str]) -> (i64, i64) {
    let mut args = vec!["user", "create", "--email", email, "--password", PASSWORD];
    args.extend_from_slice(extra);
    let created = admin(store, &args).await.json();
    assert_eq!(keys(&created), ["account_id", "user_id"], "{created}");
    (id(&created, "user_id"), id(&created, "account_id"))
}

/// Logs in over HTTP with email and password; answers the access token.
async fn login(app: &TestApp, email: &str, password: &str) -> String {
    let (status, body) = app.post("/api/v1/login", json!({ "email": email, "password": password })).await;
    assert_eq!(status, 200, "login {email}: {body}");
    assert_eq!(body["success"], true, "{body}");
    body["token"].as_str().expect("token").to_string()
}

// ---------------------------------------------------------------------------------------------
// migrate

async fn migrate_is_idempotent(store: &Store) {
    for _ in 0..2 {
        let out = run(store, &["migrate"]).await;
        assert_eq!(out.json(), json!({ "migrated": true }));
    }
    if store.backend() == Backend::Sqlite {
        assert!(store.dir.path().join("kordon.db").is_file(), "the SQLite file is in --data-dir");
    }
    // The migrated store is usable: the next client id follows the seeded cabinet client (10553).
    let created = admin(store, &["client", "create", "--name", "after-migrate"]).await.json();
    assert_eq!(created["client_id"], 10554, "{created}");
}
on_both_stores!(migrate_is_idempotent);

// ---------------------------------------------------------------------------------------------
// admin client

fn assert_secret(created: &Value) -> String {
    let secret = created["client_secret"].as_str().unwrap_or_else(|| panic!("a secret string: {created}"));
    assert_eq!(secret.len(), 32, "{secret}");
    assert!(secret.chars().all(|c| c.is_ascii_alphanumeric()), "{secret}");
    secret.to_string()
}

async fn client_create_prints_id_and_secret(store: &Store) {
    let grants = ["--grant", "password", "--grant", "client_credentials"];
    let mut args = vec!["client", "create", "--name", "Softphone"];
    args.extend_from_slice(&grants);
    let created = admin(store, &args).await.json();
    assert_eq!(keys(&created), ["client_id", "client_secret"], "{created}");
    // The next free id after the seeded cabinet client 10553.
    assert_eq!(created["client_id"], 10554, "{created}");
    let first = assert_secret(&created);

    let mut args = vec!["client", "create", "--name", "Softphone", "--id", "500"];
    args.extend_from_slice(&grants);
    let created = admin(store, &args).await.json();
    assert_eq!(keys(&created), ["client_id", "client_secret"], "{created}");
    assert_eq!(created["client_id"], 500, "{created}");
    let second = assert_secret(&created);
    assert_ne!(first, second, "every client has a secret of its own");

    // A taken id, chosen by hand or the seeded one, is refused with a message and no output.
    admin(store, &["client", "create", "--name", "Again", "--id", "500"])
        .await
        .failed_with("The id has already been taken.");
    admin(store, &["client", "create", "--name", "Again", "--id", "10553"])
        .await
        .failed_with("The id has already been taken.");
    admin(store, &["client", "create", "--name", "  "]).await.failed_with("The name field is required.");
    // The failures took no id: the next client still gets the next one.
    let created = admin(store, &["client", "create", "--name", "Third"]).await.json();
    assert_eq!(created["client_id"], 10555, "{created}");
}
on_both_stores!(client_create_prints_id_and_secret);

// ---------------------------------------------------------------------------------------------
// admin user

async fn user_create_and_accounts(store: &Store) {
    let (anna, anna_account) =
        create_user(store, "Anna@Example.com", &["--phone", "+7 (999) 333-22-10", "--role", "lk_user"]).await;

    // Users of one PBX domain share its account, whatever the domain's case; the first one creates it.
    let (boris, office) = create_user(store, "boris@office.example", &["--domain", "office.example"]).await;
    let (vera, office_again) = create_user(store, "vera@office.example", &["--domain", "Office.Example"]).await;
    assert_eq!(office, office_again, "one account per domain");
    assert_ne!(office, anna_account);
    // Without --domain every user gets an account of their own.
    let (gleb, gleb_account) = create_user(store, "gleb@example.com", &[]).await;
    assert!(![anna_account, office].contains(&gleb_account), "a new account: {gleb_account}");
    let users = [anna, boris, vera, gleb];
    for (i, u) in users.iter().enumerate() {
        assert!(!users[i + 1..].contains(u), "user ids are distinct: {users:?}");
    }

    // Unique email (case-insensitively) and phone (in any written form).
    admin(store, &["user", "create", "--email", "ANNA@example.com", "--password", PASSWORD])
        .await
        .failed_with("The email has already been taken.");
    admin(
        store,
        &["user", "create", "--email", "dina@example.com", "--password", PASSWORD, "--phone", "8 999 333 22 10"],
    )
    .await
    .failed_with("The phone has already been taken.");
    // The password policy applies to operators too.
    admin(store, &["user", "create", "--email", "dina@example.com", "--password", "short"])
        .await
        .failed_with("The password must be at least 8 characters.");
    admin(store, &["user", "create", "--email", "dina@example.com", "--password", "password"])
        .await
        .failed_with("The given password is too common. Please choose a different password.");
    admin(store, &["user", "create", "--email", "not-an-email", "--password", PASSWORD])
        .await
        .failed_with("The email must be a valid email address.");
    // None of the refused users was half-written.
    admin(store, &["user", "show", "--email", "dina@example.com"]).await.failed_with("not found");
    let (_, dina_account) = create_user(store, "dina@example.com", &["--phone", "79990001122"]).await;
    assert!(![anna_account, office, gleb_account].contains(&dina_account));

    // clap refuses a role it does not know (its usage error exits 2).
    let out =
        admin(store, &["user", "create", "--email", "e@example.com", "--password", PASSWORD, "--role", "root"]).await;
    assert_eq!(out.code, Some(2), "{out:#?}");
    assert_eq!(out.stdout, "");
    assert!(out.stderr.contains("root"), "{out:#?}");
}
on_both_stores!(user_create_and_accounts);

/// `admin user create` takes the password from standard input or `KORDON_PASSWORD`, so it need not
/// sit in the process list; the user logs in with it.
async fn user_create_reads_the_password_off_the_command_line(store: &Store) {
    let args = |email: &str, extra: &[&str]| {
        let mut all: Vec<String> =
            ["admin", "user", "create", "--email", email].iter().map(|a| a.to_string()).collect();
        all.extend(extra.iter().map(|a| a.to_string()));
        all.extend(store.args());
        all
    };
    let no_env = Vec::new;
    let created = kordon_fed(args("stdin@example.com", &["--password-stdin"]), no_env(), "Piped-pass-4242\n").await;
    assert_eq!(keys(&created.json()), ["account_id", "user_id"]);
    let env = vec![("KORDON_PASSWORD".to_string(), "Env-pass-4242".to_string())];
    let created = kordon_fed(args("env@example.com", &[]), env.clone(), "").await;
    assert_eq!(keys(&created.json()), ["account_id", "user_id"]);
    assert!(!created.stderr.contains("KORDON_PASSWORD"), "not warned about as an unknown key: {created:#?}");
    // The flag still works and wins over the variable; stdin and the flag together are refused.
    let created = kordon_fed(args("flag@example.com", &["--password", PASSWORD]), env.clone(), "").await;
    assert_eq!(keys(&created.json()), ["account_id", "user_id"]);
    kordon_fed(args("both@example.com", &["--password", PASSWORD, "--password-stdin"]), no_env(), "x\n")
        .await
        .failed_with("give the password either with --password or with --password-stdin, not both");
    kordon_fed(args("none@example.com", &[]), no_env(), "").await.failed_with("a password is needed");
    kordon_fed(args("empty@example.com", &["--password-stdin"]), no_env(), "")
        .await
        .failed_with("no password on standard input");
    // The password policy applies to a piped password too.
    kordon_fed(args("short@example.com", &["--password-stdin"]), no_env(), "short\n")
        .await
        .failed_with("The password must be at least 8 characters.");

    let app = store.serve().await;
    login(&app, "stdin@example.com", "Piped-pass-4242").await;
    login(&app, "env@example.com", "Env-pass-4242").await;
    login(&app, "flag@example.com", PASSWORD).await;
}
on_both_stores!(user_create_reads_the_password_off_the_command_line);

async fn user_show_prints_the_documented_keys(store: &Store) {
    let (user_id, account_id) =
        create_user(store, "Anna@Example.com", &["--phone", "+7 (999) 333-22-10", "--role", "lk_user"]).await;
    let shown = admin(store, &["user", "show", "--email", "anna@EXAMPLE.com"]).await.json();
    assert_eq!(
        shown,
        json!({ "user_id": user_id, "account_id": account_id, "email": "Anna@Example.com",
                "phone": "79993332210", "role": "lk_user", "disabled": false })
    );
    // No phone: null; no role: lk_admin.
    let (user_id, account_id) = create_user(store, "boris@example.com", &[]).await;
    let shown = admin(store, &["user", "show", "--email", "boris@example.com"]).await.json();
    assert_eq!(
        shown,
        json!({ "user_id": user_id, "account_id": account_id, "email": "boris@example.com",
                "phone": null, "role": "lk_admin", "disabled": false })
    );
    admin(store, &["user", "show", "--email", "nobody@example.com"]).await.failed_with("not found");
    admin(store, &["user", "show", "--email", "nobody"]).await.failed_with("The email must be a valid email address.");
}
on_both_stores!(user_show_prints_the_documented_keys);

// ---------------------------------------------------------------------------------------------
// admin manager + account, seen through the API of a server on the same database

async fn manager_set_by_cli_is_served(store: &Store) {
    let (_, account) = create_user(store, "anna@example.com", &["--phone", "79993332210", "--role", "lk_user"]).await;
    let app = store.serve().await;
    let token = login(&app, "anna@example.com", PASSWORD).await;

    let (status, body) = app.get_auth("/api/v1/manager", &token).await;
    assert_eq!((status, body), (404, json!({ "message": "Not Found.", "code": 404 })), "no manager yet");

    let created = admin(
        store,
        &[
            "manager",
            "create",
            "--name",
            "Ivan Petrov",
            "--email",
            "ivan@kordon.example",
            "--phone",
            "+7 495 000-00-00",
        ],
    )
    .await
    .json();
    assert_eq!(keys(&created), ["manager_id"], "{created}");
    let manager = id(&created, "manager_id").to_string();
    let account = account.to_string();

    // Unknown account or manager: refused, nothing printed.
    admin(store, &["account", "set-manager", "--account", "999999", "--manager", &manager])
        .await
        .failed_with("not found");
    admin(store, &["account", "set-manager", "--account", &account, "--manager", "999999"])
        .await
        .failed_with("not found");
    let (status, _) = app.get_auth("/api/v1/manager", &token).await;
    assert_eq!(status, 404, "the failed assignments changed nothing");

    let set = admin(store, &["account", "set-manager", "--account", &account, "--manager", &manager]).await.json();
    assert_eq!(set, json!({ "success": true }));
    let (status, body) = app.get_auth("/api/v1/manager", &token).await;
    assert_eq!(
        (status, body),
        (
            200,
            json!({ "name": "Ivan Petrov", "email": "ivan@kordon.example", "phone": "+7 495 000-00-00", "success": true })
        )
    );

    // Manager fields are required.
    admin(store, &["manager", "create", "--name", " ", "--email", "a@b.ru", "--phone", "1"])
        .await
        .failed_with("The name field is required.");
    admin(store, &["manager", "create", "--name", "X", "--email", "bad", "--phone", "1"])
        .await
        .failed_with("The email must be a valid email address.");
}
on_both_stores!(manager_set_by_cli_is_served);

async fn admin_works_while_serving(store: &Store) {
    let app = store.serve().await;
    // A user the server's API registered is visible to the CLI …
    app.register("web@example.com", "79991112233").await;
    let shown = admin(store, &["user", "show", "--email", "web@example.com"]).await.json();
    assert_eq!(shown["email"], "web@example.com", "{shown}");
    assert_eq!(shown["phone"], "79991112233", "{shown}");

    // … and a user the CLI creates while the server runs can log in at once.
    let (user_id, _) = create_user(store, "cli@example.com", &["--phone", "79994445566", "--role", "lk_user"]).await;
    let token = login(&app, "cli@example.com", PASSWORD).await;
    let (status, body) = app.get_auth("/api/v1/authuser", &token).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["user"]["id"], user_id, "{body}");
    assert_eq!(body["user"]["email"], "cli@example.com", "{body}");
    assert_eq!(body["user"]["phone"], "79994445566", "{body}");
    assert_eq!(body["user"]["role"]["name"], "lk_user", "{body}");
    let (status, body) =
        app.post("/api/v1/login", json!({ "email": "cli@example.com", "password": "not-the-password" })).await;
    assert_eq!((status, body), (400, json!({ "message": "Password not right.", "code": 400 })));
}
on_both_stores!(admin_works_while_serving);

// ---------------------------------------------------------------------------------------------
// serve

/// A `kordon serve` child, killed when the test ends, passed or failed.
struct Served {
    child: Child,
    stderr: PathBuf,
    base: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Served {
    fn stderr(&self) -> String {
        String::from_utf8_lossy(&std::fs::read(&self.stderr).unwrap_or_default()).into_owned()
    }
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

/// Starts `kordon serve --listen 127.0.0.1:<free port> <store options>` with extra environment,
/// and waits (at most 10 s) until `/healthz` answers.
async fn serve(store: &Store, env: &[(&str, &str)]) -> Served {
    let port = free_port();
    let stderr = store.dir.path().join(format!("serve-{port}.stderr"));
    let mut command = Command::new(BIN);
    clean(&mut command)
        .arg("serve")
        .arg("--listen")
        .arg(format!("127.0.0.1:{port}"))
        .args(store.args())
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&stderr).expect("stderr file"));
    let child = command.spawn().expect("spawn kordon serve");
    let mut served = Served { child, stderr, base: format!("http://127.0.0.1:{port}") };

    let http = reqwest::Client::builder().timeout(Duration::from_secs(1)).build().expect("http client");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Ok(resp) = http.get(format!("{}/healthz", served.base)).send().await
            && resp.status().is_success()
        {
            return served;
        }
        if let Some(status) = served.child.try_wait().expect("try_wait") {
            panic!("kordon serve exited before answering ({status}); stderr:\n{}", served.stderr());
        }
        assert!(
            Instant::now() < deadline,
            "kordon serve did not answer /healthz within 10 s; stderr:\n{}",
            served.stderr()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn get_json(url: &str) -> (u16, String, Value) {
    let resp = reqwest::get(url).await.expect("request");
    let status = resp.status().as_u16();
    let content_type =
        resp.headers().get(reqwest::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let text = resp.text().await.expect("body");
    let value = serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON ({status}): {text}"));
    (status, content_type, value)
}

async fn serve_answers_health_probes(store: &Store) {
    let served = serve(store, &[]).await;
    let (status, content_type, body) = get_json(&format!("{}/healthz", served.base)).await;
    assert_eq!((status, content_type.as_str(), body), (200, "application/json", json!({ "status": "ok" })));
    let (status, content_type, body) = get_json(&format!("{}/readyz", served.base)).await;
    assert_eq!(
        (status, content_type.as_str(), body),
        (200, "application/json", json!({ "status": "ok", "database": "ok" }))
    );
    // The server migrated the store it was given: the CLI finds the seeded client there.
    admin(store, &["client", "create", "--name", "Again", "--id", "10553"])
        .await
        .failed_with("The id has already been taken.");
}
on_both_stores!(serve_answers_health_probes);

async fn serve_warns_about_unknown_variables(store: &Store) {
    // A misspelt key must not be silently ignored, nor stop the server: it is warned about.
    let served = serve(store, &[("KORDON_SERVER__LISTNE", "1")]).await;
    let (status, _, body) = get_json(&format!("{}/readyz", served.base)).await;
    assert_eq!((status, body), (200, json!({ "status": "ok", "database": "ok" })));
    let stderr = served.stderr();
    assert!(
        stderr.lines().any(|line| line.contains("WARN") && line.contains("KORDON_SERVER__LISTNE")),
        "stderr warns about KORDON_SERVER__LISTNE:\n{stderr}"
    );
}
on_both_stores!(serve_warns_about_unknown_variables);

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
        assert!(!log.contains(secret.as_str()), "a secret is in the {format} log:\n{log}");
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
// bad store options

#[tokio::test]
async fn an_unsupported_database_url_fails() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data_dir = dir.path().display().to_string();
    for command in [vec!["admin", "user", "show", "--email", "a@b.ru"], vec!["migrate"]] {
        let mut args: Vec<String> = command.iter().map(|a| a.to_string()).collect();
        args.extend(["--database-url".into(), "ftp://x".into(), "--data-dir".into(), data_dir.clone()]);
        let out = kordon(args).await;
        out.failed_with("database: ");
        assert!(out.stderr.contains("unsupported database URL scheme"), "{out:#?}");
    }
    assert!(!dir.path().join("kordon.db").exists(), "no SQLite file was made instead");
}

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
    let cabinet = login(&app, "life@example.com", PASSWORD).await;
    let other = login(&app, "life@example.com", PASSWORD).await;
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
    let fresh = login(&app, "life@example.com", PASSWORD).await;
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
    let listed = admin(store, &["audit", "list", "--limit", "10"]).await;
    let audit: Value = serde_json::from_str(&listed.stdout).expect("the audit log is JSON");
    let events: Vec<&str> = audit.as_array().expect("entries").iter().filter_map(|e| e["event"].as_str()).collect();
    for event in ["user.delete", "user.enable", "user.disable", "session.revoke"] {
        assert!(events.contains(&event), "{event} is audited: {audit}");
    }
    let entries = audit.as_array().expect("entries");
    assert!(entries.iter().all(|e| e["actor"] == "cli" && e["account"] == format!("user:{user_id}")), "{audit}");
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
    login(&app, "capped@example.com", PASSWORD).await;
    assert_eq!(admin(store, &["defender", "forgive", "--login", "capped@example.com"]).await.json()["forgiven"], false);
    admin(store, &["defender", "forgive", "--login", "neither"])
        .await
        .failed_with("The login must be an email or a phone.");
    let listed = admin(store, &["audit", "list", "--limit", "1"]).await;
    let audit: Value = serde_json::from_str(&listed.stdout).expect("the audit log is JSON");
    assert_eq!(
        (&audit[0]["event"], &audit[0]["account"], &audit[0]["actor"]),
        (&json!("forgive"), &json!("email:capped@example.com"), &json!("cli"))
    );
}
on_both_stores!(defender_forgive_lifts_a_logins_cap);
