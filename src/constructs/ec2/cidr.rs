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

// ------------------------------------------------------------------------------ public or private

/// The private IPv6 range: unique local addresses (RFC 4193), `fc00::/7`.
const PRIVATE_IPV6_FIRST: u128 = 0xfc00_u128 << 112;
const PRIVATE_IPV6_PREFIX: u8 = 7;

/// The address family of a block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Family {
    /// IPv4: addresses 0 to 2^32 - 1.
    V4,
    /// IPv6: addresses 0 to 2^128 - 1.
    V6,
}

impl Family {
    fn bits(self) -> u32 {
        match self {
            Family::V4 => 32,
            Family::V6 => 128,
        }
    }

    fn last_address(self) -> u128 {
        match self {
            Family::V4 => u128::from(u32::MAX),
            Family::V6 => u128::MAX,
        }
    }
}

/// A block of IPv4 or IPv6 addresses as a rule, an ACL entry or a route names it, as the range
/// `first..=last` of one family.
///
/// Every block that does not lie inside a private range counts as **public**: for IPv4 the
/// ranges of RFC 1918 (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16), for IPv6 the unique local
/// addresses (fc00::/7). Carrier-grade NAT (100.64.0.0/10), link-local, loopback and every
/// other special range count as public too: none of them is a private network of the account,
/// and the strictest reading is the safe one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct AddressBlock {
    family: Family,
    first: u128,
    last: u128,
}

fn host_mask(family: Family, prefix: u8) -> u128 {
    let host_bits = family.bits().saturating_sub(u32::from(prefix));
    if host_bits == 0 {
        0
    } else {
        family.last_address() >> (family.bits() - host_bits)
    }
}

impl AddressBlock {
    fn new(family: Family, address: u128, prefix: u8) -> Option<AddressBlock> {
        if u32::from(prefix) > family.bits() {
            return None;
        }
        let hosts = host_mask(family, prefix);
        // Host bits are ignored: the block covers what its prefix covers.
        let first = address & !hosts & family.last_address();
        Some(AddressBlock {
            family,
            first,
            last: first | hosts,
        })
    }

    /// Parses `a.b.c.d/n` or an IPv6 `addr/n`; `None` for anything else.
    pub(crate) fn parse(text: &str) -> Option<AddressBlock> {
        let (address, prefix) = text.trim().split_once('/')?;
        let prefix: u8 = prefix.parse().ok()?;
        if let Ok(v4) = address.parse::<Ipv4Addr>() {
            return AddressBlock::new(Family::V4, u128::from(u32::from(v4)), prefix);
        }
        let v6 = address.parse::<std::net::Ipv6Addr>().ok()?;
        AddressBlock::new(Family::V6, u128::from(v6), prefix)
    }

    /// The whole address space of `family` (`0.0.0.0/0` or `::/0`).
    pub(crate) fn everything(family: Family) -> AddressBlock {
        AddressBlock {
            family,
            first: 0,
            last: family.last_address(),
        }
    }

    /// The family of the block.
    pub(crate) fn family(&self) -> Family {
        self.family
    }

    /// True when every address of `other` is in this block.
    pub(crate) fn contains(&self, other: &AddressBlock) -> bool {
        self.family == other.family && self.first <= other.first && other.last <= self.last
    }

    /// True when the block lies inside a private range (RFC 1918 or fc00::/7).
    pub(crate) fn is_private(&self) -> bool {
        match self.family {
            Family::V4 => PRIVATE_RANGES.iter().any(|range| {
                AddressBlock::new(Family::V4, u128::from(range.first()), range.prefix_len())
                    .is_some_and(|range| range.contains(self))
            }),
            Family::V6 => AddressBlock::new(Family::V6, PRIVATE_IPV6_FIRST, PRIVATE_IPV6_PREFIX)
                .is_some_and(|range| range.contains(self)),
        }
    }

    /// True when some address of the block is public (see the type's documentation).
    pub(crate) fn is_public(&self) -> bool {
        !self.is_private()
    }
}

impl From<Ipv4Cidr> for AddressBlock {
    fn from(cidr: Ipv4Cidr) -> Self {
        AddressBlock {
            family: Family::V4,
            first: u128::from(cidr.first()),
            last: u128::from(cidr.last()),
        }
    }
}

/// True when the block text is public: unparseable text counts as public (what cannot be read
/// cannot be shown to be private).
pub(crate) fn is_public_block(text: &str) -> bool {
    AddressBlock::parse(text).is_none_or(|block| block.is_public())
}

/// A union of address blocks, to ask whether several blocks **together** cover a block or a
/// whole address space: `0.0.0.0/1` and `128.0.0.0/1` together are `0.0.0.0/0`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct AddressRanges {
    blocks: Vec<AddressBlock>,
}

impl AddressRanges {
    /// An empty union.
    pub(crate) fn new() -> AddressRanges {
        AddressRanges::default()
    }

    /// Adds a block.
    pub(crate) fn insert(&mut self, block: AddressBlock) {
        self.blocks.push(block);
    }

    /// True when the union holds every address of `block`.
    pub(crate) fn covers(&self, block: &AddressBlock) -> bool {
        let mut ranges: Vec<(u128, u128)> = self
            .blocks
            .iter()
            .filter(|held| held.family == block.family)
            .map(|held| (held.first, held.last))
            .collect();
        ranges.sort_unstable();
        // The first address not yet shown to be covered.
        let mut needed = block.first;
        for (first, last) in ranges {
            if first > needed {
                return false;
            }
            if last >= needed {
                if last >= block.last {
                    return true;
                }
                match last.checked_add(1) {
                    Some(next) => needed = next,
                    None => return true,
                }
            }
        }
        false
    }

    /// True when the union holds every address of `family`.
    pub(crate) fn covers_everything(&self, family: Family) -> bool {
        self.covers(&AddressBlock::everything(family))
    }
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

    fn block(text: &str) -> AddressBlock {
        match AddressBlock::parse(text) {
            Some(block) => block,
            None => panic!("{text} does not parse"),
        }
    }

    fn union(texts: &[&str]) -> AddressRanges {
        let mut ranges = AddressRanges::new();
        for text in texts {
            ranges.insert(block(text));
        }
        ranges
    }

    #[test]
    fn public_means_outside_rfc_1918_and_unique_local() {
        for private in [
            "10.0.0.0/8",
            "10.255.255.255/32",
            "172.16.0.0/12",
            "172.31.255.0/24",
            "192.168.0.0/16",
            "fc00::/7",
            "fd00:ec2:80::/64",
        ] {
            assert!(block(private).is_private(), "{private}");
            assert!(!is_public_block(private), "{private}");
        }
        for public in [
            "0.0.0.0/0",
            "0.0.0.0/1",
            "128.0.0.0/1",
            "1.2.3.4/32",
            "8.0.0.0/7",
            "9.255.255.255/32",
            "11.0.0.0/32",
            "10.0.0.0/7",
            "172.15.255.255/32",
            "172.32.0.0/16",
            "192.167.255.255/32",
            "192.169.0.0/16",
            "100.64.0.0/10",
            "169.254.169.254/32",
            "127.0.0.1/32",
            "::/0",
            "::/1",
            "8000::/1",
            "2001:db8::/32",
            "fe80::/10",
            "fc00::/6",
            "not a block",
            "",
            "10.0.0.0/33",
        ] {
            assert!(is_public_block(public), "{public}");
        }
    }

    #[test]
    fn host_bits_are_ignored_when_judging() {
        assert_eq!(block("10.0.0.1/8"), block("10.0.0.0/8"));
        assert!(block("10.1.2.3/8").is_private());
        assert_eq!(block("fd00::1/8"), block("fd00::/8"));
    }

    #[test]
    fn halves_and_quarters_cover_everything() {
        assert!(union(&["0.0.0.0/0"]).covers_everything(Family::V4));
        assert!(union(&["0.0.0.0/1", "128.0.0.0/1"]).covers_everything(Family::V4));
        assert!(union(&["128.0.0.0/1", "0.0.0.0/1"]).covers_everything(Family::V4));
        assert!(
            union(&["0.0.0.0/2", "64.0.0.0/2", "128.0.0.0/2", "192.0.0.0/2"])
                .covers_everything(Family::V4)
        );
        assert!(!union(&["0.0.0.0/2", "64.0.0.0/2", "192.0.0.0/2"]).covers_everything(Family::V4));
        assert!(!union(&["0.0.0.0/1"]).covers_everything(Family::V4));
        assert!(!union(&[]).covers_everything(Family::V4));
        assert!(union(&["::/1", "8000::/1"]).covers_everything(Family::V6));
        assert!(!union(&["::/1"]).covers_everything(Family::V6));
        // The families never mix.
        assert!(!union(&["0.0.0.0/0"]).covers_everything(Family::V6));
        assert!(!union(&["::/0"]).covers_everything(Family::V4));
    }

    #[test]
    fn a_gap_of_one_address_is_not_covered() {
        // 0/1, 128/2, 192/3, ... 255.255.255.254/32: everything but 255.255.255.255.
        let mut staircase = AddressRanges::new();
        let mut first: u32 = 0;
        for prefix in 1..=32_u8 {
            let cidr = Ipv4Cidr::new(Ipv4Addr::from(first), prefix).expect("aligned");
            staircase.insert(AddressBlock::from(cidr));
            first |= 1 << (32 - u32::from(prefix));
        }
        assert!(!staircase.covers_everything(Family::V4));
        assert!(!staircase.covers(&block("255.255.255.255/32")));
        assert!(staircase.covers(&block("255.255.255.254/32")));
        staircase.insert(block("255.255.255.255/32"));
        assert!(staircase.covers_everything(Family::V4));

        // A one-address hole at the start and in the middle.
        assert!(
            !union(&["0.0.0.1/32", "0.0.0.2/31", "0.0.0.4/30", "0.0.0.8/29"])
                .covers(&block("0.0.0.0/28"))
        );
        assert!(union(&[
            "0.0.0.0/32",
            "0.0.0.1/32",
            "0.0.0.2/31",
            "0.0.0.4/30",
            "0.0.0.8/29"
        ])
        .covers(&block("0.0.0.0/28")));
        assert!(!union(&["10.0.0.0/25", "10.0.0.129/32"]).covers(&block("10.0.0.0/24")));
        // Overlapping blocks still cover.
        assert!(
            union(&["0.0.0.0/1", "64.0.0.0/2", "96.0.0.0/3", "128.0.0.0/1"])
                .covers_everything(Family::V4)
        );
        // IPv6: everything but the last address, then everything.
        let mut v6 = union(&["::/1", "8000::/2", "c000::/2"]);
        assert!(v6.covers_everything(Family::V6));
        v6 = union(&["::/1", "8000::/2", "c000::/3", "e000::/3"]);
        assert!(v6.covers_everything(Family::V6));
        assert!(!union(&["::/1", "8000::/2", "c000::/3"]).covers_everything(Family::V6));
    }

    proptest::proptest! {
        /// The union agrees with a brute-force count over the 256 /8 units of the IPv4 space
        /// (blocks of /1 to /8 are whole numbers of units).
        #[test]
        fn union_agrees_with_brute_force(
            blocks in proptest::collection::vec((0_u32..256, 1_u8..=8), 0..12),
            probe in (0_u32..256, 1_u8..=8),
        ) {
            let to_block = |(unit, prefix): (u32, u8)| {
                let network = (unit << 24) & (u32::MAX << (32 - u32::from(prefix)));
                AddressBlock::from(Ipv4Cidr::new(Ipv4Addr::from(network), prefix).expect("aligned"))
            };
            let mut ranges = AddressRanges::new();
            let mut units = [false; 256];
            for item in &blocks {
                let held = to_block(*item);
                ranges.insert(held);
                for (unit, covered) in units.iter_mut().enumerate() {
                    let start = u128::try_from(unit).expect("small") << 24;
                    if held.first <= start && start <= held.last {
                        *covered = true;
                    }
                }
            }
            proptest::prop_assert_eq!(ranges.covers_everything(Family::V4), units.iter().all(|c| *c));
            let probe = to_block(probe);
            let probe_covered = units.iter().enumerate().all(|(unit, covered)| {
                let start = u128::try_from(unit).expect("small") << 24;
                *covered || start < probe.first || start > probe.last
            });
            proptest::prop_assert_eq!(ranges.covers(&probe), probe_covered);
        }
    }
}
