//! The body of `User.auth`: the user, role, PBX domain with its billing options, and the token,
//! field for field as the seed shows them.

use crate::AppState;
use kordon_core::services::PbxSession;
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

/// `User.auth`: the user, role, PBX domain with its billing options, and the token — the seed's
/// body, in its order.
#[derive(Serialize, ToSchema)]
#[schema(as = PbxAuthBody)]
pub(in crate::pbx) struct AuthBody {
    #[schema(inline)]
    version: Version,
    /// The token's expiry: local time in the domain's zone, without an offset.
    #[schema(example = "2021-09-20T10:14:13")]
    exp: String,
    user_id: i64,
    /// The user's first name, else their email.
    user_name: String,
    /// The user's email.
    user_login: String,
    /// The domain's (account's) id.
    domain_id: i64,
    /// 2 PBX administrator, 3 Operator, 4 User.
    role_id: i64,
    role_name: String,
    /// 1 PBX administrator, 2 Operator, 3 User.
    role_type: i64,
    role_perms: Map<String, Value>,
    role_visible: Map<String, Value>,
    role_filters: Map<String, Value>,
    #[schema(inline)]
    auth_type: AuthType,
    /// None for an account opened by cabinet registration.
    #[schema(required = true)]
    domain_name: Option<String>,
    /// The end of the domain's test period, local time as `exp`.
    #[schema(required = true)]
    domain_test_until: Option<String>,
    domain_mode: i64,
    #[schema(inline)]
    domain_billing_options: BillingOptions,
    /// IANA time zone name.
    tz: String,
    locale: String,
    /// The PBX token (`pbxBearer`).
    token: String,
}

/// The server's software and start.
#[derive(Serialize, ToSchema)]
struct Version {
    /// `pbx.software` (kordon's version by default).
    software: String,
    /// When the server started, Unix seconds.
    last_update: f64,
}

/// How the user logged in (always over HTTP here).
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
enum AuthType {
    Http,
}

/// The domain's billing options.
#[derive(Serialize, ToSchema)]
struct BillingOptions {
    /// An exact decimal.
    #[schema(example = "1000.0")]
    balance: String,
    block_inbound: bool,
    block_outbound: bool,
    block_face: bool,
}

impl AuthBody {
    /// The auth answer: user, role and domain settings, with times in the domain's time zone.
    pub(in crate::pbx) fn new(state: &AppState, s: PbxSession) -> Self {
        let tz = s.domain.tz;
        let user_name = s.user.first_name.unwrap_or_else(|| s.user.email.clone());
        Self {
            version: Version { software: state.web.pbx_software.clone(), last_update: state.web.started_at },
            exp: local_iso(s.expires, &tz),
            user_id: s.user.id,
            user_name,
            user_login: s.user.email,
            domain_id: s.domain.account_id,
            role_id: s.role.id,
            role_name: s.role.name,
            role_type: s.role.role_type,
            role_perms: json_object(&s.role.perms),
            role_visible: json_object(&s.role.visible),
            role_filters: json_object(&s.role.filters),
            auth_type: AuthType::Http,
            domain_name: s.domain.name,
            domain_test_until: s.domain.test_until.map(|t| local_iso(t, &tz)),
            domain_mode: s.domain.mode,
            domain_billing_options: BillingOptions {
                balance: s.domain.balance,
                block_inbound: s.domain.block_inbound,
                block_outbound: s.domain.block_outbound,
                block_face: s.domain.block_face,
            },
            tz,
            locale: s.domain.locale,
            token: s.token,
        }
    }
}

impl AuthBody {
    /// The seed's example answer.
    pub fn example() -> Self {
        Self {
            version: Version { software: "2.9.0".into(), last_update: 1631889200.532154 },
            exp: "2021-09-20T10:14:13".into(),
            user_id: 48,
            user_name: "Алексей".into(),
            user_login: "a@office.runtel.org".into(),
            domain_id: 34,
            role_id: 2,
            role_name: "PBX administrator".into(),
            role_type: 1,
            role_perms: Map::new(),
            role_visible: Map::new(),
            role_filters: Map::new(),
            auth_type: AuthType::Http,
            domain_name: Some("office.runtel.org".into()),
            domain_test_until: None,
            domain_mode: 2,
            domain_billing_options: BillingOptions {
                balance: "1000.0".into(),
                block_inbound: false,
                block_outbound: false,
                block_face: false,
            },
            tz: "Europe/Prague".into(),
            locale: "en_US".into(),
            token: "J…W".into(),
        }
    }
}

/// A role's JSON object text (`{}` when it is not an object).
fn json_object(text: &str) -> Map<String, Value> {
    serde_json::from_str(text).unwrap_or_default()
}

/// `2021-09-20T10:14:13`: local time in `tz` without an offset, as the seed shows it.
pub(crate) fn local_iso(unix: i64, tz: &str) -> String {
    let zone = jiff::tz::TimeZone::get(tz).unwrap_or(jiff::tz::TimeZone::UTC);
    jiff::Timestamp::from_second(unix)
        .map(|t| t.to_zoned(zone).datetime().strftime("%Y-%m-%dT%H:%M:%S").to_string())
        .unwrap_or_default()
}
