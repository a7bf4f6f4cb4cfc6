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
}
