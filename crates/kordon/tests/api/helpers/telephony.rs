//! The telephony tests' shared parts: a person with a SIP user, a code-flow token with a scope
//! (a public softphone client with PKCE, consent given), minting through the API, the Kamailio
//! routes the docs give (fed the lines `telephony config --for kamailio` printed), and a
//! REGISTER by `sipsak` answered with its final SIP status.

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

/// The REGISTER route of docs/telephony.md: a request without credentials is challenged, a
/// wrong or expired one is refused 401, a right one under another user's From 403.
pub const ROUTES: &str = r#"
loadmodule "sl.so"
loadmodule "pv.so"
loadmodule "xlog.so"
loadmodule "textops.so"
loadmodule "siputils.so"
loadmodule "auth.so"
loadmodule "auth_ephemeral.so"
request_route {
    if (!is_method("REGISTER")) { sl_send_reply("200", "OK"); exit; }
    autheph_check("$fd");
    $var(rc) = $rc;
    if ($var(rc) == -5 || $var(rc) == -1) { auth_challenge("$fd", "0"); exit; }
    if ($var(rc) < 0) { sl_send_reply("401", "Unauthorized"); exit; }
    if (!autheph_check_from()) { sl_send_reply("403", "Forbidden"); exit; }
    sl_send_reply("200", "OK");
}
"#;

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
