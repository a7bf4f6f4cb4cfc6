//! Connected apps: what the person allowed each application (its publisher and the scopes in
//! words); "Withdraw" asks, then ends the consent and the application's tokens.

use super::views::{AppRow, AppsPage, ConfirmPage};
use super::{Account, redirect};
use crate::html::shown_unix;
use crate::pages::id_of;
use axum::body::Bytes;
use axum::extract::Query;
use axum::response::Response;
use std::collections::HashMap;

const PATH: &str = "/account/apps";

/// `GET /account/apps` (`?withdrawn=1` after a withdrawal).
pub(super) async fn list(a: Account, Query(query): Query<HashMap<String, String>>) -> Response {
    let t = a.t();
    let words = crate::oidc::texts::texts(a.v.origin.locale.as_deref());
    let apps = match a.core().account_apps(&a.session).await {
        Ok(apps) => apps,
        Err(err) => return a.failure(err),
    };
    let rows = apps
        .into_iter()
        .map(|app| AppRow {
            publisher: words.publisher(&app.publisher),
            allowed: app.scopes.iter().map(|s| words.scope(s)).collect(),
            granted: shown_unix(app.granted_at),
            withdraw_href: format!("{PATH}/withdraw?client={}", app.client_id),
            name: app.name,
        })
        .collect();
    let notice = query.contains_key("withdrawn").then_some(t.withdrawn);
    a.page(&AppsPage { l: a.layout(t.nav_apps, PATH), notice, apps: rows })
}

/// `GET /account/apps/withdraw?client=`: asks before withdrawing.
pub(super) async fn confirm(a: Account, Query(query): Query<HashMap<String, String>>) -> Response {
    let t = a.t();
    let client_id = id_of(query.get("client").map(String::as_str));
    let app = match a.core().account_app(&a.session, client_id).await {
        Ok(app) => app,
        Err(err) => return a.failure(err),
    };
    let page = ConfirmPage {
        l: a.layout(t.nav_apps, PATH),
        question: t.withdraw_question,
        subject: app.name,
        text: t.withdraw_text,
        action: "/account/apps/withdraw",
        fields: vec![("client", client_id.to_string())],
        button: t.withdraw,
        cancel: PATH.to_owned(),
    };
    a.page(&page)
}

/// `POST /account/apps/withdraw`.
pub(super) async fn withdraw(a: Account, body: Bytes) -> Response {
    let form = match a.form(&body) {
        Ok(form) => form,
        Err(response) => return *response,
    };
    match a.core().account_withdraw(&a.session, id_of(form.get("client"))).await {
        Ok(()) => redirect(&format!("{PATH}?withdrawn=1")),
        Err(err) => a.failure(err),
    }
}
