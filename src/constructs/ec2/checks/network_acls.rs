//! Network ACLs: the entries that take effect, and who they let in or out.

use crate::controls::{Check, ControlId};

use crate::constructs::ec2::cidr::{AddressBlock, AddressRanges, Family, Ipv4Cidr};
use crate::constructs::ec2::state::{NaclEntry, NetworkAclState};

// ------------------------------------------------------------------------------ network ACLs

/// What a network ACL is expected to hold.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NaclExpectations {
    /// It must deny everything and serve no subnet (the default ACL of a VPC of this library).
    pub closed: bool,
    /// The ACL of the data tier: only these sources, on these TCP ports, may come in.
    pub data_tier: Option<(Vec<Ipv4Cidr>, Vec<u16>)>,
    /// The entries and subnets it was declared with.
    pub declared: Option<NetworkAclState>,
}

/// The allow entries of one direction that can take effect, in evaluation order: those not
/// wholly shadowed by earlier entries that deny every protocol. Denies shadow per address
/// family and together: `deny 0.0.0.0/1` and `deny 128.0.0.0/1` shadow every later IPv4 allow,
/// but no IPv4 deny shadows an IPv6 allow. A port-specific deny shadows nothing (the allow
/// still lets its other ports in).
pub fn effective_allows(acl: &NetworkAclState, egress: bool) -> Vec<&NaclEntry> {
    let mut entries: Vec<&NaclEntry> = acl
        .entries
        .iter()
        .filter(|entry| entry.egress == egress)
        .collect();
    entries.sort_by_key(|entry| entry.rule_number);
    let mut denied = AddressRanges::new();
    let mut effective = Vec::new();
    for entry in entries {
        let block = AddressBlock::parse(&entry.cidr);
        if entry.action == "deny" {
            if let (Some(block), "all") = (block, entry.protocol.as_str()) {
                denied.insert(block);
            }
            continue;
        }
        if entry.action != "allow" {
            continue;
        }
        // An entry whose block does not parse is kept: what cannot be read is not shadowed.
        if block.is_none_or(|block| !denied.covers(&block)) {
            effective.push(entry);
        }
    }
    effective
}

fn entries_text(entries: &[&NaclEntry]) -> String {
    entries
        .iter()
        .map(|entry| entry.render())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The controls [`evaluate_network_acl`] judges (see `crate::controls::coverage`).
pub const EVALUATE_NETWORK_ACL_COVERS: &[ControlId] = &[
    ControlId::NaclNoUnrestrictedIngress,
    ControlId::NaclTiersRestricted,
];

/// Judges one network ACL.
pub fn evaluate_network_acl(
    name: &str,
    acl: &NetworkAclState,
    expect: &NaclExpectations,
) -> Vec<Check> {
    let setting = format!("network_acl.{name}");
    let inbound = effective_allows(acl, false);
    let unrestricted: Vec<&NaclEntry> = inbound
        .iter()
        .copied()
        .filter(|entry| entry.from_public() && entry.all_traffic())
        .collect();
    let mut everyone = AddressRanges::new();
    for entry in &unrestricted {
        if let Some(block) = AddressBlock::parse(&entry.cidr) {
            everyone.insert(block);
        }
    }
    let together =
        if everyone.covers_everything(Family::V4) || everyone.covers_everything(Family::V6) {
            " (together they admit every address)"
        } else {
            ""
        };
    let mut checks = vec![Check::require(
        ControlId::NaclNoUnrestrictedIngress,
        &setting,
        unrestricted.is_empty(),
        "no entry lets every port in from a public address (every block outside 10.0.0.0/8, \
         172.16.0.0/12, 192.168.0.0/16 and fc00::/7 counts as the internet)",
        format!(
            "entries let every port in from public addresses{together}: {}",
            entries_text(&unrestricted)
        ),
    )];
    let mut problems = Vec::new();
    if expect.closed {
        let outbound = effective_allows(acl, true);
        let allows: Vec<&NaclEntry> = inbound.iter().chain(outbound.iter()).copied().collect();
        if !allows.is_empty() {
            problems.push(format!(
                "the default ACL still allows {}",
                entries_text(&allows)
            ));
        }
        if !acl.subnets.is_empty() {
            problems.push(format!(
                "subnets use the default ACL: {}",
                acl.subnets.join(", ")
            ));
        }
    }
    if let Some((sources, ports)) = &expect.data_tier {
        let stray: Vec<&NaclEntry> = inbound
            .iter()
            .copied()
            .filter(|entry| {
                let from_app = entry
                    .cidr
                    .parse::<Ipv4Cidr>()
                    .map(|cidr| sources.iter().any(|source| source.contains(&cidr)))
                    .unwrap_or(false);
                let on_named_port = entry.protocol == "tcp"
                    && entry.ports.is_some_and(|(from, to)| {
                        (from..=to)
                            .all(|port| u16::try_from(port).is_ok_and(|port| ports.contains(&port)))
                    });
                !(from_app && on_named_port)
            })
            .collect();
        if !stray.is_empty() {
            problems.push(format!(
                "the data tier accepts more than the app subnets on the named ports: {}",
                entries_text(&stray)
            ));
        }
    }
    if let Some(declared) = &expect.declared {
        let missing: Vec<&NaclEntry> = declared
            .entries
            .iter()
            .filter(|entry| !acl.entries.contains(entry))
            .collect();
        let extra: Vec<&NaclEntry> = acl
            .entries
            .iter()
            .filter(|entry| !declared.entries.contains(entry))
            .collect();
        if !missing.is_empty() {
            problems.push(format!("entries removed: {}", entries_text(&missing)));
        }
        if !extra.is_empty() {
            problems.push(format!("entries added: {}", entries_text(&extra)));
        }
        if declared.subnets != acl.subnets {
            problems.push(format!(
                "serves subnets [{}] instead of [{}]",
                acl.subnets.join(", "),
                declared.subnets.join(", ")
            ));
        }
    }
    if expect.closed || expect.data_tier.is_some() || expect.declared.is_some() {
        checks.push(Check::require(
            ControlId::NaclTiersRestricted,
            &setting,
            problems.is_empty(),
            if expect.closed {
                "denies everything and serves no subnet".to_string()
            } else {
                "holds exactly its declared entries".to_string()
            },
            problems.join("; "),
        ));
    }
    checks
}
