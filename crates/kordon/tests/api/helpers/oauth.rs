//! Helpers of the OAuth tests (`oauth.rs`, `oauth_revocation.rs`): token requests as JSON or a
//! form, clients made through the core, and a JWT's decoded parts.

use super::TestApp;
use base64::Engine as _;
use serde_json::Value;

pub struct Reply {
    pub status: u16,
    pub body: Value,
    pub headers: reqwest::header::HeaderMap,
}

pub async fn send(req: reqwest::RequestBuilder) -> Reply {
    let resp = req.send().await.expect("request");
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let text = resp.text().await.expect("body");
    Reply { status, headers, body: serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}")) }
}

pub async fn token_json(app: &TestApp, body: Value) -> Reply {
    send(app.http.post(format!("{}/oauth/token", app.base)).json(&body)).await
}

pub async fn form(app: &TestApp, path: &str, pairs: &[(&str, &str)], basic: Option<(&str, &str)>) -> Reply {
    let mut req = app.http.post(format!("{}{path}", app.base)).form(pairs);
    if let Some((id, secret)) = basic {
        req = req.basic_auth(id, Some(secret));
    }
    send(req).await
}

/// The password grant of `email` (the test password) through client `id`: the answer's body.
pub async fn password_grant(app: &TestApp, id: i64, secret: &str, email: &str) -> Value {
    let body = serde_json::json!({ "grant_type": "password", "client_id": id, "client_secret": secret,
                                   "username": email, "password": super::PASSWORD });
    token_json(app, body).await.body
}

/// A client with these grants (and an owner): (id, secret).
pub async fn client(app: &TestApp, grants: &[&str], owner: Option<&str>) -> (i64, String) {
    let grants = grants.iter().map(|g| g.to_string()).collect();
    let c = app.core.admin_create_client("app", None, grants, owner).await.expect("client");
    (c.client_id, c.client_secret.expect("a confidential client has a secret"))
}

/// A client the operator allowed to introspect (`client create --introspect`), with this owner.
pub async fn introspector(app: &TestApp, owner: Option<&str>) -> (String, String) {
    let options = kordon_core::services::ClientOptions { introspect: true, ..Default::default() };
    let c = app.core.admin_create_client_with("rs", None, vec![], owner, options).await.expect("client");
    (c.client_id.to_string(), c.client_secret.expect("a confidential client has a secret"))
}

pub fn claims(jwt: &str) -> (Value, Value) {
    let part = |i: usize| -> Value {
        let raw = jwt.split('.').nth(i).expect("part");
        serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(raw).expect("b64"))
            .expect("json")
    };
    (part(0), part(1))
}
