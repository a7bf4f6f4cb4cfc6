//! The real `kordon` binary in tests: a fresh store per scenario (a SQLite folder, and a
//! PostgreSQL schema dropped at the end), `on_both_stores!`, running commands (`Run`), and
//! `kordon serve` as a child process (`Served`).

use super::{Backend, PASSWORD, TestApp};
use kordon::config::Config;
use kordon_testkit::free_port;
use serde_json::Value;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_kordon");

/// Where one scenario's data lives: a fresh folder (the SQLite file and the outbox), and for
/// PostgreSQL a fresh schema too, dropped at the end.
pub struct Store {
    pub dir: tempfile::TempDir,
    postgres: Option<(String, String, String)>,
}

impl Store {
    /// A fresh store, or None when the backend is PostgreSQL and no server is configured.
    pub async fn new(backend: Backend) -> Option<Self> {
        let dir = tempfile::tempdir().expect("tempdir");
        let postgres = match backend {
            Backend::Sqlite => None,
            Backend::Postgres => Some(super::postgres_url().await?),
        };
        Some(Self { dir, postgres })
    }

    pub fn backend(&self) -> Backend {
        if self.postgres.is_some() { Backend::Postgres } else { Backend::Sqlite }
    }

    /// The store options every command takes.
    pub fn args(&self) -> Vec<String> {
        let mut args = vec!["--data-dir".to_string(), self.dir.path().display().to_string()];
        if let Some((url, _, _)) = &self.postgres {
            args.push("--database-url".into());
            args.push(url.clone());
        }
        args
    }

    /// Points a server's configuration at this store.
    pub fn configure(&self, config: &mut Config) {
        config.server.data_dir = self.dir.path().to_path_buf();
        config.server.database_url = self.postgres.as_ref().map(|(url, _, _)| url.clone()).unwrap_or_default();
    }

    /// A server (the harness's `Application`) on this very database.
    pub async fn serve(&self) -> TestApp {
        self.serve_with(|_| {}).await
    }

    /// As [`Store::serve`], with the configuration changed by `adjust`.
    pub async fn serve_with(&self, adjust: impl FnOnce(&mut Config)) -> TestApp {
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
            super::drop_schema(base, schema);
        }
    }
}

/// Runs `async fn name(store: &Store)` on a fresh SQLite store and on a fresh PostgreSQL schema.
macro_rules! on_both_stores {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                if let Some(store) = $crate::helpers::binary::Store::new($crate::helpers::Backend::Sqlite).await {
                    super::$name(&store).await;
                }
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(store) = $crate::helpers::binary::Store::new($crate::helpers::Backend::Postgres).await {
                    super::$name(&store).await;
                }
            }
        }
    };
}

/// A finished `kordon` run.
#[derive(Debug)]
pub struct Run {
    pub args: Vec<String>,
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// A success that printed exactly one JSON object on one line.
    pub fn json(&self) -> Value {
        assert_eq!(self.code, Some(0), "kordon {:?} failed: {self:#?}", self.args);
        let lines: Vec<&str> = self.stdout.lines().collect();
        assert_eq!(lines.len(), 1, "kordon {:?} printed one line: {self:#?}", self.args);
        let value: Value = serde_json::from_str(lines[0]).unwrap_or_else(|e| panic!("not JSON ({e}): {self:#?}"));
        assert!(value.is_object(), "{self:#?}");
        value
    }

    /// kordon's own failure: exit 1, nothing on stdout, `kordon: <message>` on stderr.
    pub fn failed_with(&self, message: &str) {
        assert_eq!(self.code, Some(1), "kordon {:?} was to fail: {self:#?}", self.args);
        assert_eq!(self.stdout, "", "a failure prints nothing on stdout: {self:#?}");
        assert!(self.stderr.contains(&format!("kordon: {message}")), "stderr names the failure `{message}`: {self:#?}");
    }
}

/// Copies the command's environment without any KORDON_* or RUST_LOG the developer may have set,
/// and with metrics on an ephemeral loopback port.
pub fn clean(command: &mut Command) -> &mut Command {
    for (name, _) in std::env::vars() {
        if name.starts_with("KORDON_") || name == "RUST_LOG" {
            command.env_remove(name);
        }
    }
    // Never the default metrics port: two servers of parallel tests would both want 9464.
    command.env("KORDON_METRICS__LISTEN", "127.0.0.1:0")
}

/// Runs the binary to its end (on a blocking thread: a server may be running on this runtime).
pub async fn kordon(args: Vec<String>) -> Run {
    kordon_fed(args, Vec::new(), "").await
}

/// As [`kordon`], with extra environment variables and `input` on standard input (an empty one
/// reads as end of input).
pub async fn kordon_fed(args: Vec<String>, env: Vec<(String, String)>, input: &'static str) -> Run {
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
pub async fn run(store: &Store, args: &[&str]) -> Run {
    let mut all: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    all.extend(store.args());
    kordon(all).await
}

/// `kordon admin <args…> <store options>`.
pub async fn admin(store: &Store, args: &[&str]) -> Run {
    let mut all = vec!["admin"];
    all.extend_from_slice(args);
    run(store, &all).await
}

pub fn id(value: &Value, key: &str) -> i64 {
    value[key].as_i64().unwrap_or_else(|| panic!("{key} is an integer: {value}"))
}

pub fn keys(value: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = value.as_object().expect("object").keys().map(String::as_str).collect();
    keys.sort_unstable();
    keys
}

/// `admin user create` with the test password and a role; answers (user_id, account_id).
pub async fn create_user(store: &Store, email: &str, extra: &[&str]) -> (i64, i64) {
    let mut args = vec!["user", "create", "--email", email, "--password", PASSWORD];
    args.extend_from_slice(extra);
    let created = admin(store, &args).await.json();
    assert_eq!(keys(&created), ["account_id", "user_id"], "{created}");
    (id(&created, "user_id"), id(&created, "account_id"))
}

/// A `kordon serve` child, killed when the test ends, passed or failed.
pub struct Served {
    pub child: Child,
    stderr: PathBuf,
    pub base: String,
    /// `/metrics`' own listener.
    pub metrics_base: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Served {
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&std::fs::read(&self.stderr).unwrap_or_default()).into_owned()
    }
}

/// Starts `kordon serve --listen 127.0.0.1:<free port> <store options>` with `/metrics` on
/// another free port and extra environment, and waits (at most 10 s) until `/healthz` answers.
pub async fn serve(store: &Store, env: &[(&str, &str)]) -> Served {
    let port = free_port();
    let metrics = format!("127.0.0.1:{}", free_port());
    let stderr = store.dir.path().join(format!("serve-{port}.stderr"));
    let mut command = Command::new(BIN);
    clean(&mut command)
        .arg("serve")
        .arg("--listen")
        .arg(format!("127.0.0.1:{port}"))
        .args(store.args())
        .env("KORDON_METRICS__LISTEN", &metrics)
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&stderr).expect("stderr file"));
    let child = command.spawn().expect("spawn kordon serve");
    let mut served =
        Served { child, stderr, base: format!("http://127.0.0.1:{port}"), metrics_base: format!("http://{metrics}") };

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
