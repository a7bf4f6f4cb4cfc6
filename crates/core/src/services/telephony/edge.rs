//! The SIP edge's side of the Defender: Kamailio reports each registration it refused
//! (`POST /api/telephony/v1/auth-failures`), and polls the hosts blocked now
//! (`GET /api/telephony/v1/blocked-hosts`) to refuse them itself. Both take the hook token
//! (`telephony.hook_token`), compared in constant time.
//!
//! A report counts against its host under `defender.sip.*` (scanners send hundreds a second, so
//! apart from the credential checks made here), on a row of its own (`sip|<host>`); crossing the
//! threshold blocks the plain host with reason `sip`: the block every dialect already refuses,
//! every Defender list shows and the same unblock lifts. The failure is also recorded against
//! the SIP user it named (`sipuser:<user id>` when the realm and user name a person), so a PBX owner
//! sees, and may lift, a block that attacked only their own people.

use crate::error::{Error, Result};
use crate::services::Core;

/// The Defender's key prefix of a person's SIP user (a person's id follows).
pub(crate) const SIP_USER_KEY: &str = "sipuser:";
/// Longest `user` (`101`, or `101@pbx.example.com`) a report may name.
const USER_MAX: usize = 256;
/// Longest `user_agent` a report may carry.
const USER_AGENT_MAX: usize = 512;

/// One refused registration, as the SIP edge reports it.
#[derive(Debug, Clone)]
pub struct SipFailure {
    /// The source address of the REGISTER.
    pub ip: String,
    /// The From user, or `user@realm`.
    pub user: String,
    /// `wrong_password`, `expired`, `unknown_user` or `user_mismatch`.
    pub reason: String,
    pub user_agent: Option<String>,
}

impl Core {
    /// Whether `bearer` is the hook token (none configured: nothing is).
    pub fn telephony_hook_allowed(&self, bearer: Option<&str>) -> bool {
        let Some(expected) = self.telephony.hook_digest.as_deref() else { return false };
        // Digests: the comparison takes as long whatever the lengths.
        crate::secrets::equal(&crate::secrets::digest(bearer.unwrap_or_default()), expected)
    }

    /// Counts a reported SIP failure; validation errors name the member (nothing is counted).
    pub async fn sip_auth_failure(&self, report: &SipFailure) -> Result<()> {
        let Some(reason) = crate::metrics::SIP_FAILURE_REASONS.iter().find(|r| **r == report.reason) else {
            return Err(Error::validation(
                "reason",
                "The reason must be wrong_password, expired, unknown_user or user_mismatch.",
            ));
        };
        let Some(host) = crate::net::host_key(report.ip.trim()) else {
            return Err(Error::validation("ip", "The ip must be an IP address."));
        };
        if report.user.len() > USER_MAX || report.user.chars().any(char::is_control) {
            return Err(Error::validation("user", format!("The user is at most {USER_MAX} printable characters.")));
        }
        if report.user_agent.as_ref().is_some_and(|ua| ua.len() > USER_AGENT_MAX) {
            return Err(Error::validation("user_agent", format!("The user_agent is at most {USER_AGENT_MAX} bytes.")));
        }
        crate::metrics::sip_auth_failure(reason);
        let Some(host) = self.counted_host(Some(&host)) else { return Ok(()) };
        let s = &self.settings.defender.sip;
        let now = self.now();
        let failures = self.store.host_failure(&format!("sip|{host}"), s.window, now).await?;
        let account = self.sip_account(&report.user).await?;
        self.store.record_failure(&host, &account, now).await?;
        if failures >= s.host_failures {
            tracing::warn!(host, failures, "SIP registrations failing: the Defender blocks the host");
            self.block_for(&host, "sip", Some(&account), now).await?;
        }
        Ok(())
    }

    /// The Defender's key of the SIP user a report names: `sipuser:<user id>` for a person of the
    /// realm with that SIP user, else `sip:` and what was reported (no one's).
    async fn sip_account(&self, user: &str) -> Result<String> {
        if let Some((name, realm)) = user.rsplit_once('@')
            && let Some(id) = self.store.user_by_sip(&realm.to_ascii_lowercase(), name).await?
        {
            return Ok(format!("{SIP_USER_KEY}{id}"));
        }
        Ok(format!("sip:{user}"))
    }

    /// The hosts blocked now (the plain host keys: an IPv4 address, an IPv6 /64), sorted.
    pub async fn blocked_host_list(&self) -> Result<Vec<String>> {
        let mut hosts: Vec<String> = self.store.blocks(self.now()).await?.into_iter().map(|b| b.ip).collect();
        hosts.sort();
        hosts.dedup();
        Ok(hosts)
    }
}
