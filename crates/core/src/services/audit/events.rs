//! The authentication events the services record: a sign-in's outcome (with the reason of a
//! failure and, where it can be told, whose login it was), a login reaching its daily cap, and
//! the family a reused refresh token ended.

use crate::audit::{AuditEvent, FAILURE, SUCCESS, kind};
use crate::error::{Error, Result};
use crate::services::{Core, Origin};
use crate::types::User;

/// The short reason a failed check is recorded with.
pub(crate) fn reason(err: &Error) -> &'static str {
    match err {
        Error::Credential { .. } => "wrong_credential",
        Error::Blocked { .. } => "blocked",
        Error::RateLimited { .. } => "capped",
        Error::Busy => "busy",
        Error::Validation { .. } => "invalid",
        Error::Unauthenticated | Error::NotFound => "unknown",
        _ => "error",
    }
}

/// Where a sign-in came through, for its event: the client it is for, and the dialect when it is
/// not the request's own (the login page is served under `/oauth`, but it is the `oidc` sign-in).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Via {
    pub client: Option<i64>,
    pub dialect: Option<&'static str>,
}

impl Via {
    /// The login page of the authorization endpoint.
    pub const LOGIN_PAGE: Via = Via { client: None, dialect: Some("oidc") };

    pub fn client(id: i64) -> Self {
        Via { client: Some(id), dialect: None }
    }
}

/// A sign-in's method from the Defender's login key: `phone:…` is a PIN, `email:…` a password.
/// A person's second-factor login key's prefix (`services::mfa::MFA_KEY`, spelt here so the
/// audit's module does not depend on the second factors').
const MFA_LOGIN: &str = "mfa:";

pub(crate) fn method_of(login: &str) -> &'static str {
    if login.starts_with("phone:") {
        "pin"
    } else if login.starts_with(MFA_LOGIN) {
        "otp"
    } else {
        "password"
    }
}

impl Core {
    /// Records a sign-in by `login` (`email:…`/`phone:…`) through `via`. A failure names the
    /// login's user when `known` (the check found them) or when a lookup does (a disabled user's
    /// failure says so); the lookup runs on failures only, never on the way in.
    pub(crate) async fn audit_signin(
        &self,
        result: &Result<User>,
        login: &str,
        known: Option<(i64, i64)>,
        via: Via,
        origin: &Origin,
    ) {
        self.audit_signin_by(method_of(login), result, login, known, via, origin).await;
    }

    /// As [`Core::audit_signin`], with the method named (an app password is checked under the
    /// `email:` login it stands in for).
    pub(crate) async fn audit_signin_by(
        &self,
        method: &'static str,
        result: &Result<User>,
        login: &str,
        known: Option<(i64, i64)>,
        via: Via,
        origin: &Origin,
    ) {
        if !self.audit.enabled() {
            return;
        }
        let mut event = match result {
            Ok(user) => AuditEvent::new(kind::SIGNIN, SUCCESS).user(user),
            Err(err) => {
                let mut reason = reason(err);
                let mut event = AuditEvent::new(kind::SIGNIN, FAILURE).subject(login);
                let owner = match known {
                    Some(owner) => Some(owner),
                    None if matches!(reason, "wrong_credential" | "capped") => {
                        let (owner, disabled) = self.login_owner(login).await;
                        if disabled {
                            reason = "disabled";
                        }
                        owner
                    }
                    None => None,
                };
                if let Some((user_id, tenant_id)) = owner {
                    event = event.user_id(user_id, Some(tenant_id));
                }
                event.reason(reason)
            }
        };
        event = event.method(method).origin(origin);
        if let Some(client) = via.client.filter(|c| *c > 0) {
            event = event.client(client);
        }
        event.dialect = via.dialect;
        self.audit(event);
    }

    /// The user (id, tenant) a login key names, whatever their state, and whether they are
    /// disabled; nothing when none (or the store failed: an event never fails a request).
    pub(crate) async fn login_owner(&self, login: &str) -> (Option<(i64, i64)>, bool) {
        if let Some(email) = login.strip_prefix("email:") {
            if let Ok(Some((user, disabled))) = self.store.user_any_state(email).await {
                return (Some((user.id, user.account_id)), disabled);
            }
        } else if let Some(phone) = login.strip_prefix("phone:")
            && let Ok(Some(user)) = self.store.user_by_phone(phone).await
        {
            return (Some((user.id, user.account_id)), false);
        } else if let Some(id) = login.strip_prefix(MFA_LOGIN).and_then(|id| id.parse().ok())
            && let Ok(Some(user)) = self.store.user(id).await
        {
            return (Some((user.id, user.account_id)), false);
        }
        (None, false)
    }

    /// Records that `login` took its last allowed failure of the day (`cap` names the setting).
    pub(crate) async fn audit_cap(&self, login: &str, cap: &'static str, origin_ip: Option<&str>) {
        if !self.audit.enabled() {
            return;
        }
        let mut event =
            AuditEvent::new(kind::DEFENDER_CAP, FAILURE).subject(login).reason(cap).ip(origin_ip).actor("defender");
        event = event.method(method_of(login));
        if let (Some((user_id, tenant_id)), _) = self.login_owner(login).await {
            event = event.user_id(user_id, Some(tenant_id));
        }
        self.audit(event);
    }

    /// Records a refresh token presented again after its rotation: the family it ended.
    pub(crate) async fn audit_reuse(&self, user_id: i64, family_id: &str, client_id: i64, origin: &Origin) {
        if !self.audit.enabled() {
            return;
        }
        let tenant = self.user_by_id(user_id).await.ok().flatten().map(|u| u.account_id);
        let event = AuditEvent::new(kind::TOKEN_REUSE, FAILURE)
            .user_id(user_id, tenant)
            .client(client_id)
            .method("refresh_token")
            .origin(origin)
            .reason("refresh_reuse")
            .detail(&serde_json::json!({ "family": family_id }));
        self.audit(event);
    }

    /// Records a token handed out (`token_kind`: `cabinet`, `pbx`, `oauth`, …, in `method`).
    pub(crate) fn audit_token(
        &self,
        event_kind: &'static str,
        token_kind: &'static str,
        user: &User,
        client: Option<i64>,
        origin: Option<&Origin>,
    ) {
        if !self.audit.enabled() {
            return;
        }
        let mut event = AuditEvent::new(event_kind, SUCCESS).user(user).method(token_kind);
        if let Some(client) = client.filter(|c| *c > 0) {
            event = event.client(client);
        }
        if let Some(origin) = origin {
            event = event.origin(origin);
        }
        self.audit(event);
    }
}

impl Core {
    /// Records a refresh token spent for a new pair (the user and tenant from the cache).
    pub(crate) async fn audit_refreshed(&self, user_id: i64, token_kind: &'static str, client: i64, origin: &Origin) {
        if !self.audit.enabled() {
            return;
        }
        let tenant = self.user_by_id(user_id).await.ok().flatten().map(|u| u.account_id);
        let mut event =
            AuditEvent::new(kind::TOKEN_REFRESHED, SUCCESS).user_id(user_id, tenant).method(token_kind).origin(origin);
        if client > 0 {
            event = event.client(client);
        }
        self.audit(event);
    }
}

impl Core {
    /// Records a token revoked by its client (RFC 7009): whose it was, when known.
    pub(crate) async fn audit_revoked(
        &self,
        user_id: Option<i64>,
        token_kind: &'static str,
        client: i64,
        origin: &Origin,
    ) {
        if !self.audit.enabled() {
            return;
        }
        let mut event = AuditEvent::new(kind::TOKEN_REVOKED, SUCCESS).method(token_kind).client(client).origin(origin);
        if let Some(user_id) = user_id {
            let tenant = self.user_by_id(user_id).await.ok().flatten().map(|u| u.account_id);
            event = event.user_id(user_id, tenant);
        }
        self.audit(event);
    }
}
