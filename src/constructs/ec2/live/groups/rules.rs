//! The rules of a security group: read (peer groups named by their logical-id tags, prefix
//! lists expanded) and converged to a declared set.

use std::collections::BTreeMap;

use aws_sdk_ec2::types::{
    IpPermission, IpRange, Ipv6Range, PrefixListId, SecurityGroupRule, UserIdGroupPair,
};

use crate::aws_error::AwsResultExt;
use crate::construct::KNOWN_AFTER_APPLY;
use crate::env::{Environment, LOGICAL_ID_TAG};
use crate::error::{Error, Result};

use super::super::super::rules::{PrefixListEntries, RulePeer, SgRule};
use super::super::util::{filter, tag_map, SERVICE};

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
