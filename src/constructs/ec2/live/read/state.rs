//! A VPC and its parts as state: part names from the owner's tags, else physical ids.

use std::collections::BTreeMap;

use aws_sdk_ec2::types::{NetworkAcl, Vpc, VpcAttributeName};

use crate::env::{Environment, LOGICAL_ID_TAG};
use crate::error::Result;

use super::super::super::rules::SgRule;
use super::super::super::state::{
    EndpointState, FlowLogState, GroupRulesState, NaclEntry, NatGatewayState, NetworkAclState,
    Route, RouteTableState, RouteTarget, SubnetState, TargetKind, VpcState, DEFAULT_PART,
    MAIN_ROUTE_TABLE,
};
use super::super::groups::read_rules;
use super::super::util::{part_name, required, tag_map, Owner};
use super::parts::dns_attribute;
use super::parts::endpoints_of;
use super::parts::flow_logs_of;
use super::parts::groups_of;
use super::parts::internet_gateways_of;
use super::parts::names;
use super::parts::nat_gateways_of;
use super::parts::network_acls_of;
use super::parts::route_tables_of;
use super::parts::subnets_of;

/// Reads a VPC and every part. With an `owner`, parts tagged under the VPC's logical id are
/// keyed by their part names.
pub(crate) async fn read_vpc_state(
    env: &Environment,
    vpc: &Vpc,
    owner: Option<&Owner>,
    zones: Vec<String>,
) -> Result<VpcState> {
    let vpc_id = required(vpc.vpc_id(), "DescribeVpcs", "VPC id")?;
    let id = vpc_id.as_str();
    let (dns_support, dns_hostnames, subnets, tables, acls, groups) = tokio::try_join!(
        dns_attribute(env, id, VpcAttributeName::EnableDnsSupport),
        dns_attribute(env, id, VpcAttributeName::EnableDnsHostnames),
        subnets_of(env, id),
        route_tables_of(env, id),
        network_acls_of(env, id),
        groups_of(env, id),
    )?;
    let (gateways, nats, flow_logs, endpoints) = tokio::try_join!(
        internet_gateways_of(env, id),
        nat_gateways_of(env, id),
        flow_logs_of(env, id),
        endpoints_of(env, id),
    )?;

    let mut subnet_names = BTreeMap::new();
    let mut subnet_states = BTreeMap::new();
    for subnet in &subnets {
        let Some(subnet_id) = subnet.subnet_id() else {
            continue;
        };
        let (name, _) = part_name(owner, &tag_map(subnet.tags()), "subnet", subnet_id);
        let zone = subnet.availability_zone().unwrap_or_default().to_string();
        let az_index = zones
            .iter()
            .position(|candidate| candidate == &zone)
            .and_then(|index| u8::try_from(index + 1).ok());
        subnet_names.insert(subnet_id.to_string(), name.clone());
        subnet_states.insert(
            name,
            SubnetState {
                id: subnet_id.to_string(),
                cidr: subnet.cidr_block().unwrap_or_default().to_string(),
                availability_zone: zone,
                az_index,
                map_public_ip_on_launch: subnet.map_public_ip_on_launch().unwrap_or(false),
                assign_ipv6_on_creation: subnet.assign_ipv6_address_on_creation().unwrap_or(false),
            },
        );
    }

    let mut gateway_names = BTreeMap::new();
    let mut internet_gateways = BTreeMap::new();
    for (gateway_id, tags) in &gateways {
        let (name, _) = part_name(owner, tags, "internet-gateway", gateway_id);
        gateway_names.insert(gateway_id.clone(), name.clone());
        internet_gateways.insert(name, gateway_id.clone());
    }

    let mut nat_names = BTreeMap::new();
    let mut nat_gateways = BTreeMap::new();
    for nat in &nats {
        let Some(nat_id) = nat.nat_gateway_id() else {
            continue;
        };
        let (name, managed) = part_name(owner, &tag_map(nat.tags()), "nat-gateway", nat_id);
        nat_names.insert(nat_id.to_string(), name.clone());
        let subnet = nat.subnet_id().unwrap_or_default();
        nat_gateways.insert(
            name,
            NatGatewayState {
                id: nat_id.to_string(),
                subnet: subnet_names
                    .get(subnet)
                    .cloned()
                    .unwrap_or_else(|| subnet.to_string()),
                connectivity: nat
                    .connectivity_type()
                    .map(|kind| kind.as_str().to_string())
                    .unwrap_or_else(|| "public".to_string()),
                state: nat
                    .state()
                    .map(|state| state.as_str().to_string())
                    .unwrap_or_default(),
                managed,
            },
        );
    }

    let mut group_names = BTreeMap::new();
    let mut group_parts = BTreeMap::new();
    for group in &groups {
        let Some(group_id) = group.group_id() else {
            continue;
        };
        let tags = tag_map(group.tags());
        if let Some(logical) = tags.get(LOGICAL_ID_TAG) {
            group_names.insert(group_id.to_string(), logical.clone());
        }
        let part = if group.group_name() == Some("default") {
            Some(DEFAULT_PART.to_string())
        } else {
            owner
                .and_then(|owner| owner.part(&tags, "security-group"))
                .map(str::to_string)
        };
        if let Some(part) = part {
            group_parts.insert(
                group_id.to_string(),
                (part, group.group_name().unwrap_or_default().to_string()),
            );
        }
    }
    let group_ids: Vec<String> = group_parts.keys().cloned().collect();
    let mut rules_by_group = read_rules(env, &group_ids, &group_names).await?;
    let security_groups: BTreeMap<String, GroupRulesState> = group_parts
        .iter()
        .map(|(group_id, (part, name))| {
            let rules: Vec<SgRule> = rules_by_group.remove(group_id).unwrap_or_default();
            (
                part.clone(),
                GroupRulesState {
                    id: group_id.clone(),
                    name: name.clone(),
                    rules,
                },
            )
        })
        .collect();
    let group_part_names: BTreeMap<String, String> = group_parts
        .iter()
        .map(|(id, (part, _))| (id.clone(), part.clone()))
        .collect();

    let mut endpoint_names = BTreeMap::new();
    let mut endpoint_states = BTreeMap::new();
    let mut table_names = BTreeMap::new();
    for table in &tables {
        let Some(table_id) = table.route_table_id() else {
            continue;
        };
        let main = table
            .associations()
            .iter()
            .any(|association| association.main() == Some(true));
        let name = if main {
            MAIN_ROUTE_TABLE.to_string()
        } else {
            part_name(owner, &tag_map(table.tags()), "route-table", table_id).0
        };
        table_names.insert(table_id.to_string(), name);
    }
    for endpoint in &endpoints {
        let Some(endpoint_id) = endpoint.vpc_endpoint_id() else {
            continue;
        };
        let (name, managed) = part_name(owner, &tag_map(endpoint.tags()), "endpoint", endpoint_id);
        endpoint_names.insert(endpoint_id.to_string(), name.clone());
        endpoint_states.insert(
            name,
            EndpointState {
                id: endpoint_id.to_string(),
                service: endpoint.service_name().unwrap_or_default().to_string(),
                endpoint_type: endpoint
                    .vpc_endpoint_type()
                    .map(|kind| kind.as_str().to_string())
                    .unwrap_or_default(),
                route_tables: names(
                    &table_names,
                    endpoint.route_table_ids().iter().map(String::as_str),
                ),
                subnets: names(
                    &subnet_names,
                    endpoint.subnet_ids().iter().map(String::as_str),
                ),
                security_groups: names(
                    &group_part_names,
                    endpoint
                        .groups()
                        .iter()
                        .filter_map(|group| group.group_id()),
                ),
                private_dns: endpoint.private_dns_enabled().unwrap_or(false),
                state: endpoint
                    .state()
                    .map(|state| state.as_str().to_ascii_lowercase())
                    .unwrap_or_default(),
                managed,
            },
        );
    }

    let mut route_tables = BTreeMap::new();
    for table in &tables {
        let Some(table_id) = table.route_table_id() else {
            continue;
        };
        let name = table_names.get(table_id).cloned().unwrap_or_default();
        let mut associations = BTreeMap::new();
        for association in table.associations() {
            if let (Some(subnet), Some(association_id)) = (
                association.subnet_id(),
                association.route_table_association_id(),
            ) {
                // Associations of deleted subnets are skipped: the local endpoint keeps them
                // after DeleteSubnet (AWS removes them).
                if let Some(subnet) = subnet_names.get(subnet) {
                    associations.insert(subnet.clone(), association_id.to_string());
                }
            }
        }
        let mut routes: Vec<Route> = table
            .routes()
            .iter()
            .map(|route| {
                let destination = route
                    .destination_cidr_block()
                    .or(route.destination_ipv6_cidr_block())
                    .or(route.destination_prefix_list_id())
                    .unwrap_or_default()
                    .to_string();
                let target = match (route.gateway_id(), route.nat_gateway_id()) {
                    (Some("local"), _) => RouteTarget {
                        kind: TargetKind::Local,
                        name: "local".to_string(),
                    },
                    (Some(gateway), _) if gateway.starts_with("igw-") => RouteTarget {
                        kind: TargetKind::InternetGateway,
                        name: gateway_names
                            .get(gateway)
                            .cloned()
                            .unwrap_or_else(|| gateway.to_string()),
                    },
                    (Some(gateway), _) if gateway.starts_with("vpce-") => RouteTarget {
                        kind: TargetKind::VpcEndpoint,
                        name: endpoint_names
                            .get(gateway)
                            .cloned()
                            .unwrap_or_else(|| gateway.to_string()),
                    },
                    (_, Some(nat)) => RouteTarget {
                        kind: TargetKind::NatGateway,
                        name: nat_names
                            .get(nat)
                            .cloned()
                            .unwrap_or_else(|| nat.to_string()),
                    },
                    (gateway, None) => RouteTarget {
                        kind: TargetKind::Other,
                        name: gateway
                            .or(route.transit_gateway_id())
                            .or(route.vpc_peering_connection_id())
                            .or(route.network_interface_id())
                            .or(route.instance_id())
                            .or(route.egress_only_internet_gateway_id())
                            .or(route.carrier_gateway_id())
                            .or(route.local_gateway_id())
                            .or(route.core_network_arn())
                            .unwrap_or("unknown")
                            .to_string(),
                    },
                };
                Route {
                    destination,
                    target,
                }
            })
            .collect();
        routes.sort();
        route_tables.insert(
            name,
            RouteTableState {
                id: table_id.to_string(),
                main: table_names.get(table_id).map(String::as_str) == Some(MAIN_ROUTE_TABLE),
                subnets: associations.keys().cloned().collect(),
                routes,
                associations,
            },
        );
    }

    let mut network_acls = BTreeMap::new();
    for acl in &acls {
        let (name, state) = network_acl_state(owner, acl, &subnet_names);
        network_acls.insert(name, state);
    }

    let mut flow_log_states = BTreeMap::new();
    for flow_log in &flow_logs {
        let Some(flow_log_id) = flow_log.flow_log_id() else {
            continue;
        };
        let (name, _) = part_name(owner, &tag_map(flow_log.tags()), "flow-log", flow_log_id);
        flow_log_states.insert(
            name,
            FlowLogState {
                id: flow_log_id.to_string(),
                traffic_type: flow_log
                    .traffic_type()
                    .map(|kind| kind.as_str().to_string())
                    .unwrap_or_default(),
                destination_type: flow_log
                    .log_destination_type()
                    .map(|kind| kind.as_str().to_string())
                    .unwrap_or_default(),
                destination: flow_log
                    .log_destination()
                    .or(flow_log.log_group_name())
                    .unwrap_or_default()
                    .to_string(),
                status: flow_log.flow_log_status().unwrap_or_default().to_string(),
            },
        );
    }

    Ok(VpcState {
        vpc_id: vpc_id.clone(),
        region: env.region().to_string(),
        partition: env.partition().to_string(),
        zones,
        cidr: vpc.cidr_block().unwrap_or_default().to_string(),
        dns_support,
        dns_hostnames,
        subnets: subnet_states,
        route_tables,
        internet_gateways,
        nat_gateways,
        network_acls,
        security_groups,
        flow_logs: flow_log_states,
        endpoints: endpoint_states,
        tags: tag_map(vpc.tags()),
    })
}

/// One network ACL as state, with its part name.
pub(crate) fn network_acl_state(
    owner: Option<&Owner>,
    acl: &NetworkAcl,
    subnet_names: &BTreeMap<String, String>,
) -> (String, NetworkAclState) {
    let acl_id = acl.network_acl_id().unwrap_or_default();
    let is_default = acl.is_default().unwrap_or(false);
    let name = if is_default {
        DEFAULT_PART.to_string()
    } else {
        part_name(owner, &tag_map(acl.tags()), "network-acl", acl_id).0
    };
    let mut associations = BTreeMap::new();
    for association in acl.associations() {
        if let (Some(subnet), Some(association_id)) = (
            association.subnet_id(),
            association.network_acl_association_id(),
        ) {
            // Associations of deleted subnets are skipped: the local endpoint keeps them
            // after DeleteSubnet (AWS removes them).
            if let Some(subnet) = subnet_names.get(subnet) {
                associations.insert(subnet.clone(), association_id.to_string());
            }
        }
    }
    let mut entries: Vec<NaclEntry> = acl
        .entries()
        .iter()
        .filter(|entry| entry.rule_number() != Some(NaclEntry::LAST_RULE))
        .map(|entry| {
            let protocol = SgRule::normalize_protocol(entry.protocol().unwrap_or("-1"));
            let ports = match protocol.as_str() {
                "tcp" | "udp" => entry
                    .port_range()
                    .and_then(|range| Some((range.from()?, range.to()?))),
                _ => None,
            };
            NaclEntry {
                egress: entry.egress().unwrap_or(false),
                rule_number: entry.rule_number().unwrap_or_default(),
                action: entry
                    .rule_action()
                    .map(|action| action.as_str().to_ascii_lowercase())
                    .unwrap_or_default(),
                protocol,
                cidr: entry
                    .cidr_block()
                    .or(entry.ipv6_cidr_block())
                    .unwrap_or_default()
                    .to_string(),
                ports,
            }
        })
        .collect();
    entries.sort();
    (
        name,
        NetworkAclState {
            id: acl_id.to_string(),
            is_default,
            subnets: associations.keys().cloned().collect(),
            entries,
            associations,
        },
    )
}
