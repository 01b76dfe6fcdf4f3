//! The subnet allocator: the tiers of a VPC laid out in its CIDR without overlap.
//!
//! The VPC is cut in four equal tier blocks (data, app, ingress, and one kept spare), and each
//! tier block in as many equal slots as the next power of two of the AZ count. Tier `t`, zone
//! `z` (1-based) takes slot `t * slots + (z - 1)`. The layout does not depend on which tiers are
//! used, so adding the ingress tier later never moves the data or app subnets.

use std::fmt;

use serde::Serialize;

use super::cidr::Ipv4Cidr;

/// The smallest subnet AWS accepts (a /28: 16 addresses, 11 usable).
pub const SMALLEST_SUBNET_PREFIX: u8 = 28;
/// The largest subnet AWS accepts (a /16).
pub const LARGEST_SUBNET_PREFIX: u8 = 16;

/// A tier of subnets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    /// Isolated: no route out of the VPC. Databases and other PHI stores live here.
    Data,
    /// Private: reaches the internet only through a NAT gateway, when egress is asked for.
    App,
    /// Public: load balancers facing the internet. Exists only when asked for explicitly.
    Ingress,
}

impl Tier {
    /// Every tier, in layout order.
    pub const ALL: [Tier; 3] = [Tier::Data, Tier::App, Tier::Ingress];

    /// The tier's name, as used in part names (`data-1`).
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Data => "data",
            Tier::App => "app",
            Tier::Ingress => "ingress",
        }
    }

    fn block(self) -> u32 {
        match self {
            Tier::Data => 0,
            Tier::App => 1,
            Tier::Ingress => 2,
        }
    }

    /// The part name of the tier's subnet in zone `az` (1-based), e.g. `app-2`.
    pub fn part(self, az: u8) -> String {
        format!("{}-{az}", self.as_str())
    }
}

impl fmt::Display for Tier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One subnet of the layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PlannedSubnet {
    /// Its tier.
    pub tier: Tier,
    /// Its availability zone, 1-based (zones are numbered in name order).
    pub az: u8,
    /// Its CIDR block.
    pub cidr: Ipv4Cidr,
}

impl PlannedSubnet {
    /// Its part name, e.g. `data-1`.
    pub fn part(&self) -> String {
        self.tier.part(self.az)
    }
}

fn slot_bits(azs: u8) -> u8 {
    let mut bits = 0;
    while (1_u32 << bits) < u32::from(azs) {
        bits += 1;
    }
    bits
}

/// The prefix length of every subnet for a VPC of `vpc_prefix` over `azs` zones.
pub fn subnet_prefix(vpc_prefix: u8, azs: u8) -> u8 {
    vpc_prefix.saturating_add(2).saturating_add(slot_bits(azs))
}

/// Lays out the three tiers over `azs` zones (1 or more) in `vpc`. Refused (with the reason)
/// when the subnets would be smaller than a /28.
pub fn allocate(vpc: Ipv4Cidr, azs: u8) -> Result<Vec<PlannedSubnet>, String> {
    if azs == 0 {
        return Err("at least one availability zone is needed".to_string());
    }
    let bits = slot_bits(azs);
    let prefix = subnet_prefix(vpc.prefix_len(), azs);
    if prefix > SMALLEST_SUBNET_PREFIX {
        return Err(format!(
            "{vpc} cannot hold 3 tiers over {azs} availability zones: each subnet would be a /{prefix}, \
             smaller than the /{SMALLEST_SUBNET_PREFIX} AWS allows; use a larger block or fewer zones"
        ));
    }
    let slots = 1_u32 << bits;
    let mut subnets = Vec::with_capacity(usize::from(azs) * Tier::ALL.len());
    for tier in Tier::ALL {
        for az in 1..=azs {
            let index = tier.block() * slots + u32::from(az - 1);
            let cidr = vpc
                .subnet(prefix, index)
                .ok_or_else(|| format!("slot {index} of {vpc} in /{prefix} does not exist"))?;
            subnets.push(PlannedSubnet { tier, az, cidr });
        }
    }
    Ok(subnets)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::constructs::ec2::cidr::PRIVATE_RANGES;

    #[test]
    fn a_16_over_two_zones_gives_19s() -> Result<(), String> {
        let vpc: Ipv4Cidr = "10.0.0.0/16".parse().map_err(|e| format!("{e}"))?;
        let subnets = allocate(vpc, 2)?;
        let text: Vec<String> = subnets
            .iter()
            .map(|s| format!("{} {}", s.part(), s.cidr))
            .collect();
        assert_eq!(
            text,
            [
                "data-1 10.0.0.0/19",
                "data-2 10.0.32.0/19",
                "app-1 10.0.64.0/19",
                "app-2 10.0.96.0/19",
                "ingress-1 10.0.128.0/19",
                "ingress-2 10.0.160.0/19"
            ]
        );
        Ok(())
    }

    #[test]
    fn a_24_fits_four_zones_but_not_five() -> Result<(), String> {
        let vpc: Ipv4Cidr = "192.168.7.0/24".parse().map_err(|e| format!("{e}"))?;
        assert!(allocate(vpc, 4).is_ok());
        assert!(allocate(vpc, 5).is_err());
        Ok(())
    }

    fn valid_vpc() -> impl Strategy<Value = Ipv4Cidr> {
        (0usize..3, 16u8..=24, any::<u32>()).prop_filter_map(
            "a private block",
            |(range, prefix, bits)| {
                let range = PRIVATE_RANGES[range];
                let prefix = prefix.max(range.prefix_len());
                let host_mask = if prefix == 0 {
                    0
                } else {
                    u32::MAX << (32 - prefix)
                };
                let within = !(u32::MAX << (32 - range.prefix_len()));
                let network = (range.first() | (bits & within)) & host_mask;
                Ipv4Cidr::new(std::net::Ipv4Addr::from(network), prefix).ok()
            },
        )
    }

    proptest! {
        #[test]
        fn never_overlaps_nor_leaves_the_vpc(vpc in valid_vpc(), azs in 1u8..=6) {
            match allocate(vpc, azs) {
                Ok(subnets) => {
                    prop_assert_eq!(subnets.len(), usize::from(azs) * 3);
                    for (i, a) in subnets.iter().enumerate() {
                        prop_assert!(vpc.contains(&a.cidr), "{} outside {}", a.cidr, vpc);
                        prop_assert!(a.cidr.prefix_len() <= SMALLEST_SUBNET_PREFIX);
                        prop_assert!(a.cidr.prefix_len() >= LARGEST_SUBNET_PREFIX);
                        prop_assert!(a.cidr.is_private());
                        for b in &subnets[i + 1..] {
                            prop_assert!(!a.cidr.overlaps(&b.cidr), "{} overlaps {}", a.cidr, b.cidr);
                        }
                    }
                    // Adding zones never moves an existing subnet.
                    if azs > 1
                        && let Ok(fewer) = allocate(vpc, azs - 1)
                            && subnet_prefix(vpc.prefix_len(), azs - 1) == subnet_prefix(vpc.prefix_len(), azs) {
                                for s in &fewer {
                                    prop_assert!(subnets.contains(s));
                                }
                            }
                }
                Err(_) => prop_assert!(subnet_prefix(vpc.prefix_len(), azs) > SMALLEST_SUBNET_PREFIX),
            }
        }
    }
}
