//! Reading a VPC and every part of it. [`read_vpc_state`] works on any VPC of the account (the
//! audit reuses it); parts the VPC's own tags do not name are keyed by their physical id.
//! `parts` holds one describe call per kind of part, `state` assembles them.

mod parts;
mod state;

use std::collections::BTreeMap;

use aws_sdk_ec2::types::Vpc;

use crate::aws_error::AwsResultExt;
use crate::construct::{Ctx, Live, LogicalId, ResourceOutputs};
use crate::controls::ControlId;
use crate::env::{Environment, LOGICAL_ID_TAG, STACK_TAG};
use crate::error::{Error, Result};

use super::super::state::VpcState;
use super::super::vpc::{HipaaVpc, SubnetInfo};
use super::util::{filter, tag_map, Owner, SERVICE};
pub(crate) use parts::network_acls_of;
use parts::subnets_of;
pub(crate) use state::{network_acl_state, read_vpc_state};

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
