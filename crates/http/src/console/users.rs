//! The Users pages: search by email, a user's page (tenant, role, state, live sessions and API
//! tokens), disable after a confirmation, enable.

use super::views::{ConfirmPage, SessionRow, TokenRow, UserPage, UsersPage};
use super::{Console, redirect, shown_time, with_param};
use axum::body::Bytes;
use axum::extract::Query;
use axum::response::Response;
use kordon_core::Error;
use std::collections::HashMap;

type Params = Query<HashMap<String, String>>;

fn lead(c: &Console) -> &'static str {
    match c.session.operator.platform() {
        true => c.t().users_lead_platform,
        false => c.t().users_lead_tenant,
    }
}

/// `GET /console/users[?email=]`: the search form; a user found opens their page.
pub(super) async fn search(c: Console, Query(query): Params) -> Response {
    let t = c.t();
    let email = query.get("email").map(|e| e.trim()).unwrap_or_default();
    let mut missing = false;
    if !email.is_empty() {
        match c.core().console_user(&c.session.operator, email).await {
            Ok(found) => return redirect(&with_param("/console/user", "email", &found.user.email)),
            Err(Error::NotFound) => missing = true,
            Err(err) => return c.failure(err),
        }
    }
    let page =
        UsersPage { l: c.layout(t.nav_users, "/console/users"), lead: lead(&c), email: email.to_owned(), missing };
    let mut response = c.page(&page);
    if missing {
        *response.status_mut() = axum::http::StatusCode::NOT_FOUND;
    }
    response
}

/// `GET /console/user?email=` (`&done=disabled|enabled` after a change).
pub(super) async fn user(c: Console, Query(query): Params) -> Response {
    let t = c.t();
    let email = query.get("email").map(String::as_str).unwrap_or_default();
    let found = match c.core().console_user(&c.session.operator, email).await {
        Ok(found) => found,
        Err(err) => return c.failure(err),
    };
    let notice = match query.get("done").map(String::as_str) {
        Some("disabled") => Some(t.disabled_done),
        Some("enabled") => Some(t.enabled_done),
        _ => None,
    };
    let user = found.user;
    let sessions = found
        .sessions
        .into_iter()
        .map(|s| SessionRow {
            kind: s.kind,
            client: s.client_id,
            started: shown_time(&s.started_at),
            expires: shown_time(&s.expires_at),
            ip: s.ip.unwrap_or_else(|| "—".to_owned()),
        })
        .collect();
    let tokens = found
        .api_tokens
        .into_iter()
        .map(|k| TokenRow {
            id: k.id,
            created: shown_time(&k.created_at),
            last_used: k.last_used.as_deref().map(shown_time).unwrap_or_else(|| t.never.to_owned()),
        })
        .collect();
    let page = UserPage {
        l: c.layout(&user.email, "/console/users"),
        notice,
        id: user.id,
        phone: user.phone.as_deref().map(|p| format!("+{p}")).unwrap_or_else(|| "—".to_owned()),
        account: user.account_id,
        role: user.role.as_str(),
        disabled: found.disabled,
        disable_href: with_param("/console/user/disable", "email", &user.email),
        email: user.email,
        sessions,
        tokens,
    };
    c.page(&page)
}

/// `GET /console/user/disable?email=`: are you sure?
pub(super) async fn confirm_disable(c: Console, Query(query): Params) -> Response {
    let t = c.t();
    let email = query.get("email").map(String::as_str).unwrap_or_default();
    let found = match c.core().console_user(&c.session.operator, email).await {
        Ok(found) => found,
        Err(err) => return c.failure(err),
    };
    let email = found.user.email;
    let page = ConfirmPage {
        l: c.layout(t.disable, "/console/users"),
        question: t.disable_question,
        text: t.disable_text,
        subject: email.clone(),
        action: "/console/user/disable",
        cancel: with_param("/console/user", "email", &email),
        fields: vec![("email", email)],
        button: t.disable,
    };
    c.page(&page)
}

/// `POST /console/user/disable`.
pub(super) async fn disable(c: Console, body: Bytes) -> Response {
    set_disabled(c, body, true).await
}

/// `POST /console/user/enable` (not destructive: no confirmation).
pub(super) async fn enable(c: Console, body: Bytes) -> Response {
    set_disabled(c, body, false).await
}

async fn set_disabled(c: Console, body: Bytes, disabled: bool) -> Response {
    let form = match c.form(&body) {
        Ok(form) => form,
        Err(response) => return *response,
    };
    let email = form.get("email").unwrap_or_default();
    match c.core().console_set_user_disabled(&c.session.operator, email, disabled).await {
        Ok(_) => {
            let done = if disabled { "disabled" } else { "enabled" };
            redirect(&format!("{}&done={done}", with_param("/console/user", "email", email.trim())))
        }
        Err(err) => c.failure(err),
    }
}
