//! The declared layout of a VPC: subnets (allocated or chosen by hand), route tables, NAT
//! gateways, network ACLs, security groups, endpoints and flow log, as the desired state.

use std::collections::BTreeMap;

use crate::construct::Scope;
use crate::controls::ControlId;
use crate::error::Violation;

use super::super::allocator::{PlannedSubnet, Tier, LARGEST_SUBNET_PREFIX, SMALLEST_SUBNET_PREFIX};
use super::super::cidr::Ipv4Cidr;
use super::super::endpoints::{service_name, S3_GATEWAY};
use super::super::nacl::{closed_default, NaclPlan};
use super::super::rules::{Peer, Protocol, Rule, SgRule, HTTPS_PORT};
use super::super::state::{
    EndpointState, GroupRulesState, NatGatewayState, NetworkAclState, Route, RouteTableState,
    RouteTarget, SubnetState, TargetKind, VpcState, DEFAULT_PART, ENDPOINTS_GROUP, FLOW_LOG_PART,
    INTERNET_GATEWAY_PART, MAIN_ROUTE_TABLE,
};
use super::props::{CustomSubnets, Egress};
use super::HipaaVpc;

impl HipaaVpc {
    pub(super) fn tier_parts(&self, tier: Tier) -> Vec<String> {
        let mut parts: Vec<String> = self
            .subnets
            .iter()
            .filter(|subnet| subnet.tier == tier)
            .map(PlannedSubnet::part)
            .collect();
        parts.sort();
        parts
    }

    pub(super) fn nat_for(&self, az: u8) -> Option<String> {
        match self.egress {
            Egress::None => None,
            Egress::NatGatewayPerAz => Some(format!("nat-{az}")),
            Egress::SingleNatGateway => Some("nat-1".to_string()),
        }
    }

    pub(super) fn route_tables(&self, cidr: &str) -> BTreeMap<String, RouteTableState> {
        let local = Route {
            destination: cidr.to_string(),
            target: RouteTarget {
                kind: TargetKind::Local,
                name: "local".to_string(),
            },
        };
        let table = |subnets: Vec<String>, main: bool, extra: Option<Route>| {
            let mut routes = vec![local.clone()];
            routes.extend(extra);
            routes.sort();
            RouteTableState {
                id: String::new(),
                main,
                subnets,
                routes,
                associations: BTreeMap::new(),
            }
        };
        let mut tables = BTreeMap::new();
        tables.insert(MAIN_ROUTE_TABLE.to_string(), table(Vec::new(), true, None));
        for subnet in &self.subnets {
            let extra = match subnet.tier {
                Tier::Data => None,
                Tier::App => self.nat_for(subnet.az).map(|nat| Route {
                    destination: "0.0.0.0/0".to_string(),
                    target: RouteTarget {
                        kind: TargetKind::NatGateway,
                        name: nat,
                    },
                }),
                Tier::Ingress => Some(Route {
                    destination: "0.0.0.0/0".to_string(),
                    target: RouteTarget {
                        kind: TargetKind::InternetGateway,
                        name: INTERNET_GATEWAY_PART.to_string(),
                    },
                }),
            };
            tables.insert(subnet.part(), table(vec![subnet.part()], false, extra));
        }
        tables
    }

    pub(super) fn nat_gateways(&self) -> BTreeMap<String, NatGatewayState> {
        let zones: Vec<u8> = match self.egress {
            Egress::None => Vec::new(),
            Egress::NatGatewayPerAz => (1..=self.azs).collect(),
            Egress::SingleNatGateway => vec![1],
        };
        zones
            .into_iter()
            .map(|az| {
                (
                    format!("nat-{az}"),
                    NatGatewayState {
                        id: String::new(),
                        subnet: Tier::Ingress.part(az),
                        connectivity: "public".to_string(),
                        state: "available".to_string(),
                        managed: true,
                    },
                )
            })
            .collect()
    }

    pub(super) fn network_acls(&self) -> BTreeMap<String, NetworkAclState> {
        let Some(vpc) = self.cidr else {
            return BTreeMap::new();
        };
        let app: Vec<Ipv4Cidr> = self.subnets(Tier::App).cidrs();
        let egress_ports = (self.egress != Egress::None).then_some(self.egress_ports.as_slice());
        let plan = NaclPlan {
            vpc,
            app_subnets: &app,
            data_ports: &self.data_ports,
            egress_ports,
        };
        let acl = |subnets: Vec<String>, entries, is_default| NetworkAclState {
            id: String::new(),
            is_default,
            subnets,
            entries,
            associations: BTreeMap::new(),
        };
        let mut acls = BTreeMap::new();
        acls.insert(
            Tier::Data.as_str().to_string(),
            acl(self.tier_parts(Tier::Data), plan.data(), false),
        );
        acls.insert(
            Tier::App.as_str().to_string(),
            acl(self.tier_parts(Tier::App), plan.app(), false),
        );
        if self.ingress_tier {
            acls.insert(
                Tier::Ingress.as_str().to_string(),
                acl(self.tier_parts(Tier::Ingress), plan.ingress(), false),
            );
        }
        acls.insert(
            DEFAULT_PART.to_string(),
            acl(Vec::new(), closed_default(), true),
        );
        acls
    }

    /// The rules of the interface endpoints' group: HTTPS from the VPC, nothing out.
    pub(crate) fn endpoints_group_rules(&self) -> Vec<SgRule> {
        let rule = Rule {
            protocol: Protocol::Tcp,
            from_port: HTTPS_PORT,
            to_port: HTTPS_PORT,
            peer: Peer::Cidr(self.cidr_text.trim().to_string()),
            description: Some("HTTPS to the VPC endpoints from inside the VPC".to_string()),
        };
        vec![rule.normalized(false, &Scope::for_build())]
    }

    pub(super) fn endpoints(&self, region: &str) -> BTreeMap<String, EndpointState> {
        let mut endpoints = BTreeMap::new();
        endpoints.insert(
            S3_GATEWAY.to_string(),
            EndpointState {
                id: String::new(),
                service: service_name(region, S3_GATEWAY),
                endpoint_type: "Gateway".to_string(),
                route_tables: self.tier_parts(Tier::App),
                subnets: Vec::new(),
                security_groups: Vec::new(),
                private_dns: false,
                state: "available".to_string(),
                managed: true,
            },
        );
        for endpoint in &self.interface_endpoints {
            endpoints.insert(
                endpoint.service().to_string(),
                EndpointState {
                    id: String::new(),
                    service: endpoint.service_name(region),
                    endpoint_type: "Interface".to_string(),
                    route_tables: Vec::new(),
                    subnets: self.tier_parts(Tier::App),
                    security_groups: vec![ENDPOINTS_GROUP.to_string()],
                    private_dns: true,
                    state: "available".to_string(),
                    managed: true,
                },
            );
        }
        endpoints
    }

    /// The declared state of the VPC and every part, without tags or ids.
    pub(crate) fn declared(&self, region: &str, partition: &str) -> VpcState {
        let cidr = self.cidr_text.trim().to_string();
        let subnets = self
            .subnets
            .iter()
            .map(|subnet| {
                (
                    subnet.part(),
                    SubnetState {
                        id: String::new(),
                        cidr: subnet.cidr.to_string(),
                        availability_zone: String::new(),
                        az_index: Some(subnet.az),
                        map_public_ip_on_launch: false,
                        assign_ipv6_on_creation: false,
                    },
                )
            })
            .collect();
        let mut security_groups = BTreeMap::new();
        security_groups.insert(
            DEFAULT_PART.to_string(),
            GroupRulesState {
                id: String::new(),
                name: "default".to_string(),
                rules: Vec::new(),
            },
        );
        if !self.interface_endpoints.is_empty() {
            security_groups.insert(
                ENDPOINTS_GROUP.to_string(),
                GroupRulesState {
                    id: String::new(),
                    name: self.endpoints_group_name(),
                    rules: self.endpoints_group_rules(),
                },
            );
        }
        let mut flow_logs = BTreeMap::new();
        flow_logs.insert(FLOW_LOG_PART.to_string(), self.flow_logs.desired(partition));
        let mut internet_gateways = BTreeMap::new();
        if self.ingress_tier {
            internet_gateways.insert(INTERNET_GATEWAY_PART.to_string(), String::new());
        }
        VpcState {
            vpc_id: String::new(),
            region: region.to_string(),
            partition: partition.to_string(),
            zones: Vec::new(),
            route_tables: self.route_tables(&cidr),
            cidr,
            dns_support: Some(true),
            dns_hostnames: Some(true),
            subnets,
            internet_gateways,
            nat_gateways: self.nat_gateways(),
            network_acls: self.network_acls(),
            security_groups,
            flow_logs,
            endpoints: self.endpoints(region),
            tags: BTreeMap::new(),
        }
    }
}

/// Lays out the subnets from custom blocks, collecting every problem.
pub(super) fn custom_layout(
    custom: &CustomSubnets,
    vpc: Option<Ipv4Cidr>,
    azs: u8,
    ingress_tier: bool,
    resource: &str,
    violations: &mut Vec<Violation>,
) -> Vec<PlannedSubnet> {
    let mut subnets = Vec::new();
    for tier in Tier::ALL {
        let blocks = custom.blocks(tier);
        if tier == Tier::Ingress && !ingress_tier {
            if !blocks.is_empty() {
                violations.push(Violation::new(
                    resource,
                    "subnets.ingress",
                    ControlId::VpcTiersSegmented,
                    "ingress blocks were given but the ingress tier was not asked for (.ingress_tier())",
                ));
            }
            continue;
        }
        if blocks.len() != usize::from(azs) {
            violations.push(Violation::new(
                resource,
                format!("subnets.{tier}"),
                ControlId::VpcMultiAz,
                format!(
                    "the {tier} tier needs one block per zone ({azs}), not {}",
                    blocks.len()
                ),
            ));
        }
        for (index, text) in blocks.iter().enumerate() {
            let az = u8::try_from(index + 1).unwrap_or(u8::MAX);
            match text.parse::<Ipv4Cidr>() {
                Err(error) => violations.push(Violation::new(
                    resource,
                    format!("subnets.{}", tier.part(az)),
                    ControlId::VpcTiersSegmented,
                    error.to_string(),
                )),
                Ok(cidr) => {
                    if !(LARGEST_SUBNET_PREFIX..=SMALLEST_SUBNET_PREFIX)
                        .contains(&cidr.prefix_len())
                    {
                        violations.push(Violation::new(
                            resource,
                            format!("subnets.{}", tier.part(az)),
                            ControlId::VpcTiersSegmented,
                            format!("{cidr}: a subnet is a /{LARGEST_SUBNET_PREFIX} to a /{SMALLEST_SUBNET_PREFIX}"),
                        ));
                    }
                    if index < usize::from(azs) {
                        subnets.push(PlannedSubnet { tier, az, cidr });
                    }
                }
            }
        }
    }
    if let Some(vpc) = vpc {
        for subnet in &subnets {
            if !vpc.contains(&subnet.cidr) {
                violations.push(Violation::new(
                    resource,
                    format!("subnets.{}", subnet.part()),
                    ControlId::VpcTiersSegmented,
                    format!("{} lies outside the VPC's {vpc}", subnet.cidr),
                ));
            }
        }
    }
    for (index, subnet) in subnets.iter().enumerate() {
        for other in &subnets[index + 1..] {
            if subnet.cidr.overlaps(&other.cidr) {
                violations.push(Violation::new(
                    resource,
                    format!("subnets.{}", other.part()),
                    ControlId::VpcTiersSegmented,
                    format!(
                        "{} ({}) overlaps {} ({})",
                        other.part(),
                        other.cidr,
                        subnet.part(),
                        subnet.cidr
                    ),
                ));
            }
        }
    }
    subnets
}
