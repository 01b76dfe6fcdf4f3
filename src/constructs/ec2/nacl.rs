//! The network ACL of each tier. ACLs are stateless, so each allowed flow has its return
//! traffic (TCP ephemeral ports, 1024-65535) allowed the other way.
//!
//! - data: in, only from each app subnet on each named port; out, only the replies to the app
//!   subnets. Nothing else, in either direction.
//! - app: in and out, TCP within the VPC; with NAT egress, out to the internet on the egress
//!   ports only, and in the replies.
//! - ingress: in, HTTPS from the internet and TCP within the VPC; out, the replies to the
//!   internet and TCP within the VPC; with NAT egress (the NAT gateways live here), the egress
//!   ports out and their replies in.
//! - the default ACL (which no subnet of the VPC uses): every allow turned into a deny.

use super::cidr::{Ipv4Cidr, ANYWHERE_IPV4};
use super::rules::HTTPS_PORT;
use super::state::NaclEntry;

/// Network ACLs hold at most this many entries per direction (the AWS default quota).
pub const MAX_ENTRIES_PER_DIRECTION: usize = 20;
/// The first rule number this library writes; the next ones are 10 apart.
pub const FIRST_RULE: i32 = 100;
/// Ephemeral ports, where replies arrive.
pub const EPHEMERAL_PORTS: (i32, i32) = (1024, 65535);
const ALL_TCP_PORTS: (i32, i32) = (0, 65535);

fn entry(egress: bool, index: usize, cidr: Ipv4Cidr, ports: (i32, i32)) -> NaclEntry {
    let offset = i32::try_from(index)
        .unwrap_or(i32::MAX / 20)
        .saturating_mul(10);
    NaclEntry {
        egress,
        rule_number: FIRST_RULE.saturating_add(offset),
        action: "allow".to_string(),
        protocol: "tcp".to_string(),
        cidr: cidr.to_string(),
        ports: Some(ports),
    }
}

fn numbered(egress: bool, flows: Vec<(Ipv4Cidr, (i32, i32))>) -> Vec<NaclEntry> {
    flows
        .into_iter()
        .enumerate()
        .map(|(index, (cidr, ports))| entry(egress, index, cidr, ports))
        .collect()
}

fn single(port: u16) -> (i32, i32) {
    (i32::from(port), i32::from(port))
}

/// What the tier ACLs are computed from.
#[derive(Debug, Clone)]
pub(crate) struct NaclPlan<'a> {
    pub vpc: Ipv4Cidr,
    pub app_subnets: &'a [Ipv4Cidr],
    pub data_ports: &'a [u16],
    /// The ports open to the internet through NAT, when egress is asked for.
    pub egress_ports: Option<&'a [u16]>,
}

impl NaclPlan<'_> {
    /// The data tier: the app subnets on the named ports, and the replies.
    pub fn data(&self) -> Vec<NaclEntry> {
        let inbound: Vec<(Ipv4Cidr, (i32, i32))> = self
            .app_subnets
            .iter()
            .flat_map(|cidr| self.data_ports.iter().map(|port| (*cidr, single(*port))))
            .collect();
        let outbound: Vec<(Ipv4Cidr, (i32, i32))> = if self.data_ports.is_empty() {
            Vec::new()
        } else {
            self.app_subnets
                .iter()
                .map(|cidr| (*cidr, EPHEMERAL_PORTS))
                .collect()
        };
        sorted([numbered(false, inbound), numbered(true, outbound)].concat())
    }

    /// The app tier.
    pub fn app(&self) -> Vec<NaclEntry> {
        let mut inbound = vec![(self.vpc, ALL_TCP_PORTS)];
        let mut outbound = vec![(self.vpc, ALL_TCP_PORTS)];
        if let Some(ports) = self.egress_ports {
            inbound.push((ANYWHERE_IPV4, EPHEMERAL_PORTS));
            outbound.extend(ports.iter().map(|port| (ANYWHERE_IPV4, single(*port))));
        }
        sorted([numbered(false, inbound), numbered(true, outbound)].concat())
    }

    /// The ingress tier.
    pub fn ingress(&self) -> Vec<NaclEntry> {
        let mut inbound = vec![
            (ANYWHERE_IPV4, single(HTTPS_PORT)),
            (self.vpc, ALL_TCP_PORTS),
        ];
        let mut outbound = vec![(ANYWHERE_IPV4, EPHEMERAL_PORTS), (self.vpc, ALL_TCP_PORTS)];
        if let Some(ports) = self.egress_ports {
            inbound.push((ANYWHERE_IPV4, EPHEMERAL_PORTS));
            outbound.extend(ports.iter().map(|port| (ANYWHERE_IPV4, single(*port))));
        }
        sorted([numbered(false, inbound), numbered(true, outbound)].concat())
    }
}

/// The entries of a closed default ACL: rule 100 denies every protocol from and to everywhere.
pub(crate) fn closed_default() -> Vec<NaclEntry> {
    [false, true]
        .into_iter()
        .map(|egress| NaclEntry {
            egress,
            rule_number: FIRST_RULE,
            action: "deny".to_string(),
            protocol: "all".to_string(),
            cidr: "0.0.0.0/0".to_string(),
            ports: None,
        })
        .collect()
}

fn sorted(mut entries: Vec<NaclEntry>) -> Vec<NaclEntry> {
    entries.sort();
    entries
}

/// How many entries go in the busier direction.
pub(crate) fn busiest_direction(entries: &[NaclEntry]) -> usize {
    let outbound = entries.iter().filter(|entry| entry.egress).count();
    outbound.max(entries.len() - outbound)
}
