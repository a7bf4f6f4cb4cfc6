//! What the admin API reads: query strings and JSON bodies.

use kordon_core::oidc_types::ClientPatch;
use kordon_core::services::NewApplication;
use serde::{Deserialize, Deserializer};
use utoipa::{IntoParams, ToSchema};

/// `?page=` of a paged list.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct PageQuery {
    /// The page, from 1 (the first when absent).
    #[param(minimum = 1)]
    pub page: Option<i64>,
}

/// `?query=` of the user search.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct UserQuery {
    /// An email (any case), a phone (digits with the country code, or `+7 (999) …`, `8 999 …`)
    /// or a user id; exact matches only.
    #[param(min_length = 1, max_length = 254, example = "user@mail.ru")]
    pub query: String,
}

/// An application to register.
#[derive(Deserialize, ToSchema)]
#[schema(as = AdminApplicationCreate,
    example = json!({"name": "CRM", "redirect_uris": ["https://crm.example.com/oauth/callback"]}))]
pub(crate) struct NewApplicationBody {
    /// 1 to 255 characters once trimmed.
    #[schema(min_length = 1, max_length = 255)]
    pub name: String,
    /// Where the authorization code flow may return (exact URIs: `https`, `http` to a loopback
    /// host, or a private-use scheme with a dot); at most 20.
    #[serde(default)]
    pub redirect_uris: Option<Vec<String>>,
    /// Where RP-initiated logout may return.
    #[serde(default)]
    pub post_logout_redirect_uris: Option<Vec<String>>,
    /// No secret (a browser or mobile app; PKCE is its proof). Default false.
    #[serde(default)]
    pub public: Option<bool>,
    /// First-party: its users are not asked for consent. The operator only (403 for a tenant).
    #[serde(default)]
    pub trusted: Option<bool>,
    /// `authorization_code`, `refresh_token`, `client_credentials`, `password`. The operator
    /// only (403 for a tenant); by default `client_credentials` (not for a public client), and
    /// `authorization_code` with `refresh_token` when there are redirect URIs.
    #[serde(default)]
    pub grants: Option<Vec<String>>,
}

impl From<NewApplicationBody> for NewApplication {
    fn from(b: NewApplicationBody) -> Self {
        NewApplication {
            name: Some(b.name),
            redirect_uris: b.redirect_uris.unwrap_or_default(),
            post_logout_redirect_uris: b.post_logout_redirect_uris.unwrap_or_default(),
            public: b.public.unwrap_or(false),
            trusted: b.trusted.unwrap_or(false),
            grants: b.grants,
        }
    }
}

/// Changes to an application: a field left out (or null) stays as it is; a list given replaces
/// the old one.
#[derive(Deserialize, ToSchema)]
#[schema(as = AdminApplicationPatch,
    example = json!({"redirect_uris": ["https://crm.example.com/oauth/callback"]}))]
pub(crate) struct ApplicationPatchBody {
    /// 1 to 255 characters once trimmed.
    #[serde(default)]
    #[schema(min_length = 1, max_length = 255)]
    pub name: Option<String>,
    #[serde(default)]
    pub redirect_uris: Option<Vec<String>>,
    #[serde(default)]
    pub post_logout_redirect_uris: Option<Vec<String>>,
    /// The operator only (403 for a tenant, whatever the value).
    #[serde(default)]
    pub trusted: Option<bool>,
    /// Its sign-ins must carry a second factor (a tenant may set it on its own applications).
    #[serde(default)]
    pub require_mfa: Option<bool>,
    /// The operator only (403 for a tenant).
    #[serde(default)]
    pub grants: Option<Vec<String>>,
}

impl From<ApplicationPatchBody> for ClientPatch {
    fn from(b: ApplicationPatchBody) -> Self {
        ClientPatch {
            name: b.name,
            grants: b.grants,
            redirect_uris: b.redirect_uris,
            post_logout_redirect_uris: b.post_logout_redirect_uris,
            trusted: b.trusted,
            require_mfa: b.require_mfa,
        }
    }
}

/// The filters of `GET /audit`; each one narrows the list.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct AuditQuery {
    /// Only this user's events.
    pub user_id: Option<i64>,
    /// Only events from this host (as the events show it; an IPv6 host as its /64).
    #[param(max_length = 64, example = "203.0.113.7")]
    pub ip: Option<String>,
    /// A type (`signin`, `defender.unblock`) or a family of types (`token`, `defender`).
    #[serde(rename = "type")]
    #[param(rename = "type", max_length = 64, example = "defender")]
    pub kind: Option<String>,
    /// From this time on (RFC 3339), inclusive.
    #[param(example = "2026-12-06T00:00:00Z")]
    pub since: Option<String>,
    /// Before this time (RFC 3339), exclusive.
    #[param(example = "2026-12-07T00:00:00Z")]
    pub until: Option<String>,
    /// The page, from 1 (the first when absent); 100 events a page, newest first.
    #[param(minimum = 1)]
    pub page: Option<i64>,
}

/// `?window=` of the FlashCall stats.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct StatsQuery {
    /// How far back, ending now: hours (`24h`) or days (`7d`), from one hour to 31 days; 24h when
    /// absent.
    #[param(pattern = "^[0-9]{1,3}[hd]$", example = "24h")]
    pub window: Option<String>,
}

/// Changes to a user: a member left out stays as it is.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = AdminUserPatch, example = json!({"sip_user": "101"}))]
pub(crate) struct UserPatchBody {
    /// Their SIP user (an extension or SIP user name: letters, digits, `.`, `-`, `_`) in their
    /// account's PBX domain, unique there; null or `""` clears it. An account without a PBX
    /// domain takes none (400).
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, max_length = 64, pattern = "^[A-Za-z0-9._-]*$")]
    pub sip_user: Option<Option<String>>,
}

/// A member that is there, null or not (absent stays `None`).
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}
