//! An independent fuzzer against the generated `/openapi.json`: schemathesis (PyPI) runs every
//! dialect of a running kordon, on both stores, with `--checks all` except
//! `positive_data_acceptance` (business rules may refuse schema-valid data: a wrong password is
//! valid JSON), a fixed seed and bounded examples. Every finding fails the test with
//! schemathesis's own report; a missing schemathesis fails too (`./test.sh` installs it).
//!
//! The fuzzer's host is on the Defender's allowlist: it sends wrong credentials by design, and a
//! block would turn every later answer into the (documented) 429 and hide the real behaviour.

use crate::helpers::{PASSWORD, TestApp};
use kordon::config::Config;
use kordon_core::types::PbxRole;
use serde_json::{Value, json};
use std::process::Command;

/// The same cases every run.
const SEED: &str = "20261130";
/// Generated cases per operation and phase.
const EXAMPLES: &str = "25";

fn fuzzed(config: &mut Config) {
    config.defender.allowlist = vec!["127.0.0.0/8".into()];
}

/// The schemathesis command: `KORDON_SCHEMATHESIS`, else `schemathesis` on the PATH.
fn schemathesis() -> String {
    std::env::var("KORDON_SCHEMATHESIS").unwrap_or_else(|_| "schemathesis".into())
}

/// Runs schemathesis over the operations tagged `tag`, with `extra` arguments (auth headers,
/// filters); fails with the report when it finds anything.
async fn fuzz(app: &TestApp, tag: &str, extra: &[String]) {
    fuzz_at(app, &format!("{}/openapi.json", app.base), tag, extra).await;
}

/// As [`fuzz`], over a variant of the served document (written to the test's folder).
async fn fuzz_variant(app: &TestApp, doc: &Value, tag: &str, extra: &[String]) {
    let path = app.dir.path().join("openapi-variant.json");
    std::fs::write(&path, doc.to_string()).expect("write the variant");
    let mut extra = extra.to_vec();
    extra.extend(["--url".into(), app.base.clone()]);
    fuzz_at(app, &path.display().to_string(), tag, &extra).await;
}

async fn fuzz_at(app: &TestApp, location: &str, tag: &str, extra: &[String]) {
    let _hog = crate::helpers::beside_others().await;
    let mut args: Vec<String> = [
        "run",
        location,
        "--checks",
        "all",
        "--exclude-checks",
        "positive_data_acceptance",
        "--include-tag",
        tag,
        "--seed",
        SEED,
        "--max-examples",
        EXAMPLES,
        "--workers",
        "1",
        "--generation-database",
        "none",
        "--no-color",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    args.extend_from_slice(extra);
    let bin = schemathesis();
    // Its caches go to the working folder: the test's own, not the checkout.
    let dir = app.dir.path().to_path_buf();
    let output = tokio::task::spawn_blocking(move || Command::new(&bin).args(&args).current_dir(dir).output())
        .await
        .expect("join")
        .unwrap_or_else(|e| {
            panic!("{} could not run ({e}): `pip install schemathesis` (./test.sh does)", schemathesis())
        });
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "schemathesis found failures in \"{tag}\" ({:?}):\n{report}\n{}",
        app.backend,
        String::from_utf8_lossy(&output.stderr)
    );
    // It really ran: something was generated and sent.
    assert!(report.contains("generated"), "schemathesis tested nothing in \"{tag}\":\n{report}");
}

fn header(name: &str, value: &str) -> Vec<String> {
    vec!["-H".into(), format!("{name}: {value}")]
}

/// An OAuth client with every grant, owned by `owner`: (id, secret).
async fn client(app: &TestApp, owner: &str) -> (String, String) {
    let grants = ["password", "client_credentials", "refresh_token"].map(String::from).to_vec();
    let options = kordon_core::services::ClientOptions { introspect: true, ..Default::default() };
    let c = app.core.admin_create_client_with("fuzz", None, grants, Some(owner), options).await.expect("client");
    (c.client_id.to_string(), c.client_secret.expect("a confidential client has a secret"))
}

async fn cabinet(app: TestApp) {
    // An lk_admin of an account of its own: every cabinet route, applications included.
    let token = app.signed_in("owner@mail.ru", "79993332210").await;
    let mut extra = header("Authorization", &format!("Bearer {token}"));
    extra.extend(header("Client", crate::helpers::CLIENT));
    // Logging out would end the session the rest of the run signs in with; it runs on its own.
    let mut main = extra.clone();
    main.extend(["--exclude-path".into(), "/api/v1/logout".into()]);
    fuzz(&app, "Cabinet API v1", &main).await;
    // The session lived through it: the signed-in routes were reached, not answered 401.
    let (status, answer) = app.get_auth("/api/v1/authuser", &token).await;
    assert_eq!(status, 200, "{answer}");
    extra.extend(["--include-path".into(), "/api/v1/logout".into()]);
    fuzz(&app, "Cabinet API v1", &extra).await;
}
both!(cabinet, super::fuzzed);

async fn pbx(app: TestApp) {
    app.domain_user("admin@office.example", "office.example", PbxRole::ADMINISTRATOR).await;
    let envelope = json!({ "action": "auth", "obj": "User", "params": {
        "login": "admin@office.example", "password": PASSWORD } });
    let (status, answer, _) = app.pbx(envelope, None).await;
    assert_eq!(status, 200, "{answer}");
    let token = answer["body"]["token"].as_str().expect("token");
    let auth = header("Authorization", &format!("Bearer {token}"));
    // One operation carries every action, so `User.logout` cannot be left out by path: a first
    // run over the document without it keeps the session alive for the Defender's actions.
    let mut doc: Value =
        app.http.get(format!("{}/openapi.json", app.base)).send().await.expect("doc").json().await.expect("json");
    let actions = doc
        .pointer_mut("/components/schemas/PbxRequest/properties/action/enum")
        .and_then(Value::as_array_mut)
        .expect("the PBX actions");
    actions.retain(|action| action != "logout");
    let examples = doc
        .pointer_mut("/paths/~1api~1/post/requestBody/content/application~1json/examples")
        .and_then(Value::as_object_mut)
        .expect("the PBX examples");
    examples.remove("User.logout").expect("a User.logout example");
    fuzz_variant(&app, &doc, "PBX action API", &auth).await;
    // The session lived through it: the Defender's actions were reached, not answered 401.
    let list = json!({ "action": "list", "obj": "Defender", "params": {} });
    let (status, answer, _) = app.pbx(list, Some(token)).await;
    assert_eq!(status, 200, "{answer}");
    fuzz(&app, "PBX action API", &auth).await;
}
both!(pbx, super::fuzzed);

async fn oauth(app: TestApp) {
    app.register("owner@mail.ru", "79993332210").await;
    let (id, secret) = client(&app, "owner@mail.ru").await;
    fuzz(&app, "OAuth 2", &["--auth".into(), format!("{id}:{secret}")]).await;
}
both!(oauth, super::fuzzed);

/// Fuzzes `tag` with a user's OAuth access token.
async fn fuzz_as_oauth_user(app: &TestApp, tag: &str) {
    app.register("owner@mail.ru", "79993332210").await;
    let (token, _, _) = app.oauth_password_token("owner@mail.ru").await;
    fuzz(app, tag, &header("Authorization", &format!("Bearer {token}"))).await;
}

async fn provider(app: TestApp) {
    fuzz_as_oauth_user(&app, "Provider API v1.0").await;
}
both!(provider, super::fuzzed);

async fn telephony(app: TestApp) {
    crate::helpers::telephony::sip_person(&app, "anna@pbx.kordon.test", "101").await;
    app.core.telephony_secret_add(None).await.expect("secret");
    let token = app.login("anna@pbx.kordon.test", PASSWORD).await;
    fuzz(&app, "Telephony API v1", &header("Authorization", &format!("Bearer {token}"))).await;
}
both!(telephony, super::fuzzed);

async fn biometrics(app: TestApp) {
    fuzz_as_oauth_user(&app, "Biometrics").await;
}
both!(biometrics, super::fuzzed);

async fn openid_connect(app: TestApp) {
    // A code-flow access token with every claim scope, got through the login page.
    app.register("oidc-fuzz@mail.ru", "79990006677").await;
    let client = crate::helpers::oidc::code_client(&app, "fuzz", false, true).await;
    let id = client.id.to_string();
    let mut browser = crate::helpers::oidc::Browser::new(&app);
    let login = browser.authorize(&crate::helpers::oidc::request(&id, "openid email phone profile")).await;
    let back = browser.sign_in(&login, "oidc-fuzz@mail.ru", PASSWORD).await;
    let code = back.param("code").expect("code");
    let t = crate::helpers::oidc::exchange(&app, &client, &code, crate::helpers::oidc::VERIFIER).await;
    assert_eq!(t.status, 200, "{}", t.body);
    let token = t.body["access_token"].as_str().expect("access token");
    fuzz(&app, "OpenID Connect", &header("Authorization", &format!("Bearer {token}"))).await;
    // UserInfo still answers: the fuzzer's requests revoked nothing.
    let info = app.http.get(format!("{}/oauth/userinfo", app.base)).bearer_auth(token).send().await.expect("get");
    assert_eq!(info.status().as_u16(), 200);
}
both!(openid_connect, super::fuzzed);

async fn health_and_explorer(app: TestApp) {
    fuzz(&app, "Health", &[]).await;
    fuzz(&app, "Explorer", &[]).await;
}
both!(health_and_explorer, super::fuzzed);

async fn admin_api(app: TestApp) {
    // The platform's operator, through a personal API token (no session id the fuzzer could
    // revoke), over a server with a tenant and its users.
    let cmd = kordon_core::services::NewUserCommand {
        email: "root@kordon.example",
        password: PASSWORD,
        phone: None,
        role: kordon_core::types::Role::Operator,
        role_id: PbxRole::ADMINISTRATOR,
        domain: None,
    };
    app.core.admin_create_user(cmd).await.expect("operator");
    app.domain_user("boss@office.example", "office.example", PbxRole::ADMINISTRATOR).await;
    app.domain_user("anna@office.example", "office.example", PbxRole::USER).await;
    let session = app.login("root@kordon.example", PASSWORD).await;
    let (status, api) = app.post_auth("/api/v1/tokens", json!({}), &session).await;
    assert_eq!(status, 200, "{api}");
    let token = api["token"].as_str().expect("an API token");
    fuzz(&app, "Admin API v1", &header("Authorization", &format!("Bearer {token}"))).await;
    // The token lived through it: the operations were reached, not answered 401.
    let listed = app.http.get(format!("{}/api/admin/v1/applications", app.base)).bearer_auth(token).send().await;
    assert_eq!(listed.expect("list").status().as_u16(), 200);
}
both!(admin_api, super::fuzzed);
