//! A full audit queue never holds up or fails a sign-in: the events that do not fit are dropped
//! and counted (`kordon_audit_events_dropped_total{reason="queue_full"}`), the backlog shows in
//! `kordon_audit_queue_depth`, and what was queued is written once the writer can go on. Metrics
//! are the process's, so each half runs in a process of its own.
//!
//! On PostgreSQL the writer is stalled for real: the test holds `LOCK TABLE audit_log IN ACCESS
//! EXCLUSIVE MODE` in an open transaction, so the writer's insert waits while sign-ins (which
//! never touch that table) go on. SQLite has one write lock for the whole file: anything that
//! stalls the audit writer there stalls every sign-in's write as well (that is the point of
//! queueing events rather than writing them inline), so the SQLite half fills the queue instead
//! with a burst that no writer can keep up with (ten thousand events queued by one loop that
//! never yields, against a queue of two written one at a time), then signs in.

use crate::helpers::{PASSWORD, TestApp, login_body};
use kordon_core::audit::{AuditEvent, SUCCESS, kind};
use sqlx::Connection as _;

/// A queue of two, written one event at a time.
fn tiny(config: &mut kordon::config::Config) {
    config.audit.queue = 2;
    config.audit.batch = 1;
}

async fn metric(app: &TestApp, series: &str) -> f64 {
    let base = app.metrics_base.clone().expect("/metrics on a listener of its own");
    let text = app.http.get(format!("{base}/metrics")).send().await.expect("scrape").text().await.expect("body");
    text.lines()
        .find(|l| l.starts_with(series) && l[series.len()..].starts_with(' '))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0)
}

const DROPPED: &str = r#"kordon_audit_events_dropped_total{reason="queue_full"}"#;

/// The events written, once everything queued is.
async fn logged(app: &TestApp) -> i64 {
    app.core.audit_flush().await;
    app.scalar("SELECT COUNT(*) FROM audit_log").await
}

async fn a_full_queue_drops_and_counts_and_sign_ins_go_on(app: TestApp) {
    app.register("kim@mail.ru", "79990000006").await;
    let before = logged(&app).await;
    assert_eq!(metric(&app, DROPPED).await, 0.0);
    match app.backend {
        crate::helpers::Backend::Postgres => {
            let mut db = sqlx::PgConnection::connect(&app.config.server.database_url).await.expect("postgres");
            let mut lock = db.begin().await.expect("begin");
            sqlx::query("LOCK TABLE audit_log IN ACCESS EXCLUSIVE MODE").execute(&mut *lock).await.expect("lock");
            // Three sign-ins, two events each (the sign-in and its token): one is in the
            // writer's stalled insert, two wait in the queue, the rest (three) are dropped.
            for _ in 0..3 {
                let (s, b) = app.post("/api/v1/login", login_body("kim@mail.ru", PASSWORD)).await;
                assert_eq!(s, 200, "a sign-in goes on while the audit log is locked: {b}");
            }
            let dropped = metric(&app, DROPPED).await as i64;
            assert!(dropped >= 3, "at most three events fit: {dropped} dropped");
            assert_eq!(metric(&app, "kordon_audit_queue_depth").await, 2.0);
            lock.rollback().await.expect("unlock");
            assert_eq!(logged(&app).await - before + dropped, 6, "what was queued is written once the lock is gone");
        }
        crate::helpers::Backend::Sqlite => {
            for _ in 0..10_000 {
                app.core.audit(AuditEvent::new(kind::SIGNIN, SUCCESS).reason("burst"));
            }
            let (s, b) = app.post("/api/v1/login", login_body("kim@mail.ru", PASSWORD)).await;
            assert_eq!(s, 200, "{b}");
            let dropped = metric(&app, DROPPED).await as i64;
            assert!(dropped > 0, "a burst past the queue drops events");
            assert_eq!(logged(&app).await - before + dropped, 10_002, "each event is written or counted");
        }
    }
}
both_in_own_process!(a_full_queue_drops_and_counts_and_sign_ins_go_on, super::tiny);
