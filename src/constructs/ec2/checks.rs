//! The controls that judge a VPC and its parts, a security group and the account's EBS
//! default, on a spec or on what EC2 returns. Every function works on state read from any
//! resource (the audit reuses them); what only a spec of this library can say (the declared
//! layout) comes in the expectations and is optional.

use std::collections::{BTreeMap, BTreeSet};

use crate::controls::{Check, ControlId};

use super::cidr::{AddressBlock, AddressRanges, Family, Ipv4Cidr};
use super::ebs::EbsDefaultState;
use super::rules::{
    render_rules, RulePeer, SgRule, ADMIN_PORTS, DATABASE_PORTS, HTTPS_PORT,
    RESTRICTED_INCOMING_PORTS,
};
use super::security_group::SecurityGroupState;
use super::state::{
    FlowLogState, NaclEntry, NetworkAclState, Route, RouteTableState, SubnetState, TargetKind,
    VpcState, DEFAULT_PART,
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

/// What the peer of a rule reaches, judged block by block (a prefix list by its entries).
#[derive(Debug, Default)]
struct Reach {
    /// The peer's blocks that parse.
    blocks: Vec<AddressBlock>,
    /// Some address is public: a block outside the private ranges, a block that does not
    /// parse, or a prefix list whose entries are unknown.
    public: bool,
    /// Some address lies outside the VPC (its blocks when known, else the private ranges).
    outside_vpc: bool,
}

fn inside_vpc(block: &AddressBlock, vpc_cidrs: &[Ipv4Cidr]) -> bool {
    match block.family() {
        Family::V4 if vpc_cidrs.is_empty() => block.is_private(),
        Family::V4 => vpc_cidrs
            .iter()
            .any(|vpc| AddressBlock::from(*vpc).contains(block)),
        // The VPC's IPv6 blocks are not known here: every IPv6 peer counts as outside.
        Family::V6 => false,
    }
}

fn reach(rule: &SgRule, vpc_cidrs: &[Ipv4Cidr]) -> Reach {
    let texts: Vec<&str> = match &rule.peer {
        RulePeer::Group { .. } => return Reach::default(),
        RulePeer::Cidr(cidr) | RulePeer::Ipv6Cidr(cidr) => vec![cidr.as_str()],
        RulePeer::PrefixList(_) => match &rule.prefix_list {
            Some(list) => list.cidrs.iter().map(String::as_str).collect(),
            None => {
                return Reach {
                    blocks: Vec::new(),
                    public: true,
                    outside_vpc: true,
                }
            }
        },
    };
    let mut reach = Reach::default();
    for text in texts {
        match AddressBlock::parse(text) {
            None => {
                reach.public = true;
                reach.outside_vpc = true;
            }
            Some(block) => {
                if block.is_public() {
                    reach.public = true;
                }
                if block.is_public() || !inside_vpc(&block, vpc_cidrs) {
                    reach.outside_vpc = true;
                }
                reach.blocks.push(block);
            }
        }
    }
    reach
}

/// A rule as messages show it: a prefix list with its entries.
fn describe(rule: &SgRule) -> String {
    match (&rule.peer, &rule.prefix_list) {
        (RulePeer::PrefixList(_), Some(list)) => format!(
            "{} ({}{}: {})",
            rule.render(),
            if list.aws_managed { "AWS-managed " } else { "" },
            list.name,
            if list.cidrs.is_empty() {
                "no entries".to_string()
            } else {
                list.cidrs.join(", ")
            }
        ),
        (RulePeer::PrefixList(_), None) => {
            format!("{} (entries unknown: counted as public)", rule.render())
        }
        _ => rule.render(),
    }
}

fn listed(rules: &[&SgRule]) -> String {
    rules
        .iter()
        .map(|rule| describe(rule))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The families whose every address the public peers of `rules` admit on `port`, together:
/// `0.0.0.0/1` and `128.0.0.0/1` on the same port are as open as `0.0.0.0/0`.
fn open_to_everyone(rules: &[(&SgRule, Reach)], port: u16) -> Vec<&'static str> {
    let mut ranges = AddressRanges::new();
    for (rule, reach) in rules {
        if reach.public && rule.covers_port(port) {
            for block in &reach.blocks {
                ranges.insert(*block);
            }
        }
    }
    let mut families = Vec::new();
    if ranges.covers_everything(Family::V4) {
        families.push("every IPv4 address");
    }
    if ranges.covers_everything(Family::V6) {
        families.push("every IPv6 address");
    }
    families
}

/// `; on 22 together every IPv4 address` for the ports the rules open to everyone.
fn everyone_note(rules: &[(&SgRule, Reach)], ports: &[u16]) -> String {
    let notes: Vec<String> = ports
        .iter()
        .filter_map(|port| {
            let families = open_to_everyone(rules, *port);
            (!families.is_empty()).then(|| format!("port {port} to {}", families.join(" and ")))
        })
        .collect();
    if notes.is_empty() {
        String::new()
    } else {
        format!(" (together open to everyone: {})", notes.join(", "))
    }
}

const PUBLIC_MEANS: &str = "every block outside 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 and \
     fc00::/7 counts as the internet, and so does a prefix list holding one (or whose entries \
     are unknown)";

/// The controls [`evaluate_security_group_rules`] judges (see `crate::controls::coverage`).
pub const EVALUATE_SECURITY_GROUP_RULES_COVERS: &[ControlId] = &[
    ControlId::IncomingSshDisabled,
    ControlId::RestrictedIncomingTraffic,
    ControlId::SgAdminAndDatabasePortsInternal,
    ControlId::SgNoAllPortsRules,
    ControlId::VpcSgOpenOnlyToAuthorizedPorts,
];

/// Judges the rules of a security group (ingress and egress together).
///
/// A peer is **public** when any of its addresses lies outside the private ranges
/// (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, fc00::/7): `1.2.3.4/32`, `0.0.0.0/1`,
/// `100.64.0.0/10` and `::/0` all count as the internet, and so do the two halves
/// `0.0.0.0/1` + `128.0.0.0/1`, which together are `0.0.0.0/0`. A prefix list is judged by its
/// entries (an AWS-managed list holds a service's public ranges, which other AWS customers'
/// traffic can come from, e.g. every CloudFront distribution); a list whose entries are not
/// known (a spec at `build()`) counts as public.
pub fn evaluate_security_group_rules(
    rules: &[SgRule],
    expect: &SecurityGroupExpectations,
) -> Vec<Check> {
    let ingress: Vec<(&SgRule, Reach)> = rules
        .iter()
        .filter(|rule| !rule.egress)
        .map(|rule| (rule, reach(rule, &expect.vpc_cidrs)))
        .collect();
    let select = |keep: &dyn Fn(&SgRule, &Reach) -> bool| -> Vec<&SgRule> {
        ingress
            .iter()
            .filter(|(rule, reach)| keep(rule, reach))
            .map(|(rule, _)| *rule)
            .collect()
    };
    let ssh = select(&|rule, reach| reach.public && rule.covers_tcp_port(22));
    let common = select(&|rule, reach| {
        rule.all_protocols()
            || (reach.public
                && RESTRICTED_INCOMING_PORTS
                    .iter()
                    .any(|port| rule.covers_port(*port)))
    });
    let unauthorized = select(&|rule, reach| {
        let https_only = rule.protocol == "tcp"
            && rule.from_port == i32::from(HTTPS_PORT)
            && rule.to_port == i32::from(HTTPS_PORT);
        reach.public && !(expect.ingress_tier && https_only)
    });
    let sensitive_ports: Vec<u16> = ADMIN_PORTS.iter().chain(DATABASE_PORTS).copied().collect();
    let sensitive = select(&|rule, reach| {
        reach.outside_vpc
            && sensitive_ports
                .iter()
                .any(|port| rule.covers_tcp_port(*port))
    });
    let wide: Vec<&SgRule> = rules
        .iter()
        .filter(|rule| (expect.judge_egress || !rule.egress) && rule.all_ports())
        .collect();
    vec![
        Check::require(
            ControlId::IncomingSshDisabled,
            "ingress",
            ssh.is_empty(),
            format!("no rule opens SSH to a public address ({PUBLIC_MEANS})"),
            format!(
                "SSH is open to public addresses: {}{}",
                listed(&ssh),
                everyone_note(&ingress, &[22])
            ),
        ),
        Check::require(
            ControlId::RestrictedIncomingTraffic,
            "ingress",
            common.is_empty(),
            format!(
                "no rule opens a high-risk port to a public address and none allows every protocol \
                 (judged as the strictest of AWS Config, cdk-nag and Prowler: TCP and UDP {}; {PUBLIC_MEANS})",
                port_list(RESTRICTED_INCOMING_PORTS)
            ),
            format!(
                "high-risk ports open to public addresses or every protocol allowed: {}{} \
                 (the strictest of AWS Config, cdk-nag and Prowler: TCP and UDP {} stay closed to every public block, not only 0.0.0.0/0)",
                listed(&common),
                everyone_note(&ingress, RESTRICTED_INCOMING_PORTS),
                port_list(RESTRICTED_INCOMING_PORTS)
            ),
        ),
        Check::require(
            ControlId::VpcSgOpenOnlyToAuthorizedPorts,
            "ingress",
            unauthorized.is_empty(),
            if expect.ingress_tier {
                format!("only HTTPS (TCP 443) is open to public addresses, on a group of the ingress tier ({PUBLIC_MEANS})")
            } else {
                format!("nothing is open to a public address ({PUBLIC_MEANS})")
            },
            format!(
                "open to public addresses without authorization{}: {}",
                if expect.ingress_tier {
                    " (only TCP 443 is authorized)"
                } else {
                    " (only groups of the explicit ingress tier may accept TCP 443 from the internet)"
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
                "SSH, RDP, FTP or database ports accept peers outside the VPC: {}{}",
                listed(&sensitive),
                everyone_note(&ingress, &sensitive_ports)
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

fn port_list(ports: &[u16]) -> String {
    ports
        .iter()
        .map(u16::to_string)
        .collect::<Vec<_>>()
        .join(", ")
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

/// The controls [`evaluate_default_security_group`] judges (see `crate::controls::coverage`).
pub const EVALUATE_DEFAULT_SECURITY_GROUP_COVERS: &[ControlId] =
    &[ControlId::VpcDefaultSecurityGroupClosed];

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

// ------------------------------------------------------------------------------ EBS

/// The controls [`evaluate_ebs_default`] judges (see `crate::controls::coverage`).
pub const EVALUATE_EBS_DEFAULT_COVERS: &[ControlId] = &[
    ControlId::EbsDefaultKeyCustomerManaged,
    ControlId::Ec2EbsEncryptionByDefault,
];

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

/// The controls [`evaluate_volume`] judges (see `crate::controls::coverage`).
pub const EVALUATE_VOLUME_COVERS: &[ControlId] = &[ControlId::EncryptedVolumes];

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

/// The controls [`evaluate_snapshot`] judges (see `crate::controls::coverage`).
pub const EVALUATE_SNAPSHOT_COVERS: &[ControlId] = &[ControlId::EbsSnapshotPublicRestorableCheck];

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

#[cfg(test)]
#[path = "checks_tests.rs"]
mod tests;
