//! The Audit page: the audit log with filters (user, host, type, days) and pages of
//! `EVENTS_PER_PAGE`, newest first, read through the admin API's reader (one scope, one page
//! size, one validation); an account administrator reads its own tenant's events. A GET form: it
//! changes nothing, so it carries no CSRF token.

use super::views::{AuditPage, AuditRow, Kind};
use super::{Console, shown_time};
use axum::extract::Query;
use axum::response::Response;
use kordon_core::audit::AuditFilter;
use std::collections::HashMap;

/// `GET /console/audit[?user=&ip=&type=&since=YYYY-MM-DD&until=YYYY-MM-DD&page=N]`. A bad type,
/// host or page is answered with the page of a refused request, naming what is wrong.
pub(super) async fn audit(c: Console, Query(query): Query<HashMap<String, String>>) -> Response {
    let t = c.t();
    let field = |name: &str| query.get(name).map(|v| v.trim().to_owned()).unwrap_or_default();
    let (user, ip, kind, since, until) = (field("user"), field("ip"), field("type"), field("since"), field("until"));
    // What is not a number is no page (0): the reader refuses it as it refuses a page under 1.
    let page = query.get("page").map(|p| p.trim().parse::<i64>().unwrap_or(0)).unwrap_or(1);
    let admin = c.session.operator.admin();
    let user_id = match user.is_empty() {
        true => None,
        false => match c.core().admin_audit_user(admin, &user).await {
            Ok(found) => found,
            Err(err) => return c.failure(err),
        },
    };
    let filter = AuditFilter {
        user_id,
        ip: Some(ip.clone()).filter(|i| !i.is_empty()),
        kind: Some(kind.clone()).filter(|k| !k.is_empty()),
        since: day_start(&since),
        // The last day given counts whole.
        until: day_start(&until).map(|start| start + 86_400),
        ..AuditFilter::default()
    };
    // A user named but not in scope finds nothing (never another tenant's events).
    let found = match user.is_empty() || user_id.is_some() {
        true => c.core().admin_audit(admin, filter, page).await,
        false => Ok((Vec::new(), false)),
    };
    let (records, more) = match found {
        Ok(found) => found,
        Err(err) => return c.failure(err),
    };
    let rows = records
        .into_iter()
        .map(|r| AuditRow {
            at: shown_time(&r.at),
            user: r.user_id.map(|id| id.to_string()).unwrap_or_default(),
            // An event of no host (a CLI command, the background) shows a dash, not a gap.
            host: r.ip.filter(|ip| !ip.is_empty()).unwrap_or_else(|| "—".to_owned()),
            detail: [r.subject, r.reason].into_iter().flatten().collect::<Vec<_>>().join(" · "),
            kind: r.kind,
            result: r.result,
            actor: r.actor,
        })
        .collect();
    let link = |page: i64| {
        let mut out = form_urlencoded::Serializer::new(String::new());
        for (name, value) in [("user", &user), ("ip", &ip), ("type", &kind), ("since", &since), ("until", &until)] {
            if !value.is_empty() {
                out.append_pair(name, value);
            }
        }
        out.append_pair("page", &page.to_string());
        format!("/console/audit?{}", out.finish())
    };
    let kinds = kordon_core::audit::kind::ALL.iter().map(|k| Kind { name: k, selected: *k == kind }).collect();
    let lead = match c.session.operator.platform() {
        true => t.audit_lead_platform,
        false => t.audit_lead_tenant,
    };
    let page = AuditPage {
        l: c.layout(t.nav_audit, "/console/audit"),
        lead,
        newer: (page > 1).then(|| link(page - 1)),
        older: more.then(|| link(page + 1)),
        user,
        ip,
        since,
        until,
        kinds,
        rows,
    };
    c.page(&page)
}

/// The start (00:00 UTC) of a `YYYY-MM-DD` day, Unix seconds; anything else is no bound.
fn day_start(day: &str) -> Option<i64> {
    let mut parts = day.splitn(3, '-').map(|p| p.parse::<i32>().ok());
    let (year, month, dayn) = (parts.next()??, parts.next()??, parts.next()??);
    let month = time::Month::try_from(u8::try_from(month).ok()?).ok()?;
    let date = time::Date::from_calendar_date(year, month, u8::try_from(dayn).ok()?).ok()?;
    Some(date.midnight().assume_utc().unix_timestamp())
}

#[cfg(test)]
mod tests {
    use super::day_start;

    #[test]
    fn days_are_read_as_utc_midnights() {
        assert_eq!(day_start("1970-01-02"), Some(86_400));
        assert_eq!(day_start("2026-02-30"), None);
        assert_eq!(day_start(""), None);
        assert_eq!(day_start("yesterday"), None);
    }
}
