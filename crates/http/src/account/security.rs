//! Security: passkeys (how many, and a link to their page), calls to the phone as a second factor (on or off, with the password), the
//! authenticator app (set up: its QR code and key, then the first code and the
//! current password switch it on and show the recovery codes once; remove, with the password)
//! and recovery codes made anew (with the password). The login page asks for a code once the
//! app is on, and every dialect's password sign-in does too (`Core::second_factor_with`).

use super::views::{RecoveryPage, RemovePage, SecurityPage, TotpPage};
use super::{Account, redirect};
use axum::body::Bytes;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::Response;
use kordon_core::Error;
use kordon_core::services::TotpEnrolment;
use std::collections::HashMap;

const PATH: &str = "/account/security";

/// `GET /account/security` (`?on=1`, `?removed=1`, `?flashcall=on|off` after an action).
pub(super) async fn security(a: Account, Query(query): Query<HashMap<String, String>>) -> Response {
    let t = a.t();
    let notice = match query.get("flashcall").map(String::as_str) {
        Some("on") => Some(t.fc_switched_on),
        Some(_) => Some(t.fc_switched_off),
        None if query.contains_key("on") => Some(t.totp_switched_on),
        None if query.contains_key("removed") => Some(t.totp_removed),
        None => None,
    };
    page(&a, StatusCode::OK, notice, None).await
}

async fn page(a: &Account, status: StatusCode, notice: Option<&'static str>, error: Option<&'static str>) -> Response {
    let core = a.core();
    let (state, app_passwords) =
        match tokio::try_join!(core.mfa_state(a.session.user.id), core.app_passwords(&a.session.user)) {
            Ok(read) => read,
            Err(err) => return a.failure(err),
        };
    let l = a.layout(a.t().nav_security, PATH);
    let (totp, recovery_left, flashcall, app_passwords) =
        (state.totp, state.recovery_left, state.flashcall, app_passwords.len());
    let phone = a.session.user.phone.as_deref().filter(|p| !p.is_empty()).map(crate::oidc::shown_phone);
    let (passkeys, any) = (state.passkeys, state.on());
    let page = SecurityPage { l, notice, error, totp, recovery_left, flashcall, phone, app_passwords, passkeys, any };
    let mut response = a.page(&page);
    *response.status_mut() = status;
    response
}

/// The enrolment page of `enrolment`.
fn enrol_page(a: &Account, enrolment: &TotpEnrolment, status: StatusCode, error: Option<&'static str>) -> Response {
    let t = a.t();
    let Some(qr) = crate::qr::svg(&enrolment.uri, t.enrol_scan) else {
        return a.failure(Error::internal("an enrolment URI does not fit a QR code"));
    };
    let chars: Vec<char> = enrolment.secret.chars().collect();
    let key = chars.chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join(" ");
    let mut response = a.page(&TotpPage { l: a.layout(t.totp_title, PATH), qr, key, error });
    *response.status_mut() = status;
    response
}

/// `POST /account/security/totp`: begins setting up an authenticator (a fresh key each time).
pub(super) async fn begin(a: Account, body: Bytes) -> Response {
    if let Err(response) = a.form(&body) {
        return *response;
    }
    match a.core().totp_begin(&a.session.user).await {
        Ok(enrolment) => enrol_page(&a, &enrolment, StatusCode::OK, None),
        // On already (another tab): the page says so.
        Err(Error::Refused(_)) => redirect(PATH),
        Err(err) => a.failure(err),
    }
}

/// `POST /account/security/totp/confirm`: the first code and the current password.
pub(super) async fn confirm(a: Account, body: Bytes) -> Response {
    let form = match a.form(&body) {
        Ok(form) => form,
        Err(response) => return *response,
    };
    let t = a.t();
    let user = &a.session.user;
    let (code, current) = (form.get("code").unwrap_or_default(), form.get("current_password").unwrap_or_default());
    if current.is_empty() {
        return enrol_again(&a, t.current_required, StatusCode::BAD_REQUEST).await;
    }
    match a.core().totp_confirm(user, code, current, &a.v.origin).await {
        Ok(Some(codes)) => {
            let l = a.layout(t.recovery_title, PATH);
            a.page(&RecoveryPage { l, notice: Some(t.totp_switched_on), codes })
        }
        Ok(None) => redirect(&format!("{PATH}?on=1")),
        Err(Error::Credential { field: None, .. }) => enrol_again(&a, t.current_wrong, StatusCode::UNAUTHORIZED).await,
        Err(Error::Credential { .. }) => enrol_again(&a, t.code_wrong, StatusCode::UNAUTHORIZED).await,
        // Nothing being set up (switched on meanwhile, or never begun): the page tells the state.
        Err(Error::Refused(_)) => redirect(PATH),
        Err(err) => a.failure(err),
    }
}

/// The enrolment under way again, with why it did not switch on.
async fn enrol_again(a: &Account, why: &'static str, status: StatusCode) -> Response {
    match a.core().totp_pending(&a.session.user).await {
        Ok(enrolment) => enrol_page(a, &enrolment, status, Some(why)),
        Err(err) => a.failure(err),
    }
}

/// `GET /account/security/totp/remove`: asks, with the password.
pub(super) async fn remove_question(a: Account) -> Response {
    a.page(&RemovePage { l: a.layout(a.t().totp_title, PATH), error: None })
}

/// `POST /account/security/totp/remove`.
pub(super) async fn remove(a: Account, body: Bytes) -> Response {
    let form = match a.form(&body) {
        Ok(form) => form,
        Err(response) => return *response,
    };
    let t = a.t();
    let refused = |why: &'static str, status: StatusCode| {
        let mut response = a.page(&RemovePage { l: a.layout(t.totp_title, PATH), error: Some(why) });
        *response.status_mut() = status;
        response
    };
    let current = form.get("current_password").unwrap_or_default();
    if current.is_empty() {
        return refused(t.current_required, StatusCode::BAD_REQUEST);
    }
    match a.core().totp_remove(&a.session.user, current, &a.v.origin).await {
        Ok(_) => redirect(&format!("{PATH}?removed=1")),
        Err(Error::Credential { .. }) => refused(t.current_wrong, StatusCode::UNAUTHORIZED),
        Err(err) => a.failure(err),
    }
}

/// A Security form once its CSRF token is this session's and it carries the current password;
/// otherwise the page that answers it.
async fn with_password(a: &Account, body: &[u8]) -> Result<crate::html::Form, Response> {
    let form = a.form(body).map_err(|response| *response)?;
    match form.get("current_password").unwrap_or_default().is_empty() {
        true => Err(page(a, StatusCode::BAD_REQUEST, None, Some(a.t().current_required)).await),
        false => Ok(form),
    }
}

/// `POST /account/security/recovery`: new recovery codes (the old ones end), with the password.
pub(super) async fn recovery(a: Account, body: Bytes) -> Response {
    let form = match with_password(&a, &body).await {
        Ok(form) => form,
        Err(response) => return response,
    };
    let (t, current) = (a.t(), form.get("current_password").unwrap_or_default());
    match a.core().recovery_codes_anew(&a.session.user, current, &a.v.origin).await {
        Ok(codes) => a.page(&RecoveryPage { l: a.layout(t.recovery_title, PATH), notice: None, codes }),
        Err(Error::Credential { .. }) => page(&a, StatusCode::UNAUTHORIZED, None, Some(t.current_wrong)).await,
        Err(Error::Refused(_)) => redirect(PATH),
        Err(err) => a.failure(err),
    }
}

/// `POST /account/security/flashcall`: switches calls to the phone on (`on=1`) or off, with the
/// password; switched on with no recovery codes left, the new ones are shown once.
pub(super) async fn flashcall(a: Account, body: Bytes) -> Response {
    let form = match with_password(&a, &body).await {
        Ok(form) => form,
        Err(response) => return response,
    };
    let (t, current) = (a.t(), form.get("current_password").unwrap_or_default());
    let (core, user, origin) = (a.core(), &a.session.user, &a.v.origin);
    let done = match form.get("on") == Some("1") {
        true => core.flashcall_factor_on(user, current, origin).await.map(|codes| ("on", codes)),
        false => core.flashcall_factor_off(user, current, origin).await.map(|()| ("off", None)),
    };
    match done {
        Ok((_, Some(codes))) => {
            a.page(&RecoveryPage { l: a.layout(t.recovery_title, PATH), notice: Some(t.fc_switched_on), codes })
        }
        Ok((state, None)) => redirect(&format!("{PATH}?flashcall={state}")),
        Err(Error::Credential { .. }) => page(&a, StatusCode::UNAUTHORIZED, None, Some(t.current_wrong)).await,
        // On or off already (another tab), or no phone: the page tells the state.
        Err(Error::Refused(_)) => redirect(PATH),
        Err(err) => a.failure(err),
    }
}
