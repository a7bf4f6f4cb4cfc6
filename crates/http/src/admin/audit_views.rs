//! What the admin API answers from the audit log: events, and FlashCall traffic.

use kordon_core::audit::AuditRecord;
use kordon_core::services::{FlashcallRow, FlashcallStats};
use serde::Serialize;
use utoipa::ToSchema;

/// One event of the audit log.
#[derive(Serialize, ToSchema)]
#[schema(as = AdminAuditEvent, example = json!({
    "id": 4120, "at": "2026-12-06T09:12:44Z", "type": "signin", "result": "failure", "dialect": "pbx",
    "method": "password", "user_id": 82, "tenant_id": 34, "client_id": null, "ip": "203.0.113.7",
    "user_agent": "curl/8.5.0", "subject": "email:user@mail.ru", "actor": "user",
    "reason": "wrong_credential", "detail": null}))]
pub(crate) struct AuditEventView {
    pub id: i64,
    /// When, RFC 3339 (UTC).
    pub at: String,
    /// `signin`, `token.issued`, `defender.block`, `flashcall.placed`, `user.disable`, …
    #[serde(rename = "type")]
    #[schema(rename = "type")]
    pub kind: String,
    /// `success` or `failure`.
    pub result: String,
    /// The dialect it came through (`cabinet`, `pbx`, `oauth`, `oidc`, `provider`, `biometrics`,
    /// `admin`, `console`, `cli`).
    #[schema(required = true)]
    pub dialect: Option<String>,
    /// How the user proved themselves (`password`, `pin`, `api_token`, …).
    #[schema(required = true)]
    pub method: Option<String>,
    #[schema(required = true)]
    pub user_id: Option<i64>,
    /// The user's account.
    #[schema(required = true)]
    pub tenant_id: Option<i64>,
    #[schema(required = true)]
    pub client_id: Option<i64>,
    #[schema(required = true)]
    pub ip: Option<String>,
    #[schema(required = true)]
    pub user_agent: Option<String>,
    /// The login named (`email:…`, `phone:…`), or the object acted on (`client:12`, `prefix:7999333`).
    #[schema(required = true)]
    pub subject: Option<String>,
    /// Who acted: `user`, `defender`, `cli`, `admin-api:<user id>`, `console:<user id>`.
    pub actor: String,
    /// Why, in a word (`wrong_credential`, `blocked`, a cap's name).
    #[schema(required = true)]
    pub reason: Option<String>,
    /// More, as a JSON object in a string; never a secret.
    #[schema(required = true)]
    pub detail: Option<String>,
}

impl From<AuditRecord> for AuditEventView {
    fn from(r: AuditRecord) -> Self {
        Self {
            id: r.id,
            at: r.at,
            kind: r.kind,
            result: r.result,
            dialect: r.dialect,
            method: r.method,
            user_id: r.user_id,
            tenant_id: r.tenant_id,
            client_id: r.client_id,
            ip: r.ip,
            user_agent: r.user_agent,
            subject: r.subject,
            actor: r.actor,
            reason: r.reason,
            detail: r.detail,
        }
    }
}

/// One page of events, newest first.
#[derive(Serialize, ToSchema)]
#[schema(as = AdminAuditList)]
pub(crate) struct AuditList {
    pub data: Vec<AuditEventView>,
    pub page: i64,
    /// Whether a next page holds more.
    pub more: bool,
}

/// FlashCalls of one country, number prefix or tenant over the window.
#[derive(Serialize, ToSchema)]
#[schema(as = AdminFlashcallRow)]
pub(crate) struct FlashcallRowView {
    /// The country's digits (`other` outside every allowed country), the number prefix, or the
    /// tenant's account id (`none`: calls of no tenant, such as registrations).
    pub key: String,
    /// Calls placed.
    pub placed: i64,
    /// PINs entered right.
    pub verified: i64,
    /// Calls refused (a cap, a denied range, the country list, the Defender).
    pub refused: i64,
    /// Calls the telephony provider could not place.
    pub failed: i64,
    /// verified ÷ placed; null without a placed call.
    #[schema(required = true)]
    pub conversion: Option<f64>,
    /// At least `alert_min_calls` placed and a conversion under `alert_conversion`.
    pub flagged: bool,
}

impl From<FlashcallRow> for FlashcallRowView {
    fn from(r: FlashcallRow) -> Self {
        Self {
            key: r.key,
            placed: r.placed,
            verified: r.verified,
            refused: r.refused,
            failed: r.failed,
            conversion: r.conversion,
            flagged: r.flagged,
        }
    }
}

/// FlashCall traffic over a window ending now.
#[derive(Serialize, ToSchema)]
#[schema(as = AdminFlashcallStats)]
pub(crate) struct FlashcallStatsView {
    /// The window, seconds.
    pub window: i64,
    pub since: String,
    pub until: String,
    /// `flashcall.alert_conversion`.
    pub alert_conversion: f64,
    /// `flashcall.alert_min_calls`.
    pub alert_min_calls: i64,
    /// Every allowed country, with calls or not.
    pub by_country: Vec<FlashcallRowView>,
    /// The busiest number prefixes (flagged ones first), at most 50.
    pub by_prefix: Vec<FlashcallRowView>,
    pub by_tenant: Vec<FlashcallRowView>,
}

impl From<FlashcallStats> for FlashcallStatsView {
    fn from(s: FlashcallStats) -> Self {
        let rows = |rows: Vec<FlashcallRow>| rows.into_iter().map(FlashcallRowView::from).collect();
        Self {
            window: s.window,
            since: s.since,
            until: s.until,
            alert_conversion: s.alert_conversion,
            alert_min_calls: s.alert_min_calls,
            by_country: rows(s.by_country),
            by_prefix: rows(s.by_prefix),
            by_tenant: rows(s.by_tenant),
        }
    }
}
