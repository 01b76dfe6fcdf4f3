//! Security group rules: the spec types ([`Rule`], [`Peer`], [`Protocol`]) and the normalized
//! form ([`SgRule`]) that live state, plans and controls use.

use std::fmt;

use serde::Serialize;

use crate::construct::{Ref, Scope, KNOWN_AFTER_APPLY};

use super::cidr::Ipv4Cidr;
use super::security_group::SecurityGroup;

/// TCP ports of databases and caches that never accept peers outside the VPC: SQL Server,
/// Oracle, MySQL/Aurora, MySQL (alternate), Oracle/Aurora alternate, PostgreSQL, Redshift,
/// Redis and MongoDB.
pub const DATABASE_PORTS: &[u16] = &[1433, 1521, 3306, 3309, 4333, 5432, 5439, 6379, 27017];
/// TCP ports of remote administration and file transfer that never accept peers outside the
/// VPC: FTP data and control, SSH, RDP.
pub const ADMIN_PORTS: &[u16] = &[20, 21, 22, 3389];
/// The high-risk ports of the cdk-nag `EC2RestrictedCommonPorts` rule and the AWS Config
/// `RESTRICTED_INCOMING_TRAFFIC` rule.
pub const COMMON_RESTRICTED_PORTS: &[u16] = &[20, 21, 3389, 3306, 3309, 4333];
/// The ports RESTRICTED_INCOMING_TRAFFIC keeps closed to public addresses, over TCP and UDP:
/// the strictest of the rule sets, their union. AWS Config `restricted-common-ports` (20, 21,
/// 3389, 3306, 4333), cdk-nag `EC2RestrictedCommonPorts` (adds 3309) and Prowler's
/// `ec2_securitygroup_allow_ingress_from_internet_to_high_risk_tcp_ports` (adds 25, 110, 135,
/// 143, 445, 3000, 5000, 5500, 8080, 8088). SSH and the database ports have controls of their
/// own (INCOMING_SSH_DISABLED, HIPAA_AWS_SG_ADMIN_AND_DATABASE_PORTS_INTERNAL).
pub const RESTRICTED_INCOMING_PORTS: &[u16] = &[
    20, 21, 25, 110, 135, 143, 445, 3000, 3306, 3309, 3389, 4333, 5000, 5500, 8080, 8088,
];
/// The only port a group of the ingress tier may open to the internet (HTTPS).
pub const HTTPS_PORT: u16 = 443;

/// The protocol of a rule. There is no "all protocols" value: a rule names one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Protocol {
    /// TCP, on a port range.
    Tcp,
    /// UDP, on a port range.
    Udp,
    /// ICMP, every type and code.
    Icmp,
}

impl Protocol {
    /// The protocol as the EC2 API writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Tcp => "tcp",
            Protocol::Udp => "udp",
            Protocol::Icmp => "icmp",
        }
    }
}

/// Who a rule lets in (ingress) or out to (egress).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Peer {
    /// Another security group (of this stack).
    Group(Ref<SecurityGroup>),
    /// A managed prefix list, e.g. `pl-63a5400a` (the S3 prefix list). Egress to a list is
    /// accepted; in ingress a list counts as public at `build()` (its entries are not known
    /// there), so only HTTPS into the ingress tier may come from one.
    PrefixList(String),
    /// An IPv4 block, e.g. `10.20.0.0/16`.
    Cidr(String),
    /// An IPv6 block, e.g. `2001:db8::/32`.
    Ipv6Cidr(String),
}

impl Peer {
    /// A security group.
    pub fn group(group: &SecurityGroup) -> Peer {
        Peer::Group(group.reference())
    }

    /// An IPv4 block.
    pub fn cidr(cidr: impl Into<String>) -> Peer {
        Peer::Cidr(cidr.into())
    }

    /// An IPv6 block.
    pub fn ipv6_cidr(cidr: impl Into<String>) -> Peer {
        Peer::Ipv6Cidr(cidr.into())
    }

    /// A managed prefix list.
    pub fn prefix_list(id: impl Into<String>) -> Peer {
        Peer::PrefixList(id.into())
    }

    /// Every IPv4 address (`0.0.0.0/0`): accepted only for HTTPS into a group of the ingress
    /// tier, and for egress.
    pub fn anywhere() -> Peer {
        Peer::Cidr("0.0.0.0/0".to_string())
    }

    /// Every IPv6 address (`::/0`).
    pub fn anywhere_ipv6() -> Peer {
        Peer::Ipv6Cidr("::/0".to_string())
    }
}

impl From<&SecurityGroup> for Peer {
    fn from(group: &SecurityGroup) -> Self {
        Peer::group(group)
    }
}

impl From<Ref<SecurityGroup>> for Peer {
    fn from(group: Ref<SecurityGroup>) -> Self {
        Peer::Group(group)
    }
}

/// One security group rule of a spec: a protocol, a port range and a peer.
///
/// ```
/// use hipaa_aws::constructs::ec2::{Peer, Rule};
/// let https = Rule::tcp(443, Peer::anywhere());
/// let ephemeral = Rule::tcp_range(1024, 65535, Peer::cidr("10.20.0.0/16"));
/// assert_eq!(https.to_string(), "tcp 443 0.0.0.0/0");
/// assert_eq!(ephemeral.to_string(), "tcp 1024-65535 10.20.0.0/16");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// The protocol.
    pub protocol: Protocol,
    /// First port (ICMP: ignored).
    pub from_port: u16,
    /// Last port (ICMP: ignored).
    pub to_port: u16,
    /// The peer.
    pub peer: Peer,
    /// A description shown in the console.
    pub description: Option<String>,
}

impl Rule {
    /// TCP on one port.
    pub fn tcp(port: u16, peer: impl Into<Peer>) -> Rule {
        Rule::tcp_range(port, port, peer)
    }

    /// TCP on a port range.
    pub fn tcp_range(from_port: u16, to_port: u16, peer: impl Into<Peer>) -> Rule {
        Rule {
            protocol: Protocol::Tcp,
            from_port,
            to_port,
            peer: peer.into(),
            description: None,
        }
    }

    /// UDP on one port.
    pub fn udp(port: u16, peer: impl Into<Peer>) -> Rule {
        Rule {
            protocol: Protocol::Udp,
            from_port: port,
            to_port: port,
            peer: peer.into(),
            description: None,
        }
    }

    /// ICMP, every type and code.
    pub fn icmp(peer: impl Into<Peer>) -> Rule {
        Rule {
            protocol: Protocol::Icmp,
            from_port: 0,
            to_port: 0,
            peer: peer.into(),
            description: None,
        }
    }

    /// The same rule with a description.
    pub fn described(mut self, description: impl Into<String>) -> Rule {
        self.description = Some(description.into());
        self
    }

    /// The normalized form, with peer groups resolved as far as `scope` knows them.
    pub(crate) fn normalized(&self, egress: bool, scope: &Scope<'_>) -> SgRule {
        let (from_port, to_port) = match self.protocol {
            Protocol::Icmp => (-1, -1),
            _ => (i32::from(self.from_port), i32::from(self.to_port)),
        };
        let peer = match &self.peer {
            Peer::Group(group) => RulePeer::Group {
                id: scope
                    .outputs_of(group.id())
                    .map(|outputs| outputs.physical_id.clone())
                    .unwrap_or_else(|| KNOWN_AFTER_APPLY.to_string()),
                name: Some(group.id().to_string()),
            },
            Peer::PrefixList(id) => RulePeer::PrefixList(id.trim().to_string()),
            Peer::Cidr(cidr) => RulePeer::Cidr(cidr.trim().to_string()),
            Peer::Ipv6Cidr(cidr) => RulePeer::Ipv6Cidr(cidr.trim().to_string()),
        };
        SgRule {
            egress,
            protocol: self.protocol.as_str().to_string(),
            from_port,
            to_port,
            peer,
            id: None,
            description: self.description.clone(),
            prefix_list: None,
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let peer = match &self.peer {
            Peer::Group(group) => format!("sg {}", group.id()),
            Peer::PrefixList(id) => id.clone(),
            Peer::Cidr(cidr) | Peer::Ipv6Cidr(cidr) => cidr.clone(),
        };
        match self.protocol {
            Protocol::Icmp => write!(f, "icmp {peer}"),
            protocol if self.from_port == self.to_port => {
                write!(f, "{} {} {peer}", protocol.as_str(), self.from_port)
            }
            protocol => write!(
                f,
                "{} {}-{} {peer}",
                protocol.as_str(),
                self.from_port,
                self.to_port
            ),
        }
    }
}

/// The peer of a normalized rule.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RulePeer {
    /// An IPv4 block.
    Cidr(String),
    /// An IPv6 block.
    Ipv6Cidr(String),
    /// A managed prefix list id.
    PrefixList(String),
    /// A security group: its id, and its logical id when it carries this library's tags.
    Group {
        /// The group id (`sg-...`).
        id: String,
        /// The logical id from its tags, if any.
        name: Option<String>,
    },
}

impl RulePeer {
    /// The IPv4 block, when the peer is one that parses.
    pub fn ipv4(&self) -> Option<Ipv4Cidr> {
        match self {
            RulePeer::Cidr(cidr) => cidr.parse().ok(),
            _ => None,
        }
    }

    /// True for `0.0.0.0/0` and `::/0`.
    pub fn is_anywhere(&self) -> bool {
        match self {
            RulePeer::Cidr(cidr) => cidr
                .parse::<Ipv4Cidr>()
                .map(|c| c.is_anywhere())
                .unwrap_or(false),
            RulePeer::Ipv6Cidr(cidr) => super::cidr::is_ipv6_anywhere(cidr),
            _ => false,
        }
    }
}

impl fmt::Display for RulePeer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RulePeer::Cidr(cidr) | RulePeer::Ipv6Cidr(cidr) => f.write_str(cidr),
            RulePeer::PrefixList(id) => write!(f, "prefix list {id}"),
            RulePeer::Group {
                name: Some(name), ..
            } => write!(f, "sg {name}"),
            RulePeer::Group { id, name: None } => write!(f, "sg {id}"),
        }
    }
}

/// The entries of a managed prefix list a rule names, as EC2 reports them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PrefixListEntries {
    /// The list's name (`com.amazonaws.us-east-1.s3` for the S3 list AWS manages).
    pub name: String,
    /// True when AWS manages the list (its owner is `AWS`): a service's public ranges.
    pub aws_managed: bool,
    /// The blocks it holds (IPv4 or IPv6).
    pub cidrs: Vec<String>,
}

/// A security group rule as AWS reports it (or as a spec asks for it), normalized: the
/// protocol is `tcp`, `udp`, `icmp`, `all` or a protocol number; ports are `-1` when the
/// protocol has none.
#[derive(Debug, Clone, Serialize)]
pub struct SgRule {
    /// True for an egress rule.
    pub egress: bool,
    /// The protocol.
    pub protocol: String,
    /// First port (ICMP: type), `-1` for all.
    pub from_port: i32,
    /// Last port (ICMP: code), `-1` for all.
    pub to_port: i32,
    /// The peer.
    pub peer: RulePeer,
    /// The rule id (`sgr-...`), for live rules.
    #[serde(skip)]
    pub id: Option<String>,
    /// The description (not compared: AWS keeps it as given).
    #[serde(skip)]
    pub description: Option<String>,
    /// For a prefix-list peer read from AWS, the list's entries. `None` in a spec and when
    /// the list could not be found: its blocks are unknown, so the controls count it as
    /// public address space.
    #[serde(skip)]
    pub prefix_list: Option<PrefixListEntries>,
}

impl SgRule {
    /// A normalized protocol name from what the EC2 API returns.
    pub fn normalize_protocol(protocol: &str) -> String {
        match protocol.to_ascii_lowercase().as_str() {
            "-1" | "all" => "all".to_string(),
            "6" | "tcp" => "tcp".to_string(),
            "17" | "udp" => "udp".to_string(),
            "1" | "icmp" => "icmp".to_string(),
            other => other.to_string(),
        }
    }

    /// True when the rule covers every protocol.
    pub fn all_protocols(&self) -> bool {
        self.protocol == "all"
    }

    /// True when the rule covers every port of its protocol (or every protocol).
    pub fn all_ports(&self) -> bool {
        match self.protocol.as_str() {
            "all" => true,
            "tcp" | "udp" => {
                (self.from_port <= 1 && self.to_port >= 65535)
                    || (self.from_port == -1 && self.to_port == -1)
            }
            _ => false,
        }
    }

    /// True when the rule lets TCP `port` through.
    pub fn covers_tcp_port(&self, port: u16) -> bool {
        match self.protocol.as_str() {
            "all" => true,
            "tcp" => {
                (self.from_port == -1 && self.to_port == -1)
                    || (self.from_port <= i32::from(port) && i32::from(port) <= self.to_port)
            }
            _ => false,
        }
    }

    /// True when the rule lets `port` through over TCP or UDP.
    pub fn covers_port(&self, port: u16) -> bool {
        match self.protocol.as_str() {
            "all" => true,
            "tcp" | "udp" => {
                (self.from_port == -1 && self.to_port == -1)
                    || (self.from_port <= i32::from(port) && i32::from(port) <= self.to_port)
            }
            _ => false,
        }
    }

    /// The text used in plans and diffs, e.g. `in tcp 443 0.0.0.0/0`.
    pub fn render(&self) -> String {
        let direction = if self.egress { "out" } else { "in" };
        let ports = match self.protocol.as_str() {
            "all" => String::new(),
            "icmp" => String::new(),
            _ if self.from_port == self.to_port => format!(" {}", self.from_port),
            _ => format!(" {}-{}", self.from_port, self.to_port),
        };
        format!("{direction} {}{ports} {}", self.protocol, self.peer)
    }
}

impl PartialEq for SgRule {
    fn eq(&self, other: &Self) -> bool {
        self.render() == other.render()
    }
}

impl Eq for SgRule {}

impl fmt::Display for SgRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render())
    }
}

/// The rules rendered in a stable order, for settings.
pub(crate) fn render_rules(rules: &[SgRule]) -> String {
    let mut rendered: Vec<String> = rules.iter().map(SgRule::render).collect();
    rendered.sort();
    rendered.dedup();
    if rendered.is_empty() {
        "(none)".to_string()
    } else {
        rendered.join(", ")
    }
}
