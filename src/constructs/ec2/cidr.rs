//! [`Ipv4Cidr`]: an IPv4 network in CIDR notation, with the questions the network controls ask
//! (is it private, does it contain or overlap another).

use std::fmt;
use std::net::Ipv4Addr;
use std::str::FromStr;

use serde::{Serialize, Serializer};

/// The private IPv4 ranges of RFC 1918, the only ones a VPC of this library may use.
pub const PRIVATE_RANGES: [Ipv4Cidr; 3] = [
    Ipv4Cidr::from_parts(0x0A00_0000, 8),
    Ipv4Cidr::from_parts(0xAC10_0000, 12),
    Ipv4Cidr::from_parts(0xC0A8_0000, 16),
];

/// Every IPv4 address, `0.0.0.0/0`.
pub const ANYWHERE_IPV4: Ipv4Cidr = Ipv4Cidr::from_parts(0, 0);

/// An IPv4 network: an address whose host bits are zero, and a prefix length of 0 to 32.
///
/// ```
/// use hipaa_aws::constructs::ec2::Ipv4Cidr;
/// let vpc: Ipv4Cidr = "10.20.0.0/16".parse()?;
/// let subnet: Ipv4Cidr = "10.20.64.0/19".parse()?;
/// assert!(vpc.is_private() && vpc.contains(&subnet));
/// assert!("10.20.0.1/16".parse::<Ipv4Cidr>().is_err()); // host bits set
/// # Ok::<(), hipaa_aws::constructs::ec2::CidrError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ipv4Cidr {
    network: u32,
    prefix: u8,
}

/// Text that is not an IPv4 CIDR block.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct CidrError(pub String);

fn mask(prefix: u8) -> u32 {
    if prefix == 0 {
        0
    } else {
        u32::MAX << (32 - u32::from(prefix.min(32)))
    }
}

impl Ipv4Cidr {
    const fn from_parts(network: u32, prefix: u8) -> Ipv4Cidr {
        Ipv4Cidr { network, prefix }
    }

    /// A network from its address and prefix length; refused when host bits are set or the
    /// prefix is above 32.
    pub fn new(address: Ipv4Addr, prefix: u8) -> Result<Ipv4Cidr, CidrError> {
        if prefix > 32 {
            return Err(CidrError(format!(
                "{address}/{prefix}: a prefix length is 0 to 32"
            )));
        }
        let bits = u32::from(address);
        if bits & !mask(prefix) != 0 {
            let network = Ipv4Addr::from(bits & mask(prefix));
            return Err(CidrError(format!(
                "{address}/{prefix} has host bits set: the network is {network}/{prefix}"
            )));
        }
        Ok(Ipv4Cidr {
            network: bits,
            prefix,
        })
    }

    /// The network address.
    pub fn network(&self) -> Ipv4Addr {
        Ipv4Addr::from(self.network)
    }

    /// The prefix length.
    pub fn prefix_len(&self) -> u8 {
        self.prefix
    }

    /// The first address, as a number.
    pub fn first(&self) -> u32 {
        self.network
    }

    /// The last address, as a number.
    pub fn last(&self) -> u32 {
        self.network | !mask(self.prefix)
    }

    /// How many addresses it holds.
    pub fn size(&self) -> u64 {
        1_u64 << (32 - u32::from(self.prefix))
    }

    /// True when every address of `other` is in this network.
    pub fn contains(&self, other: &Ipv4Cidr) -> bool {
        self.first() <= other.first() && other.last() <= self.last()
    }

    /// True when the two networks share an address.
    pub fn overlaps(&self, other: &Ipv4Cidr) -> bool {
        self.first() <= other.last() && other.first() <= self.last()
    }

    /// True when the network lies in 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16.
    pub fn is_private(&self) -> bool {
        PRIVATE_RANGES.iter().any(|range| range.contains(self))
    }

    /// True for `0.0.0.0/0`.
    pub fn is_anywhere(&self) -> bool {
        self.prefix == 0
    }

    /// The `index`-th network of length `prefix` inside this one, if it fits.
    pub fn subnet(&self, prefix: u8, index: u32) -> Option<Ipv4Cidr> {
        if prefix < self.prefix || prefix > 32 {
            return None;
        }
        let bits = u32::from(prefix - self.prefix);
        if bits < 32 && u64::from(index) >= (1_u64 << bits) {
            return None;
        }
        let step = 1_u64 << (32 - u32::from(prefix));
        let offset = u64::from(index).checked_mul(step)?;
        let network = u64::from(self.network).checked_add(offset)?;
        let network = u32::try_from(network).ok()?;
        Some(Ipv4Cidr { network, prefix })
    }
}

impl FromStr for Ipv4Cidr {
    type Err = CidrError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        let (address, prefix) = text
            .split_once('/')
            .ok_or_else(|| CidrError(format!("{text:?} is not in CIDR notation (a.b.c.d/n)")))?;
        let address: Ipv4Addr = address
            .parse()
            .map_err(|_| CidrError(format!("{text:?} does not start with an IPv4 address")))?;
        let prefix: u8 = prefix
            .parse()
            .map_err(|_| CidrError(format!("{text:?} has no valid prefix length")))?;
        Ipv4Cidr::new(address, prefix)
    }
}

impl fmt::Display for Ipv4Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.network(), self.prefix)
    }
}

impl Serialize for Ipv4Cidr {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// True when an IPv6 CIDR text covers every address (`::/0`).
pub(crate) fn is_ipv6_anywhere(cidr: &str) -> bool {
    cidr.trim().ends_with("/0")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cidr(text: &str) -> Ipv4Cidr {
        match text.parse() {
            Ok(cidr) => cidr,
            Err(error) => panic!("{text}: {error}"),
        }
    }

    #[test]
    fn parses_and_prints() {
        assert_eq!(cidr("10.20.0.0/16").to_string(), "10.20.0.0/16");
        assert_eq!(cidr("0.0.0.0/0"), ANYWHERE_IPV4);
        for bad in [
            "10.0.0.0",
            "10.0.0/16",
            "10.0.0.0/33",
            "10.0.0.1/16",
            "x/8",
            "",
        ] {
            assert!(bad.parse::<Ipv4Cidr>().is_err(), "{bad}");
        }
    }

    #[test]
    fn private_ranges_are_rfc_1918() {
        assert!(cidr("10.0.0.0/16").is_private());
        assert!(cidr("172.31.0.0/16").is_private());
        assert!(cidr("192.168.4.0/24").is_private());
        assert!(!cidr("172.32.0.0/16").is_private());
        assert!(!cidr("8.8.0.0/16").is_private());
        assert!(!cidr("10.0.0.0/7").is_private());
    }

    #[test]
    fn containment_overlap_and_subnets() {
        let vpc = cidr("10.0.0.0/16");
        assert!(vpc.contains(&cidr("10.0.255.0/24")));
        assert!(!vpc.contains(&cidr("10.1.0.0/24")));
        assert!(vpc.overlaps(&cidr("10.0.0.0/8")));
        assert!(!cidr("10.0.0.0/24").overlaps(&cidr("10.0.1.0/24")));
        assert_eq!(vpc.subnet(19, 2), Some(cidr("10.0.64.0/19")));
        assert_eq!(vpc.subnet(19, 8), None);
        assert_eq!(vpc.subnet(15, 0), None);
        assert_eq!(ANYWHERE_IPV4.subnet(1, 1), Some(cidr("128.0.0.0/1")));
    }
}
