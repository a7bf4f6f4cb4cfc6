//! The SIP edge's two calls, with the hook token: a refused registration reported to the
//! Defender, and the hosts blocked now (JSON or one per line, with a strong `ETag` so a poll
//! every second costs a `304`).

use super::PREFIX;
use super::bodies::{bad, object, unread};
use super::error::refusal;
use crate::AppState;
use crate::openapi_names::tag;
use crate::rfc6749::{ErrorBody, ErrorCode, OAuthServerError, answer};
use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use kordon_core::services::SipFailure;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The largest report taken (bytes).
pub(super) const REPORT_LIMIT: usize = 4096;

/// A registration the SIP edge refused.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = TelephonyAuthFailure, example = json!({
    "ip": "203.0.113.7", "user": "101@pbx.example.com", "reason": "wrong_password", "user_agent": "friendly-scanner"}))]
pub(super) struct FailureBody {
    /// The REGISTER's source address.
    pub ip: String,
    /// The From user (`$fU`), or `user@realm` (`$fU@$fd`), which names the person attacked.
    #[schema(max_length = 256)]
    pub user: String,
    #[schema(inline)]
    pub reason: Reason,
    #[serde(default)]
    #[schema(max_length = 512)]
    pub user_agent: Option<String>,
}

/// Why the edge refused it (Kamailio's `autheph_check` −2, −7, another failure, and a failed
/// `autheph_check_from`).
#[derive(Deserialize, Serialize, ToSchema, Clone, Copy)]
#[serde(rename_all = "snake_case")]
pub(super) enum Reason {
    WrongPassword,
    Expired,
    UnknownUser,
    UserMismatch,
}

impl Reason {
    fn as_str(self) -> &'static str {
        match self {
            Self::WrongPassword => "wrong_password",
            Self::Expired => "expired",
            Self::UnknownUser => "unknown_user",
            Self::UserMismatch => "user_mismatch",
        }
    }
}

/// The hosts blocked now.
#[derive(Serialize, ToSchema)]
#[schema(as = TelephonyBlockedHosts, example = json!({"hosts": ["203.0.113.7", "2001:db8:1:2::/64"]}))]
pub(super) struct BlockedHosts {
    /// IPv4 addresses, and IPv6 /64 prefixes, sorted.
    pub hosts: Vec<String>,
}

/// 401 unless the request carries the hook token.
fn refused_without_token(state: &AppState, headers: &HeaderMap) -> Option<Response> {
    let token = crate::edge::bearer_token(headers);
    if state.core.telephony_hook_allowed(token) {
        return None;
    }
    let (challenge, description) = match token {
        Some(_) => ("Bearer realm=\"kordon telephony\", error=\"invalid_token\"", "The hook token is wrong."),
        None => ("Bearer realm=\"kordon telephony\"", "The hook token is required."),
    };
    let mut response = answer(StatusCode::UNAUTHORIZED, ErrorCode::InvalidToken, description);
    response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static(challenge));
    Some(response)
}

/// Report a refused SIP registration
///
/// Kamailio calls this for each REGISTER it refused (a wrong or expired credential, an unknown
/// user, another user's From). Each report counts against its host under `defender.sip.*`;
/// past `defender.sip.host_failures` within `defender.sip.window` the host is blocked (reason
/// `sip`) for every dialect and in `blocked-hosts`. A bad report counts nothing.
#[utoipa::path(post, path = "/auth-failures", context_path = PREFIX, tag = tag::TELEPHONY,
    operation_id = "telephonyAuthFailure", request_body = FailureBody,
    security(("telephonyHook" = [])),
    responses(
        (status = 204, description = "Counted."),
        (status = 400, description = "Not a report: bad JSON, an unknown member or reason, an ip that is not an \
            address (`invalid_request`).", body = ErrorBody),
        (status = 401, description = "No or a wrong hook token (`invalid_token`).", body = ErrorBody),
        (status = 413, description = "A body over 4 KiB (`invalid_request`).", body = ErrorBody),
        (status = 500, response = OAuthServerError),
    ))]
pub(super) async fn auth_failures(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    if let Some(refusal) = refused_without_token(&state, &headers) {
        return refusal;
    }
    let bytes = match body {
        Ok(bytes) => bytes,
        Err(rejection) => return unread(rejection, "The report is over 4 KiB."),
    };
    let Some(report) = object::<FailureBody>(&bytes) else {
        return bad("The body must be a JSON object: {ip, user, reason, user_agent}.");
    };
    let failure = SipFailure {
        ip: report.ip,
        user: report.user,
        reason: report.reason.as_str().to_owned(),
        user_agent: report.user_agent,
    };
    match state.core.sip_auth_failure(&failure).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(err) => refusal(err, true, ""),
    }
}

/// The hosts blocked now
///
/// Every host the Defender blocks now, for whatever reason (web logins, SIP reports), for the
/// SIP edge to refuse. JSON by default; `?format=text` (or `Accept: text/plain`) answers one host
/// a line after a first line `# etag "…"` (for pollers that cannot read headers, as Kamailio's
/// `http_client`). A strong `ETag` names the list: `If-None-Match` with it answers `304`.
#[utoipa::path(get, path = "/blocked-hosts", context_path = PREFIX, tag = tag::TELEPHONY,
    operation_id = "telephonyBlockedHosts",
    params(("format" = Option<String>, Query, description = "`json` (the default) or `text`.")),
    security(("telephonyHook" = [])),
    responses(
        (status = 200, description = "The hosts.", body = BlockedHosts,
            headers(("ETag" = String, description = "A strong tag of the list."))),
        (status = 304, description = "The list is the one `If-None-Match` names."),
        (status = 400, description = "An unknown `format` (`invalid_request`).", body = ErrorBody),
        (status = 401, description = "No or a wrong hook token (`invalid_token`).", body = ErrorBody),
        (status = 500, response = OAuthServerError),
    ))]
pub(super) async fn blocked_hosts(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    if let Some(refusal) = refused_without_token(&state, &headers) {
        return refusal;
    }
    let mut format = None;
    for (key, value) in url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        match (key.as_ref(), value.as_ref()) {
            ("format", "json" | "text") => format = Some(value.into_owned()),
            ("format", _) => return bad("The format must be json or text."),
            _ => {}
        }
    }
    let accepts_text = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.trim_start().starts_with("text/plain"));
    let text = format.as_deref().map_or(accepts_text, |f| f == "text");
    let hosts = match state.core.blocked_host_list().await {
        Ok(hosts) => hosts,
        Err(err) => return refusal(err, true, ""),
    };
    let tag = format!("\"{}\"", &kordon_core::secrets::digest(&hosts.join("\n"))[..32]);
    let tag_value = HeaderValue::from_str(&tag).unwrap_or_else(|_| HeaderValue::from_static("\"\""));
    let matches = headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|candidate| candidate.trim() == tag || candidate.trim() == "*");
    let mut response = if matches {
        StatusCode::NOT_MODIFIED.into_response()
    } else if text {
        let mut body = format!("# etag {tag}\n");
        for host in &hosts {
            body.push_str(host);
            body.push('\n');
        }
        ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body).into_response()
    } else {
        Json(BlockedHosts { hosts }).into_response()
    };
    response.headers_mut().insert(header::ETAG, tag_value);
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}
