//! Every documented error of the OpenID Connect flow, through the real router on both stores:
//! requests kordon must not redirect (an unknown client, an unregistered redirect URI), errors
//! it sends back to the client (RFC 6749 §4.1.2.1), the code grant's refusals (PKCE, reuse,
//! expiry, another client's code), CSRF, the Defender on the login page, and UserInfo's.

use crate::helpers::oauth::form;
use crate::helpers::oidc::{
    Browser, CALLBACK, CHALLENGE, VERIFIER, challenge_of, code_client, code_flow_token, exchange, request,
};
use crate::helpers::{PASSWORD, TestApp, login_body};

/// An authorization error sent back to the client: (error, state, iss).
fn sent_back(page: &crate::helpers::oidc::Page) -> (String, Option<String>, Option<String>) {
    assert_eq!(page.status, 303, "{}", page.body);
    let location = page.location().expect("location");
    assert!(location.as_str().starts_with(CALLBACK), "{location}");
    (page.param("error").expect("error"), page.param("state"), page.param("iss"))
}

async fn requests_kordon_will_not_redirect(app: TestApp) {
    let client = code_client(&app, "Desk", false, false).await;
    let id = client.id.to_string();
    let mut browser = Browser::new(&app);
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (vec![("response_type", "code"), ("redirect_uri", CALLBACK)], "names no application"),
        (vec![("response_type", "code"), ("client_id", "999999"), ("redirect_uri", CALLBACK)], "is not known"),
        (vec![("response_type", "code"), ("client_id", "abc"), ("redirect_uri", CALLBACK)], "is not known"),
        (vec![("response_type", "code"), ("client_id", &id)], "names no redirect_uri"),
        (
            vec![("response_type", "code"), ("client_id", &id), ("redirect_uri", "https://evil.example/callback")],
            "not registered",
        ),
        // Exact match only: no prefixes, no extra query, no trailing slash.
        (
            vec![("response_type", "code"), ("client_id", &id), ("redirect_uri", "https://app.example/callback/x")],
            "not registered",
        ),
        (
            vec![("response_type", "code"), ("client_id", &id), ("redirect_uri", "https://app.example/callback?a=1")],
            "not registered",
        ),
        (vec![("client_id", &id), ("redirect_uri", CALLBACK), ("redirect_uri", CALLBACK)], "repeated"),
    ];
    for (params, detail) in cases {
        let page = browser.authorize(&params).await;
        assert_eq!(page.status, 400, "{params:?}: {}", page.body);
        assert!(page.headers.get("location").is_none(), "{params:?} must not be redirected");
        assert!(page.header("content-type").starts_with("text/html"), "{params:?}");
        assert!(
            page.body.contains("This sign-in request cannot be used") && page.body.contains(detail),
            "{params:?}: {}",
            page.body
        );
    }
    // A client without the authorization_code grant is not known to this endpoint.
    let (plain, _) = crate::helpers::oauth::client(&app, &["client_credentials"], None).await;
    let plain = plain.to_string();
    let page = browser.authorize(&[("response_type", "code"), ("client_id", &plain), ("redirect_uri", CALLBACK)]).await;
    assert_eq!(page.status, 400);
    // In Russian by default.
    let mut russian = Browser::speaking(&app, "de-DE");
    let page = russian.authorize(&[("response_type", "code"), ("client_id", &id)]).await;
    assert!(page.body.contains("Этот запрос на вход нельзя использовать"), "{}", page.body);
}
both!(requests_kordon_will_not_redirect);

/// The usual request with some parameters changed and some left out.
fn with(id: &str, change: &[(&'static str, &'static str)], drop: &[&str]) -> Vec<(&'static str, String)> {
    let mut params: Vec<(&'static str, String)> =
        request(id, "openid").into_iter().filter(|(k, _)| !drop.contains(k)).map(|(k, v)| (k, v.to_owned())).collect();
    for (k, v) in change {
        params.retain(|(key, _)| key != k);
        params.push((k, v.to_string()));
    }
    params
}

/// The bad requests of a trusted client (the platform's own): sent back to its redirect URI. A
/// partner's are kordon's page (`a_partner_applications_errors_stay_on_kordons_page`).
fn bad_cases(id: &str, public_id: &str) -> Vec<(Vec<(&'static str, String)>, &'static str)> {
    vec![
        (with(id, &[("code_challenge_method", "plain")], &[]), "invalid_request"),
        (with(id, &[], &["code_challenge_method"]), "invalid_request"),
        (with(id, &[("code_challenge", "short")], &[]), "invalid_request"),
        (with(public_id, &[], &["code_challenge", "code_challenge_method"]), "invalid_request"),
        (with(id, &[("response_type", "token")], &[]), "unsupported_response_type"),
        (with(id, &[], &["response_type"]), "invalid_request"),
        (with(id, &[("scope", "openid admin")], &[]), "invalid_scope"),
        (with(id, &[("scope", "")], &[]), "invalid_scope"),
        (with(id, &[], &["scope"]), "invalid_scope"),
        (with(id, &[("prompt", "none login")], &[]), "invalid_request"),
        (with(id, &[("max_age", "-1")], &[]), "invalid_request"),
        (with(id, &[("prompt", "none")], &[]), "login_required"),
    ]
}

async fn bad_requests_go_back_to_the_client(app: TestApp) {
    let confidential = code_client(&app, "Panel", false, true).await;
    let public = code_client(&app, "Mobile", true, true).await;
    let (id, public_id) = (confidential.id.to_string(), public.id.to_string());
    let mut browser = Browser::new(&app);
    for (params, error) in bad_cases(&id, &public_id) {
        let pairs: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let page = browser.authorize(&pairs).await;
        let (got, state, iss) = sent_back(&page);
        assert_eq!(got, error, "{pairs:?}");
        assert_eq!(state.as_deref(), Some("st-1"), "{pairs:?}");
        assert_eq!(iss.as_deref(), Some(app.core.issuer()));
        assert!(page.param("error_description").is_some());
    }
    // A confidential client may leave PKCE out.
    let page = browser
        .authorize(
            &with(&id, &[], &["code_challenge", "code_challenge_method"])
                .iter()
                .map(|(k, v)| (*k, v.as_str()))
                .collect::<Vec<_>>(),
        )
        .await;
    assert_eq!(page.status, 200, "{}", page.body);

    // Deny on a partner's consent page, which named where the answer goes: access_denied goes
    // back, and nothing is remembered.
    let partner = code_client(&app, "Desk", false, false).await.id.to_string();
    app.register("eve@mail.ru", "79995556677").await;
    let login = browser.authorize(&request(&partner, "openid email")).await;
    let consent = browser.sign_in(&login, "eve@mail.ru", PASSWORD).await;
    assert!(consent.body.contains("Either answer takes you to"), "{}", consent.body);
    let denied = browser.decide(&consent, "deny").await;
    assert_eq!(sent_back(&denied).0, "access_denied");
    let mut none = request(&partner, "openid email");
    none.push(("prompt", "none"));
    let page = browser.authorize(&none).await;
    assert_eq!(page.status, 400, "a partner's consent_required is kordon's page: {:?}", page.location());
    assert!(page.body.contains("consent_required"), "a denial is not remembered: {}", page.body);
}

/// Issue 19, defect 2: a partner's application (registered by any cabinet administrator, with
/// any https redirect URI) made `/oauth/authorize` an open redirector: every error found before
/// the user acted — a bad parameter, `prompt=none` — sent the browser to the registrant's URI at
/// once (RFC 9700 §4.11.2). Now they are kordon's page, and the consent page says whose the
/// application is and where the answer goes.
async fn a_partner_applications_errors_stay_on_kordons_page(app: TestApp) {
    let registrant = app.signed_in("crm@partner.example", "79995556601").await;
    let body = serde_json::json!({ "name": "Partner CRM", "redirect_uris": [CALLBACK] });
    let (status, created) = app.post_auth("/api/v1/applications", body, &registrant).await;
    assert_eq!(status, 200, "{created}");
    let id = created["application_id"].as_i64().expect("id").to_string();
    let secret = created["application_secret"].as_str().expect("secret").to_owned();
    let account = app.core.admin_user("crm@partner.example").await.expect("user").account_id;
    let mut browser = Browser::new(&app);
    // Every case but the public client's PKCE (this one is confidential: PKCE is optional).
    let pkce = |params: &[(&str, String)]| params.iter().any(|(k, _)| k.starts_with("code_challenge"));
    for (params, error) in bad_cases(&id, &id).into_iter().filter(|(params, _)| pkce(params)) {
        let pairs: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let page = browser.authorize(&pairs).await;
        assert_eq!(page.status, 400, "{pairs:?}: {:?}", page.location());
        assert!(page.headers.get("location").is_none(), "{pairs:?} must not be redirected");
        assert!(page.body.contains("This sign-in request cannot be used"), "{pairs:?}: {}", page.body);
        assert!(page.body.contains(error), "{pairs:?} names {error}: {}", page.body);
    }

    // The consent page: the owner's account, where the answer goes, and not the platform's own.
    app.register("ivy@mail.ru", "79995556602").await;
    let login = browser.authorize(&request(&id, "openid email")).await;
    let consent = browser.sign_in(&login, "ivy@mail.ru", PASSWORD).await;
    assert_eq!(consent.status, 200, "{}", consent.body);
    for words in [
        "This application is not kordon&#39;s own: a customer of the platform registered it.",
        &format!("account {account} · crm@partner.example"),
        "Either answer takes you to",
        r#"<dd class="destination">app.example</dd>"#,
    ] {
        assert!(consent.body.contains(words), "{words}: {}", consent.body);
    }
    // Signed in, not yet allowed: prompt=none is kordon's page too.
    let mut none = request(&id, "openid email");
    none.push(("prompt", "none"));
    let page = browser.authorize(&none).await;
    assert_eq!((page.status, page.location()), (400, None), "{}", page.body);
    assert!(page.body.contains("consent_required"), "{}", page.body);
    // Allowed: the redirect URI gets its code, and prompt=none its code too.
    let back = browser.decide(&consent, "allow").await;
    assert_eq!(back.status, 303, "{}", back.body);
    let client = crate::helpers::oidc::CodeClient { id: id.parse().expect("id"), secret: Some(secret) };
    assert_eq!(exchange(&app, &client, &back.param("code").expect("code"), VERIFIER).await.status, 200);
    assert!(browser.authorize(&none).await.param("code").is_some(), "a silent sign-in with consent");
    // In Russian too.
    let mut russian = Browser::speaking(&app, "ru-RU");
    let page = russian
        .authorize(
            &with(&id, &[("scope", "openid admin")], &[]).iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>(),
        )
        .await;
    assert!(page.body.contains("Этот запрос на вход нельзя использовать") && page.body.contains("invalid_scope"));
}
both!(a_partner_applications_errors_stay_on_kordons_page);
both!(bad_requests_go_back_to_the_client);

/// Signs `email` in through the login page and answers the code (the client is trusted).
async fn code_for(browser: &mut Browser, client_id: &str, email: &str, challenge: &str) -> String {
    let mut params = request(client_id, "openid offline_access");
    params.retain(|(k, _)| *k != "code_challenge");
    params.push(("code_challenge", challenge));
    let page = browser.authorize(&params).await;
    let page = if page.status == 200 { browser.sign_in(&page, email, PASSWORD).await } else { page };
    assert_eq!(page.status, 303, "{}", page.body);
    page.param("code").expect("code")
}

async fn the_code_grant_refuses(app: TestApp) {
    app.register("fay@mail.ru", "79996667788").await;
    let client = code_client(&app, "Panel", false, true).await;
    let other = code_client(&app, "Other", false, true).await;
    let (id, other_id) = (client.id.to_string(), other.id.to_string());
    let secret = client.secret.clone().expect("secret");
    let mut browser = Browser::new(&app);
    let grant = |code: &str, verifier: Option<&str>, redirect: &str| {
        let mut pairs = vec![("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirect)];
        if let Some(v) = verifier {
            pairs.push(("code_verifier", v));
        }
        pairs.into_iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect::<Vec<_>>()
    };
    let send = |pairs: Vec<(String, String)>, who: (String, String)| {
        let app = &app;
        async move {
            let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            form(app, "/oauth/token", &pairs, Some((&who.0, &who.1))).await
        }
    };
    let me = (id.clone(), secret.clone());

    let code = code_for(&mut browser, &id, "fay@mail.ru", CHALLENGE).await;
    for (pairs, description) in [
        (grant(&code, None, CALLBACK), "The code_verifier parameter is required."),
        (grant(&code, Some(&"x".repeat(43)), CALLBACK), "The code_verifier does not match the code_challenge."),
        (grant(&code, Some("short"), CALLBACK), "The code_verifier does not match the code_challenge."),
        (
            grant(&code, Some(VERIFIER), "https://app.example/other"),
            "The redirect_uri is not the one of the authorization request.",
        ),
    ] {
        let r = send(pairs, me.clone()).await;
        assert_eq!((r.status, r.body["error"].as_str()), (400, Some("invalid_grant")), "{}", r.body);
        assert_eq!(r.body["error_description"], description);
    }
    // Another client's code is invalid for it (and stays good for its own client).
    let other_secret = other.secret.clone().expect("secret");
    let r = send(grant(&code, Some(VERIFIER), CALLBACK), (other_id.clone(), other_secret)).await;
    assert_eq!((r.status, r.body["error"].as_str()), (400, Some("invalid_grant")), "{}", r.body);
    let r = send(grant(&code, None, ""), me.clone()).await;
    assert_eq!((r.status, r.body["error"].as_str()), (400, Some("invalid_request")), "{}", r.body);

    // The first good exchange wins; a second use of the code revokes what the first issued.
    let first = send(grant(&code, Some(VERIFIER), CALLBACK), me.clone()).await;
    assert_eq!(first.status, 200, "{}", first.body);
    let access = first.body["access_token"].as_str().expect("access").to_owned();
    let refresh = first.body["refresh_token"].as_str().expect("refresh").to_owned();
    let info = |token: String| {
        let app = &app;
        async move {
            app.http
                .get(format!("{}/oauth/userinfo", app.base))
                .bearer_auth(token)
                .send()
                .await
                .expect("ui")
                .status()
                .as_u16()
        }
    };
    assert_eq!(info(access.clone()).await, 200);
    let again = send(grant(&code, Some(VERIFIER), CALLBACK), me.clone()).await;
    assert_eq!((again.status, again.body["error"].as_str()), (400, Some("invalid_grant")), "{}", again.body);
    assert_eq!(info(access).await, 401, "the first exchange's access token is revoked");
    let r =
        send(vec![("grant_type".into(), "refresh_token".into()), ("refresh_token".into(), refresh)], me.clone()).await;
    assert_eq!((r.status, r.body["error"].as_str()), (400, Some("invalid_grant")), "and its refresh token: {}", r.body);

    // A code lives 60 seconds.
    let code = code_for(&mut browser, &id, "fay@mail.ru", CHALLENGE).await;
    app.clock.advance(61);
    let r = send(grant(&code, Some(VERIFIER), CALLBACK), me.clone()).await;
    assert_eq!((r.status, r.body["error"].as_str()), (400, Some("invalid_grant")), "{}", r.body);

    // A failed client authentication does not spend the code.
    let verifier = "a-different-verifier-of-enough-length-0123456789";
    let code = code_for(&mut browser, &id, "fay@mail.ru", &challenge_of(verifier)).await;
    let r = send(grant(&code, Some(verifier), CALLBACK), (id.clone(), "wrong-secret".into())).await;
    assert_eq!((r.status, r.body["error"].as_str()), (401, Some("invalid_client")), "{}", r.body);
    let r = send(grant(&code, Some(verifier), CALLBACK), me.clone()).await;
    assert_eq!(r.status, 200, "the code survived the failed client authentication: {}", r.body);
}
both!(the_code_grant_refuses);

/// Issue 19, defect 8: a signed-in browser looping `prompt=none` wrote one code row per request.
/// Now a sign-in holds at most 5 unspent codes per client (the oldest go), and the janitor
/// deletes unspent codes once expired (spent ones stay a day, for reuse detection).
async fn codes_per_sign_in_are_capped_and_purged(app: TestApp) {
    app.register("loop@mail.ru", "79996667700").await;
    let client = code_client(&app, "Panel", false, true).await;
    let id = client.id.to_string();
    let mut browser = Browser::new(&app);
    let first = code_for(&mut browser, &id, "loop@mail.ru", CHALLENGE).await;
    assert_eq!(exchange(&app, &client, &first, VERIFIER).await.status, 200);
    let mut params = request(&id, "openid");
    params.push(("prompt", "none"));
    let mut codes = Vec::new();
    for _ in 0..30 {
        let page = browser.authorize(&params).await;
        codes.push(page.param("code").expect("a code each time"));
        // A second apart, so that "the oldest" is one (codes of one second are equals).
        app.clock.advance(1);
    }
    let unspent = "SELECT COUNT(*) FROM authorization_codes WHERE spent_at IS NULL";
    assert_eq!(app.scalar(unspent).await, 5, "at most 5 unspent codes per sign-in and client");
    let r = exchange(&app, &client, &codes[0], VERIFIER).await;
    assert_eq!((r.status, r.body["error"].as_str()), (400, Some("invalid_grant")), "the oldest went: {}", r.body);
    let r = exchange(&app, &client, codes.last().expect("code"), VERIFIER).await;
    assert_eq!(r.status, 200, "the newest is good: {}", r.body);
    // Once expired, the janitor takes the unspent ones; the spent ones stay for reuse detection.
    app.clock.advance(61);
    app.core.purge_expired().await.expect("purge");
    assert_eq!(app.scalar(unspent).await, 0);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM authorization_codes WHERE spent_at IS NOT NULL").await, 2);
    let r = exchange(&app, &client, &first, VERIFIER).await;
    assert_eq!((r.status, r.body["error"].as_str()), (400, Some("invalid_grant")), "{}", r.body);
}
both!(codes_per_sign_in_are_capped_and_purged);

async fn forms_need_their_csrf_token(app: TestApp) {
    app.register("gus@mail.ru", "79997778899").await;
    let client = code_client(&app, "Panel", false, true).await;
    let id = client.id.to_string();
    let mut browser = Browser::new(&app);
    let login = browser.authorize(&request(&id, "openid")).await;
    let req = login.field("request");
    let missing = browser
        .post("/oauth/authorize/password", &[("request", &req), ("email", "gus@mail.ru"), ("password", PASSWORD)])
        .await;
    assert_eq!(missing.status, 403, "{}", missing.body);
    assert!(missing.body.contains("The form has expired or did not come from this page"), "{}", missing.body);
    let wrong = browser
        .post(
            "/oauth/authorize/password",
            &[("csrf", &"z".repeat(32)), ("request", &req), ("email", "gus@mail.ru"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(wrong.status, 403);
    // A page's token without the cookie it was set with (another site's forged post).
    let mut forger = Browser::new(&app);
    let forged = forger.sign_in(&login, "gus@mail.ru", PASSWORD).await;
    assert_eq!(forged.status, 403);
    assert!(!forger.cookies.contains_key("kordon_session") && !browser.cookies.contains_key("kordon_session"));
    // With the token the same form signs in.
    assert_eq!(browser.sign_in(&login, "gus@mail.ru", PASSWORD).await.status, 303);
}
both!(forms_need_their_csrf_token);

async fn a_blocked_host_sees_a_clear_page(app: TestApp) {
    app.register("hal@mail.ru", "79998889900").await;
    let client = code_client(&app, "Panel", false, true).await;
    let id = client.id.to_string();
    let mut attacker = Browser::from_address(&app, "127.0.0.7");
    let login = attacker.authorize(&request(&id, "openid")).await;
    for _ in 0..10 {
        let page = attacker.sign_in(&login, "hal@mail.ru", "wrong-password").await;
        if page.status == 429 {
            break;
        }
        assert_eq!(page.status, 401, "{}", page.body);
        assert!(page.body.contains("The email or password is not right."), "{}", page.body);
        assert!(page.body.contains(r#"value="hal@mail.ru""#), "the email stays filled in");
    }
    let blocked = attacker.sign_in(&login, "hal@mail.ru", PASSWORD).await;
    assert_eq!(blocked.status, 429, "{}", blocked.body);
    assert!(blocked.body.contains("Sign-in is paused") && blocked.body.contains("Try again in"), "{}", blocked.body);
    assert!(blocked.header("retry-after").parse::<u64>().expect("Retry-After") > 0);
    assert!(blocked.header("content-type").starts_with("text/html"));
    // The FlashCall way in is closed to it too; another host signs in as usual.
    let (csrf, req) = (login.field("csrf"), login.field("request"));
    let call = attacker
        .post("/oauth/authorize/flashcall", &[("csrf", &csrf), ("request", &req), ("phone", "79998889900")])
        .await;
    assert_eq!(call.status, 429, "{}", call.body);
    let mut owner = Browser::new(&app);
    let login = owner.authorize(&request(&id, "openid")).await;
    assert_eq!(owner.sign_in(&login, "hal@mail.ru", PASSWORD).await.status, 303);
}
both!(a_blocked_host_sees_a_clear_page);

async fn userinfo_needs_an_openid_token(app: TestApp) {
    app.register("ida@mail.ru", "79990001122").await;
    let resp = app.http.get(format!("{}/oauth/userinfo", app.base)).send().await.expect("get");
    assert_eq!(resp.status().as_u16(), 401);
    assert_eq!(resp.headers()["www-authenticate"], "Bearer realm=\"kordon\"");
    let resp = app.http.get(format!("{}/oauth/userinfo", app.base)).bearer_auth("nonsense").send().await.expect("get");
    assert_eq!(resp.status().as_u16(), 401);
    let body: serde_json::Value = resp.json().await.expect("json");
    assert_eq!(body["error"], "invalid_token");
    // A password-grant token is valid, but was not issued for OpenID Connect.
    let (token, _, _) = app.oauth_password_token("ida@mail.ru").await;
    let resp = app.http.get(format!("{}/oauth/userinfo", app.base)).bearer_auth(&token).send().await.expect("get");
    assert_eq!(resp.status().as_u16(), 403);
    assert!(resp.headers()["www-authenticate"].to_str().expect("header").contains("insufficient_scope"));
    let body: serde_json::Value = resp.json().await.expect("json");
    assert_eq!(body["error"], "insufficient_scope");
}
both!(userinfo_needs_an_openid_token);

async fn a_code_flow_token_holds_only_what_was_consented(app: TestApp) {
    app.register("jon@mail.ru", "79990002233").await;
    let client = code_client(&app, "Panel", false, true).await;
    let mut browser = Browser::new(&app);
    let get = |path: &'static str, token: String| {
        let app = &app;
        async move {
            let resp = app.http.get(format!("{}{path}", app.base)).bearer_auth(token).send().await.expect("get");
            let status = resp.status().as_u16();
            let challenge = resp.headers().get("www-authenticate").map(|v| v.to_str().expect("text").to_owned());
            (status, challenge, resp.json::<serde_json::Value>().await.expect("json"))
        }
    };
    // "Know who you are, see your email": not the provider profile, not biometric records.
    let narrow = code_flow_token(&app, &mut browser, &client, "jon@mail.ru", "openid email").await;
    let (status, challenge, body) = get("/api/ver1.0/user/", narrow.clone()).await;
    assert_eq!((status, body["error"].as_str()), (403, Some("insufficient_scope")), "{body}");
    assert!(challenge.expect("challenge").contains("scope=\"profile email phone\""));
    let (status, _, body) = get("/api/users", narrow.clone()).await;
    assert_eq!((status, body), (401, serde_json::json!({ "message": "Unauthenticated." })));
    assert_eq!(get("/oauth/userinfo", narrow).await.0, 200);
    // The profile, email and phone scopes cover exactly what the provider API answers.
    let wide = code_flow_token(&app, &mut browser, &client, "jon@mail.ru", "openid profile email phone").await;
    let (status, _, body) = get("/api/ver1.0/user/", wide.clone()).await;
    assert_eq!((status, body["email"].as_str()), (200, Some("jon@mail.ru")), "{body}");
    assert_eq!(get("/api/users", wide).await.0, 401, "still no biometric records");
}
both!(a_code_flow_token_holds_only_what_was_consented);

async fn an_old_sign_in_cannot_skip_prompt_login_through_the_consent_form(app: TestApp) {
    app.register("kim@mail.ru", "79990003344").await;
    let client = code_client(&app, "Desk", false, false).await;
    let id = client.id.to_string();
    let mut browser = Browser::new(&app);
    let login = browser.authorize(&request(&id, "openid")).await;
    let consent = browser.sign_in(&login, "kim@mail.ru", PASSWORD).await;
    assert_eq!(browser.decide(&consent, "allow").await.status, 303);
    // Hours later a client asks for a fresh sign-in; whoever sits at the browser posts the
    // consent form (its token is on the login page) instead of signing in.
    app.clock.advance(3 * 3600);
    let mut params = request(&id, "openid");
    params.push(("prompt", "login"));
    let login = browser.authorize(&params).await;
    assert!(login.body.contains("current-password"), "{}", login.body);
    let skipped = browser.decide(&login, "allow").await;
    assert_eq!(skipped.status, 200, "no code: {:?}", skipped.location());
    assert!(skipped.body.contains("current-password"), "the login page again: {}", skipped.body);
    params.retain(|(k, _)| *k != "prompt");
    params.push(("max_age", "60"));
    let login = browser.authorize(&params).await;
    assert!(browser.decide(&login, "allow").await.body.contains("current-password"), "max_age holds too");
    // Signing in (then Allow) is what gets the code.
    let consent = browser.sign_in(&login, "kim@mail.ru", PASSWORD).await;
    assert_eq!(consent.status, 303, "consent remembered, sign-in fresh: {}", consent.body);
}
both!(an_old_sign_in_cannot_skip_prompt_login_through_the_consent_form);

/// Issue 19, defect 4: the consent form cannot stand in for the fresh sign-in a request demands.
/// It counted any sign-in younger than 10 minutes as fresh; now only one made on this request's
/// own login page is, and only once.
async fn a_recent_sign_in_cannot_skip_prompt_login_through_the_consent_form(app: TestApp) {
    app.register("kit@mail.ru", "79990003345").await;
    let client = code_client(&app, "Desk", false, false).await;
    let id = client.id.to_string();
    let mut browser = Browser::new(&app);
    let login = browser.authorize(&request(&id, "openid")).await;
    let consent = browser.sign_in(&login, "kit@mail.ru", PASSWORD).await;
    assert_eq!(browser.decide(&consent, "allow").await.status, 303);
    // Five minutes later the client asks for a fresh sign-in; the consent form is posted instead.
    app.clock.advance(300);
    let mut params = request(&id, "openid");
    params.push(("prompt", "login"));
    let login = browser.authorize(&params).await;
    assert!(login.body.contains("current-password"), "{}", login.body);
    let skipped = browser.decide(&login, "allow").await;
    assert_eq!(skipped.status, 200, "no code for a sign-in made before the request: {:?}", skipped.location());
    assert!(skipped.body.contains("current-password"), "the login page again: {}", skipped.body);
    let mut params = request(&id, "openid");
    params.push(("max_age", "60"));
    let login = browser.authorize(&params).await;
    let skipped = browser.decide(&login, "allow").await;
    assert_eq!(skipped.status, 200, "max_age=60 and a 300 s old sign-in: {:?}", skipped.location());
    assert!(skipped.body.contains("current-password"), "{}", skipped.body);
    // A sign-in on this request's page meets it, however long the consent page stays open …
    params.push(("prompt", "consent"));
    let login = browser.authorize(&params).await;
    let consent = browser.sign_in(&login, "kit@mail.ru", PASSWORD).await;
    assert!(consent.body.contains("Allow access?"), "{}", consent.body);
    app.clock.advance(120);
    let back = browser.decide(&consent, "allow").await;
    assert_eq!(back.status, 303, "{}", back.body);
    let t = exchange(&app, &client, &back.param("code").expect("code"), VERIFIER).await;
    let (_, id_token) = crate::helpers::oauth::claims(t.body["id_token"].as_str().expect("id_token"));
    assert_eq!(id_token["auth_time"], kordon_core::Clock::now(&app.clock) - 120, "the sign-in of this request");
    // … once: the same form posted again is not a fresh sign-in any more.
    let again = browser.decide(&consent, "allow").await;
    assert_eq!(again.status, 200, "{:?}", again.location());
    assert!(again.body.contains("current-password"), "{}", again.body);
}
both!(a_recent_sign_in_cannot_skip_prompt_login_through_the_consent_form);

async fn a_code_dies_with_its_sign_in(app: TestApp) {
    app.register("lea@mail.ru", "79990004455").await;
    let client = code_client(&app, "Panel", false, true).await;
    let id = client.id.to_string();
    let mut browser = Browser::new(&app);
    let code = code_for(&mut browser, &id, "lea@mail.ru", CHALLENGE).await;
    let ask = browser.get("/oauth/logout").await;
    let out = browser.post("/oauth/logout", &[("csrf", &ask.field("csrf"))]).await;
    assert!(out.body.contains("You are signed out"), "{}", out.body);
    let r = exchange(&app, &client, &code, VERIFIER).await;
    assert_eq!((r.status, r.body["error"].as_str()), (400, Some("invalid_grant")), "{}", r.body);
}
both!(a_code_dies_with_its_sign_in);

async fn public_clients_post_requests_and_refresh_grants(app: TestApp) {
    app.register("max@mail.ru", "79990005566").await;
    let public = code_client(&app, "Mobile", true, true).await;
    let id = public.id.to_string();
    let mut browser = Browser::new(&app);
    // The authorization request as a form (OpenID Connect Core §3.1.2.1).
    let body = crate::helpers::oidc::form_urlencoded(&request(&id, "openid offline_access"));
    let login = browser.post_raw("/oauth/authorize", &body).await;
    assert_eq!(login.status, 200, "{}", login.body);
    let back = browser.sign_in(&login, "max@mail.ru", PASSWORD).await;
    let code = back.param("code").expect("code");
    let t = exchange(&app, &public, &code, VERIFIER).await;
    assert_eq!(t.status, 200, "{}", t.body);
    let access = t.body["access_token"].as_str().expect("access").to_owned();
    // A public client revokes its own tokens by client_id alone (RFC 7009 §2.1).
    let r = form(&app, "/oauth/revoke", &[("token", &access), ("client_id", &id)], None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let info = app.http.get(format!("{}/oauth/userinfo", app.base)).bearer_auth(&access).send().await.expect("get");
    assert_eq!(info.status().as_u16(), 401, "revoked");

    // offline_access gives a refresh token only to a client that may use one.
    let options = kordon_core::services::ClientOptions {
        redirect_uris: vec![CALLBACK.into()],
        trusted: true,
        ..Default::default()
    };
    let grants = vec!["authorization_code".to_string()];
    let plain = app.core.admin_create_client_with("no-refresh", None, grants, None, options).await.expect("client");
    let plain = crate::helpers::oidc::CodeClient { id: plain.client_id, secret: plain.client_secret };
    let code = code_for(&mut browser, &plain.id.to_string(), "max@mail.ru", CHALLENGE).await;
    let t = exchange(&app, &plain, &code, VERIFIER).await;
    assert_eq!(t.status, 200, "{}", t.body);
    assert!(t.body.get("refresh_token").is_none(), "{}", t.body);
}
both!(public_clients_post_requests_and_refresh_grants);

/// Issue 19, defect 3: a login past its daily cap of failures is a refusal, not a failure of
/// kordon's: the login page answers 429 with `Retry-After` and says to wait (it answered 500).
async fn a_login_past_its_daily_cap_is_told_to_wait(app: TestApp) {
    app.register("capped@mail.ru", "79993332210").await;
    for i in 0..3 {
        let (s, _) =
            app.post_from(&format!("127.0.3.{}", i + 1), "/api/v1/login", login_body("capped@mail.ru", "guess")).await;
        assert_eq!(s, 400);
    }
    let client = code_client(&app, "Panel", false, true).await;
    let id = client.id.to_string();
    for (language, says) in
        [("en-US,en;q=0.8", "Too many failed sign-ins"), ("ru-RU,ru;q=0.9", "Слишком много неудачных")]
    {
        let mut browser = Browser::speaking(&app, language);
        let login = browser.authorize(&request(&id, "openid")).await;
        let page = browser.sign_in(&login, "capped@mail.ru", PASSWORD).await;
        assert_eq!(page.status, 429, "{}", page.body);
        let wait: u64 = page.header("retry-after").parse().expect("Retry-After in seconds");
        assert!(wait > 0 && wait <= 86_400, "{wait}");
        assert!(page.body.contains(says), "{}", page.body);
        let hours = wait.div_ceil(3600);
        assert!(
            page.body.contains(&format!(" {hours} hours.")) || page.body.contains(&format!(" {hours} ч.")),
            "whole hours: {}",
            page.body
        );
    }
}
both!(a_login_past_its_daily_cap_is_told_to_wait, |c: &mut kordon::config::Config| c.defender.account_max_failures = 3);
