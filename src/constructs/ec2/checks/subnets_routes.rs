//! Subnets, route tables and flow logs.

use std::collections::BTreeMap;

use crate::controls::{Check, ControlId};

use crate::constructs::ec2::cidr::{AddressBlock, AddressRanges, Family};
use crate::constructs::ec2::state::{
    FlowLogState, Route, RouteTableState, SubnetState, TargetKind,
};

// ------------------------------------------------------------------------------ subnets, routes

/// The controls [`evaluate_subnet`] judges (see `crate::controls::coverage`).
pub const EVALUATE_SUBNET_COVERS: &[ControlId] = &[ControlId::SubnetAutoAssignPublicIpDisabled];

/// A subnet does not hand out public addresses.
pub fn evaluate_subnet(name: &str, subnet: &SubnetState) -> Check {
    Check::require(
        ControlId::SubnetAutoAssignPublicIpDisabled,
        format!("subnet.{name}"),
        !subnet.map_public_ip_on_launch && !subnet.assign_ipv6_on_creation,
        "instances get no public address on launch",
        format!(
            "instances launched in {name} get a public address (public IPv4 on launch {}, IPv6 on creation {})",
            subnet.map_public_ip_on_launch, subnet.assign_ipv6_on_creation
        ),
    )
}

/// The controls [`evaluate_route_table`] judges (see `crate::controls::coverage`).
pub const EVALUATE_ROUTE_TABLE_COVERS: &[ControlId] = &[ControlId::NoUnrestrictedRouteToIgw];

/// A route table sends no default route to an internet gateway, unless it serves the
/// explicit ingress tier (`internet_allowed`).
pub fn evaluate_route_table(name: &str, table: &RouteTableState, internet_allowed: bool) -> Check {
    let to_igw: Vec<&Route> = table
        .routes
        .iter()
        .filter(|route| {
            route.to_public_destination() && route.target.kind == TargetKind::InternetGateway
        })
        .collect();
    let setting = format!("route_table.{name}");
    if to_igw.is_empty() {
        return Check::require(
            ControlId::NoUnrestrictedRouteToIgw,
            setting,
            true,
            "no route sends public addresses to an internet gateway",
            "",
        );
    }
    let mut destinations = AddressRanges::new();
    for route in &to_igw {
        if let Some(block) = AddressBlock::parse(&route.destination) {
            destinations.insert(block);
        }
    }
    let together = if destinations.covers_everything(Family::V4)
        || destinations.covers_everything(Family::V6)
    {
        " (together a default route)"
    } else {
        ""
    };
    let rendered: Vec<String> = to_igw.iter().map(|route| route.render()).collect();
    Check::require(
        ControlId::NoUnrestrictedRouteToIgw,
        setting,
        internet_allowed,
        "the route to the internet gateway serves the explicitly requested ingress tier \
         (the cdk-nag rule would flag it; it is the tier's purpose)",
        format!(
            "routes send public addresses to an internet gateway{together} (any block outside \
             the private ranges, or a prefix list, counts, not only 0.0.0.0/0 and ::/0): {}",
            rendered.join(", ")
        ),
    )
}

/// The controls [`evaluate_flow_logs`] judges (see `crate::controls::coverage`).
pub const EVALUATE_FLOW_LOGS_COVERS: &[ControlId] = &[ControlId::VpcFlowLogsEnabled];

/// The VPC has a flow log of ALL traffic that is active (to `destination`, when given).
pub fn evaluate_flow_logs(
    flow_logs: &BTreeMap<String, FlowLogState>,
    destination: Option<&str>,
) -> Check {
    let recording = flow_logs.values().any(|flow_log| {
        flow_log.traffic_type == "ALL"
            && flow_log.status.eq_ignore_ascii_case("ACTIVE")
            && destination.is_none_or(|wanted| flow_log.destination == wanted)
    });
    let found: Vec<String> = flow_logs.values().map(FlowLogState::render).collect();
    Check::require(
        ControlId::VpcFlowLogsEnabled,
        "flow_log",
        recording,
        match destination {
            Some(destination) => format!("ALL traffic is logged to {destination}"),
            None => "ALL traffic is logged".to_string(),
        },
        if found.is_empty() {
            "the VPC has no flow log".to_string()
        } else {
            format!(
                "no active flow log of ALL traffic{}; found: {}",
                destination.map(|d| format!(" to {d}")).unwrap_or_default(),
                found.join("; ")
            )
        },
    )
}
