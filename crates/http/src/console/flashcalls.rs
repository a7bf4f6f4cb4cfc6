//! The FlashCall traffic page: calls placed, verified, refused and failed over 24 hours or 7
//! days, by country, number prefix and tenant, with their conversion; a row the core flags (low
//! conversion over enough calls, the shape of toll fraud) carries a badge and a row style, and
//! the threshold is named on the page. An account administrator sees its own tenant's calls.

use super::Console;
use super::views::{FlashcallTable, FlashcallsPage, TrafficRow, Window};
use axum::extract::Query;
use axum::response::Response;
use kordon_core::services::{FlashcallRow, NO_TENANT};
use std::collections::HashMap;

/// The windows offered: (query value, seconds).
const WINDOWS: [(&str, i64); 2] = [("24h", 86_400), ("7d", 7 * 86_400)];

fn row(r: FlashcallRow) -> TrafficRow {
    TrafficRow {
        key: r.key,
        placed: r.placed,
        verified: r.verified,
        refused: r.refused,
        failed: r.failed,
        conversion: r.conversion.map(|c| format!("{:.0} %", c * 100.0)).unwrap_or_else(|| "—".to_owned()),
        flagged: r.flagged,
    }
}

/// `GET /console/flashcalls[?window=24h|7d]`.
pub(super) async fn flashcalls(c: Console, Query(query): Query<HashMap<String, String>>) -> Response {
    let t = c.t();
    let asked = query.get("window").map(String::as_str).unwrap_or("24h");
    let (name, seconds) = WINDOWS.into_iter().find(|(n, _)| *n == asked).unwrap_or(WINDOWS[0]);
    let stats = match c.core().admin_flashcall_stats(c.session.operator.admin(), seconds).await {
        Ok(stats) => stats,
        Err(err) => return c.failure(err),
    };
    let threshold = t
        .flashcall_threshold
        .replace("{min}", &stats.alert_min_calls.to_string())
        .replace("{conversion}", &format!("{:.0} %", stats.alert_conversion * 100.0));
    let windows = WINDOWS
        .into_iter()
        .map(|(n, _)| Window {
            href: format!("/console/flashcalls?window={n}"),
            label: if n == "24h" { t.window_day } else { t.window_week },
            current: n == name,
        })
        .collect();
    let table = |title: &'static str, key: &'static str, rows: Vec<FlashcallRow>| FlashcallTable {
        title,
        key,
        rows: rows.into_iter().map(row).collect(),
    };
    let page = FlashcallsPage {
        l: c.layout(t.nav_flashcalls, "/console/flashcalls"),
        threshold,
        period: format!("{} — {}", super::shown_time(&stats.since), super::shown_time(&stats.until)),
        windows,
        tables: vec![
            table(t.by_country, t.col_country, stats.by_country),
            table(t.by_prefix, t.col_prefix, stats.by_prefix),
            // Calls of no tenant are named in words, not by the API's `none`.
            table(
                t.by_tenant,
                t.col_tenant,
                stats
                    .by_tenant
                    .into_iter()
                    .map(|r| match r.key == NO_TENANT {
                        true => FlashcallRow { key: t.no_tenant.to_owned(), ..r },
                        false => r,
                    })
                    .collect(),
            ),
        ],
    };
    c.page(&page)
}
