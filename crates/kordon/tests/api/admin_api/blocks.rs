//! The Defender's blocks: listed and lifted, a tenant's `lk_admin` only those on its own logins.
use super::*;

async fn blocks_are_seen_and_lifted_in_scope(app: TestApp) {
    let (root, token) = operator(&app).await;
    let t = tenants(&app).await;
    // Ten wrong passwords for office's user from another host block it.
    for _ in 0..10 {
        app.post_from("127.0.0.2", "/api/v1/login", login_body("anna@office.example", "wrong-password")).await;
    }
    let listed = get(&app, "/defender/blocks", &token).await;
    assert_eq!(listed.status, 200, "{listed:?}");
    assert_eq!((&listed.body["page"], &listed.body["more"]), (&json!(1), &json!(false)));
    let block = &listed.body["data"][0];
    assert_eq!((&block["ip"], &block["failures"]), (&json!("127.0.0.2"), &json!(10)), "{block}");
    assert_eq!(block["logins"], json!(["email:anna@office.example"]));
    assert!(block["reason"].as_str().is_some_and(|r| r.contains("failed")), "{block}");
    assert!(block["since"].is_string() && block["until"].is_string());

    // Office's administrator sees the block earned on its own user's login; shop's does not.
    let office = get(&app, "/defender/blocks", &t.office_admin).await;
    assert_eq!(office.body["data"].as_array().map(Vec::len), Some(1), "{office:?}");
    let shop = get(&app, "/defender/blocks", &t.shop_admin).await;
    assert_eq!(shop.body, json!({ "data": [], "page": 1, "more": false }));
    assert_eq!(delete(&app, "/defender/blocks/127.0.0.2", &t.shop_admin).await.status, 404);
    let lifted = delete(&app, "/defender/blocks/127.0.0.2", &t.office_admin).await;
    assert_eq!(lifted.status, 204, "{lifted:?}");
    let entry = crate::helpers::operators_lines(&app).await.remove(0);
    assert_eq!((entry.kind.as_str(), entry.ip.as_deref()), ("defender.unblock", Some("127.0.0.2")));
    assert!(entry.actor.starts_with("admin-api:"), "{entry:?}");
    assert_eq!(get(&app, "/defender/blocks", &token).await.body["data"], json!([]));
    assert_eq!(delete(&app, "/defender/blocks/127.0.0.2", &token).await.status, 404, "not blocked now");

    // A block on logins of two tenants is the operator's alone.
    for i in 0..10 {
        let login = if i % 2 == 0 { "anna@office.example" } else { "bob@shop.example" };
        app.post_from("127.0.0.3", "/api/v1/login", login_body(login, "wrong-password")).await;
    }
    assert_eq!(get(&app, "/defender/blocks", &t.office_admin).await.body["data"], json!([]));
    assert_eq!(delete(&app, "/defender/blocks/127.0.0.3", &t.office_admin).await.status, 404);
    let bad = delete(&app, "/defender/blocks/not-an-ip", &token).await;
    assert_eq!((bad.status, &bad.body["field"]), (400, &json!("ip")));
    assert_eq!(delete(&app, "/defender/blocks/127.0.0.3", &token).await.status, 204);
    let entry = crate::helpers::operators_lines(&app).await.remove(0);
    assert_eq!(entry.actor, format!("admin-api:{root}"));
    let page = call(&app, "GET", "/defender/blocks?page=0", None, Some(&token)).await;
    assert_eq!(page.status, 400, "{page:?}");
}
both!(blocks_are_seen_and_lifted_in_scope);
