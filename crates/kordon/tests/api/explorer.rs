//! The interactive API explorer (seed 003): `/openapi.json` is an OpenAPI 3.1 document of every
//! route the router serves, and `/docs` works in headless Chromium with no network, where a user
//! gets a token with client_id / client_secret through "Try it out!" and calls the provider API.
//!
//! The browser half needs Debian's Chromium (`KORDON_CHROMIUM`, default `/usr/bin/chromium`),
//! Node and `npm ci --prefix crates/kordon/tests/explorer`; without them it fails, never skips.

use crate::helpers::{Backend, TestApp};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// Every route the router serves, as `/openapi.json` must document it (method, path).
const DOCUMENTED: &[(&str, &str)] = &[
    // the cabinet API v1 (seed 000)
    ("post", "/api/v1/flashcall"),
    ("post", "/api/v1/register"),
    ("post", "/api/v1/login"),
    ("get", "/api/v1/authuser"),
    ("post", "/api/v1/authuser/flashcall"),
    ("post", "/api/v1/update-password"),
    ("post", "/api/v1/refresh"),
    ("post", "/api/v1/restore-token"),
    ("post", "/api/v1/change-password"),
    ("post", "/api/v1/logout"),
    ("get", "/api/v1/tokens"),
    ("post", "/api/v1/tokens"),
    ("delete", "/api/v1/tokens/{token_id}"),
    ("get", "/api/v1/manager"),
    ("get", "/api/v1/applications"),
    ("post", "/api/v1/applications"),
    ("delete", "/api/v1/applications/{id}"),
    // the PBX action API (seed 001)
    ("post", "/api/"),
    ("options", "/api/"),
    // OAuth 2 (seed 002, seed 003)
    ("post", "/oauth/token"),
    ("post", "/oauth/introspect"),
    ("post", "/oauth/revoke"),
    ("get", "/.well-known/openid-configuration"),
    ("get", "/.well-known/jwks.json"),
    // OpenID Connect (issue 9)
    ("get", "/oauth/authorize"),
    ("post", "/oauth/authorize"),
    ("get", "/oauth/userinfo"),
    ("post", "/oauth/userinfo"),
    ("get", "/oauth/logout"),
    ("post", "/oauth/logout"),
    // the provider API (seed 003)
    ("get", "/api/ver1.0/user/"),
    // biometrics (seed 002)
    ("get", "/api/users"),
    ("post", "/api/users"),
    ("get", "/api/users/{id}"),
    ("put", "/api/users/{id}"),
    ("patch", "/api/users/{id}"),
    ("delete", "/api/users/{id}"),
    ("post", "/api/phrases"),
    ("get", "/api/phrases/{id}"),
    ("put", "/api/phrases/{id}"),
    ("patch", "/api/phrases/{id}"),
    ("delete", "/api/phrases/{id}"),
    ("post", "/api/faceTokens"),
    ("get", "/api/faceTokens/{id}"),
    ("put", "/api/faceTokens/{id}"),
    ("patch", "/api/faceTokens/{id}"),
    ("delete", "/api/faceTokens/{id}"),
    // the telephony API (issue 22)
    ("post", "/api/telephony/v1/sip-credentials"),
    ("post", "/api/telephony/v1/turn-credentials"),
    ("post", "/api/telephony/v1/auth-failures"),
    ("get", "/api/telephony/v1/blocked-hosts"),
    // the admin API (issue 20)
    ("get", "/api/admin/v1/defender/blocks"),
    ("delete", "/api/admin/v1/defender/blocks/{ip}"),
    ("get", "/api/admin/v1/defender/capped"),
    ("delete", "/api/admin/v1/defender/capped/{login}"),
    ("get", "/api/admin/v1/users"),
    ("get", "/api/admin/v1/users/{id}"),
    ("patch", "/api/admin/v1/users/{id}"),
    ("post", "/api/admin/v1/users/{id}/disable"),
    ("post", "/api/admin/v1/users/{id}/enable"),
    ("post", "/api/admin/v1/users/{id}/forgive"),
    ("post", "/api/admin/v1/users/{id}/mfa-reset"),
    ("get", "/api/admin/v1/users/{id}/sessions"),
    ("delete", "/api/admin/v1/sessions/{id}"),
    ("get", "/api/admin/v1/applications"),
    ("post", "/api/admin/v1/applications"),
    ("post", "/api/admin/v1/applications/{id}/secret"),
    ("get", "/api/admin/v1/audit"),
    ("get", "/api/admin/v1/flashcalls/stats"),
    ("patch", "/api/admin/v1/applications/{id}"),
    ("delete", "/api/admin/v1/applications/{id}"),
    // health and the explorer
    ("get", "/healthz"),
    ("get", "/readyz"),
    ("get", "/metrics"),
    ("get", "/openapi.json"),
    ("get", "/docs"),
    ("get", "/docs/"),
];

/// Routes served as spellings of a documented one (named in its description): (method, served, documented).
const ALIASES: &[(&str, &str, &str)] = &[
    ("post", "/api", "/api/"),
    ("options", "/api", "/api/"),
    ("get", "/api/ver1.0/user", "/api/ver1.0/user/"),
    ("get", "/api/users/", "/api/users"),
    ("post", "/api/users/", "/api/users"),
    ("get", "/api/users/{id}/", "/api/users/{id}"),
    ("put", "/api/users/{id}/", "/api/users/{id}"),
    ("patch", "/api/users/{id}/", "/api/users/{id}"),
    ("delete", "/api/users/{id}/", "/api/users/{id}"),
    ("post", "/api/phrases/", "/api/phrases"),
    ("get", "/api/phrases/{id}/", "/api/phrases/{id}"),
    ("delete", "/api/phrases/{id}/", "/api/phrases/{id}"),
    ("post", "/api/faceTokens/", "/api/faceTokens"),
    ("get", "/api/faceTokens/{id}/", "/api/faceTokens/{id}"),
    ("delete", "/api/faceTokens/{id}/", "/api/faceTokens/{id}"),
];

/// Served but not API: the explorer's own files, and the login pages' own form targets and
/// stylesheet (reached only from kordon's pages; `/oauth/authorize` documents the flow).
const UNDOCUMENTED: &[&str] = &[
    "/docs/{*file}",
    "/oauth/authorize/password",
    "/oauth/authorize/flashcall",
    "/oauth/authorize/pin",
    "/oauth/authorize/second",
    "/oauth/authorize/second/call",
    "/oauth/authorize/passkey",
    "/oauth/authorize/passkey/verify",
    "/oauth/authorize/consent",
    "/oauth/register",
    "/oauth/register/finish",
    "/oauth/assets/kordon.css",
    "/oauth/assets/passkey.js",
];

const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

async fn openapi(app: &TestApp) -> Value {
    let resp = app.http.get(format!("{}/openapi.json", app.base)).send().await.expect("GET /openapi.json");
    assert_eq!(resp.status(), 200, "GET /openapi.json");
    let content_type = resp.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default();
    assert!(content_type.starts_with("application/json"), "content-type: {content_type}");
    let text = resp.text().await.expect("body");
    serde_json::from_str(&text).expect("/openapi.json is JSON")
}

/// `kordon openapi` prints, without a server or a store, the very document `/openapi.json` serves.
#[tokio::test]
async fn the_cli_prints_the_served_document() {
    let app = TestApp::spawn(Backend::Sqlite).await.expect("sqlite app");
    let printed = crate::helpers::binary::kordon(vec!["openapi".into()]).await.json();
    assert_eq!(printed, openapi(&app).await);
    assert!(printed["paths"]["/api/v1/login"]["post"].is_object(), "a real document");
}

/// Every (method, path) the document holds.
fn operations(doc: &Value) -> BTreeSet<(String, String)> {
    let paths = doc["paths"].as_object().expect("paths");
    let mut found = BTreeSet::new();
    for (path, item) in paths {
        for method in item.as_object().expect("path item").keys().filter(|k| METHODS.contains(&k.as_str())) {
            found.insert((method.clone(), path.clone()));
        }
    }
    found
}

/// Follows one local `$ref` (`#/components/…`).
fn resolve<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    match value.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let pointer = reference.strip_prefix('#').unwrap_or_else(|| panic!("not a local $ref: {reference}"));
            let target = doc.pointer(pointer).unwrap_or_else(|| panic!("dangling $ref {reference}"));
            resolve(doc, target)
        }
        None => value,
    }
}

fn every_ref(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref") {
                out.push(r.clone());
            }
            map.values().for_each(|v| every_ref(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| every_ref(v, out)),
        _ => {}
    }
}

fn operation<'a>(doc: &'a Value, method: &str, path: &str) -> &'a Value {
    let op = &doc["paths"][path][method];
    assert!(op.is_object(), "{method} {path} is documented");
    op
}

/// The response `status` of an operation, `$ref`s followed.
fn response<'a>(doc: &'a Value, method: &str, path: &str, status: &str) -> &'a Value {
    let resp = &operation(doc, method, path)["responses"][status];
    assert!(resp.is_object(), "{method} {path} documents {status}");
    resolve(doc, resp)
}

/// The JSON schema of a response, `$ref`s followed.
fn response_schema<'a>(doc: &'a Value, method: &str, path: &str, status: &str) -> &'a Value {
    let resp = response(doc, method, path, status);
    resolve(doc, &resp["content"]["application/json"]["schema"])
}

fn schema<'a>(doc: &'a Value, name: &str) -> &'a Value {
    let s = &doc["components"]["schemas"][name];
    assert!(s.is_object(), "components/schemas/{name}");
    s
}

fn properties(schema: &Value) -> BTreeSet<String> {
    schema["properties"].as_object().map(|p| p.keys().cloned().collect()).unwrap_or_default()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

/// The `.route("…")` literals of the HTTP crate's source, with the prefix their module is nested at.
fn routes_in_source() -> BTreeSet<String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../http/src");
    let lib = std::fs::read_to_string(src.join("lib.rs")).expect("crates/http/src/lib.rs");
    // `.nest("/api/admin/v1", admin::routes())` → files under src/admin/ serve under /api/admin/v1.
    let mut prefixes = BTreeMap::new();
    for part in lib.split(".nest(\"").skip(1) {
        let (prefix, rest) = part.split_once('"').expect("nest prefix");
        let module = rest.trim_start_matches([',', ' ']).split("::").next().unwrap_or_default();
        prefixes.insert(module.to_owned(), prefix.to_owned());
    }
    let mut routes = BTreeSet::new();
    let mut stack = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read_dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let relative = path.strip_prefix(&src).expect("under src");
            let module = relative.components().next().and_then(|c| c.as_os_str().to_str()).unwrap_or_default();
            let prefix = prefixes.get(module.trim_end_matches(".rs")).cloned().unwrap_or_default();
            let text = std::fs::read_to_string(&path).expect("source");
            for part in text.split(".route(\"").skip(1) {
                let (route, _) = part.split_once('"').expect("route literal");
                routes.insert(format!("{prefix}{route}"));
            }
        }
    }
    routes
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openapi_documents_every_route() {
    let app = TestApp::spawn(Backend::Sqlite).await.expect("sqlite app");
    let doc = openapi(&app).await;

    assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.1.")), "openapi: {}", doc["openapi"]);
    assert_eq!(
        doc["servers"],
        serde_json::json!([{ "url": "/", "description": "The server this explorer is served from" }])
    );
    assert!(doc["info"]["title"].is_string() && doc["info"]["version"].is_string());

    // Exactly the routes above: none missing, none invented.
    let documented = operations(&doc);
    let expected: BTreeSet<(String, String)> =
        DOCUMENTED.iter().map(|(m, p)| ((*m).to_owned(), (*p).to_owned())).collect();
    let missing: Vec<_> = expected.difference(&documented).collect();
    let invented: Vec<_> = documented.difference(&expected).collect();
    assert!(missing.is_empty(), "routes the router serves but /openapi.json does not document: {missing:?}");
    assert!(invented.is_empty(), "documented but not in this test's list of served routes: {invented:?}");

    // Every route literal in the HTTP crate is documented (or a known alias): a route added
    // without documentation fails here.
    let known: BTreeSet<&str> = DOCUMENTED
        .iter()
        .map(|(_, p)| *p)
        .chain(ALIASES.iter().map(|(_, a, _)| *a))
        .chain(UNDOCUMENTED.iter().copied())
        .collect();
    let in_source = routes_in_source();
    assert!(in_source.contains("/api/v1/login") && in_source.contains("/api/ver1.0/user/"), "{in_source:?}");
    // The console's and the account page's routes are HTML pages for people (docs/console.md,
    // docs/account.md), as the login pages are.
    let pages = |r: &str| r.starts_with("/console") || r.starts_with("/account");
    let undocumented: Vec<_> = in_source.iter().filter(|r| !known.contains(r.as_str()) && !pages(r)).collect();
    assert!(undocumented.is_empty(), "routes in crates/http/src missing from /openapi.json: {undocumented:?}");

    // Structure: every $ref resolves, operationIds are unique, tags are declared.
    let mut refs = Vec::new();
    every_ref(&doc, &mut refs);
    for r in &refs {
        let pointer = r.strip_prefix('#').unwrap_or_else(|| panic!("not a local $ref: {r}"));
        assert!(doc.pointer(pointer).is_some(), "dangling $ref {r}");
    }
    let tags: BTreeSet<&str> =
        doc["tags"].as_array().expect("tags").iter().filter_map(|t| t["name"].as_str()).collect();
    let mut ids = BTreeSet::new();
    for (method, path) in &documented {
        let op = operation(&doc, method, path);
        let id = op["operationId"].as_str().unwrap_or_else(|| panic!("{method} {path} has an operationId"));
        assert!(ids.insert(id.to_owned()), "operationId {id} is unique");
        assert!(op["summary"].is_string(), "{method} {path} has a summary");
        for tag in op["tags"].as_array().unwrap_or_else(|| panic!("{method} {path} has tags")) {
            assert!(tags.contains(tag.as_str().unwrap_or_default()), "{method} {path}: tag {tag} is declared");
        }
        assert!(op["responses"].as_object().is_some_and(|r| !r.is_empty()), "{method} {path} has responses");
    }

    // Security schemes.
    let schemes = &doc["components"]["securitySchemes"];
    for name in ["cabinetBearer", "pbxBearer", "oauthBearer", "adminBearer"] {
        assert_eq!(schemes[name]["type"], "http", "{name}");
        assert_eq!(schemes[name]["scheme"], "bearer", "{name}");
    }
    assert_eq!(schemes["clientBasic"]["type"], "http");
    assert_eq!(schemes["clientBasic"]["scheme"], "basic");
    assert_eq!(schemes["oauth2"]["type"], "oauth2");
    assert_eq!(schemes["oauth2"]["flows"]["clientCredentials"]["tokenUrl"], "/oauth/token");
    assert_eq!(schemes["oauth2"]["flows"]["password"]["tokenUrl"], "/oauth/token");
    let security = |method: &str, path: &str| -> BTreeSet<String> {
        operation(&doc, method, path)["security"]
            .as_array()
            .unwrap_or_else(|| panic!("{method} {path} declares security"))
            .iter()
            .flat_map(|req| req.as_object().map(|o| o.keys().cloned().collect::<Vec<_>>()).unwrap_or_default())
            .collect()
    };
    assert!(security("get", "/api/v1/authuser").contains("cabinetBearer"));
    assert!(security("get", "/api/v1/applications").contains("cabinetBearer"));
    assert!(security("post", "/api/").contains("pbxBearer"));
    assert_eq!(security("get", "/api/ver1.0/user/"), set(&["oauth2", "oauthBearer"]));
    assert_eq!(security("get", "/api/users"), set(&["oauth2", "oauthBearer"]));
    assert!(security("post", "/oauth/introspect").contains("clientBasic"));
    assert!(security("post", "/oauth/revoke").contains("clientBasic"));
    assert!(security("post", "/api/v1/login").is_empty());

    // The cabinet: the Client header everywhere, both error shapes, the applications.
    for (method, path) in DOCUMENTED.iter().filter(|(_, p)| p.starts_with("/api/v1/")) {
        let params = operation(&doc, method, path)["parameters"].as_array().expect("parameters");
        let client = params.iter().map(|p| resolve(&doc, p)).any(|p| p["name"] == "Client" && p["in"] == "header");
        assert!(client, "{method} {path} takes the Client header");
        let bad = response_schema(&doc, method, path, "400");
        assert_eq!(bad["oneOf"].as_array().map(Vec::len), Some(2), "{method} {path}: both error shapes");
    }
    assert_eq!(properties(schema(&doc, "CabinetValidationError")), set(&["message", "code"]));
    assert_eq!(
        properties(&schema(&doc, "CabinetValidationError")["properties"]["message"]),
        set(&["message", "field"])
    );
    assert_eq!(properties(schema(&doc, "CabinetPlainError")), set(&["message", "code"]));
    assert_eq!(
        properties(response_schema(&doc, "post", "/api/v1/applications", "200")),
        set(&["application_id", "application_secret", "name", "success"])
    );
    assert_eq!(properties(response_schema(&doc, "get", "/api/v1/applications", "200")), set(&["data", "success"]));
    assert_eq!(properties(schema(&doc, "Application")), set(&["id", "name", "created_at"]));
    let forbidden = response(&doc, "get", "/api/v1/applications", "403");
    assert_eq!(forbidden["content"]["application/json"]["example"]["message"], "This action is unauthorized.");

    // The PBX envelope and its four actions.
    let envelope = &operation(&doc, "post", "/api/")["requestBody"]["content"]["application/json"];
    assert_eq!(properties(resolve(&doc, &envelope["schema"])), set(&["action", "obj", "action_id", "params"]));
    let actions: BTreeSet<String> = envelope["examples"].as_object().expect("examples").keys().cloned().collect();
    assert_eq!(actions, set(&["User.auth", "User.logout", "Defender.list", "Defender.unblock"]));
    assert_eq!(
        properties(response_schema(&doc, "post", "/api/", "200")),
        set(&["action", "action_id", "obj", "code", "notifies", "body"])
    );

    // OAuth: both body types, every grant and parameter, RFC 6749 errors.
    let token = &operation(&doc, "post", "/oauth/token")["requestBody"]["content"];
    for media in ["application/json", "application/x-www-form-urlencoded"] {
        let body = resolve(&doc, &token[media]["schema"]);
        assert_eq!(
            properties(body),
            set(&[
                "grant_type",
                "client_id",
                "client_secret",
                "username",
                "password",
                "refresh_token",
                "scope",
                "code",
                "redirect_uri",
                "code_verifier",
            ]),
            "{media}"
        );
        let grants: BTreeSet<String> = body["properties"]["grant_type"]["enum"]
            .as_array()
            .expect("grant_type enum")
            .iter()
            .filter_map(|g| g.as_str().map(str::to_owned))
            .collect();
        assert_eq!(grants, set(&["password", "client_credentials", "refresh_token", "authorization_code"]), "{media}");
    }
    assert_eq!(
        schema(&doc, "TokenRequest")["properties"]["client_id"]["type"],
        serde_json::json!(["integer", "string"])
    );
    assert_eq!(
        properties(response_schema(&doc, "post", "/oauth/token", "200")),
        set(&["token_type", "expires_in", "access_token", "refresh_token", "id_token", "scope"])
    );
    let oauth_error = schema(&doc, "OAuthError");
    assert_eq!(properties(oauth_error), set(&["error", "error_description"]));
    let codes = oauth_error["properties"]["error"]["enum"].as_array().expect("error enum");
    for code in ["invalid_client", "invalid_grant", "invalid_request", "unauthorized_client", "unsupported_grant_type"]
    {
        assert!(codes.iter().any(|c| c == code), "OAuthError names {code}");
    }
    for path in ["/oauth/token", "/oauth/introspect", "/oauth/revoke"] {
        assert_eq!(response_schema(&doc, "post", path, "401"), oauth_error, "{path} 401");
        assert_eq!(response_schema(&doc, "post", path, "400"), oauth_error, "{path} 400");
    }
    assert!(properties(response_schema(&doc, "post", "/oauth/introspect", "200")).contains("active"));

    // OpenID Connect: UserInfo's claims and challenges; the authorization endpoint's HTML answers.
    assert!(properties(response_schema(&doc, "get", "/oauth/userinfo", "200")).contains("sub"));
    assert_eq!(response_schema(&doc, "get", "/oauth/userinfo", "403"), oauth_error);
    assert!(response(&doc, "get", "/oauth/authorize", "400")["content"]["text/html"].is_object());
    assert!(response(&doc, "get", "/oauth/authorize", "303").is_object());

    // The provider API: the user and the RFC 6750 challenge.
    assert_eq!(
        properties(response_schema(&doc, "get", "/api/ver1.0/user/", "200")),
        set(&["id", "email", "phone", "first_name", "last_name", "middle_name", "role", "account"])
    );
    let unauthorized = response(&doc, "get", "/api/ver1.0/user/", "401");
    assert!(resolve(&doc, &unauthorized["headers"]["WWW-Authenticate"]).is_object(), "WWW-Authenticate");
    assert_eq!(response_schema(&doc, "get", "/api/ver1.0/user/", "401"), oauth_error);

    // Biometrics: 201 on create, 204 on delete, Laravel's 401, 404 and 422.
    for base in ["/api/users", "/api/phrases", "/api/faceTokens"] {
        let one = format!("{base}/{{id}}");
        assert!(response(&doc, "post", base, "201").is_object(), "{base} 201");
        assert!(response(&doc, "delete", &one, "204")["content"].is_null(), "{one} 204 has no body");
        assert_eq!(properties(response_schema(&doc, "post", base, "422")), set(&["message", "errors"]));
        assert_eq!(properties(response_schema(&doc, "get", &one, "404")), set(&["message"]));
        assert_eq!(properties(response_schema(&doc, "get", &one, "401")), set(&["message"]));
    }
    assert_eq!(properties(schema(&doc, "BioUserInput")), set(&["name", "master_token"]));
    assert_eq!(properties(schema(&doc, "PhraseInput")), set(&["phrase", "user_id"]));
    assert_eq!(properties(schema(&doc, "FaceTokenInput")), set(&["face_token", "user_id"]));

    // Every documented route (and alias) is served: none falls through to the router's 404 or 405.
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
    let probes = DOCUMENTED.iter().map(|(m, p)| (*m, *p)).chain(ALIASES.iter().map(|(m, a, _)| (*m, *a)));
    for (method, path) in probes {
        let url = format!("{}{}", app.base, path.replace("{token_id}", "999999999").replace("{id}", "999999999"));
        let verb = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).expect("method");
        let mut req = http.request(verb, &url);
        if matches!(method, "post" | "put" | "patch") {
            req = req.header("content-type", "application/json").body("{}");
        }
        let resp = req.send().await.unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let status = resp.status().as_u16();
        let body: Value = serde_json::from_slice(&resp.bytes().await.expect("body")).unwrap_or(Value::Null);
        let fallback = status == 404 && body == serde_json::json!({ "message": "Not Found.", "code": 404 });
        assert!(!fallback && status != 405, "{method} {path} is documented but not served ({status} {body})");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn explorer_gets_a_token_and_calls_the_provider_api_in_headless_chromium() {
    let browser = crate::helpers::node::chromium();
    let dir = crate::helpers::node::driver("explorer", "playwright-core");
    let app = TestApp::spawn(Backend::Sqlite).await.expect("sqlite app");

    // An application of the owner, as `kordon admin client create` makes it.
    let email = "explorer-owner@example.com";
    app.register(email, "79990001122").await;
    let client = app
        .core
        .admin_create_client("explorer", None, vec!["client_credentials".into()], Some(email))
        .await
        .expect("client");

    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("explorer");
    std::fs::create_dir_all(&shots).expect("screenshot folder");
    let stdout = app.dir.path().join("explorer-report.json");
    let mut cmd = Command::new("node");
    cmd.arg("explore.mjs")
        .current_dir(&dir)
        .env("KORDON_BASE", &app.base)
        .env("KORDON_CLIENT_ID", client.client_id.to_string())
        .env("KORDON_CLIENT_SECRET", client.client_secret.as_deref().expect("a confidential client has a secret"))
        .env("KORDON_EMAIL", email)
        .env("KORDON_CHROMIUM", &browser)
        .env("KORDON_SCREENSHOTS", &shots);
    let (report, ok) = crate::helpers::node::run(cmd, stdout, Duration::from_secs(240)).await;
    eprintln!("explorer steps: {}", report["steps"]);
    eprintln!("explorer screenshots in {}", shots.display());
    assert!(ok && report["ok"] == true, "the explorer run failed: {}\nreport: {report}", report["error"]);

    // Nothing left the machine, and the page needed nothing that did.
    assert_eq!(report["blocked"], serde_json::json!([]), "requests to other hosts");
    assert_eq!(report["failed"], serde_json::json!([]), "requests to the server that failed");
    assert_eq!(report["pageErrors"], serde_json::json!([]), "uncaught errors in the page");
    assert_eq!(report["consoleErrors"], serde_json::json!([]), "console errors (a CSP violation is a blocked attempt)");
    let requests: Vec<&str> =
        report["requests"].as_array().expect("requests").iter().filter_map(Value::as_str).collect();
    for needed in ["/docs/swagger-ui-bundle.js", "/docs/swagger-initializer.js", "/openapi.json", "/oauth/token"] {
        assert!(requests.iter().any(|r| r.ends_with(needed)), "the page requested {needed}: {requests:?}");
    }
    assert!(requests.iter().all(|r| r.starts_with(&app.base)), "{requests:?}");

    // "Try it out!" on the token endpoint, then the provider API with the token set.
    assert_eq!(report["token"]["status"], "200");
    for run in ["tokenFromTryItOut", "tokenFromAuthorize"] {
        assert_eq!(report[run]["status"], "200", "{run}");
        let shown: Value = serde_json::from_str(report[run]["body"].as_str().expect("body")).expect("JSON shown");
        assert_eq!(shown["email"], email, "{run}: {shown}");
    }
}
