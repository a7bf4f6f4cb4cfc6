//! The account page's Sessions and Apps on both stores: a person sees every way they are signed
//! in, ends one and finds its token refused in its own dialect, signs out everywhere else and
//! keeps exactly this device, and withdraws a consent (that client's refresh token is refused,
//! another's is not). Nobody reaches another person's sessions.

use crate::account::{ANNA, BORIS, operator, people, signed_in};
use crate::helpers::oauth::form;
use crate::helpers::oidc::{Browser, CodeClient, Page, VERIFIER, code_client, exchange, request};
use crate::helpers::{PASSWORD, TestApp, pbx_auth_body};
use serde_json::json;

/// The session ids a Sessions page offers to end, in its order (ids are letters, digits and
/// dashes: nothing in them is encoded).
fn ids_on(page: &Page) -> Vec<String> {
    let marker = "/account/sessions/end?id=";
    page.body
        .match_indices(marker)
        .map(|(at, _)| {
            let rest = &page.body[at + marker.len()..];
            let id = &rest[..rest.find('"').expect("end of href")];
            assert!(id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'), "{id}");
            id.to_owned()
        })
        .collect()
}

fn of_kind(ids: &[String], prefix: &str) -> Vec<String> {
    ids.iter().filter(|id| id.starts_with(&format!("{prefix}-"))).cloned().collect()
}

/// Asks, then ends one session from the Sessions page.
async fn end(browser: &mut Browser, csrf: &str, id: &str) -> Page {
    let question = browser.get(&format!("/account/sessions/end?id={id}")).await;
    assert_eq!(question.status, 200, "{}", question.body);
    assert!(question.body.contains("End this session?"), "{}", question.body);
    browser.post("/account/sessions/end", &[("csrf", csrf), ("id", id)]).await
}

/// The code flow for `client` in `browser` with a refresh token (consenting when asked):
/// (access token, refresh token).
async fn consented(app: &TestApp, browser: &mut Browser, client: &CodeClient, email: &str) -> (String, String) {
    let id = client.id.to_string();
    let mut page = browser.authorize(&request(&id, "openid email offline_access")).await;
    if page.body.contains("name=\"password\"") {
        page = browser.sign_in(&page, email, PASSWORD).await;
    }
    if page.status == 200 {
        page = browser.decide(&page, "allow").await;
    }
    let code = page.param("code").unwrap_or_else(|| panic!("a code: {} {:?}", page.status, page.headers));
    let t = exchange(app, client, &code, VERIFIER).await;
    assert_eq!(t.status, 200, "{}", t.body);
    let text = |k: &str| t.body[k].as_str().unwrap_or_else(|| panic!("{k}: {}", t.body)).to_owned();
    (text("access_token"), text("refresh_token"))
}

async fn refresh(app: &TestApp, client: &CodeClient, token: &str) -> crate::helpers::oauth::Reply {
    let id = client.id.to_string();
    let secret = client.secret.as_deref().expect("confidential");
    form(app, "/oauth/token", &[("grant_type", "refresh_token"), ("refresh_token", token)], Some((&id, secret))).await
}

async fn ending_one_session_refuses_its_token_in_its_dialect(app: TestApp) {
    people(&app).await;
    let cabinet = app.login(ANNA, PASSWORD).await;
    let (s, pbx, _) = app.pbx(pbx_auth_body(ANNA, PASSWORD), None).await;
    assert_eq!(s, 200, "{pbx}");
    let pbx_token = pbx["body"]["token"].as_str().expect("pbx token").to_owned();
    let (oauth, _, _) = app.oauth_password_token(ANNA).await;
    let (_, api) = app.post_auth("/api/v1/tokens", json!({}), &cabinet).await;
    let api_token = api["token"].as_str().expect("api token").to_owned();
    // Boris: a cabinet session, an API token, a browser sign-in and an application's family.
    let boris = app.login(BORIS, PASSWORD).await;
    let (status, _) = app.post_auth("/api/v1/tokens", json!({}), &boris).await;
    assert_eq!(status, 200);
    let partner = code_client(&app, "partner", false, false).await;
    consented(&app, &mut Browser::new(&app), &partner, BORIS).await;
    let mut elsewhere = Browser::new(&app);
    consented(&app, &mut elsewhere, &partner, ANNA).await;

    let mut browser = Browser::new(&app);
    let csrf = signed_in(&app, &mut browser, ANNA).await.field("csrf");
    let page = browser.get("/account/sessions").await;
    assert_eq!(page.status, 200, "{}", page.body);
    for words in ["Cabinet sign-in", "PBX session", "Application sign-in", "Browser sign-in at kordon"] {
        assert!(page.body.contains(words), "{words}: {}", page.body);
    }
    assert!(page.body.contains("Personal API token") && page.body.contains("partner"), "{}", page.body);
    assert!(page.body.contains("127.0.0.1"), "where: {}", page.body);
    assert_eq!(page.body.matches("This device").count(), 2, "this page's session and its sign-in: {}", page.body);
    let ids = ids_on(&page);
    for secret in [&cabinet, &pbx_token, &oauth, &api_token] {
        assert!(!page.body.contains(secret.as_str()), "no token on the page");
    }

    // Another person's session is not found, asked or posted; it lives on.
    let boris_id = app.core.admin_user(BORIS).await.expect("boris").id;
    let admin = operator(&app).await;
    let theirs = app.core.admin_sessions_of(&admin, boris_id).await.expect("boris's");
    let kinds: Vec<&str> = theirs.iter().map(|s| s.id.split('-').next().expect("kind")).collect();
    assert_eq!(kinds, ["oauth", "cabinet", "browser", "consent", "token"], "one of each kind: {theirs:?}");
    for id in theirs.iter().map(|s| s.id.as_str()) {
        assert_eq!(browser.get(&format!("/account/sessions/end?id={id}")).await.status, 404, "{id}");
        let refused = browser.post("/account/sessions/end", &[("csrf", &csrf), ("id", id)]).await;
        assert_eq!(refused.status, 404, "{id}: {}", refused.body);
    }
    assert_eq!(app.core.admin_sessions_of(&admin, boris_id).await.expect("boris's").len(), 5, "all live");
    assert_eq!(app.get_auth("/api/v1/authuser", &boris).await.0, 200, "boris is still signed in");
    for junk in ["", "cabinet-", "nothing", "token-999999", "consent-1-2"] {
        let answer = browser.post("/account/sessions/end", &[("csrf", &csrf), ("id", junk)]).await;
        assert_eq!(answer.status, 404, "{junk}: {}", answer.body);
    }

    // Each kind ends alone, and its token is refused where it is used.
    let done = end(&mut browser, &csrf, &of_kind(&ids, "cabinet")[0]).await;
    assert_eq!((done.status, done.header("location")), (303, "/account/sessions?ended=1"));
    let (status, body) = app.get_auth("/api/v1/authuser", &cabinet).await;
    assert_eq!((status, &body["message"]), (401, &json!("Unauthenticated.")), "{body}");
    assert_eq!(browser.get("/account/sessions?ended=1").await.status, 200);
    assert_eq!(end(&mut browser, &csrf, &of_kind(&ids, "pbx")[0]).await.status, 303);
    let logout = json!({ "action": "logout", "obj": "User", "action_id": "1", "params": {} });
    assert_eq!(app.pbx(logout, Some(&pbx_token)).await.0, 401, "the PBX token is refused");
    assert_eq!(app.get_auth("/api/users", &oauth).await.0, 200, "the OAuth token still works");
    // The password grant's family is the one of the application called "app".
    let families = of_kind(&ids, "oauth");
    let grant = families.iter().find(|id| page_row(&page, id).contains(">app</td>")).expect("the grant's family");
    assert_eq!(end(&mut browser, &csrf, grant).await.status, 303);
    assert_eq!(app.get_auth("/api/users", &oauth).await.0, 401, "the biometrics API refuses it");
    assert_eq!(end(&mut browser, &csrf, &of_kind(&ids, "token")[0]).await.status, 303);
    assert_eq!(app.get_auth("/api/v1/authuser", &api_token).await.0, 401, "the API token is refused");

    // The other browser's sign-in: prompt=none no longer answers with a code there.
    assert!(silent(&mut elsewhere, &partner).await.param("code").is_some(), "signed in before");
    let other_browser = of_kind(&ids, "browser").into_iter().find(|id| !page_row(&page, id).contains("This device"));
    assert_eq!(end(&mut browser, &csrf, &other_browser.expect("the other sign-in")).await.status, 303);
    let answer = silent(&mut elsewhere, &partner).await;
    // A partner's errors are kordon's page (ADR 21), not a redirect.
    assert!(answer.body.contains("login_required: The user is not signed in."), "{}", answer.body);

    let audit = crate::helpers::operators_lines(&app).await;
    let anna = app.core.admin_user(ANNA).await.expect("anna").id;
    let revokes = audit.iter().filter(|l| l.kind == "session.revoke" && l.actor == format!("account:{anna}")).count();
    assert_eq!(revokes, 5, "{audit:?}");
    // This page still works: its own session was not among them.
    assert_eq!(browser.get("/account/sessions").await.status, 200);
}
both!(ending_one_session_refuses_its_token_in_its_dialect);

/// An authorization request that may not show a page (`prompt=none`).
async fn silent(browser: &mut Browser, client: &CodeClient) -> Page {
    let id = client.id.to_string();
    let mut params = request(&id, "openid email");
    params.push(("prompt", "none"));
    browser.authorize(&params).await
}

/// The table row of a session id on a Sessions page.
fn page_row<'a>(page: &'a Page, id: &str) -> &'a str {
    let at = page.body.find(&format!("end?id={id}\"")).expect("the row");
    let start = page.body[..at].rfind("<tr").expect("row start");
    &page.body[start..at]
}

async fn everywhere_else_keeps_exactly_this_device(app: TestApp) {
    people(&app).await;
    let cabinet = app.login(ANNA, PASSWORD).await;
    let (_, api) = app.post_auth("/api/v1/tokens", json!({}), &cabinet).await;
    let api_token = api["token"].as_str().expect("api token").to_owned();
    let partner = code_client(&app, "partner", false, false).await;
    let mut elsewhere = Browser::new(&app);
    let (_, partner_refresh) = consented(&app, &mut elsewhere, &partner, ANNA).await;
    let mut other_page = Browser::new(&app);
    signed_in(&app, &mut other_page, ANNA).await;
    let boris = app.login(BORIS, PASSWORD).await;

    let mut browser = Browser::new(&app);
    let csrf = signed_in(&app, &mut browser, ANNA).await.field("csrf");
    let before = browser.get("/account/sessions").await;
    assert!(before.body.contains("Sign out everywhere else"), "{}", before.body);
    let done = browser.post("/account/sessions/others", &[("csrf", &csrf)]).await;
    assert_eq!((done.status, done.header("location")), (303, "/account/sessions?others=5"), "{}", done.body);
    let after = browser.get("/account/sessions?others=5").await;
    assert!(after.body.contains("Sessions ended elsewhere: 5"), "{}", after.body);
    let left = ids_on(&after);
    let kinds: Vec<&str> = left.iter().map(|id| id.split('-').next().expect("kind")).collect();
    assert_eq!(kinds, ["browser", "token"], "this page's sign-in (its session has no End), the API token: {left:?}");
    assert_eq!(after.body.matches("This device").count(), 2, "{}", after.body);
    assert!(!after.body.contains("Sign out everywhere else"), "nothing else to end: {}", after.body);

    assert_eq!(app.get_auth("/api/v1/authuser", &cabinet).await.0, 401, "the cabinet session ended");
    assert_eq!(app.get_auth("/api/v1/authuser", &api_token).await.0, 200, "the API token stays");
    assert_eq!(refresh(&app, &partner, &partner_refresh).await.status, 400, "the partner's family ended");
    assert_eq!(other_page.get("/account").await.status, 303, "the other account page must sign in again");
    assert_eq!(app.get_auth("/api/v1/authuser", &boris).await.0, 200, "another person is untouched");
    let consents = "SELECT COUNT(*) FROM consents";
    assert_eq!(app.scalar(consents).await, 1, "the consent stays: it is the Apps page's");
    assert_eq!(browser.get("/account").await.status, 200, "this page is still signed in");
    let answer = silent(&mut browser, &partner).await;
    assert!(answer.param("code").is_some(), "this browser's sign-in stays: {:?}", answer.headers);
}
both!(everywhere_else_keeps_exactly_this_device);

async fn withdrawing_a_consent_ends_that_clients_tokens(app: TestApp) {
    people(&app).await;
    let first = code_client(&app, "First partner", false, false).await;
    let second = code_client(&app, "Second partner", false, false).await;
    let mut elsewhere = Browser::new(&app);
    let (first_access, first_refresh) = consented(&app, &mut elsewhere, &first, ANNA).await;
    let (_, second_refresh) = consented(&app, &mut elsewhere, &second, ANNA).await;

    let mut browser = Browser::new(&app);
    let overview = signed_in(&app, &mut browser, ANNA).await;
    let csrf = overview.field("csrf");
    // The Overview's figures: two browser sign-ins, two partners' families and this page's; two apps.
    let figures: Vec<&str> =
        overview.body.split("<p class=\"figure\">").skip(1).map(|f| &f[..f.find('<').expect("end")]).collect();
    assert_eq!(figures, ["5", "2"], "{}", overview.body);
    let apps = browser.get("/account/apps").await;
    assert_eq!(apps.status, 200, "{}", apps.body);
    for words in ["First partner", "Second partner", "kordon&#39;s operator", "Stay signed in when you are away"] {
        assert!(apps.body.contains(words), "{words}: {}", apps.body);
    }
    let question = browser.get(&format!("/account/apps/withdraw?client={}", first.id)).await;
    assert_eq!(question.status, 200, "{}", question.body);
    assert!(question.body.contains("Withdraw this application") && question.body.contains("First partner"));
    let id = first.id.to_string();
    let done = browser.post("/account/apps/withdraw", &[("csrf", &csrf), ("client", &id)]).await;
    assert_eq!((done.status, done.header("location")), (303, "/account/apps?withdrawn=1"), "{}", done.body);
    let r = refresh(&app, &first, &first_refresh).await;
    assert_eq!((r.status, &r.body["error"]), (400, &json!("invalid_grant")), "{}", r.body);
    let userinfo = app.http.get(format!("{}/oauth/userinfo", app.base)).bearer_auth(&first_access).send().await;
    assert_eq!(userinfo.expect("userinfo").status().as_u16(), 401);
    assert_eq!(refresh(&app, &second, &second_refresh).await.status, 200, "the other client keeps its tokens");
    let after = browser.get("/account/apps?withdrawn=1").await;
    assert!(after.body.contains("access was withdrawn") && !after.body.contains("First partner"), "{}", after.body);
    // Withdrawn already, never allowed, or another person's: not found.
    assert_eq!(browser.post("/account/apps/withdraw", &[("csrf", &csrf), ("client", &id)]).await.status, 404);
    assert_eq!(browser.get("/account/apps/withdraw?client=abc").await.status, 404);
    let mut boris = Browser::new(&app);
    let boris_csrf = signed_in(&app, &mut boris, BORIS).await.field("csrf");
    let second_id = second.id.to_string();
    let refused = boris.post("/account/apps/withdraw", &[("csrf", &boris_csrf), ("client", &second_id)]).await;
    assert_eq!(refused.status, 404, "{}", refused.body);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM consents").await, 1, "anna's other consent stays");
    let audit = crate::helpers::operators_lines(&app).await;
    let anna = app.core.admin_user(ANNA).await.expect("anna").id;
    assert!(audit.iter().any(|l| l.kind == "session.revoke" && l.actor == format!("account:{anna}")), "{audit:?}");
}
both!(withdrawing_a_consent_ends_that_clients_tokens);
