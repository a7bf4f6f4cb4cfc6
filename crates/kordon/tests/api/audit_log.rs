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
