//! OpenID Connect through the real router on both stores: the authorization code flow with
//! PKCE through kordon's login page (email + password, and phone + FlashCall), consent, single
//! sign-on, the ID token, UserInfo, refresh and RP-initiated logout. The errors are in
//! `oidc_errors.rs`; a certified relying party in Chromium runs it all in `oidc_browser.rs`.

use crate::helpers::oauth::{claims, form};
use crate::helpers::oidc::{Browser, CALLBACK, VERIFIER, code_client, exchange, request};
use crate::helpers::{PASSWORD, TestApp};
use base64::Engine as _;
use serde_json::Value;
use sha2::Digest as _;

async fn userinfo(app: &TestApp, token: &str) -> (u16, Value) {
    let resp = app.http.get(format!("{}/oauth/userinfo", app.base)).bearer_auth(token).send().await.expect("userinfo");
    let status = resp.status().as_u16();
    (status, resp.json().await.expect("json"))
}

fn at_hash(token: &str) -> String {
    let hash = sha2::Sha256::digest(token.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&hash[..16])
}

async fn password_sign_in_consent_and_tokens(app: TestApp) {
    app.register("ann@mail.ru", "79991112233").await;
    let user_id = app.core.admin_user("ann@mail.ru").await.expect("user").id;
    let client = code_client(&app, "Support desk", false, false).await;
    let id = client.id.to_string();
    let mut browser = Browser::new(&app);

    let login = browser.authorize(&request(&id, "openid email phone offline_access")).await;
    assert_eq!(login.status, 200, "{}", login.body);
    assert!(login.body.contains("Support desk"), "the page names the application: {}", login.body);
    assert!(login.body.contains(r#"<input id="email" type="email" name="email" autocomplete="username""#));
    assert!(login.body.contains(r#"type="password" name="password" autocomplete="current-password""#));
    assert!(login.header("content-security-policy").contains("frame-ancestors 'none'"), "{:?}", login.headers);
    assert!(!login.header("content-security-policy").contains("unsafe-inline"));
    assert!(
        login.header("content-security-policy").contains("form-action 'self' https://app.example;"),
        "the form's answer may be the redirect to the client: {:?}",
        login.headers
    );
    assert_eq!(login.header("x-frame-options"), "DENY");
    assert_eq!(login.header("cache-control"), "no-store");
    let csrf_cookie = login.header("set-cookie");
    assert!(csrf_cookie.starts_with("kordon_csrf=") && csrf_cookie.contains("HttpOnly"), "{csrf_cookie}");

    let consent = browser.sign_in(&login, "ann@mail.ru", PASSWORD).await;
    assert_eq!(consent.status, 200, "{}", consent.body);
    let session = consent.header("set-cookie");
    assert!(session.starts_with("kordon_session="), "{session}");
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/oauth"] {
        assert!(session.contains(attribute), "{session}");
    }
    assert!(!session.contains("Secure"), "plain http (no https public_url): {session}");
    for words in ["Allow access?", "See your email address", "See your phone number", "ann@mail.ru"] {
        assert!(consent.body.contains(words), "{words}: {}", consent.body);
    }
    // Made by the operator (no owner): the platform's own, so no warning; the answer's way named.
    assert!(consent.body.contains(r#"<dd class="publisher">kordon&#39;s operator</dd>"#), "{}", consent.body);
    assert!(!consent.body.contains("is not kordon"), "{}", consent.body);
    assert!(consent.body.contains(r#"<dd class="destination">app.example</dd>"#), "{}", consent.body);
    assert!(consent.body.contains(r#"value="allow""#) && consent.body.contains(r#"value="deny""#));
    assert!(
        consent.header("content-security-policy").contains("form-action 'self' https://app.example"),
        "the Allow answer may be redirected to the client: {:?}",
        consent.headers
    );

    let back = browser.decide(&consent, "allow").await;
    assert_eq!(back.status, 303, "{}", back.body);
    let location = back.location().expect("redirect");
    assert!(location.as_str().starts_with(CALLBACK), "{location}");
    assert_eq!(back.param("state").as_deref(), Some("st-1"));
    assert_eq!(back.param("iss").as_deref(), Some(app.core.issuer()));
    let code = back.param("code").expect("code");

    let t = exchange(&app, &client, &code, VERIFIER).await;
    assert_eq!(t.status, 200, "{}", t.body);
    assert_eq!(t.body["token_type"], "Bearer");
    assert_eq!(t.body["scope"], "openid email phone offline_access");
    let access = t.body["access_token"].as_str().expect("access token");
    let refresh = t.body["refresh_token"].as_str().expect("offline_access: a refresh token");
    let (header, id_token) = claims(t.body["id_token"].as_str().expect("id_token"));
    assert_eq!(header["alg"], "RS256");
    assert!(header["kid"].is_string());
    assert_eq!(id_token["iss"], app.core.issuer());
    assert_eq!(id_token["sub"], user_id.to_string());
    assert_eq!(id_token["aud"], id);
    assert_eq!(id_token["nonce"], "n-1");
    assert_eq!(id_token["amr"], serde_json::json!(["pwd"]));
    assert_eq!(id_token["at_hash"], at_hash(access));
    assert_eq!(id_token["email"], "ann@mail.ru");
    assert_eq!(id_token["phone_number"], "+79991112233");
    assert_eq!(id_token["phone_number_verified"], true);
    assert!(id_token["auth_time"].as_i64().expect("auth_time") <= id_token["iat"].as_i64().expect("iat"));
    assert!(id_token.get("given_name").is_none(), "no profile scope, no profile claims");

    let (status, info) = userinfo(&app, access).await;
    assert_eq!(status, 200, "{info}");
    assert_eq!(info["sub"], user_id.to_string());
    assert_eq!(info["email"], "ann@mail.ru");
    assert_eq!(info["phone_number"], "+79991112233");
    let post = app.http.post(format!("{}/oauth/userinfo", app.base)).bearer_auth(access).send().await.expect("post");
    assert_eq!(post.status().as_u16(), 200, "UserInfo answers POST too");

    // Refresh rotates like every other refresh token, and the new access token keeps the scopes.
    let secret = client.secret.as_deref().expect("secret");
    let r =
        form(&app, "/oauth/token", &[("grant_type", "refresh_token"), ("refresh_token", refresh)], Some((&id, secret)))
            .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_ne!(r.body["refresh_token"], refresh);
    let (status, info) = userinfo(&app, r.body["access_token"].as_str().expect("access")).await;
    assert_eq!((status, &info["email"]), (200, &Value::from("ann@mail.ru")), "{info}");

    // Single sign-on: the same browser is not asked again (the consent is remembered) …
    let again = browser.authorize(&request(&id, "openid email")).await;
    assert_eq!(again.status, 303, "{}", again.body);
    assert!(again.param("code").is_some());
    // … unless the client asks for it: prompt=consent, prompt=login, or a max_age gone by.
    let mut params = request(&id, "openid");
    params.push(("prompt", "consent"));
    assert!(browser.authorize(&params).await.body.contains("Allow access?"));
    let mut params = request(&id, "openid");
    params.push(("prompt", "login"));
    let login = browser.authorize(&params).await;
    assert!(login.body.contains("current-password"), "{}", login.body);
    app.clock.advance(5);
    let mut params = request(&id, "openid");
    params.push(("max_age", "3"));
    assert!(browser.authorize(&params).await.body.contains("current-password"));
    params.pop();
    params.push(("max_age", "60"));
    assert_eq!(browser.authorize(&params).await.status, 303);
}
both!(password_sign_in_consent_and_tokens);

async fn flashcall_sign_in_for_a_trusted_public_client(app: TestApp) {
    app.register("bob@mail.ru", "79992223344").await;
    let client = code_client(&app, "Cabinet", true, true).await;
    assert!(client.secret.is_none(), "a public client has no secret");
    let id = client.id.to_string();
    let mut browser = Browser::speaking(&app, "ru-RU,ru;q=0.9");
    let mut params = request(&id, "openid phone");
    params.push(("login_hint", "+7 999 222-33-44"));
    let login = browser.authorize(&params).await;
    assert_eq!(login.status, 200, "{}", login.body);
    assert!(login.body.contains(r#"<html lang="ru">"#) && login.body.contains("Войти по звонку"), "{}", login.body);
    assert!(login.body.contains(r#"value="+7 999 222-33-44""#), "the hint fills the phone: {}", login.body);

    let (csrf, req) = (login.field("csrf"), login.field("request"));
    // Registration called this phone a moment ago; the per-phone cool-down applies here too.
    let early = browser
        .post("/oauth/authorize/flashcall", &[("csrf", &csrf), ("request", &req), ("phone", "+7 999 222-33-44")])
        .await;
    assert_eq!(early.status, 429, "{}", early.body);
    assert!(early.body.contains("Слишком много звонков"), "{}", early.body);
    app.clock.advance(61);
    let step = browser
        .post("/oauth/authorize/flashcall", &[("csrf", &csrf), ("request", &req), ("phone", "+7 999 222-33-44")])
        .await;
    assert_eq!(step.status, 200, "{}", step.body);
    assert!(step.body.contains("+7 999 222-33-44") && step.body.contains("Введите код"), "{}", step.body);
    let token = step.field("token");
    let pin = app.pin_of(&token);
    let wrong = if pin == "0000" { "1111" } else { "0000" };
    let fields = |pin: &str| {
        [
            ("csrf", csrf.clone()),
            ("request", req.clone()),
            ("phone", step.field("phone")),
            ("token", token.clone()),
            ("pin", pin.to_owned()),
        ]
    };
    let pairs = fields(wrong);
    let refused = browser.post("/oauth/authorize/pin", &pairs.each_ref().map(|(k, v)| (*k, v.as_str()))).await;
    assert_eq!(refused.status, 401, "{}", refused.body);
    assert!(refused.body.contains("Код неверен"), "{}", refused.body);
    let pairs = fields(&pin);
    let back = browser.post("/oauth/authorize/pin", &pairs.each_ref().map(|(k, v)| (*k, v.as_str()))).await;
    assert_eq!(back.status, 303, "a trusted client skips consent: {}", back.body);
    let code = back.param("code").expect("code");

    // A public client proves itself with PKCE alone: client_id in the body, no secret.
    let t = exchange(&app, &client, &code, VERIFIER).await;
    assert_eq!(t.status, 200, "{}", t.body);
    assert!(t.body.get("refresh_token").is_none(), "no offline_access asked for, no refresh token: {}", t.body);
    let (_, id_token) = claims(t.body["id_token"].as_str().expect("id_token"));
    assert_eq!(id_token["amr"], serde_json::json!(["tel"]));
    assert_eq!(id_token["phone_number"], "+79992223344");
    assert!(id_token.get("email").is_none(), "no email scope");
}
both!(flashcall_sign_in_for_a_trusted_public_client);

async fn logout_ends_the_single_sign_on(app: TestApp) {
    app.register("cat@mail.ru", "79993334455").await;
    let client = code_client(&app, "Panel", false, true).await;
    let id = client.id.to_string();
    let mut browser = Browser::new(&app);
    let login = browser.authorize(&request(&id, "openid")).await;
    let back = browser.sign_in(&login, "cat@mail.ru", PASSWORD).await;
    assert_eq!(back.status, 303, "{}", back.body);
    let t = exchange(&app, &client, &back.param("code").expect("code"), VERIFIER).await;
    let id_token = t.body["id_token"].as_str().expect("id_token").to_owned();

    let query = crate::helpers::oidc::form_urlencoded(&[
        ("id_token_hint", &id_token),
        ("post_logout_redirect_uri", "https://app.example/bye"),
        ("state", "s-9"),
    ]);
    let out = browser.get(&format!("/oauth/logout?{query}")).await;
    assert_eq!(out.status, 303, "{}", out.body);
    assert_eq!(out.location().expect("location").as_str(), "https://app.example/bye?state=s-9");
    assert!(!browser.cookies.contains_key("kordon_session"), "the cookie is cleared");
    let mut params = request(&id, "openid");
    params.push(("prompt", "none"));
    let none = browser.authorize(&params).await;
    assert_eq!(none.param("error").as_deref(), Some("login_required"), "{:?}", none.location());

    // The row is dead too, not just the cookie: a copy of the old cookie signs in nobody.
    let login = browser.authorize(&request(&id, "openid")).await;
    let back = browser.sign_in(&login, "cat@mail.ru", PASSWORD).await;
    let kept = browser.cookies.get("kordon_session").expect("session").clone();
    // Without an ID token no client vouches for the request: the user is asked, and a link from
    // anywhere ends nothing.
    let ask = browser.get("/oauth/logout?state=s-1").await;
    assert_eq!(ask.status, 200, "{}", ask.body);
    assert!(ask.body.contains("Sign out of kordon?") && ask.body.contains(r#"value="s-1""#), "{}", ask.body);
    assert!(browser.cookies.contains_key("kordon_session"));
    assert_eq!(browser.authorize(&params).await.status, 303, "still signed in");
    let forged = browser.post("/oauth/logout", &[("state", "s-1")]).await;
    assert!(forged.body.contains("Sign out of kordon?"), "a POST without the page's token asks again");
    let out = browser.post("/oauth/logout", &[("csrf", &ask.field("csrf")), ("state", "s-1")]).await;
    assert_eq!(out.status, 200, "no registered place to go: kordon's page");
    assert!(out.body.contains("You are signed out"), "{}", out.body);
    browser.cookies.insert("kordon_session".into(), kept);
    let none = browser.authorize(&params).await;
    assert_eq!(none.param("error").as_deref(), Some("login_required"));
    assert_eq!(back.status, 303);

    // An unregistered post-logout URI is not followed.
    let query = crate::helpers::oidc::form_urlencoded(&[
        ("id_token_hint", &id_token),
        ("post_logout_redirect_uri", "https://evil.example/"),
    ]);
    let out = browser.get(&format!("/oauth/logout?{query}")).await;
    assert_eq!((out.status, out.location()), (200, None));
}
both!(logout_ends_the_single_sign_on);

/// Signs `email` in on a fresh page of `client` (trusted: no consent) and answers its ID token.
async fn id_token_of(
    app: &TestApp,
    browser: &mut Browser,
    client: &crate::helpers::oidc::CodeClient,
    email: &str,
) -> String {
    let mut params =
        request(&client.id.to_string(), "openid").into_iter().map(|(k, v)| (k, v.to_owned())).collect::<Vec<_>>();
    params.push(("prompt", "login".into()));
    let pairs: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let login = browser.authorize(&pairs).await;
    let back = browser.sign_in(&login, email, PASSWORD).await;
    assert_eq!(back.status, 303, "{}", back.body);
    let t = exchange(app, client, &back.param("code").expect("code"), VERIFIER).await;
    t.body["id_token"].as_str().expect("id_token").to_owned()
}

/// Issue 19, defect 5: an `id_token_hint` skips the logout question only when it is the signed-in
/// user's (and of the client `client_id` names); an expired one only from this very sign-in. Any
/// valid ID token skipped it: the attacker's own, another client's, or one long expired.
async fn logout_asks_unless_the_hint_is_the_signed_in_users(app: TestApp) {
    app.register("uma@mail.ru", "79993334400").await;
    app.register("mal@mail.ru", "79993334401").await;
    let client = code_client(&app, "Panel", false, true).await;
    let other = code_client(&app, "Desk", false, true).await;
    let mut victim = Browser::new(&app);
    let mut attacker = Browser::new(&app);
    let old = id_token_of(&app, &mut victim, &client, "uma@mail.ru").await;
    let foreign = id_token_of(&app, &mut attacker, &client, "mal@mail.ru").await;
    let logout = |hint: &str, client_id: Option<&str>| {
        let mut params = vec![("id_token_hint", hint), ("post_logout_redirect_uri", "https://app.example/bye")];
        params.extend(client_id.map(|c| ("client_id", c)));
        format!("/oauth/logout?{}", crate::helpers::oidc::form_urlencoded(&params))
    };
    let asks = |page: &crate::helpers::oidc::Page| page.status == 200 && page.body.contains("Sign out of kordon?");
    // The attacker's own valid ID token, in a link the victim follows: the victim is asked.
    let page = victim.get(&logout(&foreign, None)).await;
    assert!(asks(&page), "another user's hint: {} {}", page.status, page.body);
    // Two hours on, a new sign-in: the old (expired) ID token is from another sign-in.
    app.clock.advance(2 * 3600);
    let fresh = id_token_of(&app, &mut victim, &client, "uma@mail.ru").await;
    let page = victim.get(&logout(&old, None)).await;
    assert!(asks(&page), "an expired hint of an earlier sign-in: {} {}", page.status, page.body);
    // The victim's own current ID token, but named with another client: asked.
    let page = victim.get(&logout(&fresh, Some(&other.id.to_string()))).await;
    assert!(asks(&page), "a hint of another client than client_id: {} {}", page.status, page.body);
    assert!(victim.cookies.contains_key("kordon_session"), "nothing ended yet");
    // Expired, but from this sign-in (RP-Initiated Logout §2 lets it count): no question.
    app.clock.advance(2 * 3600);
    let page = victim.get(&logout(&fresh, Some(&client.id.to_string()))).await;
    assert_eq!(page.status, 303, "{}", page.body);
    assert_eq!(page.location().expect("location").as_str(), "https://app.example/bye");
    assert!(!victim.cookies.contains_key("kordon_session"));
}
both!(logout_asks_unless_the_hint_is_the_signed_in_users);

async fn a_password_change_ends_browser_sign_ins(app: TestApp) {
    let cabinet = app.signed_in("dan@mail.ru", "79994445566").await;
    let client = code_client(&app, "Panel", false, true).await;
    let id = client.id.to_string();
    let mut browser = Browser::new(&app);
    let login = browser.authorize(&request(&id, "openid")).await;
    assert_eq!(browser.sign_in(&login, "dan@mail.ru", PASSWORD).await.status, 303);
    let mut params = request(&id, "openid");
    params.push(("prompt", "none"));
    assert!(browser.authorize(&params).await.param("code").is_some(), "signed in");
    let new = "An0ther-l0ng-passw0rd";
    let change = serde_json::json!({ "current_password": PASSWORD, "password": new, "password_confirmation": new });
    let (status, answer) = app.post_auth("/api/v1/update-password", change, &cabinet).await;
    assert_eq!(status, 200, "{answer}");
    let none = browser.authorize(&params).await;
    assert_eq!(none.param("error").as_deref(), Some("login_required"), "{:?}", none.location());
}
both!(a_password_change_ends_browser_sign_ins);

/// Issue 19, defect 7: a refresh token outlives the user's presence, so the code flow issues one
/// only when `offline_access` was asked for and granted (OpenID Connect Core §11) — holding the
/// refresh grant is not enough (it was).
async fn a_refresh_token_needs_offline_access(app: TestApp) {
    app.register("oda@mail.ru", "79994445500").await;
    let client = code_client(&app, "Desk", false, false).await;
    let id = client.id.to_string();
    let mut browser = Browser::new(&app);
    let login = browser.authorize(&request(&id, "openid email")).await;
    let consent = browser.sign_in(&login, "oda@mail.ru", PASSWORD).await;
    let back = browser.decide(&consent, "allow").await;
    let t = exchange(&app, &client, &back.param("code").expect("code"), VERIFIER).await;
    assert_eq!(t.status, 200, "{}", t.body);
    assert!(t.body.get("refresh_token").is_none(), "the refresh grant alone gives none: {}", t.body);
    assert_eq!(t.body["scope"], "openid email");
    // Asked for and allowed on the consent page: a refresh token.
    let consent = browser.authorize(&request(&id, "openid email offline_access")).await;
    assert!(consent.body.contains("Stay signed in when you are away"), "{}", consent.body);
    let back = browser.decide(&consent, "allow").await;
    let t = exchange(&app, &client, &back.param("code").expect("code"), VERIFIER).await;
    assert_eq!(t.status, 200, "{}", t.body);
    assert!(t.body["refresh_token"].is_string(), "{}", t.body);
}
both!(a_refresh_token_needs_offline_access);

async fn discovery_names_every_endpoint(app: TestApp) {
    let d: Value = app
        .http
        .get(format!("{}/.well-known/openid-configuration", app.base))
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    let iss = app.core.issuer().trim_end_matches('/').to_owned();
    for (key, path) in [
        ("authorization_endpoint", "/oauth/authorize"),
        ("token_endpoint", "/oauth/token"),
        ("userinfo_endpoint", "/oauth/userinfo"),
        ("jwks_uri", "/.well-known/jwks.json"),
        ("end_session_endpoint", "/oauth/logout"),
    ] {
        assert_eq!(d[key], format!("{iss}{path}"), "{key}: {d}");
    }
    assert_eq!(d["response_types_supported"], serde_json::json!(["code"]));
    assert_eq!(d["code_challenge_methods_supported"], serde_json::json!(["S256"]));
    assert_eq!(d["authorization_response_iss_parameter_supported"], true);
    assert!(d["token_endpoint_auth_methods_supported"].as_array().expect("methods").contains(&"none".into()));
    assert!(d["scopes_supported"].as_array().expect("scopes").contains(&"offline_access".into()));
    assert!(d["claims_supported"].as_array().expect("claims").contains(&"phone_number_verified".into()));
    let css = app.http.get(format!("{}/oauth/assets/kordon.css", app.base)).send().await.expect("css");
    assert_eq!(css.headers()["content-type"], "text/css; charset=utf-8");
}
both!(discovery_names_every_endpoint);

/// Issue 19, defect 6: behind a TLS proxy that sets only the issuer, the login pages' cookies are
/// `Secure` and `__Host-`, and every answer carries HSTS. Only an https `server.public_url` did it.
async fn cookies_are_secure_when_the_issuer_is_https(app: TestApp) {
    app.register("tls@mail.ru", "79993334402").await;
    let client = code_client(&app, "Panel", false, true).await;
    let mut browser = Browser::new(&app);
    let login = browser.authorize(&request(&client.id.to_string(), "openid")).await;
    assert_eq!(login.status, 200, "{}", login.body);
    let csrf = login.header("set-cookie");
    assert!(csrf.starts_with("__Host-kordon_csrf=") && csrf.contains("; Path=/; Secure;"), "{csrf}");
    assert_eq!(login.header("strict-transport-security"), "max-age=31536000");
    let back = browser.sign_in(&login, "tls@mail.ru", PASSWORD).await;
    assert_eq!(back.status, 303, "the __Host- CSRF cookie came back: {}", back.body);
    let session = back.header("set-cookie");
    assert!(session.starts_with("__Host-kordon_session=") && session.contains("Secure"), "{session}");
    assert_eq!(back.header("strict-transport-security"), "max-age=31536000");
    // Every answer, not only the pages.
    let health = app.http.get(format!("{}/.well-known/openid-configuration", app.base)).send().await.expect("get");
    assert_eq!(health.headers()["strict-transport-security"], "max-age=31536000");
}
both!(cookies_are_secure_when_the_issuer_is_https, |c: &mut kordon::config::Config| {
    c.oauth.issuer = "https://auth.example".into()
});

/// Issue 19, defect 6: a trusted proxy's `X-Forwarded-Proto: https` makes the cookies `Secure`
/// and sends HSTS; the same header from anyone else changes nothing.
async fn a_trusted_proxy_says_https(app: TestApp) {
    let client = code_client(&app, "Panel", false, true).await;
    let query = crate::helpers::oidc::form_urlencoded(&request(&client.id.to_string(), "openid"));
    let url = format!("{}/oauth/authorize?{query}", app.base);
    for (source, proto, secure) in
        [("127.0.0.1", Some("https"), true), ("127.0.0.1", None, false), ("127.0.0.2", Some("https"), false)]
    {
        let ip: std::net::IpAddr = source.parse().expect("ip");
        let http = reqwest::Client::builder().local_address(ip).build().expect("client");
        let mut req = http.get(&url);
        if let Some(proto) = proto {
            req = req.header("x-forwarded-proto", proto);
        }
        let page = req.send().await.expect("get");
        assert_eq!(page.status().as_u16(), 200);
        let cookie = page.headers()["set-cookie"].to_str().expect("cookie").to_owned();
        let hsts = page.headers().get("strict-transport-security").map(|v| v.to_str().expect("text").to_owned());
        match secure {
            true => {
                assert!(cookie.starts_with("__Host-kordon_csrf=") && cookie.contains("Secure"), "{cookie}");
                assert_eq!(hsts.as_deref(), Some("max-age=31536000"));
            }
            false => {
                assert!(
                    cookie.starts_with("kordon_csrf=") && !cookie.contains("Secure"),
                    "{source} {proto:?}: {cookie}"
                );
                assert_eq!(hsts, None, "{source} {proto:?}");
            }
        }
    }
}
both!(a_trusted_proxy_says_https, |c: &mut kordon::config::Config| {
    c.defender.trusted_proxies = vec!["127.0.0.1/32".into()]
});
