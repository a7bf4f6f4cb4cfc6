//! Snapshots of the error answers of OAuth's token endpoint, OpenID Connect (authorize and
//! UserInfo), the biometrics API and the provider API: the status, the headers that carry the
//! error and the body, one snapshot a case, the same on both stores (as `cabinet_sessions` and
//! `pbx` snapshot theirs).

use crate::helpers::TestApp;
use crate::helpers::oauth::client;
use crate::helpers::oidc::{Browser, code_client, code_flow_token, request};
use serde_json::{Value, json};

/// What a snapshot shows of an answer: the status, the headers that carry an error (a redirect's
/// query as its parameters), and the body — JSON where JSON, the text of an HTML page — with the
/// server's random address as `[base]`.
fn shape(app: &TestApp, status: u16, headers: &reqwest::header::HeaderMap, body: &str) -> Value {
    let header = |name: &str| headers.get(name).map(|v| v.to_str().expect("header text").to_owned());
    let mut shape = json!({ "status": status });
    for name in ["content-type", "www-authenticate", "retry-after"] {
        if let Some(value) = header(name) {
            shape[name] = json!(value);
        }
    }
    if let Some(location) = header("location") {
        let mut url = reqwest::Url::parse(&location).expect("absolute location");
        let query: serde_json::Map<String, Value> =
            url.query_pairs().map(|(k, v)| (k.into_owned(), json!(v.replace(&app.base, "[base]")))).collect();
        url.set_query(None);
        shape["location"] = json!(url.as_str());
        shape["location_query"] = Value::Object(query);
    }
    let content_type = header("content-type").unwrap_or_default();
    shape["body"] = if content_type.starts_with("application/json") {
        serde_json::from_str(body).unwrap_or_else(|_| panic!("not JSON ({status}): {body}"))
    } else if content_type.starts_with("text/html") {
        json!(page_text(body))
    } else {
        json!(body)
    };
    let text = shape.to_string().replace(&app.base, "[base]");
    serde_json::from_str(&text).expect("json")
}

/// The visible text of an HTML page: tags, the style sheet and runs of white space dropped.
fn page_text(html: &str) -> String {
    let html = match (html.find("<style"), html.find("</style>")) {
        (Some(start), Some(end)) if start < end => format!("{}{}", &html[..start], &html[end + "</style>".len()..]),
        _ => html.to_owned(),
    };
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                text.push(' ');
            }
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Sends a request and answers its shape.
async fn answer(app: &TestApp, req: reqwest::RequestBuilder) -> Value {
    let resp = req.send().await.expect("request");
    let (status, headers) = (resp.status().as_u16(), resp.headers().clone());
    shape(app, status, &headers, &resp.text().await.expect("body"))
}

async fn oauth_token_errors(app: TestApp) {
    app.register("user@mail.ru", "79993332210").await;
    let (id, secret) = client(&app, &["password", "refresh_token"], None).await;
    let base = json!({ "grant_type": "password", "client_id": id, "client_secret": secret,
                       "username": "user@mail.ru", "password": crate::helpers::PASSWORD });
    let with = |key: &str, value: Value| {
        let mut b = base.clone();
        b[key] = value;
        b
    };
    let token = app.http.post(format!("{}/oauth/token", app.base));
    let cases = [
        ("oauth_token_invalid_client", token.try_clone().expect("clone").json(&with("client_secret", json!("wrong")))),
        (
            "oauth_token_invalid_grant",
            token.try_clone().expect("clone").json(&with("password", json!("wrong-password"))),
        ),
        ("oauth_token_invalid_request", token.try_clone().expect("clone").json(&with("username", Value::Null))),
        (
            "oauth_token_unsupported_grant_type",
            token.try_clone().expect("clone").json(&with("grant_type", json!("implicit"))),
        ),
        (
            "oauth_token_unauthorized_client",
            token.try_clone().expect("clone").json(&with("grant_type", json!("client_credentials"))),
        ),
        (
            "oauth_token_not_json",
            token.try_clone().expect("clone").header("Content-Type", "application/json").body("{bad"),
        ),
        (
            "oauth_token_invalid_refresh_token",
            token.json(&json!({ "grant_type": "refresh_token", "refresh_token": "nonsense",
                                "client_id": id, "client_secret": secret })),
        ),
    ];
    for (name, req) in cases {
        insta::assert_json_snapshot!(name, answer(&app, req).await);
    }
}
both!(oauth_token_errors);

async fn oidc_authorize_and_userinfo_errors(app: TestApp) {
    app.register("jon@mail.ru", "79990002233").await;
    let client = code_client(&app, "Desk", false, true).await;
    let id = client.id.to_string();
    let mut browser = Browser::new(&app);
    let with = |change: &[(&'static str, &'static str)]| -> Vec<(&'static str, String)> {
        let mut params: Vec<(&'static str, String)> =
            request(&id, "openid").into_iter().map(|(k, v)| (k, v.to_owned())).collect();
        for (k, v) in change {
            params.retain(|(key, _)| key != k);
            params.push((k, v.to_string()));
        }
        params
    };
    let cases = [
        ("oidc_authorize_unknown_client", vec![("response_type", "code".into()), ("client_id", "999999".into())]),
        ("oidc_authorize_unregistered_redirect_uri", with(&[("redirect_uri", "https://evil.example/callback")])),
        ("oidc_authorize_unsupported_response_type", with(&[("response_type", "token")])),
        ("oidc_authorize_invalid_scope", with(&[("scope", "openid admin")])),
        ("oidc_authorize_invalid_request", with(&[("code_challenge_method", "plain")])),
        ("oidc_authorize_login_required", with(&[("prompt", "none")])),
    ];
    for (name, params) in cases {
        let pairs: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let page = browser.authorize(&pairs).await;
        insta::assert_json_snapshot!(name, shape(&app, page.status, &page.headers, &page.body));
    }

    let userinfo = format!("{}/oauth/userinfo", app.base);
    let (password_token, _, _) = app.oauth_password_token("jon@mail.ru").await;
    let cases = [
        ("oidc_userinfo_no_token", app.http.get(&userinfo)),
        ("oidc_userinfo_invalid_token", app.http.get(&userinfo).bearer_auth("nonsense")),
        ("oidc_userinfo_insufficient_scope", app.http.get(&userinfo).bearer_auth(&password_token)),
    ];
    for (name, req) in cases {
        insta::assert_json_snapshot!(name, answer(&app, req).await);
    }
    let narrow = code_flow_token(&app, &mut browser, &client, "jon@mail.ru", "openid email").await;
    let provider = app.http.get(format!("{}/api/ver1.0/user/", app.base)).bearer_auth(narrow);
    insta::assert_json_snapshot!("provider_insufficient_scope", answer(&app, provider).await);
}
both!(oidc_authorize_and_userinfo_errors);

async fn biometrics_errors(app: TestApp) {
    app.register("user@mail.ru", "79993332210").await;
    let (token, _, _) = app.oauth_password_token("user@mail.ru").await;
    let users = format!("{}/api/users", app.base);
    let cases = [
        ("biometrics_unauthenticated", app.http.get(&users).header("Accept", "application/json")),
        ("biometrics_not_found", app.http.get(format!("{users}/999999")).bearer_auth(&token)),
        ("biometrics_invalid", app.http.post(&users).bearer_auth(&token).json(&json!({ "name": 42 }))),
        (
            "biometrics_not_json",
            app.http.post(&users).bearer_auth(&token).header("Content-Type", "application/json").body("{"),
        ),
    ];
    for (name, req) in cases {
        insta::assert_json_snapshot!(name, answer(&app, req).await);
    }
}
both!(biometrics_errors);

async fn provider_errors(app: TestApp) {
    let session = app.signed_in("user@mail.ru", "79993332210").await;
    let user = format!("{}/api/ver1.0/user/", app.base);
    let cases = [
        ("provider_no_token", app.http.get(&user)),
        ("provider_invalid_token", app.http.get(&user).bearer_auth("nonsense")),
        ("provider_cabinet_token", app.http.get(&user).bearer_auth(&session)),
    ];
    for (name, req) in cases {
        insta::assert_json_snapshot!(name, answer(&app, req).await);
    }
}
both!(provider_errors);
