//! Reading a VPC and every part of it. [`read_vpc_state`] works on any VPC of the account (the
//! audit reuses it); parts the VPC's own tags do not name are keyed by their physical id.

use std::collections::BTreeMap;

use aws_sdk_ec2::types::{
    NetworkAcl, RouteTable, SecurityGroup as SdkGroup, Subnet, Vpc, VpcAttributeName,
};

use crate::aws_error::AwsResultExt;
use crate::construct::{Ctx, Live, LogicalId, ResourceOutputs};
use crate::controls::ControlId;
use crate::env::{Environment, LOGICAL_ID_TAG, STACK_TAG};
use crate::error::{Error, Result};

use super::super::rules::SgRule;
use super::super::state::{
    EndpointState, FlowLogState, GroupRulesState, NaclEntry, NatGatewayState, NetworkAclState,
    Route, RouteTableState, RouteTarget, SubnetState, TargetKind, VpcState, DEFAULT_PART,
    MAIN_ROUTE_TABLE,
};
use super::super::vpc::{HipaaVpc, SubnetInfo};
use super::groups::read_rules;
use super::util::{filter, part_name, required, tag_map, Owner, SERVICE};

/// The region's availability zones (available, of type availability-zone), in name order.
pub async fn read_zones(env: &Environment) -> Result<Vec<String>> {
    let output = env
        .ec2()
        .describe_availability_zones()
        .filters(filter("state", ["available"]))
        .send()
        .await
        .aws(SERVICE, "DescribeAvailabilityZones", env.region())?;
    let mut zones: Vec<String> = output
        .availability_zones()
        .iter()
        .filter(|zone| {
            zone.zone_type()
                .is_none_or(|kind| kind == "availability-zone")
        })
        .filter_map(|zone| zone.zone_name().map(str::to_string))
        .collect();
    zones.sort();
    zones.dedup();
    Ok(zones)
}

/// Finds the VPC of a spec by its stack and logical-id tags.
async fn find_vpc(ctx: &Ctx<'_>, vpc: &HipaaVpc) -> Result<Option<Vpc>> {
    let output = ctx
        .env
        .ec2()
        .describe_vpcs()
        .filters(filter(&format!("tag:{STACK_TAG}"), [ctx.scope.stack]))
        .filters(filter(
            &format!("tag:{LOGICAL_ID_TAG}"),
            [vpc.logical_id().as_str()],
        ))
        .send()
        .await
        .aws(SERVICE, "DescribeVpcs", vpc.name())?;
    let mut found: Vec<Vpc> = output.vpcs.unwrap_or_default();
    match found.len() {
        0 => Ok(None),
        1 => Ok(found.pop()),
        count => Err(Error::Conflict {
            resource: format!("vpc {:?}", vpc.name()),
            reason: format!(
                "{count} VPCs carry the tags of stack {:?} and id {}: {}; delete the extra ones",
                ctx.scope.stack,
                vpc.logical_id(),
                found
                    .iter()
                    .filter_map(|vpc| vpc.vpc_id())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }),
    }
}

/// The outputs of a VPC.
pub(crate) fn outputs(ctx: &Ctx<'_>, vpc_id: &str) -> ResourceOutputs {
    ResourceOutputs {
        arn: ctx.scope.arn("ec2", &format!("vpc/{vpc_id}")),
        physical_id: vpc_id.to_string(),
    }
}

/// Refuses a spec that asks for more zones than the region has.
pub(crate) fn check_zone_count(vpc: &HipaaVpc, zones: &[String], region: &str) -> Result<()> {
    if usize::from(vpc.azs()) > zones.len() {
        return Err(Error::Refused {
            resource: format!("vpc {:?}", vpc.name()),
            reason: format!(
                "{} availability zones were asked for but {region} has {} ({}); ask for at most {}",
                vpc.azs(),
                zones.len(),
                zones.join(", "),
                zones.len()
            ),
            control: ControlId::VpcMultiAz,
        });
    }
    Ok(())
}

/// Finds the VPC of a spec and reads every part.
pub(crate) async fn read_vpc(ctx: &Ctx<'_>, vpc: &HipaaVpc) -> Result<Option<Live<VpcState>>> {
    let zones = read_zones(ctx.env).await?;
    check_zone_count(vpc, &zones, ctx.scope.region)?;
    let Some(found) = find_vpc(ctx, vpc).await? else {
        return Ok(None);
    };
    read_found(ctx, vpc, &found, zones).await.map(Some)
}

/// Reads the VPC with this id as the spec's (after creating it).
pub(crate) async fn read_vpc_by_id(
    ctx: &Ctx<'_>,
    vpc: &HipaaVpc,
    vpc_id: &str,
    zones: Vec<String>,
) -> Result<Live<VpcState>> {
    let found = ctx
        .env
        .ec2()
        .describe_vpcs()
        .vpc_ids(vpc_id)
        .send()
        .await
        .aws(SERVICE, "DescribeVpcs", vpc.name())?
        .vpcs
        .unwrap_or_default()
        .into_iter()
        .next()
        .ok_or_else(|| {
            Error::unexpected(SERVICE, "DescribeVpcs", format!("{vpc_id} is not visible"))
        })?;
    read_found(ctx, vpc, &found, zones).await
}

async fn read_found(
    ctx: &Ctx<'_>,
    vpc: &HipaaVpc,
    found: &Vpc,
    zones: Vec<String>,
) -> Result<Live<VpcState>> {
    let owner = Owner::new(ctx.scope.stack, vpc.logical_id());
    let mut state = read_vpc_state(ctx.env, found, Some(&owner), zones).await?;
    let wanted = vpc.tags(&ctx.scope);
    state.tags.retain(|key, _| wanted.contains_key(key));
    Ok(Live {
        outputs: outputs(ctx, &state.vpc_id),
        state,
    })
}

/// Every VPC of the account in the region, each with every part (for the audit).
pub async fn read_vpcs(env: &Environment) -> Result<Vec<VpcState>> {
    let zones = read_zones(env).await?;
    let mut pages = env.ec2().describe_vpcs().into_paginator().send();
    let mut vpcs = Vec::new();
    while let Some(page) = pages.next().await {
        vpcs.extend(
            page.aws(SERVICE, "DescribeVpcs", "vpcs")?
                .vpcs
                .unwrap_or_default(),
        );
    }
    let mut states = Vec::with_capacity(vpcs.len());
    for vpc in &vpcs {
        states.push(read_vpc_state(env, vpc, None, zones.clone()).await?);
    }
    Ok(states)
}

async fn dns_attribute(
    env: &Environment,
    vpc_id: &str,
    name: VpcAttributeName,
) -> Result<Option<bool>> {
    let output = env
        .ec2()
        .describe_vpc_attribute()
        .vpc_id(vpc_id)
        .attribute(name.clone())
        .send()
        .await
        .aws(SERVICE, "DescribeVpcAttribute", vpc_id)?;
    Ok(match name {
        VpcAttributeName::EnableDnsSupport => output.enable_dns_support().and_then(|v| v.value()),
        _ => output.enable_dns_hostnames().and_then(|v| v.value()),
    })
}

async fn subnets_of(env: &Environment, vpc_id: &str) -> Result<Vec<Subnet>> {
    let mut pages = env
        .ec2()
        .describe_subnets()
        .filters(filter("vpc-id", [vpc_id]))
        .into_paginator()
        .send();
    let mut subnets = Vec::new();
    while let Some(page) = pages.next().await {
        subnets.extend(
            page.aws(SERVICE, "DescribeSubnets", vpc_id)?
                .subnets
                .unwrap_or_default(),
        );
    }
    Ok(subnets)
}

async fn route_tables_of(env: &Environment, vpc_id: &str) -> Result<Vec<RouteTable>> {
    let mut pages = env
        .ec2()
        .describe_route_tables()
        .filters(filter("vpc-id", [vpc_id]))
        .into_paginator()
        .send();
    let mut tables = Vec::new();
    while let Some(page) = pages.next().await {
        tables.extend(
            page.aws(SERVICE, "DescribeRouteTables", vpc_id)?
                .route_tables
                .unwrap_or_default(),
        );
    }
    Ok(tables)
}

pub(crate) async fn network_acls_of(env: &Environment, vpc_id: &str) -> Result<Vec<NetworkAcl>> {
    let mut pages = env
        .ec2()
        .describe_network_acls()
        .filters(filter("vpc-id", [vpc_id]))
        .into_paginator()
        .send();
    let mut acls = Vec::new();
    while let Some(page) = pages.next().await {
        acls.extend(
            page.aws(SERVICE, "DescribeNetworkAcls", vpc_id)?
                .network_acls
                .unwrap_or_default(),
        );
    }
    Ok(acls)
}

async fn groups_of(env: &Environment, vpc_id: &str) -> Result<Vec<SdkGroup>> {
    let mut pages = env
        .ec2()
        .describe_security_groups()
        .filters(filter("vpc-id", [vpc_id]))
        .into_paginator()
        .send();
    let mut groups = Vec::new();
    while let Some(page) = pages.next().await {
        groups.extend(
            page.aws(SERVICE, "DescribeSecurityGroups", vpc_id)?
                .security_groups
                .unwrap_or_default(),
        );
    }
    Ok(groups)
}

type Gateways = Vec<(String, BTreeMap<String, String>)>;

async fn internet_gateways_of(env: &Environment, vpc_id: &str) -> Result<Gateways> {
    let mut pages = env
        .ec2()
        .describe_internet_gateways()
        .filters(filter("attachment.vpc-id", [vpc_id]))
        .into_paginator()
        .send();
    let mut gateways = Vec::new();
    while let Some(page) = pages.next().await {
        for gateway in page
            .aws(SERVICE, "DescribeInternetGateways", vpc_id)?
            .internet_gateways
            .unwrap_or_default()
        {
            if let Some(id) = gateway.internet_gateway_id() {
                gateways.push((id.to_string(), tag_map(gateway.tags())));
            }
        }
    }
    Ok(gateways)
}

async fn nat_gateways_of(
    env: &Environment,
    vpc_id: &str,
) -> Result<Vec<aws_sdk_ec2::types::NatGateway>> {
    let mut pages = env
        .ec2()
        .describe_nat_gateways()
        .filter(filter("vpc-id", [vpc_id]))
        .into_paginator()
        .send();
    let mut gateways = Vec::new();
    while let Some(page) = pages.next().await {
        gateways.extend(
            page.aws(SERVICE, "DescribeNatGateways", vpc_id)?
                .nat_gateways
                .unwrap_or_default()
                .into_iter()
                .filter(|nat| {
                    nat.state()
                        .is_none_or(|state| !matches!(state.as_str(), "deleted" | "deleting"))
                }),
        );
    }
    Ok(gateways)
}

async fn flow_logs_of(env: &Environment, vpc_id: &str) -> Result<Vec<aws_sdk_ec2::types::FlowLog>> {
    let mut pages = env
        .ec2()
        .describe_flow_logs()
        .filter(filter("resource-id", [vpc_id]))
        .into_paginator()
        .send();
    let mut flow_logs = Vec::new();
    while let Some(page) = pages.next().await {
        flow_logs.extend(
            page.aws(SERVICE, "DescribeFlowLogs", vpc_id)?
                .flow_logs
                .unwrap_or_default(),
        );
    }
    Ok(flow_logs)
}

async fn endpoints_of(
    env: &Environment,
    vpc_id: &str,
) -> Result<Vec<aws_sdk_ec2::types::VpcEndpoint>> {
    let mut pages = env
        .ec2()
        .describe_vpc_endpoints()
        .filters(filter("vpc-id", [vpc_id]))
        .into_paginator()
        .send();
    let mut endpoints = Vec::new();
    while let Some(page) = pages.next().await {
        endpoints.extend(
            page.aws(SERVICE, "DescribeVpcEndpoints", vpc_id)?
                .vpc_endpoints
                .unwrap_or_default()
                .into_iter()
                .filter(|endpoint| {
                    endpoint.state().is_none_or(|state| {
                        !matches!(
                            state.as_str().to_ascii_lowercase().as_str(),
                            "deleted" | "deleting"
                        )
                    })
                }),
        );
    }
    Ok(endpoints)
}

fn names<'a>(map: &'a BTreeMap<String, String>, ids: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut names: Vec<String> = ids
        .map(|id| map.get(id).cloned().unwrap_or_else(|| id.to_string()))
        .collect();
    names.sort();
    names.dedup();
    names
}

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

/// The subnets of some parts of a VPC of this library, found by its tags.
pub(crate) async fn find_subnets(
    ctx: &Ctx<'_>,
    vpc_id: &str,
    vpc: &LogicalId,
    parts: &[String],
) -> Result<Vec<SubnetInfo>> {
    let owner = Owner::new(ctx.scope.stack, vpc);
    let subnets = subnets_of(ctx.env, vpc_id).await?;
    let mut found = BTreeMap::new();
    for subnet in &subnets {
        let tags = tag_map(subnet.tags());
        if let (Some(part), Some(subnet_id)) = (owner.part(&tags, "subnet"), subnet.subnet_id()) {
            found.insert(
                part.to_string(),
                SubnetInfo {
                    part: part.to_string(),
                    subnet_id: subnet_id.to_string(),
                    cidr: subnet.cidr_block().unwrap_or_default().to_string(),
                    availability_zone: subnet.availability_zone().unwrap_or_default().to_string(),
                },
            );
        }
    }
    parts
        .iter()
        .map(|part| {
            found.remove(part).ok_or_else(|| Error::Conflict {
                resource: format!("vpc {vpc}"),
                reason: format!("subnet {part} is missing from {vpc_id}: apply the VPC first"),
            })
        })
        .collect()
}
