//! Security groups: who can reach which port, the default group, and rules as declared.

use crate::controls::{Check, ControlId};

use crate::constructs::ec2::cidr::{AddressBlock, AddressRanges, Family, Ipv4Cidr};
use crate::constructs::ec2::rules::{
    render_rules, RulePeer, SgRule, ADMIN_PORTS, DATABASE_PORTS, HTTPS_PORT,
    RESTRICTED_INCOMING_PORTS,
};
use crate::constructs::ec2::security_group::SecurityGroupState;
use crate::constructs::ec2::state::DEFAULT_PART;

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
