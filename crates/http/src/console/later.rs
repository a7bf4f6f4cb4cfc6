//! The pages still to come (Applications, FlashCall traffic): in the navigation, and saying
//! plainly that they have nothing to show yet.
// TODO(console): fill these with the admin API's core functions (applications and clients,
// FlashCall statistics per prefix and tenant).

use super::Console;
use super::views::LaterPage;
use axum::response::Response;

fn later(c: &Console, title: &'static str, current: &'static str) -> Response {
    c.page(&LaterPage { l: c.layout(title, current) })
}

pub(super) async fn applications(c: Console) -> Response {
    later(&c, c.t().nav_applications, "/console/applications")
}

pub(super) async fn flashcalls(c: Console) -> Response {
    later(&c, c.t().nav_flashcalls, "/console/flashcalls")
}
