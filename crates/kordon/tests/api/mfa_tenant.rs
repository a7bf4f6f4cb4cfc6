//! A tenant that requires a second factor of all its people, on both stores: no dialect signs one
//! of them in with a password alone; a person without a second factor is told where to switch one
//! on, and the account page (where they do) still lets them in; app passwords still serve the
//! dialects that cannot take a code; other tenants are not affected.

use crate::account::signed_in;
use crate::helpers::oauth::form;
use crate::helpers::oidc::{Browser, code_client, request};
use crate::helpers::{PASSWORD, TestApp, login_body, oathtool, pbx_auth_body};
use crate::mfa_login::with_authenticator;
use kordon_core::Clock as _;
use kordon_core::Origin;
use kordon_core::services::DomainPatch;
use kordon_core::types::PbxRole;
use serde_json::json;

const ANNA: &str = "anna@office.example";
const BOB: &str = "bob@shop.example";

async fn a_tenant_requires_a_second_factor_of_everybody(app: TestApp) {
    app.domain_user(ANNA, "office.example", PbxRole::USER).await;
    app.domain_user(BOB, "shop.example", PbxRole::USER).await;
    let patch = DomainPatch { require_mfa: Some(true), ..Default::default() };
    assert!(app.core.admin_update_domain("office.example", patch).await.expect("updated").require_mfa);
    let issuer = app.core.issuer().to_owned();

    // No second factor yet: every dialect refuses the password alone and says where to go.
    let (status, body) = app.post("/api/v1/login", login_body(ANNA, PASSWORD)).await;
    let said = format!(
        "Your organisation requires a second factor: switch one on at {issuer}/account/security, then send its code \
         as otp."
    );
    assert_eq!((status, body), (400, json!({"message": {"message": said, "field": "otp"}, "code": 400})));
    let (status, body, _) = app.pbx(pbx_auth_body(ANNA, PASSWORD), None).await;
    assert_eq!(status, 403, "{body}");
    assert!(body.to_string().contains("/account/app-passwords"), "{body}");
    let grants = vec!["password".to_string()];
    let c = app.core.admin_create_client("app", None, grants, None).await.expect("client");
    let (id, secret) = (c.client_id.to_string(), c.client_secret.expect("secret"));
    let pairs = [("grant_type", "password"), ("username", ANNA), ("password", PASSWORD)];
    let r = form(&app, "/oauth/token", &pairs, Some((&id, &secret))).await;
    assert_eq!((r.status, &r.body["error"]), (400, &json!("invalid_grant")), "{}", r.body);
    // Another tenant's person is not under the rule.
    assert_eq!(app.post("/api/v1/login", login_body(BOB, PASSWORD)).await.0, 200);

    // The login page: the password is right, and an application is refused with the reason...
    let client = code_client(&app, "Billing", false, true).await;
    let client_id = client.id.to_string();
    let mut browser = Browser::new(&app);
    let login = browser.authorize(&request(&client_id, "openid")).await;
    let signed = browser.sign_in(&login, ANNA, PASSWORD).await;
    let refused = match signed.status {
        303 => browser.get(signed.header("location").trim_start_matches(&app.base)).await,
        _ => signed,
    };
    assert_eq!(refused.status, 403, "{}", refused.body);
    assert!(refused.body.contains("Your organisation requires a second factor, and you have not"), "{}", refused.body);
    assert!(refused.body.contains("href=\"/account/security\""), "{}", refused.body);
    // ...but the account page, where one is switched on, lets them in.
    let mut account = Browser::new(&app);
    signed_in(&app, &mut account, ANNA).await;
    // An app password serves the PBX meanwhile.
    let user = app.core.admin_user(ANNA).await.expect("anna");
    let origin = Origin { ip: Some("127.0.0.1".into()), user_agent: None, locale: None };
    let kap = app.core.app_password_create(&user, "Office PBX", PASSWORD, &origin).await.expect("app password");
    assert_eq!(app.pbx(pbx_auth_body(ANNA, &kap), None).await.0, 200);

    // With an authenticator: both factors sign in, in the cabinet and on the login page.
    let (key, _) = with_authenticator(&app, ANNA).await;
    app.clock.advance(30);
    let code = oathtool(&key, app.clock.now());
    let (status, body) = app.post("/api/v1/login", json!({"email": ANNA, "password": PASSWORD, "otp": code})).await;
    assert_eq!(status, 200, "{body}");
    let mut again = Browser::new(&app);
    let login = again.authorize(&request(&client_id, "openid")).await;
    let step = again.sign_in(&login, ANNA, PASSWORD).await;
    assert!(step.body.contains("Two-step verification"), "{}", step.body);
    app.clock.advance(30);
    let fields = [
        ("csrf", step.field("csrf")),
        ("request", step.field("request")),
        ("challenge", step.field("challenge")),
        ("code", oathtool(&key, app.clock.now())),
    ];
    let done =
        again.post("/oauth/authorize/second", &fields.iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>()).await;
    assert!(done.param("code").is_some(), "{} {}", done.status, done.body);
}
both!(a_tenant_requires_a_second_factor_of_everybody);
