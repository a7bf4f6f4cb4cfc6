//! What kordon counts, in one place: the names and label values of its Prometheus series,
//! recorded through the `metrics` facade (the binary installs the exporter), every label value
//! known at start registered at 0 ([`register`]), and the dialect a request is served in, which
//! the HTTP edge sets for the core to label its counts with.

use metrics::{Counter, Unit, counter, describe_counter, describe_gauge, describe_histogram, gauge};
use std::sync::OnceLock;

tokio::task_local! {
    /// The dialect of the request this task serves (`cabinet`, `pbx`, `oauth`, …).
    pub static DIALECT: &'static str;
}

/// The dialect of the current request, or `none` outside one (the CLI, the janitor).
pub fn dialect() -> &'static str {
    DIALECT.try_with(|d| *d).unwrap_or("none")
}

/// The credential checks each dialect makes: (dialect, method).
const LOGINS: &[(&str, &str)] = &[
    ("cabinet", "password"),
    ("cabinet", "pin"),
    ("cabinet", "reset_token"),
    ("pbx", "password"),
    ("oauth", "password"),
    ("oauth", "pin"),
];
/// How a credential check ends.
const LOGIN_RESULTS: &[&str] = &["success", "wrong_credential", "refused", "busy", "error"];
/// The tokens kordon hands out.
const TOKEN_KINDS: &[&str] =
    &["cabinet", "pbx", "oauth", "oauth-app", "refresh", "api_token", "app_password", "authorization_code", "browser"];
const FLASHCALL_RESULTS: &[&str] = &["placed", "refused", "failed"];
const RESET_RESULTS: &[&str] = &["accepted", "busy"];
const AUDIT_DROPS: &[&str] = &["queue_full", "store_error"];
/// The credentials the telephony API mints.
const TELEPHONY_KINDS: &[&str] = &["sip", "turn"];
/// Why the SIP edge refused a registration it reported (`/api/telephony/v1/auth-failures`).
pub const SIP_FAILURE_REASONS: &[&str] = &["wrong_password", "expired", "unknown_user", "user_mismatch"];

/// A credential check's end: `method` is `password`, `pin` or `reset_token`; `result` is
/// `success`, `wrong_credential`, `refused` (blocked or capped), `busy` or `error`.
pub fn login(method: &'static str, result: &'static str) {
    counter!("kordon_logins_total", "dialect" => dialect(), "method" => method, "result" => result).increment(1);
}

/// Handles of a counter family with one label, one a known value, made by [`register`] once the
/// recorder is installed: a hot path then bumps its handle instead of building the series' key
/// and looking it up in the recorder's registry each time (0.4 µs of a credential mint,
/// 2026-12-07 profile). Before [`register`] (a test without a recorder) the macro is used.
struct Family {
    name: &'static str,
    label: &'static str,
    values: &'static [&'static str],
    handles: OnceLock<Vec<Counter>>,
}

impl Family {
    const fn new(name: &'static str, label: &'static str, values: &'static [&'static str]) -> Self {
        Self { name, label, values, handles: OnceLock::new() }
    }

    /// Registers every value's series at 0 and keeps the handles.
    fn register(&self) {
        let made = || self.values.iter().map(|value| counter!(self.name, self.label => *value)).collect();
        for handle in self.handles.get_or_init(made) {
            handle.increment(0);
        }
    }

    fn increment(&self, value: &'static str) {
        let known = self.values.iter().position(|v| *v == value);
        match known.and_then(|i| self.handles.get()?.get(i)) {
            Some(handle) => handle.increment(1),
            None => counter!(self.name, self.label => value).increment(1),
        }
    }
}

static TOKENS_ISSUED: Family = Family::new("kordon_tokens_issued_total", "kind", TOKEN_KINDS);
static TELEPHONY_CREDENTIALS: Family =
    Family::new("kordon_telephony_credentials_issued_total", "kind", TELEPHONY_KINDS);

/// A token handed out: one of [`TOKEN_KINDS`].
pub fn token_issued(kind: &'static str) {
    debug_assert!(TOKEN_KINDS.contains(&kind), "token kind {kind} is not registered in TOKEN_KINDS");
    TOKENS_ISSUED.increment(kind);
}

/// SIP or TURN credentials minted: one of [`TELEPHONY_KINDS`].
pub fn telephony_credentials(kind: &'static str) {
    debug_assert!(TELEPHONY_KINDS.contains(&kind), "telephony kind {kind} is not registered");
    TELEPHONY_CREDENTIALS.increment(kind);
}

/// A failed SIP registration the SIP edge reported: one of [`SIP_FAILURE_REASONS`].
pub fn sip_auth_failure(reason: &'static str) {
    debug_assert!(SIP_FAILURE_REASONS.contains(&reason), "SIP failure reason {reason} is not registered");
    counter!("kordon_sip_auth_failures_total", "reason" => reason).increment(1);
}

/// A spent refresh token presented again (its family was revoked).
pub fn refresh_reuse() {
    counter!("kordon_refresh_reuse_total").increment(1);
}

/// A host blocked by the Defender.
pub fn defender_block() {
    counter!("kordon_defender_blocks_total").increment(1);
}

/// A FlashCall asked for: `placed`, `refused` (a cap or the country list) or `failed` (delivery).
pub fn flashcall(result: &'static str) {
    debug_assert!(FLASHCALL_RESULTS.contains(&result), "flashcall result {result} is not registered");
    counter!("kordon_flashcalls_total", "result" => result).increment(1);
}

/// A password-reset request that passed its checks and caps, counted before anyone looks the
/// address up: `accepted` (queued for mailing) or `busy` (the queue was full). Whether a mail
/// went out is never counted: only a registered address gets one, so any count of sent or failed
/// mail would tell a scrape whether the address has an account (see docs/security.md).
pub fn reset_request(result: &'static str) {
    debug_assert!(RESET_RESULTS.contains(&result), "reset result {result} is not registered");
    counter!("kordon_reset_requests_total", "result" => result).increment(1);
}

/// Audit events written to the store.
pub fn audit_written(events: u64) {
    counter!("kordon_audit_events_written_total").increment(events);
}

/// Audit events lost: `queue_full` (the writer fell behind; the request went on) or
/// `store_error` (the batch could not be written).
pub fn audit_dropped(reason: &'static str, events: u64) {
    debug_assert!(AUDIT_DROPS.contains(&reason), "audit drop reason {reason} is not registered");
    counter!("kordon_audit_events_dropped_total", "reason" => reason).increment(events);
}

/// The gauges, set from memory just before a scrape renders (no store query).
pub fn gauges(queue_depth: usize, blocked_hosts: usize, (open, idle): (u32, u32)) {
    gauge!("kordon_password_queue_depth").set(queue_depth as f64);
    gauge!("kordon_defender_blocked_hosts").set(blocked_hosts as f64);
    gauge!("kordon_db_pool_connections", "state" => "idle").set(f64::from(idle));
    gauge!("kordon_db_pool_connections", "state" => "busy").set(f64::from(open.saturating_sub(idle)));
}

/// The FlashCall conversion gauges over the last day: per allowed country (its digits) its
/// conversion (when it had calls) and whether it is flagged, and how many number prefixes are.
pub fn flashcall_conversion(countries: &[(String, Option<f64>, bool)], flagged_prefixes: usize) {
    for (country, conversion, flagged) in countries {
        if let Some(conversion) = conversion {
            gauge!("kordon_flashcall_conversion", "country" => country.clone()).set(*conversion);
        }
        gauge!("kordon_flashcall_low_conversion", "country" => country.clone()).set(f64::from(u8::from(*flagged)));
    }
    gauge!("kordon_flashcall_low_conversion_prefixes").set(flagged_prefixes as f64);
}

/// Audit events waiting to be written, set with the other gauges.
pub fn audit_queue(depth: usize) {
    gauge!("kordon_audit_queue_depth").set(depth as f64);
}

/// The help text of every series (Prometheus and promtool want one); called once, when the
/// exporter is installed.
pub fn describe() {
    describe_counter!("kordon_http_requests_total", "HTTP requests answered, by dialect, route template and status.");
    describe_histogram!(
        "kordon_http_request_duration_seconds",
        Unit::Seconds,
        "Time to answer an HTTP request, by dialect and route template."
    );
    describe_counter!("kordon_logins_total", "Credential checks, by dialect, method and result.");
    describe_counter!("kordon_tokens_issued_total", "Tokens handed out, by kind.");
    describe_counter!("kordon_refresh_reuse_total", "Spent refresh tokens presented again (their family was revoked).");
    describe_counter!("kordon_defender_blocks_total", "Hosts blocked by the Defender.");
    describe_gauge!("kordon_defender_blocked_hosts", "Hosts blocked by the Defender now.");
    describe_gauge!("kordon_password_queue_depth", "Password hashes waiting for a worker.");
    describe_counter!("kordon_flashcalls_total", "FlashCalls asked for, by result.");
    describe_counter!(
        "kordon_reset_requests_total",
        "Password-reset requests taken for mailing (accepted) or refused for a full queue (busy), \
         counted alike for registered and unknown addresses."
    );
    describe_counter!("kordon_audit_events_written_total", "Audit events written to the store.");
    describe_counter!(
        "kordon_audit_events_dropped_total",
        "Audit events lost, by reason: queue_full (the request went on without waiting) or store_error."
    );
    describe_gauge!("kordon_audit_queue_depth", "Audit events waiting to be written.");
    describe_gauge!(
        "kordon_flashcall_conversion",
        "FlashCalls verified per call placed over the last day, by allowed country (when it had calls)."
    );
    describe_gauge!(
        "kordon_flashcall_low_conversion",
        "1 when a country's FlashCalls over the last day are verified less often than flashcall.alert_conversion."
    );
    describe_gauge!(
        "kordon_flashcall_low_conversion_prefixes",
        "Number prefixes whose FlashCalls over the last day are verified less often than flashcall.alert_conversion."
    );
    describe_counter!("kordon_telephony_credentials_issued_total", "SIP and TURN credentials minted, by kind.");
    describe_counter!(
        "kordon_sip_auth_failures_total",
        "Failed SIP registrations the SIP edge reported, by reason (each counts for the Defender)."
    );
    describe_gauge!("kordon_db_pool_connections", "Database pool connections, by state.");
    describe_gauge!("kordon_build_info", "The running kordon's version.");
}

/// Registers every counter with every label value known at start at 0, and the gauges, so a
/// fresh server's exposition lists them all (alerts and `rate()` need a series before its first
/// event). `kordon_http_requests_total` and the latency histogram are the exception: their
/// labels (route, status) are known only when a request is answered.
pub fn register() {
    for (dialect, method) in LOGINS {
        for result in LOGIN_RESULTS {
            counter!("kordon_logins_total", "dialect" => *dialect, "method" => *method, "result" => *result)
                .increment(0);
        }
    }
    TOKENS_ISSUED.register();
    counter!("kordon_refresh_reuse_total").increment(0);
    counter!("kordon_defender_blocks_total").increment(0);
    for result in FLASHCALL_RESULTS {
        counter!("kordon_flashcalls_total", "result" => *result).increment(0);
    }
    for result in RESET_RESULTS {
        counter!("kordon_reset_requests_total", "result" => *result).increment(0);
    }
    counter!("kordon_audit_events_written_total").increment(0);
    TELEPHONY_CREDENTIALS.register();
    for reason in SIP_FAILURE_REASONS {
        counter!("kordon_sip_auth_failures_total", "reason" => *reason).increment(0);
    }
    for reason in AUDIT_DROPS {
        counter!("kordon_audit_events_dropped_total", "reason" => *reason).increment(0);
    }
    gauges(0, 0, (0, 0));
    audit_queue(0);
    gauge!("kordon_flashcall_low_conversion_prefixes").set(0.0);
    build_info();
}

/// `kordon_build_info{version} 1`.
pub fn build_info() {
    gauge!("kordon_build_info", "version" => env!("CARGO_PKG_VERSION")).set(1.0);
}
