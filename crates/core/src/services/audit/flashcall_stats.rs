//! FlashCall traffic from the audit log: calls placed, verified and refused over a window, by
//! country (the `flashcall.country_prefixes` entry a number falls under), by number prefix and
//! by tenant, each with its conversion (verified ÷ placed). A row with at least
//! `flashcall.alert_min_calls` placed calls and a conversion under `flashcall.alert_conversion`
//! is flagged: calls that nobody answers with their PIN are what toll fraud looks like. The same
//! flags feed `kordon_flashcall_low_conversion` (recounted in the background, never at scrape).

use crate::audit::{FAILURE, SUCCESS, kind};
use crate::error::Result;
use crate::ports::FlashcallCount;
use crate::services::Core;
use serde::Serialize;
use std::collections::BTreeMap;
use std::time::Duration;

/// Number prefixes listed at most (the busiest first).
const PREFIX_ROWS: usize = 50;
/// How often the conversion gauges are recounted.
const RECOUNT_EVERY: Duration = Duration::from_secs(60);
/// The window of the conversion gauges, seconds.
pub const GAUGE_WINDOW: i64 = 86_400;
/// The tenant key of calls that belong to no tenant (registrations, refusals of unknown phones).
pub const NO_TENANT: &str = "none";

/// Calls of one country, number prefix or tenant over the window.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct FlashcallRow {
    /// The country's digits, the number prefix, or the tenant's id; `other` for numbers outside
    /// every allowed country, `none` for calls that belong to no tenant (registrations).
    pub key: String,
    /// Calls placed (delivered to the telephony provider).
    pub placed: i64,
    /// PINs entered right (the phone answered).
    pub verified: i64,
    /// Calls refused by a cap, a denied range, the country list or the Defender.
    pub refused: i64,
    /// Calls the provider could not place.
    pub failed: i64,
    /// verified ÷ placed; none without a placed call.
    pub conversion: Option<f64>,
    /// At least `alert_min_calls` placed and a conversion under `alert_conversion`.
    pub flagged: bool,
}

/// FlashCall traffic over a window.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FlashcallStats {
    /// The window, seconds, ending now.
    pub window: i64,
    /// RFC 3339, UTC.
    pub since: String,
    pub until: String,
    pub alert_conversion: f64,
    pub alert_min_calls: i64,
    pub by_country: Vec<FlashcallRow>,
    pub by_prefix: Vec<FlashcallRow>,
    pub by_tenant: Vec<FlashcallRow>,
}

impl Core {
    /// FlashCall traffic over the last `window` seconds (at most 31 days), of one tenant or all.
    pub async fn flashcall_stats(&self, window: i64, tenant: Option<i64>) -> Result<FlashcallStats> {
        let window = window.clamp(60, 31 * 86_400);
        let now = self.now();
        let counts = self.store.flashcall_counts(now - window, tenant).await?;
        let limits = &self.settings.flashcall;
        let country = |prefix: &str| {
            limits
                .country_prefixes
                .iter()
                .filter(|c| !c.is_empty() && prefix.starts_with(c.as_str()))
                .max_by_key(|c| c.len())
                .cloned()
                .unwrap_or_else(|| "other".into())
        };
        // Every allowed country is listed, with calls or not.
        let by_country = self.rows(&counts, &limits.country_prefixes, |c| country(&c.prefix));
        let mut by_prefix = self.rows(&counts, &[], |c| c.prefix.clone());
        by_prefix.sort_by(|a, b| b.flagged.cmp(&a.flagged).then(b.placed.cmp(&a.placed)).then(a.key.cmp(&b.key)));
        by_prefix.truncate(PREFIX_ROWS);
        let by_tenant = self.rows(&counts, &[], |c| c.tenant_id.map_or_else(|| NO_TENANT.into(), |t| t.to_string()));
        let at = crate::clock::format_rfc3339;
        Ok(FlashcallStats {
            window,
            since: at(now - window),
            until: at(now),
            alert_conversion: limits.alert_conversion,
            alert_min_calls: limits.alert_min_calls,
            by_country,
            by_prefix,
            by_tenant,
        })
    }

    /// The counts folded into rows by `key` (and a row for each of `seeds`), each with its
    /// conversion and flag; by key.
    fn rows(
        &self,
        counts: &[FlashcallCount],
        seeds: &[String],
        key: impl Fn(&FlashcallCount) -> String,
    ) -> Vec<FlashcallRow> {
        let mut rows: BTreeMap<String, FlashcallRow> = seeds
            .iter()
            .filter(|s| !s.is_empty())
            .map(|s| (s.clone(), FlashcallRow { key: s.clone(), ..FlashcallRow::default() }))
            .collect();
        for c in counts {
            let k = key(c);
            let row = rows.entry(k.clone()).or_insert_with(|| FlashcallRow { key: k, ..FlashcallRow::default() });
            match (c.kind.as_str(), c.result.as_str()) {
                (kind::FLASHCALL_PLACED, SUCCESS) => row.placed += c.count,
                (kind::FLASHCALL_PLACED, FAILURE) => row.failed += c.count,
                (kind::FLASHCALL_VERIFIED, _) => row.verified += c.count,
                (kind::FLASHCALL_REFUSED, _) => row.refused += c.count,
                _ => {}
            }
        }
        let limits = &self.settings.flashcall;
        rows.into_values()
            .map(|mut row| {
                row.conversion = (row.placed > 0).then(|| row.verified as f64 / row.placed as f64);
                row.flagged = row.placed >= limits.alert_min_calls.max(1)
                    && row.conversion.is_some_and(|c| c < limits.alert_conversion);
                row
            })
            .collect()
    }

    /// Keeps the conversion gauges current: recounts the last day's FlashCalls every minute
    /// (runs while metrics are on; a store error leaves the last figures).
    pub async fn watch_flashcall_conversion(&self) {
        let mut every = tokio::time::interval(RECOUNT_EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            match self.flashcall_stats(GAUGE_WINDOW, None).await {
                Ok(stats) => {
                    let countries: Vec<_> =
                        stats.by_country.iter().map(|r| (r.key.clone(), r.conversion, r.flagged)).collect();
                    let prefixes = stats.by_prefix.iter().filter(|r| r.flagged).count();
                    crate::metrics::flashcall_conversion(&countries, prefixes);
                }
                Err(err) => tracing::warn!(error = %err, "FlashCall conversion: recount failed"),
            }
        }
    }
}
