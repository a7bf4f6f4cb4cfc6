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
    // In the order: sign-ins, blocked hosts, FlashCalls, the password queue.
    let (succeeded, failed) = figures.signins_hour;
    let mut tiles = vec![
        Tile { label: t.signins_hour, figure: format!("{succeeded} / {failed}"), hint: t.signins_hour_hint.to_owned() },
        Tile { label: t.blocked_now, figure: figures.blocked_now.to_string(), hint: t.blocked_now_hint.to_owned() },
    ];
    // FlashCalls placed against verified over 24 hours, within the console user's scope.
    let calls = match c.core().admin_flashcall_stats(c.session.operator.admin(), 86_400).await {
        Ok(stats) => stats.by_tenant.iter().fold((0, 0), |(p, v), r| (p + r.placed, v + r.verified)),
        Err(err) => return c.failure(err),
    };
    tiles.push(Tile {
        label: t.flashcalls_day,
        figure: format!("{} / {}", calls.0, calls.1),
        hint: t.flashcalls_day_hint.to_owned(),
    });
    if let Some((waiting, threads)) = figures.password_queue {
        tiles.push(Tile {
            label: t.password_queue,
            figure: waiting.to_string(),
            hint: format!("{} {threads} {}", t.password_queue_hint, t.hashing_threads),
        });
    }
    c.page(&OverviewPage { l: c.layout(t.nav_overview, "/console"), tiles })
}
