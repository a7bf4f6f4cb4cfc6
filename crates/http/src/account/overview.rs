//! The Overview: who the person is, and how many sessions and applications they have, each a
//! way to the page that lists them.

use super::Account;
use super::views::{OverviewPage, Tile};
use axum::response::Response;

/// `GET /account`.
pub(super) async fn overview(a: Account) -> Response {
    let t = a.t();
    let (sessions, apps) = match a.core().account_counts(&a.session).await {
        Ok(counts) => counts,
        Err(err) => return a.failure(err),
    };
    let user = &a.session.user;
    let parts = [&user.first_name, &user.middle_name, &user.last_name];
    let name = parts.iter().filter_map(|p| p.as_deref()).collect::<Vec<_>>().join(" ");
    let page = OverviewPage {
        l: a.layout(t.overview_title, "/account"),
        name: a.or_none(Some(&name)),
        email: user.email.clone(),
        phone: a.or_none(user.phone.as_deref()),
        tiles: vec![
            Tile { label: t.tile_sessions, figure: sessions, hint: t.tile_sessions_hint, href: "/account/sessions" },
            Tile { label: t.tile_apps, figure: apps, hint: t.tile_apps_hint, href: "/account/apps" },
        ],
    };
    a.page(&page)
}
