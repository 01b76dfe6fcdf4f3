//! The controls that judge a VPC and its parts, a security group and the account's EBS
//! default, on a spec or on what EC2 returns. Every function works on state read from any
//! resource (the audit reuses them); what only a spec of this library can say (the declared
//! layout) comes in the expectations and is optional.

use std::collections::{BTreeMap, BTreeSet};

use crate::controls::{Check, ControlId};

use super::cidr::Ipv4Cidr;
use super::ebs::EbsDefaultState;
use super::rules::{
    render_rules, SgRule, ADMIN_PORTS, COMMON_RESTRICTED_PORTS, DATABASE_PORTS, HTTPS_PORT,
};
use super::security_group::SecurityGroupState;
use super::state::{
    FlowLogState, NaclEntry, NetworkAclState, RouteTableState, SubnetState, TargetKind, VpcState,
    DEFAULT_PART,
};

// ------------------------------------------------------------------------------ security groups

/// What a security group is expected to allow, beyond what every group must refuse.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SecurityGroupExpectations {
    /// The blocks of the group's VPC: peers inside them count as internal.
    pub vpc_cidrs: Vec<Ipv4Cidr>,
    /// The group belongs to the explicit ingress tier: HTTPS (TCP 443) from anywhere is
    /// authorized, and nothing else from anywhere.
    pub ingress_tier: bool,
    /// Judge egress rules too (all-protocol egress is refused): true for groups of this
    /// library; an audit of AWS defaults may set it false.
    pub judge_egress: bool,
}

impl SecurityGroupExpectations {
    /// What an audit expects of a group read from an account: its VPC's blocks, the ingress
    /// tier when the group carries this library's tier tag, egress judged too.
    pub fn audit(group: &SecurityGroupState) -> SecurityGroupExpectations {
        SecurityGroupExpectations {
            vpc_cidrs: group
                .vpc_cidrs
                .iter()
                .filter_map(|cidr| cidr.parse().ok())
                .collect(),
            ingress_tier: group.is_ingress_tier(),
            judge_egress: true,
        }
    }
}

fn outside_vpc(rule: &SgRule, vpc_cidrs: &[Ipv4Cidr]) -> bool {
    use super::rules::RulePeer;
    match &rule.peer {
        RulePeer::Cidr(cidr) => match cidr.parse::<Ipv4Cidr>() {
            Ok(block) if vpc_cidrs.is_empty() => !block.is_private(),
            Ok(block) => !vpc_cidrs.iter().any(|vpc| vpc.contains(&block)),
            Err(_) => true,
        },
        RulePeer::Ipv6Cidr(_) => true,
        RulePeer::PrefixList(_) | RulePeer::Group { .. } => false,
    }
}

fn listed(rules: &[&SgRule]) -> String {
    rules
        .iter()
        .map(|rule| rule.render())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Judges the rules of a security group (ingress and egress together).
pub fn evaluate_security_group_rules(
    rules: &[SgRule],
    expect: &SecurityGroupExpectations,
) -> Vec<Check> {
    let ingress: Vec<&SgRule> = rules.iter().filter(|rule| !rule.egress).collect();
    let open: Vec<&SgRule> = ingress
        .iter()
        .copied()
        .filter(|rule| rule.peer.is_anywhere())
        .collect();
    let ssh: Vec<&SgRule> = open
        .iter()
        .copied()
        .filter(|rule| rule.covers_tcp_port(22))
        .collect();
    let common: Vec<&SgRule> = ingress
        .iter()
        .copied()
        .filter(|rule| {
            rule.all_protocols()
                || (rule.peer.is_anywhere()
                    && COMMON_RESTRICTED_PORTS
                        .iter()
                        .any(|port| rule.covers_tcp_port(*port)))
        })
        .collect();
    let unauthorized: Vec<&SgRule> = open
        .iter()
        .copied()
        .filter(|rule| {
            let https_only = rule.protocol == "tcp"
                && rule.from_port == i32::from(HTTPS_PORT)
                && rule.to_port == i32::from(HTTPS_PORT);
            !(expect.ingress_tier && https_only)
        })
        .collect();
    let sensitive: Vec<&SgRule> = ingress
        .iter()
        .copied()
        .filter(|rule| {
            outside_vpc(rule, &expect.vpc_cidrs)
                && ADMIN_PORTS
                    .iter()
                    .chain(DATABASE_PORTS)
                    .any(|port| rule.covers_tcp_port(*port))
        })
        .collect();
    let wide: Vec<&SgRule> = rules
        .iter()
        .filter(|rule| (expect.judge_egress || !rule.egress) && rule.all_ports())
        .collect();
    vec![
        Check::require(
            ControlId::IncomingSshDisabled,
            "ingress",
            ssh.is_empty(),
            "no rule opens SSH to 0.0.0.0/0 or ::/0",
            format!("SSH is open to the internet: {}", listed(&ssh)),
        ),
        Check::require(
            ControlId::RestrictedIncomingTraffic,
            "ingress",
            common.is_empty(),
            "no rule opens 20, 21, 3389, 3306, 3309 or 4333 to the internet, and none allows every protocol",
            format!(
                "high-risk ports open to the internet or every protocol allowed: {}",
                listed(&common)
            ),
        ),
        Check::require(
            ControlId::VpcSgOpenOnlyToAuthorizedPorts,
            "ingress",
            unauthorized.is_empty(),
            if expect.ingress_tier {
                "only HTTPS (TCP 443) is open to the internet, on a group of the ingress tier"
            } else {
                "nothing is open to the internet"
            },
            format!(
                "open to the internet without authorization{}: {}",
                if expect.ingress_tier {
                    " (only TCP 443 is authorized)"
                } else {
                    " (only groups of the explicit ingress tier may accept TCP 443 from anywhere)"
                },
                listed(&unauthorized)
            ),
        ),
        Check::require(
            ControlId::SgAdminAndDatabasePortsInternal,
            "ingress",
            sensitive.is_empty(),
            "SSH, RDP, FTP and database ports accept only peers inside the VPC",
            format!(
                "SSH, RDP, FTP or database ports accept peers outside the VPC: {}",
                listed(&sensitive)
            ),
        ),
        Check::require(
            ControlId::SgNoAllPortsRules,
            "rules",
            wide.is_empty(),
            "every rule names a protocol and a port range",
            format!("rules covering every protocol or port: {}", listed(&wide)),
        ),
    ]
}

/// The live rules are exactly the declared ones.
pub fn rules_as_declared(setting: &str, live: &[SgRule], declared: &[SgRule]) -> Check {
    let missing: Vec<&SgRule> = declared.iter().filter(|r| !live.contains(r)).collect();
    let extra: Vec<&SgRule> = live.iter().filter(|r| !declared.contains(r)).collect();
    let mut problems = Vec::new();
    if !missing.is_empty() {
        problems.push(format!("removed: {}", listed(&missing)));
    }
    if !extra.is_empty() {
        problems.push(format!("added: {}", listed(&extra)));
    }
    Check::require(
        ControlId::SgRulesAsDeclared,
        setting,
        problems.is_empty(),
        format!("rules as declared: {}", render_rules(declared)),
        format!("rules differ from the spec; {}", problems.join("; ")),
    )
}

/// The default security group of a VPC has no rule at all.
pub fn evaluate_default_security_group(rules: Option<&[SgRule]>) -> Check {
    let setting = format!("security_group.{DEFAULT_PART}");
    match rules {
        None => Check::require(
            ControlId::VpcDefaultSecurityGroupClosed,
            setting,
            false,
            "",
            "the default security group was not found",
        ),
        Some(rules) => Check::require(
            ControlId::VpcDefaultSecurityGroupClosed,
            setting,
            rules.is_empty(),
            "the default security group has no rules",
            format!(
                "the default security group still allows traffic: {}",
                render_rules(rules)
            ),
        ),
    }
}

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

fn is_deny_all(entry: &NaclEntry) -> bool {
    entry.action == "deny" && entry.from_anywhere() && entry.protocol == "all"
}

/// The allow entries of one direction that can take effect (those before the first
/// deny-everything entry), in evaluation order.
pub fn effective_allows(acl: &NetworkAclState, egress: bool) -> Vec<&NaclEntry> {
    let mut entries: Vec<&NaclEntry> = acl
        .entries
        .iter()
        .filter(|entry| entry.egress == egress)
        .collect();
    entries.sort_by_key(|entry| entry.rule_number);
    entries
        .into_iter()
        .take_while(|entry| !is_deny_all(entry))
        .filter(|entry| entry.action == "allow")
        .collect()
}

fn entries_text(entries: &[&NaclEntry]) -> String {
    entries
        .iter()
        .map(|entry| entry.render())
        .collect::<Vec<_>>()
        .join(", ")
}

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
        .filter(|entry| entry.from_anywhere() && entry.all_traffic())
        .collect();
    let mut checks = vec![Check::require(
        ControlId::NaclNoUnrestrictedIngress,
        &setting,
        unrestricted.is_empty(),
        "no entry lets every port in from the internet",
        format!(
            "entries let every port in from the internet: {}",
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

// ------------------------------------------------------------------------------ subnets, routes

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

/// A route table sends no default route to an internet gateway, unless it serves the
/// explicit ingress tier (`internet_allowed`).
pub fn evaluate_route_table(name: &str, table: &RouteTableState, internet_allowed: bool) -> Check {
    let to_igw: Vec<String> = table
        .routes
        .iter()
        .filter(|route| {
            route.is_default_route() && route.target.kind == TargetKind::InternetGateway
        })
        .map(|route| route.render())
        .collect();
    let setting = format!("route_table.{name}");
    if to_igw.is_empty() {
        return Check::require(
            ControlId::NoUnrestrictedRouteToIgw,
            setting,
            true,
            "no default route to an internet gateway",
            "",
        );
    }
    Check::require(
        ControlId::NoUnrestrictedRouteToIgw,
        setting,
        internet_allowed,
        "the default route to the internet gateway serves the explicitly requested ingress tier \
         (the cdk-nag rule would flag it; it is the tier's purpose)",
        format!(
            "default route to an internet gateway: {}",
            to_igw.join(", ")
        ),
    )
}

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

// ------------------------------------------------------------------------------ EBS

/// Judges the account's EBS defaults in one region.
pub fn evaluate_ebs_default(state: &EbsDefaultState) -> Vec<Check> {
    let aws_managed = state.default_kms_key.is_empty()
        || state.default_kms_key.ends_with("alias/aws/ebs")
        || state.key_manager.as_deref() == Some("AWS");
    vec![
        Check::require(
            ControlId::Ec2EbsEncryptionByDefault,
            "encryption_by_default",
            state.encryption_by_default,
            "new EBS volumes are encrypted by default",
            "EBS encryption by default is off: new volumes and snapshot copies can hold PHI unencrypted",
        ),
        Check::require(
            ControlId::EbsDefaultKeyCustomerManaged,
            "default_kms_key",
            !aws_managed,
            format!("the default key is {}", state.default_kms_key),
            format!(
                "the default key is {} (AWS managed): its policy and rotation are not yours to control",
                if state.default_kms_key.is_empty() {
                    "alias/aws/ebs"
                } else {
                    state.default_kms_key.as_str()
                }
            ),
        ),
    ]
}

/// Judges one EBS volume: encrypted at rest (the Config rule looks at attached volumes; an
/// unattached one can be attached at any time, so every volume is judged).
pub fn evaluate_volume(volume: &super::live::VolumeState) -> Check {
    let attached = if volume.attached_to.is_empty() {
        "unattached".to_string()
    } else {
        format!("attached to {}", volume.attached_to.join(", "))
    };
    Check::require(
        ControlId::EncryptedVolumes,
        "encrypted",
        volume.encrypted,
        format!("the volume ({attached}) is encrypted"),
        format!("the volume ({attached}) is not encrypted"),
    )
}

/// Judges one EBS snapshot: nobody outside the account may create a volume from it.
pub fn evaluate_snapshot(snapshot: &super::live::SnapshotState) -> Check {
    Check::require(
        ControlId::EbsSnapshotPublicRestorableCheck,
        "create_volume_permission",
        !snapshot.public,
        "only the account may restore the snapshot",
        "anyone may restore the snapshot (createVolumePermission group all)",
    )
}
