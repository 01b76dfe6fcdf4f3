//! The settings of a VPC and its parts that controls judge and plans compare.
//!
//! Parts are keyed by name: the part name this library gave them (`data-1`, `app`, `s3`, …)
//! when they carry the VPC's tags, otherwise their physical id. Default parts are keyed
//! `default` (network ACL, security group) and `main` (route table). Physical ids are kept for
//! the SDK calls but are not settings, so a desired state (which has none) compares equal.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::construct::{Setting, State, NOT_REPORTED};

use super::cidr::is_public_block;
use super::rules::{render_rules, SgRule};

/// The part name of the default network ACL and the default security group.
pub const DEFAULT_PART: &str = "default";
/// The part name of the main route table.
pub const MAIN_ROUTE_TABLE: &str = "main";
/// The part name of the security group of the interface endpoints.
pub const ENDPOINTS_GROUP: &str = "endpoints";
/// The part name of the flow log this library makes.
pub const FLOW_LOG_PART: &str = "all-traffic";
/// The part name of the internet gateway.
pub const INTERNET_GATEWAY_PART: &str = "igw";

fn list(items: &[String]) -> String {
    format!("[{}]", items.join(", "))
}

/// One subnet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SubnetState {
    /// The subnet id (empty in a desired state).
    #[serde(skip)]
    pub id: String,
    /// Its CIDR block.
    pub cidr: String,
    /// Its zone's name (empty in a desired state: zones are only known live).
    pub availability_zone: String,
    /// Its zone's position (1-based) among the region's zones in name order, when known.
    pub az_index: Option<u8>,
    /// Instances launched in it get a public IPv4 address.
    pub map_public_ip_on_launch: bool,
    /// Instances launched in it get an IPv6 address.
    pub assign_ipv6_on_creation: bool,
}

impl SubnetState {
    /// The text compared by plans.
    pub fn render(&self) -> String {
        let zone = match self.az_index {
            Some(index) => format!("az #{index}"),
            None => format!("az {}", self.availability_zone),
        };
        format!(
            "{} in {zone}, public ip on launch {}, ipv6 on creation {}",
            self.cidr,
            on_off(self.map_public_ip_on_launch),
            on_off(self.assign_ipv6_on_creation)
        )
    }
}

fn on_off(value: bool) -> &'static str {
    if value {
        "on"
    } else {
        "off"
    }
}

/// What a route sends traffic to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetKind {
    /// Inside the VPC.
    Local,
    /// An internet gateway.
    InternetGateway,
    /// A NAT gateway.
    NatGateway,
    /// A gateway VPC endpoint.
    VpcEndpoint,
    /// Anything else (peering, transit gateway, instance, interface, egress-only gateway…).
    Other,
}

/// A route's target: its kind and its part name (or physical id).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct RouteTarget {
    /// The kind of target.
    pub kind: TargetKind,
    /// The part name or physical id (`local` for local routes).
    pub name: String,
}

/// One route of a route table.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Route {
    /// The destination: an IPv4 or IPv6 block, or a prefix list id.
    pub destination: String,
    /// Where it goes.
    pub target: RouteTarget,
}

impl Route {
    /// True when the destination is every IPv4 or IPv6 address.
    pub fn is_default_route(&self) -> bool {
        self.destination == "0.0.0.0/0" || self.destination == "::/0"
    }

    /// True when the destination holds a public address: any block outside the private
    /// ranges (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, fc00::/7), and a prefix list (whose
    /// entries a route table does not show).
    pub fn to_public_destination(&self) -> bool {
        is_public_block(&self.destination)
    }

    /// The text compared by plans, e.g. `0.0.0.0/0 -> nat_gateway nat-1`.
    pub fn render(&self) -> String {
        match self.target.kind {
            TargetKind::Local => format!("{} -> local", self.destination),
            kind => format!(
                "{} -> {} {}",
                self.destination,
                serde_json::to_value(kind)
                    .ok()
                    .and_then(|value| value.as_str().map(str::to_string))
                    .unwrap_or_default(),
                self.target.name
            ),
        }
    }
}

/// One route table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RouteTableState {
    /// The route table id (empty in a desired state).
    #[serde(skip)]
    pub id: String,
    /// The VPC's main route table.
    pub main: bool,
    /// The subnets explicitly associated with it (part names), sorted.
    pub subnets: Vec<String>,
    /// The routes, sorted.
    pub routes: Vec<Route>,
    /// The association id of each associated subnet (live only).
    #[serde(skip)]
    pub associations: BTreeMap<String, String>,
}

impl RouteTableState {
    /// The routes plans compare: gateway-endpoint routes are left out (AWS adds them for the
    /// endpoint, whose own setting lists its route tables).
    pub fn managed_routes(&self) -> Vec<&Route> {
        self.routes
            .iter()
            .filter(|route| route.target.kind != TargetKind::VpcEndpoint)
            .collect()
    }

    /// The text compared by plans.
    pub fn render(&self) -> String {
        let routes: Vec<String> = self.managed_routes().iter().map(|r| r.render()).collect();
        format!(
            "{}subnets {}; routes {}",
            if self.main { "main; " } else { "" },
            list(&self.subnets),
            list(&routes)
        )
    }
}

/// One NAT gateway.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NatGatewayState {
    /// The NAT gateway id (empty in a desired state).
    #[serde(skip)]
    pub id: String,
    /// The subnet it sits in (part name).
    pub subnet: String,
    /// `public` or `private`.
    pub connectivity: String,
    /// `available`, `pending`, `failed`, …
    pub state: String,
    /// It carries this VPC's tags (the library made it and may remove it).
    #[serde(skip)]
    pub managed: bool,
}

impl NatGatewayState {
    /// The text compared by plans.
    pub fn render(&self) -> String {
        format!("{} in {}, {}", self.connectivity, self.subnet, self.state)
    }
}

/// One network ACL entry. The protocol is normalized (`all`, `tcp`, `udp`, `icmp` or a
/// number).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct NaclEntry {
    /// Outbound (true) or inbound.
    pub egress: bool,
    /// The rule number; lower numbers are evaluated first.
    pub rule_number: i32,
    /// `allow` or `deny`.
    pub action: String,
    /// The protocol.
    pub protocol: String,
    /// The IPv4 or IPv6 block.
    pub cidr: String,
    /// The port range, for TCP and UDP.
    pub ports: Option<(i32, i32)>,
}

impl NaclEntry {
    /// The rule number AWS gives the final deny-everything entries of every ACL.
    pub const LAST_RULE: i32 = 32767;

    /// True when the entry matches every address.
    pub fn from_anywhere(&self) -> bool {
        self.cidr == "0.0.0.0/0" || self.cidr == "::/0"
    }

    /// True when the entry matches a public address: any block outside 10.0.0.0/8,
    /// 172.16.0.0/12, 192.168.0.0/16 and fc00::/7 (a block that does not parse counts too).
    pub fn from_public(&self) -> bool {
        is_public_block(&self.cidr)
    }

    /// True when the entry matches every port of every protocol, or every port of TCP or UDP.
    pub fn all_traffic(&self) -> bool {
        match self.protocol.as_str() {
            "all" => true,
            "tcp" | "udp" => match self.ports {
                None => true,
                Some((from, to)) => from <= 1 && to >= 65535,
            },
            _ => false,
        }
    }

    /// The text compared by plans, e.g. `in 100 allow tcp 5432 10.0.64.0/19`.
    pub fn render(&self) -> String {
        let ports = match self.ports {
            Some((from, to)) if from == to => format!(" {from}"),
            Some((from, to)) => format!(" {from}-{to}"),
            None => String::new(),
        };
        format!(
            "{} {} {} {}{ports} {}",
            if self.egress { "out" } else { "in" },
            self.rule_number,
            self.action,
            self.protocol,
            self.cidr
        )
    }
}

/// One network ACL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NetworkAclState {
    /// The ACL id (empty in a desired state).
    #[serde(skip)]
    pub id: String,
    /// The VPC's default ACL.
    pub is_default: bool,
    /// The subnets associated with it (part names), sorted.
    pub subnets: Vec<String>,
    /// Its entries, sorted, without the final deny-everything entries AWS adds to every ACL.
    pub entries: Vec<NaclEntry>,
    /// The association id of each associated subnet (live only).
    #[serde(skip)]
    pub associations: BTreeMap<String, String>,
}

impl NetworkAclState {
    /// The text compared by plans.
    pub fn render(&self) -> String {
        let entries: Vec<String> = self.entries.iter().map(NaclEntry::render).collect();
        format!(
            "subnets {}; entries {}",
            list(&self.subnets),
            list(&entries)
        )
    }
}

/// The rules of a security group the VPC manages (the default group, the endpoints' group).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GroupRulesState {
    /// The group id (empty in a desired state).
    #[serde(skip)]
    pub id: String,
    /// The group name.
    pub name: String,
    /// Every rule, ingress and egress.
    pub rules: Vec<SgRule>,
}

/// One flow log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FlowLogState {
    /// The flow log id (empty in a desired state).
    #[serde(skip)]
    pub id: String,
    /// `ALL`, `ACCEPT` or `REJECT`.
    pub traffic_type: String,
    /// `s3`, `cloud-watch-logs` or `kinesis-data-firehose`.
    pub destination_type: String,
    /// The destination ARN (or log group name).
    pub destination: String,
    /// `ACTIVE` when it records.
    pub status: String,
}

impl FlowLogState {
    /// The text compared by plans.
    pub fn render(&self) -> String {
        format!(
            "{} traffic to {} {}",
            self.traffic_type, self.destination_type, self.destination
        )
    }
}

/// One VPC endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EndpointState {
    /// The endpoint id (empty in a desired state).
    #[serde(skip)]
    pub id: String,
    /// The service, e.g. `com.amazonaws.us-east-1.s3`.
    pub service: String,
    /// `Gateway` or `Interface`.
    pub endpoint_type: String,
    /// Route tables of a gateway endpoint (part names), sorted.
    pub route_tables: Vec<String>,
    /// Subnets of an interface endpoint (part names), sorted.
    pub subnets: Vec<String>,
    /// Security groups of an interface endpoint (part names), sorted.
    pub security_groups: Vec<String>,
    /// Private DNS names resolve to the endpoint (interface endpoints).
    pub private_dns: bool,
    /// `available`, `pending`, …
    pub state: String,
    /// It carries this VPC's tags (the library made it and may remove it).
    #[serde(skip)]
    pub managed: bool,
}

impl EndpointState {
    /// True for a gateway endpoint.
    pub fn is_gateway(&self) -> bool {
        self.endpoint_type.eq_ignore_ascii_case("gateway")
    }

    /// The text compared by plans.
    pub fn render(&self) -> String {
        if self.is_gateway() {
            format!(
                "Gateway {} route tables {}",
                self.service,
                list(&self.route_tables)
            )
        } else {
            format!(
                "Interface {} subnets {} groups {} private dns {}",
                self.service,
                list(&self.subnets),
                list(&self.security_groups),
                on_off(self.private_dns)
            )
        }
    }
}

/// Every setting of a VPC and its parts that the library manages or the controls judge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VpcState {
    /// The VPC id (empty in a desired state).
    pub vpc_id: String,
    /// The region (service names of endpoints depend on it).
    pub region: String,
    /// The partition (ARNs depend on it).
    pub partition: String,
    /// The region's availability zones in name order (live only).
    pub zones: Vec<String>,
    /// The primary CIDR block.
    pub cidr: String,
    /// DNS resolution through the Amazon provided server (`None` when not reported).
    pub dns_support: Option<bool>,
    /// DNS hostnames for instances (`None` when not reported).
    pub dns_hostnames: Option<bool>,
    /// Subnets by part name.
    pub subnets: BTreeMap<String, SubnetState>,
    /// Route tables by part name.
    pub route_tables: BTreeMap<String, RouteTableState>,
    /// Attached internet gateways: part name to id.
    pub internet_gateways: BTreeMap<String, String>,
    /// NAT gateways (not deleted) by part name.
    pub nat_gateways: BTreeMap<String, NatGatewayState>,
    /// Network ACLs by part name (the default one is `default`).
    pub network_acls: BTreeMap<String, NetworkAclState>,
    /// The default security group (`default`) and the groups the VPC itself manages.
    pub security_groups: BTreeMap<String, GroupRulesState>,
    /// Flow logs of the VPC by part name.
    pub flow_logs: BTreeMap<String, FlowLogState>,
    /// VPC endpoints (not deleted) by part name.
    pub endpoints: BTreeMap<String, EndpointState>,
    /// The tags the library manages (others are ignored).
    pub tags: BTreeMap<String, String>,
}

impl VpcState {
    /// The part name of every subnet whose name starts with `prefix` (e.g. `app-`), sorted.
    pub fn subnets_named(&self, prefix: &str) -> Vec<String> {
        self.subnets
            .keys()
            .filter(|name| name.starts_with(prefix))
            .cloned()
            .collect()
    }
}

fn managed<'a>(parts: impl Iterator<Item = (&'a String, bool)>) -> Vec<String> {
    parts
        .filter(|(_, managed)| *managed)
        .map(|(name, _)| name.clone())
        .collect()
}

fn bool_setting(name: &str, value: Option<bool>) -> Setting {
    Setting::new(
        name,
        value
            .map(|v| on_off(v).to_string())
            .unwrap_or_else(|| NOT_REPORTED.to_string()),
    )
}

impl State for VpcState {
    fn settings(&self) -> Vec<Setting> {
        let mut settings = vec![
            Setting::new("cidr", &self.cidr),
            bool_setting("dns.support", self.dns_support),
            bool_setting("dns.hostnames", self.dns_hostnames),
        ];
        settings.extend(
            self.subnets
                .iter()
                .map(|(name, subnet)| Setting::new(format!("subnet.{name}"), subnet.render())),
        );
        settings.push(Setting::new(
            "internet_gateway",
            if self.internet_gateways.is_empty() {
                "(none)".to_string()
            } else {
                format!(
                    "attached {}",
                    list(&self.internet_gateways.keys().cloned().collect::<Vec<_>>())
                )
            },
        ));
        settings.push(Setting::new(
            "nat_gateways",
            list(&managed(
                self.nat_gateways.iter().map(|(n, nat)| (n, nat.managed)),
            )),
        ));
        settings.extend(
            self.nat_gateways
                .iter()
                .map(|(name, nat)| Setting::new(format!("nat_gateway.{name}"), nat.render())),
        );
        settings.extend(
            self.route_tables
                .iter()
                .map(|(name, table)| Setting::new(format!("route_table.{name}"), table.render())),
        );
        settings.extend(
            self.network_acls
                .iter()
                .map(|(name, acl)| Setting::new(format!("network_acl.{name}"), acl.render())),
        );
        settings.extend(self.security_groups.iter().map(|(name, group)| {
            Setting::new(format!("security_group.{name}"), render_rules(&group.rules))
        }));
        settings.push(Setting::new(
            "endpoints",
            list(&managed(self.endpoints.iter().map(|(n, e)| (n, e.managed)))),
        ));
        settings.extend(
            self.endpoints.iter().map(|(name, endpoint)| {
                Setting::new(format!("endpoint.{name}"), endpoint.render())
            }),
        );
        settings.extend(
            self.flow_logs.iter().map(|(name, flow_log)| {
                Setting::new(format!("flow_log.{name}"), flow_log.render())
            }),
        );
        settings.extend(
            self.tags
                .iter()
                .map(|(key, value)| Setting::new(format!("tags.{key}"), value)),
        );
        settings
    }
}
