//! The database's network parts: its security group (made and converged with the EC2
//! construct's rule machinery) and its DB subnet group of the VPC's data subnets.

use std::collections::BTreeMap;

use aws_sdk_ec2::types::Filter;

use crate::aws_error::AwsResultExt;
use crate::construct::Ctx;
use crate::constructs::ec2::{converge_rules, make_empty_group, read_rules, SgRule};
use crate::env::{Environment, LOGICAL_ID_TAG, STACK_TAG};
use crate::error::{Error, Result};

use super::database::EncryptedDatabase;

const RDS: &str = "rds";

/// The VPC id of the database's subnets, once the VPC is made.
pub(super) fn vpc_id(ctx: &Ctx<'_>, db: &EncryptedDatabase) -> Result<String> {
    ctx.scope
        .outputs_of(db.subnets().vpc().id())
        .map(|outputs| outputs.physical_id.clone())
        .ok_or_else(|| Error::Conflict {
            resource: db.resource_name(),
            reason: format!("the VPC {} is not made yet", db.subnets().vpc().id()),
        })
}

/// The id of the database's own security group, when it exists. A group of that name that this
/// stack does not manage is a conflict.
pub(super) async fn find_group(
    ctx: &Ctx<'_>,
    db: &EncryptedDatabase,
    vpc_id: &str,
) -> Result<Option<String>> {
    let name = db.security_group_name();
    let groups = ctx
        .env
        .ec2()
        .describe_security_groups()
        .filters(Filter::builder().name("vpc-id").values(vpc_id).build())
        .filters(Filter::builder().name("group-name").values(&name).build())
        .send()
        .await
        .aws("ec2", "DescribeSecurityGroups", &name)?
        .security_groups
        .unwrap_or_default();
    let Some(group) = groups.into_iter().next() else {
        return Ok(None);
    };
    let tags: BTreeMap<String, String> = group
        .tags()
        .iter()
        .filter_map(|tag| Some((tag.key()?.to_string(), tag.value()?.to_string())))
        .collect();
    let ours = tags.get(STACK_TAG).map(String::as_str) == Some(ctx.scope.stack)
        && tags.get(LOGICAL_ID_TAG).map(String::as_str) == Some(db.id_str());
    if !ours {
        return Err(Error::Conflict {
            resource: format!("security group {name:?}"),
            reason: format!(
                "it exists and is not managed by stack {:?}",
                ctx.scope.stack
            ),
        });
    }
    Ok(group.group_id)
}

/// True when `group_id` is the database's own group (its name and this stack's tags).
pub(super) async fn is_own_group(
    ctx: &Ctx<'_>,
    db: &EncryptedDatabase,
    group_id: &str,
) -> Result<bool> {
    let groups = ctx
        .env
        .ec2()
        .describe_security_groups()
        .group_ids(group_id)
        .send()
        .await
        .aws_optional(
            "ec2",
            "DescribeSecurityGroups",
            group_id,
            &["InvalidGroup.NotFound"],
        )?
        .and_then(|output| output.security_groups)
        .unwrap_or_default();
    Ok(groups.iter().any(|group| {
        let tagged = |key: &str, value: &str| {
            group
                .tags()
                .iter()
                .any(|tag| tag.key() == Some(key) && tag.value() == Some(value))
        };
        group.group_name() == Some(db.security_group_name().as_str())
            && tagged(STACK_TAG, ctx.scope.stack)
            && tagged(LOGICAL_ID_TAG, db.id_str())
    }))
}

/// Makes (or finds) the database's security group and brings its rules to `desired`.
pub(super) async fn ensure_group(
    ctx: &Ctx<'_>,
    db: &EncryptedDatabase,
    desired: &[SgRule],
) -> Result<String> {
    let vpc_id = vpc_id(ctx, db)?;
    let resource = format!("security group {:?}", db.security_group_name());
    let group_id = match find_group(ctx, db, &vpc_id).await? {
        Some(id) => id,
        None => {
            let mut tags = ctx.scope.tags_for(db.logical_id(), false);
            tags.insert("Name".to_string(), db.security_group_name());
            make_empty_group(
                ctx.env,
                &resource,
                &vpc_id,
                &db.security_group_name(),
                &format!("hipaa-aws database {}", db.identifier()),
                &tags,
            )
            .await?
        }
    };
    let mut live = read_rules(ctx.env, std::slice::from_ref(&group_id), &BTreeMap::new()).await?;
    let live = live.remove(&group_id).unwrap_or_default();
    converge_rules(ctx.env, &resource, &group_id, &live, desired).await?;
    Ok(group_id)
}

/// The rules of the groups attached to the database.
pub(super) async fn rules_of(env: &Environment, group_ids: &[String]) -> Result<Vec<SgRule>> {
    let by_group = read_rules(env, group_ids, &BTreeMap::new()).await?;
    Ok(by_group.into_values().flatten().collect())
}

/// The blocks of some subnets, sorted.
pub(super) async fn subnet_cidrs(env: &Environment, subnet_ids: &[String]) -> Result<Vec<String>> {
    if subnet_ids.is_empty() {
        return Ok(Vec::new());
    }
    let subnets = env
        .ec2()
        .describe_subnets()
        .set_subnet_ids(Some(subnet_ids.to_vec()))
        .send()
        .await
        .aws("ec2", "DescribeSubnets", &subnet_ids.join(","))?
        .subnets
        .unwrap_or_default();
    let mut cidrs: Vec<String> = subnets
        .iter()
        .filter_map(|subnet| subnet.cidr_block().map(str::to_string))
        .collect();
    cidrs.sort();
    Ok(cidrs)
}

/// Makes the DB subnet group of the data subnets, or brings an existing one to them.
pub(super) async fn ensure_subnet_group(ctx: &Ctx<'_>, db: &EncryptedDatabase) -> Result<()> {
    let subnets: Vec<String> = db
        .subnets()
        .resolve(ctx)
        .await?
        .into_iter()
        .map(|subnet| subnet.subnet_id)
        .collect();
    let name = db.subnet_group_name();
    let tags = super::live::rds_tags(&ctx.scope.tags_for(db.logical_id(), false));
    let created = ctx
        .env
        .rds()
        .create_db_subnet_group()
        .db_subnet_group_name(&name)
        .db_subnet_group_description(format!("hipaa-aws data subnets of {}", db.identifier()))
        .set_subnet_ids(Some(subnets.clone()))
        .set_tags(Some(tags))
        .send()
        .await
        .aws_optional(
            RDS,
            "CreateDBSubnetGroup",
            &name,
            &[
                "DBSubnetGroupAlreadyExists",
                "DBSubnetGroupAlreadyExistsFault",
            ],
        )?;
    if created.is_none() {
        ctx.env
            .rds()
            .modify_db_subnet_group()
            .db_subnet_group_name(&name)
            .set_subnet_ids(Some(subnets))
            .send()
            .await
            .aws(RDS, "ModifyDBSubnetGroup", &name)?;
    }
    Ok(())
}
