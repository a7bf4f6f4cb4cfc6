//! The audit log of authentication events: what each event records ([`AuditEvent`]), the names
//! of its types ([`kind`]), how it is searched ([`AuditFilter`]) and the queue that writes events
//! in batches off the request path (`services::audit`). Operators' changes are written by the store in
//! the same transaction as the change; everything else goes through the queue, which never
//! blocks or fails a request (a full queue drops the event and counts it).

pub mod kind;

use crate::types::User;
use serde::Serialize;

/// How an event ended.
pub const SUCCESS: &str = "success";
pub const FAILURE: &str = "failure";

/// One event to record. Build it with [`AuditEvent::new`] and the setters; the core fills the
/// time and the request's dialect when it records it ([`crate::Core::audit`]).
#[derive(Debug, Clone, Default)]
pub struct AuditEvent {
    /// Unix seconds.
    pub at: i64,
    /// One of [`kind`].
    pub kind: &'static str,
    /// [`SUCCESS`] or [`FAILURE`].
    pub result: &'static str,
    /// `cabinet`, `pbx`, `oauth`, `oidc`, `provider`, `biometrics`, `admin`, `console`, `cli`.
    pub dialect: Option<&'static str>,
    /// How the user proved themselves: `password`, `pin`, `api_token`, `refresh_token`, …
    pub method: Option<&'static str>,
    pub user_id: Option<i64>,
    /// The user's account (the tenant: a cabinet contract, a PBX domain).
    pub tenant_id: Option<i64>,
    pub client_id: Option<i64>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// The login named (`email:…`, `phone:…`) or the object acted on (`client:12`, `key:…`).
    pub subject: Option<String>,
    /// Who acted: `user`, `defender`, `cli`, `admin-api:<user id>`, `console:<user id>`, …
    pub actor: String,
    /// A short reason (`wrong_credential`, `blocked`, a cap's name, …).
    pub reason: Option<String>,
    /// More, as a JSON object text; never a secret.
    pub detail: Option<String>,
}

impl AuditEvent {
    pub fn new(kind: &'static str, result: &'static str) -> Self {
        Self { kind, result, actor: "user".into(), ..Self::default() }
    }
    /// The user and their tenant.
    pub fn user(mut self, user: &User) -> Self {
        self.user_id = Some(user.id);
        self.tenant_id = Some(user.account_id);
        self
    }
    pub fn user_id(mut self, user_id: i64, tenant_id: Option<i64>) -> Self {
        self.user_id = Some(user_id);
        self.tenant_id = tenant_id;
        self
    }
    pub fn ip(mut self, ip: Option<&str>) -> Self {
        self.ip = ip.map(str::to_owned);
        self
    }
    pub fn method(mut self, method: &'static str) -> Self {
        self.method = Some(method);
        self
    }
    pub fn dialect(mut self, dialect: &'static str) -> Self {
        self.dialect = Some(dialect);
        self
    }
    pub fn client(mut self, client_id: i64) -> Self {
        self.client_id = Some(client_id);
        self
    }
    pub fn subject(mut self, subject: impl Into<String>) -> Self {
        self.subject = Some(subject.into());
        self
    }
    pub fn actor(mut self, actor: impl Into<String>) -> Self {
        self.actor = actor.into();
        self
    }
    pub fn reason(mut self, reason: impl Into<String>) -> Self {
        self.reason = Some(reason.into());
        self
    }
    pub fn detail(mut self, detail: &serde_json::Value) -> Self {
        self.detail = Some(detail.to_string());
        self
    }
    pub fn at(mut self, at: i64) -> Self {
        self.at = at;
        self
    }
}

/// What to look for in the audit log; every field narrows the search. Newest first.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub user_id: Option<i64>,
    /// Only this tenant's events (an account's administrator sees no other).
    pub tenant_id: Option<i64>,
    pub ip: Option<String>,
    /// A type (`signin`) or a family of types (`token` matches `token.issued`, …).
    pub kind: Option<String>,
    /// Unix seconds, inclusive.
    pub since: Option<i64>,
    /// Unix seconds, exclusive.
    pub until: Option<i64>,
    pub offset: i64,
    pub limit: i64,
}

/// One recorded event, as the CLI, the admin API and the console show it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct AuditRecord {
    pub id: i64,
    /// RFC 3339, UTC.
    pub at: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub result: String,
    pub dialect: Option<String>,
    pub method: Option<String>,
    pub user_id: Option<i64>,
    pub tenant_id: Option<i64>,
    pub client_id: Option<i64>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub subject: Option<String>,
    pub actor: String,
    pub reason: Option<String>,
    pub detail: Option<String>,
}
