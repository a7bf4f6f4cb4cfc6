//! Configured durations kept within 0 and a century, and time arithmetic that saturates, so no
//! `now + duration` anywhere (a block's end, a token's expiry) can wrap around into the past.

use crate::settings::Settings;

/// The longest duration kordon takes from configuration: 100 years, in seconds. `now` plus this
/// stays far inside `i64` (and inside every date format and column kordon writes).
pub const MAX_DURATION: i64 = 100 * 366 * 86_400;

/// A configured duration, clamped to `0..=MAX_DURATION`.
pub fn bounded(seconds: i64) -> i64 {
    seconds.clamp(0, MAX_DURATION)
}

/// `now + seconds`, saturating instead of wrapping.
pub fn after(now: i64, seconds: i64) -> i64 {
    now.saturating_add(seconds)
}

impl Settings {
    /// The same settings with every duration clamped (see [`bounded`]): a huge `defender.block`
    /// still blocks, a huge `tokens.access_ttl` still lets tokens live.
    pub fn bounded(mut self) -> Self {
        for seconds in [
            &mut self.tokens.access_ttl,
            &mut self.tokens.refresh_ttl,
            &mut self.tokens.family_ttl,
            &mut self.flashcall.pin_ttl,
            &mut self.flashcall.phone_cooldown,
            &mut self.reset.ttl,
            &mut self.defender.window,
            &mut self.defender.sip.window,
            &mut self.defender.block,
            &mut self.defender.max_block,
            &mut self.defender.account_window,
            &mut self.oauth.access_ttl,
            &mut self.oauth.refresh_ttl,
            &mut self.oauth.family_ttl,
        ] {
            *seconds = bounded(*seconds);
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn huge_durations_are_clamped_and_sums_saturate() {
        let mut settings = Settings::default();
        settings.defender.block = i64::MAX;
        settings.tokens.access_ttl = i64::MIN;
        let settings = settings.bounded();
        assert_eq!(settings.defender.block, MAX_DURATION);
        assert_eq!(settings.tokens.access_ttl, 0);
        assert_eq!(settings.reset.ttl, 3600, "sane values stay");
        assert_eq!(after(i64::MAX - 1, 10), i64::MAX);
        let now = 1_800_000_000;
        assert!(after(now, MAX_DURATION) > now);
    }
}
