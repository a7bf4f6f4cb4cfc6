//! The Defender: one engine before and after every credential check of every dialect.
//!
//! It counts attacks, not traffic. A check is *admitted* before it runs: a host's failures in
//! the window plus its checks in flight must stay below the threshold, so a burst can never get
//! more checks past it than the threshold allows; a check that passes leaves no trace, so any
//! number of right logins from one office are all served (the surplus waits its turn, briefly).
//! A login is guarded the same way across hosts: side by side while it has few failures, one
//! check at a time (each slowed) once it is under attack, and none once it has taken
//! `account_max_failures` (`pin_max_failures` for a phone's PINs) in a day. Admissions are
//! released when the check ends, or from `Drop` when the request is cancelled.

pub(crate) mod blocked;
pub(crate) mod hourly;
pub(crate) mod tenants;
pub(crate) mod waiters;

use crate::error::{Error, Result};
use crate::services::Core;
use crate::types::{Admission, Block, Outcome};
use std::future::Future;
use std::time::Duration;
use waiters::QUIET_WAIT;

/// A check in flight counts at most this long (seconds): the count of an instance that died
/// mid-check lapses.
const IN_FLIGHT_LEASE: i64 = 120;
/// How long a check waits for its turn before it is answered busy.
const ADMISSION_WAIT: Duration = Duration::from_secs(10);
/// The longest pause between a waiting check's admission attempts in the store.
const LONGEST_POLL: Duration = Duration::from_millis(250);

impl Core {
    /// Runs `check` (a credential check for `account`, from `host`) under the Defender.
    /// Only [`Error::Credential`] answers count as failures. `account` keys a login
    /// (`email:…`, or `phone:…` for a PIN).
    pub async fn defended<T>(
        &self,
        host: Option<&str>,
        account: Option<&str>,
        check: impl Future<Output = Result<T>>,
    ) -> Result<T> {
        let result = self.defended_check(host, account, check).await;
        let method = match account {
            None => "reset_token",
            Some(a) => crate::services::audit::events::method_of(a),
        };
        crate::metrics::login(
            method,
            match &result {
                Ok(_) => "success",
                Err(Error::Credential { .. }) => "wrong_credential",
                Err(Error::Blocked { .. } | Error::RateLimited { .. }) => "refused",
                Err(Error::Busy) => "busy",
                Err(_) => "error",
            },
        );
        result
    }

    async fn defended_check<T>(
        &self,
        host: Option<&str>,
        account: Option<&str>,
        check: impl Future<Output = Result<T>>,
    ) -> Result<T> {
        let settings = &self.settings.defender;
        let host = self.counted_host(host);
        // The caller's own cap first: a refused host spends nothing of the login's allowance.
        let host_slot = match &host {
            Some(host) => Some(self.admit(Gate::Host(host.clone())).await?),
            None => None,
        };
        let mut account_slot = None;
        let mut failures = 0;
        if let Some(account) = account {
            let (slot, n) = self.admit_counting(Gate::Account(account.to_owned())).await?;
            account_slot = Some(slot);
            failures = n;
        }
        if let Some(delay) = account_delay(failures, settings.account_failures, settings) {
            tracing::warn!(delay_ms = delay.as_millis() as u64, "login under attack: slowing its checks");
            tokio::time::sleep(delay).await;
        }
        let result = check.await;
        let outcome = match &result {
            Ok(_) => Outcome::Passed,
            Err(Error::Credential { .. }) => Outcome::Failed,
            Err(_) => Outcome::Undecided,
        };
        // Both slots are released with the real outcome whatever happens to either release: a
        // store error is logged and retried in the background, never turned into this answer.
        if let Some(slot) = account_slot {
            slot.release(outcome, account).await;
        }
        if let Some(slot) = host_slot {
            slot.release(outcome, account).await;
        }
        if let (Outcome::Failed, Some(account)) = (outcome, account) {
            let (max, cap) = account_cap(account, settings);
            if failures + 1 == max {
                self.audit_cap(account, cap, host.as_deref()).await;
            }
        }
        result
    }

    /// Counts a failed cheap check (a wrong client secret) against `host` without admitting it
    /// first, blocking the host once it reaches the threshold. The caller has already refused a
    /// blocked host ([`Core::refuse_if_blocked`]) before checking anything.
    pub async fn failed_check(&self, host: Option<&str>, account: Option<&str>) -> Result<()> {
        let Some(host) = self.counted_host(host) else { return Ok(()) };
        let s = &self.settings.defender;
        let now = self.now();
        let failures = self.store.host_failure(&host, s.window, now).await?;
        self.count_failure(&host, account, failures).await
    }

    async fn admit(&self, gate: Gate) -> Result<Slot> {
        Ok(self.admit_counting(gate).await?.0)
    }

    /// Waits for the gate's admission (bounded by [`ADMISSION_WAIT`]); the slot and the failures
    /// already counted. Each attempt runs in a task of its own: if this request is cancelled
    /// mid-attempt, a slot the store granted is dropped in that task, which releases it; and a
    /// cancelled request stops waiting at once.
    async fn admit_counting(&self, gate: Gate) -> Result<(Slot, i64)> {
        let deadline = tokio::time::Instant::now() + ADMISSION_WAIT;
        let key = gate.key();
        // Counted from before the first attempt: a release here while it runs is not missed.
        let mut waiting = self.waiters.wait(&key);
        let mut pause = Duration::from_millis(5);
        loop {
            let (core, attempt_gate) = (self.clone(), gate.clone());
            let attempt = tokio::spawn(async move { core.try_admit(attempt_gate).await });
            match attempt.await.map_err(Error::internal)?? {
                Attempt::Admitted(slot, failures) => return Ok((slot, failures)),
                Attempt::Refused(err) => {
                    self.waiters.refused(&key);
                    return Err(err);
                }
                Attempt::Full if tokio::time::Instant::now() >= deadline => return Err(Error::Busy),
                Attempt::Full => {
                    // A slot freed on this instance wakes one waiter at once. Slots freed
                    // elsewhere are found by one waiter polling, backing off with jitter (at the
                    // longest pause while this instance holds slots: one of its own releases is
                    // the likely wake-up); the others wait for a wake-up (see `Waiters`).
                    let now = tokio::time::Instant::now();
                    let polls = waiting.poll();
                    let until = match (polls, waiting.held_here()) {
                        (false, _) => now + QUIET_WAIT,
                        (true, true) => now + LONGEST_POLL,
                        (true, false) => {
                            now + pause + Duration::from_millis(rand::random_range(0..=pause.as_millis() as u64 / 2))
                        }
                    };
                    tokio::select! {
                        () = waiting.notify.notified() => {}
                        () = tokio::time::sleep_until(until.min(deadline)) => {}
                    }
                    if polls {
                        pause = (pause * 2).min(LONGEST_POLL);
                    }
                }
            }
        }
    }

    /// One admission attempt: one atomic statement in the store.
    async fn try_admit(&self, gate: Gate) -> Result<Attempt> {
        let s = &self.settings.defender;
        let now = self.now();
        let admission = match &gate {
            Gate::Host(host) => self.store.admit_host(host, s.host_failures, s.window, IN_FLIGHT_LEASE, now).await?,
            Gate::Account(account) => {
                let (max, _) = account_cap(account, s);
                let window = s.account_window;
                self.store.admit_account(account, s.account_failures, max, window, IN_FLIGHT_LEASE, now).await?
            }
        };
        Ok(match admission {
            Admission::Admitted { failures } => {
                self.waiters.hold(&gate.key());
                Attempt::Admitted(Slot { core: self.clone(), gate: Some(gate) }, failures)
            }
            Admission::Full => Attempt::Full,
            Admission::Refused { until } => {
                let retry_after = until.saturating_sub(now).max(1) as u64;
                Attempt::Refused(match gate {
                    Gate::Host(_) => Error::Blocked { retry_after },
                    Gate::Account(_) => {
                        tracing::warn!("a login past its daily failure cap: its checks are suspended");
                        Error::RateLimited { retry_after, message: "Too Many Attempts.".into() }
                    }
                })
            }
        })
    }

    /// Refuses a blocked host without charging it (requests that check no credential themselves).
    pub async fn refuse_if_blocked(&self, host: Option<&str>) -> Result<()> {
        let Some(host) = self.counted_host(host) else { return Ok(()) };
        match self.store.host_blocked_until(&host, self.now()).await? {
            Some(until) => Err(Error::Blocked { retry_after: (until - self.now()).max(1) as u64 }),
            None => Ok(()),
        }
    }

    /// The key a client host is counted by (see [`crate::net::host_key`]); none when allowlisted.
    pub(crate) fn counted_host(&self, host: Option<&str>) -> Option<String> {
        host.filter(|h| !self.allowlist.contains_str(h)).and_then(crate::net::host_key)
    }

    async fn block(&self, host: &str, account: Option<&str>, now: i64) -> Result<()> {
        let s = &self.settings.defender;
        let reason = format!("{} failed credential checks within {} s", s.host_failures, s.window);
        self.block_for(host, &reason, account, now).await
    }

    /// Blocks `host` for `reason` (when it is not blocked already), as every block is: for
    /// `block` seconds doubled per earlier offence, at most `max_block`, audited.
    pub(crate) async fn block_for(&self, host: &str, reason: &str, account: Option<&str>, now: i64) -> Result<()> {
        let s = &self.settings.defender;
        if let Some(until) = self.store.block_host(host, s.block, s.max_block, reason, account, now).await? {
            tracing::warn!(host, blocked_until = until, "the Defender blocked a host");
            crate::metrics::defender_block();
            self.blocked_hosts.blocked();
        }
        Ok(())
    }

    /// Forgets the failed checks against a login (`login` is an email, or a phone for its PINs),
    /// audited as `actor`; false when it had none.
    pub async fn defender_forgive(&self, login: &str, actor: &str) -> Result<bool> {
        let key = login_key(login)?;
        let forgiven = self.store.forgive_account(&key, actor, self.now()).await?;
        if forgiven {
            tracing::info!(actor, "a login's failed checks were forgiven");
        }
        Ok(forgiven)
    }

    /// The hosts blocked now.
    pub async fn defender_blocks(&self) -> Result<Vec<Block>> {
        Ok(self.store.blocks(self.now()).await?)
    }

    /// Lifts a block (audited with `actor`); NotFound when the host is not blocked.
    pub async fn defender_unblock(&self, ip: &str, actor: &str) -> Result<()> {
        let ip = crate::net::host_key(ip)
            .ok_or_else(|| Error::validation("ip", "The ip must be a valid IP address (or an IPv6 /64)."))?;
        let ip = ip.as_str();
        match self.store.unblock_host(ip, actor, self.now()).await? {
            true => {
                tracing::info!(host = ip, actor, "a Defender block was lifted");
                self.blocked_hosts.unblocked();
                Ok(())
            }
            false => Err(Error::NotFound),
        }
    }

    pub async fn audit_entries(&self, limit: i64) -> Result<Vec<crate::audit::AuditRecord>> {
        let filter = crate::audit::AuditFilter { limit: limit.clamp(1, 10_000), ..Default::default() };
        Ok(self.store.search_audit(&filter).await?)
    }
}

/// One admission attempt's answer.
enum Attempt {
    Admitted(Slot, i64),
    Full,
    Refused(Error),
}

/// What an admission is for.
#[derive(Clone)]
enum Gate {
    Host(String),
    Account(String),
}

impl Gate {
    fn key(&self) -> String {
        match self {
            Gate::Host(host) => format!("host:{host}"),
            Gate::Account(account) => format!("login:{account}"),
        }
    }
}

/// An admitted check. Released with its outcome; dropped unreleased (the request was cancelled)
/// it is released as undecided in the background, so nothing a client does can leak a count.
struct Slot {
    core: Core,
    gate: Option<Gate>,
}

impl Slot {
    /// Ends the check. The store work runs in its own task, so a request cancelled right now
    /// still leaves the counts right; a store error is retried there, then logged.
    async fn release(mut self, outcome: Outcome, account: Option<&str>) {
        let Some(gate) = self.gate.take() else { return };
        let core = self.core.clone();
        let account = account.map(str::to_owned);
        let _ = tokio::spawn(async move { core.release_with_retries(gate, outcome, account.as_deref()).await }).await;
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let Some(gate) = self.gate.take() else { return };
        let core = self.core.clone();
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move { core.release_with_retries(gate, Outcome::Undecided, None).await });
        }
    }
}

impl Core {
    /// Releases a slot: the count in the store (one statement, tried up to three times; what
    /// still fails is logged and lapses with its lease), then, for a failed check of a host, the
    /// failure's record and the block it may earn.
    async fn release_with_retries(&self, gate: Gate, outcome: Outcome, account: Option<&str>) {
        let failed = outcome == Outcome::Failed;
        let mut failures = None;
        for attempt in 1..=3_u64 {
            let released = match &gate {
                Gate::Account(key) => self.store.release_account(key, outcome).await.map(|()| None),
                Gate::Host(host) => self.store.release_host(host, failed).await.map(Some),
            };
            match released {
                Ok(n) => {
                    failures = n;
                    break;
                }
                Err(err) if attempt == 3 => tracing::error!(error = %err, "the Defender could not release a check"),
                Err(_) => tokio::time::sleep(Duration::from_millis(100 * attempt)).await,
            }
        }
        self.waiters.wake(&gate.key());
        if let (Gate::Host(host), Some(failures), true) = (&gate, failures, failed)
            && let Err(err) = self.count_failure(host, account, failures).await
        {
            tracing::error!(error = %err, "the Defender could not record a failure");
        }
    }

    /// Records which login a failed check attacked, and blocks the host at the threshold.
    async fn count_failure(&self, host: &str, account: Option<&str>, failures: i64) -> Result<()> {
        let now = self.now();
        self.store.record_failure(host, account.unwrap_or_default(), now).await?;
        if failures >= self.settings.defender.host_failures {
            self.block(host, account, now).await?;
        }
        Ok(())
    }
}

/// The Defender's key of a login: `email:` and the address's key, or `phone:` and the digits;
/// from an email or a phone as a person writes it, or from a key (`email:…`, `phone:…`).
pub(crate) fn login_key(login: &str) -> Result<String> {
    let refused = || Error::validation("login", "The login must be an email or a phone.");
    let (email, phone) = match login.trim().split_once(':') {
        // A person's second factor, by user id.
        Some(("mfa", id)) if !id.is_empty() && id.len() <= 18 && id.bytes().all(|b| b.is_ascii_digit()) => {
            return Ok(format!("{}{id}", crate::services::mfa::MFA_KEY));
        }
        Some(("email", email)) => (Some(email), None),
        Some(("phone", phone)) => (None, Some(phone)),
        _ => (Some(login), Some(login)),
    };
    if let Some(email) = email.and_then(|e| crate::types::Email::parse("login", e).ok()) {
        return Ok(format!("email:{}", email.key()));
    }
    let phone = phone.and_then(|p| crate::types::Phone::parse("login", p).ok()).ok_or_else(refused)?;
    Ok(format!("phone:{}", phone.as_str()))
}

/// A login's daily cap of failures and the setting that names it (a phone's PINs have their own).
fn account_cap(account: &str, s: &crate::settings::DefenderSettings) -> (i64, &'static str) {
    if account.starts_with("phone:") {
        (s.pin_max_failures, "pin_max_failures")
    } else if account.starts_with(crate::services::mfa::MFA_KEY) {
        (s.mfa_max_failures, "mfa_max_failures")
    } else {
        (s.account_max_failures, "account_max_failures")
    }
}

/// The growing delay for a login with `failures` recent failures (none below the threshold).
fn account_delay(failures: i64, threshold: i64, s: &crate::settings::DefenderSettings) -> Option<Duration> {
    if failures < threshold || s.account_delay_ms == 0 {
        return None;
    }
    let doublings = (failures - threshold).clamp(0, 16) as u32;
    let ms = s.account_delay_ms.saturating_mul(1 << doublings).min(s.account_max_delay_ms);
    Some(Duration::from_millis(ms))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_login_is_keyed_alike_however_it_is_written() {
        assert_eq!(login_key("Ann@Example.COM").ok(), Some("email:ann@example.com".to_owned()));
        assert_eq!(login_key("email:Ann@Example.com").ok(), Some("email:ann@example.com".to_owned()));
        assert_eq!(login_key("+7 (999) 000-11-22").ok(), Some("phone:79990001122".to_owned()));
        assert_eq!(login_key("phone:89990001122").ok(), Some("phone:79990001122".to_owned()));
        for bad in ["nobody", "email:79990001122", "phone:ann@example.com", ""] {
            assert!(login_key(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_account_delay_grows_and_is_capped() {
        let s = crate::settings::DefenderSettings::default();
        assert_eq!(account_delay(4, 5, &s), None);
        assert_eq!(account_delay(5, 5, &s), Some(Duration::from_millis(250)));
        assert_eq!(account_delay(6, 5, &s), Some(Duration::from_millis(500)));
        assert_eq!(account_delay(60, 5, &s), Some(Duration::from_millis(4000)));
    }
}
