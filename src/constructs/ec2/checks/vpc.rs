//! The VPC as a whole: its address range, zones, tier segmentation and endpoints.

use std::collections::BTreeSet;

use crate::controls::{Check, ControlId};

use super::*;
use crate::constructs::ec2::cidr::Ipv4Cidr;
use crate::constructs::ec2::state::{SubnetState, TargetKind, VpcState, DEFAULT_PART};

// ------------------------------------------------------------------------------ the VPC

/// The layout a VPC of this library was declared with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeclaredVpc {
    /// The desired state (ids empty).
    pub state: VpcState,
    /// The number of availability zones each tier spans.
    pub azs: u8,
    /// The app subnets' blocks (the only sources the data tier accepts).
    pub app_subnets: Vec<Ipv4Cidr>,
    /// The ports the data tier accepts.
    pub data_ports: Vec<u16>,
}

/// What a VPC is expected to have, beyond what every VPC must have.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct VpcExpectations {
    /// The destination that must receive the flow log (`None`: any destination).
    pub flow_log_destination: Option<String>,
    /// Route tables that may send a default route to an internet gateway (the ingress tier).
    pub internet_route_tables: Vec<String>,
    /// An internet gateway may be attached (the VPC asked for an ingress tier).
    pub internet_gateway_authorized: bool,
    /// The declared layout, for VPCs of this library.
    pub declared: Option<DeclaredVpc>,
}

impl VpcExpectations {
    /// What an audit of an arbitrary VPC expects: every control of both rule sets, no
    /// internet gateway authorized.
    pub fn audit() -> VpcExpectations {
        VpcExpectations::default()
    }
}

fn cidr_check(state: &VpcState) -> Check {
    let problem = match state.cidr.parse::<Ipv4Cidr>() {
        Err(error) => Some(error.to_string()),
        Ok(cidr) if !cidr.is_private() => Some(format!(
            "{cidr} is not a private range (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)"
        )),
        Ok(cidr) if !(16..=24).contains(&cidr.prefix_len()) => Some(format!(
            "{cidr} is a /{}: a VPC of this library is a /16 to a /24",
            cidr.prefix_len()
        )),
        Ok(_) => None,
    };
    Check::require(
        ControlId::VpcCidrPrivate,
        "cidr",
        problem.is_none(),
        format!("{} is a private range sized /16 to /24", state.cidr),
        problem.unwrap_or_default(),
    )
}

fn multi_az_check(state: &VpcState, expect: &VpcExpectations) -> Check {
    let zone_of = |subnet: &SubnetState| {
        subnet
            .az_index
            .map(|index| format!("#{index}"))
            .unwrap_or_else(|| subnet.availability_zone.clone())
    };
    match &expect.declared {
        Some(declared) => {
            let short: Vec<String> = ["data", "app", "ingress"]
                .into_iter()
                .filter(|tier| {
                    declared
                        .state
                        .subnets
                        .keys()
                        .any(|name| name.starts_with(&format!("{tier}-")))
                })
                .filter_map(|tier| {
                    let zones: BTreeSet<String> = state
                        .subnets
                        .iter()
                        .filter(|(name, _)| name.starts_with(&format!("{tier}-")))
                        .map(|(_, subnet)| zone_of(subnet))
                        .collect();
                    (zones.len() < usize::from(declared.azs).max(2))
                        .then(|| format!("{tier} spans {} zone(s)", zones.len()))
                })
                .collect();
            Check::require(
                ControlId::VpcMultiAz,
                "subnets",
                short.is_empty(),
                format!("every tier spans {} availability zones", declared.azs),
                format!(
                    "a tier spans fewer than {} zones: {}",
                    declared.azs.max(2),
                    short.join(", ")
                ),
            )
        }
        None => {
            let zones: BTreeSet<String> = state.subnets.values().map(zone_of).collect();
            Check::require(
                ControlId::VpcMultiAz,
                "subnets",
                zones.len() >= 2,
                format!("subnets span {} availability zones", zones.len()),
                format!("subnets span {} availability zone(s)", zones.len()),
            )
        }
    }
}

fn segmentation_checks(state: &VpcState, expect: &VpcExpectations, checks: &mut Vec<Check>) {
    let blocks: Vec<(String, Option<Ipv4Cidr>)> = state
        .subnets
        .iter()
        .map(|(name, subnet)| (name.clone(), subnet.cidr.parse().ok()))
        .collect();
    let vpc = state.cidr.parse::<Ipv4Cidr>().ok();
    let mut problems = Vec::new();
    for (index, (name, block)) in blocks.iter().enumerate() {
        match block {
            None => problems.push(format!("{name} has no valid block")),
            Some(block) => {
                if vpc.is_some_and(|vpc| !vpc.contains(block)) {
                    problems.push(format!("{name} ({block}) lies outside the VPC"));
                }
                for (other, other_block) in &blocks[index + 1..] {
                    if other_block.is_some_and(|other_block| other_block.overlaps(block)) {
                        problems.push(format!("{name} overlaps {other}"));
                    }
                }
            }
        }
    }
    let Some(declared) = &expect.declared else {
        checks.push(Check::require(
            ControlId::VpcTiersSegmented,
            "subnets",
            problems.is_empty(),
            "subnets lie inside the VPC without overlap (tiers of a VPC not made by this library are not known)",
            problems.join("; "),
        ));
        return;
    };
    for (name, wanted) in &declared.state.subnets {
        match state.subnets.get(name) {
            None => problems.push(format!("subnet {name} is missing")),
            Some(live) if live.cidr != wanted.cidr || live.az_index != wanted.az_index => {
                problems.push(format!(
                    "subnet {name} is {} instead of {}",
                    live.render(),
                    wanted.render()
                ));
            }
            Some(_) => {}
        }
    }
    checks.push(Check::require(
        ControlId::VpcTiersSegmented,
        "subnets",
        problems.is_empty(),
        "every tier's subnets are in place, inside the VPC, without overlap",
        problems.join("; "),
    ));
    for (name, wanted) in &declared.state.route_tables {
        let setting = format!("route_table.{name}");
        let check = match state.route_tables.get(name) {
            None => Check::require(
                ControlId::VpcTiersSegmented,
                setting,
                false,
                "",
                "the route table is missing",
            ),
            Some(live) => {
                let live_text = live.render();
                let wanted_text = wanted.render();
                let data_leaks: Vec<String> = if name.starts_with("data-") {
                    live.routes
                        .iter()
                        .filter(|route| route.target.kind != TargetKind::Local)
                        .map(|route| route.render())
                        .collect()
                } else {
                    Vec::new()
                };
                Check::require(
                    ControlId::VpcTiersSegmented,
                    setting,
                    live_text == wanted_text && data_leaks.is_empty(),
                    format!("as declared: {wanted_text}"),
                    if data_leaks.is_empty() {
                        format!("{live_text} instead of {wanted_text}")
                    } else {
                        format!(
                            "the data tier has a route out of the VPC: {}",
                            data_leaks.join(", ")
                        )
                    },
                )
            }
        };
        checks.push(check);
    }
    let nat_problems: Vec<String> = declared
        .state
        .nat_gateways
        .iter()
        .filter(|(name, wanted)| {
            state
                .nat_gateways
                .get(*name)
                .is_none_or(|live| live.render() != wanted.render())
        })
        .map(|(name, wanted)| format!("nat gateway {name} is not {}", wanted.render()))
        .collect();
    if !declared.state.nat_gateways.is_empty() || !state.nat_gateways.is_empty() {
        checks.push(Check::require(
            ControlId::VpcTiersSegmented,
            "nat_gateways",
            nat_problems.is_empty(),
            "app egress leaves only through the declared NAT gateways",
            nat_problems.join("; "),
        ));
    }
}

fn endpoint_checks(state: &VpcState, expect: &VpcExpectations, checks: &mut Vec<Check>) {
    let mut problems = Vec::new();
    if state.dns_support == Some(false) || state.dns_hostnames == Some(false) {
        problems.push(format!(
            "DNS support is {:?} and DNS hostnames {:?}: private DNS of endpoints needs both",
            state.dns_support, state.dns_hostnames
        ));
    }
    match &expect.declared {
        Some(declared) => {
            for (name, wanted) in &declared.state.endpoints {
                match state.endpoints.get(name) {
                    None => problems.push(format!("endpoint {name} is missing")),
                    Some(live) if live.render() != wanted.render() => problems.push(format!(
                        "endpoint {name} is {} instead of {}",
                        live.render(),
                        wanted.render()
                    )),
                    Some(_) => {}
                }
            }
        }
        None => {
            let s3 = state
                .endpoints
                .values()
                .any(|endpoint| endpoint.is_gateway() && endpoint.service.ends_with(".s3"));
            if !s3 {
                problems.push("the VPC has no S3 gateway endpoint".to_string());
            }
        }
    }
    checks.push(Check::require(
        ControlId::VpcPrivateEndpoints,
        "endpoints",
        problems.is_empty(),
        "AWS services are reached through endpoints inside the VPC",
        problems.join("; "),
    ));
}

/// The controls [`evaluate_vpc`] judges (see `crate::controls::coverage`).
pub const EVALUATE_VPC_COVERS: &[ControlId] = &[
    ControlId::InternetGatewayAuthorizedVpcOnly,
    ControlId::NaclNoUnrestrictedIngress,
    ControlId::NaclTiersRestricted,
    ControlId::NoUnrestrictedRouteToIgw,
    ControlId::SgRulesAsDeclared,
    ControlId::SubnetAutoAssignPublicIpDisabled,
    ControlId::VpcCidrPrivate,
    ControlId::VpcDefaultSecurityGroupClosed,
    ControlId::VpcFlowLogsEnabled,
    ControlId::VpcMultiAz,
    ControlId::VpcPrivateEndpoints,
    ControlId::VpcTiersSegmented,
];

/// Judges a VPC and every part read with it.
pub fn evaluate_vpc(state: &VpcState, expect: &VpcExpectations) -> Vec<Check> {
    let mut checks = vec![cidr_check(state), multi_az_check(state, expect)];
    segmentation_checks(state, expect, &mut checks);
    checks.extend(
        state
            .subnets
            .iter()
            .map(|(name, subnet)| evaluate_subnet(name, subnet)),
    );
    checks.extend(state.route_tables.iter().map(|(name, table)| {
        evaluate_route_table(name, table, expect.internet_route_tables.contains(name))
    }));
    checks.push(Check::require(
        ControlId::InternetGatewayAuthorizedVpcOnly,
        "internet_gateway",
        state.internet_gateways.is_empty() || expect.internet_gateway_authorized,
        if state.internet_gateways.is_empty() {
            "no internet gateway is attached"
        } else {
            "the internet gateway serves the explicitly requested ingress tier"
        },
        "an internet gateway is attached to a VPC without an ingress tier",
    ));
    for (name, acl) in &state.network_acls {
        let declared = expect
            .declared
            .as_ref()
            .and_then(|declared| declared.state.network_acls.get(name).cloned());
        let nacl_expect = NaclExpectations {
            closed: acl.is_default && expect.declared.is_some(),
            data_tier: (name == "data")
                .then(|| {
                    expect
                        .declared
                        .as_ref()
                        .map(|declared| (declared.app_subnets.clone(), declared.data_ports.clone()))
                })
                .flatten(),
            declared: declared.filter(|_| !acl.is_default),
        };
        checks.extend(evaluate_network_acl(name, acl, &nacl_expect));
    }
    if let Some(declared) = &expect.declared {
        for name in declared.state.network_acls.keys() {
            if !state.network_acls.contains_key(name) {
                checks.push(Check::require(
                    ControlId::NaclTiersRestricted,
                    format!("network_acl.{name}"),
                    false,
                    "",
                    "the network ACL is missing",
                ));
            }
        }
        for (name, wanted) in &declared.state.security_groups {
            if name == DEFAULT_PART {
                continue;
            }
            let live = state
                .security_groups
                .get(name)
                .map(|group| group.rules.as_slice())
                .unwrap_or_default();
            checks.push(rules_as_declared(
                &format!("security_group.{name}"),
                live,
                &wanted.rules,
            ));
        }
    }
    checks.push(evaluate_default_security_group(
        state
            .security_groups
            .get(DEFAULT_PART)
            .map(|group| group.rules.as_slice()),
    ));
    checks.push(evaluate_flow_logs(
        &state.flow_logs,
        expect.flow_log_destination.as_deref(),
    ));
    endpoint_checks(state, expect, &mut checks);
    checks
}
