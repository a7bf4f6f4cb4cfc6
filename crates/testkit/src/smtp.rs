//! A real SMTP server on loopback (aiosmtpd, started from `smtp_sink.py` beside this crate) that
//! keeps what it received.

use serde_json::Value;
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::free_port;

const SINK: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/smtp_sink.py");

/// A real SMTP server on loopback, killed when dropped (at the end of the test, passed or failed,
/// or on purpose).
pub struct SmtpSink {
    child: Child,
    dir: tempfile::TempDir,
    /// The loopback port it listens on.
    pub port: u16,
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl SmtpSink {
    /// Starts the sink on a free port.
    pub fn start() -> Self {
        Self::start_on(free_port())
    }

    /// Starts the sink on `port` and waits, bounded, until it accepts connections.
    pub fn start_on(port: u16) -> Self {
        require_aiosmtpd();
        let dir = tempfile::tempdir().expect("tempdir");
        let child = Command::new("python3")
            .arg(SINK)
            .arg(port.to_string())
            .arg(dir.path())
            .stdin(Stdio::null())
            .spawn()
            .expect("spawn python3 smtp_sink.py");
        let mut sink = Self { child, dir, port };

        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
                return sink;
            }
            if let Some(status) = sink.child.try_wait().expect("try_wait") {
                panic!("smtp_sink.py exited before listening: {status}");
            }
            assert!(Instant::now() < deadline, "smtp_sink.py did not listen on {addr} within 20 s");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The messages received so far, oldest name first: one JSON object each (`mail_from`,
    /// `rcpt_tos`, `data`, `subject`, `content_type`, `charset`, `body`).
    pub fn received(&self) -> Vec<Value> {
        received(self.dir.path())
    }

    /// The folder each message lands in as a `.json` file (for a browser driver that waits for
    /// its mail).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}

fn received(dir: &Path) -> Vec<Value> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read_dir")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|path| serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("json"))
        .collect()
}

fn require_aiosmtpd() {
    let status =
        Command::new("python3").args(["-c", "import aiosmtpd"]).stdout(Stdio::null()).stderr(Stdio::null()).status();
    match status {
        Ok(status) if status.success() => {}
        Ok(_) => panic!("the SMTP tests need the aiosmtpd Python package: run `pip install aiosmtpd` (for python3)"),
        Err(err) => panic!(
            "the SMTP tests need python3 with the aiosmtpd package ({err}): install python3, then `pip install aiosmtpd`"
        ),
    }
}
