//! `GET /console`: the Overview.

use super::Console;
use super::views::{OverviewPage, Tile};
use axum::response::Response;

pub(super) async fn overview(c: Console) -> Response {
    let t = c.t();
    let figures = match c.core().console_overview(&c.session.operator).await {
        Ok(figures) => figures,
        Err(err) => return c.failure(err),
    };
    let mut tiles = vec![Tile {
        label: t.blocked_now,
        figure: Some(figures.blocked_now.to_string()),
        hint: t.blocked_now_hint.to_owned(),
    }];
    if let Some((waiting, threads)) = figures.password_queue {
        tiles.push(Tile {
            label: t.password_queue,
            figure: Some(waiting.to_string()),
            hint: format!("{} {threads} {}", t.password_queue_hint, t.hashing_threads),
        });
    }
    // TODO(console): sign-ins of the last hour (succeeded / failed) and FlashCalls placed against
    // verified come from the audit log and the admin API's FlashCall statistics; until the core
    // has them they are shown as "not yet", never as a number.
    for label in [t.signins_hour, t.flashcalls_day] {
        tiles.push(Tile { label, figure: None, hint: t.not_yet_hint.to_owned() });
    }
    c.page(&OverviewPage { l: c.layout(t.nav_overview, "/console"), tiles })
}
