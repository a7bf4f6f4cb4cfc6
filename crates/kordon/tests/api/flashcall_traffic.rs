//! FlashCall traffic from the audit log: every call placed, verified or refused is recorded with
//! its number's prefix (never the whole number) and, where the phone has an owner, their tenant;
//! the stats count them by country, number prefix and tenant, and flag a prefix whose calls are
//! placed and not verified (toll fraud's mark), in the stats and in the metrics. The alert rules
//! shipped in deploy/ pass promtool's own tests. On SQLite and PostgreSQL.

use crate::helpers::{PASSWORD, TestApp};
use kordon_core::audit::AuditFilter;
use kordon_core::services::FlashcallRow;
use serde_json::json;

/// Caps out of the way: these tests place many calls from one host.
fn open_caps(c: &mut kordon::config::Config) {
    c.flashcall.per_ip_hourly = 1000;
    c.flashcall.global_hourly = 1000;
}

fn row<'a>(rows: &'a [FlashcallRow], key: &str) -> &'a FlashcallRow {
    rows.iter().find(|r| r.key == key).unwrap_or_else(|| panic!("no row {key}: {rows:#?}"))
}

/// Registers `email` with `phone` using the PIN of a call already placed (`token`).
async fn register_with(app: &TestApp, email: &str, phone: &str, token: &str) {
    let pin = app.pin_of(token);
    let body = json!({ "email": email, "phone": phone, "password": PASSWORD,
                       "password_confirmation": PASSWORD, "pin": pin });
    let (status, answer) = app.post("/api/v1/register", body).await;
    assert_eq!(status, 200, "{answer}");
}

async fn calls_are_counted_by_country_prefix_and_tenant(app: TestApp) {
    // 20 calls into one range, 2 of them verified by registering; 5 into another, all verified.
    let mut tokens = Vec::new();
    for i in 1..=20 {
        let (status, body) = app.post("/api/v1/flashcall", json!({ "phone": format!("7999000{i:04}") })).await;
        assert_eq!(status, 200, "{body}");
        tokens.push(body["token"].as_str().expect("token").to_owned());
    }
    for (i, token) in tokens.iter().take(2).enumerate() {
        register_with(&app, &format!("range{i}@example.com"), &format!("7999000{:04}", i + 1), token).await;
    }
    for i in 1..=5 {
        let phone = format!("7888111{i:04}");
        let (_, body) = app.post("/api/v1/flashcall", json!({ "phone": phone })).await;
        register_with(&app, &format!("other{i}@example.com"), &phone, body["token"].as_str().expect("token")).await;
    }
    // A login PIN to a registered phone belongs to its owner's tenant.
    app.clock.advance(61);
    let (status, _) = app.post("/api/v1/flashcall", json!({ "phone": "78881110001" })).await;
    assert_eq!(status, 200);
    // Refused: a premium-rate range (+7 809…) and a country not allowed (+44).
    assert_eq!(app.post("/api/v1/flashcall", json!({ "phone": "78091234567" })).await.0, 400);
    assert_eq!(app.post("/api/v1/flashcall", json!({ "phone": "447911123456" })).await.0, 400);
    app.core.audit_flush().await;

    let stats = app.core.flashcall_stats(86_400, None).await.expect("stats");
    assert_eq!((stats.window, stats.alert_conversion, stats.alert_min_calls), (86_400, 0.2, 20));
    let range = row(&stats.by_prefix, "7999000");
    assert_eq!((range.placed, range.verified, range.refused, range.conversion), (20, 2, 0, Some(0.1)));
    assert!(range.flagged, "20 calls, 10 % verified: {range:?}");
    assert_eq!(stats.by_prefix[0].key, "7999000", "flagged prefixes come first");
    let other = row(&stats.by_prefix, "7888111");
    assert_eq!((other.placed, other.verified, other.flagged), (6, 5, false));
    let russia = row(&stats.by_country, "7");
    assert_eq!((russia.placed, russia.verified, russia.refused), (26, 7, 1), "+7 809 is refused as +7");
    assert!(!russia.flagged, "7 of 26 is above 20 %");
    assert_eq!(row(&stats.by_country, "other").refused, 1, "+44 is no allowed country");
    // Registrations belong to no tenant until the account exists; the login PIN to its owner's.
    let owner = app.core.store.user_by_phone("78881110001").await.expect("store").expect("user");
    let tenant = row(&stats.by_tenant, &owner.account_id.to_string());
    assert_eq!((tenant.placed, tenant.verified), (1, 0));
    assert_eq!(row(&stats.by_tenant, "none").placed, 25);
    let only = app.core.flashcall_stats(86_400, Some(owner.account_id)).await.expect("one tenant");
    assert_eq!(row(&only.by_country, "7").placed, 1, "a tenant's stats count its calls only");
    assert!(only.by_tenant.iter().all(|r| r.key == owner.account_id.to_string()));

    // The log names the range, never the number.
    let events = app
        .core
        .audit_search(&AuditFilter { kind: Some("flashcall".into()), limit: 1000, ..AuditFilter::default() })
        .await
        .expect("events");
    assert_eq!(events.len(), 20 + 5 + 1 + 7 + 2);
    assert!(events.iter().all(|e| e.subject.as_deref().is_some_and(|s| s.starts_with("prefix:") && s.len() <= 14)));
    assert!(!format!("{events:?}").contains("79990000001"), "no whole number in the log");
    let refused: Vec<_> = events.iter().filter(|e| e.kind == "flashcall.refused").collect();
    let mut reasons: Vec<_> = refused.iter().filter_map(|e| e.reason.as_deref()).collect();
    reasons.sort_unstable();
    assert_eq!(reasons, ["country", "denied_prefix"]);
    assert!(refused.iter().all(|e| e.result == "failure" && e.ip.as_deref() == Some("127.0.0.1")));
    let placed = events.iter().find(|e| e.kind == "flashcall.placed").expect("placed");
    assert_eq!((placed.dialect.as_deref(), placed.result.as_str()), (Some("cabinet"), "success"));

    // A day later the window is empty again.
    app.clock.advance(86_401);
    let later = app.core.flashcall_stats(86_400, None).await.expect("stats");
    assert!(later.by_prefix.is_empty() && row(&later.by_country, "7").placed == 0);
}
both!(calls_are_counted_by_country_prefix_and_tenant, super::open_caps);

async fn a_cap_refusal_is_recorded_with_the_caps_name(app: TestApp) {
    for i in 1..=3 {
        app.post("/api/v1/flashcall", json!({ "phone": format!("7999000{i:04}") })).await;
    }
    assert_eq!(app.post("/api/v1/flashcall", json!({ "phone": "79990000004" })).await.0, 429);
    app.core.audit_flush().await;
    let stats = app.core.flashcall_stats(3600, None).await.expect("stats");
    assert_eq!((row(&stats.by_prefix, "7999000").placed, row(&stats.by_prefix, "7999000").refused), (3, 1));
    let filter = AuditFilter { kind: Some("flashcall.refused".into()), limit: 10, ..AuditFilter::default() };
    let refused = app.core.audit_search(&filter).await.expect("events");
    assert_eq!(refused.iter().map(|e| e.reason.as_deref()).collect::<Vec<_>>(), [Some("ip-hour")]);
}
both!(a_cap_refusal_is_recorded_with_the_caps_name, |c: &mut kordon::config::Config| c.flashcall.per_ip_hourly = 3);

/// The rules in deploy/prometheus fire on kordon's series and stay quiet otherwise
/// (`promtool test rules`, with the rules' own test file).
#[test]
fn the_alert_rules_pass_promtool() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../deploy/prometheus");
    for args in [&["check", "rules", "kordon-alerts.yml"][..], &["test", "rules", "kordon-alerts.test.yml"][..]] {
        let out = std::process::Command::new("promtool")
            .args(args)
            .current_dir(dir)
            .output()
            .expect("promtool (apt-get install prometheus)");
        assert!(
            out.status.success(),
            "promtool {args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
