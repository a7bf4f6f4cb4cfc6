//! coturn, a real TURN server, on a free loopback port with the lines a test gives (kordon's
//! `telephony config --for coturn`), and `turnutils_uclient` to allocate on it.

use crate::daemon::{Daemon, require, write};
use std::net::{SocketAddr, TcpStream};
use std::process::Command;
use std::time::Duration;

/// A running coturn, killed when dropped.
pub struct Coturn {
    daemon: Daemon,
    /// The loopback port it listens on (UDP and TCP).
    pub port: u16,
}

impl Coturn {
    /// Starts `turnserver` with `lines` (its configuration file's lines, e.g. `use-auth-secret`
    /// and `static-auth-secret=…`) after a header: loopback only, no TLS, no CLI, a relay port
    /// range of its own, realm `kordon.test`.
    pub fn start(lines: &str) -> Self {
        require("turnserver", "coturn");
        require("turnutils_uclient", "coturn");
        let port = crate::free_udp_port();
        let dir = tempfile::tempdir().expect("tempdir");
        let relay = 50_000 + u32::from(port % 150) * 100;
        let header = format!(
            "listening-ip=127.0.0.1\nlistening-port={port}\nrelay-ip=127.0.0.1\nmin-port={relay}\nmax-port={}\n\
             realm=kordon.test\nno-tls\nno-dtls\nno-cli\nallow-loopback-peers\nlog-file=stdout\nsimple-log\n\
             userdb={}\npidfile={}\n",
            relay + 99,
            dir.path().join("turndb").display(),
            dir.path().join("turnserver.pid").display(),
        );
        let file = dir.path().join("turnserver.conf");
        write(&file, &format!("{header}{lines}\n"));
        let mut command = Command::new("turnserver");
        command.arg("-c").arg(&file);
        let mut daemon = Daemon::spawn("turnserver", command, dir);
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        daemon.wait_until("listen", || TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok());
        Self { daemon, port }
    }

    /// Allocates a relay with `turnutils_uclient` as `username` / `password` (bounded: 30 s):
    /// Ok, or Err with what the client printed.
    pub fn allocate(&self, username: &str, password: &str) -> Result<(), String> {
        let output = Command::new("timeout")
            .args(["30", "turnutils_uclient", "-u", username, "-w", password, "-p", &self.port.to_string()])
            .args(["-n", "0", "-m", "1", "-c", "-e", "127.0.0.1", "127.0.0.1"])
            .output()
            .map_err(|e| format!("cannot run turnutils_uclient: {e}"))?;
        let printed = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
        match output.status.success() {
            true => Ok(()),
            false => Err(format!("{} ({}); coturn logged:\n{}", printed.trim(), output.status, self.daemon.log())),
        }
    }
}
