//! `METRICS_ALLOW`: the addresses and networks (`10.0.0.0/8`, `::1`) that may read `/metrics`.

use std::net::IpAddr;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AllowList(Vec<(IpAddr, u8)>);

impl AllowList {
    /// Loopback only: `127.0.0.1` and `::1`.
    pub fn loopback() -> AllowList {
        AllowList(vec![
            (IpAddr::from([127, 0, 0, 1]), 32),
            (IpAddr::from([0, 0, 0, 0, 0, 0, 0, 1]), 128),
        ])
    }

    /// A comma- or space-separated list of addresses and networks in CIDR notation; an empty
    /// list (`none`) lets nobody in.
    pub fn parse(s: &str) -> Result<AllowList, String> {
        let mut out = Vec::new();
        for item in s.split([',', ' ']).map(str::trim).filter(|i| !i.is_empty()) {
            if item == "none" {
                continue;
            }
            let (addr, bits) = match item.split_once('/') {
                Some((a, b)) => (a, Some(b)),
                None => (item, None),
            };
            let addr: IpAddr = addr.parse().map_err(|_| {
                format!("«{item}» er ikke en IP-adresse eller et net som 10.0.0.0/8")
            })?;
            let max = if addr.is_ipv4() { 32 } else { 128 };
            let bits = match bits {
                None => max,
                Some(b) => match b.parse::<u8>() {
                    Ok(n) if n <= max => n,
                    _ => return Err(format!("«{item}»: netmasken skal være 0–{max}")),
                },
            };
            out.push((addr, bits));
        }
        Ok(AllowList(out))
    }

    pub fn allows(&self, peer: IpAddr) -> bool {
        // An IPv4 peer on a dual-stack socket arrives as ::ffff:a.b.c.d.
        let peer = match peer {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(peer),
            v4 => v4,
        };
        self.0.iter().any(|(net, bits)| match (net, peer) {
            (IpAddr::V4(n), IpAddr::V4(p)) => prefix_eq(&n.octets(), &p.octets(), *bits),
            (IpAddr::V6(n), IpAddr::V6(p)) => prefix_eq(&n.octets(), &p.octets(), *bits),
            _ => false,
        })
    }
}

fn prefix_eq(a: &[u8], b: &[u8], bits: u8) -> bool {
    let bits = bits as usize;
    let whole = bits / 8;
    if a[..whole] != b[..whole] {
        return false;
    }
    let rest = bits % 8;
    rest == 0 || {
        let mask = 0xffu8 << (8 - rest);
        a[whole] & mask == b[whole] & mask
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn loopback_by_default() {
        let l = AllowList::loopback();
        assert!(l.allows(ip("127.0.0.1")));
        assert!(l.allows(ip("::1")));
        assert!(l.allows(ip("::ffff:127.0.0.1")));
        assert!(!l.allows(ip("127.0.0.2")));
        assert!(!l.allows(ip("10.0.0.1")));
    }

    #[test]
    fn networks_and_single_addresses() {
        let l = AllowList::parse("10.20.0.0/16, 192.168.1.7 fd00::/8").unwrap();
        assert!(l.allows(ip("10.20.255.1")));
        assert!(!l.allows(ip("10.21.0.1")));
        assert!(l.allows(ip("192.168.1.7")));
        assert!(!l.allows(ip("192.168.1.8")));
        assert!(l.allows(ip("fd12::1")));
        assert!(!l.allows(ip("fe80::1")));
        assert!(!l.allows(ip("127.0.0.1")));
        let odd = AllowList::parse("10.0.0.0/9").unwrap();
        assert!(odd.allows(ip("10.127.0.1")));
        assert!(!odd.allows(ip("10.128.0.1")));
        assert!(AllowList::parse("0.0.0.0/0").unwrap().allows(ip("8.8.8.8")));
    }

    #[test]
    fn none_lets_nobody_in_and_nonsense_is_refused() {
        assert!(!AllowList::parse("none").unwrap().allows(ip("127.0.0.1")));
        assert!(AllowList::parse("localhost").is_err());
        assert!(AllowList::parse("10.0.0.0/33").is_err());
        assert!(AllowList::parse("::/129").is_err());
    }
}
