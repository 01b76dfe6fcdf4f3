//! One describe call per kind of part of a VPC (paginated where EC2 pages).

use std::collections::BTreeMap;

use aws_sdk_ec2::types::{
    NetworkAcl, RouteTable, SecurityGroup as SdkGroup, Subnet, VpcAttributeName,
};

use crate::aws_error::AwsResultExt;
use crate::env::Environment;
use crate::error::Result;

use super::super::util::{filter, tag_map, SERVICE};

pub(super) async fn dns_attribute(
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

pub(super) async fn subnets_of(env: &Environment, vpc_id: &str) -> Result<Vec<Subnet>> {
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

pub(super) async fn route_tables_of(env: &Environment, vpc_id: &str) -> Result<Vec<RouteTable>> {
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

pub(super) async fn groups_of(env: &Environment, vpc_id: &str) -> Result<Vec<SdkGroup>> {
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

pub(super) async fn internet_gateways_of(env: &Environment, vpc_id: &str) -> Result<Gateways> {
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

pub(super) async fn nat_gateways_of(
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

pub(super) async fn flow_logs_of(
    env: &Environment,
    vpc_id: &str,
) -> Result<Vec<aws_sdk_ec2::types::FlowLog>> {
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

pub(super) async fn endpoints_of(
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

pub(super) fn names<'a>(
    map: &'a BTreeMap<String, String>,
    ids: impl Iterator<Item = &'a str>,
) -> Vec<String> {
    let mut names: Vec<String> = ids
        .map(|id| map.get(id).cloned().unwrap_or_else(|| id.to_string()))
        .collect();
    names.sort();
    names.dedup();
    names
}
