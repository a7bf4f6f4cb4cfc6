//! The audit log itself: events queued by the core are written in batches and found again by
//! every filter (user, tenant, host, type or family, time, page); old events go after
//! `audit.retention_days`; with the audit off nothing is written. On SQLite and PostgreSQL.

use crate::helpers::TestApp;
use kordon_core::Clock as _;
use kordon_core::audit::{AuditEvent, AuditFilter, FAILURE, SUCCESS, kind};

fn filter() -> AuditFilter {
    AuditFilter { limit: 100, ..AuditFilter::default() }
}

async fn kinds(app: &TestApp, filter: AuditFilter) -> Vec<String> {
    app.core.audit_search(&filter).await.expect("search").into_iter().map(|r| r.kind).collect()
}

async fn events_are_written_in_batches_and_found_by_every_filter(app: TestApp) {
    let start = app.clock.now();
    for i in 0..1200_i64 {
        let event = AuditEvent::new(kind::SIGNIN, if i % 2 == 0 { SUCCESS } else { FAILURE })
            .method("password")
            .user_id(i % 3, Some(100 + i % 3))
            .ip(Some(&format!("192.0.2.{}", i % 5)))
            .reason("wrong_credential")
            .at(start + i);
        app.core.audit(event);
    }
    app.core.audit(AuditEvent::new(kind::TOKEN_ISSUED, SUCCESS).client(7).at(start + 2000));
    app.core.audit(AuditEvent::new(kind::TOKEN_REUSE, FAILURE).client(7).at(start + 2001));
    app.core.audit_flush().await;

    let all = app.core.audit_search(&AuditFilter { limit: 1000, ..filter() }).await.expect("search");
    assert_eq!(all.len(), 1000, "a page holds at most 1000");
    assert_eq!(all[0].kind, "token.reuse", "newest first");
    assert_eq!(all[0].client_id, Some(7));
    let by_user =
        app.core.audit_search(&AuditFilter { user_id: Some(1), limit: 1000, ..filter() }).await.expect("user");
    assert_eq!(by_user.len(), 400);
    assert!(by_user.iter().all(|r| r.user_id == Some(1) && r.tenant_id == Some(101)));
    let by_tenant = kinds(&app, AuditFilter { tenant_id: Some(102), limit: 1000, ..filter() }).await;
    assert_eq!(by_tenant.len(), 400);
    let by_ip = kinds(&app, AuditFilter { ip: Some("192.0.2.4".into()), limit: 1000, ..filter() }).await;
    assert_eq!(by_ip.len(), 240);
    assert_eq!(
        kinds(&app, AuditFilter { kind: Some("token".into()), ..filter() }).await,
        ["token.reuse", "token.issued"]
    );
    assert_eq!(kinds(&app, AuditFilter { kind: Some("token.issued".into()), ..filter() }).await, ["token.issued"]);
    assert!(kinds(&app, AuditFilter { kind: Some("tok".into()), ..filter() }).await.is_empty(), "no partial names");
    let window = AuditFilter { since: Some(start + 10), until: Some(start + 20), ..filter() };
    assert_eq!(kinds(&app, window).await.len(), 10, "since inclusive, until exclusive");
    let second_page = app.core.audit_search(&AuditFilter { offset: 1000, limit: 1000, ..filter() }).await.expect("p2");
    assert_eq!(second_page.len(), 202);
    let first = &second_page[201];
    assert_eq!(
        (first.kind.as_str(), first.result.as_str(), first.method.as_deref()),
        ("signin", "success", Some("password"))
    );
    assert_eq!((first.ip.as_deref(), first.reason.as_deref()), (Some("192.0.2.0"), Some("wrong_credential")));
    assert!(first.at.ends_with('Z'), "UTC: {}", first.at);
}
both!(events_are_written_in_batches_and_found_by_every_filter);

/// A batch is written whole whatever its size (one statement of bound arrays on PostgreSQL; on
/// SQLite multi-row inserts of 512, 512, 256, 128, 64, 16, 8 and 4 rows in one transaction):
/// 1,500 events written at once keep their order and every value exactly, NULLs, quotes,
/// backslashes, newlines, non-Latin text and JSON-looking text included.
async fn one_batch_keeps_every_value_and_the_order(app: TestApp) {
    let start = app.clock.now();
    let odd = ["O'Brien \"quoted\" \\ back", "строка\nс переводом", "{\"a\": [1, null]}", "🦀 crab", ""];
    for i in 0..1500_i64 {
        let text = odd[i as usize % odd.len()];
        let mut event = AuditEvent::new(kind::SIGNIN, if i % 2 == 0 { SUCCESS } else { FAILURE }).at(start + i);
        if i % 3 == 0 {
            event = event
                .dialect("pbx")
                .method("pin")
                .user_id(i, Some(i64::MAX - i))
                .client(-i)
                .ip(Some("2001:db8::1"))
                .subject(format!("email:{text}"))
                .actor(format!("console:{i}"))
                .reason(text)
                .detail(&serde_json::json!({ "n": i, "text": text }));
            event.user_agent = Some(text.to_owned());
        }
        app.core.audit(event);
    }
    app.core.audit_flush().await;
    let mut found = app.core.audit_search(&AuditFilter { limit: 1000, ..filter() }).await.expect("search");
    found.extend(app.core.audit_search(&AuditFilter { limit: 1000, offset: 1000, ..filter() }).await.expect("p2"));
    assert_eq!(found.len(), 1500);
    found.reverse();
    assert!(found.windows(2).all(|w| w[0].id < w[1].id), "ids follow the events' order");
    for (i, r) in found.iter().enumerate() {
        let i = i as i64;
        let text = odd[i as usize % odd.len()];
        assert_eq!((r.kind.as_str(), r.result.as_str()), ("signin", if i % 2 == 0 { "success" } else { "failure" }));
        assert_eq!(r.at, kordon_core::clock::format_rfc3339(start + i));
        if i % 3 == 0 {
            assert_eq!((r.dialect.as_deref(), r.method.as_deref()), (Some("pbx"), Some("pin")));
            assert_eq!((r.user_id, r.tenant_id, r.client_id), (Some(i), Some(i64::MAX - i), Some(-i)));
            assert_eq!(r.ip.as_deref(), Some("2001:db8::1"));
            assert_eq!(r.subject.as_deref(), Some(format!("email:{text}").as_str()));
            assert_eq!((r.actor.clone(), r.reason.as_deref()), (format!("console:{i}"), Some(text)));
            assert_eq!(r.user_agent.as_deref(), Some(text));
            let detail: serde_json::Value = serde_json::from_str(r.detail.as_deref().expect("detail")).expect("json");
            assert_eq!(detail, serde_json::json!({ "n": i, "text": text }));
        } else {
            assert_eq!((r.dialect.as_deref(), r.method.as_deref(), r.user_id, r.tenant_id), (None, None, None, None));
            assert_eq!((r.client_id, r.ip.as_deref(), r.subject.as_deref()), (None, None, None));
            assert_eq!((r.actor.as_str(), r.reason.as_deref(), r.detail.as_deref()), ("user", None, None));
        }
    }
}
both!(one_batch_keeps_every_value_and_the_order, |c: &mut kordon::config::Config| {
    c.audit.batch = 5000;
    c.audit.queue = 5000;
});

async fn events_past_their_retention_are_purged(app: TestApp) {
    let now = app.clock.now();
    app.core.audit(AuditEvent::new(kind::SIGNIN, SUCCESS).at(now - 91 * 86_400));
    app.core.audit(AuditEvent::new(kind::SIGNIN, FAILURE).at(now - 89 * 86_400));
    app.core.audit_flush().await;
    // (The server's janitor may purge at start as well: what remains is what counts.)
    app.core.purge_audit().await.expect("purge");
    let kept = app.core.audit_search(&filter()).await.expect("search");
    assert_eq!(kept.iter().map(|r| r.result.as_str()).collect::<Vec<_>>(), ["failure"], "the default keeps 90 days");
    app.clock.advance(2 * 86_400);
    app.core.purge_expired().await.expect("the janitor's purge");
    assert!(kinds(&app, filter()).await.is_empty());
}
both!(events_past_their_retention_are_purged);

async fn with_the_audit_off_nothing_is_recorded(app: TestApp) {
    app.core.audit(AuditEvent::new(kind::SIGNIN, SUCCESS));
    app.core.audit_flush().await;
    assert!(kinds(&app, filter()).await.is_empty());
}
both!(with_the_audit_off_nothing_is_recorded, |c: &mut kordon::config::Config| c.audit.enabled = false);
