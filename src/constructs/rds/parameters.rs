//! The database's own DB parameter group: made for the engine's family, holding the TLS
//! parameters and the caller's.

use std::collections::BTreeMap;

use aws_sdk_rds::types::{ApplyMethod, Parameter};

use crate::aws_error::AwsResultExt;
use crate::construct::Ctx;
use crate::env::Environment;
use crate::error::Result;

use super::database::EncryptedDatabase;
use super::engine::is_static;

const RDS: &str = "rds";
/// ModifyDBParameterGroup takes at most 20 parameters a call.
const BATCH: usize = 20;

/// The family of a parameter group and its parameters that carry a user-set value.
pub async fn read_parameter_group(
    env: &Environment,
    name: &str,
) -> Result<Option<(String, BTreeMap<String, String>)>> {
    let Some(groups) = env
        .rds()
        .describe_db_parameter_groups()
        .db_parameter_group_name(name)
        .send()
        .await
        .aws_optional(
            RDS,
            "DescribeDBParameterGroups",
            name,
            &["DBParameterGroupNotFound"],
        )?
    else {
        return Ok(None);
    };
    let family = groups
        .db_parameter_groups()
        .first()
        .and_then(|group| group.db_parameter_group_family())
        .unwrap_or_default()
        .to_string();
    let mut parameters = BTreeMap::new();
    let mut pages = env
        .rds()
        .describe_db_parameters()
        .db_parameter_group_name(name)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        for parameter in page.aws(RDS, "DescribeDBParameters", name)?.parameters() {
            // Engine defaults carry no user value; the controls judge what was set.
            let user = parameter.source().is_none_or(|source| source == "user");
            if let (true, Some(key), Some(value)) = (
                user,
                parameter.parameter_name(),
                parameter.parameter_value(),
            ) {
                parameters.insert(key.to_string(), value.to_string());
            }
        }
    }
    Ok(Some((family, parameters)))
}

/// Makes the parameter group if missing and sets `parameters` in it.
pub(super) async fn ensure_parameter_group(
    ctx: &Ctx<'_>,
    db: &EncryptedDatabase,
    parameters: &BTreeMap<String, String>,
) -> Result<()> {
    let name = db.parameter_group_name();
    ctx.env
        .rds()
        .create_db_parameter_group()
        .db_parameter_group_name(&name)
        .db_parameter_group_family(db.engine().family())
        .description(format!(
            "hipaa-aws TLS-only parameters of {}",
            db.identifier()
        ))
        .set_tags(Some(super::live::rds_tags(
            &ctx.scope.tags_for(db.logical_id(), false),
        )))
        .send()
        .await
        .aws_optional(
            RDS,
            "CreateDBParameterGroup",
            &name,
            &["DBParameterGroupAlreadyExists"],
        )?;
    set_parameters(ctx.env, &name, parameters).await
}

/// Sets parameters in a group, static ones for the next reboot.
pub(super) async fn set_parameters(
    env: &Environment,
    group: &str,
    parameters: &BTreeMap<String, String>,
) -> Result<()> {
    let all: Vec<Parameter> = parameters
        .iter()
        .map(|(name, value)| {
            Parameter::builder()
                .parameter_name(name)
                .parameter_value(value)
                .apply_method(if is_static(name) {
                    ApplyMethod::PendingReboot
                } else {
                    ApplyMethod::Immediate
                })
                .build()
        })
        .collect();
    for batch in all.chunks(BATCH) {
        env.rds()
            .modify_db_parameter_group()
            .db_parameter_group_name(group)
            .set_parameters(Some(batch.to_vec()))
            .send()
            .await
            .aws(RDS, "ModifyDBParameterGroup", group)?;
    }
    Ok(())
}

/// Deletes a parameter group (gone already is fine).
pub(super) async fn delete_parameter_group(env: &Environment, name: &str) -> Result<()> {
    env.rds()
        .delete_db_parameter_group()
        .db_parameter_group_name(name)
        .send()
        .await
        .aws_optional(
            RDS,
            "DeleteDBParameterGroup",
            name,
            &["DBParameterGroupNotFound"],
        )?;
    Ok(())
}
