//! `kordon admin audit`: the audit log filtered by user, host, type and time, one page of it,
//! as a table for people or (`--json`) a JSON array for scripts.

use crate::cli::AuditArgs;
use kordon_core::audit::{AuditFilter, AuditRecord, kind};
use kordon_core::{Core, Error};
use serde_json::Value;

/// The most events one search answers (the core's page).
const MAX_PAGE: i64 = 1000;

/// Runs the search `args` describe; a table (a JSON string) or, with `json`, the array. A bad
/// argument is a validation error whose message names it.
pub async fn run(core: &Core, args: AuditArgs, json: bool) -> Result<Value, Error> {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let user_id = match args.user.as_deref().map(str::trim) {
        None => None,
        Some(id) if !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) => {
            Some(id.parse::<i64>().map_err(|_| refuse("user", format!("--user: not a user id: {id}")))?)
        }
        Some(email) => match core.admin_find_user(email).await {
            Ok((user, _)) => Some(user.id),
            Err(Error::NotFound) => return Err(refuse("user", format!("--user: no user has the email {email}"))),
            Err(Error::Validation { message, .. }) => return Err(refuse("user", format!("--user: {message}"))),
            Err(other) => return Err(other),
        },
    };
    if let Some(ip) = &args.ip
        && ip.parse::<std::net::IpAddr>().is_err()
    {
        return Err(refuse("ip", format!("--ip: not an IP address: {ip}")));
    }
    if let Some(kind) = &args.kind
        && !kind::is_known(kind)
    {
        let known = kind::ALL.join(", ");
        return Err(refuse("type", format!("--type: no such type or family: {kind} (known: {known})")));
    }
    if !(1..=MAX_PAGE).contains(&args.limit) {
        return Err(refuse("limit", format!("--limit: from 1 to {MAX_PAGE}")));
    }
    if args.page < 1 {
        return Err(refuse("page", "--page: from 1"));
    }
    let filter = AuditFilter {
        user_id,
        tenant_id: None,
        ip: args.ip,
        kind: args.kind,
        since: args
            .since
            .as_deref()
            .map(|t| time_arg("--since", t, now).map_err(|m| refuse("since", m)))
            .transpose()?,
        until: args
            .until
            .as_deref()
            .map(|t| time_arg("--until", t, now).map_err(|m| refuse("until", m)))
            .transpose()?,
        offset: (args.page - 1).saturating_mul(args.limit),
        limit: args.limit,
    };
    let records = core.audit_search(&filter).await?;
    match json {
        true => serde_json::to_value(records).map_err(Error::internal),
        false => Ok(Value::String(table(&records))),
    }
}

fn refuse(field: &'static str, message: impl Into<String>) -> Error {
    Error::validation(field, message)
}

/// A time argument: RFC 3339, or an age before `now` (`90s`, `30m`, `1h`, `7d`, `2w`).
pub fn time_arg(flag: &str, text: &str, now: i64) -> Result<i64, String> {
    let text = text.trim();
    // The admin API's own reading of a time: the two never disagree on one.
    if let Some(at) = kordon_core::clock::parse_rfc3339(text) {
        return Ok(at);
    }
    let refused = || format!("{flag}: an RFC 3339 time (2026-12-06T08:00:00Z) or an age (30m, 1h, 7d): {text}");
    let unit = match text.chars().last() {
        Some('s') => 1,
        Some('m') => 60,
        Some('h') => 3600,
        Some('d') => 86_400,
        Some('w') => 7 * 86_400,
        _ => return Err(refused()),
    };
    // The unit is one ASCII letter: what comes before it is the number.
    match text[..text.len() - 1].parse::<i64>() {
        Ok(n) if n >= 0 => Ok(now - n.saturating_mul(unit)),
        _ => Err(refused()),
    }
}

/// One line per event under a header: time, type, result, dialect/method, user, ip, reason.
pub fn table(records: &[AuditRecord]) -> String {
    let dash = |v: Option<String>| v.filter(|v| !v.is_empty()).unwrap_or_else(|| "-".into());
    let mut rows = vec![["TIME", "TYPE", "RESULT", "DIALECT/METHOD", "USER", "IP", "REASON"].map(String::from)];
    for r in records {
        let how = match (&r.dialect, &r.method) {
            (None, None) => None,
            (d, m) => Some(format!("{}/{}", d.as_deref().unwrap_or("-"), m.as_deref().unwrap_or("-"))),
        };
        // A line without a user names its subject (the login tried, the object acted on).
        let who = r.user_id.map(|id| id.to_string()).or_else(|| r.subject.clone());
        rows.push([
            r.at.clone(),
            r.kind.clone(),
            r.result.clone(),
            dash(how),
            dash(who),
            dash(r.ip.clone()),
            dash(r.reason.clone()),
        ]);
    }
    let mut widths = [0usize; 7];
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in &rows {
        let cells: Vec<String> = row.iter().zip(widths).map(|(cell, w)| format!("{cell:<w$}")).collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::time_arg;

    #[test]
    fn times_are_rfc3339_or_ages() {
        let now = 1_800_000_000;
        assert_eq!(time_arg("--since", "2026-12-06T08:00:00Z", now), Ok(1_796_544_000));
        assert_eq!(time_arg("--since", "1h", now), Ok(now - 3600));
        assert_eq!(time_arg("--since", "7d", now), Ok(now - 7 * 86_400));
        assert_eq!(time_arg("--since", "30m", now), Ok(now - 1800));
        assert!(time_arg("--since", "h", now).is_err());
        assert!(time_arg("--since", "-1h", now).is_err());
        assert!(time_arg("--since", "yesterday", now).is_err());
        assert!(time_arg("--since", "1ч", now).is_err(), "a unit of another script is refused, not sliced");
    }
}
