//! Address lists (CIDR) for the Defender's allowlist and the trusted proxies, parsed once.

use crate::error::{Error, Result};
use ipnet::IpNet;
use std::net::IpAddr;

#[derive(Debug, Clone, Default)]
pub struct Cidrs(Vec<IpNet>);

impl Cidrs {
    /// Parses `10.0.0.0/8`-style entries; a bare address is a single host.
    pub fn parse(entries: &[String]) -> Result<Self> {
        let nets = entries
            .iter()
            .map(|e| {
                let e = e.trim();
                e.parse::<IpNet>()
                    .or_else(|_| e.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| Error::internal(format!("not an address or CIDR: {e:?}")))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Self(nets))
    }

    pub fn contains(&self, ip: &IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.0.iter().any(|net| net.contains(&ip))
    }

    pub fn contains_str(&self, ip: &str) -> bool {
        ip.parse::<IpAddr>().is_ok_and(|ip| self.contains(&ip))
    }
}

/// The key the Defender and the rate limits count a client by: an IPv4 address as it is, an
/// IPv6 address by its /64 (one subscriber usually holds a whole /64, so counting single
/// addresses would give an attacker 2^64 "hosts"). An address already in that form is kept.
pub fn host_key(ip: &str) -> Option<String> {
    let ip = ip.trim();
    if let Ok(addr) = ip.parse::<IpAddr>() {
        return Some(match addr.to_canonical() {
            IpAddr::V4(v4) => v4.to_string(),
            IpAddr::V6(v6) => {
                let net = ipnet::Ipv6Net::new(v6, 64).ok()?.trunc();
                net.to_string()
            }
        });
    }
    match ip.parse::<IpNet>() {
        Ok(IpNet::V6(net)) if net.prefix_len() == 64 => Some(net.trunc().to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidrs_match_hosts_and_ranges() {
        let list = Cidrs::parse(&["10.0.0.0/8".into(), "192.168.1.7".into(), "::1".into()]).expect("parse");
        assert!(list.contains_str("10.1.2.3"));
        assert!(list.contains_str("192.168.1.7"));
        assert!(!list.contains_str("192.168.1.8"));
        assert!(list.contains_str("::1"));
        assert!(list.contains_str("::ffff:10.0.0.1"), "IPv4-mapped addresses count as IPv4");
        assert!(!list.contains_str("not an ip"));
        assert!(Cidrs::parse(&["nonsense".into()]).is_err());
    }

    #[test]
    fn ipv6_clients_count_by_their_64() {
        assert_eq!(host_key("203.0.113.7").as_deref(), Some("203.0.113.7"));
        assert_eq!(host_key("::ffff:203.0.113.7").as_deref(), Some("203.0.113.7"));
        assert_eq!(host_key("2001:db8:1:2:aaaa::1").as_deref(), Some("2001:db8:1:2::/64"));
        assert_eq!(host_key("2001:db8:1:2:bbbb::9"), host_key("2001:db8:1:2::/64"));
        assert_eq!(host_key("2001:db8::/48"), None);
        assert_eq!(host_key("nonsense"), None);
    }
}
