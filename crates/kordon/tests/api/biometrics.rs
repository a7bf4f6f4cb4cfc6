//! The biometric identifiers API (seed 002) through HTTP with OAuth access tokens: every exchange
//! of the seed with exact bodies and key orders, the cascade on delete, accounts kept apart, every
//! validation error, and the failures of authentication, bodies and paths.

use crate::helpers::{PASSWORD, TestApp};
use kordon_core::Clock;
use kordon_core::biometrics::IdentifierKind;
use kordon_core::clock::format_datetime;
use kordon_core::types::PbxRole;
use serde_json::{Value, json};

/// One answer: status, `Content-Type` and the body as sent (key order matters).
#[derive(Debug)]
struct Reply {
    status: u16,
    content_type: Option<String>,
    text: String,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|_| panic!("not JSON ({}): {}", self.status, self.text))
    }

    /// Status and exact body text.
    fn exact(&self) -> (u16, &str) {
        (self.status, self.text.as_str())
    }
}

/// Sends a request with an optional bearer token and a raw body.
async fn send(app: &TestApp, method: &str, path: &str, body: Option<String>, token: Option<&str>) -> Reply {
    let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
    let mut req = app.http.request(method, format!("{}{path}", app.base)).header("Accept", "application/json");
    if let Some(token) = token {
        req = req.bearer_auth(token);
    }
    if let Some(body) = body {
        req = req.header("Content-Type", "application/json").body(body);
    }
    let resp = req.send().await.expect("request");
    let status = resp.status().as_u16();
    let content_type =
        resp.headers().get(reqwest::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(str::to_owned);
    Reply { status, content_type, text: resp.text().await.expect("body") }
}

/// A client of the API holding one OAuth access token.
struct Bio<'a> {
    app: &'a TestApp,
    token: String,
}

impl Bio<'_> {
    async fn call(&self, method: &str, path: &str, body: Option<Value>) -> Reply {
        send(self.app, method, path, body.map(|b| b.to_string()), Some(&self.token)).await
    }
    async fn get(&self, path: &str) -> Reply {
        self.call("GET", path, None).await
    }
    async fn post(&self, path: &str, body: Value) -> Reply {
        self.call("POST", path, Some(body)).await
    }
    async fn put(&self, path: &str, body: Value) -> Reply {
        self.call("PUT", path, Some(body)).await
    }
    async fn delete(&self, path: &str) -> Reply {
        self.call("DELETE", path, None).await
    }

    /// Creates a person; answers its id.
    async fn person(&self, name: &str, master_token: &str) -> i64 {
        let r = self.post("/api/users", json!({ "name": name, "master_token": master_token })).await;
        assert_eq!(r.status, 201, "{}", r.text);
        r.json()["id"].as_i64().expect("id")
    }

    /// Attaches a phrase or face token (`path` is `/api/phrases` or `/api/faceTokens`); answers its id.
    async fn attach(&self, path: &str, field: &str, value: &str, person: i64) -> i64 {
        let r = self.post(path, json!({ field: value, "user_id": person })).await;
        assert_eq!(r.status, 201, "{}", r.text);
        r.json()["id"].as_i64().expect("id")
    }
}

/// An OAuth access token from the password grant for an existing user.
async fn oauth_token(app: &TestApp, email: &str) -> String {
    app.oauth_password_token(email).await.0
}

/// Registers a cabinet user (a new account of their own) and signs them in through OAuth.
async fn signed_in<'a>(app: &'a TestApp, email: &str, phone: &str) -> Bio<'a> {
    app.register(email, phone).await;
    Bio { app, token: oauth_token(app, email).await }
}

/// The current time in the API's format.
fn now(app: &TestApp) -> String {
    format_datetime(app.clock.now())
}

/// `YYYY-MM-DD HH:MM:SS`.
fn is_datetime(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 19
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b' ',
            13 | 16 => *c == b':',
            _ => c.is_ascii_digit(),
        })
}

/// Replaces `T0`, `T1`, … in an expected body with the given times.
fn at(template: &str, times: &[&str]) -> String {
    times.iter().enumerate().rev().fold(template.to_owned(), |text, (i, t)| text.replace(&format!("T{i}"), t))
}

const UNAUTHENTICATED: &str = r#"{"message":"Unauthenticated."}"#;
const NOT_FOUND: &str = r#"{"message":"Not Found."}"#;

async fn the_seed_walkthrough(app: TestApp) {
    let api = signed_in(&app, "test@test.test", "79993332210").await;
    assert_eq!(api.get("/api/users/").await.exact(), (200, "[]"));

    // POST api/users/ → the created person, keys as the seed shows them, 201 Created.
    let t0 = now(&app);
    assert!(is_datetime(&t0), "{t0}");
    let r = api.post("/api/users/", json!({ "name": "lolkek", "master_token": "cheburek" })).await;
    assert_eq!(r.content_type.as_deref(), Some("application/json"));
    let created =
        at(r#"{"name":"lolkek","master_token":"cheburek","updated_at":"T0","created_at":"T0","id":1}"#, &[&t0]);
    assert_eq!(r.exact(), (201, created.as_str()));

    // GET api/users/ → the list.
    let listed =
        at(r#"[{"id":1,"name":"lolkek","master_token":"cheburek","created_at":"T0","updated_at":"T0"}]"#, &[&t0]);
    assert_eq!(api.get("/api/users/").await.exact(), (200, listed.as_str()));
    assert_eq!(api.get("/api/users").await.exact(), (200, listed.as_str()));

    // POST api/phrases/ and api/faceTokens/.
    app.clock.advance(7);
    let t1 = now(&app);
    let r = api.post("/api/phrases/", json!({ "phrase": "new_phrase", "user_id": 1 })).await;
    let phrase = at(r#"{"phrase":"new_phrase","user_id":1,"updated_at":"T1","created_at":"T1","id":1}"#, &[&t0, &t1]);
    assert_eq!(r.exact(), (201, phrase.as_str()));
    let r = api.post("/api/faceTokens/", json!({ "face_token": "new_test_face_token", "user_id": 1 })).await;
    let face = at(
        r#"{"face_token":"new_test_face_token","user_id":1,"updated_at":"T1","created_at":"T1","id":1}"#,
        &[&t0, &t1],
    );
    assert_eq!(r.exact(), (201, face.as_str()));

    // GET api/users/{id} → an array of one person with their phrases and face tokens.
    let shown = at(
        r#"[{"id":1,"name":"lolkek","master_token":"cheburek","created_at":"T0","updated_at":"T0","phrases":[{"id":1,"user_id":1,"phrase":"new_phrase","created_at":"T1","updated_at":"T1"}],"face_tokens":[{"id":1,"user_id":1,"face_token":"new_test_face_token","created_at":"T1","updated_at":"T1"}]}]"#,
        &[&t0, &t1],
    );
    assert_eq!(api.get("/api/users/1").await.exact(), (200, shown.as_str()));

    // GET api/phrases/{id} and api/faceTokens/{id}.
    let r = api.get("/api/phrases/1").await;
    let stored = at(r#"{"id":1,"user_id":1,"phrase":"new_phrase","created_at":"T1","updated_at":"T1"}"#, &[&t0, &t1]);
    assert_eq!(r.exact(), (200, stored.as_str()));
    let r = api.get("/api/faceTokens/1").await;
    let stored = at(
        r#"{"id":1,"user_id":1,"face_token":"new_test_face_token","created_at":"T1","updated_at":"T1"}"#,
        &[&t0, &t1],
    );
    assert_eq!(r.exact(), (200, stored.as_str()));

    // PUT: updated_at moves, created_at stays.
    app.clock.advance(60);
    let t2 = now(&app);
    let r = api.put("/api/users/1", json!({ "name": "lolkek", "master_token": "cheburek1" })).await;
    let updated = at(
        r#"{"name":"lolkek","master_token":"cheburek1","updated_at":"T2","created_at":"T0","id":1}"#,
        &[&t0, &t1, &t2],
    );
    assert_eq!(r.exact(), (200, updated.as_str()));
    let r = api.put("/api/phrases/1", json!({ "phrase": "new_phrase_test", "user_id": 1 })).await;
    let updated =
        at(r#"{"phrase":"new_phrase_test","user_id":1,"updated_at":"T2","created_at":"T1","id":1}"#, &[&t0, &t1, &t2]);
    assert_eq!(r.exact(), (200, updated.as_str()));
    // The seed answers a face token's PUT in the order of a GET.
    let r = api.put("/api/faceTokens/1", json!({ "face_token": "new_test_face_token_111", "user_id": 1 })).await;
    let updated = at(
        r#"{"id":1,"user_id":1,"face_token":"new_test_face_token_111","created_at":"T1","updated_at":"T2"}"#,
        &[&t0, &t1, &t2],
    );
    assert_eq!(r.exact(), (200, updated.as_str()));
    let shown = at(
        r#"[{"id":1,"name":"lolkek","master_token":"cheburek1","created_at":"T0","updated_at":"T2","phrases":[{"id":1,"user_id":1,"phrase":"new_phrase_test","created_at":"T1","updated_at":"T2"}],"face_tokens":[{"id":1,"user_id":1,"face_token":"new_test_face_token_111","created_at":"T1","updated_at":"T2"}]}]"#,
        &[&t0, &t1, &t2],
    );
    assert_eq!(api.get("/api/users/1/").await.exact(), (200, shown.as_str()));

    // DELETE: 204 with an empty body; the record is gone.
    assert_eq!(api.delete("/api/phrases/1").await.exact(), (204, ""));
    assert_eq!(api.get("/api/phrases/1").await.exact(), (404, NOT_FOUND));
    assert_eq!(api.delete("/api/phrases/1").await.exact(), (404, NOT_FOUND));
    assert_eq!(api.delete("/api/faceTokens/1").await.exact(), (204, ""));
    assert_eq!(api.get("/api/faceTokens/1").await.exact(), (404, NOT_FOUND));
    assert_eq!(api.delete("/api/users/1").await.exact(), (204, ""));
    assert_eq!(api.get("/api/users/1").await.exact(), (404, NOT_FOUND));
    assert_eq!(api.put("/api/users/1", json!({ "name": "a", "master_token": "b" })).await.exact(), (404, NOT_FOUND));
    assert_eq!(api.delete("/api/users/1").await.exact(), (404, NOT_FOUND));
    assert_eq!(api.get("/api/users").await.exact(), (200, "[]"));
}
both!(the_seed_walkthrough);

async fn deleting_a_person_deletes_their_identifiers(app: TestApp) {
    let api = signed_in(&app, "test@test.test", "79993332210").await;
    let gone = api.person("gone", "t1").await;
    let kept = api.person("kept", "t2").await;
    let mut gone_ids = Vec::new();
    for value in ["a", "b"] {
        gone_ids.push(("/api/phrases", api.attach("/api/phrases", "phrase", value, gone).await));
        gone_ids.push(("/api/faceTokens", api.attach("/api/faceTokens", "face_token", value, gone).await));
    }
    let kept_phrase = api.attach("/api/phrases", "phrase", "c", kept).await;
    let kept_face = api.attach("/api/faceTokens", "face_token", "c", kept).await;
    // Listed oldest first.
    let detail = api.get(&format!("/api/users/{gone}")).await.json();
    let values = |key: &str, field: &str| -> Vec<Value> {
        detail[0][key].as_array().expect("list").iter().map(|i| i[field].clone()).collect()
    };
    assert_eq!(values("phrases", "phrase"), vec![json!("a"), json!("b")]);
    assert_eq!(values("face_tokens", "face_token"), vec![json!("a"), json!("b")]);

    assert_eq!(api.delete(&format!("/api/users/{gone}")).await.exact(), (204, ""));
    for (path, id) in &gone_ids {
        assert_eq!(api.get(&format!("{path}/{id}")).await.exact(), (404, NOT_FOUND), "{path}/{id}");
    }
    // No rows left behind in either table, and the other person's identifiers are untouched.
    for kind in [IdentifierKind::Phrase, IdentifierKind::FaceToken] {
        assert_eq!(app.core.store.identifiers(kind, gone).await.expect("rows"), vec![]);
        assert_eq!(app.core.store.identifiers(kind, kept).await.expect("rows").len(), 1);
    }
    assert_eq!(api.get(&format!("/api/phrases/{kept_phrase}")).await.status, 200);
    assert_eq!(api.get(&format!("/api/faceTokens/{kept_face}")).await.status, 200);
    // A deleted person takes no new identifiers.
    let r = api.post("/api/phrases", json!({ "phrase": "late", "user_id": gone })).await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert_eq!(r.json()["errors"], json!({ "user_id": ["The selected user id is invalid."] }));
}
both!(deleting_a_person_deletes_their_identifiers);

async fn accounts_are_kept_apart(app: TestApp) {
    let mine = signed_in(&app, "mine@test.test", "79993332210").await;
    let theirs = signed_in(&app, "theirs@test.test", "79993332211").await;
    let person = mine.person("lolkek", "cheburek").await;
    let phrase = mine.attach("/api/phrases", "phrase", "new_phrase", person).await;
    let face = mine.attach("/api/faceTokens", "face_token", "new_face", person).await;
    let before = mine.get(&format!("/api/users/{person}")).await.text;

    // Another account sees nothing, changes nothing, deletes nothing: 404 as for a missing id.
    assert_eq!(theirs.get("/api/users").await.exact(), (200, "[]"));
    let user = format!("/api/users/{person}");
    assert_eq!(theirs.get(&user).await.exact(), (404, NOT_FOUND));
    assert_eq!(theirs.put(&user, json!({ "name": "x", "master_token": "y" })).await.exact(), (404, NOT_FOUND));
    assert_eq!(theirs.delete(&user).await.exact(), (404, NOT_FOUND));
    for (path, field, id) in [("/api/phrases", "phrase", phrase), ("/api/faceTokens", "face_token", face)] {
        let one = format!("{path}/{id}");
        assert_eq!(theirs.get(&one).await.exact(), (404, NOT_FOUND));
        assert_eq!(theirs.put(&one, json!({ field: "x", "user_id": person })).await.exact(), (404, NOT_FOUND));
        assert_eq!(theirs.delete(&one).await.exact(), (404, NOT_FOUND));
        // Nor can it attach identifiers to my person, or move its own to my person.
        let invalid =
            r#"{"message":"The given data was invalid.","errors":{"user_id":["The selected user id is invalid."]}}"#;
        assert_eq!(theirs.post(path, json!({ field: "x", "user_id": person })).await.exact(), (422, invalid));
        let own = theirs.person("own", "t").await;
        let own_id = theirs.attach(path, field, "x", own).await;
        let r = theirs.put(&format!("{path}/{own_id}"), json!({ field: "y", "user_id": person })).await;
        assert_eq!(r.exact(), (422, invalid));
        assert_eq!(theirs.get(&format!("{path}/{own_id}")).await.json()[field], "x");
    }
    assert_eq!(mine.get(&format!("/api/users/{person}")).await.text, before);
    assert_eq!(mine.get("/api/users").await.json().as_array().map(Vec::len), Some(1));

    // Users of one account (one PBX domain) share its persons.
    app.domain_user("admin@office.example", "office.example", PbxRole::ADMINISTRATOR).await;
    app.domain_user("operator@office.example", "office.example", PbxRole::OPERATOR).await;
    let admin = Bio { app: &app, token: oauth_token(&app, "admin@office.example").await };
    let operator = Bio { app: &app, token: oauth_token(&app, "operator@office.example").await };
    let shared = admin.person("shared", "t").await;
    let listed = operator.get("/api/users").await.json();
    assert_eq!(listed.as_array().map(Vec::len), Some(1), "{listed}");
    assert_eq!(listed[0]["id"], shared);
    assert!(operator.attach("/api/phrases", "phrase", "p", shared).await > 0);
    assert_eq!(mine.get(&format!("/api/users/{shared}")).await.exact(), (404, NOT_FOUND));
}
both!(accounts_are_kept_apart);

/// The 422 body of the given `errors` (key order as given).
fn invalid(errors: &str) -> String {
    format!(r#"{{"message":"The given data was invalid.","errors":{errors}}}"#)
}

async fn every_validation_error(app: TestApp) {
    let api = signed_in(&app, "test@test.test", "79993332210").await;
    let required =
        invalid(r#"{"name":["The name field is required."],"master_token":["The master token field is required."]}"#);
    for body in [json!({}), json!({ "name": null, "master_token": "" }), json!({ "name": "  ", "master_token": [] })] {
        assert_eq!(api.post("/api/users", body).await.exact(), (422, required.as_str()));
    }
    // An empty body reads as `{}`.
    assert_eq!(send(&app, "POST", "/api/users", None, Some(&api.token)).await.exact(), (422, required.as_str()));
    let strings =
        invalid(r#"{"name":["The name must be a string."],"master_token":["The master token must be a string."]}"#);
    for body in [json!({ "name": 5, "master_token": true }), json!({ "name": {}, "master_token": ["x"] })] {
        assert_eq!(api.post("/api/users", body).await.exact(), (422, strings.as_str()));
    }
    let long = "ж".repeat(256);
    let r = api.post("/api/users", json!({ "name": long, "master_token": "ok" })).await;
    assert_eq!(r.exact(), (422, invalid(r#"{"name":["The name may not be greater than 255 characters."]}"#).as_str()));
    let r = api.post("/api/users", json!({ "name": "ok", "master_token": long })).await;
    let too_long = invalid(r#"{"master_token":["The master token may not be greater than 255 characters."]}"#);
    assert_eq!(r.exact(), (422, too_long.as_str()));
    // 255 characters are fine; strings are trimmed as Laravel's middleware does.
    let r = api.post("/api/users", json!({ "name": "ж".repeat(255), "master_token": "  padded  " })).await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.json()["master_token"], "padded");
    let person = r.json()["id"].as_i64().expect("id");
    assert_eq!(api.get("/api/users").await.json().as_array().map(Vec::len), Some(1));

    // PUT validates the same, and changes nothing when it fails.
    let user = format!("/api/users/{person}");
    let r = api.put(&user, json!({ "name": "only" })).await;
    let expected = invalid(r#"{"master_token":["The master token field is required."]}"#);
    assert_eq!(r.exact(), (422, expected.as_str()));
    let r = api.put(&user, json!({ "name": 1, "master_token": "" })).await;
    let expected =
        invalid(r#"{"name":["The name must be a string."],"master_token":["The master token field is required."]}"#);
    assert_eq!(r.exact(), (422, expected.as_str()));
    assert_eq!(api.get(&user).await.json()[0]["master_token"], "padded");
    // A missing record is 404 before its body is looked at.
    assert_eq!(api.put("/api/users/999", json!({})).await.exact(), (404, NOT_FOUND));

    for (path, field, attribute) in
        [("/api/phrases", "phrase", "phrase"), ("/api/faceTokens", "face_token", "face token")]
    {
        let r = api.post(path, json!({})).await;
        let expected = invalid(&format!(
            r#"{{"{field}":["The {attribute} field is required."],"user_id":["The user id field is required."]}}"#
        ));
        assert_eq!(r.exact(), (422, expected.as_str()));
        let r = api.post(path, json!({ field: 7, "user_id": "abc" })).await;
        let expected = invalid(&format!(
            r#"{{"{field}":["The {attribute} must be a string."],"user_id":["The user id must be an integer.","The selected user id is invalid."]}}"#
        ));
        assert_eq!(r.exact(), (422, expected.as_str()));
        for unknown in [json!(999), json!(0), json!(-1)] {
            let r = api.post(path, json!({ field: "x", "user_id": unknown })).await;
            let expected = invalid(r#"{"user_id":["The selected user id is invalid."]}"#);
            assert_eq!(r.exact(), (422, expected.as_str()));
        }
        let r = api.post(path, json!({ field: "x".repeat(256), "user_id": person })).await;
        let expected =
            invalid(&format!(r#"{{"{field}":["The {attribute} may not be greater than 255 characters."]}}"#));
        assert_eq!(r.exact(), (422, expected.as_str()));
        // An integer given as text is taken, and answered as a number.
        let r = api.post(path, json!({ field: "x", "user_id": person.to_string() })).await;
        assert_eq!(r.status, 201, "{}", r.text);
        assert_eq!(r.json()["user_id"], person);
        let id = r.json()["id"].as_i64().expect("id");
        let one = format!("{path}/{id}");
        let r = api.put(&one, json!({ field: "", "user_id": null })).await;
        let expected = invalid(&format!(
            r#"{{"{field}":["The {attribute} field is required."],"user_id":["The user id field is required."]}}"#
        ));
        assert_eq!(r.exact(), (422, expected.as_str()));
        assert_eq!(api.put(&format!("{path}/999"), json!({})).await.exact(), (404, NOT_FOUND));
        assert_eq!(api.get(&one).await.json()[field], "x");
    }
}
both!(every_validation_error);

async fn strangers_are_unauthenticated(app: TestApp) {
    let api = signed_in(&app, "test@test.test", "79993332210").await;
    let person = api.person("lolkek", "cheburek").await;
    let phrase = api.attach("/api/phrases", "phrase", "p", person).await;
    // A cabinet session token is not an OAuth access token.
    let (_, login) = app.post("/api/v1/login", json!({ "email": "test@test.test", "password": PASSWORD })).await;
    let cabinet = login["token"].as_str().expect("cabinet token").to_owned();
    let routes = [
        ("GET", "/api/users".to_owned()),
        ("POST", "/api/users/".to_owned()),
        ("GET", format!("/api/users/{person}")),
        ("PUT", format!("/api/users/{person}")),
        ("DELETE", format!("/api/users/{person}")),
        ("POST", "/api/phrases".to_owned()),
        ("GET", format!("/api/phrases/{phrase}")),
        ("PUT", format!("/api/phrases/{phrase}")),
        ("DELETE", format!("/api/phrases/{phrase}")),
        ("POST", "/api/faceTokens".to_owned()),
        ("GET", "/api/faceTokens/1".to_owned()),
        ("PUT", "/api/faceTokens/1".to_owned()),
        ("DELETE", "/api/faceTokens/1".to_owned()),
        // Authentication comes before the path and the body.
        ("GET", "/api/users/abc".to_owned()),
        ("POST", "/api/users".to_owned()),
    ];
    let body = || Some(r#"{"name":"x","master_token":"y"}"#.to_owned());
    for (method, path) in &routes {
        let r = send(&app, method, path, body(), None).await;
        assert_eq!(r.exact(), (401, UNAUTHENTICATED), "{method} {path} without a token");
        for bad in ["not-a-token", "eyJhbGciOiJIUzI1NiJ9.e30.x", &cabinet] {
            let r = send(&app, method, path, body(), Some(bad)).await;
            assert_eq!(r.exact(), (401, UNAUTHENTICATED), "{method} {path} with {bad}");
        }
    }
    // Other schemes and an empty bearer are no token either.
    for header in ["Basic dGVzdDp0ZXN0", "Bearer ", &api.token] {
        let r = app.http.get(format!("{}/api/users", app.base)).header("Authorization", header).send().await;
        let r = r.expect("request");
        assert_eq!(r.status().as_u16(), 401, "{header}");
        assert_eq!(r.text().await.expect("body"), UNAUTHENTICATED);
    }
    // Nothing changed.
    assert_eq!(api.get(&format!("/api/users/{person}")).await.json()[0]["phrases"][0]["phrase"], "p");
    assert_eq!(api.get("/api/users").await.json().as_array().map(Vec::len), Some(1));
}
both!(strangers_are_unauthenticated);

async fn malformed_requests(app: TestApp) {
    let api = signed_in(&app, "test@test.test", "79993332210").await;
    let person = api.person("lolkek", "cheburek").await;
    let not_json = r#"{"message":"The request body is not valid JSON."}"#;
    for path in ["/api/users", "/api/phrases", "/api/faceTokens"] {
        for body in ["{\"name\":", "[1,2]", "\"text\"", "42", "null", "name=x&master_token=y"] {
            let r = send(&app, "POST", path, Some(body.to_owned()), Some(&api.token)).await;
            assert_eq!(r.exact(), (400, not_json), "{path} {body}");
        }
    }
    let r = send(&app, "PUT", &format!("/api/users/{person}"), Some("{".into()), Some(&api.token)).await;
    assert_eq!(r.exact(), (400, not_json));
    let big = json!({ "name": "x".repeat(70 * 1024), "master_token": "y" }).to_string();
    let r = send(&app, "POST", "/api/users", Some(big), Some(&api.token)).await;
    assert_eq!(r.exact(), (413, r#"{"message":"The request body is too large."}"#));

    // Ids that are not integers are records that do not exist.
    for path in ["/api/users", "/api/phrases", "/api/faceTokens"] {
        for id in ["abc", "1.5", "-1", "1e3", "%20", "99999999999999999999", "0"] {
            let one = format!("{path}/{id}");
            assert_eq!(api.get(&one).await.exact(), (404, NOT_FOUND), "GET {one}");
            assert_eq!(api.delete(&one).await.exact(), (404, NOT_FOUND), "DELETE {one}");
            let r = api.put(&one, json!({ "name": "x", "master_token": "y", "phrase": "x", "user_id": person })).await;
            assert_eq!(r.exact(), (404, NOT_FOUND), "PUT {one}");
        }
    }
    // Methods a route does not have.
    let not_allowed = r#"{"message":"Method Not Allowed."}"#;
    assert_eq!(api.call("POST", &format!("/api/users/{person}"), Some(json!({}))).await.exact(), (405, not_allowed));
    assert_eq!(api.call("DELETE", "/api/users", None).await.exact(), (405, not_allowed));
    assert_eq!(api.get("/api/phrases").await.exact(), (405, not_allowed));
    assert_eq!(api.call("PUT", "/api/faceTokens/", Some(json!({}))).await.exact(), (405, not_allowed));
    // PATCH updates like PUT (a Laravel resource route).
    let r =
        api.call("PATCH", &format!("/api/users/{person}/"), Some(json!({ "name": "n", "master_token": "m" }))).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let saved = r.json();
    assert_eq!((saved["name"].clone(), saved["master_token"].clone()), (json!("n"), json!("m")));
    assert!(is_datetime(saved["created_at"].as_str().expect("created_at")));
    assert!(is_datetime(saved["updated_at"].as_str().expect("updated_at")));
}
both!(malformed_requests);
