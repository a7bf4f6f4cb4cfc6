//! The audit log and FlashCall traffic, read in the caller's scope.
use super::*;

async fn the_audit_log_and_flashcall_traffic_are_read_in_scope(app: TestApp) {
    let (root, token) = operator(&app).await;
    let t = tenants(&app).await;
    // Office's user is blocked from another host and unblocked by office's administrator; a
    // login PIN is called to office's user's phone; one to nobody's.
    for _ in 0..10 {
        app.post_from("127.0.0.2", "/api/v1/login", login_body("anna@office.example", "wrong-password")).await;
    }
    assert_eq!(delete(&app, "/defender/blocks/127.0.0.2", &t.office_admin).await.status, 204);
    assert_eq!(app.post("/api/v1/flashcall", json!({ "phone": "79990001122" })).await.0, 200);
    assert_eq!(app.post("/api/v1/flashcall", json!({ "phone": "79995550000" })).await.0, 200);
    app.core.audit_flush().await;

    let all = get(&app, "/audit?type=defender", &token).await;
    assert_eq!(all.status, 200, "{all:?}");
    let kinds: Vec<&str> =
        all.body["data"].as_array().expect("data").iter().filter_map(|e| e["type"].as_str()).collect();
    assert_eq!(kinds, ["defender.unblock", "defender.block"], "{all:?}");
    let unblock = &all.body["data"][0];
    assert_eq!((&unblock["ip"], &unblock["subject"]), (&json!("127.0.0.2"), &json!("email:anna@office.example")));
    assert_eq!((&unblock["user_id"], &unblock["dialect"]), (&json!(t.office_user), &json!("admin")));
    assert!(unblock["at"].as_str().is_some_and(|at| at.ends_with('Z')));
    let by_ip = get(&app, "/audit?ip=127.0.0.2&type=defender.block", &token).await;
    assert_eq!(by_ip.body["data"].as_array().map(Vec::len), Some(1), "{by_ip:?}");
    let by_user = get(&app, &format!("/audit?user_id={}&type=flashcall", t.office_user), &token).await;
    assert_eq!(by_user.body["data"][0]["type"], "flashcall.placed", "{by_user:?}");
    let future = get(&app, "/audit?since=2999-01-01T00:00:00Z", &token).await;
    assert_eq!(future.body, json!({ "data": [], "page": 1, "more": false }));

    // Shop's administrator sees none of office's events; office's sees its own.
    let shop = get(&app, "/audit", &t.shop_admin).await;
    assert!(
        shop.body["data"].as_array().expect("data").iter().all(|e| e["user_id"] != json!(t.office_user)),
        "{shop:?}"
    );
    let office = get(&app, "/audit?type=defender", &t.office_admin).await;
    assert_eq!(office.body["data"].as_array().map(Vec::len), Some(2), "{office:?}");
    let asked = get(&app, &format!("/audit?user_id={}", t.office_user), &t.shop_admin).await;
    assert_eq!(asked.body["data"], json!([]), "another tenant's user has no events here");

    // Bad filters are 400.
    for bad in [
        "/audit?type=nonsense",
        "/audit?since=yesterday",
        "/audit?until=1",
        "/audit?page=0",
        "/audit?user_id=x",
        "/audit?ip=nowhere",
    ] {
        let answer = get(&app, bad, &token).await;
        assert_eq!(answer.status, 400, "{bad}: {answer:?}");
        assert!(answer.body["message"].is_string());
    }

    // FlashCall traffic: the operator sees both calls, office's administrator its own one.
    let stats = get(&app, "/flashcalls/stats", &token).await;
    assert_eq!(stats.status, 200, "{stats:?}");
    assert_eq!(stats.body["window"], 86_400);
    assert_eq!((&stats.body["by_country"][0]["key"], &stats.body["by_country"][0]["placed"]), (&json!("7"), &json!(2)));
    assert_eq!(stats.body["by_prefix"][0]["key"], "7999000");
    let office_stats = get(&app, "/flashcalls/stats?window=7d", &t.office_admin).await;
    assert_eq!(office_stats.body["window"], 7 * 86_400);
    assert_eq!(office_stats.body["by_country"][0]["placed"], 1, "{office_stats:?}");
    let tenant_rows = office_stats.body["by_tenant"].as_array().expect("rows");
    assert_eq!(tenant_rows.len(), 1);
    assert_eq!(get(&app, "/flashcalls/stats", &t.shop_admin).await.body["by_country"][0]["placed"], 0);
    for bad in ["/flashcalls/stats?window=0h", "/flashcalls/stats?window=32d", "/flashcalls/stats?window=day"] {
        assert_eq!(get(&app, bad, &token).await.status, 400, "{bad}");
    }
    let _ = root;
}
both!(the_audit_log_and_flashcall_traffic_are_read_in_scope);
