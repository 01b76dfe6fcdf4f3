//! Reading a DB instance: any instance of the account, or the database of a spec (ours, or a
//! conflict).

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_rds::types::{DbInstance, Tag};

use crate::aws_error::AwsResultExt;
use crate::construct::{Ctx, Live, ResourceOutputs};
use crate::env::{Environment, LOGICAL_ID_TAG, STACK_TAG};
use crate::error::{Error, Result};

use super::super::database::EncryptedDatabase;
use super::super::state::{DatabaseState, PARAMETERS_READ, RULES_READ, SUBNETS_READ};
use super::super::{log_groups, network, parameters};
use super::NOT_FOUND;
use super::RDS;
use crate::constructs::partial::Unread;

/// RDS tags from a map.
pub(crate) fn rds_tags(tags: &BTreeMap<String, String>) -> Vec<Tag> {
    tags.iter()
        .map(|(key, value)| Tag::builder().key(key).value(value).build())
        .collect()
}

fn tag_map(tags: &[Tag]) -> BTreeMap<String, String> {
    tags.iter()
        .filter_map(|tag| Some((tag.key()?.to_string(), tag.value()?.to_string())))
        .collect()
}

pub(super) fn major(engine_version: &str, engine: &str) -> String {
    let mut parts = engine_version.split('.');
    let first = parts.next().unwrap_or_default();
    if super::super::engine::is_postgres_kind(engine) {
        first.to_string()
    } else {
        format!("{first}.{}", parts.next().unwrap_or_default())
    }
}

/// Describes one instance; `None` when it does not exist.
pub async fn describe_instance(env: &Environment, identifier: &str) -> Result<Option<DbInstance>> {
    Ok(env
        .rds()
        .describe_db_instances()
        .db_instance_identifier(identifier)
        .send()
        .await
        .aws_optional(RDS, "DescribeDBInstances", identifier, NOT_FOUND)?
        .and_then(|output| output.db_instances.unwrap_or_default().into_iter().next()))
}

/// The settings of a described instance, its parameter group and its security groups, with all
/// its tags. No secret is read: only whether RDS manages the master password, and its key.
pub async fn read_instance_state(
    env: &Environment,
    instance: &DbInstance,
) -> Result<DatabaseState> {
    let identifier = instance
        .db_instance_identifier()
        .unwrap_or_default()
        .to_string();
    let engine = instance.engine().unwrap_or_default().to_string();
    let subnet_group = instance.db_subnet_group();
    let subnet_ids: Vec<String> = subnet_group
        .map(|group| {
            group
                .subnets()
                .iter()
                .filter_map(|subnet| subnet.subnet_identifier().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let parameter_group = instance
        .db_parameter_groups()
        .first()
        .and_then(|group| group.db_parameter_group_name())
        .unwrap_or_default()
        .to_string();
    // Each part is its own read: one that fails errors only the checks it feeds.
    let mut unread = Unread::none();
    let (parameter_family, parameters) = if parameter_group.is_empty() {
        (String::new(), BTreeMap::new())
    } else {
        let read = parameters::read_parameter_group(env, &parameter_group)
            .await
            .map(Option::unwrap_or_default);
        unread.settle(PARAMETERS_READ, read, Default::default())
    };
    let security_group_ids: Vec<String> = instance
        .vpc_security_groups()
        .iter()
        .filter_map(|group| group.vpc_security_group_id().map(str::to_string))
        .collect();
    let rules = unread.settle(
        RULES_READ,
        network::rules_of(env, &security_group_ids).await,
        Vec::new(),
    );
    let subnet_cidrs = unread.settle(
        SUBNETS_READ,
        network::subnet_cidrs(env, &subnet_ids).await,
        Vec::new(),
    );
    let secret = instance.master_user_secret();
    Ok(DatabaseState {
        engine_major_version: major(instance.engine_version().unwrap_or_default(), &engine),
        engine,
        instance_class: instance.db_instance_class().unwrap_or_default().to_string(),
        allocated_storage: instance
            .allocated_storage()
            .and_then(|gib| u32::try_from(gib).ok())
            .unwrap_or(0),
        storage_encrypted: instance.storage_encrypted().unwrap_or(false),
        kms_key: instance.kms_key_id().map(str::to_string),
        publicly_accessible: instance.publicly_accessible(),
        port: instance
            .endpoint()
            .and_then(|endpoint| endpoint.port())
            .or(instance.db_instance_port())
            .and_then(|port| u16::try_from(port).ok())
            .unwrap_or(0),
        subnet_group: subnet_group
            .and_then(|group| group.db_subnet_group_name())
            .unwrap_or_default()
            .to_string(),
        subnet_cidrs,
        vpc_id: subnet_group
            .and_then(|group| group.vpc_id())
            .unwrap_or_default()
            .to_string(),
        security_group_ids,
        rules,
        parameter_group,
        parameter_family,
        parameters,
        backup_retention_days: instance
            .backup_retention_period()
            .and_then(|days| u32::try_from(days).ok())
            .unwrap_or(0),
        deletion_protection: instance.deletion_protection().unwrap_or(false),
        multi_az: instance.multi_az().unwrap_or(false),
        iam_auth: instance
            .iam_database_authentication_enabled()
            .unwrap_or(false),
        auto_minor_version_upgrade: instance.auto_minor_version_upgrade().unwrap_or(false),
        copy_tags_to_snapshot: instance.copy_tags_to_snapshot().unwrap_or(false),
        log_exports: instance
            .enabled_cloudwatch_logs_exports()
            .iter()
            .cloned()
            .collect::<BTreeSet<String>>(),
        monitoring_interval: instance
            .monitoring_interval()
            .and_then(|secs| u32::try_from(secs).ok())
            .unwrap_or(0),
        monitoring_role_arn: instance.monitoring_role_arn().map(str::to_string),
        performance_insights: instance.performance_insights_enabled().unwrap_or(false),
        performance_insights_kms_key: instance
            .performance_insights_kms_key_id()
            .map(str::to_string),
        master_password_managed: secret.and_then(|secret| secret.secret_arn()).is_some(),
        master_secret_kms_key: secret
            .and_then(|secret| secret.kms_key_id())
            .map(str::to_string),
        master_username: instance.master_username().unwrap_or_default().to_string(),
        tags: tag_map(instance.tag_list()),
        parameter_apply_status: instance
            .db_parameter_groups()
            .first()
            .and_then(|group| group.parameter_apply_status())
            .map(str::to_string),
        log_groups: BTreeMap::new(),
        unread,
        identifier,
    })
}

pub(super) fn outputs(instance: &DbInstance) -> ResourceOutputs {
    ResourceOutputs {
        arn: instance.db_instance_arn().unwrap_or_default().to_string(),
        // The immutable resource id (db-...) is what rds-db:connect ARNs name.
        physical_id: instance.dbi_resource_id().unwrap_or_default().to_string(),
    }
}

/// Finds the database by identifier; a database of that name another stack manages is a
/// conflict.
pub(crate) async fn read(
    ctx: &Ctx<'_>,
    db: &EncryptedDatabase,
) -> Result<Option<Live<DatabaseState>>> {
    let Some(instance) = describe_instance(ctx.env, db.identifier()).await? else {
        return Ok(None);
    };
    let tags = tag_map(instance.tag_list());
    let ours = tags.get(STACK_TAG).map(String::as_str) == Some(ctx.scope.stack)
        && tags.get(LOGICAL_ID_TAG).map(String::as_str) == Some(db.id_str());
    if !ours {
        return Err(Error::Conflict {
            resource: db.resource_name(),
            reason: format!(
                "it exists and is not managed by stack {:?} as {}; choose another identifier",
                ctx.scope.stack,
                db.id_str()
            ),
        });
    }
    let mut state = read_instance_state(ctx.env, &instance).await?;
    let wanted = db.instance_tags(&ctx.scope);
    state.tags.retain(|key, _| wanted.contains_key(key));
    state.log_groups = log_groups::read_log_groups(ctx, db, &state.log_exports).await?;
    Ok(Some(Live {
        outputs: outputs(&instance),
        state,
    }))
}
