//! App passwords: the list (name, how each begins, made, last used), "Make" with a name and the
//! current password (the new one shown once), and "Delete", which asks first. The PBX API and the
//! OAuth password grant take them where a person with a second factor cannot sign in with the
//! password alone (`Core::check_machine_password`).

use super::views::{AppPasswordRow, AppPasswordShownPage, AppPasswordsPage, ConfirmPage};
use super::{Account, redirect};
use crate::html::shown_unix;
use crate::pages::id_of;
use axum::body::Bytes;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::Response;
use kordon_core::Error;
use kordon_core::services::APP_PASSWORDS_PAGE as PATH;
use std::collections::HashMap;

/// The page, with `notice`, or with `error` (and the name typed) after a refused "Make".
async fn page(
    a: &Account,
    status: StatusCode,
    notice: Option<&'static str>,
    error: Option<&'static str>,
    name: &str,
) -> Response {
    let t = a.t();
    let held = match a.core().app_passwords(&a.session.user).await {
        Ok(held) => held,
        Err(err) => return a.failure(err),
    };
    let rows = held
        .into_iter()
        .map(|p| AppPasswordRow {
            made: shown_unix(p.created_at),
            last_used: p.last_used.map(shown_unix).unwrap_or_else(|| t.none.to_owned()),
            delete_href: format!("{PATH}/delete?id={}", p.id),
            name: p.name,
            prefix: p.prefix,
        })
        .collect();
    let l = a.layout(t.apw_title, "/account/security");
    let mut response = a.page(&AppPasswordsPage { l, notice, error, rows, name: name.to_owned() });
    *response.status_mut() = status;
    response
}

/// `GET /account/app-passwords` (`?deleted=1` after a deletion).
pub(super) async fn list(a: Account, Query(query): Query<HashMap<String, String>>) -> Response {
    let notice = query.contains_key("deleted").then_some(a.t().apw_deleted);
    page(&a, StatusCode::OK, notice, None, "").await
}

/// `POST /account/app-passwords`: makes one; the answer shows it once.
pub(super) async fn make(a: Account, body: Bytes) -> Response {
    let form = match a.form(&body) {
        Ok(form) => form,
        Err(response) => return *response,
    };
    let t = a.t();
    let (name, current) = (form.get("name").unwrap_or_default(), form.get("current_password").unwrap_or_default());
    if current.is_empty() {
        return page(&a, StatusCode::BAD_REQUEST, None, Some(t.current_required), name).await;
    }
    match a.core().app_password_create(&a.session.user, name, current, &a.v.origin).await {
        Ok(secret) => {
            let l = a.layout(t.apw_title, "/account/security");
            a.page(&AppPasswordShownPage { l, name: name.trim().to_owned(), secret })
        }
        Err(Error::Validation { .. }) => page(&a, StatusCode::BAD_REQUEST, None, Some(t.apw_name_bad), name).await,
        Err(Error::Credential { .. }) => page(&a, StatusCode::UNAUTHORIZED, None, Some(t.current_wrong), name).await,
        Err(Error::Refused(_)) => page(&a, StatusCode::BAD_REQUEST, None, Some(t.apw_cap), name).await,
        Err(err) => a.failure(err),
    }
}

/// `GET /account/app-passwords/delete?id=`: asks before deleting.
pub(super) async fn confirm(a: Account, Query(query): Query<HashMap<String, String>>) -> Response {
    let t = a.t();
    let id = id_of(query.get("id").map(String::as_str));
    let held = match a.core().app_passwords(&a.session.user).await {
        Ok(held) => held,
        Err(err) => return a.failure(err),
    };
    let Some(found) = held.into_iter().find(|p| p.id == id) else { return a.failure(Error::NotFound) };
    let page = ConfirmPage {
        l: a.layout(t.apw_title, "/account/security"),
        question: t.apw_delete_question,
        subject: format!("{} · {}…", found.name, found.prefix),
        text: t.apw_delete_text,
        action: "/account/app-passwords/delete",
        fields: vec![("id", id.to_string())],
        button: t.apw_delete,
        cancel: PATH.to_owned(),
    };
    a.page(&page)
}

/// `POST /account/app-passwords/delete`.
pub(super) async fn delete(a: Account, body: Bytes) -> Response {
    let form = match a.form(&body) {
        Ok(form) => form,
        Err(response) => return *response,
    };
    match a.core().app_password_delete(&a.session.user, id_of(form.get("id")), &a.v.origin).await {
        Ok(()) => redirect(&format!("{PATH}?deleted=1")),
        Err(err) => a.failure(err),
    }
}
