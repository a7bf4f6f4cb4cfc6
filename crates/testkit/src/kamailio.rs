//! Kamailio, a real SIP server, on a free loopback UDP port with the configuration a test gives
//! (after a header this harness writes: module path, listen address, logging to the log file).

use crate::daemon::{Daemon, require, write};
use std::net::UdpSocket;
use std::process::Command;
use std::time::Duration;

/// A running Kamailio, killed when dropped.
pub struct Kamailio {
    daemon: Daemon,
    /// The loopback UDP port it listens on (on 127.0.0.1, and on every `extra` address given).
    pub port: u16,
}

/// Where Debian keeps Kamailio's modules (`/usr/lib/<triplet>/kamailio/modules`).
fn module_dir() -> String {
    let found = std::fs::read_dir("/usr/lib").ok().into_iter().flatten().flatten().find_map(|entry| {
        let dir = entry.path().join("kamailio/modules");
        dir.join("auth_ephemeral.so").exists().then(|| dir.display().to_string())
    });
    found.expect("Kamailio's auth_ephemeral module is missing: install kamailio-autheph-modules (./test.sh does)")
}

impl Kamailio {
    /// Starts Kamailio with `config` (module loads, parameters, routes), listening on 127.0.0.1
    /// and on each of `extra` loopback addresses. The routes must answer OPTIONS with any reply:
    /// the harness sends one until it is answered.
    pub fn start(config: &str, extra: &[&str]) -> Self {
        require("kamailio", "kamailio");
        let port = crate::free_udp_port();
        let dir = tempfile::tempdir().expect("tempdir");
        let mut header = format!(
            "#!KAMAILIO\nmpath=\"{}/\"\nlisten=udp:127.0.0.1:{port}\nchildren=2\nlog_stderror=yes\ndebug=2\n",
            module_dir()
        );
        for address in extra {
            header.push_str(&format!("listen=udp:{address}:{port}\n"));
        }
        let file = dir.path().join("kamailio.cfg");
        write(&file, &format!("{header}\n{config}"));
        let mut command = Command::new("kamailio");
        command.arg("-f").arg(&file).args(["-DD", "-E", "-Y"]).arg(dir.path());
        command.arg("-P").arg(dir.path().join("kamailio.pid"));
        let mut daemon = Daemon::spawn("kamailio", command, dir);
        daemon.wait_until("answer SIP on its port", || answers_options(port));
        Self { daemon, port }
    }

    /// What Kamailio logged so far.
    pub fn log(&self) -> String {
        self.daemon.log()
    }

    /// Its folder (for files a test's routes read or write).
    pub fn dir(&self) -> std::path::PathBuf {
        self.daemon.path("")
    }
}

/// Whether a SIP OPTIONS to the port gets any answer within 200 ms.
fn answers_options(port: u16) -> bool {
    let Ok(socket) = UdpSocket::bind("127.0.0.1:0") else { return false };
    let local = socket.local_addr().map(|a| a.port()).unwrap_or_default();
    let _ = socket.set_read_timeout(Some(Duration::from_millis(200)));
    let probe = format!(
        "OPTIONS sip:probe@127.0.0.1:{port} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:{local};branch=z9hG4bKprobe{local}\r\n\
         Max-Forwards: 70\r\nFrom: <sip:probe@127.0.0.1>;tag=probe\r\nTo: <sip:probe@127.0.0.1>\r\n\
         Call-ID: probe-{local}@127.0.0.1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"
    );
    if socket.send_to(probe.as_bytes(), ("127.0.0.1", port)).is_err() {
        return false;
    }
    let mut buffer = [0u8; 2048];
    socket.recv(&mut buffer).is_ok_and(|n| buffer[..n].starts_with(b"SIP/2.0 "))
}
