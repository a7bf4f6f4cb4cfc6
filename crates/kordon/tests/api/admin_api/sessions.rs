//! Sessions: every kind a user has (cabinet, PBX, OAuth, a browser's OIDC sign-in) listed
//! and ended one at a time.
use super::*;

async fn every_kind_of_session_is_listed_and_ended_alone(app: TestApp) {
    let (root, token) = operator(&app).await;
    let (anna, _) = user(&app, "anna@office.example", Role::LkAdmin, Some("office.example"), None).await;
    let cabinet = app.login("anna@office.example", PASSWORD).await;
    let other = app.login("anna@office.example", PASSWORD).await;
    let (_, api) = app.post_auth("/api/v1/tokens", json!({}), &cabinet).await;
    let api_token = api["token"].as_str().expect("api token").to_owned();
    let (s, pbx, _) = app.pbx(pbx_auth_body("anna@office.example", PASSWORD), None).await;
    assert_eq!(s, 200, "{pbx}");
    // Two browsers signed in at kordon; the first also allowed a partner's application.
    let partner = code_client(&app, "partner", false, false).await;
    let partner_id = partner.id.to_string();
    let mut first = Browser::new(&app);
    let login = first.authorize(&request(&partner_id, "openid email")).await;
    let consent = first.sign_in(&login, "anna@office.example", PASSWORD).await;
    assert_eq!(consent.status, 200, "the consent page: {}", consent.body);
    let back = first.decide(&consent, "allow").await;
    let code = back.param("code").expect("a code");
    let tokens = exchange(&app, &partner, &code, VERIFIER).await;
    assert_eq!(tokens.status, 200, "{}", tokens.body);
    let partner_token = tokens.body["access_token"].as_str().expect("access").to_owned();
    let mut second = Browser::new(&app);
    let login = second.authorize(&request(&partner_id, "openid email")).await;
    let back = second.sign_in(&login, "anna@office.example", PASSWORD).await;
    assert!(back.param("code").is_some(), "already allowed: straight back with a code");

    let listed = get(&app, &format!("/users/{anna}/sessions"), &token).await;
    assert_eq!(listed.status, 200, "{listed:?}");
    let sessions = listed.body["data"].as_array().expect("data").clone();
    let mut kinds: Vec<&str> = sessions.iter().map(|s| s["kind"].as_str().expect("kind")).collect();
    kinds.sort_unstable();
    assert_eq!(kinds, ["api_token", "browser", "browser", "cabinet", "cabinet", "consent", "oauth", "pbx"]);
    for s in &sessions {
        let id = s["id"].as_str().expect("id");
        let prefix = match s["kind"].as_str() {
            Some("api_token") => "token-",
            Some(kind) => &format!("{kind}-"),
            None => unreachable!(),
        };
        assert!(id.starts_with(prefix), "{id} says its kind");
    }
    let text = listed.body.to_string();
    for secret in [&cabinet, &other, &api_token, &partner_token] {
        assert!(!text.contains(secret.as_str()), "no token in the list");
    }
    let ids = |kind: &str| -> Vec<String> {
        sessions.iter().filter(|s| s["kind"] == kind).map(|s| s["id"].as_str().expect("id").to_owned()).collect()
    };

    // One browser sign-in ends; the other browser is still signed in, and the tokens stay.
    let browsers = ids("browser");
    let ended = delete(&app, &format!("/sessions/{}", browsers[0]), &token).await;
    assert_eq!((ended.status, &ended.body), (204, &Value::Null), "{ended:?}");
    let (event, actor, account) = newest_audit(&app).await;
    assert_eq!(
        (event.as_str(), actor, account),
        ("session.revoke", format!("admin-api:{root}"), Some(format!("user:{anna}")))
    );
    let mut still = 0;
    for browser in [&mut first, &mut second] {
        let page = browser.authorize(&request(&partner_id, "openid email")).await;
        if page.param("code").is_some() {
            still += 1;
        } else {
            assert_eq!(page.status, 200, "the login page again: {}", page.body);
        }
    }
    assert_eq!(still, 1, "exactly one browser is still signed in");
    assert_eq!(app.get_auth("/api/v1/authuser", &cabinet).await.0, 200, "the cabinet sessions stay");
    assert_eq!(delete(&app, &format!("/sessions/{}", browsers[0]), &token).await.status, 404, "ended already");

    // One cabinet login ends alone.
    let cabinets = ids("cabinet");
    assert_eq!(delete(&app, &format!("/sessions/{}", cabinets[0]), &token).await.status, 204);
    let alive = [app.get_auth("/api/v1/authuser", &cabinet).await.0, app.get_auth("/api/v1/authuser", &other).await.0];
    assert!(alive.contains(&401) && alive.contains(&200), "exactly one cabinet session ended: {alive:?}");
    // A family id under another kind's name is no session.
    let family = cabinets[1].trim_start_matches("cabinet-");
    assert_eq!(delete(&app, &format!("/sessions/oauth-{family}"), &token).await.status, 404);

    // The consent goes with the code-flow tokens it let the partner get.
    let userinfo = |t: String| {
        let req = app.http.get(format!("{}/oauth/userinfo", app.base)).bearer_auth(t);
        async move { req.send().await.expect("userinfo").status().as_u16() }
    };
    assert_eq!(userinfo(partner_token.clone()).await, 200);
    let consent = &ids("consent")[0];
    assert_eq!(consent, &format!("consent-{anna}-{}", partner.id));
    assert_eq!(delete(&app, &format!("/sessions/{consent}"), &token).await.status, 204);
    assert_eq!(newest_audit(&app).await.0, "session.revoke");
    assert_eq!(userinfo(partner_token).await, 401);
    let page = second.authorize(&request(&partner_id, "openid email")).await;
    assert_eq!(page.status, 200, "asked to consent again: {}", page.body);

    // The API token and the PBX session.
    assert_eq!(delete(&app, &format!("/sessions/{}", ids("api_token")[0]), &token).await.status, 204);
    assert_eq!(app.get_auth("/api/v1/authuser", &api_token).await.0, 401);
    assert_eq!(delete(&app, &format!("/sessions/{}", ids("pbx")[0]), &token).await.status, 204);
    for bad in ["nothing", "cabinet-", "token-999999", "consent-1-2", "browser-%00", "family-abc"] {
        let answer = delete(&app, &format!("/sessions/{bad}"), &token).await;
        assert_eq!((answer.status, &answer.body["error"]), (404, &json!("not_found")), "{bad}");
    }
}
both!(every_kind_of_session_is_listed_and_ended_alone);
