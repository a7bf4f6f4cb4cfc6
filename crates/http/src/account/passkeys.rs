//! Passkeys: the list (name, where each is kept, made, last used), "Add" with a name and the
//! current password (then a step that runs `passkey.js`, the one page script, to create it in the
//! browser), and "Remove", which asks with the password. Once a person has one, the login page
//! offers it after the password, and "Sign in with a passkey" signs them in with it alone.

use super::views::{PasskeyAddPage, PasskeyRemovePage, PasskeyRow, PasskeysPage, RecoveryPage};
use super::{Account, redirect};
use crate::html::shown_unix;
use crate::pages::id_of;
use axum::body::Bytes;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::Response;
use kordon_core::Error;
use kordon_core::services::{PASSKEY_KNOWN, PASSKEYS_FULL, passkey_name};
use std::collections::HashMap;

const PATH: &str = "/account/passkeys";
const SECURITY: &str = "/account/security";

/// The page, with `notice`, or with `error` (and the name typed) after a refused "Add".
async fn page(
    a: &Account,
    status: StatusCode,
    notice: Option<&'static str>,
    error: Option<&'static str>,
    name: &str,
) -> Response {
    let t = a.t();
    let held = match a.core().passkeys(a.session.user.id).await {
        Ok(held) => held,
        Err(err) => return a.failure(err),
    };
    let rows = held
        .into_iter()
        .map(|p| PasskeyRow {
            kind: if p.attachment == "platform" { t.pk_platform } else { t.pk_roaming },
            made: shown_unix(p.created_at),
            last_used: p.last_used.map(shown_unix).unwrap_or_else(|| t.none.to_owned()),
            remove_href: format!("{PATH}/remove?id={}", p.id),
            name: p.name,
        })
        .collect();
    let l = a.layout(t.pk_title, SECURITY);
    let mut response = a.page(&PasskeysPage { l, notice, error, rows, name: name.to_owned() });
    *response.status_mut() = status;
    response
}

/// `GET /account/passkeys` (`?added=1`, `?removed=1` after an action).
pub(super) async fn list(a: Account, Query(query): Query<HashMap<String, String>>) -> Response {
    let t = a.t();
    let notice = match () {
        _ if query.contains_key("added") => Some(t.pk_added),
        _ if query.contains_key("removed") => Some(t.pk_removed),
        _ => None,
    };
    page(&a, StatusCode::OK, notice, None, "").await
}

/// `POST /account/passkeys`: a name and the current password begin a registration; the answer
/// is the step that creates the passkey in the browser.
pub(super) async fn begin(a: Account, body: Bytes) -> Response {
    let form = match a.form(&body) {
        Ok(form) => form,
        Err(response) => return *response,
    };
    let t = a.t();
    let (name, current) = (form.get("name").unwrap_or_default(), form.get("current_password").unwrap_or_default());
    if current.is_empty() {
        return page(&a, StatusCode::BAD_REQUEST, None, Some(t.current_required), name).await;
    }
    let Ok(name) = passkey_name(name) else {
        return page(&a, StatusCode::BAD_REQUEST, None, Some(t.pk_name_bad), name.trim()).await;
    };
    match a.core().passkey_register_begin(&a.session.user, current, &a.v.origin).await {
        Ok(options) => {
            let page = PasskeyAddPage { l: a.layout(t.pk_title, SECURITY), options, name: name.to_owned() };
            crate::html::page_with_script(StatusCode::OK, &page, None)
        }
        Err(Error::Credential { .. }) => page(&a, StatusCode::UNAUTHORIZED, None, Some(t.current_wrong), name).await,
        Err(Error::Refused(_)) => page(&a, StatusCode::BAD_REQUEST, None, Some(t.pk_cap), name).await,
        Err(err) => a.failure(err),
    }
}

/// `POST /account/passkeys/finish`: the browser's answer and the name; recovery codes are shown
/// once when the person had none left.
pub(super) async fn finish(a: Account, body: Bytes) -> Response {
    let form = match a.form(&body) {
        Ok(form) => form,
        Err(response) => return *response,
    };
    let t = a.t();
    let (name, response) = (form.get("name").unwrap_or_default(), form.get("response").unwrap_or_default());
    match a.core().passkey_register_finish(&a.session.user, name, response, &a.v.origin).await {
        Ok(Some(codes)) => {
            a.page(&RecoveryPage { l: a.layout(t.recovery_title, SECURITY), notice: Some(t.pk_added), codes })
        }
        Ok(None) => redirect(&format!("{PATH}?added=1")),
        Err(Error::Validation { field: "name", .. }) => {
            page(&a, StatusCode::BAD_REQUEST, None, Some(t.pk_name_bad), name).await
        }
        Err(Error::Refused(why)) if why == PASSKEY_KNOWN => {
            page(&a, StatusCode::BAD_REQUEST, None, Some(t.pk_known), name).await
        }
        Err(Error::Refused(why)) if why == PASSKEYS_FULL => {
            page(&a, StatusCode::BAD_REQUEST, None, Some(t.pk_cap), name).await
        }
        Err(Error::Refused(_) | Error::Credential { .. } | Error::Validation { .. }) => {
            page(&a, StatusCode::BAD_REQUEST, None, Some(t.pk_expired), name).await
        }
        Err(err) => a.failure(err),
    }
}

/// The person's passkey `id` as (id, name); NotFound when it is not theirs.
async fn own(a: &Account, id: i64) -> Result<(i64, String), Error> {
    let held = a.core().passkeys(a.session.user.id).await?;
    held.into_iter().find(|p| p.id == id).map(|p| (p.id, p.name)).ok_or(Error::NotFound)
}

/// `GET /account/passkeys/remove?id=`: asks, with the password.
pub(super) async fn remove_question(a: Account, Query(query): Query<HashMap<String, String>>) -> Response {
    match own(&a, id_of(query.get("id").map(String::as_str))).await {
        Ok((id, name)) => a.page(&PasskeyRemovePage { l: a.layout(a.t().pk_title, SECURITY), id, name, error: None }),
        Err(err) => a.failure(err),
    }
}

/// `POST /account/passkeys/remove`.
pub(super) async fn remove(a: Account, body: Bytes) -> Response {
    let form = match a.form(&body) {
        Ok(form) => form,
        Err(response) => return *response,
    };
    let t = a.t();
    let (id, name) = match own(&a, id_of(form.get("id"))).await {
        Ok(found) => found,
        Err(err) => return a.failure(err),
    };
    let refused = |why: &'static str, status: StatusCode| {
        let mut response =
            a.page(&PasskeyRemovePage { l: a.layout(t.pk_title, SECURITY), id, name: name.clone(), error: Some(why) });
        *response.status_mut() = status;
        response
    };
    let current = form.get("current_password").unwrap_or_default();
    if current.is_empty() {
        return refused(t.current_required, StatusCode::BAD_REQUEST);
    }
    match a.core().passkey_remove(&a.session.user, id, current, &a.v.origin).await {
        Ok(()) => redirect(&format!("{PATH}?removed=1")),
        Err(Error::Credential { .. }) => refused(t.current_wrong, StatusCode::UNAUTHORIZED),
        Err(err) => a.failure(err),
    }
}
