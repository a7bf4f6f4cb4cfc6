//! The telephony tests' shared parts: a person with a SIP user, a code-flow token with a scope
//! (a public softphone client with PKCE, consent given), minting through the API, the Kamailio
//! configuration the docs give (fed the lines `telephony config --for kamailio` printed), and
//! REGISTERs by `sipsak` and `sipp` answered with their final SIP status.

use super::TestApp;
use super::oidc::{Browser, VERIFIER, code_client, exchange, request};
use serde_json::{Value, json};
use std::process::Command;

/// The PBX domain of the telephony tests: the SIP realm.
pub const REALM: &str = "pbx.kordon.test";

/// A person of [`REALM`] with `sip_user`; their id.
pub async fn sip_person(app: &TestApp, email: &str, sip_user: &str) -> i64 {
    let (id, _) = app.domain_user(email, REALM, kordon_core::types::PbxRole::USER).await;
    app.core.admin_set_sip_user_by_email(email, sip_user).await.expect("sip user");
    id
}

/// Moves the app's manual clock to the system's: Kamailio and coturn judge expiry by the
/// system clock.
pub fn system_time(app: &TestApp) {
    use kordon_core::Clock as _;
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    app.clock.advance(now - app.clock.now());
}

/// An access token of the code flow with `scope` for `email` (the test password): a public
/// client (a softphone) with PKCE, the person signing in and allowing.
pub async fn softphone_token(app: &TestApp, email: &str, scope: &str) -> String {
    let client = code_client(app, "Softphone", true, false).await;
    let mut browser = Browser::new(app);
    let id = client.id.to_string();
    let login = browser.authorize(&request(&id, scope)).await;
    let consent = browser.sign_in(&login, email, super::PASSWORD).await;
    assert_eq!(consent.status, 200, "the consent page: {}", consent.body);
    assert!(consent.body.contains("SIP") || !scope.contains("sip"), "the consent page names SIP: {}", consent.body);
    let back = browser.decide(&consent, "allow").await;
    let code = back.param("code").expect("code");
    let reply = exchange(app, &client, &code, VERIFIER).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.body["access_token"].as_str().expect("access token").to_owned()
}

/// `POST /api/telephony/v1/<kind>-credentials` with `token` and `body` (none: no body).
pub async fn mint(app: &TestApp, kind: &str, token: Option<&str>, body: Option<Value>) -> (u16, Value) {
    let mut req = app.http.post(format!("{}/api/telephony/v1/{kind}-credentials", app.base));
    if let Some(token) = token {
        req = req.bearer_auth(token);
    }
    if let Some(body) = body {
        req = req.json(&body);
    }
    let resp = req.send().await.expect("mint");
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(json!(null)))
}

/// `mint` that must succeed; the credentials.
pub async fn minted(app: &TestApp, kind: &str, token: &str, ttl: Option<i64>) -> Value {
    let (status, body) = mint(app, kind, Some(token), ttl.map(|ttl| json!({ "ttl": ttl }))).await;
    assert_eq!(status, 200, "{body}");
    body
}

/// The hook token of the telephony tests' servers.
pub const HOOK_TOKEN: &str = "hook-token-of-the-tests-0123456789";

/// The Kamailio configuration docs/telephony.md gives (the tests run what the docs say), for
/// kordon at `base` with [`HOOK_TOKEN`], followed by `secrets` (what `telephony config --for
/// kamailio` printed).
pub fn kamailio_config(base: &str, secrets: &str) -> String {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/telephony.md"))
        .expect("docs/telephony.md");
    let (_, rest) = doc.split_once("```kamailio\n").expect("docs/telephony.md has a ```kamailio block");
    let (config, _) = rest.split_once("```").expect("the block ends");
    format!("{}\n{secrets}", config.replace("KORDON_URL", base).replace("HOOK_TOKEN", HOOK_TOKEN))
}

/// A REGISTER of `sip:<from>@<realm>` to Kamailio on `port` with these digest credentials
/// (sipsak, from 127.0.0.1): the last SIP status it received, and what it printed.
pub async fn register(port: u16, from: &str, username: &str, password: &str) -> (u16, String) {
    let (from, username, password) = (from.to_owned(), username.to_owned(), password.to_owned());
    tokio::task::spawn_blocking(move || {
        let local = kordon_testkit::free_udp_port();
        let output = Command::new("timeout")
            .args(["20", "sipsak", "-U", "-x", "60", "-vvv", "-l", &local.to_string()])
            .args(["-C", &format!("sip:{from}@127.0.0.1:{local}")])
            .args(["-s", &format!("sip:{from}@127.0.0.1:{port}")])
            .args(["-u", &username, "-a", &password])
            .output()
            .expect("run sipsak (the Debian package sipsak)");
        let printed = String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr);
        let status = printed
            .lines()
            .rev()
            .filter_map(|line| line.strip_prefix("SIP/2.0 "))
            .find_map(|rest| rest.get(..3)?.parse::<u16>().ok())
            .unwrap_or_else(|| panic!("sipsak received no SIP reply ({}):\n{printed}", output.status));
        (status, printed)
    })
    .await
    .expect("join")
}

/// A REGISTER with digest authentication, as sipp runs it: a first request, its 401 challenge,
/// the authenticated one, a 200 (any other answer ends the call as failed).
const SIPP_REGISTER: &str = r#"<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="register">
  <send retrans="500"><![CDATA[
      REGISTER sip:[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: <sip:[field0]@pbx.kordon.test>;tag=[call_number]
      To: <sip:[field0]@pbx.kordon.test>
      Call-ID: [call_id]
      CSeq: 1 REGISTER
      Contact: <sip:[field0]@[local_ip]:[local_port]>
      Max-Forwards: 70
      Expires: 60
      Content-Length: 0

  ]]></send>
  <recv response="401" auth="true"/>
  <send retrans="500"><![CDATA[
      REGISTER sip:[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: <sip:[field0]@pbx.kordon.test>;tag=[call_number]
      To: <sip:[field0]@pbx.kordon.test>
      Call-ID: [call_id]
      CSeq: 2 REGISTER
      Contact: <sip:[field0]@[local_ip]:[local_port]>
      [field1]
      Max-Forwards: 70
      Expires: 60
      Content-Length: 0

  ]]></send>
  <recv response="200"/>
</scenario>
"#;

/// What a sipp run saw.
#[derive(Debug)]
pub struct SippRun {
    /// Every call ended with 200.
    pub ok: bool,
    /// The statuses of the unexpected answers that ended calls (401, 403, …), in order.
    pub unexpected: Vec<u16>,
    pub printed: String,
}

/// `calls` REGISTERs of `sip:<from>@pbx.kordon.test` from `source` (a loopback address) to
/// Kamailio on `port`, with these digest credentials, at 50 a second (sipp, bounded: 60 s).
pub async fn sipp(port: u16, source: &str, from: &str, username: &str, password: &str, calls: u32) -> SippRun {
    let (source, from, username, password) =
        (source.to_owned(), from.to_owned(), username.to_owned(), password.to_owned());
    tokio::task::spawn_blocking(move || {
        let dir = tempfile::tempdir().expect("tempdir");
        let scenario = dir.path().join("register.xml");
        std::fs::write(&scenario, SIPP_REGISTER).expect("scenario");
        let users = dir.path().join("users.csv");
        let line = format!("SEQUENTIAL\n{from};[authentication username={username} password={password}]\n");
        std::fs::write(&users, line).expect("users");
        let errors = dir.path().join("errors.log");
        let output = Command::new("timeout")
            .args(["60", "sipp", &format!("127.0.0.1:{port}"), "-sf"])
            .arg(&scenario)
            .arg("-inf")
            .arg(&users)
            .args(["-i", &source, "-p", &kordon_testkit::free_udp_port().to_string()])
            .args(["-m", &calls.to_string(), "-r", "50", "-timeout", "30s", "-nostdin", "-trace_err", "-error_file"])
            .arg(&errors)
            .output()
            .expect("run sipp (the Debian package sip-tester)");
        let log = std::fs::read_to_string(&errors).unwrap_or_default();
        // The answers that ended calls (sipp's "Dead call" lines are its own BYEs' answers).
        let unexpected = log
            .split("Aborting call on unexpected message")
            .skip(1)
            .filter_map(|rest| rest.split_once("received 'SIP/2.0 ")?.1.get(..3)?.parse::<u16>().ok())
            .collect();
        let printed = format!("{}\n{log}", String::from_utf8_lossy(&output.stderr)).chars().take(4000).collect();
        SippRun { ok: output.status.success(), unexpected, printed }
    })
    .await
    .expect("join")
}
