//! A small browser for the OpenID Connect tests (`oidc.rs`, `oidc_errors.rs`): it keeps cookies,
//! does not follow redirects, reads the hidden fields of kordon's forms, and registers clients
//! for the code flow through the core.

use super::TestApp;
use base64::Engine as _;
use kordon_core::services::ClientOptions;
use sha2::Digest as _;
use std::collections::HashMap;

/// The redirect URI the tests' clients register.
pub const CALLBACK: &str = "https://app.example/callback";
/// A PKCE verifier and its S256 challenge (RFC 7636 appendix B).
pub const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
pub const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

pub fn challenge_of(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier.as_bytes()))
}

/// A registered code-flow client: (id, secret if confidential).
pub struct CodeClient {
    pub id: i64,
    pub secret: Option<String>,
}

/// Registers a client for the code flow (and refresh), with [`CALLBACK`] and a post-logout URI.
pub async fn code_client(app: &TestApp, name: &str, public: bool, trusted: bool) -> CodeClient {
    let options = ClientOptions {
        redirect_uris: vec![CALLBACK.into()],
        post_logout_redirect_uris: vec!["https://app.example/bye".into()],
        public,
        trusted,
        ..Default::default()
    };
    let grants = vec!["authorization_code".to_string(), "refresh_token".to_string()];
    let c = app.core.admin_create_client_with(name, None, grants, None, options).await.expect("client");
    CodeClient { id: c.client_id, secret: c.client_secret }
}

/// The code grant at the token endpoint (secret in Basic for a confidential client, `client_id`
/// in the body for a public one).
pub async fn exchange(app: &TestApp, client: &CodeClient, code: &str, verifier: &str) -> super::oauth::Reply {
    let id = client.id.to_string();
    let mut pairs = vec![
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", CALLBACK),
        ("code_verifier", verifier),
    ];
    match &client.secret {
        Some(secret) => super::oauth::form(app, "/oauth/token", &pairs, Some((&id, secret))).await,
        None => {
            pairs.push(("client_id", &id));
            super::oauth::form(app, "/oauth/token", &pairs, None).await
        }
    }
}

/// An access token of the code flow for `email` (the test password) with these scopes, signing
/// in on the login page when the browser has no session yet (the client is trusted: no consent).
pub async fn code_flow_token(
    app: &TestApp,
    browser: &mut Browser,
    client: &CodeClient,
    email: &str,
    scope: &str,
) -> String {
    let id = client.id.to_string();
    let page = browser.authorize(&request(&id, scope)).await;
    let page = if page.status == 200 { browser.sign_in(&page, email, super::PASSWORD).await } else { page };
    let code = page.param("code").expect("code");
    let r = exchange(app, client, &code, VERIFIER).await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.body["access_token"].as_str().expect("access").to_owned()
}

/// What a page answered.
#[derive(Debug)]
pub struct Page {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: String,
}

impl Page {
    pub fn location(&self) -> Option<reqwest::Url> {
        let value = self.headers.get("location")?.to_str().expect("location");
        Some(reqwest::Url::parse(value).expect("absolute location"))
    }

    /// A query parameter of the redirect.
    pub fn param(&self, name: &str) -> Option<String> {
        self.location()?.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
    }

    /// The value of the hidden (or other) input `name` on the page, unescaped.
    pub fn field(&self, name: &str) -> String {
        let marker = format!("name=\"{name}\" value=\"");
        let start =
            self.body.find(&marker).unwrap_or_else(|| panic!("no field {name} on: {}", self.body)) + marker.len();
        let end = self.body[start..].find('"').expect("end of value") + start;
        unescape(&self.body[start..end])
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default()
    }
}

pub fn unescape(text: &str) -> String {
    // askama writes numeric references; `&` last, so `&#38;#60;` stays `&#60;`.
    text.replace("&#34;", "\"").replace("&#39;", "'").replace("&#60;", "<").replace("&#62;", ">").replace("&#38;", "&")
}

/// A browser: a cookie jar over a client that does not follow redirects.
pub struct Browser {
    pub base: String,
    http: reqwest::Client,
    pub cookies: HashMap<String, String>,
    language: &'static str,
}

impl Browser {
    pub fn new(app: &TestApp) -> Self {
        Self::speaking(app, "en-US,en;q=0.8")
    }

    pub fn speaking(app: &TestApp, language: &'static str) -> Self {
        let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
        Self { base: app.base.clone(), http, cookies: HashMap::new(), language }
    }

    /// From another loopback address (a distinct host for the Defender).
    pub fn from_address(app: &TestApp, source: &str) -> Self {
        let ip: std::net::IpAddr = source.parse().expect("address");
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .local_address(ip)
            .build()
            .expect("client");
        Self { base: app.base.clone(), http, cookies: HashMap::new(), language: "en" }
    }

    fn cookie_header(&self) -> String {
        self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ")
    }

    async fn send(&mut self, req: reqwest::RequestBuilder) -> Page {
        let req = req.header("Accept-Language", self.language);
        let req = if self.cookies.is_empty() { req } else { req.header("Cookie", self.cookie_header()) };
        let resp = req.send().await.expect("request");
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        for set in headers.get_all("set-cookie") {
            let text = set.to_str().expect("cookie");
            let (pair, attributes) = text.split_once(';').unwrap_or((text, ""));
            let (name, value) = pair.split_once('=').expect("name=value");
            if attributes.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        let body = resp.text().await.expect("body");
        Page { status, headers, body }
    }

    pub async fn get(&mut self, path_and_query: &str) -> Page {
        let url = format!("{}{path_and_query}", self.base);
        let req = self.http.get(url);
        self.send(req).await
    }

    pub async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Page {
        let req = self.http.post(format!("{}{path}", self.base)).form(form);
        self.send(req).await
    }

    /// A form POST of an already encoded body.
    pub async fn post_raw(&mut self, path: &str, body: &str) -> Page {
        let req = self
            .http
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.to_owned());
        self.send(req).await
    }

    /// `GET` of an absolute URL (another server's page too), as a browser navigates: it accepts
    /// HTML.
    pub async fn visit(&mut self, url: &str) -> Page {
        let req = self.http.get(url).header("Accept", "text/html,application/xhtml+xml");
        self.send(req).await
    }

    /// Follows `page`'s redirects (at most ten) from `url`, as a browser does; answers the last
    /// page and its URL.
    pub async fn follow(&mut self, url: &str, mut page: Page) -> (String, Page) {
        let mut url = reqwest::Url::parse(url).expect("absolute url");
        for _ in 0..10 {
            if !(300..400).contains(&page.status) {
                break;
            }
            let location = page.headers.get("location").expect("a redirect has a Location");
            url = url.join(location.to_str().expect("location")).expect("location resolves");
            page = self.visit(url.as_str()).await;
        }
        (url.to_string(), page)
    }

    /// `GET /oauth/authorize` with these parameters.
    pub async fn authorize(&mut self, params: &[(&str, &str)]) -> Page {
        let query: String = form_urlencoded(params);
        self.get(&format!("/oauth/authorize?{query}")).await
    }

    /// Submits the email + password form of a login page.
    pub async fn sign_in(&mut self, login: &Page, email: &str, password: &str) -> Page {
        let (csrf, request) = (login.field("csrf"), login.field("request"));
        self.post(
            "/oauth/authorize/password",
            &[("csrf", &csrf), ("request", &request), ("email", email), ("password", password)],
        )
        .await
    }

    /// Allow or Deny on a consent page.
    pub async fn decide(&mut self, consent: &Page, decision: &str) -> Page {
        let (csrf, request) = (consent.field("csrf"), consent.field("request"));
        self.post("/oauth/authorize/consent", &[("csrf", &csrf), ("request", &request), ("decision", decision)]).await
    }
}

pub fn form_urlencoded(params: &[(&str, &str)]) -> String {
    let mut url = reqwest::Url::parse("http://x/").expect("url");
    url.query_pairs_mut().extend_pairs(params);
    url.query().unwrap_or_default().to_owned()
}

/// The usual request of the tests: code, [`CALLBACK`], S256 challenge, state and nonce.
pub fn request<'a>(client_id: &'a str, scope: &'a str) -> Vec<(&'static str, &'a str)> {
    vec![
        ("response_type", "code"),
        ("client_id", client_id),
        ("redirect_uri", CALLBACK),
        ("scope", scope),
        ("state", "st-1"),
        ("nonce", "n-1"),
        ("code_challenge", CHALLENGE),
        ("code_challenge_method", "S256"),
    ]
}
