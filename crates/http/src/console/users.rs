//! The Users pages, on the admin services (`admin_*`, scoped by the console user's `Admin`):
//! search by email, phone or id; a user's page (tenant, role, state, sessions of every kind with
//! a Revoke each, recent events); disable, delete and reset second factors after a confirmation,
//! enable, forgive.

use super::texts::Texts;
use super::views::{ConfirmPage, EventRow, FoundRow, Question, SessionRow, UserPage, UsersPage};
use super::{Console, id_of, redirect, shown_time, with_param};
use axum::body::Bytes;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::Response;
use kordon_core::Error;
use kordon_core::audit::AuditFilter;
use kordon_core::services::{AdminSession, AdminUser, SessionKind};
use std::collections::HashMap;

type Params = Query<HashMap<String, String>>;

/// Recent events on the user page.
const EVENTS_SHOWN: usize = 20;

fn lead(c: &Console) -> &'static str {
    match c.session.operator.platform() {
        true => c.t().users_lead_platform,
        false => c.t().users_lead_tenant,
    }
}

fn user_href(id: i64) -> String {
    format!("/console/user?id={id}")
}

fn phone(user: &AdminUser) -> String {
    user.user.phone.as_deref().map(|p| format!("+{p}")).unwrap_or_else(|| "—".to_owned())
}

/// `GET /console/users[?q=]`: the search form; one user found opens their page, several are
/// listed.
pub(super) async fn search(c: Console, Query(query): Params) -> Response {
    let t = c.t();
    let q = query.get("q").map(|e| e.trim()).unwrap_or_default();
    let notice = (query.get("done").map(String::as_str) == Some("deleted")).then_some(t.deleted_done);
    let (mut invalid, mut missing, mut found) = (None, false, Vec::new());
    if !q.is_empty() {
        match c.core().admin_search_users(c.session.operator.admin(), q).await {
            Ok(users) if users.len() == 1 => return redirect(&user_href(users[0].user.id)),
            Ok(users) if users.is_empty() => missing = true,
            Ok(users) => {
                found = users
                    .iter()
                    .map(|u| FoundRow {
                        href: user_href(u.user.id),
                        email: u.user.email.clone(),
                        phone: phone(u),
                        id: u.user.id,
                    })
                    .collect()
            }
            Err(Error::Validation { message, .. }) => invalid = Some(message),
            Err(err) => return c.failure(err),
        }
    }
    let page = UsersPage {
        l: c.layout(t.nav_users, "/console/users"),
        lead: lead(&c),
        notice,
        query: q.to_owned(),
        invalid: invalid.clone(),
        missing,
        found,
    };
    let mut response = c.page(&page);
    match (missing, invalid.is_some()) {
        (true, _) => *response.status_mut() = StatusCode::NOT_FOUND,
        (_, true) => *response.status_mut() = StatusCode::BAD_REQUEST,
        _ => {}
    }
    response
}

fn kind_label(t: &'static Texts, kind: SessionKind) -> &'static str {
    match kind {
        SessionKind::Cabinet => t.kind_cabinet,
        SessionKind::Pbx => t.kind_pbx,
        SessionKind::Oauth => t.kind_oauth,
        SessionKind::Browser => t.kind_browser,
        SessionKind::Consent => t.kind_consent,
        SessionKind::ApiToken => t.kind_api_token,
    }
}

/// Unix seconds as the console shows times.
fn at(seconds: i64) -> String {
    match time::OffsetDateTime::from_unix_timestamp(seconds) {
        Ok(d) => format!("{:04}-{:02}-{:02} {:02}:{:02} UTC", d.year(), d.month() as u8, d.day(), d.hour(), d.minute()),
        Err(_) => seconds.to_string(),
    }
}

fn session_row(t: &'static Texts, user_id: i64, s: AdminSession) -> SessionRow {
    let place = [s.ip, s.user_agent, s.method, s.scope].into_iter().flatten().collect::<Vec<_>>().join(" · ");
    SessionRow {
        kind: kind_label(t, s.kind),
        client: s.client_id.map(|c| c.to_string()).unwrap_or_else(|| "—".to_owned()),
        started: at(s.started_at),
        last_active: s.last_active_at.map(at).unwrap_or_else(|| "—".to_owned()),
        expires: s.expires_at.map(at).unwrap_or_else(|| t.never.to_owned()),
        place: if place.is_empty() { "—".to_owned() } else { place },
        revoke_href: format!(
            "{}&session={}",
            with_param("/console/user/session/revoke", "user", &user_id.to_string()),
            s.id
        ),
    }
}

/// `GET /console/user?id=` (`&done=…` after a change).
pub(super) async fn user(c: Console, Query(query): Params) -> Response {
    let t = c.t();
    let admin = c.session.operator.admin();
    let id = id_of(query.get("id").map(String::as_str));
    let found = match c.core().admin_user_detail(admin, id).await {
        Ok(found) => found,
        Err(err) => return c.failure(err),
    };
    let sessions = match c.core().admin_sessions_of(admin, id).await {
        Ok(sessions) => sessions.into_iter().map(|s| session_row(t, id, s)).collect(),
        Err(err) => return c.failure(err),
    };
    let filter = AuditFilter { user_id: Some(id), ..AuditFilter::default() };
    let events = match c.core().admin_audit(admin, filter, 1).await {
        Ok((events, _)) => events
            .into_iter()
            .take(EVENTS_SHOWN)
            .map(|e| EventRow {
                at: shown_time(&e.at),
                kind: e.kind,
                result: e.result,
                host: e.ip.unwrap_or_default(),
                actor: e.actor,
            })
            .collect(),
        Err(err) => return c.failure(err),
    };
    let mfa = match c.core().mfa_state(id).await {
        Ok(state) => [(state.totp, t.mfa_app), (state.flashcall, t.mfa_calls)]
            .into_iter()
            .filter_map(|(on, name)| on.then_some(name))
            .collect(),
        Err(err) => return c.failure(err),
    };
    let notice = match query.get("done").map(String::as_str) {
        Some("mfa-reset") => Some(t.mfa_reset_done),
        Some("disabled") => Some(t.disabled_done),
        Some("enabled") => Some(t.enabled_done),
        Some("forgiven") => Some(t.forgiven_done),
        Some("unforgiven") => Some(t.forgive_none),
        Some("revoked") => Some(t.revoked_done),
        _ => None,
    };
    let page = UserPage {
        l: c.layout(&found.user.email, "/console/users"),
        notice,
        id,
        phone: phone(&found),
        account: found.user.account_id,
        domain: found.domain.unwrap_or_default(),
        role: found.user.role.as_str(),
        disabled: found.disabled_at.is_some(),
        disable_href: format!("/console/user/disable?id={id}"),
        delete_href: format!("/console/user/delete?id={id}"),
        mfa,
        mfa_reset_href: format!("/console/user/mfa-reset?id={id}"),
        events_href: format!("/console/audit?user={id}"),
        email: found.user.email,
        sessions,
        events,
    };
    c.page(&page)
}

async fn confirm(c: Console, query: &HashMap<String, String>, q: Question) -> Response {
    let id = id_of(query.get("id").map(String::as_str));
    let found = match c.core().admin_user_detail(c.session.operator.admin(), id).await {
        Ok(found) => found,
        Err(err) => return c.failure(err),
    };
    c.page(&q.page(c.layout(q.title, "/console/users"), found.user.email, user_href(id), id))
}

/// `GET /console/user/disable?id=`: are you sure?
pub(super) async fn confirm_disable(c: Console, Query(query): Params) -> Response {
    let t = c.t();
    let q = Question {
        title: t.disable,
        question: t.disable_question,
        text: t.disable_text,
        action: "/console/user/disable",
        button: t.disable,
    };
    confirm(c, &query, q).await
}

/// `GET /console/user/delete?id=`: are you sure?
pub(super) async fn confirm_delete(c: Console, Query(query): Params) -> Response {
    let t = c.t();
    let q = Question {
        title: t.delete,
        question: t.delete_question,
        text: t.delete_text,
        action: "/console/user/delete",
        button: t.delete,
    };
    confirm(c, &query, q).await
}

/// `GET /console/user/mfa-reset?id=`: are you sure?
pub(super) async fn confirm_mfa_reset(c: Console, Query(query): Params) -> Response {
    let t = c.t();
    let q = Question {
        title: t.mfa_reset,
        question: t.mfa_reset_question,
        text: t.mfa_reset_text,
        action: "/console/user/mfa-reset",
        button: t.mfa_reset,
    };
    confirm(c, &query, q).await
}

/// What a POST on a user does.
enum Act {
    MfaReset,
    Disable,
    Enable,
    Forgive,
    Delete,
}

async fn act(c: Console, body: Bytes, act: Act) -> Response {
    let form = match c.form(&body) {
        Ok(form) => form,
        Err(response) => return *response,
    };
    let (core, admin) = (c.core(), c.session.operator.admin());
    let id = id_of(form.get("id"));
    let done = match act {
        Act::MfaReset => core.admin_reset_second_factors(admin, id).await.map(|_| "mfa-reset"),
        Act::Disable => core.admin_disable_user(admin, id).await.map(|_| "disabled"),
        Act::Enable => core.admin_enable_user(admin, id).await.map(|_| "enabled"),
        Act::Forgive => core.admin_forgive_user(admin, id).await.map(|f| if f { "forgiven" } else { "unforgiven" }),
        Act::Delete => match core.admin_delete_user_in_scope(admin, id).await {
            Ok(()) => return redirect("/console/users?done=deleted"),
            Err(err) => Err(err),
        },
    };
    match done {
        Ok(done) => redirect(&format!("{}&done={done}", user_href(id))),
        Err(err) => c.failure(err),
    }
}

/// `POST /console/user/disable`.
pub(super) async fn disable(c: Console, body: Bytes) -> Response {
    act(c, body, Act::Disable).await
}

/// `POST /console/user/mfa-reset`.
pub(super) async fn mfa_reset(c: Console, body: Bytes) -> Response {
    act(c, body, Act::MfaReset).await
}

/// `POST /console/user/enable` (not destructive: no confirmation).
pub(super) async fn enable(c: Console, body: Bytes) -> Response {
    act(c, body, Act::Enable).await
}

/// `POST /console/user/forgive` (not destructive: no confirmation).
pub(super) async fn forgive(c: Console, body: Bytes) -> Response {
    act(c, body, Act::Forgive).await
}

/// `POST /console/user/delete`.
pub(super) async fn delete(c: Console, body: Bytes) -> Response {
    act(c, body, Act::Delete).await
}

/// `GET /console/user/session/revoke?user=&session=`: are you sure?
pub(super) async fn confirm_revoke(c: Console, Query(query): Params) -> Response {
    let t = c.t();
    let user = id_of(query.get("user").map(String::as_str));
    let session = query.get("session").cloned().unwrap_or_default();
    // The session must be one of this user's, and the user in scope.
    match c.core().admin_sessions_of(c.session.operator.admin(), user).await {
        Ok(sessions) if sessions.iter().any(|s| s.id == session) => {}
        Ok(_) => return c.failure(Error::NotFound),
        Err(err) => return c.failure(err),
    }
    let page = ConfirmPage {
        l: c.layout(t.revoke, "/console/users"),
        question: t.revoke_question,
        text: t.revoke_text,
        subject: session.clone(),
        action: "/console/user/session/revoke",
        cancel: user_href(user),
        fields: vec![("user", user.to_string()), ("session", session)],
        button: t.revoke,
    };
    c.page(&page)
}

/// `POST /console/user/session/revoke`.
pub(super) async fn revoke(c: Console, body: Bytes) -> Response {
    let form = match c.form(&body) {
        Ok(form) => form,
        Err(response) => return *response,
    };
    let user = id_of(form.get("user"));
    let session = form.get("session").unwrap_or_default();
    match c.core().admin_revoke_session_id(c.session.operator.admin(), session).await {
        Ok(()) => redirect(&format!("{}&done=revoked", user_href(user))),
        Err(err) => c.failure(err),
    }
}
