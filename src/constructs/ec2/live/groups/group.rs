//! The group of a spec: made with no rules, found by its tags, its tags restored, deleted;
//! and every group of the account for the audit.

use std::collections::BTreeMap;

use aws_sdk_ec2::types::{ResourceType, SecurityGroup as SdkGroup};

use crate::aws_error::AwsResultExt;
use crate::construct::{Construct, Ctx, Live, ResourceOutputs, SettingChange};
use crate::controls::ControlId;
use crate::env::{Environment, LOGICAL_ID_TAG, STACK_TAG};
use crate::error::{Error, Result};

use super::super::super::rules::SgRule;
use super::super::super::security_group::{SecurityGroup, SecurityGroupState};
use super::super::super::security_group_rules::{SecurityGroupRules, SecurityGroupRulesState};
use super::super::util::{ec2_tags, filter, required, tag_map, tag_spec, SERVICE};
use super::rules::converge_rules;
use super::rules::read_rules;

/// Makes a security group in a VPC and revokes the allow-all egress rule AWS adds, so the
/// group starts with no rule at all.
pub(crate) async fn make_empty_group(
    env: &Environment,
    resource: &str,
    vpc_id: &str,
    name: &str,
    description: &str,
    tags: &BTreeMap<String, String>,
) -> Result<String> {
    let group_id = env
        .ec2()
        .create_security_group()
        .group_name(name)
        .description(description)
        .vpc_id(vpc_id)
        .tag_specifications(tag_spec(ResourceType::SecurityGroup, tags))
        .send()
        .await
        .aws(SERVICE, "CreateSecurityGroup", resource)?
        .group_id
        .ok_or_else(|| Error::unexpected(SERVICE, "CreateSecurityGroup", "no group id"))?;
    let mut rules = read_rules(env, std::slice::from_ref(&group_id), &BTreeMap::new()).await?;
    let live = rules.remove(&group_id).unwrap_or_default();
    converge_rules(env, resource, &group_id, &live, &[]).await?;
    Ok(group_id)
}

fn group_state(group: &SdkGroup, rules: Vec<SgRule>, vpc_cidrs: Vec<String>) -> SecurityGroupState {
    SecurityGroupState {
        group_id: group.group_id().unwrap_or_default().to_string(),
        name: group.group_name().unwrap_or_default().to_string(),
        description: group.description().unwrap_or_default().to_string(),
        vpc_id: group.vpc_id().unwrap_or_default().to_string(),
        vpc_cidrs,
        rules,
        tags: tag_map(group.tags()),
    }
}

fn group_outputs(ctx: &Ctx<'_>, group: &SdkGroup, group_id: &str) -> ResourceOutputs {
    ResourceOutputs {
        arn: group
            .security_group_arn()
            .map(str::to_string)
            .unwrap_or_else(|| ctx.scope.arn("ec2", &format!("security-group/{group_id}"))),
        physical_id: group_id.to_string(),
    }
}

async fn describe_groups(
    env: &Environment,
    filters: Vec<aws_sdk_ec2::types::Filter>,
    resource: &str,
) -> Result<Vec<SdkGroup>> {
    let mut groups = Vec::new();
    let mut pages = env
        .ec2()
        .describe_security_groups()
        .set_filters(Some(filters))
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        groups.extend(
            page.aws(SERVICE, "DescribeSecurityGroups", resource)?
                .security_groups
                .unwrap_or_default(),
        );
    }
    Ok(groups)
}

/// Finds a spec's group by its tags in its VPC. A group of the same name that this stack does
/// not manage is a conflict.
pub(crate) async fn read_group(
    ctx: &Ctx<'_>,
    group: &SecurityGroup,
) -> Result<Option<Live<SecurityGroupState>>> {
    let resource = format!("security group {:?}", group.name());
    let Some(vpc_id) = group.vpc_id(&ctx.scope) else {
        return Ok(None);
    };
    let mut found = describe_groups(
        ctx.env,
        vec![
            filter("vpc-id", [vpc_id.as_str()]),
            filter(&format!("tag:{STACK_TAG}"), [ctx.scope.stack]),
            filter(&format!("tag:{LOGICAL_ID_TAG}"), [group.id().as_str()]),
        ],
        &resource,
    )
    .await?;
    if found.len() > 1 {
        return Err(Error::Conflict {
            resource,
            reason: format!(
                "{} groups carry the tags of {}: delete the extra ones",
                found.len(),
                group.id()
            ),
        });
    }
    let Some(sdk) = found.pop() else {
        let same_name = describe_groups(
            ctx.env,
            vec![
                filter("vpc-id", [vpc_id.as_str()]),
                filter("group-name", [group.name()]),
            ],
            &resource,
        )
        .await?;
        if let Some(other) = same_name.first() {
            let tags = tag_map(other.tags());
            return Err(Error::Conflict {
                resource,
                reason: format!(
                    "group {} already has this name in {vpc_id} and is not managed by stack {:?} as {} (its tags say stack {:?}, id {:?})",
                    other.group_id().unwrap_or_default(),
                    ctx.scope.stack,
                    group.id(),
                    tags.get(STACK_TAG).map(String::as_str).unwrap_or("(none)"),
                    tags.get(LOGICAL_ID_TAG).map(String::as_str).unwrap_or("(none)")
                ),
            });
        }
        return Ok(None);
    };
    let group_id = required(sdk.group_id(), "DescribeSecurityGroups", "group id")?;
    let mut rules = read_rules(ctx.env, std::slice::from_ref(&group_id), &BTreeMap::new()).await?;
    let desired = group.desired(&ctx.scope);
    let mut state = group_state(
        &sdk,
        rules.remove(&group_id).unwrap_or_default(),
        desired.vpc_cidrs.clone(),
    );
    state.tags.retain(|key, _| desired.tags.contains_key(key));
    Ok(Some(Live {
        outputs: group_outputs(ctx, &sdk, &group_id),
        state,
    }))
}

/// Makes a spec's group, with no rules.
pub(crate) async fn create_group(
    ctx: &Ctx<'_>,
    group: &SecurityGroup,
    desired: &SecurityGroupState,
) -> Result<ResourceOutputs> {
    let resource = format!("security group {:?}", group.name());
    let vpc_id = group.vpc_id(&ctx.scope).ok_or_else(|| Error::Conflict {
        resource: resource.clone(),
        reason: format!("its VPC {} is not made yet", group.vpc().vpc().id()),
    })?;
    make_empty_group(
        ctx.env,
        &resource,
        &vpc_id,
        &desired.name,
        &desired.description,
        &desired.tags,
    )
    .await?;
    read_group(ctx, group)
        .await?
        .map(|live| live.outputs)
        .ok_or_else(|| {
            Error::unexpected(
                SERVICE,
                "CreateSecurityGroup",
                "the group is not visible after creation",
            )
        })
}

/// Restores the tags; the name, description and VPC can only change by replacement.
pub(crate) async fn update_group(
    ctx: &Ctx<'_>,
    group: &SecurityGroup,
    live: &Live<SecurityGroupState>,
    desired: &SecurityGroupState,
    changes: &[SettingChange],
) -> Result<()> {
    let resource = format!("security group {:?}", group.name());
    for immutable in ["name", "description", "vpc"] {
        if let Some(change) = changes.iter().find(|change| change.setting == immutable) {
            return Err(Error::Refused {
                resource,
                reason: format!(
                    "{immutable} is {:?} but must be {:?}; a security group's {immutable} cannot change, so the group would have to be replaced. \
                     Give the spec another name to make a new group deliberately",
                    change.current.as_deref().unwrap_or("(absent)"),
                    change.desired
                ),
                control: ControlId::SgRulesAsDeclared,
            });
        }
    }
    let changed_tags = crate::construct::changed_tags(&desired.tags, changes);
    if !changed_tags.is_empty() {
        ctx.env
            .ec2()
            .create_tags()
            .resources(&live.state.group_id)
            .set_tags(Some(ec2_tags(&changed_tags)))
            .send()
            .await
            .aws(SERVICE, "CreateTags", &resource)?;
    }
    Ok(())
}

/// Deletes a group (AWS refuses while anything uses it).
pub(crate) async fn delete_group(ctx: &Ctx<'_>, resource: &str, group_id: &str) -> Result<()> {
    ctx.env
        .ec2()
        .delete_security_group()
        .group_id(group_id)
        .send()
        .await
        .aws(SERVICE, "DeleteSecurityGroup", resource)?;
    Ok(())
}

/// The live rules of a rules spec's group; `None` while the group is not made.
pub(crate) async fn read_rules_of(
    ctx: &Ctx<'_>,
    rules: &SecurityGroupRules,
) -> Result<Option<Live<SecurityGroupRulesState>>> {
    let Some(group_id) = rules.group_id(&ctx.scope) else {
        return Ok(None);
    };
    let mut read = read_rules(ctx.env, std::slice::from_ref(&group_id), &BTreeMap::new()).await?;
    Ok(Some(Live {
        outputs: ResourceOutputs {
            arn: ctx.scope.arn("ec2", &format!("security-group/{group_id}")),
            physical_id: group_id.clone(),
        },
        state: SecurityGroupRulesState {
            rules: read.remove(&group_id).unwrap_or_default(),
            group_id,
        },
    }))
}

/// Brings a group's rules to the declared set (the group was made just before).
pub(crate) async fn create_rules(
    ctx: &Ctx<'_>,
    rules: &SecurityGroupRules,
    desired: &SecurityGroupRulesState,
) -> Result<ResourceOutputs> {
    let resource = format!("rules of security group {:?}", rules.group().name());
    let live = read_rules_of(ctx, rules)
        .await?
        .ok_or_else(|| Error::Conflict {
            resource: resource.clone(),
            reason: format!("the group {} is not made yet", rules.group().group().id()),
        })?;
    converge_rules(
        ctx.env,
        &resource,
        &live.state.group_id,
        &live.state.rules,
        &desired.rules,
    )
    .await?;
    Ok(live.outputs)
}

/// Every security group of the account in the region (or of one VPC), with its rules and its
/// VPC's blocks (for the audit).
pub async fn read_security_groups(
    env: &Environment,
    vpc_id: Option<&str>,
) -> Result<Vec<SecurityGroupState>> {
    let filters = vpc_id
        .map(|id| vec![filter("vpc-id", [id])])
        .unwrap_or_default();
    let groups = describe_groups(env, filters, vpc_id.unwrap_or("security groups")).await?;
    let ids: Vec<String> = groups
        .iter()
        .filter_map(|group| group.group_id().map(str::to_string))
        .collect();
    let names: BTreeMap<String, String> = groups
        .iter()
        .filter_map(|group| {
            Some((
                group.group_id()?.to_string(),
                tag_map(group.tags()).get(LOGICAL_ID_TAG)?.clone(),
            ))
        })
        .collect();
    let mut rules = BTreeMap::new();
    for chunk in ids.chunks(100) {
        rules.extend(read_rules(env, chunk, &names).await?);
    }
    let mut vpc_ids: Vec<String> = groups
        .iter()
        .filter_map(|group| group.vpc_id().map(str::to_string))
        .collect();
    vpc_ids.sort();
    vpc_ids.dedup();
    let mut cidrs: BTreeMap<String, Vec<String>> = BTreeMap::new();
    if !vpc_ids.is_empty() {
        let output = env
            .ec2()
            .describe_vpcs()
            .set_vpc_ids(Some(vpc_ids))
            .send()
            .await
            .aws(SERVICE, "DescribeVpcs", "vpcs of security groups")?;
        for vpc in output.vpcs() {
            if let Some(id) = vpc.vpc_id() {
                cidrs.insert(
                    id.to_string(),
                    vpc.cidr_block_association_set()
                        .iter()
                        .filter_map(|association| association.cidr_block().map(str::to_string))
                        .collect(),
                );
            }
        }
    }
    Ok(groups
        .iter()
        .map(|group| {
            let id = group.group_id().unwrap_or_default();
            group_state(
                group,
                rules.remove(id).unwrap_or_default(),
                group
                    .vpc_id()
                    .and_then(|vpc| cidrs.get(vpc).cloned())
                    .unwrap_or_default(),
            )
        })
        .collect())
}
