//! The page still to come (Applications): in the navigation, and saying plainly that it has
//! nothing to show yet.
// TODO(console): fill it with the admin API's core functions (admin_applications, …).

use super::Console;
use super::views::LaterPage;
use axum::response::Response;

fn later(c: &Console, title: &'static str, current: &'static str) -> Response {
    c.page(&LaterPage { l: c.layout(title, current) })
}

pub(super) async fn applications(c: Console) -> Response {
    later(&c, c.t().nav_applications, "/console/applications")
}
