//! Making a VPC and bringing every part of it to its desired state.
//!
//! `create` makes only the VPC (tagged), then converges like `update`: each changed setting
//! is fixed part by part, in dependency order (subnets, gateways, NAT, route tables, network
//! ACLs, security groups, endpoints, flow log), one file per part. Parts are found again by
//! their tags, so an apply interrupted at any point is finished by the next one without
//! duplicates.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use aws_sdk_ec2::client::Waiters;
use aws_sdk_ec2::types::{AttributeBooleanValue, ResourceType};

use crate::aws_error::AwsResultExt;
use crate::construct::{diff_states, Ctx, ResourceOutputs, SettingChange};
use crate::controls::ControlId;
use crate::error::{Error, Result};

use super::super::state::VpcState;
use super::super::vpc::HipaaVpc;
use super::read::{check_zone_count, read_vpc_by_id, read_zones};
use super::util::{ec2_tags, required, tag_spec, SERVICE};

/// Longest wait for a VPC to become available.
const VPC_WAIT: Duration = Duration::from_secs(300);

fn waited(operation: &'static str, error: impl std::error::Error + 'static) -> Error {
    Error::unexpected(SERVICE, operation, crate::aws_error::error_chain(&error))
}

/// Makes the VPC (tagged), then converges every part.
pub(crate) async fn create_vpc(
    ctx: &Ctx<'_>,
    vpc: &HipaaVpc,
    desired: &VpcState,
) -> Result<ResourceOutputs> {
    let resource = format!("vpc {:?}", vpc.name());
    let zones = read_zones(ctx.env).await?;
    check_zone_count(vpc, &zones, ctx.scope.region)?;
    let ec2 = ctx.env.ec2();
    let made = ec2
        .create_vpc()
        .cidr_block(&desired.cidr)
        .tag_specifications(tag_spec(ResourceType::Vpc, &desired.tags))
        .send()
        .await
        .aws(SERVICE, "CreateVpc", &resource)?;
    let vpc_id = required(
        made.vpc().and_then(|made| made.vpc_id()),
        "CreateVpc",
        "VPC id",
    )?;
    tracing::info!(vpc = vpc.name(), vpc_id = vpc_id.as_str(), "vpc created");
    ec2.wait_until_vpc_available()
        .vpc_ids(&vpc_id)
        .wait(VPC_WAIT)
        .await
        .map_err(|error| waited("DescribeVpcs (waiting for available)", error))?;
    let live = read_vpc_by_id(ctx, vpc, &vpc_id, zones).await?;
    let changes = diff_states(desired, &live.state);
    converge_vpc(ctx, vpc, &live.state, desired, &changes).await?;
    Ok(live.outputs)
}

/// Fixes each changed setting.
pub(crate) async fn converge_vpc(
    ctx: &Ctx<'_>,
    vpc: &HipaaVpc,
    live: &VpcState,
    desired: &VpcState,
    changes: &[SettingChange],
) -> Result<()> {
    let mut run = Converge {
        ctx,
        vpc,
        resource: format!("vpc {:?}", vpc.name()),
        live: live.clone(),
        desired,
        changed: changes
            .iter()
            .map(|change| change.setting.clone())
            .collect(),
    };
    run.immutable()?;
    run.tags().await?;
    run.dns().await?;
    run.subnets().await?;
    run.internet_gateway().await?;
    run.nat_gateways().await?;
    run.route_tables().await?;
    run.network_acls().await?;
    run.security_groups().await?;
    run.endpoints().await?;
    run.flow_log().await?;
    run.remove_unwanted_nat_gateways().await?;
    Ok(())
}

struct Converge<'a> {
    ctx: &'a Ctx<'a>,
    vpc: &'a HipaaVpc,
    resource: String,
    live: VpcState,
    desired: &'a VpcState,
    changed: BTreeSet<String>,
}

impl Converge<'_> {
    fn changed(&self, setting: &str) -> bool {
        self.changed.contains(setting)
    }

    fn vpc_id(&self) -> &str {
        &self.live.vpc_id
    }

    fn ec2(&self) -> &aws_sdk_ec2::Client {
        self.ctx.env.ec2()
    }

    fn part_tags(&self, kind: &str, part: &str) -> BTreeMap<String, String> {
        let mut tags = self
            .ctx
            .scope
            .tags_for(&self.vpc.part_id(kind, part), false);
        tags.insert("Name".to_string(), format!("{}-{part}", self.vpc.name()));
        tags
    }

    fn refused(&self, reason: String, control: ControlId) -> Error {
        Error::Refused {
            resource: self.resource.clone(),
            reason,
            control,
        }
    }

    fn immutable(&self) -> Result<()> {
        if self.changed("cidr") {
            return Err(self.refused(
                format!(
                    "the VPC's block is {} but the spec says {}; a VPC's primary block cannot change, so the VPC would have to be replaced. \
                     Make a VPC with another name deliberately and move workloads to it",
                    self.live.cidr, self.desired.cidr
                ),
                ControlId::VpcCidrPrivate,
            ));
        }
        Ok(())
    }

    async fn tags(&mut self) -> Result<()> {
        let changed: BTreeMap<String, String> = self
            .desired
            .tags
            .iter()
            .filter(|(key, _)| self.changed(&format!("tags.{key}")))
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect();
        if !changed.is_empty() {
            self.ec2()
                .create_tags()
                .resources(self.vpc_id())
                .set_tags(Some(ec2_tags(&changed)))
                .send()
                .await
                .aws(SERVICE, "CreateTags", &self.resource)?;
        }
        Ok(())
    }

    async fn dns(&mut self) -> Result<()> {
        let on = AttributeBooleanValue::builder().value(true).build();
        if self.changed("dns.support") {
            self.ec2()
                .modify_vpc_attribute()
                .vpc_id(self.vpc_id())
                .enable_dns_support(on.clone())
                .send()
                .await
                .aws(SERVICE, "ModifyVpcAttribute", &self.resource)?;
        }
        if self.changed("dns.hostnames") {
            self.ec2()
                .modify_vpc_attribute()
                .vpc_id(self.vpc_id())
                .enable_dns_hostnames(on)
                .send()
                .await
                .aws(SERVICE, "ModifyVpcAttribute", &self.resource)?;
        }
        Ok(())
    }
}

mod delete;
mod endpoints;
mod flow_log;
mod gateways;
mod network_acls;
mod routes;
mod security_groups;
mod subnets;

pub(crate) use delete::delete_vpc;
