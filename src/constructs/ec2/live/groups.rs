//! Security groups and their rules: reading (any group, for the audit too), making a group
//! with no rules, and bringing a group's rules to a declared set.

use std::collections::BTreeMap;

use aws_sdk_ec2::types::{
    IpPermission, IpRange, Ipv6Range, PrefixListId, ResourceType, SecurityGroup as SdkGroup,
    SecurityGroupRule, UserIdGroupPair,
};

use crate::aws_error::AwsResultExt;
use crate::construct::{Construct, Ctx, Live, ResourceOutputs, SettingChange, KNOWN_AFTER_APPLY};
use crate::controls::ControlId;
use crate::env::{Environment, LOGICAL_ID_TAG, STACK_TAG};
use crate::error::{Error, Result};

use super::super::rules::{PrefixListEntries, RulePeer, SgRule};
use super::super::security_group::{SecurityGroup, SecurityGroupState};
use super::super::security_group_rules::{SecurityGroupRules, SecurityGroupRulesState};
use super::util::{ec2_tags, filter, required, tag_map, tag_spec, SERVICE};

fn to_rule(rule: &SecurityGroupRule, names: &BTreeMap<String, String>) -> SgRule {
    let protocol = SgRule::normalize_protocol(rule.ip_protocol().unwrap_or("-1"));
    let (from_port, to_port) = if protocol == "all" {
        (-1, -1)
    } else {
        (rule.from_port().unwrap_or(-1), rule.to_port().unwrap_or(-1))
    };
    let peer = if let Some(cidr) = rule.cidr_ipv4() {
        RulePeer::Cidr(cidr.to_string())
    } else if let Some(cidr) = rule.cidr_ipv6() {
        RulePeer::Ipv6Cidr(cidr.to_string())
    } else if let Some(list) = rule.prefix_list_id() {
        RulePeer::PrefixList(list.to_string())
    } else {
        let id = rule
            .referenced_group_info()
            .and_then(|group| group.group_id())
            .unwrap_or_default()
            .to_string();
        RulePeer::Group {
            name: names.get(&id).cloned(),
            id,
        }
    };
    SgRule {
        egress: rule.is_egress().unwrap_or(false),
        protocol,
        from_port,
        to_port,
        peer,
        id: rule.security_group_rule_id().map(str::to_string),
        description: rule.description().map(str::to_string),
        prefix_list: None,
    }
}

/// What EC2 answers when a prefix list does not exist (any more).
const PREFIX_LIST_MISSING: &[&str] = &[
    "InvalidPrefixListID.NotFound",
    "InvalidPrefixListId.NotFound",
];

/// The entries of the managed prefix lists `ids` (customer-managed and AWS-managed alike). A
/// list that is not found is left out: the controls count it as public address space.
async fn prefix_list_entries(
    env: &Environment,
    ids: &[String],
) -> Result<BTreeMap<String, PrefixListEntries>> {
    let mut lists = BTreeMap::new();
    if ids.is_empty() {
        return Ok(lists);
    }
    let resource = ids.join(",");
    let Some(described) = env
        .ec2()
        .describe_managed_prefix_lists()
        .set_prefix_list_ids(Some(ids.to_vec()))
        .send()
        .await
        .aws_optional(
            SERVICE,
            "DescribeManagedPrefixLists",
            &resource,
            PREFIX_LIST_MISSING,
        )?
    else {
        return Ok(lists);
    };
    for list in described.prefix_lists() {
        let Some(id) = list.prefix_list_id() else {
            continue;
        };
        let mut cidrs = Vec::new();
        let mut pages = env
            .ec2()
            .get_managed_prefix_list_entries()
            .prefix_list_id(id)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.aws(SERVICE, "GetManagedPrefixListEntries", id)?;
            cidrs.extend(
                page.entries()
                    .iter()
                    .filter_map(|entry| entry.cidr().map(str::to_string)),
            );
        }
        cidrs.sort();
        cidrs.dedup();
        lists.insert(
            id.to_string(),
            PrefixListEntries {
                name: list.prefix_list_name().unwrap_or(id).to_string(),
                aws_managed: list
                    .owner_id()
                    .is_some_and(|owner| owner.eq_ignore_ascii_case("aws")),
                cidrs,
            },
        );
    }
    Ok(lists)
}

/// The logical ids (from tags) of groups, by id.
async fn group_logical_ids(env: &Environment, ids: &[String]) -> Result<BTreeMap<String, String>> {
    if ids.is_empty() {
        return Ok(BTreeMap::new());
    }
    let mut names = BTreeMap::new();
    let mut pages = env
        .ec2()
        .describe_security_groups()
        .filters(filter("group-id", ids.iter().cloned()))
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        for group in page
            .aws(SERVICE, "DescribeSecurityGroups", "referenced groups")?
            .security_groups
            .unwrap_or_default()
        {
            if let (Some(id), Some(logical)) =
                (group.group_id(), tag_map(group.tags()).get(LOGICAL_ID_TAG))
            {
                names.insert(id.to_string(), logical.clone());
            }
        }
    }
    Ok(names)
}

/// The rules of each group, with peer groups named by their logical-id tags when they have
/// one (`known` names first).
pub(crate) async fn read_rules(
    env: &Environment,
    group_ids: &[String],
    known: &BTreeMap<String, String>,
) -> Result<BTreeMap<String, Vec<SgRule>>> {
    let mut by_group: BTreeMap<String, Vec<SgRule>> = group_ids
        .iter()
        .map(|id| (id.clone(), Vec::new()))
        .collect();
    if group_ids.is_empty() {
        return Ok(by_group);
    }
    let mut raw = Vec::new();
    let mut pages = env
        .ec2()
        .describe_security_group_rules()
        .filters(filter("group-id", group_ids.iter().cloned()))
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        raw.extend(
            page.aws(SERVICE, "DescribeSecurityGroupRules", &group_ids.join(","))?
                .security_group_rules
                .unwrap_or_default(),
        );
    }
    let mut unknown: Vec<String> = raw
        .iter()
        .filter_map(|rule| rule.referenced_group_info().and_then(|g| g.group_id()))
        .filter(|id| !known.contains_key(*id))
        .map(str::to_string)
        .collect();
    unknown.sort();
    unknown.dedup();
    let mut names = known.clone();
    names.extend(group_logical_ids(env, &unknown).await?);
    // Ingress from a prefix list is judged by the list's entries.
    let mut list_ids: Vec<String> = raw
        .iter()
        .filter(|rule| rule.is_egress() != Some(true))
        .filter_map(|rule| rule.prefix_list_id().map(str::to_string))
        .collect();
    list_ids.sort();
    list_ids.dedup();
    let lists = prefix_list_entries(env, &list_ids).await?;
    for rule in &raw {
        if let Some(group_id) = rule.group_id() {
            let mut normalized = to_rule(rule, &names);
            if let RulePeer::PrefixList(id) = &normalized.peer {
                normalized.prefix_list = lists.get(id).cloned();
            }
            by_group
                .entry(group_id.to_string())
                .or_default()
                .push(normalized);
        }
    }
    for rules in by_group.values_mut() {
        rules.sort_by_key(SgRule::render);
    }
    Ok(by_group)
}

fn permission(rule: &SgRule, resource: &str) -> Result<IpPermission> {
    let protocol = if rule.protocol == "all" {
        "-1"
    } else {
        rule.protocol.as_str()
    };
    let mut builder = IpPermission::builder().ip_protocol(protocol);
    if protocol != "-1" {
        builder = builder.from_port(rule.from_port).to_port(rule.to_port);
    }
    let description = rule.description.clone();
    builder = match &rule.peer {
        RulePeer::Cidr(cidr) => builder.ip_ranges(
            IpRange::builder()
                .cidr_ip(cidr)
                .set_description(description)
                .build(),
        ),
        RulePeer::Ipv6Cidr(cidr) => builder.ipv6_ranges(
            Ipv6Range::builder()
                .cidr_ipv6(cidr)
                .set_description(description)
                .build(),
        ),
        RulePeer::PrefixList(id) => builder.prefix_list_ids(
            PrefixListId::builder()
                .prefix_list_id(id)
                .set_description(description)
                .build(),
        ),
        RulePeer::Group { id, name } => {
            if id.is_empty() || id == KNOWN_AFTER_APPLY {
                return Err(Error::Conflict {
                    resource: resource.to_string(),
                    reason: format!(
                        "the rule {} names group {} which is not made yet: add it to the stack",
                        rule.render(),
                        name.as_deref().unwrap_or(id)
                    ),
                });
            }
            builder.user_id_group_pairs(
                UserIdGroupPair::builder()
                    .group_id(id)
                    .set_description(description)
                    .build(),
            )
        }
    };
    Ok(builder.build())
}

/// Revokes every live rule that is not desired and authorizes every desired rule that is not
/// live.
pub(crate) async fn converge_rules(
    env: &Environment,
    resource: &str,
    group_id: &str,
    live: &[SgRule],
    desired: &[SgRule],
) -> Result<()> {
    let ec2 = env.ec2();
    for egress in [false, true] {
        let revoke: Vec<String> = live
            .iter()
            .filter(|rule| rule.egress == egress && !desired.contains(rule))
            .filter_map(|rule| rule.id.clone())
            .collect();
        if !revoke.is_empty() {
            if egress {
                ec2.revoke_security_group_egress()
                    .group_id(group_id)
                    .set_security_group_rule_ids(Some(revoke))
                    .send()
                    .await
                    .aws(SERVICE, "RevokeSecurityGroupEgress", resource)?;
            } else {
                ec2.revoke_security_group_ingress()
                    .group_id(group_id)
                    .set_security_group_rule_ids(Some(revoke))
                    .send()
                    .await
                    .aws(SERVICE, "RevokeSecurityGroupIngress", resource)?;
            }
        }
        let mut authorize = Vec::new();
        for rule in desired
            .iter()
            .filter(|rule| rule.egress == egress && !live.contains(rule))
        {
            authorize.push(permission(rule, resource)?);
        }
        if !authorize.is_empty() {
            if egress {
                ec2.authorize_security_group_egress()
                    .group_id(group_id)
                    .set_ip_permissions(Some(authorize))
                    .send()
                    .await
                    .aws(SERVICE, "AuthorizeSecurityGroupEgress", resource)?;
            } else {
                ec2.authorize_security_group_ingress()
                    .group_id(group_id)
                    .set_ip_permissions(Some(authorize))
                    .send()
                    .await
                    .aws(SERVICE, "AuthorizeSecurityGroupIngress", resource)?;
            }
        }
    }
    Ok(())
}

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
