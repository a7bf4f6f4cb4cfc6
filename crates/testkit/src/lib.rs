//! Test support shared by kordon's crates (a dev-dependency only): free loopback ports and real
//! servers started on them, each killed when dropped: an SMTP server that keeps what it received
//! (aiosmtpd), Kamailio (a SIP server) and coturn (a TURN server).

mod coturn;
mod daemon;
mod kamailio;
mod smtp;

pub use coturn::Coturn;
pub use kamailio::Kamailio;
pub use smtp::SmtpSink;

use std::net::{TcpListener, UdpSocket};

/// A loopback port that was free a moment ago.
pub fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

/// A loopback UDP port that was free a moment ago (and free for TCP too).
pub fn free_udp_port() -> u16 {
    loop {
        let socket = UdpSocket::bind("127.0.0.1:0").expect("bind udp");
        let port = socket.local_addr().expect("addr").port();
        if TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
}
