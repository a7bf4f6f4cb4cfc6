//! The Keys page (the platform's operators only): the signing keys with their age, and rotation
//! after a confirmation.

use super::views::{ConfirmPage, KeyRow, KeysPage};
use super::{Console, redirect, shown_time, with_param};
use axum::body::Bytes;
use axum::extract::Query;
use axum::response::Response;
use std::collections::HashMap;

/// `GET /console/keys` (`?rotated=KID` after a rotation).
pub(super) async fn list(c: Console, Query(query): Query<HashMap<String, String>>) -> Response {
    let t = c.t();
    let keys = match c.core().console_keys(&c.session.operator).await {
        Ok(keys) => keys,
        Err(err) => return c.failure(err),
    };
    let now = c.core().clock.now();
    let rows = keys
        .into_iter()
        .map(|k| KeyRow {
            age: t.duration(now - k.created_at),
            status: match k.retires_at {
                None => t.key_signing.to_owned(),
                Some(at) => format!("{} {}", t.key_retiring, shown_time(&kordon_core::clock::format_rfc3339(at))),
            },
            signing: k.retires_at.is_none(),
            kid: k.kid,
        })
        .collect();
    let notice = query.get("rotated").map(|kid| format!("{} {kid}", t.rotated));
    c.page(&KeysPage { l: c.layout(t.nav_keys, "/console/keys"), notice, keys: rows })
}

/// `GET /console/keys/rotate`: are you sure?
pub(super) async fn confirm(c: Console) -> Response {
    let t = c.t();
    if !c.session.operator.platform() {
        return c.failure(kordon_core::Error::forbidden("operators only"));
    }
    let page = ConfirmPage {
        l: c.layout(t.rotate, "/console/keys"),
        question: t.rotate_question,
        text: t.rotate_text,
        subject: t.nav_keys.to_owned(),
        action: "/console/keys/rotate",
        fields: Vec::new(),
        button: t.rotate,
        cancel: "/console/keys".to_owned(),
    };
    c.page(&page)
}

/// `POST /console/keys/rotate`.
pub(super) async fn rotate(c: Console, body: Bytes) -> Response {
    if let Err(response) = c.form(&body) {
        return *response;
    }
    match c.core().console_rotate_keys(&c.session.operator).await {
        Ok(kid) => redirect(&with_param("/console/keys", "rotated", &kid)),
        Err(err) => c.failure(err),
    }
}
