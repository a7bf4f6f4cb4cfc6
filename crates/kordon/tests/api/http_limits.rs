//! The HTTP server under abuse: a refused body leaves the connection closed cleanly, half-sent
//! request heads and idle connections are cut, a request past its deadline is answered 503, and
//! a flood of cancelled HTTP/2 logins leaks nothing (the hashing queue drains, the Defender's
//! counts come back, the server keeps answering). `/metrics`' own listener is held to the same
//! limits.

use crate::helpers::{PASSWORD, TestApp};
use kordon::config::Config;
use serde_json::json;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

fn addr(app: &TestApp) -> std::net::SocketAddr {
    app.base.trim_start_matches("http://").parse().expect("address")
}

/// A TCP connection to the app from `source` (127.0.x.y).
async fn connect_from(app: &TestApp, source: &str) -> TcpStream {
    let socket = TcpSocket::new_v4().expect("socket");
    socket.bind(format!("{source}:0").parse().expect("source")).expect("bind");
    socket.connect(addr(app)).await.expect("connect")
}

/// Reads until the server closes the connection (or `limit` passes); true when it closed.
async fn closed_within(stream: &mut TcpStream, limit: Duration) -> bool {
    let mut buf = [0u8; 4096];
    let deadline = Instant::now() + limit;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, stream.read(&mut buf)).await {
            Err(_) => return false,
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            Ok(Ok(_)) => continue,
        }
    }
}

async fn a_refused_body_says_connection_close(app: TestApp) {
    let mut stream = connect_from(&app, "127.0.0.1").await;
    let head = "POST /api/v1/login HTTP/1.1\r\nHost: kordon\r\nContent-Type: application/json\r\nClient: 10553\r\n\
                Content-Length: 2097152\r\n\r\n";
    stream.write_all(head.as_bytes()).await.expect("head");
    // More than the 64 KiB limit, less than the whole: the server answers without reading on.
    stream.write_all(&vec![b' '; 96 * 1024]).await.expect("part of the body");
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    while !answer.windows(4).any(|w| w == b"\r\n\r\n") {
        let n =
            tokio::time::timeout(Duration::from_secs(5), stream.read(&mut buf)).await.expect("answer").expect("read");
        assert!(n > 0, "the answer must come before the close");
        answer.extend_from_slice(&buf[..n]);
    }
    let text = String::from_utf8_lossy(&answer).to_ascii_lowercase();
    assert!(text.starts_with("http/1.1 413"), "{text}");
    assert!(text.contains("connection: close"), "a keep-alive client must be told: {text}");
    // A pooled client: the refused request, then an innocent one on the same client.
    let http = reqwest::Client::new();
    let big = format!("{{\"email\":\"{}\"}}", "x".repeat(2 << 20));
    let r = http.post(format!("{}/api/v1/login", app.base)).header("Client", "10553").body(big).send().await;
    assert_eq!(r.expect("413 answer").status().as_u16(), 413);
    let r = http.get(format!("{}/healthz", app.base)).send().await.expect("the next request works");
    assert_eq!(r.status().as_u16(), 200);
    // An answered request whose body was read keeps its connection.
    let mut stream = connect_from(&app, "127.0.0.1").await;
    let body = r#"{"email":"nobody@mail.ru","password":"wrong-password"}"#;
    let req = format!(
        "POST /api/v1/login HTTP/1.1\r\nHost: kordon\r\nContent-Type: application/json\r\nClient: 10553\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(req.as_bytes()).await.expect("request");
    let n = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut buf)).await.expect("answer").expect("read");
    let text = String::from_utf8_lossy(&buf[..n]).to_ascii_lowercase();
    assert!(text.starts_with("http/1.1 400") && !text.contains("connection: close"), "{text}");
}
both!(a_refused_body_says_connection_close);

fn short_timeouts(c: &mut Config) {
    c.server.header_read_timeout = 1;
    c.server.idle_timeout = 2;
}

async fn slow_heads_and_idle_connections_are_cut(app: TestApp) {
    // 200 connections from 200 addresses send half a request head and stop.
    let mut slow = Vec::new();
    for i in 0..200 {
        let mut stream = connect_from(&app, &format!("127.0.5.{}", i + 1)).await;
        stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: kordon\r\n").await.expect("half a head");
        slow.push(stream);
    }
    for (i, stream) in slow.iter_mut().enumerate() {
        assert!(closed_within(stream, Duration::from_secs(6)).await, "slow connection {i} is still open");
    }
    // A kept-alive connection that goes quiet is closed too.
    let mut stream = connect_from(&app, "127.0.0.1").await;
    stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: kordon\r\n\r\n").await.expect("request");
    let mut buf = [0u8; 1024];
    let n = stream.read(&mut buf).await.expect("answer");
    assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"));
    assert!(closed_within(&mut stream, Duration::from_secs(6)).await, "an idle connection is closed");
    // A connection that never sends a byte is cut as early as a slow head.
    let mut silent = connect_from(&app, "127.0.0.1").await;
    assert!(closed_within(&mut silent, Duration::from_secs(6)).await, "a silent connection is closed");
    // An HTTP/2 connection that served a request and then only answers the server's pings is
    // closed once idle: pings are not requests.
    let (mut client, connection) = h2_client(&app).await;
    client = client.ready().await.expect("ready");
    let request = http::Request::get(format!("{}/healthz", app.base)).body(()).expect("request");
    let (answer, _) = client.send_request(request, true).expect("send");
    assert_eq!(answer.await.expect("answer").status(), 200);
    let ended = tokio::time::timeout(Duration::from_secs(8), connection).await;
    assert!(ended.is_ok(), "an idle HTTP/2 connection is closed");
    // And the server still serves.
    assert_eq!(app.http.get(format!("{}/healthz", app.base)).send().await.expect("healthz").status(), 200);
}
both!(slow_heads_and_idle_connections_are_cut, super::short_timeouts);

/// Short timeouts, and `/metrics` on a loopback listener of its own.
fn short_timeouts_and_a_metrics_listener(c: &mut Config) {
    short_timeouts(c);
    c.metrics.listen = "127.0.0.1:0".into();
}

/// Issue 19, defect 9: `/metrics`' own listener is served by the same loop as the main one:
/// half-sent heads, silent and idle connections are cut (under `axum::serve` they stayed open).
async fn the_metrics_listener_cuts_slow_and_idle_connections(app: TestApp) {
    let metrics: std::net::SocketAddr =
        app.metrics_base.as_deref().expect("a metrics listener").trim_start_matches("http://").parse().expect("addr");
    let connect = |source: String| async move {
        let socket = TcpSocket::new_v4().expect("socket");
        socket.bind(format!("{source}:0").parse().expect("source")).expect("bind");
        socket.connect(metrics).await.expect("connect")
    };
    // 20 connections from 20 addresses send half a request head and stop.
    let mut slow = Vec::new();
    for i in 0..20 {
        let mut stream = connect(format!("127.0.7.{}", i + 1)).await;
        stream.write_all(b"GET /metrics HTTP/1.1\r\nHost: kordon\r\n").await.expect("half a head");
        slow.push(stream);
    }
    for (i, stream) in slow.iter_mut().enumerate() {
        assert!(closed_within(stream, Duration::from_secs(6)).await, "slow connection {i} is still open");
    }
    // A connection that never sends a byte, and one gone quiet after a scrape, are closed too.
    let mut silent = connect("127.0.7.100".into()).await;
    assert!(closed_within(&mut silent, Duration::from_secs(6)).await, "a silent connection is closed");
    let mut stream = connect("127.0.7.101".into()).await;
    stream.write_all(b"GET /metrics HTTP/1.1\r\nHost: kordon\r\n\r\n").await.expect("request");
    let mut buf = [0u8; 1024];
    let n = stream.read(&mut buf).await.expect("answer");
    assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"));
    assert!(closed_within(&mut stream, Duration::from_secs(6)).await, "an idle connection is closed");
    // And the listener still serves.
    let resp = app.http.get(format!("http://{metrics}/metrics")).send().await.expect("scrape");
    assert_eq!(resp.status().as_u16(), 200);
}
both!(the_metrics_listener_cuts_slow_and_idle_connections, super::short_timeouts_and_a_metrics_listener);

/// A one-second deadline, and logins slowed past it once they fail.
fn short_deadline(c: &mut Config) {
    c.server.request_timeout = 1;
    c.defender.account_failures = 1;
    c.defender.account_delay_ms = 3000;
    c.defender.account_max_delay_ms = 3000;
}

async fn a_request_past_its_deadline_is_answered_503(app: TestApp) {
    app.register("user@mail.ru", "79993332210").await;
    let wrong = json!({ "email": "user@mail.ru", "password": "wrong-password" });
    assert_eq!(app.post("/api/v1/login", wrong).await.0, 400);
    // The login is under attack now: its next check waits 3 s, past the 1 s deadline.
    let resp = app
        .http
        .post(format!("{}/api/v1/login", app.base))
        .header("Client", "10553")
        .json(&json!({ "email": "user@mail.ru", "password": PASSWORD }))
        .send()
        .await
        .expect("answer");
    assert_eq!(resp.status().as_u16(), 503);
    assert_eq!(resp.headers()["retry-after"], "1");
    let body: serde_json::Value = resp.json().await.expect("json");
    assert_eq!(body["code"], 503);
    // The dropped work gave back its Defender admissions (host and login).
    let deadline = Instant::now() + Duration::from_secs(5);
    while app.defender_in_flight().await > 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(app.defender_in_flight().await, 0, "nothing left in flight");
}
both!(a_request_past_its_deadline_is_answered_503, super::short_deadline);

async fn cancelled_http2_logins_leak_nothing(app: TestApp) {
    let _alone = crate::helpers::alone().await;
    app.register("user@mail.ru", "79993332210").await;
    let url = format!("{}/api/v1/login", app.base);
    let body = json!({ "email": "user@mail.ru", "password": PASSWORD }).to_string();
    // 240 logins over HTTP/2 from 60 addresses, each given up by its client after 50–300 ms.
    for wave in 0..8 {
        let mut curls = Vec::new();
        for i in 0..30 {
            let source = format!("127.0.6.{}", (wave * 30 + i) % 60 + 1);
            let limit = format!("0.{:02}", 5 + (i % 6) * 5);
            curls.push(
                tokio::process::Command::new("curl")
                    .args(["--http2-prior-knowledge", "-s", "-o", "/dev/null", "-m", &limit, "--interface", &source])
                    .args(["-H", "Content-Type: application/json", "-H", "Client: 10553", "-d", &body, &url])
                    .kill_on_drop(true)
                    .spawn()
                    .expect("curl (apt-get install curl)"),
            );
        }
        for mut c in curls {
            let _ = tokio::time::timeout(Duration::from_secs(10), c.wait()).await;
        }
    }
    // The hashing queue drains: cancelled jobs are dropped, not run.
    let deadline = Instant::now() + Duration::from_secs(20);
    while app.core.passwords.queue_depth() > 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(app.core.passwords.queue_depth(), 0, "the password queue drains");
    let deadline = Instant::now() + Duration::from_secs(5);
    while app.defender_in_flight().await > 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(app.defender_in_flight().await, 0, "no Defender count was left behind");
    // Nothing leaked: twenty right logins at once from one of the flooding hosts all pass.
    let app = std::sync::Arc::new(app);
    let logins: Vec<_> = (0..20)
        .map(|_| {
            let app = app.clone();
            tokio::spawn(async move {
                app.post_from("127.0.6.1", "/api/v1/login", json!({ "email": "user@mail.ru", "password": PASSWORD }))
                    .await
                    .0
            })
        })
        .collect();
    for login in logins {
        assert_eq!(login.await.expect("join"), 200);
    }
    assert!(app.core.defender_blocks().await.expect("blocks").is_empty());
}
both!(cancelled_http2_logins_leak_nothing);

/// Opens an HTTP/2 connection (prior knowledge) and drives it in a task; the task's answer is
/// how the connection ended.
async fn h2_client(
    app: &TestApp,
) -> (h2::client::SendRequest<bytes::Bytes>, tokio::task::JoinHandle<Result<(), h2::Error>>) {
    let tcp = TcpStream::connect(addr(app)).await.expect("connect");
    let (client, connection) = h2::client::handshake(tcp).await.expect("HTTP/2 handshake");
    (client, tokio::spawn(connection))
}

/// An HTTP/2 frame: 9-byte header, then the payload.
fn frame(kind: u8, flags: u8, stream: u32, payload: &[u8]) -> Vec<u8> {
    let len = payload.len() as u32;
    let mut out = vec![(len >> 16) as u8, (len >> 8) as u8, len as u8, kind, flags];
    out.extend_from_slice(&stream.to_be_bytes());
    out.extend_from_slice(payload);
    out
}

async fn http2_rapid_reset_gets_goaway(app: TestApp) {
    // A rapid-reset attack (CVE-2023-44487), written as raw frames in one burst so the server
    // reads them all before it can take a single stream: 1,000 times HEADERS (POST / over http,
    // from HPACK's static table) and at once RST_STREAM (CANCEL).
    let mut burst = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".to_vec();
    burst.extend(frame(0x4, 0, 0, &[])); // SETTINGS
    for i in 0..1000u32 {
        let stream = 2 * i + 1;
        burst.extend(frame(0x1, 0x4, stream, &[0x83, 0x86, 0x84])); // HEADERS, END_HEADERS
        burst.extend(frame(0x3, 0, stream, &0x8u32.to_be_bytes())); // RST_STREAM, CANCEL
    }
    let mut stream = TcpStream::connect(addr(&app)).await.expect("connect");
    let _ = stream.write_all(&burst).await; // the server may hang up before it has read it all
    // Read frames until the server's GOAWAY (type 7) or the end of the connection.
    let mut got = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    let goaway = loop {
        let read = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut buf)).await.expect("an answer");
        match read {
            Ok(0) | Err(_) => break None,
            Ok(n) => got.extend_from_slice(&buf[..n]),
        }
        let mut at = 0;
        let mut found = None;
        while got.len() >= at + 9 {
            let len = (usize::from(got[at]) << 16) | (usize::from(got[at + 1]) << 8) | usize::from(got[at + 2]);
            if got.len() < at + 9 + len {
                break;
            }
            if got[at + 3] == 0x7 && len >= 8 {
                let code = &got[at + 13..at + 17];
                found = Some(u32::from_be_bytes([code[0], code[1], code[2], code[3]]));
            }
            at += 9 + len;
        }
        if found.is_some() {
            break found;
        }
    };
    assert_eq!(goaway, Some(0xb), "GOAWAY with ENHANCE_YOUR_CALM");
    // Other clients are served as before.
    assert_eq!(app.http.get(format!("{}/healthz", app.base)).send().await.expect("healthz").status(), 200);
}
both!(http2_rapid_reset_gets_goaway);

async fn http2_streams_and_headers_are_bounded(app: TestApp) {
    let (client, _connection) = h2_client(&app).await;
    let mut client = client.ready().await.expect("ready");
    // The first answer brings the server's SETTINGS with it.
    let request = http::Request::get(format!("{}/healthz", app.base)).body(()).expect("request");
    let (answer, _) = client.send_request(request, true).expect("send");
    assert_eq!(answer.await.expect("answer").status(), 200);
    // 100 streams may be open at once; the 101st must wait for one of them to end.
    let mut open = Vec::new();
    for i in 0..100 {
        let ready = tokio::time::timeout(Duration::from_secs(5), client.clone().ready()).await;
        client = ready.unwrap_or_else(|_| panic!("stream {i} may open")).expect("ready");
        // A login whose body never comes: the stream stays open.
        let request = http::Request::post(format!("{}/api/v1/login", app.base))
            .header("client", "10553")
            .header("content-type", "application/json")
            .body(())
            .expect("request");
        open.push(client.send_request(request, false).expect("open"));
    }
    let mut client = client.ready().await.expect("ready");
    let request = http::Request::get(format!("{}/healthz", app.base)).body(()).expect("request");
    let (mut answer, _) = client.send_request(request, true).expect("send");
    let waited = tokio::time::timeout(Duration::from_millis(500), &mut answer).await;
    assert!(waited.is_err(), "a 101st stream waits while 100 are open");
    open[0].1.send_reset(h2::Reason::CANCEL);
    let answer = tokio::time::timeout(Duration::from_secs(5), answer).await.expect("served once one ends");
    assert_eq!(answer.expect("answer").status(), 200);
    drop(open);
    // A header list past 16 KiB is refused, and the connection still serves.
    let mut client = client.ready().await.expect("ready");
    let request = http::Request::get(format!("{}/healthz", app.base))
        .header("x-padding", "p".repeat(20 * 1024))
        .body(())
        .expect("request");
    let refused = match client.send_request(request, true) {
        Err(_) => true,
        Ok((answer, _)) => match answer.await {
            Err(_) => true,
            Ok(answer) => answer.status() == 431,
        },
    };
    assert!(refused, "a 20 KiB header list must be refused");
    let mut client = client.ready().await.expect("the connection survives");
    let request = http::Request::get(format!("{}/healthz", app.base)).body(()).expect("request");
    let (answer, _) = client.send_request(request, true).expect("send");
    assert_eq!(answer.await.expect("answer").status(), 200);
}
both!(http2_streams_and_headers_are_bounded);

fn four_connections(c: &mut Config) {
    c.server.max_connections = 4;
    c.server.max_connections_per_host = 3;
    c.defender.allowlist = vec!["127.0.0.1/32".into()];
}

async fn connections_past_the_cap_wait_their_turn(app: TestApp) {
    let mut held = Vec::new();
    for _ in 0..4 {
        let mut stream = connect_from(&app, "127.0.0.1").await;
        stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: kordon\r\n\r\n").await.expect("request");
        let mut buf = [0u8; 512];
        assert!(stream.read(&mut buf).await.expect("answer") > 0);
        held.push(stream);
    }
    // A fifth connection is accepted by the kernel but not served while four are open...
    let mut fifth = connect_from(&app, "127.0.0.1").await;
    fifth.write_all(b"GET /healthz HTTP/1.1\r\nHost: kordon\r\n\r\n").await.expect("request");
    let mut buf = [0u8; 512];
    assert!(tokio::time::timeout(Duration::from_millis(500), fifth.read(&mut buf)).await.is_err(), "not served yet");
    // ...and is served as soon as one closes.
    drop(held.pop());
    let n = tokio::time::timeout(Duration::from_secs(5), fifth.read(&mut buf)).await.expect("served").expect("read");
    assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"));
    drop((held, fifth));
    // One address holds at most three connections (the allowlisted 127.0.0.1 above was exempt):
    // a fourth from it is closed on arrival, while another address is still served.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut three = Vec::new();
    for _ in 0..3 {
        let mut stream = connect_from(&app, "127.0.10.1").await;
        stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: kordon\r\n\r\n").await.expect("request");
        assert!(stream.read(&mut buf).await.expect("answer") > 0);
        three.push(stream);
    }
    let mut fourth = connect_from(&app, "127.0.10.1").await;
    assert!(closed_within(&mut fourth, Duration::from_secs(3)).await, "a fourth from one host is closed");
    let mut other = connect_from(&app, "127.0.10.2").await;
    other.write_all(b"GET /healthz HTTP/1.1\r\nHost: kordon\r\n\r\n").await.expect("request");
    let n = tokio::time::timeout(Duration::from_secs(5), other.read(&mut buf)).await.expect("served").expect("read");
    assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"));
}
both!(connections_past_the_cap_wait_their_turn, super::four_connections);
