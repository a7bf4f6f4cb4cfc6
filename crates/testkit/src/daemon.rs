//! A server process a test starts: its output kept in a file for the failure message, killed
//! (and reaped) when dropped, passed or failed.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub(crate) struct Daemon {
    child: Child,
    name: &'static str,
    log: PathBuf,
    /// The process's own folder (configuration, runtime files); removed with it.
    pub dir: tempfile::TempDir,
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Panics, naming the Debian package, when `binary` is not installed: a missing server fails the
/// test loudly, never skips it.
pub(crate) fn require(binary: &str, package: &str) {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {binary}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    assert!(found, "this test needs `{binary}`: install the Debian package {package} (./test.sh does)");
}

impl Daemon {
    /// Starts `command` (its stdout and stderr to a log file in `dir`).
    pub(crate) fn spawn(name: &'static str, mut command: Command, dir: tempfile::TempDir) -> Self {
        let log = dir.path().join(format!("{name}.log"));
        let file = std::fs::File::create(&log).expect("log file");
        let child = command
            .stdin(Stdio::null())
            .stdout(file.try_clone().expect("log file"))
            .stderr(file)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {name}: {e}"));
        Self { child, name, log, dir }
    }

    /// What the process wrote so far.
    pub(crate) fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Waits, bounded (20 s), until `ready` holds; panics with the log when the process exits or
    /// the time runs out.
    pub(crate) fn wait_until(&mut self, what: &str, mut ready: impl FnMut() -> bool) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if ready() {
                return;
            }
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                panic!("{} exited ({status}) before {what}:\n{}", self.name, self.log());
            }
            assert!(Instant::now() < deadline, "{} did not {what} within 20 s:\n{}", self.name, self.log());
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub(crate) fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

/// Writes `text` to `path`.
pub(crate) fn write(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}
