//! Applications (OAuth clients): created, changed, their secrets rotated and deleted, in scope.
use super::*;

async fn applications_are_handled_in_scope(app: TestApp) {
    let (root, token) = operator(&app).await;
    let t = tenants(&app).await;
    let body = json!({ "name": " Platform app ", "redirect_uris": ["https://platform.example/cb"] });
    let created = call(&app, "POST", "/applications", Some(body), Some(&token)).await;
    assert_eq!(created.status, 201, "{created:?}");
    let application = &created.body["application"];
    let id = application["id"].as_i64().expect("id");
    assert_eq!(application["name"], "Platform app");
    assert_eq!(application["grants"], json!(["client_credentials", "authorization_code", "refresh_token"]));
    assert_eq!((&application["owner_user_id"], &application["trusted"]), (&json!(root), &json!(false)));
    let secret = created.body["client_secret"].as_str().expect("a secret").to_owned();
    assert_eq!(
        newest_audit(&app).await,
        ("client.create".into(), format!("admin-api:{root}"), Some(format!("client:{id}")))
    );
    let grant = |secret: String| {
        let body = json!({ "grant_type": "client_credentials", "client_id": id, "client_secret": secret });
        let req = app.http.post(format!("{}/oauth/token", app.base)).json(&body);
        async move { req.send().await.expect("token").status().as_u16() }
    };
    assert_eq!(grant(secret.clone()).await, 200);

    let rotated = post(&app, &format!("/applications/{id}/secret"), &token).await;
    assert_eq!(rotated.status, 200, "{rotated:?}");
    let fresh = rotated.body["client_secret"].as_str().expect("secret").to_owned();
    assert_ne!(fresh, secret);
    assert_eq!(grant(secret).await, 401, "the old secret is dead");
    assert_eq!(grant(fresh.clone()).await, 200);
    assert_eq!(newest_audit(&app).await.0, "client.secret");
    assert!(
        !app.core.audit_entries(50).await.expect("audit").iter().any(|e| e
            .detail
            .as_deref()
            .unwrap_or_default()
            .contains(&fresh))
    );

    let patch = json!({ "redirect_uris": ["https://platform.example/callback"], "trusted": true, "name": "Renamed" });
    let changed = call(&app, "PATCH", &format!("/applications/{id}"), Some(patch), Some(&token)).await;
    assert_eq!(changed.status, 200, "{changed:?}");
    assert_eq!(changed.body["redirect_uris"], json!(["https://platform.example/callback"]));
    assert_eq!((&changed.body["trusted"], &changed.body["name"]), (&json!(true), &json!("Renamed")));
    assert_eq!(newest_audit(&app).await.0, "client.update");
    let bad = call(
        &app,
        "PATCH",
        &format!("/applications/{id}"),
        Some(json!({ "redirect_uris": ["ftp://x"] })),
        Some(&token),
    )
    .await;
    assert_eq!((bad.status, &bad.body["field"]), (400, &json!("redirect_uris")), "{bad:?}");

    // The operator sees every client (the cabinet's own too); a tenant only its own.
    let all = get(&app, "/applications", &token).await;
    let ids: Vec<i64> =
        all.body["data"].as_array().expect("data").iter().map(|a| a["id"].as_i64().expect("id")).collect();
    assert!(ids.contains(&10553) && ids.contains(&id), "{ids:?}");
    let mine = call(&app, "POST", "/applications", Some(json!({ "name": "Office CRM" })), Some(&t.office_admin)).await;
    assert_eq!(mine.status, 201, "{mine:?}");
    let office_app = mine.body["application"]["id"].as_i64().expect("id");
    assert_eq!(mine.body["application"]["grants"], json!(["client_credentials"]));
    let office = get(&app, "/applications", &t.office_admin).await;
    assert_eq!(office.body["data"].as_array().map(Vec::len), Some(1), "{office:?}");
    assert_eq!(office.body["data"][0]["id"], office_app);
    assert_eq!(get(&app, "/applications", &t.shop_admin).await.body, json!({ "data": [] }));
    // Shop's administrator reaches none of office's: 404, whatever the action.
    assert_eq!(post(&app, &format!("/applications/{office_app}/secret"), &t.shop_admin).await.status, 404);
    let rename = json!({ "name": "mine now" });
    let patched =
        call(&app, "PATCH", &format!("/applications/{office_app}"), Some(rename.clone()), Some(&t.shop_admin)).await;
    assert_eq!(patched.status, 404);
    assert_eq!(delete(&app, &format!("/applications/{office_app}"), &t.shop_admin).await.status, 404);
    assert_eq!(delete(&app, &format!("/applications/{id}"), &t.office_admin).await.status, 404, "the operator's");
    // Trust and grants are the operator's: 403 for a tenant, even on its own.
    for body in [json!({ "trusted": false }), json!({ "grants": ["password"] })] {
        let refused =
            call(&app, "PATCH", &format!("/applications/{office_app}"), Some(body), Some(&t.office_admin)).await;
        assert_eq!((refused.status, &refused.body["error"]), (403, &json!("forbidden")), "{refused:?}");
    }
    let refused =
        call(&app, "POST", "/applications", Some(json!({ "name": "x", "trusted": true })), Some(&t.office_admin)).await;
    assert_eq!(refused.status, 403);
    let own = call(&app, "PATCH", &format!("/applications/{office_app}"), Some(rename), Some(&t.office_admin)).await;
    assert_eq!((own.status, &own.body["name"]), (200, &json!("mine now")));
    // A second factor for its sign-ins: a tenant may ask it of its own application (it only adds).
    assert_eq!(own.body["require_mfa"], false);
    let strict = json!({ "require_mfa": true });
    let own = call(&app, "PATCH", &format!("/applications/{office_app}"), Some(strict), Some(&t.office_admin)).await;
    assert_eq!((own.status, &own.body["require_mfa"]), (200, &json!(true)), "{own:?}");
    let line = crate::helpers::operators_lines(&app).await.remove(0);
    assert_eq!(line.kind, "client.update");
    assert!(line.detail.as_deref().unwrap_or_default().contains("require_mfa"), "{:?}", line.detail);

    assert_eq!(delete(&app, &format!("/applications/{office_app}"), &t.office_admin).await.status, 204);
    assert_eq!(delete(&app, &format!("/applications/{id}"), &token).await.status, 204);
    assert_eq!(newest_audit(&app).await.0, "client.delete");
    assert_eq!(grant(fresh).await, 401, "a deleted application's secret is dead");
    assert_eq!(delete(&app, &format!("/applications/{id}"), &token).await.status, 404);
    // Bad input.
    for body in
        [json!({}), json!({ "name": "" }), json!({ "name": 5 }), json!([]), json!({ "name": "x", "grants": ["magic"] })]
    {
        let answer = call(&app, "POST", "/applications", Some(body.clone()), Some(&token)).await;
        assert_eq!((answer.status, &answer.body["error"]), (400, &json!("invalid_request")), "{body}");
    }
}
both!(applications_are_handled_in_scope);
