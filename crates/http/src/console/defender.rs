//! The Defender page: the hosts blocked now (an account administrator: only those earned on its
//! own logins), and unblocking one after a confirmation; the logins at their daily cap, and
//! forgiving one.

use super::views::{BlockRow, CappedRow, ConfirmPage, DefenderPage};
use super::{Console, redirect, with_param};
use axum::body::Bytes;
use axum::extract::Query;
use axum::response::Response;
use std::collections::HashMap;

type Params = Query<HashMap<String, String>>;

/// `GET /console/defender` (`?unblocked=IP` after an unblock).
pub(super) async fn list(c: Console, Query(query): Params) -> Response {
    let t = c.t();
    let blocks = match c.core().console_blocks(&c.session.operator).await {
        Ok(blocks) => blocks,
        Err(err) => return c.failure(err),
    };
    let now = c.core().clock.now();
    let rows = blocks
        .into_iter()
        .map(|shown| BlockRow {
            unblock_href: with_param("/console/defender/unblock", "ip", &shown.block.ip),
            history_href: with_param("/console/audit", "ip", &shown.block.ip),
            left: t.duration(shown.block.blocked_until - now),
            failures: shown.block.failures,
            reason: t.reason(&shown.block.reason),
            logins: shown.logins.iter().map(|l| shown_login(l)).collect(),
            ip: shown.block.ip,
        })
        .collect();
    let lead = match c.session.operator.platform() {
        true => t.defender_lead_platform,
        false => t.defender_lead_tenant,
    };
    let capped = match c.core().admin_capped_logins(c.session.operator.admin()).await {
        Ok(capped) => capped,
        Err(err) => return c.failure(err),
    };
    let capped = capped
        .into_iter()
        .map(|login| CappedRow {
            shown: shown_login(&login.login),
            user_href: login.user_id.map(|id| format!("/console/user?id={id}")),
            failures: login.failures,
            left: t.duration(login.until - now),
            login: login.login,
        })
        .collect();
    // The notice names only what an unblock or a forgive redirects with (a host key; a login key
    // this session forgave, by the mark only its own redirect carries): a link cannot make the
    // console say anything else.
    let notice = match (query.get("unblocked"), query.get("forgiven")) {
        (Some(ip), _) => kordon_core::net::host_key(ip).map(|host| format!("{} {host}", t.unblocked)),
        (None, Some(login)) if is_login_key(login) && c.marked(login, query.get("mark")) => {
            Some(format!("{} {}", t.forgiven_login, shown_login(login)))
        }
        _ => None,
    };
    let l = c.layout(t.nav_defender, "/console/defender");
    c.page(&DefenderPage { l, lead, notice, blocks: rows, capped })
}

/// Whether `key` is a Defender login key: `email:` and an address, or `phone:` and digits.
fn is_login_key(key: &str) -> bool {
    match key.split_once(':') {
        Some(("email", email)) => {
            !email.contains(|c: char| c.is_whitespace() || c == '"')
                && kordon_core::types::Email::parse("login", email).is_ok()
        }
        Some(("phone", phone)) => !phone.is_empty() && phone.len() <= 15 && phone.bytes().all(|b| b.is_ascii_digit()),
        Some(("mfa", id)) => !id.is_empty() && id.len() <= 18 && id.bytes().all(|b| b.is_ascii_digit()),
        _ => false,
    }
}

/// A Defender login key as a person reads it: the email, the phone (`+7…`), or a person's
/// second factor (`2FA #<user id>`; the row links the user).
fn shown_login(key: &str) -> String {
    match key.split_once(':') {
        Some(("email", email)) => email.to_owned(),
        Some(("phone", phone)) => format!("+{phone}"),
        Some(("mfa", id)) => format!("2FA #{id}"),
        Some((_, rest)) => rest.to_owned(),
        None if key.is_empty() => "—".to_owned(),
        None => key.to_owned(),
    }
}

/// `GET /console/defender/unblock?ip=`: are you sure?
pub(super) async fn confirm(c: Console, Query(query): Params) -> Response {
    let t = c.t();
    let ip = query.get("ip").map(String::as_str).unwrap_or_default();
    let shown = match c.core().console_block(&c.session.operator, ip).await {
        Ok(shown) => shown,
        Err(err) => return c.failure(err),
    };
    let page = ConfirmPage {
        l: c.layout(t.unblock, "/console/defender"),
        question: t.unblock_question,
        text: t.unblock_text,
        subject: shown.block.ip.clone(),
        action: "/console/defender/unblock",
        fields: vec![("ip", shown.block.ip)],
        button: t.unblock,
        cancel: "/console/defender".to_owned(),
    };
    c.page(&page)
}

/// `POST /console/defender/unblock`: lifts the block.
pub(super) async fn unblock(c: Console, body: Bytes) -> Response {
    let form = match c.form(&body) {
        Ok(form) => form,
        Err(response) => return *response,
    };
    let ip = form.get("ip").unwrap_or_default();
    match c.core().console_unblock(&c.session.operator, ip).await {
        Ok(()) => redirect(&with_param("/console/defender", "unblocked", ip.trim())),
        Err(err) => c.failure(err),
    }
}

/// `POST /console/defender/forgive`: lifts a login's cap (not destructive: no confirmation).
pub(super) async fn forgive(c: Console, body: Bytes) -> Response {
    let form = match c.form(&body) {
        Ok(form) => form,
        Err(response) => return *response,
    };
    let login = form.get("login").unwrap_or_default();
    match c.core().admin_forgive_login(c.session.operator.admin(), login).await {
        Ok(()) => {
            let login = login.trim();
            let mark: String = form_urlencoded::byte_serialize(c.mark(login).as_bytes()).collect();
            redirect(&format!("{}&mark={mark}", with_param("/console/defender", "forgiven", login)))
        }
        Err(err) => c.failure(err),
    }
}

#[cfg(test)]
mod tests {
    use super::shown_login;

    #[test]
    fn logins_are_shown_without_their_key_prefix() {
        assert_eq!(shown_login("email:ann@example.com"), "ann@example.com");
        assert_eq!(shown_login("phone:79991234567"), "+79991234567");
        assert_eq!(shown_login("mfa:12"), "2FA #12");
        assert_eq!(shown_login(""), "—");
    }
}
