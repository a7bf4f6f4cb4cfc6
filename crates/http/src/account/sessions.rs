//! Sessions and devices: every way the person is signed in, with the application, where it
//! began (IP and browser), when it began and when it was last used; "End" asks, then ends one;
//! "Sign out everywhere else" ends all but this browser's.

use super::views::{ConfirmPage, SessionRow, SessionsPage};
use super::{Account, redirect};
use crate::html::shown_unix;
use axum::body::Bytes;
use axum::extract::Query;
use axum::response::Response;
use kordon_core::Error;
use kordon_core::services::{AccountEntry, SessionKind};
use std::collections::HashMap;
use std::ops::Not;

const PATH: &str = "/account/sessions";

fn what(a: &Account, kind: SessionKind) -> &'static str {
    let t = a.t();
    match kind {
        SessionKind::Cabinet => t.kind_cabinet,
        SessionKind::Pbx => t.kind_pbx,
        SessionKind::Oauth | SessionKind::Consent => t.kind_oauth,
        SessionKind::Browser => t.kind_browser,
        SessionKind::ApiToken => t.kind_api_token,
    }
}

/// This page's own session (not the browser sign-in it came from).
fn own_page(e: &AccountEntry) -> bool {
    e.this_device && e.session.kind != SessionKind::Browser
}

fn row(a: &Account, e: &AccountEntry) -> SessionRow {
    let s = &e.session;
    let encoded: String = form_urlencoded::byte_serialize(s.id.as_bytes()).collect();
    SessionRow {
        what: what(a, s.kind),
        app: a.or_none(e.client_name.as_deref()),
        place: a.or_none(s.ip.as_deref()),
        agent: s.user_agent.clone().unwrap_or_default(),
        started: shown_unix(s.started_at),
        last_used: s.last_active_at.map(shown_unix).unwrap_or_else(|| a.t().none.to_owned()),
        this_device: e.this_device,
        // This page's own session is ended by the bar's Sign out, which ends the browser's
        // kordon sign-in too; an End here would be undone by that sign-in at the next page.
        end_href: own_page(e).not().then(|| format!("{PATH}/end?id={encoded}")),
    }
}

/// `GET /account/sessions` (`?ended=1` or `?others=N` after an action).
pub(super) async fn list(a: Account, Query(query): Query<HashMap<String, String>>) -> Response {
    let t = a.t();
    let entries = match a.core().account_sessions(&a.session).await {
        Ok(entries) => entries,
        Err(err) => return a.failure(err),
    };
    let notice = match (query.contains_key("ended"), query.get("others").and_then(|n| n.parse::<usize>().ok())) {
        (_, Some(n)) => Some(format!("{} {n}", t.others_ended)),
        (true, None) => Some(t.session_ended.to_owned()),
        _ => None,
    };
    let others = entries.iter().any(|e| !e.this_device && e.session.kind != SessionKind::ApiToken);
    let sessions = entries.iter().map(|e| row(&a, e)).collect();
    a.page(&SessionsPage { l: a.layout(t.nav_sessions, PATH), notice, sessions, others })
}

/// `GET /account/sessions/end?id=`: asks before ending one.
pub(super) async fn confirm(a: Account, Query(query): Query<HashMap<String, String>>) -> Response {
    let t = a.t();
    let id = query.get("id").cloned().unwrap_or_default();
    let entries = match a.core().account_sessions(&a.session).await {
        Ok(entries) => entries,
        Err(err) => return a.failure(err),
    };
    let Some(entry) = entries.iter().find(|e| e.session.id == id) else { return a.failure(Error::NotFound) };
    let shown = row(&a, entry);
    let subject = match entry.client_name.as_deref() {
        Some(app) => format!("{} · {app} · {}", shown.what, shown.place),
        None => format!("{} · {}", shown.what, shown.place),
    };
    let page = ConfirmPage {
        l: a.layout(t.nav_sessions, PATH),
        question: t.end_question,
        subject,
        text: if entry.this_device { t.end_this_text } else { t.end_text },
        action: "/account/sessions/end",
        fields: vec![("id", id)],
        button: t.end,
        cancel: PATH.to_owned(),
    };
    a.page(&page)
}

/// `POST /account/sessions/end`: ends the one session the form names.
pub(super) async fn end(a: Account, body: Bytes) -> Response {
    let form = match a.form(&body) {
        Ok(form) => form,
        Err(response) => return *response,
    };
    match a.core().account_end_session(&a.session, form.get("id").unwrap_or_default()).await {
        Ok(()) => redirect(&format!("{PATH}?ended=1")),
        Err(err) => a.failure(err),
    }
}

/// `POST /account/sessions/others`: "Sign out everywhere else".
pub(super) async fn others(a: Account, body: Bytes) -> Response {
    if let Err(response) = a.form(&body) {
        return *response;
    }
    match a.core().account_end_others(&a.session).await {
        Ok(n) => redirect(&format!("{PATH}?others={n}")),
        Err(err) => a.failure(err),
    }
}
