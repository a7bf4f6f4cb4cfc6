//! `audit` and `flashcalls/stats`: the audit log and FlashCall traffic, within the caller's
//! scope (an account's `lk_admin` reads its own tenant's alone).

use super::PREFIX;
use super::audit_views::{AuditEventView, AuditList, FlashcallStatsView};
use super::bodies::{AuditQuery, StatsQuery};
use super::error::AdminError;
use super::extract::{Caller, QueryOf};
use super::responses::{Always, WithInput};
use crate::AppState;
use crate::openapi_names::tag;
use axum::Json;
use axum::extract::State;
use kordon_core::audit::AuditFilter;
use kordon_core::clock::parse_rfc3339;

/// The audit log
///
/// Authentication events and administrators' actions, newest first, 100 a page: sign-ins of
/// every dialect and method, tokens issued, refreshed, revoked and reused, the Defender's blocks,
/// unblocks and caps, FlashCalls, password resets and changes, and what operators did. Every
/// filter narrows the list; `type` names a type or a family (`token`). An account's `lk_admin`
/// sees its own tenant's events only.
#[utoipa::path(get, path = "/audit", context_path = PREFIX, tag = tag::ADMIN,
    operation_id = "adminAudit", params(AuditQuery),
    responses((status = 200, description = "One page of events.", body = AuditList), Always, WithInput))]
pub(super) async fn list(
    State(state): State<AppState>,
    Caller(admin): Caller,
    QueryOf(query): QueryOf<AuditQuery>,
) -> Result<Json<AuditList>, AdminError> {
    let time = |text: Option<&str>, what: &'static str| match text {
        None => Ok(None),
        Some(text) => parse_rfc3339(text).map(Some).ok_or(AdminError::bad_request(what)),
    };
    if query.ip.as_ref().is_some_and(|ip| ip.len() > 64) {
        return Err(AdminError::bad_request("The ip is longer than a host can be."));
    }
    let filter = AuditFilter {
        user_id: query.user_id,
        ip: query.ip.filter(|ip| !ip.is_empty()),
        kind: query.kind.filter(|kind| !kind.is_empty()),
        since: time(query.since.as_deref(), "The since time must be an RFC 3339 time.")?,
        until: time(query.until.as_deref(), "The until time must be an RFC 3339 time.")?,
        ..AuditFilter::default()
    };
    let page = query.page.unwrap_or(1);
    let (events, more) = state.core.admin_audit(&admin, filter, page).await?;
    Ok(Json(AuditList { data: events.into_iter().map(AuditEventView::from).collect(), page, more }))
}

/// FlashCall traffic
///
/// Calls placed, verified (the PIN entered right), refused and failed over a window ending now,
/// by allowed country, by number prefix (the busiest 50, flagged first) and by tenant, each with
/// its conversion (verified ÷ placed). A row with at least `flashcall.alert_min_calls` calls
/// placed and a conversion under `flashcall.alert_conversion` is flagged: calls that nobody
/// answers with their PIN are what toll fraud looks like. An account's `lk_admin` sees its own
/// tenant's calls only.
#[utoipa::path(get, path = "/flashcalls/stats", context_path = PREFIX, tag = tag::ADMIN,
    operation_id = "adminFlashcallStats", params(StatsQuery),
    responses((status = 200, description = "The traffic.", body = FlashcallStatsView), Always, WithInput))]
pub(super) async fn flashcall_stats(
    State(state): State<AppState>,
    Caller(admin): Caller,
    QueryOf(query): QueryOf<StatsQuery>,
) -> Result<Json<FlashcallStatsView>, AdminError> {
    let window = match query.window.as_deref() {
        None => 86_400,
        Some(text) => window(text)
            .ok_or(AdminError::bad_request("The window must be hours or days, as 24h or 7d, from 1h to 31d."))?,
    };
    Ok(Json(state.core.admin_flashcall_stats(&admin, window).await?.into()))
}

/// `24h`, `7d`: seconds, from one hour to 31 days.
fn window(text: &str) -> Option<i64> {
    let (digits, unit) = match (text.strip_suffix('h'), text.strip_suffix('d')) {
        (Some(digits), _) => (digits, 3600),
        (_, Some(digits)) => (digits, 86_400),
        _ => return None,
    };
    if digits.is_empty() || digits.len() > 3 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let seconds = digits.parse::<i64>().ok()? * unit;
    (3600..=31 * 86_400).contains(&seconds).then_some(seconds)
}

#[cfg(test)]
mod tests {
    #[test]
    fn windows_are_hours_or_days_within_a_month() {
        assert_eq!(super::window("24h"), Some(86_400));
        assert_eq!(super::window("7d"), Some(7 * 86_400));
        assert_eq!(super::window("1h"), Some(3600));
        for bad in ["", "h", "0h", "32d", "1000h", "24", "1.5h", "-1d", "24H", "२४h", "24hh", "h२", "२"] {
            assert_eq!(super::window(bad), None, "{bad}");
        }
    }
}
