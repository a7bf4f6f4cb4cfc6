//! What the admin API answers. Times are RFC 3339 (UTC).

use kordon_core::clock::format_rfc3339;
use kordon_core::services::{AdminBlock, AdminSession, AdminUser, CappedLogin, SessionKind};
use kordon_core::types::Role;
use kordon_core::types::admin::ClientRecord;
use serde::Serialize;
use utoipa::ToSchema;

/// A user's role.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = AdminRole)]
pub(crate) enum RoleView {
    /// The platform's operator.
    Operator,
    /// The account's administrator.
    LkAdmin,
    LkUser,
}

/// A user as an administrator sees them.
#[derive(Serialize, ToSchema)]
#[schema(as = AdminUser, example = json!({
    "id": 82, "account_id": 34, "domain": "office.example", "email": "user@mail.ru", "phone": "79993332210",
    "first_name": null, "last_name": null, "middle_name": null, "role": "lk_admin", "pbx_role_id": 2,
    "disabled": false, "disabled_at": null, "created_at": "2026-12-01T10:00:00Z"}))]
pub(crate) struct UserView {
    pub id: i64,
    pub account_id: i64,
    /// The PBX domain of the account; null while it has none.
    #[schema(required = true)]
    pub domain: Option<String>,
    pub email: String,
    #[schema(required = true)]
    pub phone: Option<String>,
    #[schema(required = true)]
    pub first_name: Option<String>,
    #[schema(required = true)]
    pub last_name: Option<String>,
    #[schema(required = true)]
    pub middle_name: Option<String>,
    #[schema(inline)]
    pub role: RoleView,
    /// The PBX role (2 administrator, 3 operator, 4 user).
    pub pbx_role_id: i64,
    /// Their SIP user (extension) in the PBX domain; null while they have none.
    #[schema(required = true)]
    pub sip_user: Option<String>,
    pub disabled: bool,
    #[schema(required = true)]
    pub disabled_at: Option<String>,
    pub created_at: String,
}

impl From<AdminUser> for UserView {
    fn from(u: AdminUser) -> Self {
        let user = u.user;
        Self {
            id: user.id,
            account_id: user.account_id,
            domain: u.domain,
            email: user.email,
            phone: user.phone,
            first_name: user.first_name,
            last_name: user.last_name,
            middle_name: user.middle_name,
            role: match user.role {
                Role::Operator => RoleView::Operator,
                Role::LkAdmin => RoleView::LkAdmin,
                Role::LkUser => RoleView::LkUser,
            },
            pbx_role_id: user.role_id,
            sip_user: user.sip_user,
            disabled: u.disabled_at.is_some(),
            disabled_at: u.disabled_at.map(format_rfc3339),
            created_at: format_rfc3339(u.created_at),
        }
    }
}

/// Users found.
#[derive(Serialize, ToSchema)]
#[schema(as = AdminUserList)]
pub(crate) struct UserList {
    pub data: Vec<UserView>,
}

/// What a session is.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = AdminSessionKind)]
pub(crate) enum KindView {
    /// A cabinet login with its refreshes (id `cabinet-…`).
    Cabinet,
    /// A PBX session (`pbx-…`).
    Pbx,
    /// An OAuth token family, password or code grant, with its refreshes (`oauth-…`).
    Oauth,
    /// A browser's sign-in at kordon's login page (`browser-…`).
    Browser,
    /// What the user allowed an application (`consent-<user>-<client>`).
    Consent,
    /// A personal API token (`token-<id>`).
    ApiToken,
}

/// One live session of a user.
#[derive(Serialize, ToSchema)]
#[schema(as = AdminSession, example = json!({
    "id": "cabinet-Xk2v9QpL0aZr4TyU8bNc3MdE7fGh1JsW", "kind": "cabinet", "client_id": 10553,
    "started_at": "2026-12-01T10:00:00Z", "last_active_at": "2026-12-01T11:00:00Z",
    "expires_at": "2026-12-02T11:00:00Z", "ip": "203.0.113.7", "user_agent": "Mozilla/5.0",
    "scope": null, "method": null}))]
pub(crate) struct SessionView {
    /// Stable while it lives (refreshes keep it): `DELETE /api/admin/v1/sessions/{id}` ends it.
    pub id: String,
    #[schema(inline)]
    pub kind: KindView,
    /// The application (null for a browser sign-in and an API token; 0 for a PBX session).
    #[schema(required = true)]
    pub client_id: Option<i64>,
    /// The login, sign-in, consent or token creation.
    pub started_at: String,
    /// The last refresh, or an API token's last use (to the minute).
    #[schema(required = true)]
    pub last_active_at: Option<String>,
    /// When it ends unless refreshed; null: never (a consent, an API token).
    #[schema(required = true)]
    pub expires_at: Option<String>,
    #[schema(required = true)]
    pub ip: Option<String>,
    #[schema(required = true)]
    pub user_agent: Option<String>,
    /// The scopes granted (a code-flow family, a consent).
    #[schema(required = true)]
    pub scope: Option<String>,
    /// How a browser signed in: `pwd`, or `tel` (a FlashCall PIN).
    #[schema(required = true)]
    pub method: Option<String>,
}

impl From<AdminSession> for SessionView {
    fn from(s: AdminSession) -> Self {
        Self {
            id: s.id,
            kind: match s.kind {
                SessionKind::Cabinet => KindView::Cabinet,
                SessionKind::Pbx => KindView::Pbx,
                SessionKind::Oauth => KindView::Oauth,
                SessionKind::Browser => KindView::Browser,
                SessionKind::Consent => KindView::Consent,
                SessionKind::ApiToken => KindView::ApiToken,
            },
            client_id: s.client_id,
            started_at: format_rfc3339(s.started_at),
            last_active_at: s.last_active_at.map(format_rfc3339),
            expires_at: s.expires_at.map(format_rfc3339),
            ip: s.ip,
            user_agent: s.user_agent,
            scope: s.scope,
            method: s.method,
        }
    }
}

/// A user's live sessions: token families, browser sign-ins, consents, API tokens.
#[derive(Serialize, ToSchema)]
#[schema(as = AdminSessionList)]
pub(crate) struct SessionList {
    pub data: Vec<SessionView>,
}

/// A host the Defender has blocked.
#[derive(Serialize, ToSchema)]
#[schema(as = AdminBlock, example = json!({
    "ip": "203.0.113.7", "since": "2026-12-01T10:00:00Z", "until": "2026-12-01T10:30:00Z",
    "reason": "10 failed credential checks within 600 s", "failures": 10, "logins": ["email:user@mail.ru"]}))]
pub(crate) struct BlockView {
    /// The host (an IPv6 client's /64).
    pub ip: String,
    pub since: String,
    pub until: String,
    pub reason: String,
    pub failures: i64,
    /// The logins tried from the host and failed: `email:<address>` or `phone:<digits>`.
    pub logins: Vec<String>,
}

impl From<AdminBlock> for BlockView {
    fn from(b: AdminBlock) -> Self {
        Self {
            ip: b.block.ip,
            since: format_rfc3339(b.block.blocked_at),
            until: format_rfc3339(b.block.blocked_until),
            reason: b.block.reason,
            failures: b.block.failures,
            logins: b.logins,
        }
    }
}

/// One page of blocks.
#[derive(Serialize, ToSchema)]
#[schema(as = AdminBlockList)]
pub(crate) struct BlockList {
    pub data: Vec<BlockView>,
    pub page: i64,
    /// Whether a next page holds more.
    pub more: bool,
}

/// A login at its daily cap of failed checks.
#[derive(Serialize, ToSchema)]
#[schema(as = AdminCappedLogin, example = json!({
    "login": "email:user@mail.ru", "failures": 100, "until": "2026-12-02T09:14:00Z", "user_id": 82}))]
pub(crate) struct CappedView {
    /// `email:<address>` or `phone:<digits>` (a phone's wrong PINs).
    pub login: String,
    /// Failed checks counted in the day's window.
    pub failures: i64,
    /// When the window lapses and the login's checks are admitted again.
    pub until: String,
    /// The user who has this login; null when nobody has it (the operator's alone).
    pub user_id: Option<i64>,
}

impl From<CappedLogin> for CappedView {
    fn from(c: CappedLogin) -> Self {
        Self { login: c.login, failures: c.failures, until: format_rfc3339(c.until), user_id: c.user_id }
    }
}

/// The logins at their cap.
#[derive(Serialize, ToSchema)]
#[schema(as = AdminCappedList)]
pub(crate) struct CappedList {
    pub data: Vec<CappedView>,
}

/// An application (OAuth client).
#[derive(Serialize, ToSchema)]
#[schema(as = AdminApplication, example = json!({
    "id": 10554, "name": "CRM", "grants": ["client_credentials", "authorization_code", "refresh_token"],
    "owner_user_id": 82, "owner_account_id": 34, "redirect_uris": ["https://crm.example.com/oauth/callback"],
    "post_logout_redirect_uris": [], "public": false, "trusted": false, "require_mfa": false, "introspect": false,
    "access_ttl": null,
    "created_at": "2026-12-01T10:00:00Z"}))]
pub(crate) struct ApplicationView {
    pub id: i64,
    pub name: String,
    pub grants: Vec<String>,
    #[schema(required = true)]
    pub owner_user_id: Option<i64>,
    #[schema(required = true)]
    pub owner_account_id: Option<i64>,
    pub redirect_uris: Vec<String>,
    pub post_logout_redirect_uris: Vec<String>,
    pub public: bool,
    pub trusted: bool,
    /// Its sign-ins must carry a second factor.
    pub require_mfa: bool,
    pub introspect: bool,
    /// Its access-token lifetime in seconds; null: the server's default.
    #[schema(required = true)]
    pub access_ttl: Option<i64>,
    pub created_at: String,
}

impl From<ClientRecord> for ApplicationView {
    fn from(r: ClientRecord) -> Self {
        let c = r.client;
        Self {
            id: c.id,
            name: c.name,
            grants: c.grants,
            owner_user_id: c.owner_user_id,
            owner_account_id: r.owner_account_id,
            redirect_uris: c.redirect_uris,
            post_logout_redirect_uris: c.post_logout_redirect_uris,
            public: c.public,
            trusted: c.trusted,
            require_mfa: c.require_mfa,
            introspect: c.introspect,
            access_ttl: c.access_ttl,
            created_at: format_rfc3339(r.created_at),
        }
    }
}

/// Applications in scope.
#[derive(Serialize, ToSchema)]
#[schema(as = AdminApplicationList)]
pub(crate) struct ApplicationList {
    pub data: Vec<ApplicationView>,
}

/// A registered application and its secret, shown only this once.
#[derive(Serialize, ToSchema)]
#[schema(as = AdminApplicationCreated)]
pub(crate) struct ApplicationCreated {
    pub application: ApplicationView,
    /// The `client_secret`; null for a public client.
    #[schema(required = true)]
    pub client_secret: Option<String>,
}

/// A new secret, shown only this once.
#[derive(Serialize, ToSchema)]
#[schema(as = AdminSecret, example = json!({"client_id": 10554, "client_secret": "Zs8tJc0pWq3Lr6Yv1Nb4Xh7Kd2Gm5Ff9"}))]
pub(crate) struct SecretView {
    pub client_id: i64,
    pub client_secret: String,
}

/// Whether a user's logins had failed checks to forget.
#[derive(Serialize, ToSchema)]
#[schema(as = AdminForgiven, example = json!({"forgiven": true}))]
pub(crate) struct Forgiven {
    pub forgiven: bool,
}

/// Whether a user had second factors to remove.
#[derive(Serialize, ToSchema)]
#[schema(as = AdminMfaReset, example = json!({"reset": true}))]
pub(crate) struct MfaReset {
    pub reset: bool,
}
