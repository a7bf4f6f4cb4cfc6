//! The Applications pages, on the admin services (`admin_*application*`, scoped by the console
//! user's `Admin`): the list with a form to register one; an application's page (its facts, its
//! name and redirect URIs to change, trust for the platform's operators); rotating the secret and
//! deleting after a confirmation. A new secret is shown once, in the answer to the POST that made
//! it (never in a URL, never again: kordon keeps only its digest), on a page not to be cached.

use super::views::{AppRow, ApplicationPage, ApplicationsPage, Question, SecretPage};
use super::{Console, Form, id_of, redirect};
use axum::body::Bytes;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::Response;
use kordon_core::Error;
use kordon_core::oidc_types::ClientPatch;
use kordon_core::services::{NewApplication, is_builtin};
use kordon_core::types::admin::ClientRecord;
use std::collections::HashMap;

type Params = Query<HashMap<String, String>>;

const LIST: &str = "/console/applications";

fn app_href(id: i64) -> String {
    format!("/console/application?id={id}")
}

/// The redirect URIs of a textarea, one a line (blank lines left out; the core checks each).
fn uris_of(text: &str) -> Vec<String> {
    text.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect()
}

/// When an application was registered; clients seeded before kordon kept the time have 0.
fn created(record: &ClientRecord) -> String {
    match record.created_at {
        0 => "—".to_owned(),
        at => crate::html::shown_unix(at),
    }
}

/// A refusal the page can show next to its form (what was typed is kept); any other failure
/// answers with its own page.
fn form_error(err: Error) -> Result<String, Error> {
    match err {
        Error::Validation { message, .. } | Error::Refused(message) => Ok(message),
        other => Err(other),
    }
}

/// What the new-application form holds (empty, or as typed when it was refused).
#[derive(Default)]
struct Typed {
    name: String,
    uris: String,
    trusted: bool,
    /// Its sign-ins must carry a second factor (the application page's box).
    require_mfa: bool,
    error: Option<String>,
}

async fn list_page(c: &Console, notice: Option<&'static str>, typed: Typed) -> Response {
    let t = c.t();
    let records = match c.core().admin_applications(c.session.operator.admin()).await {
        Ok(records) => records,
        Err(err) => return c.failure(err),
    };
    let apps = records
        .iter()
        .map(|r| AppRow {
            id: r.client.id,
            href: app_href(r.client.id),
            name: r.client.name.clone(),
            uris: r.client.redirect_uris.clone(),
            trusted: r.client.trusted,
            created: created(r),
        })
        .collect();
    let platform = c.session.operator.platform();
    let page = ApplicationsPage {
        l: c.layout(t.nav_applications, LIST),
        lead: if platform { t.apps_lead_platform } else { t.apps_lead_tenant },
        notice,
        apps,
        platform,
        error: typed.error,
        name: typed.name,
        uris: typed.uris,
        trusted: typed.trusted,
    };
    c.page(&page)
}

/// `GET /console/applications` (`?done=deleted` after a delete).
pub(super) async fn list(c: Console, Query(query): Params) -> Response {
    let notice = (query.get("done").map(String::as_str) == Some("deleted")).then_some(c.t().app_deleted_done);
    list_page(&c, notice, Typed::default()).await
}

/// `POST /console/applications`: registers an application owned by the console user; the answer
/// shows its secret once. Refused input shows the list again with the form as typed.
pub(super) async fn create(c: Console, body: Bytes) -> Response {
    let form = match c.form(&body) {
        Ok(form) => form,
        Err(response) => return *response,
    };
    let typed = Typed {
        name: form.get("name").unwrap_or_default().to_owned(),
        uris: form.get("redirect_uris").unwrap_or_default().to_owned(),
        // Only the operator's form has the box; a tenant posting it is refused by the core.
        trusted: form.get("trusted").is_some(),
        require_mfa: false,
        error: None,
    };
    let new = NewApplication {
        name: Some(typed.name.clone()),
        redirect_uris: uris_of(&typed.uris),
        trusted: typed.trusted,
        ..NewApplication::default()
    };
    match c.core().admin_create_application(c.session.operator.admin(), new).await {
        Ok((record, secret)) => secret_page(&c, c.t().app_created_done, &record, secret),
        Err(err) => match form_error(err) {
            Ok(why) => {
                let mut response = list_page(&c, None, Typed { error: Some(why), ..typed }).await;
                if response.status() == StatusCode::OK {
                    *response.status_mut() = StatusCode::BAD_REQUEST;
                }
                response
            }
            Err(err) => c.failure(err),
        },
    }
}

/// The page that shows a secret, once: the answer to the POST that made it.
fn secret_page(c: &Console, lead: &'static str, record: &ClientRecord, secret: Option<String>) -> Response {
    let page = SecretPage {
        l: c.layout(&record.client.name, LIST),
        lead,
        client_id: record.client.id,
        secret,
        app_href: app_href(record.client.id),
    };
    c.page(&page)
}

/// An application in scope that the console may change: not found out of scope; kordon's own
/// clients refused (kordon registers them again at every start, and the console and the account
/// page sign in through them, so the console neither changes, rotates nor deletes them).
async fn changeable(c: &Console, id: i64) -> Result<ClientRecord, Response> {
    let t = c.t();
    match c.core().admin_application(c.session.operator.admin(), id).await {
        Ok(record) if is_builtin(record.client.id) => {
            Err(c.message(StatusCode::BAD_REQUEST, t.refused_title, t.app_builtin, None))
        }
        Ok(record) => Ok(record),
        Err(err) => Err(c.failure(err)),
    }
}

async fn app_page(c: &Console, id: i64, notice: Option<&'static str>, typed: Option<Typed>) -> Response {
    let t = c.t();
    let record = match c.core().admin_application(c.session.operator.admin(), id).await {
        Ok(record) => record,
        Err(err) => return c.failure(err),
    };
    let client = &record.client;
    let typed = typed.unwrap_or_else(|| Typed {
        name: client.name.clone(),
        uris: client.redirect_uris.join("\n"),
        trusted: client.trusted,
        require_mfa: client.require_mfa,
        error: None,
    });
    let owner = match (client.owner_user_id, record.owner_account_id) {
        (Some(user), Some(account)) => format!("{} {user} · {} {account}", t.app_owner_user, t.app_owner_account),
        (Some(user), None) => format!("{} {user}", t.app_owner_user),
        _ => t.app_owner_none.to_owned(),
    };
    let page = ApplicationPage {
        l: c.layout(&client.name, LIST),
        notice,
        id,
        kind: if client.public { t.app_public } else { t.app_confidential },
        grants: client.grants.join(", "),
        owner,
        trusted: client.trusted,
        require_mfa: client.require_mfa,
        created: created(&record),
        uris: client.redirect_uris.clone(),
        builtin: is_builtin(id),
        public: client.public,
        platform: c.session.operator.platform(),
        rotate_href: format!("/console/application/secret?id={id}"),
        delete_href: format!("/console/application/delete?id={id}"),
        error: typed.error,
        name: typed.name,
        uris_text: typed.uris,
        trusted_checked: typed.trusted,
        require_mfa_checked: typed.require_mfa,
    };
    let mut response = c.page(&page);
    if page.error.is_some() {
        *response.status_mut() = StatusCode::BAD_REQUEST;
    }
    response
}

/// `GET /console/application?id=` (`&done=saved` after a change).
pub(super) async fn application(c: Console, Query(query): Params) -> Response {
    let id = id_of(query.get("id").map(String::as_str));
    let notice = (query.get("done").map(String::as_str) == Some("saved")).then_some(c.t().app_saved_done);
    app_page(&c, id, notice, None).await
}

/// The change a form asks for: only what differs from the application as it is (the audit line
/// names what changed). Trust only from the operator's form, which always has the box.
fn patch_of(c: &Console, form: &Form, current: &ClientRecord) -> ClientPatch {
    let name = form.get("name").unwrap_or_default();
    let uris = uris_of(form.get("redirect_uris").unwrap_or_default());
    let trusted = match c.session.operator.platform() {
        true => form.get("trusted").is_some(),
        // A tenant's form has no box: one posted anyway is the core's to refuse.
        false => form.get("trusted").is_some() || current.client.trusted,
    };
    let require_mfa = form.get("require_mfa").is_some();
    ClientPatch {
        name: (name.trim() != current.client.name).then(|| name.to_owned()),
        redirect_uris: (uris != current.client.redirect_uris).then_some(uris),
        trusted: (trusted != current.client.trusted).then_some(trusted),
        require_mfa: (require_mfa != current.client.require_mfa).then_some(require_mfa),
        grants: None,
        post_logout_redirect_uris: None,
    }
}

/// `POST /console/application`: saves the name, the redirect URIs, whether sign-ins need a second
/// factor and (the operator) trust.
pub(super) async fn update(c: Console, body: Bytes) -> Response {
    let form = match c.form(&body) {
        Ok(form) => form,
        Err(response) => return *response,
    };
    let id = id_of(form.get("id"));
    let admin = c.session.operator.admin();
    let current = match changeable(&c, id).await {
        Ok(current) => current,
        Err(response) => return response,
    };
    let patch = patch_of(&c, &form, &current);
    match c.core().admin_update_application(admin, id, patch).await {
        Ok(_) => redirect(&format!("{}&done=saved", app_href(id))),
        Err(err) => match form_error(err) {
            Ok(why) => {
                let typed = Typed {
                    name: form.get("name").unwrap_or_default().to_owned(),
                    uris: form.get("redirect_uris").unwrap_or_default().to_owned(),
                    trusted: form.get("trusted").is_some(),
                    require_mfa: form.get("require_mfa").is_some(),
                    error: Some(why),
                };
                app_page(&c, id, None, Some(typed)).await
            }
            Err(err) => c.failure(err),
        },
    }
}

async fn confirm(c: Console, query: &HashMap<String, String>, q: Question) -> Response {
    let id = id_of(query.get("id").map(String::as_str));
    let record = match changeable(&c, id).await {
        Ok(record) => record,
        Err(response) => return response,
    };
    let subject = format!("{} · {}", record.client.name, record.client.id);
    c.page(&q.page(c.layout(q.title, LIST), subject, app_href(id), id))
}

/// `GET /console/application/secret?id=`: are you sure?
pub(super) async fn confirm_rotate(c: Console, Query(query): Params) -> Response {
    let t = c.t();
    let q = Question {
        title: t.app_rotate,
        question: t.app_rotate_question,
        text: t.app_rotate_text,
        action: "/console/application/secret",
        button: t.app_rotate,
    };
    confirm(c, &query, q).await
}

/// `GET /console/application/delete?id=`: are you sure?
pub(super) async fn confirm_delete(c: Console, Query(query): Params) -> Response {
    let t = c.t();
    let q = Question {
        title: t.delete,
        question: t.app_delete_question,
        text: t.app_delete_text,
        action: "/console/application/delete",
        button: t.delete,
    };
    confirm(c, &query, q).await
}

/// `POST /console/application/secret`: a new secret, shown once in this answer.
pub(super) async fn rotate(c: Console, body: Bytes) -> Response {
    let form = match c.form(&body) {
        Ok(form) => form,
        Err(response) => return *response,
    };
    let record = match changeable(&c, id_of(form.get("id"))).await {
        Ok(record) => record,
        Err(response) => return response,
    };
    match c.core().admin_rotate_application_secret(c.session.operator.admin(), record.client.id).await {
        Ok(secret) => secret_page(&c, c.t().app_rotated, &record, Some(secret)),
        Err(err) => c.failure(err),
    }
}

/// `POST /console/application/delete`.
pub(super) async fn delete(c: Console, body: Bytes) -> Response {
    let form = match c.form(&body) {
        Ok(form) => form,
        Err(response) => return *response,
    };
    let id = id_of(form.get("id"));
    if let Err(response) = changeable(&c, id).await {
        return response;
    }
    match c.core().admin_delete_application(c.session.operator.admin(), id).await {
        Ok(()) => redirect(&format!("{LIST}?done=deleted")),
        Err(err) => c.failure(err),
    }
}

#[cfg(test)]
mod tests {
    use super::uris_of;

    #[test]
    fn redirect_uris_are_one_a_line_blank_lines_left_out() {
        let text = " https://a.example/cb \r\n\r\nhttp://127.0.0.1:8080/cb\n  \n";
        assert_eq!(uris_of(text), ["https://a.example/cb", "http://127.0.0.1:8080/cb"]);
        assert!(uris_of("").is_empty());
    }
}
