//! `User` actions: `auth` (the seed's body, field for field) and `logout`.

use super::envelope::{Envelope, Outcome};
use crate::AppState;
use kordon_core::Origin;
use kordon_core::services::PbxSession;
use serde_json::{Value, json};

pub(super) async fn auth(state: &AppState, envelope: &Envelope, origin: &Origin) -> Outcome {
    let (login, password) = (envelope.param("login"), envelope.param("password"));
    let session = state.core.pbx_auth(login.as_deref(), password.as_deref(), origin).await?;
    Ok(body(state, session))
}

pub(super) async fn logout(state: &AppState, bearer: Option<&str>) -> Outcome {
    let principal = state.core.pbx_authenticate(bearer).await?;
    state.core.pbx_logout(&principal).await?;
    Ok(json!({}))
}

fn json_object(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| json!({}))
}

/// The auth answer: user, role and domain settings, with times in the domain's time zone.
fn body(state: &AppState, s: PbxSession) -> Value {
    let tz = &s.domain.tz;
    let user_name = s.user.first_name.clone().unwrap_or_else(|| s.user.email.clone());
    json!({
        "version": { "software": state.web.pbx_software, "last_update": state.web.started_at },
        "exp": local_iso(s.expires, tz),
        "user_id": s.user.id,
        "user_name": user_name,
        "user_login": s.user.email,
        "domain_id": s.domain.account_id,
        "role_id": s.role.id,
        "role_name": s.role.name,
        "role_type": s.role.role_type,
        "role_perms": json_object(&s.role.perms),
        "role_visible": json_object(&s.role.visible),
        "role_filters": json_object(&s.role.filters),
        "auth_type": "http",
        "domain_name": s.domain.name,
        "domain_test_until": s.domain.test_until.map(|t| local_iso(t, tz)),
        "domain_mode": s.domain.mode,
        "domain_billing_options": {
            "balance": s.domain.balance,
            "block_inbound": s.domain.block_inbound,
            "block_outbound": s.domain.block_outbound,
            "block_face": s.domain.block_face,
        },
        "tz": tz,
        "locale": s.domain.locale,
        "token": s.token,
    })
}

/// `2021-09-20T10:14:13`: local time in `tz` without an offset, as the seed shows it.
pub(crate) fn local_iso(unix: i64, tz: &str) -> String {
    let zone = jiff::tz::TimeZone::get(tz).unwrap_or(jiff::tz::TimeZone::UTC);
    jiff::Timestamp::from_second(unix)
        .map(|t| t.to_zoned(zone).datetime().strftime("%Y-%m-%dT%H:%M:%S").to_string())
        .unwrap_or_default()
}
