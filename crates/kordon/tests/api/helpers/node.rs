//! Node drivers of headless Chromium (the explorer test, the relying-party test): the browser,
//! the driver's folder with its npm packages installed, and a bounded run whose last stdout line
//! is the driver's JSON report; and one part of a page driver of `tests/oidc-rp`, checked alike
//! ([`page_part`]). Missing pieces fail the test with how to install them; nothing skips.

use super::{Backend, PASSWORD, TestApp};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The browser, or a failure saying how to get it.
pub fn chromium() -> PathBuf {
    let path = PathBuf::from(std::env::var("KORDON_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()));
    assert!(
        path.is_file(),
        "Chromium is missing at {}: install Debian's (`apt-get update && apt-get install -y chromium`, as .ci/run \
         does) or point KORDON_CHROMIUM at one. The browser tests need a real browser; they do not skip.",
        path.display()
    );
    path
}

/// The folder `tests/<folder>` with `package` installed, or a failure saying how to install it.
pub fn driver(folder: &str, package: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join(folder);
    let node = Command::new("node").arg("--version").output();
    assert!(
        node.as_ref().is_ok_and(|o| o.status.success()),
        "Node is missing (`node --version` failed: {node:?}); the browser tests drive Chromium with it (Node ≥ 20)"
    );
    assert!(
        dir.join("node_modules").join(package).join("package.json").is_file(),
        "{package} is not installed: run `npm ci --prefix crates/kordon/tests/{folder}` (as ./test.sh does)"
    );
    dir
}

/// Runs the driver to completion (or kills it after `limit`) and answers its report (the last
/// JSON line of its stdout) and whether it exited successfully.
pub async fn run(mut cmd: Command, stdout: PathBuf, limit: Duration) -> (Value, bool) {
    let _hog = super::beside_others().await;
    let file = stdout.clone();
    let ok = tokio::task::spawn_blocking(move || {
        let out = std::fs::File::create(&file).expect("stdout file");
        let mut child = cmd
            .stdout(Stdio::from(out))
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start the browser driver: {e}"));
        let started = Instant::now();
        loop {
            if let Some(status) = child.try_wait().expect("wait for the driver") {
                return status.success();
            }
            if started.elapsed() > limit {
                let _ = child.kill();
                let _ = child.wait();
                panic!("the browser driver did not finish within {limit:?}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    })
    .await
    .expect("driver thread");
    let text = std::fs::read_to_string(&stdout).unwrap_or_default();
    let report = text
        .lines()
        .rev()
        .find_map(|l| serde_json::from_str(l).ok())
        .unwrap_or_else(|| panic!("the driver printed no report (exit ok: {ok}): {text}"));
    (report, ok)
}

/// Runs one part (`KORDON_PART`) of the page driver `tests/oidc-rp/<script>.mjs` as `email`
/// against `app`, with `input` added to its environment; its screenshots go to
/// `target/tmp/<script>-<store>/`. Fails unless the driver finished with no request to another
/// host, no page error and no console error (a CSP violation is one); answers its report.
pub async fn page_part(app: &TestApp, script: &str, part: &str, email: &str, input: &[(&str, String)]) -> Value {
    let chromium = chromium();
    let dir = driver("oidc-rp", "playwright-core");
    let store = match app.backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("{script}-{store}"));
    let mut cmd = Command::new("node");
    cmd.arg(format!("{script}.mjs"))
        .current_dir(&dir)
        .env("KORDON_BASE", &app.base)
        .env("KORDON_PART", part)
        .env("KORDON_EMAIL", email)
        .env("KORDON_PASSWORD", PASSWORD)
        .env("KORDON_CHROMIUM", &chromium)
        .env("KORDON_SCREENSHOTS", &shots);
    for (name, value) in input {
        cmd.env(name, value);
    }
    let stdout = app.dir.path().join(format!("{script}-{part}.json"));
    let (report, ok) = run(cmd, stdout, Duration::from_secs(240)).await;
    eprintln!("{script} {part} steps: {}\nscreenshots in {}", report["steps"], shots.display());
    assert!(ok && report["ok"] == true, "{script} part {part} failed: {}\nreport: {report}", report["error"]);
    assert_eq!(report["blocked"], json!([]), "requests to other hosts");
    assert_eq!(report["pageErrors"], json!([]));
    assert_eq!(report["consoleErrors"], json!([]), "console errors (a CSP violation is one)");
    report
}
