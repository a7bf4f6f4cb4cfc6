//! PBX domain settings ("platform parameters"): shown and changed by operators.

use crate::error::{Error, Result};
use crate::services::Core;
use crate::types::Domain;

/// Changes to a domain; `None` leaves a setting as it is.
#[derive(Debug, Default)]
pub struct DomainPatch {
    pub mode: Option<i64>,
    /// `Some(None)` clears it.
    pub test_until: Option<Option<i64>>,
    pub balance: Option<String>,
    pub block_inbound: Option<bool>,
    pub block_outbound: Option<bool>,
    pub block_face: Option<bool>,
    pub tz: Option<String>,
    pub locale: Option<String>,
    pub token_ttl: Option<i64>,
    /// Every person of the tenant must sign in with a second factor.
    pub require_mfa: Option<bool>,
}

impl Core {
    pub async fn admin_domain(&self, name: &str) -> Result<Domain> {
        self.store.domain_by_name(&name.trim().to_lowercase()).await?.ok_or(Error::NotFound)
    }

    pub async fn admin_update_domain(&self, name: &str, patch: DomainPatch) -> Result<Domain> {
        let mut d = self.admin_domain(name).await?;
        if let Some(mode) = patch.mode {
            d.mode = mode;
        }
        if let Some(test_until) = patch.test_until {
            d.test_until = test_until;
        }
        if let Some(balance) = patch.balance {
            d.balance = parse_decimal(&balance)?;
        }
        d.block_inbound = patch.block_inbound.unwrap_or(d.block_inbound);
        d.block_outbound = patch.block_outbound.unwrap_or(d.block_outbound);
        d.block_face = patch.block_face.unwrap_or(d.block_face);
        d.require_mfa = patch.require_mfa.unwrap_or(d.require_mfa);
        if let Some(tz) = patch.tz {
            jiff::tz::TimeZone::get(&tz)
                .map_err(|_| Error::validation("tz", "The tz must be a valid IANA time zone."))?;
            d.tz = tz;
        }
        if let Some(locale) = patch.locale {
            let ok = locale.len() <= 16 && locale.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
            if !ok || locale.is_empty() {
                return Err(Error::validation("locale", "The locale format is invalid."));
            }
            d.locale = locale;
        }
        if let Some(ttl) = patch.token_ttl {
            if !(60..=30 * 86400).contains(&ttl) {
                return Err(Error::validation("token_ttl", "The token_ttl must be between 60 and 2592000 seconds."));
            }
            d.token_ttl = ttl;
        }
        self.store.update_domain(&d).await?;
        self.forget().await;
        Ok(d)
    }
}

/// An exact decimal kept as text: digits, an optional sign and fraction ("1000.0", "-5.25").
fn parse_decimal(raw: &str) -> Result<String> {
    let raw = raw.trim();
    let unsigned = raw.strip_prefix('-').unwrap_or(raw);
    let (int, frac) = unsigned.split_once('.').unwrap_or((unsigned, "0"));
    let digits = |s: &str| !s.is_empty() && s.len() <= 20 && s.chars().all(|c| c.is_ascii_digit());
    if !digits(int) || !digits(frac) {
        return Err(Error::validation("balance", "The balance must be a decimal number."));
    }
    let sign = if raw.starts_with('-') { "-" } else { "" };
    Ok(format!("{sign}{int}.{frac}"))
}

#[cfg(test)]
mod tests {
    use super::parse_decimal;

    #[test]
    fn balances_stay_exact() {
        assert_eq!(parse_decimal("1000").expect("ok"), "1000.0");
        assert_eq!(parse_decimal("1000.0").expect("ok"), "1000.0");
        assert_eq!(parse_decimal("-0.10").expect("ok"), "-0.10");
        assert_eq!(parse_decimal("12345678901234567.89").expect("ok"), "12345678901234567.89");
        for bad in ["", "1e3", "1.2.3", "abc", ".5", "5.", "+5"] {
            assert!(parse_decimal(bad).is_err(), "{bad}");
        }
    }
}
