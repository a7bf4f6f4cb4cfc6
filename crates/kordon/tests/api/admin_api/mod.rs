//! The admin JSON API (`/api/admin/v1`): the operator's happy paths on every endpoint, a tenant's
//! `lk_admin` confined to its own account (another tenant's objects answer 404, an operator's
//! action 403), an `lk_user` refused (403), missing and bad tokens (401), bad input (400), a
//! disabled user's tokens dead in every dialect, and one browser sign-in revoked alone; on SQLite
//! and PostgreSQL. This module holds the requests and people the tests share; each file holds
//! the tests of one part of the API.

mod applications;
mod audit;
mod blocks;
mod scope;
mod sessions;
mod users;

use crate::helpers::oidc::{Browser, VERIFIER, code_client, exchange, request};
use crate::helpers::{PASSWORD, TestApp, login_body, pbx_auth_body};
use kordon_core::services::NewUserCommand;
use kordon_core::types::{PbxRole, Role};
use serde_json::{Value, json};

const V1: &str = "/api/admin/v1";

/// One admin API request: status, JSON body (null when there is none) and headers.
async fn call(app: &TestApp, method: &str, path: &str, body: Option<Value>, token: Option<&str>) -> Answer {
    let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
    let mut req = app.http.request(method, format!("{}{V1}{path}", app.base));
    if let Some(token) = token {
        req = req.bearer_auth(token);
    }
    if let Some(body) = body {
        req = req.json(&body);
    }
    let resp = req.send().await.expect("request");
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let text = resp.text().await.expect("body");
    let body = match text.is_empty() {
        true => Value::Null,
        false => serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON ({status}): {text}")),
    };
    Answer { status, body, headers }
}

#[derive(Debug)]
struct Answer {
    status: u16,
    body: Value,
    headers: reqwest::header::HeaderMap,
}

async fn get(app: &TestApp, path: &str, token: &str) -> Answer {
    call(app, "GET", path, None, Some(token)).await
}

async fn post(app: &TestApp, path: &str, token: &str) -> Answer {
    call(app, "POST", path, None, Some(token)).await
}

async fn delete(app: &TestApp, path: &str, token: &str) -> Answer {
    call(app, "DELETE", path, None, Some(token)).await
}

/// Creates a user with the test password: (user id, account id).
async fn user(app: &TestApp, email: &str, role: Role, domain: Option<&str>, phone: Option<&str>) -> (i64, i64) {
    let role_id = match role {
        Role::LkUser => PbxRole::USER,
        Role::LkAdmin | Role::Operator => PbxRole::ADMINISTRATOR,
    };
    let cmd = NewUserCommand { email, password: PASSWORD, phone, role, role_id, domain };
    app.core.admin_create_user(cmd).await.expect("user")
}

/// The platform's operator, signed in through the cabinet: (user id, token).
async fn operator(app: &TestApp) -> (i64, String) {
    let (id, _) = user(app, "root@kordon.example", Role::Operator, None, None).await;
    (id, app.login("root@kordon.example", PASSWORD).await)
}

/// Two tenants: office (an lk_admin and a user with a phone) and shop (an lk_admin and a user).
struct Tenants {
    office_admin: String,
    office_user: i64,
    shop_admin: String,
    shop_user: i64,
}

async fn tenants(app: &TestApp) -> Tenants {
    user(app, "boss@office.example", Role::LkAdmin, Some("office.example"), None).await;
    let (office_user, _) =
        user(app, "anna@office.example", Role::LkUser, Some("office.example"), Some("79990001122")).await;
    user(app, "boss@shop.example", Role::LkAdmin, Some("shop.example"), None).await;
    let (shop_user, _) = user(app, "bob@shop.example", Role::LkUser, Some("shop.example"), None).await;
    Tenants {
        office_admin: app.login("boss@office.example", PASSWORD).await,
        office_user,
        shop_admin: app.login("boss@shop.example", PASSWORD).await,
        shop_user,
    }
}

/// The newest audit line: (event, actor, account).
async fn newest_audit(app: &TestApp) -> (String, String, Option<String>) {
    let entry = crate::helpers::operators_lines(app).await.remove(0);
    (entry.kind, entry.actor, entry.subject)
}

fn urlencode(text: &str) -> String {
    crate::helpers::oidc::form_urlencoded(&[("q", text)]).trim_start_matches("q=").to_owned()
}
