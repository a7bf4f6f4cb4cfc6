//! The console's Applications pages on both stores: registering an application (its secret shown
//! once, on a page not cached, and working at the token endpoint), changing its redirect URIs and
//! trust, rotating the secret and deleting it after a question; refused input shown beside the
//! form; an account administrator's scope; the console's own client left alone.

use crate::console::{ADMIN, OPERATOR, OUTSIDER, PLAIN, people, sign_in};
use crate::helpers::TestApp;
use crate::helpers::oidc::{Browser, Page};
use kordon_core::services::CONSOLE;
use serde_json::json;

/// The client id and the secret the page shows once.
fn shown_once(page: &Page) -> (i64, String) {
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(page.header("cache-control"), "no-store", "a page with a secret is not kept");
    assert!(page.header("location").is_empty());
    let value = |marker: &str| {
        let start = page.body.find(marker).unwrap_or_else(|| panic!("no {marker} on: {}", page.body)) + marker.len();
        let end = page.body[start..].find('<').expect("end") + start;
        page.body[start..end].to_owned()
    };
    let id = value("<dd class=\"mono value\">").parse().expect("the client id");
    (id, value("<dd class=\"mono value\" id=\"client-secret\">"))
}

/// The token endpoint's status for a client_credentials grant with `secret`.
async fn grant(app: &TestApp, id: i64, secret: &str) -> u16 {
    let body = json!({ "grant_type": "client_credentials", "client_id": id, "client_secret": secret });
    let req = app.http.post(format!("{}/oauth/token", app.base)).json(&body);
    req.send().await.expect("token").status().as_u16()
}

/// The client as the operator reads it.
async fn client(app: &TestApp, id: i64) -> Result<kordon_core::types::Client, kordon_core::Error> {
    let operator = app.core.admin_user(OPERATOR).await.expect("operator");
    let access = app.core.console_access(operator).expect("an operator enters");
    Ok(app.core.admin_application(access.admin(), id).await?.client)
}

async fn exists(app: &TestApp, id: i64) -> bool {
    app.scalar(&format!("SELECT COUNT(*) FROM clients WHERE id = {id}")).await == 1
}

async fn an_operator_registers_changes_rotates_and_deletes(app: TestApp) {
    people(&app).await;
    let mut ops = Browser::new(&app);
    sign_in(&app, &mut ops, OPERATOR).await;
    let list = ops.get("/console/applications").await;
    assert_eq!(list.status, 200, "{}", list.body);
    assert!(list.body.contains(">kordon console</a>"), "the operator sees every client: {}", list.body);
    assert!(list.body.contains("name=\"trusted\""), "the operator's form has the trusted box");
    let csrf = list.field("csrf");

    // Registered: the secret is shown once and works.
    let form = [("csrf", csrf.as_str()), ("name", " Billing "), ("redirect_uris", "https://app.example/callback\r\n")];
    let created = ops.post("/console/applications", &form).await;
    let (id, secret) = shown_once(&created);
    assert!(created.body.contains("Copy the secret now: it is not shown again."), "{}", created.body);
    assert!(secret.len() >= 32, "{secret}");
    assert_eq!(grant(&app, id, &secret).await, 200, "the secret shown works");
    assert_eq!(grant(&app, id, "not-the-secret").await, 401);
    let list = ops.get("/console/applications").await;
    assert!(list.body.contains(">Billing</a>") && list.body.contains("https://app.example/callback"), "{}", list.body);
    assert!(!list.body.contains(&secret), "the list never shows a secret");
    let page = ops.get(&format!("/console/application?id={id}")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("https://app.example/callback") && !page.body.contains(&secret));
    let audit = crate::helpers::operators_lines(&app).await;
    let actor = format!("console:{}", app.core.admin_user(OPERATOR).await.expect("operator").id);
    assert_eq!((audit[0].kind.as_str(), audit[0].actor.as_str()), ("client.create", actor.as_str()));
    assert_eq!(audit[0].dialect.as_deref(), Some("console"));
    assert!(!format!("{audit:?}").contains(&secret), "never in the audit log");

    // Refused input: shown beside the form, as typed, and nothing registered.
    let before = app.scalar("SELECT COUNT(*) FROM clients").await;
    let empty = ops.post("/console/applications", &[("csrf", &csrf), ("name", "  "), ("redirect_uris", "")]).await;
    assert_eq!(empty.status, 400, "{}", empty.body);
    assert!(empty.body.contains("The name field is required."), "{}", empty.body);
    let bad = [("csrf", csrf.as_str()), ("name", "Typed"), ("redirect_uris", "https://app.example/cb#top")];
    let bad = ops.post("/console/applications", &bad).await;
    assert_eq!(bad.status, 400, "{}", bad.body);
    assert!(bad.body.contains("must not have a fragment") && bad.body.contains("role=\"alert\""), "{}", bad.body);
    assert_eq!(bad.field("name"), "Typed", "what was typed is kept");
    assert!(bad.body.contains(">https://app.example/cb#top</textarea>"), "{}", bad.body);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM clients").await, before);

    // Changed: the redirect URIs and trust.
    let uris = "https://app.example/callback\nhttps://app.example/other";
    let id_text = id.to_string();
    let edit =
        [("csrf", csrf.as_str()), ("id", &id_text), ("name", "Billing"), ("redirect_uris", uris), ("trusted", "on")];
    let saved = ops.post("/console/application", &edit).await;
    assert_eq!(
        (saved.status, saved.header("location")),
        (303, format!("/console/application?id={id}&done=saved").as_str())
    );
    let record = client(&app, id).await.expect("client");
    assert_eq!(record.redirect_uris, ["https://app.example/callback", "https://app.example/other"]);
    assert!(record.trusted);
    let page = ops.get(&format!("/console/application?id={id}&done=saved")).await;
    assert!(page.body.contains("Saved.") && page.body.contains("https://app.example/other"), "{}", page.body);
    let untrust = [("csrf", csrf.as_str()), ("id", &id_text), ("name", "Billing"), ("redirect_uris", uris)];
    assert_eq!(ops.post("/console/application", &untrust).await.status, 303);
    assert!(!client(&app, id).await.expect("client").trusted, "an unticked box takes trust away");
    let wrong = [("csrf", csrf.as_str()), ("id", &id_text), ("name", "Billing"), ("redirect_uris", "not a uri")];
    let wrong = ops.post("/console/application", &wrong).await;
    assert_eq!(wrong.status, 400, "{}", wrong.body);
    assert!(wrong.body.contains(">not a uri</textarea>") && wrong.body.contains("role=\"alert\""), "{}", wrong.body);
    assert_eq!(client(&app, id).await.expect("client").redirect_uris.len(), 2, "unchanged");

    // Rotated after a question: the old secret is refused, the new one works.
    let question = ops.get(&format!("/console/application/secret?id={id}")).await;
    assert_eq!((question.status, question.field("id")), (200, id_text.clone()), "{}", question.body);
    let forged = ops.post("/console/application/secret", &[("id", &id_text)]).await;
    assert_eq!(forged.status, 403, "no CSRF token: refused");
    assert_eq!(grant(&app, id, &secret).await, 200, "nothing rotated");
    let rotated = ops.post("/console/application/secret", &[("csrf", &csrf), ("id", &id_text)]).await;
    let (same, fresh) = shown_once(&rotated);
    assert_eq!(same, id);
    assert_ne!(fresh, secret);
    assert_eq!(grant(&app, id, &secret).await, 401, "the old secret is dead");
    assert_eq!(grant(&app, id, &fresh).await, 200);
    let page = ops.get(&format!("/console/application?id={id}")).await;
    assert!(!page.body.contains(&fresh), "shown once");

    // The console's own client is shown, never changed.
    let own = ops.get(&format!("/console/application?id={}", CONSOLE.id)).await;
    assert_eq!(own.status, 200, "{}", own.body);
    assert!(own.body.contains("own client: kordon registers it") && !own.body.contains("/console/application/delete"));
    let own_id = CONSOLE.id.to_string();
    assert_eq!(ops.get(&format!("/console/application/delete?id={own_id}")).await.status, 400);
    assert_eq!(ops.get(&format!("/console/application/secret?id={own_id}")).await.status, 400);
    let refused = ops.post("/console/application/delete", &[("csrf", &csrf), ("id", &own_id)]).await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    let edit = [("csrf", csrf.as_str()), ("id", &own_id), ("name", "x"), ("redirect_uris", "https://evil.example/cb")];
    assert_eq!(ops.post("/console/application", &edit).await.status, 400);
    assert!(exists(&app, CONSOLE.id).await);
    assert!(ops.get("/console").await.status == 200, "the console still signs in");

    // Deleted after a question.
    let question = ops.get(&format!("/console/application/delete?id={id}")).await;
    assert_eq!((question.status, question.field("id")), (200, id_text.clone()));
    assert_eq!(ops.post("/console/application/delete", &[("id", &id_text)]).await.status, 403);
    assert!(exists(&app, id).await, "not without the token");
    let deleted = ops.post("/console/application/delete", &[("csrf", &csrf), ("id", &id_text)]).await;
    assert_eq!((deleted.status, deleted.header("location")), (303, "/console/applications?done=deleted"));
    assert!(!exists(&app, id).await);
    assert_eq!(ops.get(&format!("/console/application?id={id}")).await.status, 404);
    assert_eq!(grant(&app, id, &fresh).await, 401);
    let list = ops.get("/console/applications?done=deleted").await;
    assert!(list.body.contains("The application is deleted.") && !list.body.contains(">Billing</a>"));
}
both!(an_operator_registers_changes_rotates_and_deletes);

async fn an_account_administrator_handles_its_own(app: TestApp) {
    people(&app).await;
    // Another tenant's application.
    let mut boss = Browser::new(&app);
    sign_in(&app, &mut boss, OUTSIDER).await;
    let csrf = boss.get("/console/applications").await.field("csrf");
    let form = [("csrf", csrf.as_str()), ("name", "Their app"), ("redirect_uris", "https://other.example/cb")];
    let (theirs, _) = shown_once(&boss.post("/console/applications", &form).await);

    let mut admin = Browser::new(&app);
    sign_in(&app, &mut admin, ADMIN).await;
    let list = admin.get("/console/applications").await;
    assert_eq!(list.status, 200);
    assert!(!list.body.contains("name=\"trusted\""), "no trusted box for a tenant");
    let csrf = list.field("csrf");
    // Without redirect URIs: client credentials only.
    let created =
        admin.post("/console/applications", &[("csrf", &csrf), ("name", "Ours"), ("redirect_uris", "")]).await;
    let (ours, secret) = shown_once(&created);
    assert_eq!(client(&app, ours).await.expect("client").grants, ["client_credentials"]);
    assert_eq!(grant(&app, ours, &secret).await, 200);
    let list = admin.get("/console/applications").await;
    assert!(list.body.contains(">Ours</a>"), "{}", list.body);
    assert!(!list.body.contains("Their app") && !list.body.contains(">kordon console</a>"), "{}", list.body);

    // Another tenant's application, and the console's: not found, whatever is asked.
    for id in [theirs, CONSOLE.id] {
        let id = id.to_string();
        for path in ["/console/application", "/console/application/secret", "/console/application/delete"] {
            assert_eq!(admin.get(&format!("{path}?id={id}")).await.status, 404, "{path}");
        }
        for path in ["/console/application/secret", "/console/application/delete"] {
            assert_eq!(admin.post(path, &[("csrf", &csrf), ("id", &id)]).await.status, 404, "{path}");
        }
        let edit = [("csrf", csrf.as_str()), ("id", &id), ("name", "Mine now"), ("redirect_uris", "")];
        assert_eq!(admin.post("/console/application", &edit).await.status, 404);
    }
    assert_eq!(client(&app, theirs).await.expect("still there").name, "Their app");

    // Trust is the operator's to give.
    let before = app.scalar("SELECT COUNT(*) FROM clients").await;
    let trusted = [("csrf", csrf.as_str()), ("name", "Trusted"), ("redirect_uris", ""), ("trusted", "on")];
    assert_eq!(admin.post("/console/applications", &trusted).await.status, 403);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM clients").await, before, "nothing registered");
    let ours_text = ours.to_string();
    let edit =
        [("csrf", csrf.as_str()), ("id", &ours_text), ("name", "Ours"), ("redirect_uris", ""), ("trusted", "on")];
    assert_eq!(admin.post("/console/application", &edit).await.status, 403);
    assert!(!client(&app, ours).await.expect("client").trusted);
    let mut ops = Browser::new(&app);
    sign_in(&app, &mut ops, OPERATOR).await;
    let ops_csrf = ops.get("/console/applications").await.field("csrf");
    let edit =
        [("csrf", ops_csrf.as_str()), ("id", &ours_text), ("name", "Ours"), ("redirect_uris", ""), ("trusted", "on")];
    assert_eq!(ops.post("/console/application", &edit).await.status, 303);
    assert!(client(&app, ours).await.expect("client").trusted, "the operator may");
    // The tenant saves its name again: the trust the operator gave stays.
    let edit = [("csrf", csrf.as_str()), ("id", &ours_text), ("name", "Ours again"), ("redirect_uris", "")];
    assert_eq!(admin.post("/console/application", &edit).await.status, 303);
    let record = client(&app, ours).await.expect("client");
    assert_eq!((record.name.as_str(), record.trusted), ("Ours again", true));
    // Its redirect is the operator's too: trust skips the consent page.
    let moved =
        [("csrf", csrf.as_str()), ("id", &ours_text), ("name", "Ours"), ("redirect_uris", "https://x.example/cb")];
    assert_eq!(admin.post("/console/application", &moved).await.status, 403);
    assert!(client(&app, ours).await.expect("client").redirect_uris.is_empty(), "not moved");
    // Untrusted again, its first redirect URI is the tenant's, and brings the code flow with it.
    let edit = [("csrf", ops_csrf.as_str()), ("id", &ours_text), ("name", "Ours"), ("redirect_uris", "")];
    assert_eq!(ops.post("/console/application", &edit).await.status, 303);
    assert_eq!(admin.post("/console/application", &moved).await.status, 303);
    let record = client(&app, ours).await.expect("client");
    assert_eq!(record.redirect_uris, ["https://x.example/cb"]);
    assert_eq!(record.grants, ["client_credentials", "authorization_code", "refresh_token"], "{:?}", record.grants);

    // A user who administers nothing never reaches the page.
    let mut plain = Browser::new(&app);
    let refused = sign_in(&app, &mut plain, PLAIN).await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    assert_eq!(plain.get("/console/applications").await.status, 303, "no session: to sign in");
    let post = plain.post("/console/applications", &[("csrf", "x"), ("name", "Plain's")]).await;
    assert_eq!(post.status, 303, "no session: to sign in, nothing registered");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM clients WHERE name = 'Plain''s'").await, 0);
}
both!(an_account_administrator_handles_its_own);
